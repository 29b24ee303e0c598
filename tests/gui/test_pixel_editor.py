"""PixelEditor driven with the mouse like a person, and the glyph drawing helpers it uses."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from engine.data.datasets import Dataset
from gui.data.glyph_pixmap import (
    CORRECT_BACKGROUND,
    CORRECT_INK,
    EXTRA_INK,
    MISSING_INK,
    error_pixmap,
    glyph_image,
    glyph_pixmap,
)
from gui.data.glyph_set import GlyphSet
from gui.data.pixel_editor import PixelEditor

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton


@pytest.fixture
def glyphs(qtbot):
    images = np.zeros((2, 7 * 5), np.float32)
    images[1] = 1.0  # glyph 1 is all ink
    return GlyphSet(Dataset("blank", 5, 7, ("empty", "full"), images))


@pytest.fixture
def editor(qtbot, glyphs):
    widget = PixelEditor(glyphs)
    qtbot.addWidget(widget)
    widget.resize(300, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def drag(qtbot, editor, button, cells):
    """Press on the first cell, move through the others, release on the last."""
    points = [editor.cell_center(row, col) for row, col in cells]
    qtbot.mousePress(editor, button, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(editor, point)
    qtbot.mouseRelease(editor, button, pos=points[-1])


def painted(editor, row, col):
    return editor.grab().toImage().pixelColor(editor.cell_center(row, col))


def test_cells_are_square_and_centred(editor):
    step_x = editor.cell_center(0, 1).x() - editor.cell_center(0, 0).x()
    step_y = editor.cell_center(1, 0).y() - editor.cell_center(0, 0).y()
    assert step_x == step_y >= 40  # 300 px wide / 5 columns, 400 px high / 7 rows -> 57 px cells
    middle = (editor.cell_center(0, 0) + editor.cell_center(6, 4)) / 2
    assert abs(middle.x() - editor.width() / 2) <= 1
    assert abs(middle.y() - editor.height() / 2) <= 1


def test_click_paints_one_cell(qtbot, editor, glyphs):
    qtbot.mouseClick(editor, LEFT, pos=editor.cell_center(2, 3))
    image = glyphs.image(0)
    assert image[2, 3] == 1.0
    assert image.sum() == 1.0
    assert painted(editor, 2, 3).lightness() < 50
    assert painted(editor, 2, 2).lightness() > 200


def test_drag_paints_every_cell_it_crosses_as_one_undo_step(qtbot, editor, glyphs):
    drag(qtbot, editor, LEFT, [(1, 0), (1, 4)])  # one fast move across the whole row
    assert glyphs.image(0)[1].tolist() == [1, 1, 1, 1, 1]
    assert glyphs.image(0).sum() == 5
    assert glyphs.undo_stack.count() == 1
    glyphs.undo_stack.undo()
    assert glyphs.image(0).sum() == 0


def test_diagonal_drag_leaves_no_gaps(qtbot, editor, glyphs):
    drag(qtbot, editor, LEFT, [(0, 0), (4, 4)])
    image = glyphs.image(0)
    for k in range(5):
        assert image[k, k] == 1.0
    rows, cols = np.nonzero(image)
    assert np.all(np.abs(rows - cols) <= 1)  # nothing far off the line


def test_right_drag_erases(qtbot, editor, glyphs):
    glyphs.set_current(1)
    drag(qtbot, editor, RIGHT, [(3, 0), (3, 2), (5, 2)])
    image = glyphs.image(1)
    assert image[3, :3].tolist() == [0, 0, 0]
    assert image[3:6, 2].tolist() == [0, 0, 0]
    assert image.sum() == 35 - 5
    assert painted(editor, 4, 2).lightness() > 200


def test_two_drags_are_two_undo_steps(qtbot, editor, glyphs):
    drag(qtbot, editor, LEFT, [(0, 0), (0, 1)])
    drag(qtbot, editor, LEFT, [(6, 3), (6, 4)])
    assert glyphs.undo_stack.count() == 2
    glyphs.undo_stack.undo()
    assert glyphs.image(0).sum() == 2


def test_drag_outside_the_grid_is_ignored(qtbot, editor, glyphs):
    qtbot.mousePress(editor, LEFT, pos=QPoint(1, 1))  # in the margin above the grid
    qtbot.mouseMove(editor, QPoint(2, 2))
    qtbot.mouseRelease(editor, LEFT, pos=QPoint(2, 2))
    assert glyphs.image(0).sum() == 0
    assert glyphs.undo_stack.count() == 0


def test_follows_the_current_glyph_and_undo(qtbot, editor, glyphs):
    glyphs.set_current(1)
    assert painted(editor, 0, 0).lightness() < 50
    glyphs.set_current(0)
    assert painted(editor, 0, 0).lightness() > 200
    glyphs.set_pixel(0, 0, 0, 1.0)
    assert painted(editor, 0, 0).lightness() < 50
    glyphs.undo_stack.undo()
    assert painted(editor, 0, 0).lightness() > 200


def test_grey_levels_are_drawn_grey(qtbot, editor, glyphs):
    glyphs.set_pixel(0, 0, 0, 0.5)
    assert 100 < painted(editor, 0, 0).lightness() < 160


def test_glyph_image_draws_ink_dark_one_pixel_per_cell():
    picture = glyph_image(np.array([[0.0, 1.0, 0.5]]))
    assert (picture.width(), picture.height()) == (3, 1)
    greys = [QColor(picture.pixel(x, 0)).red() for x in range(3)]
    assert greys == [255, 0, 128]


def test_glyph_pixmap_scales_without_smoothing():
    pixmap = glyph_pixmap(np.array([[1.0, 0.0]]), 4)
    assert (pixmap.width(), pixmap.height()) == (8, 4)
    image = pixmap.toImage()
    assert QColor(image.pixel(3, 2)).red() == 0  # last pixel of the ink cell
    assert QColor(image.pixel(4, 2)).red() == 255  # first pixel of the background cell


def test_error_pixmap_colours_each_kind_of_pixel():
    target = np.array([[1.0, 0.0, 1.0, 0.0]])
    output = np.array([[0.9, 0.1, 0.2, 0.7]])
    image = error_pixmap(output, target, 2).toImage()
    colours = [QColor(image.pixel(2 * x, 0)).getRgb()[:3] for x in range(4)]
    assert colours == [CORRECT_INK, CORRECT_BACKGROUND, MISSING_INK, EXTRA_INK]


def test_error_pixmap_refuses_different_shapes():
    with pytest.raises(ValueError, match="differ in shape"):
        error_pixmap(np.zeros((2, 2)), np.zeros((2, 3)), 1)

"""Importing PNG sheets and folders through QImage, and the dialog that asks for the options."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QDialogButtonBox

from engine.data.datasets import DatasetError
from gui.data.image_import import ImportDialog, ImportOptions, import_folder, import_sheet

BLACK, WHITE = QColor(Qt.GlobalColor.black), QColor(Qt.GlobalColor.white)
CELL = 10


def draw(
    path, width, height, rects, ink=BLACK, background=WHITE, format_=QImage.Format.Format_RGB32
):
    """Save a PNG of width x height with filled rectangles (x, y, w, h) in `ink`."""
    image = QImage(width, height, format_)
    image.fill(background)
    painter = QPainter(image)
    for x, y, w, h in rects:
        painter.fillRect(QRect(x, y, w, h), ink)
    painter.end()
    assert image.save(str(path))
    return str(path)


def click_label(qtbot, button):
    """Click a check box or radio button on its indicator, where a person would."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


@pytest.fixture
def sheet(tmp_path):
    """A 3x2 sheet of 10x10 cells: full, left half, empty / top half, empty, grey dot."""
    path = draw(
        tmp_path / "sheet.png",
        3 * CELL,
        2 * CELL,
        [(0, 0, 10, 10), (10, 0, 5, 10), (0, 10, 10, 5)],
    )
    image = QImage(path)
    painter = QPainter(image)
    painter.fillRect(QRect(24, 14, 2, 2), QColor(128, 128, 128))  # cell 5: a small grey dot
    painter.end()
    image.save(path)
    return path


def test_sheet_is_cut_row_major_skipping_empty_cells(sheet):
    data = import_sheet(sheet, CELL, CELL, 2, 2, threshold=0.5)
    assert data.name == "sheet"
    assert data.labels == ("0", "1", "3", "5")  # cells 2 and 4 are empty
    assert (data.width, data.height) == (2, 2)
    assert data.image(0).tolist() == [[1, 1], [1, 1]]
    assert data.image(1).tolist() == [[1, 0], [1, 0]]
    assert data.image(2).tolist() == [[1, 1], [0, 0]]


def test_sheet_without_threshold_keeps_grey_levels(sheet):
    data = import_sheet(sheet, CELL, CELL, 10, 10)
    dot = data.image(3)
    assert dot[4, 4] == pytest.approx(1 - 128 / 255, abs=0.01)
    assert dot[0, 0] == 0.0
    assert not data.binary


def test_smooth_scaling_averages_ink(tmp_path):
    path = draw(tmp_path / "half.png", 4, 4, [(0, 0, 2, 4)])  # left half black
    data = import_sheet(path, 4, 4, 1, 1)
    assert data.image(0)[0, 0] == pytest.approx(0.5, abs=0.05)


def test_invert_reads_light_ink_on_dark(tmp_path):
    path = draw(tmp_path / "night.png", 20, 10, [(0, 0, 10, 10)], ink=WHITE, background=BLACK)
    data = import_sheet(path, CELL, CELL, 2, 2, threshold=0.5, invert=True)
    assert data.labels == ("0",)
    assert data.image(0).tolist() == [[1, 1], [1, 1]]


def test_transparent_background_is_background(tmp_path):
    path = draw(
        tmp_path / "clear.png",
        10,
        10,
        [(0, 0, 5, 10)],
        background=QColor(0, 0, 0, 0),
        format_=QImage.Format.Format_ARGB32,
    )
    data = import_sheet(path, CELL, CELL, 2, 1, threshold=0.5)
    assert data.image(0).tolist() == [[1, 0]]


def test_folder_gives_one_glyph_per_png_sorted_by_name(tmp_path):
    draw(tmp_path / "b.png", 8, 8, [(0, 0, 8, 4)])
    draw(tmp_path / "a.png", 8, 8, [(0, 0, 8, 8)])
    draw(tmp_path / "c.PNG", 8, 8, [])  # empty pictures are kept: a folder is chosen file by file
    (tmp_path / "notes.txt").write_text("not a picture")
    data = import_folder(tmp_path, 2, 2, threshold=0.5)
    assert data.labels == ("a", "b", "c")
    assert data.name == tmp_path.name
    assert np.asarray(data.images).sum(axis=1).tolist() == [4, 2, 0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((7, 10, 5, 5), "do not divide the 30x20 sheet"),
        ((0, 10, 5, 5), "cell width must be at least 1"),
        ((10, 10, 0, 5), "glyph width must be 1 to 64"),
        ((10, 10, 5, 65), "glyph height must be 1 to 64"),
    ],
)
def test_bad_sheet_sizes_are_explained(sheet, args, message):
    with pytest.raises(DatasetError, match=message):
        import_sheet(sheet, *args)


def test_bad_threshold_is_explained(sheet):
    with pytest.raises(DatasetError, match="threshold must lie in"):
        import_sheet(sheet, CELL, CELL, 5, 5, threshold=1.5)


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(DatasetError, match=r"nope\.png: no such file"):
        import_sheet(tmp_path / "nope.png", CELL, CELL, 5, 5)
    fake = tmp_path / "fake.png"
    fake.write_text("this is not a PNG")
    with pytest.raises(DatasetError, match=r"fake\.png: not an image Qt can read"):
        import_sheet(fake, CELL, CELL, 5, 5)
    with pytest.raises(DatasetError, match=r"fake\.png: not an image Qt can read"):
        import_folder(tmp_path, 5, 5)


def test_all_empty_sheet_is_explained(tmp_path):
    path = draw(tmp_path / "white.png", 20, 20, [])
    with pytest.raises(DatasetError, match="every 10x10 cell is empty"):
        import_sheet(path, CELL, CELL, 5, 5)


def test_empty_or_missing_folder_is_explained(tmp_path):
    with pytest.raises(DatasetError, match=r"no \.png files"):
        import_folder(tmp_path, 5, 5)
    with pytest.raises(DatasetError, match="no such folder"):
        import_folder(tmp_path / "missing", 5, 5)


def test_dialog_collects_the_options(qtbot, sheet):
    dialog = ImportDialog(5, 7)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing to import yet
    qtbot.keyClicks(dialog.path_edit, sheet)
    assert ok.isEnabled()
    dialog.cell_width.setValue(CELL)
    dialog.cell_height.setValue(CELL)
    click_label(qtbot, dialog.threshold_check)
    assert dialog.threshold_slider.isEnabled()
    options = dialog.options()
    assert options == ImportOptions(sheet, True, CELL, CELL, 5, 7, 0.5, False)
    assert options.load().labels == ("0", "1", "3", "5")


def test_dialog_for_a_folder_disables_the_cell_size(qtbot, tmp_path):
    dialog = ImportDialog(8, 8)
    qtbot.addWidget(dialog)
    dialog.show()
    click_label(qtbot, dialog.folder_radio)
    assert not dialog.cell_width.isEnabled()
    dialog.path_edit.setText(str(tmp_path))
    options = dialog.options()
    assert not options.sheet
    assert options.threshold is None
    with pytest.raises(DatasetError, match=r"no \.png files"):
        options.load()

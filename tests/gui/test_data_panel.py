"""DataPanel driven like a person: mouse, keyboard shortcuts, and scripted answers to dialogs."""

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import QAbstractButton, QComboBox, QMessageBox

from engine import limits
from engine.data.dataset_json import load_json, save_json
from engine.data.datasets import Dataset, load_builtin
from gui.data.data_panel import WINDOW_COPIES, DataPanel
from gui.data.glyph_set import GlyphSet
from gui.data.image_import import ImportOptions

LEFT = Qt.MouseButton.LeftButton
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


class ScriptedPanel(DataPanel):
    """A DataPanel whose dialogs are answered from attributes the test sets, and recorded."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.errors = []
        self.discard_questions = 0
        self.discard = True
        self.open_answer = self.save_answer = self.label_answer = self.import_answer = None

    def _show_error(self, title, text):
        self.errors.append((title, text))

    def _confirm_discard(self):
        self.discard_questions += 1
        return self.discard

    def _ask_open_path(self):
        return self.open_answer

    def _ask_save_path(self):
        return self.save_answer

    def _ask_label(self, title, label):
        return self.label_answer

    def _ask_import_options(self):
        return self.import_answer


@pytest.fixture
def panel(qtbot):
    widget = ScriptedPanel(GlyphSet(load_builtin("font5x7")))
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    widget.activateWindow()  # shortcuts only reach the active window
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def stroke(qtbot, panel, cells, button=LEFT):
    editor = panel.editor
    points = [editor.cell_center(row, col) for row, col in cells]
    qtbot.mousePress(editor, button, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(editor, point)
    qtbot.mouseRelease(editor, button, pos=points[-1])


def click(qtbot, button):
    qtbot.mouseClick(button, LEFT)


def draw_sheet(path, width, height, rects):
    """Save a white PNG with black rectangles (x, y, w, h); return its path."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for rect in rects:
        painter.fillRect(QRect(*rect), QColor("black"))
    painter.end()
    assert image.save(str(path))
    return str(path)


def test_status_shows_name_size_and_modified(qtbot, panel):
    assert "font5x7" in panel.status_label.text()
    assert "32 glyphs, 5\u00d77" in panel.status_label.text()
    assert "modified" not in panel.status_label.text()
    stroke(qtbot, panel, [(0, 0)])
    assert "modified" in panel.status_label.text()


def test_ctrl_z_undoes_a_whole_stroke_and_ctrl_shift_z_redoes_it(qtbot, panel):
    glyphs = panel.glyph_set
    glyphs.set_current(1)  # "a": ".####" at the bottom, "....#" in row 3
    before = glyphs.image(1)
    stroke(qtbot, panel, [(6, 0), (6, 4)], button=Qt.MouseButton.RightButton)  # erase bottom row
    stroke(qtbot, panel, [(3, 0), (3, 4)])  # ink across the middle
    painted = glyphs.image(1)
    assert painted[3].tolist() == [1, 1, 1, 1, 1]
    assert painted[6].tolist() == [0, 0, 0, 0, 0]
    qtbot.keyClick(panel.editor, Qt.Key.Key_Z, CTRL)
    assert glyphs.image(1)[3].tolist() == [0, 0, 0, 0, 1]
    assert glyphs.image(1)[6].tolist() == [0, 0, 0, 0, 0]  # the first stroke stays
    qtbot.keyClick(panel.editor, Qt.Key.Key_Z, CTRL)
    assert np.array_equal(glyphs.image(1), before)
    assert not glyphs.modified
    qtbot.keyClick(panel.editor, Qt.Key.Key_Z, CTRL | SHIFT)
    assert glyphs.image(1)[6].tolist() == [0, 0, 0, 0, 0]
    assert glyphs.image(1)[3].tolist() == [0, 0, 0, 0, 1]


def test_undo_and_redo_buttons_follow_the_stack(qtbot, panel):
    assert not panel.undo_button.isEnabled()
    assert not panel.redo_button.isEnabled()
    stroke(qtbot, panel, [(0, 0), (0, 4)])
    assert panel.undo_button.isEnabled()
    assert "Paint" in panel.undo_button.toolTip()
    click(qtbot, panel.undo_button)
    assert panel.redo_button.isEnabled()
    assert not panel.glyph_set.modified
    click(qtbot, panel.redo_button)
    assert panel.glyph_set.modified


def test_add_asks_for_a_label(qtbot, panel):
    glyphs = panel.glyph_set
    panel.label_answer = "smiley"
    click(qtbot, panel.add_button)
    assert (len(glyphs), glyphs.label(32), glyphs.current) == (33, "smiley", 32)
    assert "smiley" in panel.glyph_label.text()
    assert "33 glyphs" in panel.status_label.text()
    panel.label_answer = None  # the person pressed Cancel
    click(qtbot, panel.add_button)
    assert len(glyphs) == 33


def test_duplicate_rename_clear_delete(qtbot, panel):
    glyphs = panel.glyph_set
    glyphs.set_current(1)
    original = glyphs.image(1)
    click(qtbot, panel.duplicate_button)
    assert (len(glyphs), glyphs.current, glyphs.label(2)) == (33, 2, glyphs.label(1))
    assert np.array_equal(glyphs.image(2), original)
    panel.label_answer = "copy"
    click(qtbot, panel.rename_button)
    assert glyphs.label(2) == "copy"
    click(qtbot, panel.clear_button)
    assert glyphs.image(2).sum() == 0
    click(qtbot, panel.delete_button)
    assert len(glyphs) == 32
    assert np.array_equal(glyphs.image(1), original)
    for _ in range(4):
        qtbot.keyClick(panel.editor, Qt.Key.Key_Z, CTRL)
    assert len(glyphs) == 32
    assert not glyphs.modified


def test_the_last_glyph_cannot_be_deleted(qtbot, panel):
    glyphs = panel.glyph_set
    glyphs.set_dataset(Dataset("two", 2, 2, ("a", "b"), np.zeros((2, 4))))
    assert panel.delete_button.isEnabled()
    click(qtbot, panel.delete_button)
    assert len(glyphs) == 1
    assert not panel.delete_button.isEnabled()


def test_clicking_a_thumbnail_shows_that_glyph_in_the_editor(qtbot, panel):
    gallery, glyphs = panel.gallery, panel.glyph_set
    index = gallery.model().index(5)
    qtbot.mouseClick(gallery.viewport(), LEFT, pos=gallery.visualRect(index).center())
    assert glyphs.current == 5
    assert glyphs.label(5) in panel.glyph_label.text()
    picture = panel.editor.grab().toImage()
    image = glyphs.image(5)
    for row, col in [(r, c) for r in range(7) for c in range(5)]:
        dark = picture.pixelColor(panel.editor.cell_center(row, col)).lightness() < 128
        assert dark == bool(image[row, col])


def test_gallery_follows_the_current_glyph_and_redraws_only_the_edited_one(qtbot, panel):
    gallery, glyphs = panel.gallery, panel.glyph_set
    glyphs.set_current(7)
    assert gallery.currentIndex().row() == 7
    with qtbot.waitSignal(gallery.model().dataChanged) as blocker:
        stroke(qtbot, panel, [(0, 0)])
    first, last = blocker.args[:2]
    assert first.row() == last.row() == 7


def test_gallery_handles_1797_digits_quickly(qtbot, panel):
    panel.select_builtin("digits")
    assert panel.gallery.model().rowCount() == 1797
    panel.glyph_set.set_current(1796)
    assert panel.gallery.currentIndex().row() == 1796
    assert "1,797 glyphs, 8\u00d78" in panel.status_label.text()


def test_switching_set_with_unsaved_edits_asks_first(qtbot, panel):
    glyphs, combo = panel.glyph_set, panel.set_combo
    stroke(qtbot, panel, [(0, 0), (6, 4)])
    panel.discard = False  # the person chooses Cancel
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert panel.discard_questions == 1
    assert glyphs.name == "font5x7"
    assert glyphs.modified
    assert combo.currentText() == "Letters 5\u00d77"
    panel.discard = True
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert panel.discard_questions == 2
    assert (glyphs.name, len(glyphs), glyphs.width) == ("emoji12x12", 32, 12)
    assert not glyphs.modified
    assert glyphs.undo_stack.count() == 0


def test_switching_an_unmodified_set_does_not_ask(panel):
    assert panel.select_builtin("emoji12x12")
    assert panel.discard_questions == 0


def test_open_a_json_set_file(qtbot, panel, tmp_path):
    path = tmp_path / "mine.json"
    save_json(Dataset("mine", 3, 3, ("x", "o"), np.eye(2, 9)), path)
    panel.open_answer = str(path)
    qtbot.keyClick(panel.editor, Qt.Key.Key_O, CTRL)
    glyphs = panel.glyph_set
    assert (glyphs.name, glyphs.path, len(glyphs)) == ("mine", str(path), 2)
    assert panel.set_combo.currentText() == "mine.json"
    assert panel.errors == []


def test_opening_a_bad_file_shows_the_reason_and_keeps_the_set(qtbot, panel, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"name": "broken", "width": 5}')
    stroke(qtbot, panel, [(0, 0), (6, 4)])
    panel.open_answer = str(path)
    panel.open_action.trigger()
    assert len(panel.errors) == 1
    assert str(path) in panel.errors[0][1]
    assert "height" in panel.errors[0][1]
    assert panel.discard_questions == 0  # a bad file costs no question
    assert panel.glyph_set.name == "font5x7"
    assert panel.glyph_set.modified


def test_a_set_too_large_for_memory_is_refused_with_a_sentence(panel, tmp_path, monkeypatch):
    path = tmp_path / "many.npy"
    np.save(path, np.zeros((3000, 4, 4), np.uint8))  # 48 KB of pixels, more than 2,000 images
    monkeypatch.setattr(limits, "memory_budget", lambda: WINDOW_COPIES * 48_000 - 1)
    assert not panel.open_file(str(path))
    assert "showing 3,000 images of 4x4 in the window needs about" in panel.errors[0][1]
    assert f"train --data {path}" in panel.errors[0][1]
    assert panel.glyph_set.name == "font5x7"
    monkeypatch.setattr(limits, "memory_budget", lambda: WINDOW_COPIES * 48_000)  # control: fits
    assert panel.open_file(str(path))
    assert len(panel.glyph_set) == 3000


def test_save_round_trip(qtbot, panel, tmp_path):
    glyphs = panel.glyph_set
    stroke(qtbot, panel, [(0, 0), (0, 4)])
    path = tmp_path / "letters"  # the panel adds .json
    panel.save_answer = str(path)
    qtbot.keyClick(panel.editor, Qt.Key.Key_S, CTRL)  # a built-in set has no file: Save asks
    saved = tmp_path / "letters.json"
    assert glyphs.path == str(saved)
    assert not glyphs.modified
    assert "modified" not in panel.status_label.text()
    assert panel.set_combo.currentText() == "letters.json"
    expected = tmp_path / "expected.json"
    save_json(glyphs.dataset(), expected)
    assert saved.read_text() == expected.read_text()
    assert load_json(saved).pixel_hash() == glyphs.dataset().pixel_hash()
    stroke(qtbot, panel, [(6, 0)])
    panel.save_answer = None  # Save must not ask again
    qtbot.keyClick(panel.editor, Qt.Key.Key_S, CTRL)
    assert not glyphs.modified
    assert load_json(saved).image(0)[6, 0] == 1.0


def test_save_as_cancelled_saves_nothing(panel, tmp_path):
    panel.save_answer = None
    assert not panel.save_as()
    assert panel.glyph_set.path is None


def test_maybe_save_asks_only_with_unsaved_edits(qtbot, panel):
    assert panel.maybe_save()
    assert panel.discard_questions == 0
    stroke(qtbot, panel, [(0, 0), (6, 4)])
    panel.discard = False
    assert not panel.maybe_save()
    panel.discard = True
    assert panel.maybe_save()
    assert panel.discard_questions == 2


def test_save_answer_in_the_unsaved_changes_question_saves(qtbot, tmp_path, monkeypatch):
    glyphs = GlyphSet(load_builtin("font5x7"))
    panel = DataPanel(glyphs)  # the real _confirm_discard, with the message box answered
    qtbot.addWidget(panel)
    glyphs.set_pixel(0, 0, 0, 1.0 - glyphs.image(0)[0, 0])
    save = QMessageBox.StandardButton.Save
    monkeypatch.setattr(QMessageBox, "question", lambda *args: save)
    monkeypatch.setattr(panel, "_ask_save_path", lambda: str(tmp_path / "kept.json"))
    assert panel.maybe_save()
    assert (tmp_path / "kept.json").exists()
    assert not glyphs.modified


def test_import_a_sheet(qtbot, panel, tmp_path):
    sheet = draw_sheet(tmp_path / "sheet.png", 30, 20, [(0, 0, 10, 10), (10, 10, 10, 10)])
    panel.import_answer = ImportOptions(sheet, True, 10, 10, 6, 6, 0.5, False)
    panel.import_action.trigger()
    glyphs = panel.glyph_set
    assert (glyphs.name, len(glyphs), glyphs.width, glyphs.height) == ("sheet", 2, 6, 6)
    assert glyphs.modified  # nothing on disk holds these glyphs yet
    assert glyphs.image(0).sum() == 36
    assert panel.set_combo.currentText() == "sheet (not saved)"
    assert panel.gallery.model().rowCount() == 2


def test_bad_import_shows_the_message(panel, tmp_path):
    sheet = draw_sheet(tmp_path / "sheet.png", 30, 20, [(0, 0, 10, 10)])
    panel.import_answer = ImportOptions(sheet, True, 7, 10, 6, 6, None, False)
    panel.import_action.trigger()
    assert len(panel.errors) == 1
    assert "do not divide the 30x20 sheet" in panel.errors[0][1]
    assert panel.glyph_set.name == "font5x7"


def test_actions_carry_the_usual_shortcuts(panel):
    shortcuts = {
        panel.undo_action: "Ctrl+Z",
        panel.redo_action: "Ctrl+Shift+Z",
        panel.save_action: "Ctrl+S",
        panel.open_action: "Ctrl+O",
    }
    for action, keys in shortcuts.items():
        assert action.shortcut() == QKeySequence(keys)
    assert panel.save_as_action.text()
    assert panel.import_action.text()


def test_every_control_has_a_tooltip(panel):
    controls = panel.findChildren(QAbstractButton) + panel.findChildren(QComboBox)
    controls += [panel.gallery, panel.editor]
    assert len(controls) > 12
    missing = [
        c.text() if isinstance(c, QAbstractButton) else c for c in controls if not c.toolTip()
    ]
    assert missing == []


def test_the_panel_fits_a_narrow_dock_with_every_glyph_button_shown(qtbot, panel):
    """Seven glyph buttons in one row made the panel ~690 px wide; the window's left dock
    (at most 36% of 1400 px) then cut off the pixel editor."""
    width = panel.minimumSizeHint().width()
    assert width <= 460
    panel.resize(width, 600)
    qtbot.wait(20)
    buttons = (
        panel.add_button,
        panel.duplicate_button,
        panel.rename_button,
        panel.delete_button,
        panel.clear_button,
        panel.undo_button,
        panel.redo_button,
    )
    for button in buttons:
        assert button.isVisible()
        corner = button.mapTo(panel, button.rect().bottomRight())
        assert panel.rect().contains(corner), button.text()
    editor = panel.editor.mapTo(panel, panel.editor.rect().bottomRight())
    assert panel.rect().contains(editor)
    assert panel.editor.width() >= 100


def test_save_as_writes_a_set_of_images_as_npz_fast_and_it_opens_again(qtbot, panel, tmp_path):
    """JSON of 60,000 MNIST images took half a minute; a set of bytes is saved as a .npz of its
    pixels (glyph sets stay JSON: the control below)."""
    from engine.data.arrays import load_npz

    rng = np.random.default_rng(0)
    images = (rng.random((3000, 12, 10)) < 0.3).astype(np.uint8) * 255
    np.save(tmp_path / "strokes.npy", images)
    panel.open_answer = str(tmp_path / "strokes.npy")
    panel.open_action.trigger()
    glyphs = panel.glyph_set
    assert glyphs.is_bytes and len(glyphs) == 3000
    glyphs.set_pixel(7, 0, 0, 1.0 - glyphs.image(7)[0, 0])
    panel.save_answer = str(tmp_path / "mine")  # no suffix typed
    panel.save_as_action.trigger()
    assert not panel.errors and not glyphs.modified
    assert glyphs.path == str(tmp_path / "mine.npz") and not (tmp_path / "mine.json").exists()
    back = load_npz(tmp_path / "mine.npz")
    assert back.pixels.dtype == np.uint8 and back.labels == glyphs.labels
    np.testing.assert_array_equal(back.pixels, glyphs.dataset().pixels)
    assert back.pixels[7, 0] != images[7, 0, 0]  # the edit is in the file

    panel.open_answer = str(tmp_path / "font.json")  # control: a glyph set stays JSON
    save_json(load_builtin("font5x7"), panel.open_answer)
    panel.open_action.trigger()
    panel.save_answer = str(tmp_path / "font-copy")
    panel.save_as_action.trigger()
    assert (tmp_path / "font-copy.json").exists() and not (tmp_path / "font-copy.npz").exists()


def test_a_long_file_name_does_not_widen_the_panel(qtbot):
    """'train-images-idx3-ubyte (not saved)' in the combo and the line under it made the panel
    325 px wide where a laptop gives it ~280: "Save As…" and the gallery's last column were cut."""
    pixels = np.zeros((3, 28 * 28), np.uint8)
    long_name = Dataset("train-images-idx3-ubyte", 28, 28, ("1", "2", "3"), pixels)
    widths = []
    for dataset in (load_builtin("font5x7"), long_name):
        panel = DataPanel(GlyphSet(dataset))
        qtbot.addWidget(panel)
        panel.show()
        widths.append(panel.minimumSizeHint().width())
    assert widths[1] <= widths[0]
    assert "train-images-idx3-ubyte" in panel.set_combo.currentText()  # still named, elided

"""GlyphSet: edits, undo steps, the modified flag, signals and saving."""

import numpy as np
import pytest

from engine.data.dataset_json import load_json, save_json
from engine.data.datasets import Dataset
from gui.data.glyph_set import GlyphSet

# Two 3x2 glyphs: "a" has ink in its top-left corner, "b" is blank.
IMAGES = np.array([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], np.float32)


@pytest.fixture
def glyphs(qtbot):
    return GlyphSet(Dataset("tiny", 3, 2, ("a", "b"), IMAGES))


def record(glyphs):
    """Every signal of `glyphs` as (name, args) in the order emitted."""
    emitted = []
    for name in ("glyph_changed", "glyphs_reset", "current_changed", "modified_changed"):
        getattr(glyphs, name).connect(lambda *args, name=name: emitted.append((name, *args)))
    return emitted


def test_reads_the_dataset_it_was_given(glyphs):
    assert (glyphs.name, glyphs.width, glyphs.height, len(glyphs)) == ("tiny", 3, 2, 2)
    assert glyphs.label(1) == "b"
    assert glyphs.image(0).tolist() == [[1, 0, 0], [0, 0, 0]]
    assert glyphs.current == 0
    assert not glyphs.modified
    assert glyphs.path is None


def test_image_is_a_copy_the_caller_may_change(glyphs):
    glyphs.image(0)[0, 0] = 0.0
    assert glyphs.image(0)[0, 0] == 1.0


def test_dataset_is_cached_until_an_edit(glyphs):
    first = glyphs.dataset()
    assert glyphs.dataset() is first
    glyphs.set_pixel(1, 0, 0, 1.0)
    changed = glyphs.dataset()
    assert changed is not first
    assert changed.image(1)[0, 0] == 1.0
    assert first.image(1)[0, 0] == 0.0  # the old snapshot never changes


def test_a_stroke_is_one_undo_step(glyphs):
    glyphs.begin_stroke(1)
    for col in range(3):
        glyphs.set_pixel(1, 1, col, 1.0)
    glyphs.end_stroke()
    assert glyphs.undo_stack.count() == 1
    assert glyphs.image(1)[1].tolist() == [1, 1, 1]
    glyphs.undo_stack.undo()
    assert glyphs.image(1).sum() == 0
    glyphs.undo_stack.redo()
    assert glyphs.image(1)[1].tolist() == [1, 1, 1]


def test_two_strokes_are_two_undo_steps(glyphs):
    for col in (1, 2):
        glyphs.begin_stroke(0)
        glyphs.set_pixel(0, 0, col, 1.0)
        glyphs.end_stroke()
    assert glyphs.undo_stack.count() == 2
    glyphs.undo_stack.undo()
    assert glyphs.image(0)[0].tolist() == [1, 1, 0]


def test_a_stroke_that_crosses_a_pixel_twice_undoes_to_the_first_value(glyphs):
    glyphs.begin_stroke(0)
    glyphs.set_pixel(0, 0, 0, 0.0)
    glyphs.set_pixel(0, 0, 0, 0.5)
    glyphs.end_stroke()
    glyphs.undo_stack.undo()
    assert glyphs.image(0)[0, 0] == 1.0


def test_setting_a_pixel_to_its_value_is_no_edit(glyphs):
    glyphs.set_pixel(0, 0, 0, 1.0)
    assert glyphs.undo_stack.count() == 0
    assert not glyphs.modified


def test_modified_follows_edits_and_undo(glyphs, qtbot):
    with qtbot.waitSignal(glyphs.modified_changed) as blocker:
        glyphs.set_pixel(0, 1, 1, 1.0)
    assert blocker.args == [True]
    assert glyphs.modified
    with qtbot.waitSignal(glyphs.modified_changed) as blocker:
        glyphs.undo_stack.undo()
    assert blocker.args == [False]
    assert not glyphs.modified


def test_undo_shows_the_glyph_it_changes(glyphs):
    glyphs.set_pixel(1, 0, 0, 1.0)
    glyphs.set_current(0)
    emitted = record(glyphs)
    glyphs.undo_stack.undo()
    assert emitted == [("current_changed", 1), ("glyph_changed", 1), ("modified_changed", False)]
    assert glyphs.current == 1


def test_add_glyph_appends_and_selects_it(glyphs, qtbot):
    with qtbot.waitSignals([glyphs.glyphs_reset, glyphs.current_changed], order="strict"):
        index = glyphs.add_glyph("c")
    assert index == 2
    assert (len(glyphs), glyphs.current, glyphs.label(2)) == (3, 2, "c")
    assert glyphs.image(2).sum() == 0
    glyphs.undo_stack.undo()
    assert (len(glyphs), glyphs.current) == (2, 0)


def test_add_glyph_with_an_image(glyphs):
    image = np.full((2, 3), 0.25, np.float32)
    glyphs.add_glyph("grey", image)
    assert glyphs.image(2).tolist() == image.tolist()
    assert glyphs.dataset().labels == ("a", "b", "grey")


def test_duplicate_inserts_a_copy_after_the_glyph(glyphs):
    assert glyphs.duplicate(0) == 1
    assert [glyphs.label(i) for i in range(3)] == ["a", "a", "b"]
    assert glyphs.image(1).tolist() == glyphs.image(0).tolist()
    assert glyphs.current == 1


def test_rename_and_undo(glyphs, qtbot):
    with qtbot.waitSignal(glyphs.glyphs_reset):
        glyphs.rename(1, "bee")
    assert glyphs.label(1) == "bee"
    glyphs.undo_stack.undo()
    assert glyphs.label(1) == "b"


def test_rename_refuses_an_empty_label(glyphs):
    with pytest.raises(ValueError, match="label"):
        glyphs.rename(0, "  ")


def test_delete_and_undo_restore_label_pixels_and_position(glyphs):
    glyphs.delete(0)
    assert (len(glyphs), glyphs.label(0), glyphs.current) == (1, "b", 0)
    glyphs.undo_stack.undo()
    assert [glyphs.label(i) for i in range(2)] == ["a", "b"]
    assert glyphs.image(0)[0, 0] == 1.0


def test_deleting_the_last_glyph_is_refused(glyphs):
    glyphs.delete(1)
    with pytest.raises(ValueError, match="at least one glyph"):
        glyphs.delete(0)
    assert len(glyphs) == 1


def test_delete_of_the_last_index_selects_the_new_last(glyphs):
    glyphs.set_current(1)
    glyphs.delete(1)
    assert glyphs.current == 0


def test_clear_is_undoable(glyphs):
    glyphs.clear(0)
    assert glyphs.image(0).sum() == 0
    glyphs.undo_stack.undo()
    assert glyphs.image(0)[0, 0] == 1.0


def test_set_image_checks_shape_and_values(glyphs):
    with pytest.raises(ValueError, match="2 rows x 3 columns"):
        glyphs.set_image(0, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        glyphs.set_image(0, np.full((2, 3), 2.0))
    with pytest.raises(IndexError, match="no glyph 5"):
        glyphs.set_image(5, np.zeros((2, 3)))


def test_set_pixel_checks_its_arguments(glyphs):
    with pytest.raises(IndexError, match="outside"):
        glyphs.set_pixel(0, 2, 0, 1.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        glyphs.set_pixel(0, 0, 1, float("nan"))


def test_set_dataset_replaces_everything_and_forgets_undo(glyphs):
    glyphs.set_pixel(1, 0, 0, 1.0)
    glyphs.set_current(1)
    other = Dataset("other", 2, 2, ("x",), np.ones((1, 4)))
    emitted = record(glyphs)
    glyphs.set_dataset(other, "/tmp/other.json")
    assert emitted == [("modified_changed", False), ("glyphs_reset",), ("current_changed", 0)]
    assert (glyphs.name, glyphs.width, len(glyphs), glyphs.current) == ("other", 2, 1, 0)
    assert glyphs.path == "/tmp/other.json"
    assert not glyphs.modified
    assert glyphs.undo_stack.count() == 0


def test_save_round_trip(glyphs, tmp_path):
    glyphs.set_pixel(1, 1, 2, 1.0)
    glyphs.rename(0, "alpha")
    path = tmp_path / "tiny.json"
    glyphs.save(str(path))
    assert not glyphs.modified
    assert glyphs.path == str(path)
    expected = tmp_path / "expected.json"
    save_json(glyphs.dataset(), expected)
    assert path.read_text() == expected.read_text()
    loaded = load_json(path)
    assert loaded.labels == ("alpha", "b")
    assert loaded.pixel_hash() == glyphs.dataset().pixel_hash()


def test_undo_after_save_marks_modified_and_redo_clean_again(glyphs, tmp_path):
    glyphs.set_pixel(1, 0, 0, 1.0)
    glyphs.save(str(tmp_path / "a.json"))
    glyphs.undo_stack.undo()
    assert glyphs.modified
    glyphs.undo_stack.redo()
    assert not glyphs.modified


def test_save_without_a_path_is_refused(glyphs):
    with pytest.raises(ValueError, match="no file yet"):
        glyphs.save()

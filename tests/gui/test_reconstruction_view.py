"""The reconstruction sheet driven like a person: it shows the snapshot's model, only when visible,
and clicking a glyph selects it."""

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal

from engine.metrics import wrong_pixels
from gui.data.glyph_pixmap import error_pixmap
from gui.run.run_controller import RunController
from gui.views.glyph_strip_sheet import error_rgb
from gui.views.reconstruction_view import ReconstructionView
from tests.gui.windows import shown

TIMEOUT = 10_000


@pytest.fixture
def view(qtbot, run):
    widget = shown(qtbot, ReconstructionView(run, run.glyph_set), (900, 600))
    return widget


def train(qtbot, run: RunController, epochs: int) -> None:
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        run.step(epochs)


def expected_wrong(run: RunController) -> np.ndarray:
    images = run.glyph_set.dataset().images
    return wrong_pixels(run.snapshot.model.reconstruct(images), images)


def test_before_training_the_untrained_model_is_shown_with_a_hint(view, run):
    assert run.snapshot.epoch == 0
    np.testing.assert_array_equal(view.wrong, expected_wrong(run))
    assert "not trained in this run yet: press <b>Start</b>" in view.header.text()
    assert view.sheet.count == 32


def test_counts_follow_the_snapshots_model_while_training(qtbot, view, run):
    before = view.wrong.copy()
    train(qtbot, run, 150)
    qtbot.waitUntil(lambda: np.array_equal(view.wrong, expected_wrong(run)), timeout=2000)
    assert not np.array_equal(view.wrong, before)
    header = view.header.text()
    assert f"Epoch {run.snapshot.epoch}" in header
    assert f"<b>{view.wrong.max()}</b> wrong px" in header
    assert f"<b>{view.wrong.sum()}</b> wrong px in all 32 glyphs" in header


def test_a_hidden_view_waits_until_it_is_shown(qtbot, run):
    widget = ReconstructionView(run, run.glyph_set)
    qtbot.addWidget(widget)
    assert widget.wrong is None  # nothing computed for a tab nobody looks at
    train(qtbot, run, 50)
    qtbot.wait(300)
    assert widget.wrong is None
    widget.show()  # the Show event brings it up to date before the first paint
    np.testing.assert_array_equal(widget.wrong, expected_wrong(run))


def test_clicking_a_glyph_selects_it(qtbot, view, run):
    rect = view.sheet.cell_rect(7)
    qtbot.mouseClick(view.sheet.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert run.glyph_set.current == 7
    assert view.sheet.index_at(rect.center().x(), rect.center().y()) == 7


def test_worst_first_puts_the_worst_glyph_in_the_first_cell(qtbot, view):
    qtbot.mouseClick(view.worst_first, Qt.MouseButton.LeftButton)
    first = view.sheet.index_at(5, 5)
    assert view.wrong[first] == view.wrong.max()
    assert view.sheet.cell_rect(first).topLeft().isNull()


def test_error_map_colours_match_glyph_pixmap(view):
    """The sheet's vectorised error map paints what error_pixmap paints for one glyph."""
    dataset = view._glyphs.dataset()
    shape = (len(dataset), dataset.height, dataset.width)
    target, output = dataset.images.reshape(shape), view.outputs.reshape(shape)
    rgb = error_rgb(output, target)
    for i in np.flatnonzero(view.wrong)[:3]:
        picture = error_pixmap(output[i], target[i], 1).toImage()
        for row in range(dataset.height):
            for col in range(dataset.width):
                colour = picture.pixelColor(col, row)
                assert (colour.red(), colour.green(), colour.blue()) == tuple(rgb[i, row, col])


class _NoRun(QObject):
    """A run without any snapshot yet (the view must say what to do)."""

    snapshot_changed = Signal(object)
    snapshot = None


def test_without_a_snapshot_the_view_says_press_start(qtbot, run):
    widget = ReconstructionView(_NoRun(), run.glyph_set)
    qtbot.addWidget(widget)
    widget.show()
    assert "press <b>Start</b>" in widget.header.text()
    assert widget.sheet.count == 0

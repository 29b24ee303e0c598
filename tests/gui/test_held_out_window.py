"""Held-out data in the window: a large set holds out a seeded tenth by default (shown and
editable in the Training box), the loss plot draws the test loss over the training loss, the Runs
tab and the model file carry the test metrics; a glyph set looks exactly as before."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from benchmarks.mnist import synthetic_mnist
from engine.data.split import held_out_rows
from engine.serialization import load_model
from gui.plots.loss_plot import KEY_AE, TEST_COLOUR
from gui.views.run_history import COLUMNS, TEST_COLUMNS

TIMEOUT = 20_000


@pytest.fixture(scope="module")
def strokes(tmp_path_factory):
    """3000 seeded MNIST-like 28x28 stroke images (above the 1,000 where a split is default), as
    a gzip'd IDX pair."""
    return str(synthetic_mnist(tmp_path_factory.mktemp("strokes"), 3000, seed=2))


@pytest.fixture
def win(make_window):
    return make_window(size=(1280, 800))


def _train(qtbot, win, epochs: int) -> None:
    """Set the epoch limit in the Training box, switch the pixel stop rule off, press Start and
    wait for the end."""
    form = win.training_panel
    form.epochs_spin.setValue(epochs)
    if form.stop_check.isChecked():
        qtbot.mouseClick(form.stop_check, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(
        win.run.state_changed, timeout=TIMEOUT, check_params_cb="finished".__eq__
    ):
        qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    win.loss_plot.flush()


def _orange_pixels(win) -> int:
    """Pixels of the loss plot painted in the test curve's colour."""
    image = win.loss_plot.grab().toImage()
    colour = QColor(*TEST_COLOUR).rgb()
    step = 2
    return sum(
        image.pixel(x, y) == colour
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    )


def test_a_large_set_shows_train_and_test_curves_and_the_runs_test_columns(
    qtbot, win, strokes, tmp_path
):
    assert win.data_panel.open_file(strokes)  # File > Open's own path
    qtbot.waitUntil(lambda: not win.run.codes_pending)  # the first codes: the worker thread's
    settings = win.run.settings
    assert settings.test_fraction == pytest.approx(0.1)  # the default above 1,000 images
    form = win.training_panel.training_form
    assert form.test_fraction_spin.value() == pytest.approx(10.0)
    assert form.test_fraction_spin.toolTip() and form.split_seed_spin.toolTip()
    _train(qtbot, win, 3)
    snapshot = win.run.snapshot
    assert len(snapshot.test_evaluation.wrong) == 300
    assert np.array_equal(snapshot.test_rows, held_out_rows(3000, 0.1, 0))
    plot = win.loss_plot
    assert plot.test_curve.isVisible() and plot.loss_curve.isVisible()
    x = plot.test_curve.getData()[0]
    assert len(x) >= 2 and x[-1] == 3  # scored at the end too
    assert "test loss (300 held out)" in plot.loss_plot.titleLabel.text
    assert _orange_pixels(win) > 20  # really drawn

    # "Show test images" on the latent plane: the held-out images' codes as rings, on demand.
    box = win.latent_tab.test_box
    assert box.isEnabled() and not box.isChecked()
    assert len(win.latent_tab.scatter.test_points) == 0  # off by default
    box.click()
    qtbot.waitUntil(lambda: len(win.latent_tab.scatter.test_points) == 300, timeout=TIMEOUT)
    box.click()

    view = win.run_history_view
    win.tabs.setCurrentWidget(view)
    run = win.run_history.runs[-1]
    assert run["test_count"] == 300
    assert run["test_loss"] == pytest.approx(snapshot.test_evaluation.loss)
    for name in TEST_COLUMNS:
        col = COLUMNS.index(name)
        assert not view.table.isColumnHidden(col)
        assert view.table.item(0, col).text() != ""
    assert float(view.table.item(0, COLUMNS.index("Test loss")).text()) == pytest.approx(
        run["test_loss"], rel=1e-3
    )
    assert len(view.curves) == 2  # the run's training and (dashed) test curves

    assert win.run.save_model(str(tmp_path / "strokes.npz"))
    _, meta = load_model(str(tmp_path / "strokes.npz"))
    assert meta["test"]["count"] == 300
    assert meta["split"] == {"test_fraction": 0.1, "split_seed": 0, "test_count": 300}

    # The split is edited in the Training box; the idle run that follows holds out the new one.
    qtbot.mouseClick(win.training_panel.reset_button, Qt.MouseButton.LeftButton)
    form.test_fraction_spin.setValue(20.0)
    assert win.run.settings.test_fraction == pytest.approx(0.2)
    qtbot.waitUntil(lambda: not win.run.codes_pending)  # made in the worker thread
    assert len(win.run.snapshot.test_evaluation.wrong) == 600
    form.split_seed_spin.setValue(7)
    qtbot.waitUntil(lambda: not win.run.codes_pending)
    assert np.array_equal(win.run.snapshot.test_rows, held_out_rows(3000, 0.2, 7))
    form.test_fraction_spin.setValue(0.0)  # "none": negative control
    assert form.test_fraction_spin.text() == "none"
    qtbot.waitUntil(lambda: not win.run.codes_pending)
    assert win.run.snapshot.test_evaluation is None
    win.loss_plot.flush()
    assert not win.loss_plot.test_curve.isVisible()
    assert not win.latent_tab.test_box.isEnabled()  # no split: nothing to show
    assert win.errors == []


def test_a_glyph_set_shows_one_curve_and_no_test_columns(qtbot, win):
    assert win.glyph_set.name == "font5x7" and len(win.glyph_set) == 32
    assert win.run.settings.test_fraction == 0.0
    assert win.training_panel.training_form.test_fraction_spin.text() == "none"
    _train(qtbot, win, 30)
    plot = win.loss_plot
    assert win.run.snapshot.test_evaluation is None
    assert not plot.test_curve.isVisible()
    title = plot.loss_plot.titleLabel.text
    assert KEY_AE in title and "test" not in title  # the key as it always was
    assert _orange_pixels(win) == 0
    view = win.run_history_view
    win.tabs.setCurrentWidget(view)
    assert "test_loss" not in win.run_history.runs[-1]
    for name in TEST_COLUMNS:
        assert view.table.isColumnHidden(COLUMNS.index(name))
    assert len(view.curves) == 1

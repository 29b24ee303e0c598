"""The smaller things a new user saw (issue 15.6): the loss plot's epochs after Reset and a new
set, exports that said nothing, the title after Save As, the generator's empty frames, "at most 0
wrong pixels", and a progress bar left at 239 / 5000 by an early stop."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from engine import TrainConfig, Trainer
from engine.data.datasets import load_builtin
from engine.models import Autoencoder

TIMEOUT = 10_000
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(make_window):
    return make_window(ini="s.ini", size=(1280, 800))


def finish_a_run(qtbot, win) -> None:
    with qtbot.waitSignal(
        win.run.state_changed, timeout=TIMEOUT, check_params_cb="finished".__eq__
    ):
        qtbot.mouseClick(win.training_panel.start_button, LEFT)


def epochs_shown(win) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x range (epochs) of the loss plot and of the wrong-pixel plot under it."""
    plot = win.loss_plot
    loss, wrong = (p.getViewBox().viewRange()[0] for p in (plot.loss_plot, plot.wrong_plot))
    return tuple(loss), tuple(wrong)


def choose_set(qtbot, win, name: str) -> None:
    combo = win.data_panel.set_combo
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what picking the entry from the open list sends
    qtbot.waitUntil(lambda: win.run.dataset.name == name)


def test_a_new_window_shows_epochs_0_to_1_without_an_si_prefix(qtbot, window):
    """The idle plot once showed epoch -0.5..0.5 as "-400 ... 400, epoch (x0.001)"."""
    qtbot.waitUntil(lambda: window.loss_plot._last_epoch == 0)  # the untrained model, drawn
    loss, wrong = epochs_shown(window)
    assert loss == pytest.approx((0, 1)) and wrong == pytest.approx(loss)
    axis = window.loss_plot.wrong_plot.getAxis("bottom")
    axis.setRange(0, 0.002)  # a range that gets an SI prefix where it is enabled
    assert axis.labelString().startswith("<span") and "x0.001" not in axis.labelString()


def test_reset_and_a_new_set_show_the_epochs_from_zero_in_both_plots(qtbot, window):
    plot = window.loss_plot
    finish_a_run(qtbot, window)
    qtbot.waitUntil(lambda: window.loss_plot._last_epoch > 0)  # at most 5 redraws a second
    loss, wrong = epochs_shown(window)
    assert loss[1] > 100  # the finished run's epochs (the check below tells them apart)
    assert -0.05 * loss[1] <= loss[0] <= 0  # epoch 0 at the left edge
    assert wrong == pytest.approx(loss)
    # ...and the same epochs at the same place on screen (the axes beside them equally wide).
    boxes = [p.getViewBox().sceneBoundingRect() for p in (plot.loss_plot, plot.wrong_plot)]
    assert boxes[0].left() == boxes[1].left() and boxes[0].width() == boxes[1].width()
    qtbot.mouseClick(window.training_panel.reset_button, LEFT)
    qtbot.waitUntil(lambda: window.loss_plot._last_epoch == 0)  # redrawn (rate-limited)
    loss, wrong = epochs_shown(window)
    assert loss == pytest.approx((0, 1))  # was -1000..5000 after a long run
    assert wrong == pytest.approx(loss)
    finish_a_run(qtbot, window)
    qtbot.waitUntil(lambda: window.loss_plot._last_epoch > 0)
    choose_set(qtbot, window, "emoji12x12")
    qtbot.waitUntil(lambda: window.loss_plot._last_epoch == 0)
    loss, wrong = epochs_shown(window)
    assert loss == pytest.approx((0, 1))
    assert wrong == pytest.approx(loss)  # the two stacked plots once showed different epochs


def test_an_ended_run_fills_the_bar_and_says_why_without_at_most_0(qtbot, window):
    finish_a_run(qtbot, window)
    progress = window.training_panel.run_progress
    qtbot.waitUntil(lambda: progress.progress_bar.text().startswith("finished"))
    bar, epoch = progress.progress_bar, window.run.snapshot.epoch
    assert epoch < window.run.settings.epochs  # an early stop...
    assert bar.value() == bar.maximum()  # ...shown complete, not stuck at 239 / 5000
    assert bar.text() == f"finished at epoch {epoch}"
    reason = f"No image has a wrong pixel (epoch {epoch})."
    assert progress.speed_label.text() == reason
    assert window.statusBar().currentMessage() == reason
    # The stop rule with a limit above 0 still says its number (and is what the CLI prints).
    font = load_builtin("font5x7")
    config = TrainConfig(epochs=400, stop_max_wrong_pixels=3, lr=0.01)
    final = Trainer(Autoencoder(font.n_pixels, (32,), 2, seed=0), font.images, config).run()
    assert final.message.startswith("Every image has at most 3 wrong pixels (epoch ")


def test_exports_of_the_strip_and_the_sweep_say_so_in_the_status_bar(qtbot, window, tmp_path):
    strip, table = tmp_path / "strip.png", tmp_path / "sweep.csv"
    interpolation, sweep = window.interpolation_view, window.sweep_view
    interpolation._ask_save_path = lambda: str(strip)
    sweep._ask_save_path = lambda: str(table)
    window.tabs.show_view(interpolation)
    qtbot.mouseClick(interpolation.export_button, LEFT)
    assert strip.exists()
    assert window.statusBar().currentMessage() == f"Wrote {strip}."
    window.tabs.show_view(sweep)
    sweep.kind_combo.setCurrentIndex(sweep.kind_combo.findData("bitflip"))
    sweep.repeats_spin.setValue(100)  # long enough to cancel after the first level
    qtbot.mouseClick(sweep.run_button, LEFT)
    qtbot.waitUntil(lambda: sweep.progress_bar.value() > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(sweep.sweep_finished, timeout=TIMEOUT):
        qtbot.mouseClick(sweep.cancel_button, LEFT)
    qtbot.mouseClick(sweep.export_button, LEFT)
    assert table.exists()
    assert window.statusBar().currentMessage() == f"Wrote {table}."


def test_save_as_puts_the_files_name_in_the_title(qtbot, window, tmp_path):
    assert window.windowTitle() == "Autoencoder Lab — font5x7"
    target = tmp_path / "my letters.json"
    window.data_panel._ask_save_path = lambda: str(target)
    save_as = next(
        b
        for b in window.data_panel.findChildren(QToolButton)
        if b.defaultAction() is window.data_panel.save_as_action
    )
    qtbot.mouseClick(save_as, LEFT)
    assert target.exists()
    assert window.windowTitle() == "Autoencoder Lab — my letters.json"


def test_the_generator_decodes_the_origin_until_a_point_is_clicked(qtbot, window):
    generator = window.generator
    qtbot.waitUntil(lambda: generator.generated is not None)  # no empty dashed frames
    assert generator.code is None  # nothing chosen yet
    assert "the origin" in generator.code_label.text()
    origin = window.run.snapshot.model.decode([[0.0, 0.0]])[0]  # (d,)
    assert generator.generated.reshape(-1) == pytest.approx(origin, abs=1e-6)
    generator.set_code([0.5, -0.5])  # what a click on the plane does
    assert "the origin" not in generator.code_label.text()


def test_a_run_keeps_epoch_0_near_the_left_edge(qtbot):
    """The sticky auto range grew a run shown from 0..1 on both sides: -2800..7500 epochs."""
    from gui.plots.loss_plot import EPOCH_MARGIN, LossPlot

    font = load_builtin("font5x7")
    trainer = Trainer(Autoencoder(font.n_pixels, (16,)), font.images, TrainConfig(epochs=4000))
    snapshots = []
    trainer.run(epochs=400, on_snapshot=snapshots.append, snapshot_every=10)
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    qtbot.waitExposed(plot)
    view, lows = plot.loss_plot.getViewBox(), []
    for snapshot in snapshots:
        plot.set_snapshot(snapshot)
        plot._rate.run_now()
        qtbot.wait(2)  # painted: the auto range has had its say
        low, high = view.viewRange()[0]
        lows.append(low / high)
    assert min(lows) >= -EPOCH_MARGIN - 1e-9
    assert max(lows) < 0  # epoch 0 is inside the view, not at its very edge

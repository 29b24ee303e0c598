"""The training panel driven like a person: Start, Pause/Resume, Step, Stop, Reset, live lr.

Every run is on the 5x7 font, which the default model learns in a few hundred epochs (well under
a second); runs that must last are given no stop rule and a large epoch limit, then stopped.
"""

import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from engine.data.datasets import load_builtin
from engine.data.noise import Noise
from engine.metrics import evaluate
from gui.controls.training_panel import TrainingPanel
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController

TIMEOUT = 10_000  # ms; a run that needs this long has hung


@pytest.fixture
def panel(qtbot, tmp_path):
    glyphs = GlyphSet(load_builtin("font5x7"))
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = RunController(glyphs, store=store)
    widget = TrainingPanel(controller)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    assert controller.shutdown(1000), "the training thread did not end within a second"


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def is_state(state):
    return lambda value: value == state


def make_endless(qtbot, panel) -> None:
    """Untick the stop rule and raise the epoch limit through the widgets."""
    if panel.stop_check.isChecked():
        click(qtbot, panel.stop_check)
    panel.epochs_spin.setValue(1_000_000)
    assert not panel._run.settings.stop_enabled
    assert panel._run.settings.epochs == 1_000_000


def start_endless(qtbot, panel) -> RunController:
    run = panel._run
    make_endless(qtbot, panel)
    with qtbot.waitSignal(
        run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.epoch > 20
    ):
        click(qtbot, panel.start_button)
    return run


def test_start_trains_until_the_stop_rule_and_reads_finished(qtbot, panel):
    run = panel._run
    assert panel.state_label.text() == "idle"
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)
    assert panel.state_label.text() == "finished"
    assert run.snapshot.evaluation.max_wrong == 0  # the stop rule: every glyph exact
    assert run.snapshot.epoch > 0
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
    assert panel.progress_bar.text() == f"finished at epoch {run.snapshot.epoch}"


def test_pause_then_resume(qtbot, panel):
    run = start_endless(qtbot, panel)
    assert panel.state_label.text() == "running"
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("paused")):
        click(qtbot, panel.pause_button)
    assert panel.pause_button.text() == "Resume"
    paused_at = run.snapshot.epoch
    cpu = time.process_time()
    qtbot.wait(300)
    assert run.snapshot.epoch == paused_at  # nothing trains while paused
    assert time.process_time() - cpu < 0.15  # and nothing spins waiting for Resume
    with qtbot.waitSignal(
        run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.epoch > paused_at
    ):
        click(qtbot, panel.pause_button)
    assert run.state == "running"
    assert panel.pause_button.text() == "Pause"


def test_space_toggles_pause(qtbot, panel):
    panel.activateWindow()  # shortcuts go to the active window (xcb without a window manager)
    qtbot.waitUntil(panel.isActiveWindow, timeout=2000)
    run = start_endless(qtbot, panel)
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("paused")):
        qtbot.keyClick(panel.start_button, Qt.Key.Key_Space)
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("running")):
        qtbot.keyClick(panel.start_button, Qt.Key.Key_Space)


def test_step_10_advances_exactly_10_epochs(qtbot, panel):
    run = panel._run
    for expected in (10, 20):
        with qtbot.waitSignal(
            run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("paused")
        ):
            click(qtbot, panel.step_buttons[10])
        assert run.snapshot.epoch == expected
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("paused")):
        click(qtbot, panel.step_buttons[1])
    assert run.snapshot.epoch == 21


def test_step_after_the_end_trains_on_from_the_weights_shown(qtbot, panel):
    """Issue 15.1: Step after a finished run continued from fresh weights at epoch 0."""
    run = panel._run
    initial = run.snapshot.model.params.copy()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)
    ended = run.snapshot
    trained = ended.model.params.copy()
    assert ended.evaluation.max_wrong == 0 and ended.epoch > 50
    for k in (1, 2):
        with qtbot.waitSignal(
            run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("paused")
        ):
            click(qtbot, panel.step_buttons[10])
        shown = run.snapshot
        assert shown.epoch == ended.epoch + 10 * k  # the count goes on; the stop rule is met
        assert shown.state == "paused" and panel.state_label.text() == "paused"
        # From the trained weights: 10 more epochs move them a little, and they still draw
        # every glyph; fresh weights would be as far off as the start was.
        moved = np.linalg.norm(shown.model.params - trained)
        assert moved < 0.2 * np.linalg.norm(trained - initial)
        assert shown.evaluation.max_wrong <= 5  # fresh weights get about 30 wrong
        assert shown.history["epoch"][0] == 0 and ended.epoch in shown.history["epoch"]
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)  # Start resumes the paused run under its stop rule
    resumed = run.snapshot
    # It ends as soon as every glyph is right again (the Steps may have left one pixel wrong),
    # and it is the same run: its history still holds the first end.
    assert resumed.evaluation.max_wrong == 0 and resumed.epoch <= ended.epoch + 20 + 50
    assert ended.epoch in resumed.history["epoch"]


def test_start_after_the_end_is_a_new_run_and_says_where_the_old_weights_are(qtbot, panel):
    run = panel._run
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)
    first = run.snapshot
    assert run.ended_models()["best"].params.tobytes() == first.model.params.tobytes()
    messages = []
    run.message_changed.connect(messages.append)
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)
    assert any("Runs tab" in m for m in messages)
    # The same run again, from the initial weights (a stop-rule epoch may differ by a few:
    # multi-threaded BLAS sums are not bit-identical from run to run).
    assert abs(run.snapshot.epoch - first.epoch) <= 10 < first.epoch


def test_stop_keeps_the_best_weights(qtbot, panel):
    run = start_endless(qtbot, panel)
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("stopped")):
        click(qtbot, panel.stop_button)
    snapshot = run.snapshot
    history = snapshot.history
    best = int(np.flatnonzero(history["epoch"] == snapshot.best_epoch)[0])
    final = evaluate(snapshot.model, run.dataset.images)
    assert final.max_wrong == history["max_wrong"].min()
    assert final.loss == pytest.approx(history["loss"][best], rel=1e-4)
    assert panel.state_label.text() == "stopped"


def test_learning_rate_typed_while_running_reaches_the_trainer(qtbot, panel):
    run = start_endless(qtbot, panel)
    assert panel.lr_spin.isEnabled() and not panel.hidden_edit.isEnabled()
    panel.lr_spin.selectAll()
    qtbot.keyClicks(panel.lr_spin, "0.0005")
    with qtbot.waitSignal(
        run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.lr == pytest.approx(5e-4)
    ):
        qtbot.keyClick(panel.lr_spin, Qt.Key.Key_Return)
    assert run.state == "running"


def test_reset_gives_the_same_initial_weights(qtbot, panel):
    run = panel._run
    initial = run.snapshot.model.params.copy()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)
    assert not np.array_equal(run.snapshot.model.params, initial)
    click(qtbot, panel.reset_button)
    assert run.state == "idle" and run.snapshot.epoch == 0
    np.testing.assert_array_equal(run.snapshot.model.params, initial)


def test_a_cancelled_run_never_paints_over_the_next(qtbot, panel):
    run = start_endless(qtbot, panel)
    seen = []
    run.snapshot_changed.connect(lambda s: seen.append(s.epoch))
    click(qtbot, panel.reset_button)  # cancels the running run
    qtbot.wait(300)
    assert run.state == "idle"
    assert run.snapshot.epoch == 0
    assert seen == [0]  # only the reset's own snapshot


def test_divergence_fails_with_a_sentence(qtbot, panel):
    run = panel._run
    panel.optimizer_combo.setCurrentIndex(panel.optimizer_combo.findData("sgd"))
    panel.activation_combo.setCurrentIndex(panel.activation_combo.findData("identity"))
    panel.lr_spin.setValue(10.0)
    with qtbot.waitSignal(run.error_occurred, timeout=TIMEOUT) as blocker:
        click(qtbot, panel.start_button)
    assert "diverged" in blocker.args[0] and "learning rate" in blocker.args[0]
    qtbot.waitUntil(lambda: run.state == "failed", timeout=TIMEOUT)
    assert panel.state_label.text() == "failed"


def test_hidden_layers_text_is_validated_and_counts_parameters(qtbot, panel):
    run = panel._run
    panel.hidden_edit.selectAll()
    qtbot.keyClicks(panel.hidden_edit, "8,x")
    assert run.settings.hidden == (8,)  # "8," was not valid, "8" was
    assert "not a whole number" in panel.parameter_label.text()
    qtbot.keyClick(panel.hidden_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(panel.hidden_edit, Qt.Key.Key_Backspace)
    assert run.settings.hidden == (8,)
    # 35 -> 8 -> 2 and 2 -> 8 -> 35: weights plus biases
    expected = (35 * 8 + 8) + (8 * 2 + 2) + (2 * 8 + 8) + (8 * 35 + 35)
    assert f"{expected:,} parameters" in panel.parameter_label.text()
    assert run.snapshot.model.hidden == (8,)


def test_beta_only_for_vae_and_noise_only_for_dae(qtbot, panel):
    combo = panel.kind_combo
    for kind, beta, noise in (("ae", False, False), ("vae", True, False), ("dae", False, True)):
        combo.setCurrentIndex(combo.findData(kind))
        assert panel._run.settings.kind == kind
        assert panel.beta_spin.isEnabled() == beta
        assert panel.noise_spin.isEnabled() == noise


def test_choosing_dae_in_the_kind_combo_applies_its_preset(qtbot, panel):
    run = panel._run
    assert run.settings.hidden == (64, 32) and run.settings.lr_schedule == "constant"
    assert "preset" in panel.kind_combo.toolTip()
    assert not panel.noise_copies_spin.isEnabled()  # DAE only
    panel.kind_combo.setFocus()
    qtbot.keyClicks(panel.kind_combo, "DAE")  # like typing in the closed combo
    settings = run.settings
    assert settings.kind == "dae"
    assert settings.hidden == (128, 64)
    assert settings.activation == "relu"
    assert settings.lr == pytest.approx(0.01)
    assert settings.epochs == 5000
    assert not settings.stop_enabled
    assert settings.noise_copies == 16
    assert settings.lr_schedule == "warmup-cosine"
    assert settings.noise_floor == pytest.approx(0.075) and settings.eval_every == 10
    # the widgets show the preset, and the model Start would train has its layers
    assert panel.hidden_edit.text() == "128,64"
    assert panel.activation_combo.currentData() == "relu"
    assert panel.epochs_spin.value() == 5000
    assert not panel.stop_check.isChecked()
    assert panel.noise_copies_spin.isEnabled() and panel.noise_copies_spin.value() == 16
    assert panel.schedule_combo.currentData() == "warmup-cosine"
    assert panel.noise_floor_spin.value() == pytest.approx(7.5)  # percent of the pixels
    assert run.snapshot.model.hidden == (128, 64)
    config = settings.train_config()
    assert config.noise_copies == 16 and config.lr_schedule == "warmup-cosine"
    assert config.training_noise == Noise("salt-pepper", 0.15) and config.eval_every == 10
    assert config.batch_size == 0
    # and back to the AE preset
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("ae"))
    assert run.settings.hidden == (64, 32) and run.settings.activation == "relu"
    assert run.settings.stop_enabled and run.settings.lr_schedule == "constant"
    assert not panel.noise_copies_spin.isEnabled()


def test_noise_copies_and_schedule_reach_the_train_config(qtbot, panel):
    run = panel._run
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("dae"))
    panel.noise_copies_spin.setValue(4)
    panel.schedule_combo.setCurrentIndex(panel.schedule_combo.findData("constant"))
    panel.noise_floor_spin.setValue(10.0)  # percent of the pixels
    assert run.settings.train_config().noise_copies == 4
    assert run.settings.train_config().lr_schedule == "constant"
    assert run.settings.train_config().noise_floor == pytest.approx(0.1)
    assert panel.noise_copies_spin.toolTip() and panel.schedule_combo.toolTip()
    assert "noise_floor" in run.settings.by_hand  # another set keeps it


def run_to_the_limit(qtbot, panel, pace_text: str, epochs: int) -> np.ndarray:
    """Reset, choose a speed in the Speed combo, train `epochs` epochs without a stop rule."""
    run = panel._run
    click(qtbot, panel.reset_button)
    panel.pace_combo.setCurrentIndex(panel.pace_combo.findText(pace_text))
    if panel.stop_check.isChecked():
        click(qtbot, panel.stop_check)
    panel.epochs_spin.setValue(epochs)
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("finished")):
        click(qtbot, panel.start_button)
    assert run.snapshot.epoch == epochs
    return run.snapshot.model.params.copy()


def test_a_paced_run_is_slow_to_watch_and_ends_with_the_same_weights(qtbot, panel):
    run = panel._run
    full = run_to_the_limit(qtbot, panel, "full speed", 120)
    paced = run_to_the_limit(qtbot, panel, "300 epochs/s", 120)
    np.testing.assert_array_equal(paced, full)

    # At 100 epochs/s, half a second gets about 50 epochs; full speed does thousands.
    make_endless(qtbot, panel)
    click(qtbot, panel.reset_button)
    panel.pace_combo.setCurrentIndex(panel.pace_combo.findText("100 epochs/s"))
    assert run.settings.pace == 100
    click(qtbot, panel.start_button)
    qtbot.wait(500)
    assert 10 < run.snapshot.epoch < 150
    assert run.state == "running"
    # Pause answers within a chunk plus a sleep slice, not after the paced second.
    asked = time.monotonic()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("paused")):
        click(qtbot, panel.pause_button)
    assert time.monotonic() - asked < 0.1
    # Resume at full speed: the speed reaches the running worker.
    panel.pace_combo.setCurrentIndex(panel.pace_combo.findText("full speed"))
    paused_at = run.snapshot.epoch
    click(qtbot, panel.pause_button)
    qtbot.wait(500)
    assert run.snapshot.epoch > paused_at + 500
    asked = time.monotonic()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("stopped")):
        click(qtbot, panel.stop_button)
    assert time.monotonic() - asked < 0.1


def test_stop_answers_quickly_at_the_slowest_speed(qtbot, panel):
    run = panel._run
    panel.pace_combo.setCurrentIndex(panel.pace_combo.findText("10 epochs/s"))
    make_endless(qtbot, panel)
    with qtbot.waitSignal(
        run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.epoch > 2
    ):
        click(qtbot, panel.start_button)
    assert run.state == "running"
    asked = time.monotonic()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb=is_state("stopped")):
        click(qtbot, panel.stop_button)
    assert time.monotonic() - asked < 0.1
    assert run.snapshot.epoch < 10


def test_loss_axis_labels_never_pile_up(qtbot):
    from engine.training import Trainer
    from gui.plots.loss_plot import LABEL_GAP, LossPlot
    from gui.run.run_settings import default_settings

    dataset = load_builtin("emoji12x12")
    # One point (what a fresh window shows), a narrow range, and four decades.
    for kind, epochs in (("ae", 0), ("ae", 30), ("vae", 300)):
        settings = default_settings("emoji12x12", len(dataset), kind).replace(epochs=max(epochs, 1))
        model = settings.build_model(dataset.n_pixels)
        trainer = Trainer(model, dataset.images, settings.train_config())
        snapshot = trainer.run() if epochs else trainer.snapshot()
        plot = LossPlot()
        qtbot.addWidget(plot)
        plot.resize(500, 220)
        plot.show()
        plot.set_snapshot(snapshot)
        qtbot.wait(30)
        view = plot.loss_plot.getViewBox()
        low, high = view.viewRange()[1]
        labelled = [v for v, text in plot.loss_plot.getAxis("left")._tickLevels[0] if text]
        shown = sorted(v for v in labelled if low <= v <= high)
        assert len(shown) >= 2, kind  # something to read the scale by
        pixels_per_decade = view.height() / (high - low)
        gaps = np.diff(shown) * pixels_per_decade
        assert gaps.min() >= LABEL_GAP - 1e-6, (kind, shown)


def test_shutdown_mid_run_leaves_nothing_to_restart(qtbot, panel):
    """Closing the window mid-run pauses training after its batch (the autosave keeps the run);
    a late Stop, Start or Step must not start a new thread."""
    run = start_endless(qtbot, panel)
    assert run.shutdown(1000)
    assert run.state == "paused" == run._trainer.state  # still: saved as it is
    run.stop()
    run.start()
    run.step(1)
    assert run._threads == {}
    assert run.state == "paused"

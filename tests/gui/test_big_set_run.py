"""A big set's run in the window, driven like a person: Pause acts within an epoch, and the set's
first codes are computed off the GUI thread.

3,000 MNIST-sized images (2,700 trained on, batches of 32: 85 steps an epoch) through wide
layers (1024 and 512 units), so that an epoch lasts about a second while a step lasts ~10 ms.
"""

import threading
import time

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer

from benchmarks.mnist import synthetic_mnist
from engine.data.datasets import load_dataset
from engine.training import Trainer
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from tests.gui.windows import wait_for_codes

LEFT = Qt.MouseButton.LeftButton
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def strokes(tmp_path_factory):
    return str(synthetic_mnist(tmp_path_factory.mktemp("bigrun"), 3000, seed=5))


@pytest.fixture
def win(make_window):
    return make_window(size=(1280, 800), errors=False, ask_before_closing=False)


def test_pause_stops_a_big_run_within_the_epoch_and_resume_goes_on(qtbot, win, strokes):
    assert win.data_panel.open_file(strokes)
    run, panel = win.run, win.training_panel
    run.update_settings(
        hidden=(1024, 512), batch_size=32, epochs=3, stop_enabled=False, plateau_epochs=0
    )
    qtbot.waitUntil(lambda: not run.codes_pending, timeout=TIMEOUT)
    with qtbot.waitSignal(
        run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.steps >= 3
    ):
        qtbot.mouseClick(panel.start_button, LEFT)
    assert panel.pause_button.text() == "Pause"
    clicked = time.perf_counter()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        qtbot.mouseClick(panel.pause_button, LEFT)
    waited = time.perf_counter() - clicked
    shown, trainer = run.snapshot, run._trainer
    # Within the first epoch, after the batch the click came during (an end-of-epoch pause,
    # the negative control, would show epoch 1 and no batch).
    assert shown.state == "paused" and shown.epoch == 0
    done, per_epoch = shown.batch
    assert per_epoch == 85 and 3 <= done < per_epoch
    assert shown.steps == trainer.steps == done
    epoch_seconds = per_epoch * shown.elapsed / shown.steps  # as fast as this machine runs now
    assert waited < epoch_seconds / 4, (waited, epoch_seconds)
    assert f"epoch 0 + {done} of 85 batches · loss" in win.state_label.text()
    assert "(scored at epoch 0)" in win.state_label.text()
    qtbot.wait(200)
    assert trainer.steps == done  # the worker is idle: no step since
    assert panel.pause_button.text() == "Resume"
    with qtbot.waitSignal(
        run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.epoch >= 1
    ) as later:
        qtbot.mouseClick(panel.pause_button, LEFT)  # Resume: the same epoch goes on
    # Epoch 0 ended after its 85 steps, the ones before the pause included (a new epoch at
    # Resume would have ended it after done + 85).
    after = later.args[0]
    assert after.steps == 85 * after.epoch + (0 if after.batch is None else after.batch[0])
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="stopped".__eq__):
        qtbot.mouseClick(panel.stop_button, LEFT)


def test_the_first_codes_of_a_big_set_are_made_off_the_gui_thread(qtbot, win, strokes, monkeypatch):
    """A QTimer probe in the GUI thread keeps firing while the first codes are computed, in
    another thread. Negative control: a small set's idle snapshot, made in the GUI thread as
    before, during which the probe cannot fire."""
    threads: list[threading.Thread] = []
    snapshot = Trainer.snapshot

    def slow_snapshot(self, *args, **kwargs):
        threads.append(threading.current_thread())
        time.sleep(0.3)  # as slow as 60,000 images would be
        return snapshot(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "snapshot", slow_snapshot)
    ticks: list[bool] = []
    probe = QTimer(win, interval=10)
    probe.timeout.connect(lambda: ticks.append(win.run.codes_pending))
    probe.start()
    qtbot.wait(50)

    ticks.clear()
    win.run.reset()  # the 5x7 font: its idle snapshot in the GUI thread
    assert threads == [threading.main_thread()] and ticks == []
    assert not win.run.codes_pending

    assert win.data_panel.open_file(strokes)
    assert win.run.codes_pending  # open_file has returned; the codes are still being made
    assert "computing the codes of 3,000 images" in win.state_label.text()
    assert win._codes_note.isVisible()  # over the plane, which still shows the font's codes
    assert win.run.dataset.name != win.glyph_set.name  # the views keep the last snapshot's set
    assert (
        "layers 784-" in win.training_panel.model_form.parameter_label.text()
    )  # the new set's model
    wait_for_codes(qtbot, win, TIMEOUT)
    probe.stop()
    assert threads[-1] is not threading.main_thread()
    assert sum(ticks) >= 10  # the GUI thread went on while they were computed
    assert win.run.dataset.name == win.glyph_set.name and len(win.run.snapshot.latent) == 3000
    assert "computing" not in win.state_label.text() and not win._codes_note.isVisible()


def test_no_thread_starts_once_the_run_is_shut_down(qtbot, strokes, tmp_path):
    """An edit's settle timer that fires after the window closed rebuilds the idle run in the
    GUI thread: a thread started then would outlive the window (and abort the app when it is
    collected). Negative control: before shutdown, the same rebuild starts a worker thread."""
    glyphs = GlyphSet(load_dataset(strokes))
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    run = RunController(glyphs, store)
    qtbot.waitUntil(lambda: not run.codes_pending, timeout=TIMEOUT)
    run._on_data_timeout()  # as the edit timer does
    assert run.codes_pending and run._threads  # the rebuild's first codes: a worker thread
    assert run.shutdown(5000)
    run._on_data_timeout()
    assert not run._threads and not run.codes_pending
    assert len(run.snapshot.latent) == 3000

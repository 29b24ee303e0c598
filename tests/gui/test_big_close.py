"""Closing the window with a big set (issue 18): the training thread ends after its current
batch without scoring anything (it used to stop the run, score its best weights and encode
every image first: ~3 s at 60,000 images), and the autosave holds the run, best weights
included. 3,000 MNIST-sized images: above the window's 2,000, a few seconds at most."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from benchmarks.mnist import synthetic_mnist
from engine.session import load_session
from engine.training import Trainer
from gui.main_window import MainWindow
from tests.gui.windows import wait_for_codes

N = 3000
TIMEOUT = 20_000


@pytest.fixture(scope="module")
def mnist_file(tmp_path_factory):
    return synthetic_mnist(tmp_path_factory.mktemp("close"), n=N)


@pytest.fixture
def ends(monkeypatch):
    """The threads in which a Trainer ended a run (Trainer._end scores the best weights)."""
    threads = []
    real_end = Trainer._end

    def spied_end(self, state, message):
        threads.append(threading.current_thread())
        real_end(self, state, message)

    monkeypatch.setattr(Trainer, "_end", spied_end)
    return threads


@pytest.fixture
def win(qtbot, make_window, mnist_file) -> MainWindow:
    """A window on the 3,000 images, set to train for 1,000 epochs, its first codes made."""
    win = make_window(ask_before_closing=False)
    assert win.data_panel.open_file(str(mnist_file)), win.errors
    win.run.update_settings(epochs=1000, stop_enabled=False, plateau_epochs=0)
    wait_for_codes(qtbot, win, TIMEOUT)
    return win


def running(qtbot, win: MainWindow) -> None:
    """Start the run and wait until it has trained a few batches."""
    with qtbot.waitSignal(
        win.run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.steps >= 3
    ):
        qtbot.mouseClick(win.training_panel.start_button, Qt.MouseButton.LeftButton)
    assert win.run.state == "running"


def test_closing_mid_run_pauses_it_and_autosaves_the_run_without_scoring_it(qtbot, ends, win):
    running(qtbot, win)
    trainer = win.run._trainer
    win.close()
    assert ends == []  # nothing scored the best weights on the way out
    assert win.run._threads == {}  # the thread has ended
    assert win.errors == []
    saved = load_session(win.autosave_path)
    assert saved.trainer.state == "paused"  # Resume goes on from it
    assert saved.trainer.steps == trainer.steps >= 3
    assert saved.trainer.within_epoch == trainer.within_epoch  # resumes there, if within one
    np.testing.assert_array_equal(saved.trainer.best_params, trainer.best_params)
    np.testing.assert_array_equal(saved.trainer.model.params, trainer.model.params)


def test_closing_a_paused_big_run_leaves_the_trainer_untouched(qtbot, ends, win):
    running(qtbot, win)
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        win.run.pause()
    trainer = win.run._trainer
    steps, best = trainer.steps, trainer.best_params.copy()
    win.close()
    assert ends == []
    assert win.run._threads == {}
    saved = load_session(win.autosave_path)
    assert (saved.trainer.state, saved.trainer.steps) == ("paused", steps)
    np.testing.assert_array_equal(saved.trainer.best_params, best)


def test_negative_control_stop_scores_the_best_weights_in_the_training_thread(qtbot, ends, win):
    """What closing used to do (Stop before the thread ends), seen by the same spy."""
    running(qtbot, win)
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="stopped".__eq__):
        win.run.stop()
    assert len(ends) == 1 and ends[0] is not threading.main_thread()
    win.close()

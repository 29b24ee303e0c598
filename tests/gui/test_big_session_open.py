"""Opening a session of a big set (issue 18): the file is read and checked in a worker thread
(0.7 s at 60,000 images and their edited copy), the restored run's first evaluation and codes
(a second) in the run's worker thread, as for a newly opened set: the window's event loop goes on meanwhile, the views keep
the last snapshot until the codes come, and Resume queues behind them. A small set's session
opens synchronously, as before (the negative control of the probe). 3,000 images."""

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from benchmarks.mnist import synthetic_mnist
from engine.data.datasets import load_dataset
from engine.models import Autoencoder
from engine.session import Session, load_session, save_session
from engine.train_config import TrainConfig
from engine.training import Trainer
from gui.run import session_reader

N = 3000
TIMEOUT = 20_000


def session_file(folder, n: int):
    """A session of n synthetic MNIST images after one epoch."""
    data = load_dataset(str(synthetic_mnist(folder, n=n)))
    model = Autoencoder(data.n_pixels, (32,), 2, "tanh", "bce", 0)
    trainer = Trainer(model, data.pixels, TrainConfig(epochs=50, batch_size=128, lr=0.01))
    trainer.run(epochs=1)
    path = folder / "run.aelab"
    save_session(path, Session(data, trainer, {}))
    return path, trainer


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    return session_file(tmp_path_factory.mktemp("big"), N)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return session_file(tmp_path_factory.mktemp("small"), 500)


@pytest.fixture
def win(make_window):
    return make_window(ask_before_closing=False)


@pytest.fixture
def held_restore(monkeypatch):
    """Trainer.restored (the first evaluation) held until the GUI thread's probe timer has
    fired 3 times, or `hold` seconds; records its thread and the ticks it waited for."""
    calls = []
    probe = {"ticks": 0, "hold": 10.0}
    real = Trainer.restored

    def restored(self):
        before, until = probe["ticks"], time.monotonic() + probe["hold"]
        while probe["ticks"] - before < 3 and time.monotonic() < until:
            time.sleep(0.005)
        calls.append((threading.current_thread(), probe["ticks"] - before))
        real(self)

    def tick():
        probe["ticks"] += 1

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    timer.start()
    monkeypatch.setattr(Trainer, "restored", restored)
    yield calls, probe
    timer.stop()


def test_a_big_session_is_read_and_evaluated_in_workers_while_the_window_goes_on(
    qtbot, win, big, held_restore, monkeypatch
):
    path, trainer = big
    calls, _ = held_restore
    readers = []

    def read_session(*args, **kwargs):
        readers.append(threading.current_thread())
        return real_read(*args, **kwargs)

    real_read = session_reader.read_session
    monkeypatch.setattr(session_reader, "read_session", read_session)
    shown, shown_set = win.run.snapshot, win.run.dataset  # the start-up font's
    installed = []  # what the views had when the session's set came
    win.run.codes_pending_changed.connect(
        lambda pending: (
            pending and installed.append((len(win.glyph_set), win.run.snapshot, win.run.dataset))
        )
    )
    with qtbot.waitSignal(win.run.session_opened, timeout=TIMEOUT):
        assert win.sessions.open_session_file(str(path)), win.errors
        assert len(win.glyph_set) != N  # being read: nothing changed yet
    assert win.run.state == "paused"
    assert readers and readers[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: not win.run.codes_pending, timeout=TIMEOUT)
    # The set was shown at once, the last snapshot kept until the codes came.
    assert installed == [(N, shown, shown_set)]
    [(thread, ticks)] = calls
    assert thread is not threading.main_thread() and ticks >= 3  # the GUI thread went on
    assert win.run.snapshot.epoch == 1 and len(win.run.snapshot.latent) == N
    np.testing.assert_array_equal(win.run.snapshot.model.params, trainer.model.params)
    assert win.sessions.recent_sessions() == [str(path.resolve())]
    assert win.errors == []


def test_negative_control_a_small_session_blocks_the_gui_thread(qtbot, win, small, held_restore):
    path, _ = small
    calls, probe = held_restore
    probe["hold"] = 0.2  # the GUI thread waits here: the probe cannot tick
    assert win.sessions.open_session_file(str(path)), win.errors
    [(thread, ticks)] = calls
    assert thread is threading.main_thread() and ticks == 0
    assert not win.run.codes_pending and win.run.snapshot.epoch == 1


def test_resume_queues_behind_the_restored_codes_and_trains_on(qtbot, win, big):
    path, _ = big
    with qtbot.waitSignal(win.run.session_opened, timeout=TIMEOUT):
        assert win.sessions.open_session_file(str(path)), win.errors
    assert win.run.codes_pending
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        win.run.step(1)  # before the codes came: after them, in the same thread
    history = win.run.snapshot.history["epoch"]
    assert win.run.snapshot.epoch == 2 and list(history) == sorted(set(history))


def test_a_damaged_big_session_changes_nothing_and_names_the_file(qtbot, win, big, tmp_path):
    path, _ = big
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 64] = bytes(64)  # inside the pixels' member: its CRC no longer matches
    damaged = tmp_path / "damaged.aelab"
    damaged.write_bytes(bytes(data))
    glyphs, shown = len(win.glyph_set), win.run.snapshot
    assert win.sessions.open_session_file(str(damaged))  # being read
    qtbot.waitUntil(lambda: bool(win.errors), timeout=TIMEOUT)
    qtbot.wait(50)  # nothing more comes
    assert len(win.errors) == 1 and str(damaged) in win.errors[0]
    assert win.sessions.recent_sessions() == []
    assert len(win.glyph_set) == glyphs and win.run.snapshot is shown
    assert not win.run.codes_pending and win.run.state == "idle"


def test_a_reset_before_the_codes_come_keeps_no_run_of_the_last_set(qtbot, win, big):
    """While the restored run's codes are computed the views show the last set's snapshot; a
    run let go of then must not reach the Runs tab as that snapshot. Negative control: the
    font's paused run, let go of by the opening itself, does."""
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        win.run.step(1)  # the start-up font, one epoch
    ended = []
    win.run.run_ended.connect(ended.append)
    path, _ = big
    with qtbot.waitSignal(win.run.session_opened, timeout=TIMEOUT):
        assert win.sessions.open_session_file(str(path)), win.errors
    assert [s.epoch for s in ended] == [1]  # the font's run, kept
    assert win.run.codes_pending
    win.run.reset()
    assert [s.epoch for s in ended] == [1]  # nothing more: the font's snapshot is not this run
    qtbot.waitUntil(lambda: not win.run.codes_pending, timeout=TIMEOUT)


def test_closing_while_a_big_session_is_read_keeps_the_run_shown(qtbot, win, big):
    """The read ends before the window does (a thread must not outlive it); the session is
    not installed, and the autosave holds the run the window showed."""
    path, _ = big
    shown = len(win.glyph_set)
    assert win.sessions.open_session_file(str(path))
    assert win.run._reading is not None
    win.close()
    assert win.run._reading is None and len(win.glyph_set) == shown
    assert len(load_session(win.autosave_path).dataset) == shown != N
    assert win.errors == []


def test_a_run_started_while_a_big_session_is_read_keeps_the_window_as_it_is(qtbot, win, big):
    path, _ = big
    shown = len(win.glyph_set)
    assert win.sessions.open_session_file(str(path))
    win.run.update_settings(epochs=100_000, stop_enabled=False, plateau_epochs=0)
    win.run.start()  # the start-up font trains while the session is read
    qtbot.waitUntil(lambda: bool(win.errors), timeout=TIMEOUT)
    assert len(win.errors) == 1 and str(path) in win.errors[0] and "not opened" in win.errors[0]
    assert win.run.state == "running" and len(win.glyph_set) == shown
    assert win.sessions.recent_sessions() == []


def test_stop_before_the_restored_codes_come_ends_the_run_with_its_best_weights(qtbot, win, big):
    path, trainer = big
    with qtbot.waitSignal(win.run.session_opened, timeout=TIMEOUT):
        assert win.sessions.open_session_file(str(path)), win.errors
    assert win.run.codes_pending and win.run.state == "paused"
    with qtbot.waitSignal(win.run.run_ended, timeout=TIMEOUT) as ended:
        win.run.stop()  # queued behind the restored run's first evaluation
    assert win.run.state == "stopped" and ended.args[0].epoch == 1
    np.testing.assert_array_equal(ended.args[0].model.params, trainer.best_params)
    assert not win.run.codes_pending and win.errors == []

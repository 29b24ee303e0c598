"""Sessions of big sets in the window (issue 18): closing autosaves a set of MNIST-sized uint8
images with its edits, the next window restores it, and File > Save session writes in a worker
thread that closing waits for. 3,000 images: more than the 2,000 above which the window used not
to autosave, few enough to keep this to a few seconds."""

import threading
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from benchmarks.mnist import synthetic_mnist
from engine.session import load_session
from gui import session_menu
from gui.main_window import SMALL_SET_IMAGES, MainWindow
from tests.gui.windows import settings_in, wait_for_codes

N = 3000
TIMEOUT = 20_000


@pytest.fixture(scope="module")
def mnist_file(tmp_path_factory):
    return synthetic_mnist(tmp_path_factory.mktemp("mnist"), n=N)


def open_window(make_window, store: QSettings) -> MainWindow:
    win = make_window(store)
    win.data_panel._show_error = lambda title, text: win.errors.append(text)
    return win


def trained_big_window(qtbot, make_window, store, mnist_file) -> MainWindow:
    """A window on the 3,000 images after one epoch, with pixel (0, 0) of image 5 inked."""
    win = open_window(make_window, store)
    assert win.data_panel.open_file(str(mnist_file)), win.errors
    assert len(win.glyph_set) == N > SMALL_SET_IMAGES
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        qtbot.mouseClick(win.training_panel.step_buttons[1], Qt.MouseButton.LeftButton)
    assert win.glyph_set.image(5)[0, 0] == 0.0
    win.glyph_set.set_pixel(5, 0, 0, 1.0)  # an edit since the run began
    return win


def test_closing_with_a_big_set_autosaves_and_the_next_window_restores_it(
    qtbot, make_window, tmp_path, mnist_file
):
    store = settings_in(tmp_path)
    win = trained_big_window(qtbot, make_window, store, mnist_file)
    params = win.run.snapshot.model.params.copy()
    pixels = win.run.dataset.pixels.copy()
    assert not win.autosave_path.exists()
    win.close()
    assert win.errors == []
    with zipfile.ZipFile(win.autosave_path) as zf:  # the pixels as bytes, edits beside them
        assert {"dataset.npy", "edited.npy"} <= set(zf.namelist())
    assert load_session(win.autosave_path).dataset.pixels.dtype == np.uint8

    again = open_window(make_window, store)
    assert again.sessions.restore_session_action.isEnabled()
    with qtbot.waitSignal(again.run.session_opened, timeout=TIMEOUT):  # read in a worker
        again.sessions.restore_session_action.trigger()
    wait_for_codes(qtbot, again, TIMEOUT)
    assert again.errors == []
    assert again.run.snapshot.epoch == 1 and again.run.state == "paused"
    np.testing.assert_array_equal(again.run.snapshot.model.params, params)
    np.testing.assert_array_equal(again.run.dataset.pixels, pixels)
    assert again.run.dataset.pixels.dtype == np.uint8  # trains on bytes, as before closing
    assert len(again.glyph_set) == N
    assert again.glyph_set.image(5)[0, 0] == 1.0  # the edit came back
    again.close()


def test_save_session_writes_in_a_worker_thread_and_closing_waits_for_it(
    qtbot, make_window, tmp_path, mnist_file, monkeypatch
):
    writers, release = [], threading.Event()

    def held_write(path, frozen):
        writers.append(threading.current_thread())
        release.wait(10)  # still writing until the test lets it go on
        real_write(path, frozen)

    real_write = session_menu.write_session
    monkeypatch.setattr(session_menu, "write_session", held_write)
    store = settings_in(tmp_path)
    win = trained_big_window(qtbot, make_window, store, mnist_file)
    path = tmp_path / "mine.aelab"
    win.dialogs.ask_save_path = lambda title, file_filter: str(path)
    win.sessions.save_session_action.trigger()
    assert not path.exists()  # the GUI thread went on while the file is being written
    threading.Timer(0.2, release.set).start()
    win.close()  # waits for the file being written, then autosaves
    assert writers and writers[0] is not threading.main_thread()
    assert win.errors == []
    session = load_session(path)
    assert session.trainer.epoch == 1 and session.edited is not None
    assert win.sessions.recent_sessions() == [str(path.resolve())]
    assert win.autosave_path.is_file()

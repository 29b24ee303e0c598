"""Sessions in the window: save, open in a new window, resume exactly; recent list; autosave."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from gui.main_window import MainWindow
from tests.gui.windows import run_without_end, settings_in

TIMEOUT = 10_000


@pytest.fixture
def make_window(make_window, tmp_path):
    """conftest's make_window with its QSettings ini and data folder under tmp_path/<name>."""
    return lambda name: make_window(settings_in(tmp_path / name))


def step_by_panel(qtbot, win, button: int, times: int = 1) -> None:
    for _ in range(times):
        with qtbot.waitSignal(
            win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__
        ):
            qtbot.mouseClick(win.training_panel.step_buttons[button], Qt.MouseButton.LeftButton)


def edit_a_pixel(qtbot, win) -> None:
    """Ink a blank corner of glyph 0, and let the idle run rebuild on the edited set."""
    win.glyph_set.set_pixel(0, 0, 0, 1.0)
    qtbot.waitUntil(lambda: win.run.dataset.images[0, 0] == 1.0, timeout=2000)


def test_save_open_and_resume_gives_the_weights_of_one_long_run(qtbot, make_window, tmp_path):
    path = str(tmp_path / "mine.aelab")
    first = make_window("first")
    edit_a_pixel(qtbot, first)
    step_by_panel(qtbot, first, 10)  # N = 10
    first.dialogs.ask_save_path = lambda title, file_filter: path
    with qtbot.waitSignal(first.sessions.saved, timeout=TIMEOUT):  # written in a worker thread
        first.sessions.save_session_action.trigger()
    assert first.errors == []
    assert first.sessions.recent_sessions() == [path]

    second = make_window("second")
    assert second.glyph_set.image(0)[0, 0] == 0.0  # the built-in font, unedited
    second.dialogs.ask_open_path = lambda title, file_filter: path
    second.sessions.open_session_action.trigger()
    assert second.errors == []
    assert second.run.snapshot.epoch == 10
    assert second.run.state == "paused"
    assert second.glyph_set.image(0)[0, 0] == 1.0  # the edit came back
    np.testing.assert_array_equal(second.run.dataset.images, first.run.dataset.images)
    assert second.sessions.recent_sessions() == [path]
    assert second.sessions.recent_menu.actions()[0].data() == path
    step_by_panel(qtbot, second, 10)  # M = 10 more
    assert second.run.snapshot.epoch == 20

    once = make_window("once")
    edit_a_pixel(qtbot, once)
    with qtbot.waitSignal(once.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        once.run.step(20)  # N + M at once
    assert once.run.snapshot.epoch == 20
    np.testing.assert_array_equal(second.run.snapshot.model.params, once.run.snapshot.model.params)
    np.testing.assert_array_equal(
        second.run.snapshot.history["loss"], once.run.snapshot.history["loss"]
    )


def test_a_damaged_session_says_why_and_changes_nothing(qtbot, make_window, tmp_path):
    win = make_window("w")
    step_by_panel(qtbot, win, 10)
    params = win.run.snapshot.model.params.copy()
    bad = tmp_path / "bad.aelab"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert not win.sessions.open_session_file(str(bad))
    assert len(win.errors) == 1
    assert "damaged" in win.errors[0] and "bad.aelab" in win.errors[0]
    assert win.run.state == "paused" and win.run.snapshot.epoch == 10
    np.testing.assert_array_equal(win.run.snapshot.model.params, params)
    assert win.sessions.recent_sessions() == []


def test_a_missing_recent_session_is_removed_with_a_message(qtbot, make_window, tmp_path):
    win = make_window("w")
    path = str(tmp_path / "gone.aelab")
    assert win.run.save_session(path)
    win.sessions.remember(path)
    assert [a.data() for a in win.sessions.recent_menu.actions()] == [path]
    (tmp_path / "gone.aelab").unlink()
    win.sessions.recent_menu.actions()[0].trigger()
    assert win.sessions.recent_sessions() == []
    assert win.sessions.recent_menu.actions() == []
    assert len(win.errors) == 1 and "no longer exists" in win.errors[0]


def test_recent_sessions_keep_the_last_eight_newest_first(qtbot, make_window, tmp_path):
    win = make_window("w")
    paths = [str(tmp_path / f"s{i}.aelab") for i in range(10)]
    for path in paths:
        win.sessions.remember(path)
    win.sessions.remember(paths[3])
    assert win.sessions.recent_sessions() == [paths[3], *paths[9:3:-1], paths[2]]
    assert len(win.sessions.recent_menu.actions()) == 8


def test_saving_while_running_pauses_first(qtbot, make_window, tmp_path):
    win = make_window("w")
    run_without_end(qtbot, win, TIMEOUT)
    path = tmp_path / "live.aelab"
    win.dialogs.ask_save_path = lambda title, file_filter: str(path)
    with qtbot.waitSignals(
        [win.run.state_changed, win.sessions.saved],
        timeout=TIMEOUT,
        check_params_cbs=["paused".__eq__, None],
    ):
        win.sessions.save_session_action.trigger()
    assert path.is_file()
    assert win.errors == []


def test_close_autosaves_and_the_next_window_offers_to_restore(qtbot, tmp_path):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        win.run.step(7)
    params = win.run.snapshot.model.params.copy()
    assert not win.sessions.restore_session_action.isEnabled()  # nothing autosaved yet
    win.close()
    assert win.autosave_path.is_file()
    assert win.autosave_path.parent == tmp_path / "data"  # beside the test's store, not $HOME

    again = MainWindow(store)
    again.errors = []
    again._show_error = again.errors.append
    qtbot.addWidget(again)
    assert again.run.snapshot.epoch == 0  # nothing is restored without asking
    assert again.sessions.restore_session_action.isEnabled()
    again.sessions.restore_session_action.trigger()
    assert again.errors == []
    assert again.run.snapshot.epoch == 7
    np.testing.assert_array_equal(again.run.snapshot.model.params, params)
    assert again.sessions.recent_sessions() == []  # the autosave is not a "recent" file
    again.close()


def test_a_session_that_cannot_be_written_says_where_in_a_sentence(qtbot, make_window, tmp_path):
    win = make_window("w")
    step_by_panel(qtbot, win, 10)
    (tmp_path / "a file").write_text("not a folder")
    bad, good = str(tmp_path / "a file" / "s.aelab"), str(tmp_path / "s.aelab")
    win.dialogs.ask_save_path = lambda title, file_filter: bad
    with qtbot.waitSignal(win.sessions.error_occurred, timeout=TIMEOUT):  # from the worker
        win.sessions.save_session_action.trigger()
    assert len(win.errors) == 1 and f"Could not save the session to {bad}" in win.errors[0]
    assert win.sessions.recent_sessions() == []
    win.dialogs.ask_save_path = lambda title, file_filter: good  # negative control
    with qtbot.waitSignal(win.sessions.saved, timeout=TIMEOUT):
        win.sessions.save_session_action.trigger()
    assert win.sessions.recent_sessions() == [good] and len(win.errors) == 1

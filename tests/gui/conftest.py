"""Fixtures shared by the window's tab tests."""

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, Qt

from engine.data.datasets import load_builtin
from gui.app import configure_process
from gui.data.glyph_set import GlyphSet
from gui.main_window import MainWindow
from gui.run.run_controller import RunController
from tests.gui.windows import settings_in


@pytest.fixture(scope="session", autouse=True)
def _configured_like_the_app(qapp):
    """As `python main.py` runs: one BLAS thread, garbage collected in the GUI thread only
    (a collection in a worker thread deadlocked the suite; see gui.app)."""
    configure_process()


@pytest.fixture
def run(qtbot, tmp_path):
    """A run of the 5x7 font with its own settings file; its threads are gone after the test."""
    glyphs = GlyphSet(load_builtin("font5x7"))
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    controller = RunController(glyphs, store=store)
    yield controller
    assert controller.shutdown(1000)


@pytest.fixture
def make_window(qtbot, tmp_path) -> Callable[..., MainWindow]:
    """Build MainWindows on settings of the test's own; every one is closed after the test
    (closing ends its training thread, which must be gone before the next test starts); one
    already closed is not closed (and autosaved) twice.

    make(store=None, *, ini, size, show, errors, discard, ask_before_closing):
    - store: the QSettings to use; by default a new ini file `ini` under tmp_path.
    - size: (width, height) to resize to before showing; None keeps Qt's size.
    - show: show the window and wait until it is exposed.
    - errors: collect the window's error sentences in `win.errors` instead of a message box.
    - discard: closing or opening a set discards glyph edits without asking.
    - ask_before_closing: False closes without the unsaved-glyphs question.
    """
    windows = []

    def make(
        store: QSettings | None = None,
        *,
        ini: str = "settings.ini",
        size: tuple[int, int] | None = None,
        show: bool = True,
        errors: bool = True,
        discard: bool = True,
        ask_before_closing: bool = True,
    ) -> MainWindow:
        win = MainWindow(store if store is not None else settings_in(tmp_path, ini))
        windows.append(win)
        if errors:
            win.errors = []
            win._show_error = win.errors.append  # the sentences, instead of a message box
        if not ask_before_closing:
            win.ask_before_closing = False
        if discard:
            win.data_panel._confirm_discard = lambda: True
        qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
        if show:
            win.show()
            qtbot.waitExposed(win)
        return win

    yield make
    for win in windows:
        # pytest-qt has closed every shown window by now (its teardown runs first); one still
        # visible, or never shown, is closed here so its training thread ends. A hidden one that
        # was shown is closed already: not again (closing autosaves).
        if win.isVisible() or not win.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
            win.close()

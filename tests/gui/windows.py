"""Helpers for the window tests (the window itself comes from conftest's `make_window`)."""

from pathlib import Path

from PySide6.QtCore import QSettings

from gui.main_window import MainWindow


def settings_in(folder: Path, name: str = "settings.ini") -> QSettings:
    """A settings file of the test's own (the window keeps its data folder beside it, not in
    $HOME)."""
    return QSettings(str(folder / name), QSettings.Format.IniFormat)


def wait_for_codes(qtbot, win: MainWindow, timeout: int) -> None:
    """Wait until the worker has sent the idle snapshot's latent codes of the open set."""
    qtbot.waitUntil(lambda: not win.run.codes_pending, timeout=timeout)

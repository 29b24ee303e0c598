"""Helpers for the window and view tests (the window itself comes from conftest's
`make_window`)."""

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from gui.main_window import MainWindow

W = TypeVar("W", bound=QWidget)


def settings_in(folder: Path, name: str = "settings.ini") -> QSettings:
    """A settings file of the test's own (the window keeps its data folder beside it, not in
    $HOME)."""
    return QSettings(str(folder / name), QSettings.Format.IniFormat)


def shown(qtbot, widget: W, size: tuple[int, int]) -> W:
    """The widget, closed after the test, at `size` on screen (exposed: painted and laid out)."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def run_without_end(qtbot, win: MainWindow, timeout: int, past_epoch: int = 5) -> None:
    """Switch the pixel stop rule off, set a million epochs, press Start and wait until the
    run is past `past_epoch`: a run that is still going when the test acts on it."""
    panel = win.training_panel
    if panel.stop_check.isChecked():
        qtbot.mouseClick(panel.stop_check, Qt.MouseButton.LeftButton)
    panel.epochs_spin.setValue(1_000_000)
    with qtbot.waitSignal(
        win.run.snapshot_changed, timeout=timeout, check_params_cb=lambda s: s.epoch > past_epoch
    ):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)


def wait_for_codes(qtbot, win: MainWindow, timeout: int) -> None:
    """Wait until the worker has sent the idle snapshot's latent codes of the open set."""
    qtbot.waitUntil(lambda: not win.run.codes_pending, timeout=timeout)

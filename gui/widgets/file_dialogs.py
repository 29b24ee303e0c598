"""The window's file dialogs, behind one small object so tests can answer them instead of a person.

The session menu and the exports ask through the window's `FileDialogs`; a test replaces
`ask_save_path` / `ask_open_path` on that instance and no dialog ever opens.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


class FileDialogs:
    """Native open/save dialogs parented to `parent` (the window)."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def ask_save_path(self, title: str, file_filter: str) -> str | None:
        """A path to write, with the chosen filter's suffix added when none was typed."""
        path, chosen = QFileDialog.getSaveFileName(self._parent, title, "", file_filter)
        if not path:
            return None
        if not Path(path).suffix:
            pattern = (chosen or file_filter).split("(*", 1)[-1]
            path += pattern.split(")", 1)[0].split(" ", 1)[0]
        return path

    def ask_open_path(self, title: str, file_filter: str) -> str | None:
        path, _chosen = QFileDialog.getOpenFileName(self._parent, title, "", file_filter)
        return path or None

"""File > Open session / Save session / Recent sessions / Restore last session.

A session file holds everything (glyphs, settings, weights, optimizer state, history, seeds), so
the menu's job is the user's side of it: which files were used lately, asking before unsaved
glyphs are replaced, and waiting for a running run to pause so the saved weights are still.

Save session freezes the session in the GUI thread (a copy of the weights and history: under a
millisecond) and writes the file in a worker thread: 60,000 MNIST images and their edited copy
take ~0.7 s to write (benchmarks/session_io.py), which would freeze the window. Closing the
window waits for a file still being written (`wait_for_saves`).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QThread, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from engine.session import FrozenSession, write_session
from gui.data.data_panel import DataPanel
from gui.run.run_controller import RunController
from gui.widgets.file_dialogs import FileDialogs

SESSION_FILTER = "Autoencoder Lab session (*.aelab)"
RECENT_MAX = 8


class SessionWriter(QObject):
    """Writes one frozen session to `path` in a QThread; `done` carries the path and '' or a
    sentence saying why the file could not be written."""

    done = Signal(str, str)

    def __init__(self, path: str, frozen: FrozenSession) -> None:
        super().__init__()
        self.path, self._frozen = path, frozen

    @Slot()
    def run(self) -> None:
        try:
            write_session(self.path, self._frozen)
        # Any error, a bug too, ends in a sentence: the thread must not end without `done`.
        except Exception as error:
            self.done.emit(self.path, f"Could not save the session to {self.path}: {error}.")
            return
        self.done.emit(self.path, "")


class SessionMenu(QObject):
    """The session actions and the Recent sessions menu; `store` keeps the recent list.

    `error_occurred` carries a sentence for the window to show; `message_changed` a line for the
    status bar; `saved` the path of a session file once it is written."""

    error_occurred = Signal(str)
    message_changed = Signal(str)
    saved = Signal(str)

    def __init__(
        self,
        run: RunController,
        data_panel: DataPanel,
        store: QSettings,
        autosave_path: Path,
        dialogs: FileDialogs,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.run = run
        self._data_panel = data_panel
        self._store = store
        self._autosave_path = autosave_path
        self._dialogs = dialogs
        self._pending_save: str | None = None
        self._writers: dict[QThread, SessionWriter] = {}  # files being written
        self.open_session_action = QAction("Open sess&ion…", parent)
        self.open_session_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_session_action.setStatusTip("Open a whole session: glyphs, model, run, history")
        self.open_session_action.triggered.connect(self._on_open_session_triggered)
        self.save_session_action = QAction("Save sessio&n…", parent)
        self.save_session_action.setShortcut(QKeySequence("Ctrl+Alt+S"))
        self.save_session_action.setStatusTip(
            "Save glyphs, settings, weights, optimizer state, history and seeds in one file"
        )
        self.save_session_action.triggered.connect(self._on_save_session_triggered)
        self.restore_session_action = QAction("&Restore last session", parent)
        self.restore_session_action.setStatusTip(
            "Open the session that was saved automatically when the window last closed"
        )
        self.restore_session_action.triggered.connect(self._on_restore_session_triggered)
        self.restore_session_action.setEnabled(autosave_path.is_file())
        self.recent_menu = QMenu("Recent sessions", parent)
        self._update_recent_menu()
        run.state_changed.connect(self._on_state_changed)
        run.session_opened.connect(self.remember)

    def add_to(self, menu: QMenu) -> None:
        menu.addActions([self.open_session_action, self.save_session_action])
        menu.addMenu(self.recent_menu)
        menu.addAction(self.restore_session_action)

    # --- the recent list --------------------------------------------------------------------------
    def recent_sessions(self) -> list[str]:
        """The last sessions opened or saved, newest first (at most RECENT_MAX)."""
        text = self._store.value("sessions/recent", "", type=str)
        try:
            paths = json.loads(text) if text else []
        except json.JSONDecodeError:
            paths = []
        return (
            [p for p in paths if isinstance(p, str)][:RECENT_MAX] if isinstance(paths, list) else []
        )

    def remember(self, path: str) -> None:
        """Put `path` first in the recent list (the autosave is never listed)."""
        path = str(Path(path).resolve())
        if Path(path) == self._autosave_path.resolve():
            return
        self._set_recent_sessions([path, *(p for p in self.recent_sessions() if p != path)])

    def _set_recent_sessions(self, paths: list[str]) -> None:
        self._store.setValue("sessions/recent", json.dumps(paths[:RECENT_MAX]))
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_sessions()
        for number, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name}")
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_session_file(p))
        self.recent_menu.setEnabled(bool(paths))

    # --- opening and saving -----------------------------------------------------------------------
    def open_session_file(self, path: str) -> bool:
        """Open a session (a recent entry, a dialog's choice or the autosave)."""
        if not Path(path).is_file():
            if path in self.recent_sessions():
                self._set_recent_sessions([p for p in self.recent_sessions() if p != path])
                self.error_occurred.emit(
                    f"The session {path} no longer exists; it was removed from Recent sessions."
                )
            else:
                self.error_occurred.emit(f"The session {path} does not exist.")
            return False
        if not self._data_panel.maybe_save():  # the session replaces the glyphs
            return False
        # run.error_occurred says why a file cannot be opened (the window is then unchanged);
        # run.session_opened, once it is, puts it in the recent list. A big set's session is
        # read in a worker thread: True then means "being opened".
        return self.run.open_session(path)

    @Slot()
    def _on_open_session_triggered(self) -> None:
        path = self._dialogs.ask_open_path("Open session", SESSION_FILTER)
        if path:
            self.open_session_file(path)

    @Slot()
    def _on_save_session_triggered(self) -> None:
        path = self._dialogs.ask_save_path("Save session", SESSION_FILTER)
        if not path:
            return
        if self.run.state == "running":  # save at the next pause: weights must be still
            self._pending_save = path
            self.run.pause()
        else:
            self._save_session_to(path)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state != "running" and self._pending_save is not None:  # paused (or ended) to save
            path, self._pending_save = self._pending_save, None
            self._save_session_to(path)

    def _save_session_to(self, path: str) -> None:
        """Freeze the session now; write it in a worker thread (see the module's docstring)."""
        frozen = self.run.frozen_session()
        if frozen is None:
            return  # run.error_occurred has said why
        writer = SessionWriter(path, frozen)
        thread = QThread()
        thread.setObjectName("session writer")
        writer.moveToThread(thread)
        thread.started.connect(writer.run)
        writer.done.connect(self._on_written)  # queued into the GUI thread
        writer.done.connect(thread.quit)
        # Both die with their last Python reference, dropped in the GUI thread once the thread
        # has finished (as the sweep's worker does).
        thread.finished.connect(self._on_writer_finished)
        self._writers[thread] = writer
        epoch = f"{frozen.meta['run']['epoch']}{self.run.within_epoch_note()}"
        self.message_changed.emit(f"Saving the session (epoch {epoch})…")
        thread.start()

    @Slot(str, str)
    def _on_written(self, path: str, error: str) -> None:
        if error:
            self.error_occurred.emit(error)
            return
        self.remember(path)
        self.message_changed.emit(f"Saved the session to {path}.")
        self.saved.emit(path)

    @Slot()
    def _on_writer_finished(self) -> None:
        for thread in [t for t in self._writers if t.isFinished()]:
            thread.wait()
            del self._writers[thread]

    def wait_for_saves(self) -> None:
        """Block until every session file being written is complete (before the window closes:
        the write is bounded, ~1 s at 60,000 images, and must not be cut off)."""
        for thread in list(self._writers):
            thread.quit()  # its `done` -> quit is queued to this (blocked) thread: quit here
            thread.wait()  # returns once the file is written and the thread's loop has ended
        QCoreApplication.sendPostedEvents(self)  # their `done`: the recent list, the messages
        self._on_writer_finished()

    @Slot()
    def _on_restore_session_triggered(self) -> None:
        self.open_session_file(str(self._autosave_path))

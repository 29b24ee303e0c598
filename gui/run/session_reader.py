"""Reading a session file of a big set in a worker thread (File > Open session, Restore last
session).

Reading and checking a session of 60,000 images and their edited copy takes ~0.7 s (the npy
members inflated, every header and label checked), which would freeze the window. The
RunController reads a session of more than LARGE_SET_EDITS images here and installs it when
`done` comes; a small one is read at once. The restored run's first evaluation is not done
here but in the run's own worker (gui.run.training_worker), so that Resume can queue behind it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from engine import limits
from engine.data.datasets import DatasetError
from engine.session import SessionFileError
from gui.run.run_files import read_session


def session_images(path: str) -> int:
    """How many images the session's data set holds, from its npy header alone (a few ms); 0
    when that cannot be told (the full read then says what is wrong)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("dataset.npy")
            with archive.open(info) as stream:
                shape, _ = limits.check_npy_header(stream, info.file_size, "dataset.npy", path)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, RuntimeError):
        return 0
    return int(shape[0]) if shape else 0


def read_error(path: str, error: Exception) -> str:
    """The sentence for a session that cannot be opened (the message names the file)."""
    if isinstance(error, SessionFileError):
        return f"Could not open the session: {error}."
    return f"Could not open the session {path}: {error}."


class SessionReader(QObject):
    """Reads one session in a QThread; `done` carries the path, read_session's result (None
    on error) and '' or the sentence saying why it cannot be opened."""

    done = Signal(str, object, str)

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    @Slot()
    def run(self) -> None:
        try:
            read = read_session(self.path, evaluate=False)
        except (SessionFileError, DatasetError) as error:
            self.done.emit(self.path, None, read_error(self.path, error))
            return
        # Any other error, a bug too, ends in a sentence: the thread must not end without `done`.
        except Exception as error:
            self.done.emit(self.path, None, f"Could not open the session {self.path}: {error}.")
            return
        self.done.emit(self.path, read, "")


def start_reader(
    path: str, on_done: Callable[..., None], on_finished: Callable[[], None]
) -> tuple[QThread, SessionReader]:
    """A reader in its own started thread. The caller keeps both until `on_finished` (the
    thread's end), connected after `on_done`, which gets the reader's `done` in the GUI thread."""
    reader = SessionReader(path)
    thread = QThread()
    thread.setObjectName("session reader")
    reader.moveToThread(thread)
    thread.started.connect(reader.run)
    reader.done.connect(on_done)
    reader.done.connect(thread.quit)
    thread.finished.connect(on_finished)
    thread.start()
    return thread, reader

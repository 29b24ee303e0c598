"""File > Download MNIST / Fashion-MNIST…: the download in a worker thread with a progress bar
and Cancel; when it is done the training images open in the window.

engine.data.download does the work (mirrors, size and SHA-256 checks, the cache in the user's
data folder, a partial file never left behind); this dialog runs it off the GUI thread, shows
the bytes of all files together, turns a failure into one sentence and a Cancel into a
DownloadCancelled raised from the progress callback. `DownloadMenu` is the File menu's action:
a finished download is opened through the data panel's own `open_file`, as File > Open would.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.data.download import SOURCES, DownloadCancelled, DownloadError, Source, data_home
from engine.data.download import download as fetch

NAMES = {"mnist": "MNIST: handwritten digits", "fashion-mnist": "Fashion-MNIST: clothes"}
PROGRESS_SECONDS = 0.05  # the worker reports bytes at most this often (and at each file's end)
CLOSE_TIMEOUT_MS = 2000  # closing waits this long for a cancelled download's thread


class _DownloadWorker(QObject):
    """Runs engine.data.download in its thread; `cancel` (any thread) stops it at the next
    block of bytes."""

    progress = Signal(int, int, str)  # bytes of all files so far, bytes in all, the file's name
    finished = Signal(str)  # the folder holding the files
    failed = Signal(str)  # a sentence
    cancelled = Signal()

    def __init__(self, source: Source, cache: Path | None) -> None:
        super().__init__()
        self._source, self._cache = source, cache
        self._stop = threading.Event()
        self._total = sum(f.size for f in source.files)
        self._done: dict[str, int] = {}  # bytes per file
        self._last = 0.0

    def cancel(self) -> None:
        self._stop.set()

    def _on_bytes(self, name: str, done: int, total: int) -> None:
        if self._stop.is_set():
            raise DownloadCancelled
        self._done[name] = done
        now = time.monotonic()
        if done == total or now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self.progress.emit(sum(self._done.values()), self._total, name)

    @Slot()
    def run(self) -> None:
        try:
            folder = fetch(self._source, self._cache, self._on_bytes)
        except DownloadCancelled:
            self.cancelled.emit()
        except DownloadError as error:
            self.failed.emit(f"The download failed: {error}.")
        except OSError as error:  # the cache folder cannot be made or written
            self.failed.emit(f"The files cannot be kept: {error.strerror or error}.")
        else:
            self.finished.emit(str(folder))


class DownloadDialog(QDialog):
    """Pick MNIST or Fashion-MNIST, press Download, watch the bar; `downloaded` carries the
    training images' path when the files are in the cache and checked."""

    downloaded = Signal(str)  # path of train-images-idx3-ubyte.gz

    def __init__(
        self,
        parent: QWidget | None = None,
        sources: dict[str, Source] | None = None,
        cache: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download MNIST / Fashion-MNIST")
        self._sources = sources or SOURCES
        self._cache = cache
        self._thread: QThread | None = None
        self._worker: _DownloadWorker | None = None
        self.set_combo = QComboBox()
        for key in self._sources:
            self.set_combo.addItem(NAMES.get(key, key), key)
        self.set_combo.setToolTip("The set to download: 60,000 training images of 28x28 each.")
        self.set_combo.currentIndexChanged.connect(self._on_set_changed)
        self.about_label = QLabel()
        self.about_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.download_button = QPushButton("Download")
        self.download_button.setDefault(True)
        self.download_button.setToolTip(
            "Fetch the files (files already in the folder and matching their checksums are "
            "kept), check each one, then open the training images."
        )
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the download (nothing partial is kept) or close.")
        buttons.addButton(self.download_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.download_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.set_combo)
        layout.addWidget(self.about_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self._on_set_changed()

    @property
    def source(self) -> Source:
        return self._sources[self.set_combo.currentData()]

    @property
    def folder(self) -> Path:
        """Where the chosen set's files are kept."""
        return (self._cache or data_home() / "datasets") / self.source.folder

    @property
    def is_downloading(self) -> bool:
        return self._thread is not None

    @Slot()
    def _on_set_changed(self) -> None:
        files = self.source.files
        megabytes = sum(f.size for f in files) / 1e6
        self.about_label.setText(
            f"{len(files)} files, {megabytes:.1f} MB, each checked against its SHA-256 sum and "
            f"kept in {self.folder}. The training images open in the window when they are in."
        )

    @Slot()
    def start(self) -> None:
        """Download the chosen set in a worker thread."""
        if self._thread is not None:
            return
        worker = _DownloadWorker(self.source, self._cache)
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        for end in (worker.finished, worker.failed, worker.cancelled):
            end.connect(thread.quit)
        thread.finished.connect(worker.deleteLater)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        self.set_combo.setEnabled(False)
        self.download_button.setEnabled(False)
        self.status_label.setText("Connecting…")
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p %")
        thread.start()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, name: str) -> None:
        self.progress_bar.setValue(round(1000 * done / max(total, 1)))
        self.status_label.setText(f"{done / 1e6:.1f} of {total / 1e6:.1f} MB ({name})")

    @Slot(str)
    def _on_finished(self, folder: str) -> None:
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.status_label.setText(f"Done: the files are in {folder}.")
        self.downloaded.emit(str(Path(folder) / self.source.train_images))
        self.accept()

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        self.status_label.setText(sentence)
        self._ready_again()

    @Slot()
    def _on_cancelled(self) -> None:
        self.status_label.setText("Cancelled: no partial file was kept.")
        self.progress_bar.setValue(0)
        self._ready_again()

    def _ready_again(self) -> None:
        self.progress_bar.setFormat("")
        self.set_combo.setEnabled(True)
        self.download_button.setEnabled(True)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread, self._worker = None, None

    def cancel(self) -> None:
        """Stop a running download (the dialog stays open and says so)."""
        if self._worker is not None:
            self._worker.cancel()

    def reject(self) -> None:
        """Cancel: stops a download first (the dialog stays, saying so); else closes."""
        if self._thread is not None:
            self.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        """Closing never leaves a download running: it is cancelled and its thread waited for."""
        thread = self._thread
        if thread is not None:
            self.cancel()
            thread.quit()
            thread.wait(CLOSE_TIMEOUT_MS)
        super().done(result)


class DownloadMenu(QObject):
    """File > Download MNIST / Fashion-MNIST…: opens the dialog; a finished download is opened
    with `open_file` (the data panel's File > Open path). `sources` and `cache` are the
    engine's unless a test serves its own."""

    def __init__(self, open_file, parent: QWidget) -> None:
        super().__init__(parent)
        self._open_file = open_file
        self._parent = parent
        self.sources: dict[str, Source] | None = None
        self.cache: Path | None = None
        self.dialog: DownloadDialog | None = None
        self.action = QAction("&Download MNIST / Fashion-MNIST…", parent)
        self.action.setStatusTip(
            "Download MNIST or Fashion-MNIST (60,000 images of 28x28) once into your data "
            "folder, then open the training images"
        )
        self.action.triggered.connect(self.open_dialog)

    @Slot()
    def open_dialog(self) -> DownloadDialog:
        """Show the dialog (window-modal; the window's event loop keeps running)."""
        if self.dialog is None:
            self.dialog = DownloadDialog(self._parent, self.sources, self.cache)
            self.dialog.downloaded.connect(self._on_downloaded)
        self.dialog.open()
        return self.dialog

    @Slot(str)
    def _on_downloaded(self, path: str) -> None:
        self._open_file(path)

"""Start the window: the QApplication, pyqtgraph's look, closing on SIGTERM, and the event loop.

PySide6 is imported before pyqtgraph so pyqtgraph binds to it rather than to another Qt binding
that happens to be installed.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg  # isort: skip  (after PySide6, see above)

if TYPE_CHECKING:
    from gui.main_window import MainWindow

ORGANIZATION = "AutoencoderLab"
APPLICATION = "Autoencoder Lab"
GC_INTERVAL = 0.5  # seconds between the GUI thread's garbage collection checks

_collector = None  # the GarbageCollector once installed
_termination_watch: tuple[socket.socket, socket.socket, QSocketNotifier] | None = None


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once) with the names QSettings files are kept under."""
    app = QApplication.instance() or QApplication(sys.argv[:1] if argv is None else argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    pg.setConfigOptions(background="w", foreground="k", antialias=True)
    return app


def limit_blas_threads() -> None:
    """One BLAS thread per calling thread: the window and the trainer already keep two cores
    busy, and OpenBLAS threads spinning on tiny matrices made training 2-4x slower (measured:
    200 digits epochs took 12.9 s in the window with 2 BLAS threads, 7.1 s with 1)."""
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    threadpool_limits(limits=1, user_api="blas")


def collect_garbage_in_gui_thread() -> None:
    """Python's cyclic garbage collector runs in whichever thread happens to allocate. When that
    is a worker thread and the garbage holds Qt objects, their destructors take Qt's locks from
    the worker while the GUI thread holds one of them and waits for the GIL: a deadlock (seen in
    the test suite: the PCA thread importing scikit-learn while a test's event loop quit). So
    automatic collection is off and a timer in the GUI thread collects (pyqtgraph's
    GarbageCollector, which checks the usual thresholds every GC_INTERVAL seconds)."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=GC_INTERVAL)


def configure_process() -> None:
    """Process-wide settings for a window that trains in a second thread (shared with
    benchmarks/window.py, so the benchmark measures the app as it runs, and with the GUI tests).
    A shorter GIL switch interval (0.5 and 0.1 ms against the default 5 ms) did not help the GUI
    thread: measured. Call it in the GUI thread once the QApplication exists."""
    limit_blas_threads()
    collect_garbage_in_gui_thread()


def close_on_termination(window: MainWindow) -> None:
    """SIGTERM (logout, shutdown, `kill`) closes `window` as its close button does, so the session
    is autosaved and the process ends with status 0. Python runs a signal handler only between
    bytecodes, and the event loop is C++: so the C-level handler also writes to a socket
    (`signal.set_wakeup_fd`), a QSocketNotifier on its other end wakes the GUI thread into
    Python, the handler runs and asks the event loop to close the window. Unix only: Windows
    does not send SIGTERM to a GUI program (it ends one with window messages)."""
    global _termination_watch
    if sys.platform == "win32":
        return
    receiver, sender = socket.socketpair()
    sender.setblocking(False)
    receiver.setblocking(False)
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, window)

    def drain() -> None:  # the handler does the work; this only lets Python run
        with contextlib.suppress(BlockingIOError):
            receiver.recv(64)

    notifier.activated.connect(drain)

    def on_terminate(signum: int, frame: object) -> None:
        window.ask_before_closing = False  # nobody to answer; edits stay in the autosave
        QTimer.singleShot(0, window.close)

    signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    signal.signal(signal.SIGTERM, on_terminate)
    _termination_watch = (receiver, sender, notifier)  # alive as long as the process


def run_app(argv: list[str] | None = None) -> int:
    """Show the main window and run until it closes; returns the exit code."""
    app = make_application(argv)
    configure_process()
    from gui.main_window import MainWindow  # after the app: widgets need it

    window = MainWindow()
    window.show()
    close_on_termination(window)
    return app.exec()

"""Start the window: the QApplication, pyqtgraph's look, and the event loop.

PySide6 is imported before pyqtgraph so pyqtgraph binds to it rather than to another Qt binding
that happens to be installed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

import pyqtgraph as pg  # isort: skip  (after PySide6, see above)

ORGANIZATION = "AutoencoderLab"
APPLICATION = "Autoencoder Lab"
GC_INTERVAL = 0.5  # seconds between the GUI thread's garbage collection checks

_collector = None  # the GarbageCollector once installed


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


def run_app(argv: list[str] | None = None) -> int:
    """Show the main window and run until it closes; returns the exit code."""
    app = make_application(argv)
    configure_process()
    from gui.main_window import MainWindow  # after the app: widgets need it

    window = MainWindow()
    window.show()
    return app.exec()

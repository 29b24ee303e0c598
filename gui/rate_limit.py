"""Run a refresh at most so often: at once when it has been quiet, else with a later request.

The GUI thread shares the GIL with the training thread, so every millisecond a view spends on a
snapshot is taken from training. Readouts that people read rather than watch (numbers, the loss
curves, the generator's picture) refresh a few times a second; the latent scatter takes every
snapshot. The newest state always shows: a request inside the quiet interval is run by the next
request after it, or by a timer at most two intervals later if none comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot


class RateLimit(QObject):
    """Calls `refresh` on `request()`, at most once every `interval_ms`, never dropping the last
    (it runs within 2 * `interval_ms`)."""

    def __init__(self, parent: QObject, refresh: Callable[[], None], interval_ms: int) -> None:
        super().__init__(parent)
        self._refresh = refresh
        self._interval = interval_ms / 1000
        self._last = -float("inf")  # time.monotonic() of the last refresh
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._on_timeout)

    def request(self) -> None:
        wait = self._last + self._interval - time.monotonic()
        if wait <= 0:
            self._timer.stop()
            self._run()
        elif not self._timer.isActive():
            # While snapshots keep coming, a later request runs the refresh in the same turn of
            # the event loop as the latent scatter's redraw: one repaint of the window, not two.
            # The timer only catches a burst's last request when nothing follows it.
            self._timer.start(max(1, int(1000 * (wait + self._interval))))

    def flush(self) -> None:
        """Refresh now if a request is waiting (e.g. the run paused: show where it stopped)."""
        if self._timer.isActive():
            self._timer.stop()
            self._run()

    @Slot()
    def _on_timeout(self) -> None:
        self._run()

    def _run(self) -> None:
        self._last = time.monotonic()
        self._refresh()

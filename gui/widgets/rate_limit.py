"""Run a refresh at most so often: at once when it has been quiet, else with a later request.

The GUI thread shares the GIL with the training thread, so every millisecond a view spends on a
snapshot is taken from training. Readouts that people read rather than watch (numbers, the loss
curves, the generator's picture) refresh a few times a second; the latent scatter takes every
snapshot. The newest state always shows: a request inside the quiet interval is run by the next
request after it, or by its timer if none comes (for readouts one interval after the quiet
interval ends, for a tab refreshed on demand as it ends).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QWidget


class RateLimit(QObject):
    """Calls `refresh` on `request()`, at most once every `interval_ms`, never dropping the last
    (it runs at most `patience_ms` after the interval's end)."""

    def __init__(
        self,
        parent: QObject,
        refresh: Callable[[], None],
        interval_ms: int,
        patience_ms: int | None = None,
    ) -> None:
        """`patience_ms` (default: one interval) is how long past the interval's end the timer
        waits for a later request before it refreshes itself; 0 for views refreshed on demand."""
        super().__init__(parent)
        self._refresh = refresh
        self._interval = interval_ms / 1000
        self._patience = self._interval if patience_ms is None else patience_ms / 1000
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
            self._timer.start(max(1, int(1000 * (wait + self._patience))))

    def flush(self) -> None:
        """Refresh now if a request is waiting (e.g. the run paused: show where it stopped)."""
        if self._timer.isActive():
            self.run_now()

    def run_now(self) -> None:
        """Refresh now, whenever the last one was; the interval counts from here."""
        self._timer.stop()
        self._run()

    @Slot()
    def _on_timeout(self) -> None:
        self._run()

    def _run(self) -> None:
        self._last = time.monotonic()
        self._refresh()


class RefreshThrottle(QObject):
    """A RateLimit for a view that is often hidden behind another tab: `request()` marks it stale
    and refreshes it only while `widget` is visible; a hidden view catches up when its Show event
    arrives, so a tab switched to is up to date before it paints."""

    def __init__(self, widget: QWidget, refresh: Callable[[], None], interval_ms: int) -> None:
        super().__init__(widget)
        self._widget, self._refresh = widget, refresh
        self._stale = False
        # No patience: a tab's refresh follows a person's action, not a stream of snapshots.
        self._rate = RateLimit(self, self._refresh_if_shown, interval_ms, patience_ms=0)
        widget.installEventFilter(self)

    def request(self) -> None:
        self._stale = True
        if self._widget.isVisible():
            self._rate.request()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # While a view is torn down its widget can still send events after this object's Python
        # side is gone (seen as an AttributeError on `_widget` in full test runs): read nothing
        # but the flag, and that only if it is still there.
        shown = event.type() == QEvent.Type.Show and watched is self.parent()
        if shown and getattr(self, "_stale", False):
            self._rate.run_now()
        return False

    def _refresh_if_shown(self) -> None:
        if self._stale and self._widget.isVisible():
            self._stale = False
            self._refresh()

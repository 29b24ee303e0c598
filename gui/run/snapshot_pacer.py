"""When a run's snapshots reach the views: no faster than the views can draw them.

The worker sends at most ~30 snapshots a second. When drawing them is slow (1797 digits), the
GUI thread would take the GIL and the CPU from the training thread, so each snapshot is held back
by what showing the last one cost, and of the held-back ones only the newest is shown. Kept apart
from the RunController because it is timing, not run state: the controller decides which
snapshots belong to the current run, this decides when they are shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot

from engine.training import Snapshot

# The views may take at most this share of the time: slow redraws (1797 digits) must not starve
# the training thread of the GIL and the CPU. A cheap redraw still gets all ~30 snapshots a second.
VIEW_SHARE = 0.4
MAX_GAP = 0.5  # seconds: however slow the views, the picture moves at least twice a second


class SnapshotPacer(QObject):
    """Calls `show(snapshot)` at once on `publish`, and spaced out on `offer`."""

    def __init__(self, show: Callable[[Snapshot], None], parent: QObject) -> None:
        super().__init__(parent)
        self._show = show
        self._pending: Snapshot | None = None
        self._published_at = 0.0  # time.monotonic() when the last snapshot was handed out
        self._min_gap = 0.0  # seconds between snapshots shown, from what showing them cost
        self._deliver_timer = QTimer(self, singleShot=True)
        self._deliver_timer.timeout.connect(self._on_deliver_timeout)

    def publish(self, snapshot: Snapshot) -> None:
        """Show `snapshot` now (a reset, a pause, the end of a run): it must not wait."""
        self._pending = None
        self._published_at = time.monotonic()
        self._show(snapshot)
        # A zero timer fires once the views have handled and painted the snapshot.
        QTimer.singleShot(0, self._on_views_updated)

    def offer(self, snapshot: Snapshot) -> None:
        """Show `snapshot` once the gap since the last one has passed, unless a newer one comes."""
        # Coalesce: if the GUI fell behind, only the newest of the queued snapshots is drawn.
        self._pending = snapshot
        if not self._deliver_timer.isActive():
            wait = self._published_at + self._min_gap - time.monotonic()
            self._deliver_timer.start(max(0, int(1000 * wait)))

    def flush(self) -> None:
        """Show the held-back snapshot now, if there is one."""
        if self._pending is not None:
            self.publish(self._pending)

    def drop(self) -> None:
        """Forget the held-back snapshot: its run was cancelled."""
        self._pending = None

    @Slot()
    def _on_views_updated(self) -> None:
        """Space out the next snapshots by what showing this one cost (handlers + painting),
        averaged so one slow frame (new symbols after a set change) does not freeze the view."""
        gap = (time.monotonic() - self._published_at) / VIEW_SHARE
        self._min_gap = min(MAX_GAP, 0.5 * (self._min_gap + gap))

    @Slot()
    def _on_deliver_timeout(self) -> None:
        self.flush()

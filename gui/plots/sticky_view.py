"""A pyqtgraph ViewBox whose auto range holds still until the data need it to move.

pyqtgraph's auto range refits the view to the data on every change. While a model trains, the
data change 30 times a second, so the axes were re-labelled and the plot painted twice (the refit
happens during the paint and asks for another) on every frame: most of the GUI thread's time
(measured with benchmarks/window.py). This view box keeps its range while the data stay inside it
and still fill at least SHRINK of it; otherwise it refits with MARGIN to spare, so a growing
curve re-ranges a few times per decade instead of every frame. Data that keep going one way
(the epochs of a run, a falling loss) can get more room ahead: with `grow_x` / `grow_y` the view
gets that fraction of the data's span beyond the end they left through (with 0.5, a curve
growing from epoch 10 to 30 000 re-labels the axis about 20 times instead of about 57). A
person's zoom or pan turns auto range off as usual, and "View All" turns it back on.
"""

from __future__ import annotations

import pyqtgraph as pg

SHRINK = 0.4  # refit when the data span less than this fraction of the view
MARGIN = 0.15  # on a refit, room to grow on each side, as a fraction of the data's span


def sticky_range(
    wanted: tuple[float, float], current: tuple[float, float], grow: float = MARGIN
) -> tuple[float, float] | None:
    """The range to switch to for data spanning `wanted`, or None to keep `current`; data that
    left past an end get `grow` times their span of room beyond it."""
    lo, hi = wanted
    now_lo, now_hi = current
    span, now_span = hi - lo, now_hi - now_lo
    inside = now_lo <= lo and hi <= now_hi
    if inside and (span >= SHRINK * now_span or span <= 0):
        return None
    margin, room = MARGIN * span, grow * span
    return lo - (room if lo < now_lo else margin), hi + (room if hi > now_hi else margin)


class StickyViewBox(pg.ViewBox):
    """A ViewBox whose auto range refits only when the data leave the view or shrink in it."""

    def __init__(self, *args, grow_x: float = MARGIN, grow_y: float = MARGIN, **kwargs) -> None:
        """`grow_x`, `grow_y`: room left beyond the end the data left through, on a refit, as a
        fraction of their span."""
        super().__init__(*args, **kwargs)
        self._auto_ranging = False
        self._sticky = True
        self._grow = (grow_x, grow_y)

    def fit(self) -> None:
        """Fit the data now as plain auto range does (nothing moves: a run paused or ended)."""
        self._sticky = False
        try:
            self.updateAutoRange()
        finally:
            self._sticky = True

    def updateAutoRange(self) -> None:
        self._auto_ranging = True
        try:
            super().updateAutoRange()
        finally:
            self._auto_ranging = False

    def setRange(
        self,
        rect=None,
        xRange=None,
        yRange=None,
        padding=None,
        update=True,
        disableAutoRange=True,
    ) -> None:
        if self._auto_ranging and self._sticky and rect is None:  # a refit: maybe keep
            x_now, y_now = self.viewRange()
            grow_x, grow_y = self._grow
            xRange = None if xRange is None else sticky_range(tuple(xRange), tuple(x_now), grow_x)
            yRange = None if yRange is None else sticky_range(tuple(yRange), tuple(y_now), grow_y)
            if xRange is None and yRange is None:
                return
        super().setRange(rect, xRange, yRange, padding, update, disableAutoRange)

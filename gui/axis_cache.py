"""Axes painted from a pixmap Qt keeps, not by Python on every repaint of a live plot.

A live plot repaints 30 times a second while a run goes, and its axes with it: pyqtgraph's tick
marks reach into the plot, so the moving data's region touches them. Every AxisItem.paint is a
Python call holding the GIL the training thread needs. With Qt's device coordinate cache an
axis is drawn by Python only when it changes (new ticks, a resize) and copied by Qt otherwise;
in the window benchmark (benchmarks/window.py) this took the GUI thread's CPU share from 0.21 to
0.19 and raised the training rate in the window in 5 of 6 alternating rounds.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem


def cache_axes(plot: pg.PlotItem) -> None:
    """Let Qt keep each of the plot's axes as a pixmap, redrawn only when the axis changes."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

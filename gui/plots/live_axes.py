"""Axes for plots that redraw while a run goes: painted from a pixmap, and never narrowed.

A live plot repaints 30 times a second, and its axes with it: pyqtgraph's tick marks reach into
the plot, so the moving data's region touches them. Every AxisItem.paint is a Python call holding
the GIL the training thread needs. With Qt's device coordinate cache an axis is drawn by Python
only when it changes (new ticks, a resize) and copied by Qt otherwise; in the window benchmark
(benchmarks/window.py) this took the GUI thread's CPU share from 0.21 to 0.19 and raised the
training rate in the window in 5 of 6 alternating rounds.

An axis also makes room for its widest tick label, and by default gives room back when the
labels get narrower ("10" -> "5"): each change re-lays the whole plot out and re-labels every
axis. A live axis only ever widens, so a falling loss does not shake the layout.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

SIDES = ("left", "bottom", "right", "top")


def live_axes(plot: pg.PlotItem) -> None:
    """Let Qt keep each of the plot's axes as a pixmap, redrawn only when the axis changes, and
    let the axes' room for labels grow but never shrink."""
    for name in SIDES:
        axis = plot.getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.setStyle(autoReduceTextSpace=False)

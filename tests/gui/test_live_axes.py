"""A cached axis is painted by Python once per change, not with every frame of moving data."""

import collections

import numpy as np
import pyqtgraph as pg
import pytest

from gui.plots.live_axes import live_axes


@pytest.mark.parametrize("cached", [True, False])  # False: the control, painted every frame
def test_moving_data_do_not_repaint_a_cached_axis(qtbot, monkeypatch, cached):
    painted = collections.Counter()
    paint = pg.AxisItem.paint

    def counting_paint(self, *args):
        painted[self.orientation] += 1
        return paint(self, *args)

    monkeypatch.setattr(pg.AxisItem, "paint", counting_paint)
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    if cached:
        live_axes(widget.getPlotItem())
    widget.resize(300, 300)
    widget.setXRange(-1, 1, padding=0)
    widget.setYRange(-1, 1, padding=0)
    scatter = pg.ScatterPlotItem(size=12, brush="k")
    widget.addItem(scatter, ignoreBounds=True)
    widget.show()
    qtbot.waitExposed(widget)
    rng = np.random.default_rng(0)
    corners = np.array([[-1.0, -1.0], [1.0, 1.0]])  # data reaching the axes, as a live plot's do
    scatter.setData(pos=np.vstack([corners, rng.uniform(-1, 1, (30, 2))]))
    qtbot.wait(20)
    painted.clear()
    for _ in range(10):
        scatter.setData(pos=np.vstack([corners, rng.uniform(-1, 1, (30, 2))]))
        widget.viewport().repaint()
    if cached:
        assert painted["left"] == painted["bottom"] == 0
    else:
        assert painted["left"] >= 10 and painted["bottom"] >= 10
    # Cached or not, the axes still show their tick labels (dark pixels left of the plot).
    image = widget.grab().toImage()
    left_axis = [image.pixelColor(x, y).value() for x in range(0, 30) for y in range(20, 250, 3)]
    assert min(left_axis) < 200  # white is 255

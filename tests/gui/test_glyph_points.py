"""GlyphPoints draws each point's symbol and brush where its data position is, follows moves,
tells the view box its bounds, and exports symbols as vector paths."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from gui.plots.exports import export_plot
from gui.plots.glyph_points import GlyphPoints
from gui.plots.latent_plane import text_symbol

RED, BLUE = QColor(220, 0, 0), QColor(0, 0, 220)


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.setXRange(0, 10, padding=0)
    widget.setYRange(0, 10, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def colour_at(widget: pg.PlotWidget, x: float, y: float) -> QColor:
    """The colour drawn at data point (x, y)."""
    widget.viewport().repaint()
    view = widget.getPlotItem().getViewBox()
    scene_point = view.mapViewToScene(QPointF(x, y))
    pixel = widget.mapFromScene(scene_point)
    return widget.grab().toImage().pixelColor(pixel)


def test_each_point_gets_its_brush_at_its_position_and_moves(plot):
    points = GlyphPoints()
    points.set_style("s", 12, [pg.mkBrush(RED), pg.mkBrush(BLUE)])
    plot.addItem(points)
    points.set_positions(np.array([2.0, 7.0]), np.array([3.0, 8.0]))
    assert colour_at(plot, 2, 3) == RED
    assert colour_at(plot, 7, 8) == BLUE
    assert colour_at(plot, 5, 5) == QColor("white")
    points.set_positions(np.array([5.0, 7.0]), np.array([5.0, 2.0]))
    assert colour_at(plot, 5, 5) == RED
    assert colour_at(plot, 7, 2) == BLUE
    assert colour_at(plot, 2, 3) == QColor("white")  # gone from where it was
    x, y = points.getData()
    np.testing.assert_array_equal(x, [5, 7])
    np.testing.assert_array_equal(y, [5, 2])


def test_symbols_keep_their_pixel_size_at_any_zoom(plot):
    points = GlyphPoints(symbol="s", size=12, brush=pg.mkBrush(RED))
    plot.addItem(points)
    points.set_positions(np.array([5.0]), np.array([5.0]))
    view = plot.getPlotItem().getViewBox()
    pixel = view.viewPixelSize()[0]  # data units per screen pixel
    assert colour_at(plot, 5 + 4 * pixel, 5) == RED  # 12 px wide: 4 px off centre is inside
    assert colour_at(plot, 5 + 9 * pixel, 5) == QColor("white")
    plot.setXRange(4, 6, padding=0)  # zoom in 5 times: the square stays 12 pixels wide
    pixel = view.viewPixelSize()[0]
    assert colour_at(plot, 5 + 4 * pixel, 5) == RED
    assert colour_at(plot, 5 + 9 * pixel, 5) == QColor("white")


def test_text_symbols_draw_ink(plot):
    points = GlyphPoints()
    points.set_style([text_symbol("W")], 40, pg.mkBrush(BLUE))
    plot.addItem(points)
    points.set_positions(np.array([5.0]), np.array([5.0]))
    plot.viewport().repaint()
    image = plot.grab().toImage()
    blue = sum(
        image.pixelColor(x, y).blue() > 150 and image.pixelColor(x, y).red() < 100
        for x in range(image.width())
        for y in range(image.height())
    )
    assert 50 < blue < 40 * 40  # a letter's strokes, not an empty box nor a filled one


def test_the_view_box_fits_the_points_with_room_for_the_symbols(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    points = GlyphPoints(symbol="o", size=20)
    widget.addItem(points)
    points.set_positions(np.array([-3.0, 5.0]), np.array([1.0, 2.0]))
    assert points.dataBounds(0) == (-3.0, 5.0) and points.dataBounds(1) == (1.0, 2.0)
    assert points.pixelPadding() >= 10  # half a symbol: a point on the edge shows whole
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.getPlotItem().getViewBox().viewRange()[0][0] < -3.0)
    (x0, x1), (y0, y1) = widget.getPlotItem().getViewBox().viewRange()
    assert x0 < -3 and x1 > 5 and y0 < 1 and y1 > 2
    points.set_positions([], [])
    assert points.dataBounds(0) is None


def test_exports_draw_vector_symbols(plot, tmp_path):
    points = GlyphPoints(symbol="s", size=12, brush=pg.mkBrush(RED))
    plot.addItem(points)
    points.set_positions(np.array([2.0, 7.0]), np.array([3.0, 8.0]))
    export_plot(plot.getPlotItem(), tmp_path / "plot.svg")
    svg = (tmp_path / "plot.svg").read_text()
    assert "<image" not in svg  # no pixmaps in a vector file
    red = svg[svg.index('fill="#dc0000"') :]
    assert red[: red.index("</g>")].count("<path") == 2  # one filled square per point
    export_plot(plot.getPlotItem(), tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 500


def test_points_at_inf_or_nan_are_left_out(plot):
    points = GlyphPoints(symbol="s", size=12, brush=pg.mkBrush(RED))
    plot.addItem(points)
    x = np.array([2.0, np.nan, np.inf, 7.0])
    y = np.array([3.0, 5.0, 5.0, -np.inf])
    points.set_positions(x, y)  # a diverging run's codes
    assert points.dataBounds(0) == (2.0, 2.0) and points.dataBounds(1) == (3.0, 3.0)
    assert colour_at(plot, 2, 3) == RED  # the finite point is drawn, the others skipped
    points.set_positions(np.array([np.nan]), np.array([np.nan]))
    assert points.dataBounds(0) is None
    plot.viewport().repaint()

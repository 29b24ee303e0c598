"""A scatter item drawn with as little Python per frame as possible, for points that move live.

The latent scatter moves every glyph 30 times a second while the training thread runs, and every
millisecond of Python in the GUI thread holds the GIL the training thread needs. pyqtgraph's
ScatterPlotItem rebuilds its spot records on every `setData` and works out its bounds a dozen
times a paint. This item keeps the styles and their rendered pixmaps while only the positions
change, caches its bounds, and paints all points in one Python call: a frame of the 32 glyphs
and two markers costs the GUI thread about half of pyqtgraph's time, of the 1797 digits a fifth
(`python -m benchmarks.scatter_frame`; figures in the README). Exports (SVG, PNG) draw the symbols as vector
paths instead of pixmaps. More points on screen than `dense_above` (60,000 MNIST codes) are
drawn as coloured dots into one image instead (gui.plots.point_raster); zoomed in, where fewer
show, the symbols come back. Sprites are rendered only for points that are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen, QPixmap, QTransform

from gui.plots.point_raster import DOT, argb_image, draw_order, points_image

SymbolLike = QPainterPath | str  # a path in the unit box, or one of pyqtgraph's symbol names


def _path(symbol: SymbolLike) -> QPainterPath:
    return pg.graphicsItems.ScatterPlotItem.Symbols[symbol] if isinstance(symbol, str) else symbol


def _placed(path: QPainterPath, x: float, y: float, size: float) -> QPainterPath:
    """A unit-box symbol scaled to `size` pixels and centred on (x, y)."""
    shape = QTransform()
    shape.translate(x, y)
    shape.scale(size, size)
    return shape.map(path)


class GlyphPoints(pg.GraphicsObject):
    """Symbols of a fixed pixel size at data positions; only `set_positions` runs per frame.

    `set_style` gives each point its symbol and brush (one for all, or one per point) and the
    pen; styles are rendered once into pixmaps and reused while they stay the same. With more
    than `dense_above` points on screen, each is a dot of `footprint` pixels in its brush's
    colour (the pen's where it has no brush)."""

    def __init__(
        self,
        symbol: SymbolLike = "o",
        size: float = 7,
        pen: QPen | None = None,
        brush: QBrush | None = None,
        dense_above: int | None = None,
        footprint: tuple[tuple[int, int], ...] = DOT,
    ) -> None:
        super().__init__()
        self._dense_above = dense_above
        self._footprint = footprint
        self.dense = False  # whether the last paint drew dots (for tests and the legend)
        self._x, self._y = np.zeros(0), np.zeros(0)  # (n,) each: data positions
        self._style: tuple | None = None  # (symbols, brushes) as set_style got them
        self._sprites: list[QPixmap | None] = []  # (n,) each point's symbol, rendered when drawn
        self._colours: np.ndarray | None = None  # (n,) uint32 ARGB of the dots, drawing order
        self._order = np.zeros(0, np.intp)  # (n,) the dots' drawing order
        self._sprite_cache: dict[tuple, QPixmap] = {}
        self._cache_ratio = 1.0  # the device pixel ratio the cached pixmaps were drawn for
        self._bounds: QRectF | None = None  # cached boundingRect, in data coordinates
        # (x min, x max), (y min, y max) of the finite points; None when there are none
        self._data_range: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.set_style(symbol, size, brush, pen)

    # --- data -------------------------------------------------------------------------------------
    def set_style(
        self,
        symbols: SymbolLike | Sequence[SymbolLike],
        size: float,
        brushes: QBrush | Sequence[QBrush] | None = None,
        pen: QPen | None = None,
    ) -> None:
        """Symbols and brushes for the points of the next `set_positions` (single or per point).
        The same objects again (a view restyling on every snapshot) keep the rendered symbols."""
        pen = pg.mkPen(None) if pen is None else pg.mkPen(pen)
        if (
            self._style is not None
            and symbols is self._style[0]
            and brushes is self._style[1]
            and float(size) == self._size
            and pen == self._pen
        ):
            return
        self._size = float(size)
        self._pen = pen
        self._style = (symbols, brushes)  # one for all points, or a sequence of one per point
        self._sprite_cache.clear()
        self._sprites = []
        self._colours = None
        self.update()

    def set_positions(self, x: np.ndarray, y: np.ndarray) -> None:
        """Move the points to (x, y), (n,) each; the number of points may change."""
        x = np.ascontiguousarray(x, np.float64).reshape(-1)  # (n,)
        y = np.ascontiguousarray(y, np.float64).reshape(-1)
        if len(x) != len(self._x):
            self._sprites, self._colours = [], None
        self._x, self._y = x, y
        # Reductions over 1-D arrays: over an (n, 2) array's rows they cost ~10x more (60,000
        # codes: 9 ms a frame). A diverging run's codes may be inf or NaN: those are left out.
        self._data_range = None
        if len(x):
            bounds = [float(x.min()), float(x.max()), float(y.min()), float(y.max())]
            if not all(map(math.isfinite, bounds)):  # NaN or inf somewhere: a second look
                finite = np.isfinite(x) & np.isfinite(y)
                x, y = x[finite], y[finite]
                bounds = [x.min(), x.max(), y.min(), y.max()] if len(x) else None
            if bounds is not None:
                x0, x1, y0, y1 = (float(v) for v in bounds)
                self._data_range = ((x0, x1), (y0, y1))
        self.prepareGeometryChange()
        self._bounds = None
        self.informViewBoundsChanged()
        self.update()

    def setData(self, x: np.ndarray, y: np.ndarray) -> None:
        """Same as set_positions: lets a marker be moved like pyqtgraph's items."""
        self.set_positions(x, y)

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the points, (n,) each."""
        return self._x.copy(), self._y.copy()

    # --- what pyqtgraph's view box asks -----------------------------------------------------------
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None) -> tuple[float, float] | None:
        """The points' range on axis `ax` (0: x, 1: y); all points count (`frac`, `orthoRange`
        are pyqtgraph's options for outliers and clipping, not needed for glyph codes)."""
        return None if self._data_range is None else self._data_range[ax]

    def pixelPadding(self) -> float:
        """Half the diagonal of a symbol's box: how far a symbol reaches past its point."""
        return self._size / math.sqrt(2)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()
        self._bounds = None
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            (x0, x1), (y0, y1) = self._data_range or ((0.0, 0.0), (0.0, 0.0))
            px, py = self.pixelVectors()
            pad = self.pixelPadding() + 1
            wx = 0.0 if px is None else pad * px.length()
            wy = 0.0 if py is None else pad * py.length()
            self._bounds = QRectF(x0 - wx, y0 - wy, x1 - x0 + 2 * wx, y1 - y0 + 2 * wy)
        return self._bounds

    # --- painting ---------------------------------------------------------------------------------
    def _style_of(self, i: int) -> tuple[QPainterPath, QBrush]:
        symbols, brushes = self._style
        symbol = symbols if isinstance(symbols, str | QPainterPath) else symbols[i]
        brush = brushes if brushes is None or isinstance(brushes, QBrush) else brushes[i]
        return _path(symbol), QBrush() if brush is None else brush

    def _sprite(self, path: QPainterPath, brush: QBrush, ratio: float) -> QPixmap:
        key = (id(path), brush.style(), brush.color().rgba())
        sprite = self._sprite_cache.get(key)
        if sprite is None:
            side = math.ceil((self._size + self._pen.widthF() + 2) * ratio)
            sprite = QPixmap(side, side)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(ratio, ratio)
            painter.setPen(self._pen)
            painter.setBrush(brush)
            painter.drawPath(_placed(path, side / ratio / 2, side / ratio / 2, self._size))
            painter.end()
            sprite.setDevicePixelRatio(ratio)
            self._sprite_cache[key] = sprite
        return sprite

    def _colour_of(self, i: int) -> int:
        _symbols, brushes = self._style
        brush = brushes if brushes is None or isinstance(brushes, QBrush) else brushes[i]
        if brush is None or brush.style() == Qt.BrushStyle.NoBrush:
            return self._pen.color().rgba()
        return brush.color().rgba() | 0xFF000000  # opaque: dots are not blended

    def _point_colours(self, n: int) -> np.ndarray:
        """(n,) every point's colour, worked out once per brush object (60,000 points of ten
        classes share ten): per point it took 0.3-0.4 s of the GUI thread at a set's first
        paint."""
        _symbols, brushes = self._style
        if brushes is None or isinstance(brushes, QBrush):
            return np.full(n, self._colour_of(0), np.uint32)
        ids = np.fromiter(map(id, brushes), np.int64, n)  # (n,) which brush object
        _unique, first, which = np.unique(ids, return_index=True, return_inverse=True)
        colours = np.array([self._colour_of(i) for i in first.tolist()], np.uint32)
        return colours[which.ravel()]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        n = len(self._x)
        if n == 0:
            return
        device = painter.device()
        ratio = device.devicePixelRatioF()
        if ratio != self._cache_ratio:
            self._sprite_cache.clear()
            self._sprites = []
            self._cache_ratio = ratio
        t = painter.transform()  # data -> device
        side = math.ceil((self._size + self._pen.widthF() + 2) * ratio) / ratio  # a sprite's
        self.dense = self._dense_above is not None and self._count_on(t, device, side) > (
            self._dense_above
        )
        if self.dense:
            self._paint_dots(painter, t, device.width(), device.height())
            return
        x, y = self._x, self._y
        with np.errstate(invalid="ignore", over="ignore"):  # inf or NaN codes: not drawn
            left = t.m11() * x + t.m21() * y + t.dx() - side / 2  # (n,) device pixels
            top = t.m12() * x + t.m22() * y + t.dy() - side / 2
        shown = np.flatnonzero(
            (left > -side) & (left < device.width()) & (top > -side) & (top < device.height())
        )  # (k,) the points on the device: NaN compares false
        if self._exportOpts is not False:  # exporting: vector symbols
            self._paint_paths(painter)
        else:
            self._paint_sprites(painter, shown, left, top, ratio)

    def _count_on(self, t: QTransform, device, side: float) -> int:
        """How many points fall on the device (a symbol's `side` of slack): all of them, read
        off the cached data range, when the view shows every point (an auto-ranged plane)."""
        if self._data_range is None:
            return 0
        (x0, x1), (y0, y1) = self._data_range
        corners = [t.map(x, y) for x in (x0, x1) for y in (y0, y1)]
        if all(-side < c[0] < device.width() and -side < c[1] < device.height() for c in corners):
            return len(self._x)
        with np.errstate(invalid="ignore", over="ignore"):
            px = t.m11() * self._x + t.m21() * self._y + t.dx()  # (n,) device pixels
            py = t.m12() * self._x + t.m22() * self._y + t.dy()
        return int(
            np.count_nonzero(
                (px > -side) & (px < device.width()) & (py > -side) & (py < device.height())
            )
        )

    def _paint_sprites(
        self, painter: QPainter, shown: np.ndarray, left: np.ndarray, top: np.ndarray, ratio: float
    ) -> None:
        """One rendered symbol per shown point (k,) at its top-left corner left, top (n,)."""
        if len(self._sprites) != len(self._x):
            self._sprites = [None] * len(self._x)
        sprites = self._sprites
        for i in shown.tolist():
            if sprites[i] is None:
                sprites[i] = self._sprite(*self._style_of(i), ratio)
        # Whole device pixels: a sprite is drawn as rendered, and one Qt call per point instead
        # of two (PySide hands the GIL over on each call).
        xs = np.rint(left[shown]).astype(np.intp).tolist()
        ys = np.rint(top[shown]).astype(np.intp).tolist()
        painter.save()
        painter.resetTransform()
        draw = painter.drawPixmap
        for i, sx, sy in zip(shown.tolist(), xs, ys, strict=True):
            draw(sx, sy, sprites[i])
        painter.restore()

    def _paint_dots(self, painter: QPainter, t: QTransform, width: int, height: int) -> None:
        """Every point as a dot of its colour, in one image over the device (width, height).

        About twenty NumPy passes over the points a frame (each hands the GIL to the training
        thread and waits to get it back): the image has a margin of `pad` pixels round the
        device, and points off the device (or not finite) are clipped into that margin, where
        they are drawn but never seen, instead of being sorted out first."""
        n = len(self._x)
        if self._colours is None:
            self._order = draw_order(n)
            self._colours = self._point_colours(n)[self._order]  # (n,) in drawing order
        reach = max(max(abs(dx), abs(dy)) for dx, dy in self._footprint)
        pad = 2 * reach + 1
        wide, high = width + 2 * pad, height + 2 * pad
        with np.errstate(invalid="ignore", over="ignore"):  # NaN and inf become clipped ints
            # A plot's transform only scales and shifts (m12 = m21 = 0): whole pixels of the
            # image, rounded half up (floor(v + 0.5): v is >= 0 but for
            # points far off the device, which are clipped anyway).
            px = (self._x * t.m11() + (t.dx() + pad + 0.5)).astype(np.int32)  # (n,)
            py = (self._y * t.m22() + (t.dy() + pad + 0.5)).astype(np.int32)
        np.clip(px, reach, wide - 1 - reach, out=px)  # off the device: into the margin
        np.clip(py, reach, high - 1 - reach, out=py)
        at = py * wide + px  # (n,) flat index of each dot's centre
        image = points_image(at[self._order], self._colours, (wide, high), self._footprint)
        painter.save()
        painter.resetTransform()
        painter.drawImage(-pad, -pad, argb_image(image))
        painter.restore()

    def _paint_paths(self, painter: QPainter) -> None:
        t = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen)
        for i, (x, y) in enumerate(zip(self._x.tolist(), self._y.tolist(), strict=True)):
            if not (math.isfinite(x) and math.isfinite(y)):
                continue
            path, brush = self._style_of(i)
            painter.setBrush(brush)
            painter.drawPath(_placed(path, *t.map(x, y), self._size))
        painter.restore()

"""A plot of glyphs as labelled points on a plane, where a click picks the nearest glyph.

Apart from the PCA view because it knows nothing of PCA: the view puts two of them side by side,
one for PCA's plane and one for the autoencoder's codes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from gui.plots.glyph_points import GlyphPoints
from gui.plots.latent_plane import class_brushes, label_symbols, text_labels
from gui.plots.latent_scatter import PICK_RADIUS, SELECTED_PEN

LABEL_PADDING = 0.1  # of the data range, on every side


class _PickViewBox(pg.ViewBox):
    picked = Signal(QPointF)  # a left click, in view coordinates

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.picked.emit(self.mapSceneToView(ev.scenePos()))
        else:
            super().mouseClickEvent(ev)


class GlyphScatter(pg.PlotWidget):
    """Glyphs as labelled points on a plane; clicking one emits its index."""

    glyph_clicked = Signal(int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        self._view = _PickViewBox()
        # Glyph labels are drawn at a fixed pixel size around their points: the default 2 %
        # padding cut the outermost ones in half on a narrow plot.
        self._view.setDefaultPadding(LABEL_PADDING)
        super().__init__(parent, viewBox=self._view)
        self.setBackground("w")
        self.setMinimumSize(200, 200)
        self.getPlotItem().setMenuEnabled(False)
        self.set_title(title)
        self._plane = np.zeros((0, 2))
        self._labels: tuple[str, ...] = ()
        self._text_items: list[pg.TextItem] = []
        self._points = GlyphPoints()  # drawn as the latent plane draws them
        self._selected_item = GlyphPoints(symbol="o", size=30, pen=SELECTED_PEN)
        self._selected_item.setZValue(5)
        self.getPlotItem().addItem(self._points)
        self._view.addItem(self._selected_item, ignoreBounds=True)
        self._selected: int | None = None
        self._view.picked.connect(self._on_picked)

    def sizeHint(self) -> QSize:
        """A modest preferred size. A QGraphicsView's own (here 333 x 478) made the PCA tab
        ask for ~1000 pixels of height: its word-wrapped labels make the tab's scroll area size
        it to its preferred height, and the second plane ended up below the fold."""
        return QSize(300, 220)

    @property
    def plane_points(self) -> np.ndarray:
        """(n, 2) where each glyph is drawn (plot coordinates)."""
        return self._plane.copy()

    @property
    def selected(self) -> int | None:
        """The glyph marked with the selection ring, if it is on the plane."""
        return self._selected if len(self._selected_item.getData()[0]) else None

    def set_title(self, title: str) -> None:
        """A short title: pyqtgraph makes the plot at least as wide as it, and a plot wider than
        its pane is cut off on the right."""
        self.getPlotItem().setTitle(title, size="9pt", color="#333")

    def set_axis_labels(self, x: str, y: str) -> None:
        self.getPlotItem().setLabel("bottom", x)
        self.getPlotItem().setLabel("left", y)

    def set_points(self, plane: np.ndarray, labels: tuple[str, ...]) -> None:
        """Move the glyphs to `plane` (n, 2); new labels make new symbols (kept for later)."""
        if labels != self._labels:
            self._make_style(labels)
        self._plane = np.asarray(plane, np.float64)
        x, y = self._plane[:, 0], self._plane[:, 1]
        self._points.set_positions(x, y)
        for item, px, py in zip(self._text_items, x, y, strict=False):
            item.setPos(px, py)
        self.set_selected(self._selected)

    def clear_points(self) -> None:
        self._plane = np.zeros((0, 2))
        self._points.set_positions([], [])
        self._selected_item.set_positions([], [])

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        if index is None or not 0 <= index < len(self._plane):
            self._selected_item.set_positions([], [])
        else:
            self._selected_item.set_positions([self._plane[index, 0]], [self._plane[index, 1]])

    def _make_style(self, labels: tuple[str, ...]) -> None:
        """As the latent plane draws them: short labels as text symbols, classes in colours."""
        self._labels = labels
        for item in self._text_items:
            self._view.removeItem(item)
        symbols = label_symbols(labels)
        if symbols is None:
            symbols, size = "o", 7
            self._text_items = text_labels(self._view, labels)
        else:
            size = 12 if len(labels) > 200 else 20
            self._text_items = []
        brushes = class_brushes(labels)
        self._points.set_style(symbols, size, brushes)

    @Slot(QPointF)
    def _on_picked(self, point: QPointF) -> None:
        if not len(self._plane):
            return
        px, py = self._view.viewPixelSize()  # plot units per screen pixel
        distance = np.hypot(
            (self._plane[:, 0] - point.x()) / px, (self._plane[:, 1] - point.y()) / py
        )
        index = int(np.argmin(distance))
        if distance[index] <= PICK_RADIUS:
            self.glyph_clicked.emit(index)

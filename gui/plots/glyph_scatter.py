"""A plot of glyphs as labelled points on a plane, where a click picks the nearest glyph.

Apart from the PCA view because it knows nothing of PCA: the view puts two of them side by side,
one for PCA's plane and one for the autoencoder's codes. Drawn as the latent plane draws its
points: classes in colours with a legend, more than DENSE_ABOVE points on screen as dots in one
image, and a bounded number of text labels (gui.plots.latent_plane.label_mode) placed beside
their points at most five times a second.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from gui.plots.class_legend import ClassLegend
from gui.plots.glyph_points import GlyphPoints
from gui.plots.label_layout import label_anchors, place_labels
from gui.plots.latent_plane import (
    class_brushes,
    class_centres,
    class_colours,
    class_index,
    class_names,
    label_mode,
    label_symbols,
)
from gui.plots.latent_scatter import (
    DENSE_ABOVE,
    DOT_SIZE,
    LABEL_GAP,
    LABEL_INTERVAL_MS,
    PICK_RADIUS,
    SELECTED_PEN,
    SELECTED_SIZE,
)
from gui.plots.word_labels import WordLabels

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
        self._mode: str | None = None  # which text labels: label_mode's answer
        self._classes: tuple[str, ...] = ()
        self._class_of = np.zeros(0, np.intp)  # (n,) each glyph's class
        self._label_points = np.zeros((0, 2))  # (m, 2) where each text label's point is
        self._texts = WordLabels(self._view)  # every text label, in one item
        self._legend = ClassLegend(self._view)
        self._label_timer = QTimer(self, singleShot=True, interval=LABEL_INTERVAL_MS)
        self._label_timer.timeout.connect(self.place_labels)
        self._view.sigRangeChanged.connect(self._schedule_labels)
        self._view.sigResized.connect(self._schedule_labels)
        self._points = GlyphPoints(dense_above=DENSE_ABOVE)  # as the latent plane draws them
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
    def legend_entries(self) -> list[tuple[str, object]]:
        """(class name, QColor) of each legend entry; empty when the labels are not classes."""
        return self._legend.entries if self._legend.isVisible() else []

    def label_rects(self) -> list:
        """Each text label's rectangle in scene pixels, None where hidden (for tests)."""
        return [None if r is None else self._texts.mapRectToScene(r) for r in self._texts.rects()]

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
        if self._mode == "words":
            self._label_points = self._plane
            self._texts.set_points(self._label_points)
        self.set_selected(self._selected)
        self._schedule_labels()  # class labels move to their centres when placed

    def clear_points(self) -> None:
        self._plane = np.zeros((0, 2))
        self._points.set_positions([], [])
        self._selected_item.set_positions([], [])
        self._label_points = np.full((len(self._label_points), 2), np.nan)
        self._texts.set_points(self._label_points)

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        if index is None or not 0 <= index < len(self._plane):
            self._selected_item.set_positions([], [])
        else:
            self._selected_item.set_positions([self._plane[index, 0]], [self._plane[index, 1]])
        self._schedule_labels()

    def _make_style(self, labels: tuple[str, ...]) -> None:
        """As the latent plane draws them: short labels as text symbols, classes in colours and
        a legend, long labels (or class names) as text beside the points."""
        self._labels = labels
        symbols = label_symbols(labels)
        if symbols is None:
            symbols, size = "o", DOT_SIZE
        else:
            size = 12 if len(labels) > 200 else 20
        self._classes = class_names(labels) or ()
        self._class_of = class_index(labels, self._classes) if self._classes else self._class_of
        self._legend.set_classes(self._classes, class_colours(len(self._classes)))
        self._mode = label_mode(labels)
        texts = {"words": labels, "classes": self._classes}.get(self._mode, ())
        self._texts.set_texts(texts, boxed=self._mode == "classes")
        self._label_points = np.full((len(texts), 2), np.nan)
        self._points.set_style(symbols, size, class_brushes(labels))

    def _schedule_labels(self) -> None:
        if self._mode is not None and not self._label_timer.isActive():
            self._label_timer.start()

    @Slot()
    def place_labels(self) -> None:
        """Each text label beside its point, clear of the others, the selection ring and (for
        word labels) the other points' dots; labels with no room are hidden."""
        if self._mode == "classes" and len(self._plane) == len(self._class_of):
            self._label_points = class_centres(self._plane, self._class_of, len(self._classes))
            self._texts.set_points(self._label_points)
        n = len(self._label_points)
        if self._mode is None or n == 0:
            return
        view = self._view
        screen = np.array(
            [self._to_pixels(view, x, y) for x, y in self._label_points.tolist()]
        ).reshape(-1, 2)  # (m, 2)
        avoid = []
        if self.selected is not None:
            x, y = self._to_pixels(view, *self._plane[self.selected])
            half = SELECTED_SIZE / 2
            avoid.append([x - half, y - half, x + half, y + half])
        if self._mode == "words":
            finite = screen[np.isfinite(screen).all(axis=1)]
            avoid.extend(np.concatenate([finite - DOT_SIZE / 2, finite + DOT_SIZE / 2], 1))
        sizes = self._texts.sizes
        gaps = np.full(n, float(LABEL_GAP))
        place = place_labels(screen, sizes, gaps, np.array(avoid).reshape(-1, 4))
        self._texts.set_layout(label_anchors(sizes, gaps, place), place >= 0)

    @staticmethod
    def _to_pixels(view: pg.ViewBox, x: float, y: float) -> tuple[float, float]:
        """A plane point -> the view box's pixels (y down); NaN stays NaN."""
        if not (np.isfinite(x) and np.isfinite(y)):
            return np.nan, np.nan
        point = view.childTransform().map(QPointF(x, y))
        return point.x(), point.y()

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

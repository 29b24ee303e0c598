"""Every word label of the latent plane in one graphics item.

One `pg.TextItem` per label cost the emoji VAE's window ~10 ms a repaint (32 items moved at every
snapshot, each with its own bounding-rect and transform work; docs/window_speed.md). This item
keeps the labels as arrays and paints them all in one call: a snapshot moves them with one
`set_points`, the label timer places them with one `set_layout` (anchors from
gui.plots.label_layout), and a pan or zoom needs nothing, as the data-to-pixel transform is read
at paint time.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui.plots.latent_plane import INK

MARGIN = 2.0  # pixels of room around each label's text, as a TextItem's box had
ABOVE = (0.5, 1.15)  # the anchor of a label not placed yet: centred above its point
BOX_BRUSH = QBrush(QColor(255, 255, 255))  # behind boxed labels (opaque: cheaper to fill)


class WordLabels(QGraphicsItem):
    """Labels drawn at points of a ViewBox (data coordinates), each with an anchor: the fraction
    of its box that sits on its point, as pyqtgraph's TextItem takes it."""

    def __init__(self, view: pg.ViewBox) -> None:
        super().__init__(view)  # a child of the box, not of its scaled group: pixels stay pixels
        self._view = view
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the plane
        self.setZValue(10)  # over the points and markers, as the text items were
        self._font = QFont()
        self._metrics = QFontMetricsF(self._font)
        self._texts: list[str] = []
        self._sizes = np.zeros((0, 2))  # (n, 2) width, height in pixels
        self._points = np.zeros((0, 2))  # (n, 2) data coordinates
        self._anchors = np.zeros((0, 2))  # (n, 2)
        self._shown = np.zeros(0, bool)  # (n,)
        self._boxed = False
        view.sigResized.connect(self._on_view_resized)
        view.sigTransformChanged.connect(self._on_view_moved)  # panned or zoomed: repaint

    # --- what the scatter calls -------------------------------------------------------------------
    def set_texts(self, texts: list[str] | tuple[str, ...], boxed: bool = False) -> None:
        """New labels (a new set): all shown above their points until placed. `boxed` labels
        are bold on a white box, to be read over a cloud of coloured points (class names)."""
        self._boxed = bool(boxed)
        self._font.setBold(self._boxed)
        self._metrics = QFontMetricsF(self._font)
        self._texts = list(texts)
        self._sizes = np.array(
            [
                [
                    self._metrics.horizontalAdvance(t) + 2 * MARGIN,
                    self._metrics.height() + 2 * MARGIN,
                ]
                for t in self._texts
            ]
        ).reshape(-1, 2)
        n = len(self._texts)
        self._points = np.full((n, 2), np.nan)
        self._anchors = np.tile(ABOVE, (n, 1)).astype(float)
        self._shown = np.ones(n, bool)
        self.update()

    @property
    def sizes(self) -> np.ndarray:
        """(n, 2) each label's width and height in pixels."""
        return self._sizes.copy()

    @property
    def points(self) -> np.ndarray:
        """(n, 2) where the labels' points are, data coordinates."""
        return self._points.copy()

    def set_points(self, points: np.ndarray) -> None:
        """Move the labels with their points (n, 2), data coordinates: one call a snapshot."""
        self._points = np.asarray(points, np.float64).reshape(-1, 2)
        self.update()

    def set_layout(self, anchors: np.ndarray, shown: np.ndarray) -> None:
        """Each label's anchor (n, 2) and whether it shows (n,) (label_layout's placement)."""
        self._anchors = np.asarray(anchors, np.float64).reshape(-1, 2)
        self._shown = np.asarray(shown, bool).reshape(-1)
        self.update()

    def rects(self) -> list[QRectF | None]:
        """Each label's box in this item's pixels, None where hidden or off the numbers."""
        top_left = self._top_left()
        found: list[QRectF | None] = []
        for i, (x, y) in enumerate(top_left.tolist()):
            ok = self._shown[i] and np.isfinite(x) and np.isfinite(y)
            found.append(QRectF(x, y, *self._sizes[i]) if ok else None)
        return found

    # --- painting ---------------------------------------------------------------------------------
    def _top_left(self) -> np.ndarray:
        """(n, 2) each label's top-left corner in this item's pixels."""
        n = len(self._texts)
        if n == 0 or len(self._points) != n or len(self._anchors) != n or len(self._shown) != n:
            return np.full((n, 2), np.nan)
        t = self._view.childTransform()  # data -> the box's pixels: scale and shift
        x, y = self._points[:, 0], self._points[:, 1]
        with np.errstate(invalid="ignore", over="ignore"):
            pixels = np.column_stack(
                [t.m11() * x + t.m21() * y + t.m31(), t.m12() * x + t.m22() * y + t.m32()]
            )  # (n, 2)
            return pixels - self._anchors * self._sizes

    def boundingRect(self) -> QRectF:
        return self._view.boundingRect()  # labels off the box are clipped by it

    def paint(
        self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None
    ) -> None:
        painter.setFont(self._font)
        centre = Qt.AlignmentFlag.AlignCenter
        for rect, text in zip(self.rects(), self._texts, strict=True):
            if rect is not None:
                if self._boxed:
                    painter.fillRect(rect, BOX_BRUSH)
                painter.setPen(QPen(INK))
                painter.drawText(rect, centre, text)

    def _on_view_moved(self, _view: object) -> None:
        self.update()

    def _on_view_resized(self) -> None:
        self.prepareGeometryChange()
        self.update()

"""The legend of a plane whose points are coloured by class: a dot and a name per class.

One item, a child of the view box (so it stays put in a corner while the plot pans and zooms),
drawn once into a pixmap that every repaint of the plane (30 a second while training) copies in
one call. Clicks pass through it to the plane; exports draw it as text.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui.plots.latent_plane import INK

DOT = 9.0  # pixels: the diameter of each class's dot
PAD = 5.0  # pixels around the entries and between dot and name
ROWS_PER_COLUMN = 10  # more classes than this are set in two columns
CORNER = 8.0  # pixels from the view box's top-right corner
BOX_BRUSH = QBrush(QColor(255, 255, 255))  # opaque: a translucent fill cost ~1.5 ms a paint
BOX_PEN = QPen(QColor(170, 170, 170))


class ClassLegend(QGraphicsItem):
    """Class names with their colours in the top-right corner of a view box; hidden when empty."""

    def __init__(self, view: pg.ViewBox) -> None:
        super().__init__(view)
        self._view = view
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(20)  # over the points, markers and labels
        self._font = QFont()
        self._font.setPointSizeF(self._font.pointSizeF() * 0.9)
        self._metrics = QFontMetricsF(self._font)
        self._names: tuple[str, ...] = ()
        self._colours: list[QColor] = []
        self._size = (0.0, 0.0)
        self._column = 0.0
        self._pixmap: QPixmap | None = None  # the legend as drawn, made when first painted
        self.setVisible(False)
        view.sigResized.connect(self._on_view_resized)

    @property
    def entries(self) -> list[tuple[str, QColor]]:
        """(name, colour) of each class shown, in order."""
        return list(zip(self._names, self._colours, strict=True))

    def set_classes(self, names: tuple[str, ...], colours: list[QColor]) -> None:
        """Show these classes (in this order), or nothing for an empty tuple."""
        self.prepareGeometryChange()
        self._names, self._colours = tuple(names), list(colours)
        columns = 1 if len(names) <= ROWS_PER_COLUMN else 2
        rows = -(-len(names) // columns)
        widest = max((self._metrics.horizontalAdvance(name) for name in names), default=0.0)
        self._column = DOT + PAD + widest + 2 * PAD
        line = max(self._metrics.height(), DOT + 2)
        self._size = (columns * self._column + PAD, rows * line + 2 * PAD)
        self._pixmap = None
        self.setVisible(bool(names))
        self._on_view_resized()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, *self._size)

    def paint(
        self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None
    ) -> None:
        if not isinstance(painter.device(), QWidget):  # an export (SVG, PNG): draw it for real
            self._draw(painter)
            return
        ratio = QGuiApplication.instance().devicePixelRatio()
        if self._pixmap is None or self._pixmap.devicePixelRatio() != ratio:
            width, height = (max(1, int(v * ratio + 1)) for v in self._size)
            self._pixmap = QPixmap(width, height)
            self._pixmap.setDevicePixelRatio(ratio)
            self._pixmap.fill(Qt.GlobalColor.transparent)
            cache = QPainter(self._pixmap)
            self._draw(cache)
            cache.end()
        painter.drawPixmap(QPointF(0, 0), self._pixmap)

    def _draw(self, painter: QPainter) -> None:
        box = self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5)
        painter.fillRect(box, BOX_BRUSH)
        painter.setPen(BOX_PEN)
        painter.drawRect(box)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        line = max(self._metrics.height(), DOT + 2)
        rows = -(-len(self._names) // (1 if len(self._names) <= ROWS_PER_COLUMN else 2))
        for i, (name, colour) in enumerate(self.entries):
            x = PAD + (i // rows) * self._column
            y = PAD + (i % rows) * line
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x + DOT / 2, y + line / 2), DOT / 2, DOT / 2)
            painter.setPen(INK)
            text = QRectF(x + DOT + PAD, y, self._column - DOT - PAD, line)
            painter.drawText(text, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)

    def _on_view_resized(self) -> None:
        box = self._view.boundingRect()
        self.setPos(box.right() - self._size[0] - CORNER, box.top() + CORNER)

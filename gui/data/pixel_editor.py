"""A large grid of square cells for drawing the current glyph of a GlyphSet with the mouse.

Left drag paints ink, right drag erases. The editor only writes to the GlyphSet and repaints when
the set says something changed, so undo, the gallery and other views stay in step for free.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.data.glyph_pixmap import glyph_image
from gui.data.glyph_set import GlyphSet

GRID_COLOUR = QColor(170, 170, 170)
BORDER_COLOUR = QColor(90, 90, 90)
_BUTTON_VALUES = {Qt.MouseButton.LeftButton: 1.0, Qt.MouseButton.RightButton: 0.0}
_SAMPLES_PER_CELL = (
    4  # points tested per cell length along a drag segment: no gaps, even diagonally
)


class PixelEditor(QWidget):
    """Shows the current glyph cell by cell; a drag sets every cell it passes as one undo step."""

    def __init__(self, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._glyphs = glyph_set
        self._value: float | None = None  # the value being painted while a mouse button is down
        self._button = Qt.MouseButton.NoButton
        self._glyph = -1  # the glyph the current drag paints on
        self._last = QPointF()
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Left-drag paints ink, right-drag erases. Each drag is one undo step.")
        glyph_set.current_changed.connect(self._on_current_changed)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_reset)

    def sizeHint(self) -> QSize:
        """Room for ~40 px cells of a 5x7 glyph: the gallery above it gets the rest."""
        return QSize(240, 240)

    # ---- geometry --------------------------------------------------------------------------

    def _grid(self) -> tuple[int, int, int]:
        """(cell size, left, top) in widget pixels: the largest whole-pixel square cells."""
        columns, rows = self._glyphs.width, self._glyphs.height
        cell = max(1, min((self.width() - 1) // columns, (self.height() - 1) // rows))
        return cell, (self.width() - cell * columns) // 2, (self.height() - cell * rows) // 2

    def cell_center(self, row: int, col: int) -> QPoint:
        """The widget point in the middle of cell (row, col), e.g. for a test to click it."""
        cell, left, top = self._grid()
        return QPoint(left + col * cell + cell // 2, top + row * cell + cell // 2)

    def _cells_along(self, start: QPointF, end: QPointF) -> list[tuple[int, int]]:
        """Cells under the segment start -> end, in order, each once; cells off the grid dropped."""
        cell, left, top = self._grid()
        x0, y0 = (start.x() - left) / cell, (start.y() - top) / cell  # in cell units
        x1, y1 = (end.x() - left) / cell, (end.y() - top) / cell
        steps = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0)) * _SAMPLES_PER_CELL))
        cells: list[tuple[int, int]] = []
        for k in range(steps + 1):
            t = k / steps
            row, col = math.floor(y0 + t * (y1 - y0)), math.floor(x0 + t * (x1 - x0))
            inside = 0 <= row < self._glyphs.height and 0 <= col < self._glyphs.width
            if inside and (row, col) not in cells:
                cells.append((row, col))
        return cells

    # ---- drawing ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        columns, rows = self._glyphs.width, self._glyphs.height
        cell, left, top = self._grid()
        grid = QRect(left, top, cell * columns, cell * rows)
        painter = QPainter(self)
        # No smooth transform: each glyph pixel becomes one flat square cell.
        painter.drawImage(grid, glyph_image(self._glyphs.image(self._glyphs.current)))
        if cell >= 4:  # thinner cells would be all grid line
            painter.setPen(QPen(GRID_COLOUR, 0))
            for col in range(1, columns):
                x = left + col * cell
                painter.drawLine(x, top, x, grid.bottom())
            for row in range(1, rows):
                y = top + row * cell
                painter.drawLine(left, y, grid.right(), y)
        painter.setPen(QPen(BORDER_COLOUR, 0))
        painter.drawRect(grid)  # a stroked QRect is one pixel wider: the last grid line
        painter.end()

    # ---- painting with the mouse -------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        value = _BUTTON_VALUES.get(event.button())
        if value is None or self._value is not None:
            super().mousePressEvent(event)
            return
        self._value, self._button, self._glyph = value, event.button(), self._glyphs.current
        self._glyphs.begin_stroke(self._glyph)
        self._last = event.position()
        self._paint(self._last, self._last)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._value is None:
            super().mouseMoveEvent(event)
            return
        self._paint(self._last, event.position())
        self._last = event.position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._value is None or event.button() != self._button:
            super().mouseReleaseEvent(event)
            return
        self._paint(self._last, event.position())
        self._end_stroke()

    def _paint(self, start: QPointF, end: QPointF) -> None:
        for row, col in self._cells_along(start, end):
            self._glyphs.set_pixel(self._glyph, row, col, self._value)

    def _end_stroke(self) -> None:
        if self._value is not None:
            self._value = None
            self._glyphs.end_stroke()

    # ---- following the glyph set -------------------------------------------------------------

    def _on_current_changed(self, index: int) -> None:
        if index != self._glyph:
            self._end_stroke()  # never carry a drag over to another glyph
        self.update()

    def _on_glyph_changed(self, index: int) -> None:
        if index == self._glyphs.current:
            self.update()

    def _on_glyphs_reset(self) -> None:
        self._end_stroke()  # the glyph being painted may have moved or gone
        self.update()

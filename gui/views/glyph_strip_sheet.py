"""Strips of pictures per glyph (e.g. input | output | errors) in wrapping rows, drawn from one
atlas image: numpy builds it in a few milliseconds and only the cells on screen are painted, so
1797 digits stay as quick as 32 letters. Shared by the Reconstructions and Denoising tabs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from engine.metrics import THRESHOLD
from gui.data.glyph_pixmap import CORRECT_BACKGROUND, CORRECT_INK, EXTRA_INK, MISSING_INK

GLYPH_SIDE = (40, 24)  # screen pixels a glyph's longer side aims for: small sets, large sets
LARGE_SET = 200  # sets with more glyphs than this get the smaller cells
PAD = 5  # pixels around a strip inside its cell
FLAGGED = QColor(190, 30, 30)  # caption of a glyph with wrong pixels
QUIET = QColor(90, 90, 90)
SELECTED = QColor(255, 214, 120)
FRAME = QColor(200, 200, 200)


def ink_rgb(images: np.ndarray) -> np.ndarray:
    """(n, h, w) in [0, 1] -> (n, h, w, 3) uint8: ink dark on white, as gui.data.glyph_pixmap draws."""
    grey = np.rint(255.0 * (1.0 - np.clip(images, 0.0, 1.0))).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=-1)


def error_rgb(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The colours of gui.data.glyph_pixmap.error_pixmap for a whole set.  (n, h, w) x 2 -> (n, h, w, 3)"""
    palette = np.array([CORRECT_BACKGROUND, MISSING_INK, EXTRA_INK, CORRECT_INK], np.uint8)
    kind = (target >= THRESHOLD).astype(np.intp) + 2 * (output >= THRESHOLD)  # (n, h, w) 0..3
    return palette[kind]


class GlyphStripSheet(QAbstractScrollArea):
    """One strip of panels per glyph (e.g. input | output | errors) in wrapping rows, with a
    caption under each. Clicking a strip emits its glyph index."""

    glyph_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._atlas = QImage()  # row block i (glyph height rows) holds glyph i's strip
        self._glyph = QSize()  # one glyph in glyph pixels
        self._panels = 0
        self._scale = 1
        self._caption: Callable[[int], str] = str
        self._tip: Callable[[int], str] = str
        self._flagged = np.zeros(0, bool)
        self._order = np.zeros(0, int)  # cell position -> glyph index
        self._position = np.zeros(0, int)  # glyph index -> cell position
        self._selected: int | None = None
        self.viewport().setAutoFillBackground(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    # --- content -----------------------------------------------------------------------------
    def set_strips(
        self,
        panels: Sequence[np.ndarray],
        flagged: np.ndarray,
        caption: Callable[[int], str],
        tip: Callable[[int], str],
    ) -> None:
        """`panels`: (n, h, w, 3) uint8 pictures per glyph, drawn left to right with a gap;
        `flagged` (n,) bool paints a caption red. `caption(i)` and `tip(i)` (the hover text) are
        asked only for glyphs on screen, so 1797 glyphs cost no 1797 strings per refresh."""
        n, h, w, _ = panels[0].shape
        gap = np.full((n, h, 1, 3), 255, np.uint8)
        strips = np.concatenate([p for panel in panels for p in (gap, panel)][1:], axis=2)
        strips = np.ascontiguousarray(strips.reshape(n * h, -1, 3))  # (n h, W, 3)
        rows, width = strips.shape[:2]
        fmt = QImage.Format.Format_RGB888
        self._atlas = QImage(strips.tobytes(), width, rows, 3 * width, fmt).copy()
        side = GLYPH_SIDE[0] if n <= LARGE_SET else GLYPH_SIDE[1]
        self._scale = max(2, side // max(h, w))
        self._glyph, self._panels = QSize(w, h), len(panels)
        self._caption, self._tip = caption, tip
        self._flagged = np.asarray(flagged, bool)
        if len(self._order) != n:
            self.set_order(np.arange(n))
        self._update_scroll_range()
        self.viewport().update()

    def clear(self) -> None:
        self._atlas = QImage()
        self._order = self._position = np.zeros(0, int)
        self._update_scroll_range()
        self.viewport().update()

    def set_order(self, order: np.ndarray) -> None:
        """Which glyph each cell shows, first cell first (e.g. worst glyphs first)."""
        self._order = np.asarray(order, int)
        self._position = np.empty_like(self._order)
        self._position[self._order] = np.arange(len(self._order))
        self.viewport().update()

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self.viewport().update()

    @property
    def count(self) -> int:
        return len(self._order)

    # --- geometry ----------------------------------------------------------------------------
    def _strip_size(self) -> QSize:
        w, h, p, s = self._glyph.width(), self._glyph.height(), self._panels, self._scale
        return QSize((p * w + p - 1) * s, h * s)

    def _cell_size(self) -> QSize:
        strip = self._strip_size()
        width = max(strip.width(), self.fontMetrics().horizontalAdvance("00000000")) + 2 * PAD
        height = strip.height() + self.fontMetrics().height() + 2 * PAD
        return QSize(width, height)

    def _columns(self) -> int:
        return max(1, self.viewport().width() // max(1, self._cell_size().width()))

    def cell_rect(self, index: int) -> QRect:
        """Where glyph `index` is drawn, in viewport coordinates (it may be scrolled away)."""
        position = int(self._position[index])
        columns, cell = self._columns(), self._cell_size()
        width = self.viewport().width() // columns  # spread the spare width over the columns
        row, column = divmod(position, columns)
        top = row * cell.height() - self.verticalScrollBar().value()
        return QRect(column * width, top, width, cell.height())

    def index_at(self, x: int, y: int) -> int | None:
        """The glyph drawn at viewport pixel (x, y), or None."""
        if not self.count or x < 0 or y < 0:
            return None
        columns, cell = self._columns(), self._cell_size()
        column = x // (self.viewport().width() // columns)
        row = (y + self.verticalScrollBar().value()) // cell.height()
        position = row * columns + column
        return int(self._order[position]) if column < columns and position < self.count else None

    def ensure_visible(self, index: int) -> None:
        rect = self.cell_rect(index)
        bar = self.verticalScrollBar()
        if rect.top() < 0:
            bar.setValue(bar.value() + rect.top())
        elif rect.bottom() >= self.viewport().height():  # bottom(): the last row inside
            bar.setValue(bar.value() + rect.bottom() + 1 - self.viewport().height())

    def _update_scroll_range(self) -> None:
        rows = math.ceil(self.count / self._columns())
        total = rows * self._cell_size().height()
        bar, page = self.verticalScrollBar(), self.viewport().height()
        bar.setRange(0, max(0, total - page))
        bar.setPageStep(page)
        bar.setSingleStep(max(1, self._cell_size().height() // 3))

    # --- Qt events ---------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scroll_range()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        index = self.index_at(point.x(), point.y())
        if event.button() == Qt.MouseButton.LeftButton and index is not None:
            self.glyph_clicked.emit(index)
        else:
            super().mousePressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            index = self.index_at(event.pos().x(), event.pos().y())
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._tip(index), self.viewport())
            return True
        return super().viewportEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.count:
            return
        painter = QPainter(self.viewport())
        columns, cell = self._columns(), self._cell_size()
        value = self.verticalScrollBar().value()
        first = max(0, (event.rect().top() + value) // cell.height() * columns)
        last = min(self.count, ((event.rect().bottom() + value) // cell.height() + 1) * columns)
        strip = self._strip_size()
        w, h, s = self._glyph.width(), self._glyph.height(), self._scale
        metrics = self.fontMetrics()
        for position in range(first, last):
            index = int(self._order[position])
            rect = self.cell_rect(index)
            if index == self._selected:
                painter.fillRect(rect.adjusted(1, 1, -1, -1), SELECTED)
            left = rect.left() + (rect.width() - strip.width()) // 2
            top = rect.top() + PAD
            source = QRectF(0, index * h, self._atlas.width(), h)
            painter.drawImage(QRectF(left, top, strip.width(), strip.height()), self._atlas, source)
            painter.setPen(QPen(FRAME))
            for panel in range(self._panels):
                painter.drawRect(left + panel * (w + 1) * s - 1, top - 1, w * s + 1, h * s + 1)
            painter.setPen(FLAGGED if self._flagged[index] else QUIET)
            caption = QRect(rect.left() + 2, top + strip.height(), rect.width() - 4, cell.height())
            text = metrics.elidedText(
                self._caption(index), Qt.TextElideMode.ElideRight, caption.width()
            )
            painter.drawText(
                caption, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text
            )
        painter.end()

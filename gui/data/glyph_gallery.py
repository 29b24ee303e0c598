"""Every glyph of a GlyphSet as a thumbnail with its label; clicking one makes it current.

A list model with thumbnails drawn lazily and cached per glyph keeps 60,000 MNIST digits as fast
as 32 letters: only visible thumbnails are ever drawn, an edit redraws just the glyph it touched,
and the cache keeps the most recently shown MAX_THUMBNAILS, so scrolling through a large set
does not keep a pixmap of every image.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from gui.data.glyph_pixmap import glyph_pixmap
from gui.data.glyph_set import GlyphSet

THUMBNAIL_SIDE = 40  # pixels the longer side of a thumbnail aims for, at a whole-pixel scale
MAX_THUMBNAILS = 4096  # pixmaps kept (28x28: ~3 KB each); more than a few screens' worth
LAYOUT_BATCH = 1000  # items laid out per event (~4 ms each); 60,000 take ~0.2 s in all
LABEL_WIDTH = (44, 96)  # a grid cell is as wide as the longest label, within these pixels
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invalid index: a list's rows hang under it


class GlyphListModel(QAbstractListModel):
    """The glyphs of a GlyphSet as list rows: label as text, thumbnail as decoration."""

    def __init__(self, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._glyphs = glyph_set
        self._thumbnails: OrderedDict[int, QPixmap] = OrderedDict()  # least recently shown first
        self.item_size = QSize()  # one size for every item, set by the view; invalid: Qt decides
        self._rows = len(glyph_set)  # Qt asks ~4 times per row while laying out: no Python call
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_reset)

    def scale(self) -> int:
        """Screen pixels per glyph pixel in a thumbnail."""
        return max(1, THUMBNAIL_SIDE // max(self._glyphs.width, self._glyphs.height))

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._rows

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._glyphs.label(row)
        if role == Qt.ItemDataRole.DecorationRole:
            pixmap = self._thumbnails.get(row)
            if pixmap is None:
                pixmap = glyph_pixmap(self._glyphs.image(row), self.scale())
                self._thumbnails[row] = pixmap
                if len(self._thumbnails) > MAX_THUMBNAILS:
                    self._thumbnails.popitem(last=False)
            else:
                self._thumbnails.move_to_end(row)
            return pixmap
        if role == Qt.ItemDataRole.SizeHintRole and self.item_size.isValid():
            return self.item_size
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Glyph {row}: {self._glyphs.label(row)}"
        return None

    def _on_glyph_changed(self, row: int) -> None:
        self._thumbnails.pop(row, None)
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _on_glyphs_reset(self) -> None:
        self.beginResetModel()
        self._thumbnails.clear()
        self._rows = len(self._glyphs)
        self.endResetModel()


class GlyphGallery(QListView):
    """Thumbnails in wrapping rows; the selection follows GlyphSet.current and sets it."""

    def __init__(self, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._scroll_pending = False  # the current glyph is not laid out yet: scroll once it is
        self._glyphs = glyph_set
        self._model = GlyphListModel(glyph_set, self)
        self.setModel(self._model)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # lays out 1797 items without asking each one its size
        # 60,000 items laid out in one go froze the window ~0.3 s; in batches between events,
        # each a few ms. A set of up to LAYOUT_BATCH glyphs still lays out at once.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSpacing(2)
        self.setToolTip("Click a glyph to edit it")
        self._fit_to_glyph_size()
        self.selectionModel().currentChanged.connect(self._on_view_current_changed)
        glyph_set.current_changed.connect(self._on_current_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_reset)
        self._on_current_changed(glyph_set.current)

    def _fit_to_glyph_size(self) -> None:
        scale = self._model.scale()
        icon = QSize(self._glyphs.width * scale, self._glyphs.height * scale)
        self.setIconSize(icon)
        metrics = self.fontMetrics()
        labels = set(self._glyphs.labels)  # 60,000 MNIST digits have ten
        longest = max(metrics.horizontalAdvance(label) for label in labels)
        text_width = min(max(longest, LABEL_WIDTH[0]), LABEL_WIDTH[1])
        # Every item as wide as the longest label, so the view's uniform size elides none of them.
        item = QSize(max(icon.width(), text_width) + 8, icon.height() + metrics.height() + 8)
        self._model.item_size = item
        self.setGridSize(item + QSize(6, 4))

    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._glyphs.set_current(current.row())  # no-op (and no signal) when already current

    def _on_current_changed(self, row: int) -> None:
        index = self._model.index(row)
        if index.isValid() and index != self.currentIndex():
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.selectionModel().setCurrentIndex(index, flags)
            self._scroll_to_current()

    def _scroll_to_current(self) -> None:
        index = self.currentIndex()
        self.scrollTo(index)
        # A row the batched layout has not reached yet has no place (an invalid rect) to scroll to.
        placed = self.viewport().rect().intersects(self.visualRect(index))
        self._scroll_pending = index.isValid() and not placed

    def updateGeometries(self) -> None:
        """Qt's call when a layout ends (and on resizes): scroll to a current glyph placed late."""
        super().updateGeometries()
        if self._scroll_pending:
            self._scroll_to_current()

    def _on_glyphs_reset(self) -> None:
        # The model (connected first) has already reset; sizes may differ for a new set.
        self._fit_to_glyph_size()
        self._on_current_changed(self._glyphs.current)

"""The table that scores every glyph twice, PCA's reconstruction beside the autoencoder's.

A module of its own because the model (numpy sorting, summary rows pinned to the bottom, lazy
thumbnails) does not depend on the PCA view's planes or its background fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPixmap

from engine.data.datasets import Dataset
from engine.pca import PCAComparison
from gui.data.glyph_pixmap import glyph_pixmap

COLUMNS = ("glyph", "PCA\nwrong\npixels", "AE\nwrong\npixels", "PCA\nMSE", "AE\nMSE")
COLUMN_TIPS = (
    "The glyph (click a title to sort)",
    "Wrong pixels of PCA's reconstruction: output and glyph differ at 0.5",
    "Wrong pixels of the autoencoder's reconstruction",
    "PCA's mean squared error over the glyph's pixels",
    "The autoencoder's mean squared error over the glyph's pixels",
)
SUMMARIES = ("max", "total", "mean")
BETTER, WORSE = QColor(20, 130, 40), QColor(190, 30, 30)
SUMMARY_BACKGROUND = QColor(236, 236, 236)
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invalid index: a table's rows hang under it


class ComparisonTableModel(QAbstractTableModel):
    """One row per glyph (PCA and AE wrong pixels and MSE), then the max, total and mean rows.

    The model sorts itself with numpy (QTableView calls `sort`), so 1797 rows re-sort in well
    under a millisecond on every snapshot, and the summary rows always stay at the bottom.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self._values = np.zeros((0, 4))  # (n + 3, 4): pca wrong, ae wrong, pca mse, ae mse
        self._order = np.zeros(0, int)  # table row -> glyph index
        self._rows = np.zeros(0, int)  # glyph index -> table row
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._thumbnails: dict[int, QPixmap] = {}

    @property
    def glyph_count(self) -> int:
        return len(self._order)

    def values(self) -> np.ndarray:
        """(n + 3, 4) by glyph index, then max, total, mean: what the table shows."""
        return self._values.copy()

    def glyph_at(self, row: int) -> int | None:
        """The glyph a table row shows; None for a summary row."""
        return int(self._order[row]) if 0 <= row < len(self._order) else None

    def row_of(self, glyph: int) -> int:
        return int(self._rows[glyph])

    def set_comparison(self, dataset: Dataset | None, comparison: PCAComparison | None) -> None:
        if comparison is None or dataset is None:
            self.beginResetModel()
            self._dataset, self._values, self._thumbnails = None, np.zeros((0, 4)), {}
            self._set_order(np.zeros(0, int))
            self.endResetModel()
            return
        pca = comparison.pca
        rows = np.column_stack([pca.wrong, comparison.ae_wrong, pca.mse, comparison.ae_mse])
        summary = np.vstack([rows.max(axis=0), rows.sum(axis=0), rows.mean(axis=0)])
        values = np.vstack([rows, summary]).astype(np.float64)
        if dataset is self._dataset:  # the same rows: keep the selection and the scroll
            self._values = values
            self._resort()
            top, bottom = self.index(0, 2), self.index(len(values) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(top, bottom)
            return
        self.beginResetModel()
        self._dataset, self._values, self._thumbnails = dataset, values, {}
        self._set_order(self._sorted_order())
        self.endResetModel()

    # --- sorting ------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order) if column >= 0 else None
        self._resort()

    def _sorted_order(self) -> np.ndarray:
        n = len(self._values) - len(SUMMARIES) if len(self._values) else 0
        if self._sort is None or n == 0:
            return np.arange(n)
        column, order = self._sort
        keys = np.array(self._dataset.labels) if column == 0 else self._values[:n, column - 1]
        ranked = np.argsort(keys, kind="stable")
        return ranked[::-1] if order == Qt.SortOrder.DescendingOrder else ranked

    def _resort(self) -> None:
        order = self._sorted_order()
        if np.array_equal(order, self._order):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        glyphs = [self.glyph_at(index.row()) for index in before]
        self._set_order(order)
        after = [
            index if glyph is None else self.index(self.row_of(glyph), index.column())
            for index, glyph in zip(before, glyphs, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _set_order(self, order: np.ndarray) -> None:
        self._order = order
        self._rows = np.empty_like(order)
        self._rows[order] = np.arange(len(order))

    # --- Qt's model interface -------------------------------------------------------------------
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._values)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return COLUMN_TIPS[section] if role == Qt.ItemDataRole.ToolTipRole else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._dataset is None:
            return None
        row, column = index.row(), index.column()
        glyph = self.glyph_at(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, glyph, column)
        if glyph is None:
            return self._summary_style(role, column)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            if glyph not in self._thumbnails:
                self._thumbnails[glyph] = glyph_pixmap(self._dataset.image(glyph), 2)
            return self._thumbnails[glyph]
        if role == Qt.ItemDataRole.ForegroundRole and column in (2, 4):
            pca, ae = self._values[glyph, column - 2], self._values[glyph, column - 1]
            return BETTER if ae < pca else WORSE if ae > pca else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Glyph {glyph}: {self._dataset.labels[glyph]}"
        return None

    def _text(self, row: int, glyph: int | None, column: int) -> str:
        """Formatted when a row is on screen: 1797 rows are never all formatted at once."""
        if glyph is not None:
            if column == 0:
                return self._dataset.labels[glyph]
            value = self._values[glyph, column - 1]
            return f"{value:.4f}" if column >= 3 else f"{value:.0f}"
        summary = SUMMARIES[row - len(self._order)]
        if column == 0:
            return summary
        value = self._values[row, column - 1]  # the summary rows follow the glyph rows
        if column >= 3:
            return "" if summary == "total" else f"{value:.4f}"  # summed MSEs mean nothing
        return f"{value:.2f}" if summary == "mean" else f"{value:.0f}"

    @staticmethod
    def _summary_style(role: int, column: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return SUMMARY_BACKGROUND
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

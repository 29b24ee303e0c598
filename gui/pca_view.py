"""The autoencoder beside PCA, the linear baseline with as many components as it has latent units.

PCA is the best a *linear* code of that size can do, so where the autoencoder reconstructs a glyph
with fewer wrong pixels it is its non-linear layers that earn it. Both codes are drawn as planes
labelled with the glyphs, and a sortable table scores every glyph both ways.

Fitting needs scikit-learn, whose import takes ~1.7 s: it runs on a private thread pool, only
once the tab is first shown (never at window start), and the result returns by a queued signal.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.datasets import Dataset
from engine.models import Autoencoder
from engine.pca import PCAComparison, PCAResult, compare_with_pca, fit_pca
from gui.glyph_pixmap import glyph_pixmap
from gui.glyph_set import GlyphSet
from gui.latent_plane import Projection, text_symbol
from gui.latent_scatter import INK, PICK_RADIUS, SELECTED_PEN
from gui.rate_limit import RefreshThrottle
from gui.run_controller import RunController

DATA_DEBOUNCE_MS = 300  # refit once a burst of pixel edits has settled
REFRESH_MS = 500  # two planes and a table of up to 1797 rows: at most twice a second
COLUMNS = ("glyph", "PCA\nwrong px", "AE\nwrong px", "PCA\nMSE", "AE\nMSE")
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


class _FitSignals(QObject):
    """Lives in the GUI thread (a child of the view); a job emits through it from the pool."""

    fitted = Signal(int, object)  # (job number, PCAResult)
    failed = Signal(int, str)  # (job number, a sentence for the user)


class _FitJob(QRunnable):
    def __init__(self, number: int, images: np.ndarray, k: int, signals: _FitSignals) -> None:
        super().__init__()
        self._number, self._images, self._k, self._signals = number, images, k, signals

    def run(self) -> None:
        try:
            result = fit_pca(self._images, self._k)
        except ImportError:
            message = "PCA needs scikit-learn: install it with  pip install scikit-learn"
            self._signals.failed.emit(self._number, message)
        except ValueError as error:
            self._signals.failed.emit(self._number, f"PCA cannot be computed: {error}.")
        else:
            self._signals.fitted.emit(self._number, result)


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


class _PassiveScatter(pg.ScatterPlotItem):
    """Leaves clicks to the view box, which picks the nearest glyph itself."""

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


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
        super().__init__(parent, viewBox=self._view)
        self.setBackground("w")
        self.setMinimumSize(200, 200)
        self.getPlotItem().setMenuEnabled(False)
        self.set_title(title)
        self._plane = np.zeros((0, 2))
        self._labels: tuple[str, ...] = ()
        self._style: dict[str, Any] = {}
        self._text_items: list[pg.TextItem] = []
        self._points = _PassiveScatter(pxMode=True)
        self._selected_item = _PassiveScatter(symbol="o", size=30, pen=SELECTED_PEN, brush=None)
        self._selected_item.setZValue(5)
        self.getPlotItem().addItem(self._points)
        self._view.addItem(self._selected_item, ignoreBounds=True)
        self._selected: int | None = None
        self._view.picked.connect(self._on_picked)

    @property
    def plane_points(self) -> np.ndarray:
        """(n, 2) where each glyph is drawn (plot coordinates)."""
        return self._plane.copy()

    @property
    def selected(self) -> int | None:
        """The glyph marked with the selection ring, if it is on the plane."""
        return self._selected if self._selected_item.data.size else None

    def set_title(self, title: str) -> None:
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
        self._points.setData(x=x, y=y, **self._style)
        for item, px, py in zip(self._text_items, x, y, strict=False):
            item.setPos(px, py)
        self.set_selected(self._selected)

    def clear_points(self) -> None:
        self._plane = np.zeros((0, 2))
        self._points.setData([])
        self._selected_item.setData([])

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        if index is None or not 0 <= index < len(self._plane):
            self._selected_item.setData([])
        else:
            self._selected_item.setData([self._plane[index, 0]], [self._plane[index, 1]])

    def _make_style(self, labels: tuple[str, ...]) -> None:
        """As the latent plane draws them: short labels as text symbols, classes in colours."""
        self._labels = labels
        for item in self._text_items:
            self._view.removeItem(item)
        self._text_items = []
        if all(len(label) <= 3 for label in labels):
            cache = {label: text_symbol(label) for label in set(labels)}
            symbols, size = [cache[label] for label in labels], 12 if len(labels) > 200 else 20
        else:
            symbols, size = "o", 7
            if len(labels) <= 200:
                for label in labels:
                    item = pg.TextItem(label, color=INK, anchor=(0.5, 1.15))
                    self._view.addItem(item, ignoreBounds=True)
                    self._text_items.append(item)
        kinds = sorted(set(labels))
        if len(kinds) <= 12 and len(kinds) < len(labels):  # classes (digits): colour by label
            # One brush per class: pyqtgraph renders a symbol once per (symbol, brush) object.
            shared = {
                k: pg.mkBrush(pg.intColor(i, hues=len(kinds), maxValue=200))
                for i, k in enumerate(kinds)
            }
            brushes = [shared[label] for label in labels]
        else:
            brushes = [pg.mkBrush(INK)] * len(labels)
        self._style = {"symbol": symbols, "size": size, "brush": brushes, "pen": pg.mkPen(None)}

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


class PCAView(QWidget):
    """PCA's plane beside the autoencoder's, a per-glyph score table, the explained variance."""

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self._pool = QThreadPool(self)  # made first, so it is destroyed (and waited for) first
        self._pool.setMaxThreadCount(1)
        self._signals = _FitSignals(self)
        self._job = 0  # number of the latest fit asked for; older results are dropped
        self._job_key: tuple[Dataset, int] | None = None  # (glyphs, components) of that fit
        self.pca: PCAResult | None = None  # the latest fit, to `_pca_dataset`
        self._pca_dataset: Dataset | None = None
        self.comparison: PCAComparison | None = None

        self.status_label = QLabel("PCA is computed when this tab is first shown.")
        self.status_label.setWordWrap(True)
        self.pca_scatter = GlyphScatter("PCA of the pixels")
        self.pca_scatter.set_axis_labels("principal component 1", "principal component 2")
        self.ae_scatter = GlyphScatter("Autoencoder latent codes")
        self.table_model = ComparisonTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # no per-row size hints
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setToolTip(
            "Click a column title to sort. AE numbers are green where the autoencoder beats PCA "
            "on that glyph, red where PCA does better."
        )
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        planes = QSplitter(Qt.Orientation.Vertical)
        planes.addWidget(self.pca_scatter)
        planes.addWidget(self.ae_scatter)
        scores = QWidget()
        scores_layout = QVBoxLayout(scores)
        scores_layout.setContentsMargins(0, 0, 0, 0)
        scores_layout.addWidget(self.summary_label)
        scores_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(planes)
        splitter.addWidget(scores)
        splitter.setSizes([1000, 1000])  # half and half
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(splitter, 1)

        self._throttle = RefreshThrottle(self, self._refresh, REFRESH_MS)
        self._data_timer = QTimer(self, singleShot=True, interval=DATA_DEBOUNCE_MS)
        self._data_timer.timeout.connect(self._throttle.request)
        self._signals.fitted.connect(self._on_pca_fitted)
        self._signals.failed.connect(self._on_pca_failed)
        run.snapshot_changed.connect(self._on_snapshot_changed)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_changed)
        glyph_set.current_changed.connect(self._on_current_changed)
        self.pca_scatter.glyph_clicked.connect(self._on_glyph_clicked)
        self.ae_scatter.glyph_clicked.connect(self._on_glyph_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self._throttle.request()

    def wait_for_fit(self, ms: int = -1) -> bool:
        """Block until the PCA thread is idle (closing; tests). True if it finished in time."""
        return self._pool.waitForDone(ms)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait_for_fit()
        super().closeEvent(event)

    # --- slots ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_snapshot_changed(self, _snapshot: object) -> None:
        self._throttle.request()

    @Slot(int)
    def _on_glyph_changed(self, _index: int) -> None:
        self._data_timer.start()

    @Slot()
    def _on_glyphs_changed(self) -> None:
        self._data_timer.start()

    @Slot(int)
    def _on_current_changed(self, index: int) -> None:
        self.pca_scatter.set_selected(index)
        self.ae_scatter.set_selected(index)
        model = self.table_model
        if index < model.glyph_count and model.glyph_at(self.table.currentIndex().row()) != index:
            row = model.row_of(index)
            self.table.selectRow(row)
            self.table.scrollTo(model.index(row, 0))

    @Slot(int)
    def _on_glyph_clicked(self, index: int) -> None:
        if index < len(self._glyphs):
            self._glyphs.set_current(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        glyph = self.table_model.glyph_at(current.row())
        if glyph is not None:
            self._glyphs.set_current(glyph)

    @Slot(int, object)
    def _on_pca_fitted(self, number: int, result: PCAResult) -> None:
        if number != self._job or self._job_key is None:
            return  # a newer fit was asked for meanwhile
        self.pca, self._pca_dataset = result, self._job_key[0]
        self._job_key = None
        self._show_pca(self._pca_dataset)
        self._refresh()

    @Slot(int, str)
    def _on_pca_failed(self, number: int, message: str) -> None:
        if number == self._job:
            self._job_key = None
            self.pca, self._pca_dataset, self.comparison = None, None, None
            self.status_label.setText(message)
            self.pca_scatter.set_title("PCA: not available")
            self.pca_scatter.clear_points()
            self.table_model.set_comparison(None, None)
            self.summary_label.clear()

    # --- computing and drawing ------------------------------------------------------------------
    def _refresh(self) -> None:
        dataset, snapshot = self._glyphs.dataset(), self._run.snapshot
        model = snapshot.model if snapshot is not None else None
        if model is not None and model.n_inputs != dataset.n_pixels:
            model = None  # the run has not caught up with a set of another size yet
        k = min(model.latent if model is not None else 2, len(dataset), dataset.n_pixels)
        matches = (
            self._pca_dataset is dataset and self.pca is not None and self.pca.n_components == k
        )
        if not matches:
            self._start_fit(dataset, k)  # meanwhile the last PCA stays in view
        self._show_model(dataset, model, matches)

    def _start_fit(self, dataset: Dataset, k: int) -> None:
        if self._job_key == (dataset, k):
            return  # that fit is already running
        self._job += 1
        self._job_key = (dataset, k)
        self._pool.start(_FitJob(self._job, dataset.images, k, self._signals))
        self.status_label.setText(f"Computing PCA with {k} components…")
        self.pca_scatter.set_title("PCA: computing…")

    def _show_pca(self, dataset: Dataset) -> None:
        pca = self.pca
        plane = np.zeros((len(dataset), 2))
        plane[:, : min(2, pca.n_components)] = pca.codes[:, :2]
        self.pca_scatter.set_points(plane, dataset.labels)
        self.pca_scatter.set_title(f"PCA of the pixels ({pca.n_components} components)")
        if self._job_key is None:
            shares = ", ".join(
                f"PC{i + 1} {100 * r:.1f}%" for i, r in enumerate(pca.explained_variance_ratio[:8])
            )
            more = " …" if pca.n_components > 8 else ""
            self.status_label.setText(
                f"PCA with {pca.n_components} components, as many as the autoencoder has latent "
                f"units, keeps <b>{100 * pca.total_explained_variance:.1f}%</b> of the pixel "
                f"variance ({shares}{more}). It is the best linear code of that size: the "
                "autoencoder's layers earn their keep where it has fewer wrong pixels."
            )

    def _show_model(self, dataset: Dataset, model: Autoencoder | None, pca_matches: bool) -> None:
        """The AE's plane, and its scores beside PCA's once a PCA of these glyphs is in."""
        if model is None:
            self.ae_scatter.clear_points()
            self.ae_scatter.set_title("Autoencoder: no model for these glyphs yet")
            self.table_model.set_comparison(None, None)
            self.summary_label.clear()
            return
        rows = self.table.verticalHeader()
        row_height = max(self.fontMetrics().height() + 6, 2 * dataset.height + 4)
        if rows.defaultSectionSize() != row_height:
            rows.setDefaultSectionSize(row_height)  # compact rows that fit the thumbnails
        codes = model.encode(dataset.images)  # (n, L)
        projection = Projection(model.latent)
        projection.fit(codes)
        self.ae_scatter.set_points(projection.to_plane(codes), dataset.labels)
        pca = " (PCA of the codes)" if projection.is_pca else ""
        name = "VAE latent means" if model.kind == "vae" else "Autoencoder latent codes"
        self.ae_scatter.set_title(f"{name}, {model.latent} units{pca}")
        axis = "PCA {} of the codes" if projection.is_pca else "latent {}"
        self.ae_scatter.set_axis_labels(axis.format(1), axis.format(2))
        if pca_matches:
            self.comparison = compare_with_pca(model, dataset.images, self.pca)
            self.table_model.set_comparison(dataset, self.comparison)
            self._show_summary(self.comparison)
            self._on_current_changed(self._glyphs.current)

    def _show_summary(self, comparison: PCAComparison) -> None:
        pca, ae = comparison.pca, comparison
        self.summary_label.setText(
            f"Worst glyph: PCA <b>{pca.wrong.max()}</b> · AE <b>{ae.ae_wrong.max()}</b> wrong px. "
            f"All glyphs: PCA {pca.wrong.sum()} · AE {ae.ae_wrong.sum()} wrong px. Mean MSE: "
            f"PCA {pca.mse.mean():.4f} · AE {ae.ae_mse.mean():.4f}."
        )

"""The autoencoder beside PCA, the linear baseline with as many components as it has latent units.

PCA is the best a *linear* code of that size can do, so where the autoencoder reconstructs a glyph
with fewer wrong pixels it is its non-linear layers that earn it. Both codes are drawn as planes
labelled with the glyphs, and a sortable table scores every glyph both ways.

Fitting needs scikit-learn, whose import takes ~1.7 s: it runs on a private thread pool, only
once the tab is first shown (never at window start), and the result returns by a queued signal.
A set of more than OFF_THREAD_ABOVE images (60,000 MNIST images) is fitted with the randomized
solver (engine.pca) and the autoencoder's codes and scores are computed on that pool too, at
most every BIG_REFRESH_MS: the GUI thread only draws what comes back.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QModelIndex, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.data.datasets import Dataset
from engine.latent import encode_blocks
from engine.models import Autoencoder
from engine.pca import PCAComparison, PCAResult, compare_with_pca, fit_pca
from gui.data.glyph_set import GlyphSet
from gui.plots.glyph_scatter import GlyphScatter
from gui.plots.latent_plane import Projection
from gui.run.run_controller import RunController
from gui.views.comparison_table import ComparisonTableModel
from gui.widgets.rate_limit import RefreshThrottle

DATA_DEBOUNCE_MS = 300  # refit once a burst of pixel edits has settled
REFRESH_MS = 500  # two planes and a table of up to 1797 rows: at most twice a second
PLANE_MIN_HEIGHT = 160  # pixels: both planes and the summary fit a 768 px high laptop screen
OFF_THREAD_ABOVE = 2000  # bigger sets: the AE's codes and scores are computed off the GUI thread
BIG_REFRESH_MS = 2000  # and at most this often (each pass encodes and decodes every image)


class PCASignals(QObject):
    """Lives in the GUI thread (a child of the view); a job emits through it from the pool."""

    fitted = Signal(int, object)  # (job number, PCAResult)
    failed = Signal(int, str)  # (job number, a sentence for the user)
    scored = Signal(int, object, object)  # (job number, codes (n, L), PCAComparison | None)


class PCAJob(QRunnable):
    """Fits PCA with k components to `images` (n, d), floats or uint8, on a pool thread."""

    def __init__(self, number: int, images: np.ndarray, k: int, signals: PCASignals) -> None:
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


class _ScoreJob(QRunnable):
    """A big set's autoencoder codes (a block of images at a time), and its scores beside
    `pca` when there is one fitted to these images; on a pool thread, with a snapshot's
    frozen model copy."""

    def __init__(
        self,
        number: int,
        model: Autoencoder,
        images: np.ndarray,
        pca: PCAResult | None,
        signals: PCASignals,
    ) -> None:
        super().__init__()
        self._number, self._model, self._images = number, model, images
        self._pca, self._signals = pca, signals

    def run(self) -> None:
        model, images = self._model, self._images
        codes = encode_blocks(model, images)  # (n, L)
        comparison = None if self._pca is None else compare_with_pca(model, images, self._pca)
        self._signals.scored.emit(self._number, codes, comparison)


class PCAView(QWidget):
    """PCA's plane beside the autoencoder's, a per-glyph score table, the explained variance."""

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self._pool = QThreadPool(self)  # made first, so it is destroyed (and waited for) first
        self._pool.setMaxThreadCount(1)
        self._signals = PCASignals(self)
        self._job = 0  # number of the latest fit asked for; older results are dropped
        self._score_job = 0  # number of the latest scoring of a big set asked for
        self._scoring = False  # one is running: the next waits for it
        self._scored_at = -float("inf")  # time.monotonic() the last one was asked for
        self._score_key: tuple[Dataset, Autoencoder] | None = None  # what is being scored
        self._score_timer = QTimer(self, singleShot=True)
        self._job_key: tuple[Dataset, int] | None = None  # (glyphs, components) of that fit
        self.pca: PCAResult | None = None  # the latest fit, to `_pca_dataset`
        self._pca_dataset: Dataset | None = None
        self.comparison: PCAComparison | None = None

        self.status_label = QLabel("PCA is computed when this tab is first shown.")
        self.status_label.setWordWrap(True)
        self.pca_scatter = GlyphScatter("PCA of the pixels")
        self.pca_scatter.set_axis_labels("principal component 1", "principal component 2")
        self.ae_scatter = GlyphScatter("Autoencoder codes")
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
        for scatter in (self.pca_scatter, self.ae_scatter):
            scatter.setMinimumHeight(PLANE_MIN_HEIGHT)
            planes.addWidget(scatter)
        scores = QWidget()
        scores_layout = QVBoxLayout(scores)
        scores_layout.setContentsMargins(0, 0, 0, 0)
        scores_layout.addWidget(self.summary_label)
        scores_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(planes)
        splitter.addWidget(scores)
        splitter.setSizes([900, 1000])  # the table a little wider, so "0.0849" is not elided
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(splitter, 1)

        self._throttle = RefreshThrottle(self, self._refresh, REFRESH_MS)
        self._score_timer.timeout.connect(self._throttle.request)
        self._data_timer = QTimer(self, singleShot=True, interval=DATA_DEBOUNCE_MS)
        self._data_timer.timeout.connect(self._throttle.request)
        self._signals.fitted.connect(self._on_pca_fitted)
        self._signals.failed.connect(self._on_pca_failed)
        self._signals.scored.connect(self._on_scored)
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
        self._pool.start(PCAJob(self._job, dataset.pixels, k, self._signals))
        self.status_label.setText(f"Computing PCA with {k} components…")
        self.pca_scatter.set_title("PCA: computing…")

    def _show_pca(self, dataset: Dataset) -> None:
        pca = self.pca
        plane = np.zeros((len(dataset), 2))
        plane[:, : min(2, pca.n_components)] = pca.codes[:, :2]
        self.pca_scatter.set_points(plane, dataset.labels)
        self.pca_scatter.set_title(f"PCA of the pixels, {pca.n_components} components")
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
            self.ae_scatter.set_title("Autoencoder: not trained yet")
            self.table_model.set_comparison(None, None)
            self.summary_label.clear()
            return
        rows = self.table.verticalHeader()
        row_height = max(self.fontMetrics().height() + 6, 2 * dataset.height + 4)
        if rows.defaultSectionSize() != row_height:
            rows.setDefaultSectionSize(row_height)  # compact rows that fit the thumbnails
        if len(dataset) > OFF_THREAD_ABOVE:
            self._start_scoring(dataset, model, pca_matches)
            return
        codes = model.encode(dataset.images)  # (n, L)
        self._show_codes(dataset, model, codes)
        if pca_matches:
            self._show_comparison(dataset, compare_with_pca(model, dataset.images, self.pca))

    def _start_scoring(self, dataset: Dataset, model: Autoencoder, pca_matches: bool) -> None:
        """A big set's codes and scores on the pool: one pass at a time, BIG_REFRESH_MS apart;
        a refresh that comes sooner is caught up by the timer."""
        wait = self._scored_at + BIG_REFRESH_MS / 1000 - time.monotonic()
        if self._scoring or wait > 0:
            if not self._score_timer.isActive():
                self._score_timer.start(max(1, int(1000 * max(wait, 0.05))))
            return
        self._scoring, self._scored_at = True, time.monotonic()
        self._score_job += 1
        self._score_key = (dataset, model)
        pca = self.pca if pca_matches else None
        self._pool.start(_ScoreJob(self._score_job, model, dataset.pixels, pca, self._signals))
        if self.table_model.glyph_count == 0:
            self.summary_label.setText(f"Scoring {len(dataset):,} images…")

    @Slot(int, object, object)
    def _on_scored(self, number: int, codes: np.ndarray, comparison: PCAComparison | None) -> None:
        self._scoring = False
        dataset, model = self._score_key
        if number != self._score_job or dataset is not self._glyphs.dataset():
            return
        self._show_codes(dataset, model, codes)
        if comparison is not None and comparison.pca is self.pca:
            self._show_comparison(dataset, comparison)

    def _show_codes(self, dataset: Dataset, model: Autoencoder, codes: np.ndarray) -> None:
        """The autoencoder's plane: its codes (n, L), by PCA when L > 2."""
        projection = Projection(model.latent)
        projection.fit(codes)
        self.ae_scatter.set_points(projection.to_plane(codes), dataset.labels)
        pca = " (by PCA)" if projection.is_pca else ""
        name = "VAE means" if model.kind == "vae" else "Autoencoder codes"
        self.ae_scatter.set_title(f"{name}, {model.latent} units{pca}")
        axis = "PCA {} of the codes" if projection.is_pca else "latent {}"
        self.ae_scatter.set_axis_labels(axis.format(1), axis.format(2))

    def _show_comparison(self, dataset: Dataset, comparison: PCAComparison) -> None:
        self.comparison = comparison
        self.table_model.set_comparison(dataset, comparison)
        self._show_summary(comparison)
        self._on_current_changed(self._glyphs.current)

    def _show_summary(self, comparison: PCAComparison) -> None:
        pca, ae = comparison.pca, comparison
        self.summary_label.setText(
            f"Worst glyph: PCA <b>{pca.wrong.max()}</b> · AE <b>{ae.ae_wrong.max()}</b> wrong px. "
            f"All glyphs: PCA {pca.wrong.sum():,} · AE {ae.ae_wrong.sum():,} wrong px. Mean MSE: "
            f"PCA {pca.mse.mean():.4f} · AE {ae.ae_mse.mean():.4f}."
        )

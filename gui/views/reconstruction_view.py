"""Every glyph through the model at once: input | output | error map, with its wrong pixels.

A person looks here to see *which* glyphs the model still gets wrong and *how* (ink missing in
red, extra ink in blue). All glyphs are painted from one atlas image that numpy builds in a few
milliseconds, and only the cells on screen are drawn, so 1797 digits stay as quick as 32 letters.
The view refreshes at most a few times a second and only while it is visible; a snapshot that
arrives while it is hidden is shown as soon as it is shown again. A set of more than PAGED_ABOVE
images (60,000 MNIST digits) is shown PAGE_SIZE at a time: only the page is reconstructed and
drawn, and the whole set's figures (and the worst-first order) come from the snapshot's own
evaluation, which the training thread made.

`GlyphStripSheet` is shared with the denoising view; the refresh limit is gui.widgets.rate_limit's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from engine.data.dataset import unit_floats
from engine.data.datasets import Dataset
from engine.metrics import THRESHOLD, Evaluation, mse, wrong_pixels
from engine.training import Snapshot
from gui.data.glyph_pixmap import CORRECT_BACKGROUND, CORRECT_INK, EXTRA_INK, MISSING_INK
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.widgets.page_bar import PageBar
from gui.widgets.rate_limit import RefreshThrottle

REFRESH_MS = 250  # a view redraws at most 4 times a second while training runs
GLYPH_SIDE = (40, 24)  # screen pixels a glyph's longer side aims for: small sets, large sets
LARGE_SET = 200  # sets with more glyphs than this get the smaller cells
PAD = 5  # pixels around a strip inside its cell
FLAGGED = QColor(190, 30, 30)  # caption of a glyph with wrong pixels
QUIET = QColor(90, 90, 90)
SELECTED = QColor(255, 214, 120)
FRAME = QColor(200, 200, 200)
PAGED_ABOVE = 2000  # larger sets are shown a page at a time (the 1797 digits still whole)
PAGE_SIZE = 64  # images on a page of a large set


def page_rows(n: int, page: int, order: np.ndarray | None = None) -> np.ndarray:
    """The image indices on `page` of a paged view of n images, in `order` (default 0..n-1)."""
    lo, hi = page * PAGE_SIZE, min(n, (page + 1) * PAGE_SIZE)
    return np.arange(lo, hi) if order is None else np.asarray(order[lo:hi])


def run_evaluation(snapshot: Snapshot, run_dataset: Dataset, dataset: Dataset) -> Evaluation | None:
    """The snapshot's evaluation when its rows are exactly these images (the run trains on the
    set as it is shown), else None: then only what a view computes itself is true of them."""
    ev = snapshot.evaluation
    if run_dataset is dataset and ev is not None and len(ev.wrong) == len(dataset):
        return ev
    return None


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
        elif rect.bottom() > self.viewport().height():
            bar.setValue(bar.value() + rect.bottom() - self.viewport().height())

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


class ReconstructionView(QWidget):
    """The latest snapshot's model copy reconstructing every glyph of the set as it is now."""

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self.outputs: np.ndarray | None = None  # (n, d) the model's reconstruction of each glyph
        self.wrong: np.ndarray | None = None  # (n,) wrong pixels per glyph
        # The glyph indices `outputs` and `wrong` are for: a page of a large set; None: all.
        self.rows: np.ndarray | None = None
        self._order: np.ndarray | None = None  # a large set's worst-first order, when known
        self._turn_to: int | None = glyph_set.current  # a glyph whose page the next page shows
        self._dataset = glyph_set.dataset()  # the glyphs `outputs` belong to
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)  # a narrow tab wraps it instead of scrolling sideways
        legend = QLabel(
            f"Each glyph: input · output · errors (<span style='color:{_css(MISSING_INK)}'>"
            f"red: ink missing</span>, <span style='color:{_css(EXTRA_INK)}'>blue: extra ink"
            "</span>). The number is its wrong pixels: output and input differ at 0.5. "
            "Click a glyph to select it."
        )
        legend.setWordWrap(True)
        self.worst_first = QCheckBox("Worst first")
        self.worst_first.setToolTip("Show the glyphs with the most wrong pixels first")
        self.sheet = GlyphStripSheet()
        self.page_bar = PageBar(PAGE_SIZE)
        self.page_bar.setToolTip(
            f"Sets of more than {PAGED_ABOVE:,} glyphs are shown a page at a time"
        )
        self.page_bar.hide()
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.worst_first)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(legend)
        layout.addWidget(self.page_bar)
        layout.addWidget(self.sheet, 1)
        self._throttle = RefreshThrottle(self, self._refresh, REFRESH_MS)
        run.snapshot_changed.connect(self._on_snapshot_changed)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_changed)
        glyph_set.current_changed.connect(self._on_current_changed)
        self.sheet.glyph_clicked.connect(self._on_glyph_clicked)
        self.worst_first.toggled.connect(self._on_worst_first_changed)
        self.page_bar.page_changed.connect(self._on_page_changed)
        self._throttle.request()

    # --- slots ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_snapshot_changed(self, _snapshot: object) -> None:
        self._throttle.request()

    @Slot(int)
    def _on_glyph_changed(self, _index: int) -> None:
        self._throttle.request()

    @Slot()
    def _on_glyphs_changed(self) -> None:
        self._turn_to = self._glyphs.current
        self._throttle.request()

    @Slot(int)
    def _on_current_changed(self, index: int) -> None:
        if self.rows is None:
            self._turn_to = index  # not paged (yet): a large set opens on the glyph's page
        else:  # a page: turn to the one that shows the glyph
            position = (
                index if self._order is None else int(np.flatnonzero(self._order == index)[0])
            )
            if self.page_bar.page_of(position) != self.page_bar.page:
                self.page_bar.set_page(self.page_bar.page_of(position))
                return  # the new page is drawn with the glyph selected
        local = self._local(index)
        self.sheet.set_selected(local)
        if local is not None and local < self.sheet.count:
            self.sheet.ensure_visible(local)

    @Slot(int)
    def _on_glyph_clicked(self, index: int) -> None:
        self._glyphs.set_current(self._global(index))

    @Slot(bool)
    def _on_worst_first_changed(self, _on: bool) -> None:
        if self.rows is not None:
            self.page_bar.set_page(0, quiet=True)
            self._throttle.request()
        else:
            self._apply_order()

    @Slot(int)
    def _on_page_changed(self, _page: int) -> None:
        self._turn_to = None  # the page a person turned to wins over one still to be turned to
        self._throttle.request()

    def _local(self, index: int) -> int | None:
        """Where glyph `index` is in the sheet: itself, or its place on the page (None: not on it)."""
        if self.rows is None:
            return index
        found = np.flatnonzero(self.rows == index)
        return int(found[0]) if len(found) else None

    def _global(self, local: int) -> int:
        return local if self.rows is None else int(self.rows[local])

    # --- drawing --------------------------------------------------------------------------------
    def _apply_order(self) -> None:
        if self.wrong is not None and self.rows is None:
            worst = np.argsort(-self.wrong, kind="stable")
            self.sheet.set_order(worst if self.worst_first.isChecked() else np.arange(len(worst)))

    def _refresh(self) -> None:
        snapshot, dataset = self._run.snapshot, self._glyphs.dataset()
        self.outputs = self.wrong = self.rows = self._order = None
        paged = len(dataset) > PAGED_ABOVE
        self.page_bar.setVisible(paged)
        if snapshot is None:
            self._show_hint("No model yet: press <b>Start</b> to train.")
            return
        model = snapshot.model
        if model.n_inputs != dataset.n_pixels:
            self._show_hint(
                f"The model takes images of {model.n_inputs} pixels, but these glyphs have "
                f"{dataset.width}x{dataset.height} = {dataset.n_pixels}. Press <b>Reset</b>."
            )
            return
        if paged:
            self._refresh_page(snapshot, dataset)
            return
        self._dataset, images = dataset, dataset.images  # (n, d)
        self.outputs = model.reconstruct(images)
        self.wrong = wrong_pixels(self.outputs, images)
        shape = (len(dataset), dataset.height, dataset.width)
        target, output = images.reshape(shape), self.outputs.reshape(shape)
        self.sheet.set_strips(
            [ink_rgb(target), ink_rgb(output), error_rgb(output, target)],
            self.wrong > 0,
            self._caption,
            self._tip,
        )
        self.sheet.set_selected(self._glyphs.current)
        self._apply_order()
        # Epoch 0: the initial weights, or a loaded model (loading also starts a new run).
        untrained = (
            " — not trained in this run yet: press <b>Start</b>" if snapshot.epoch == 0 else ""
        )
        self.header.setText(
            f"<b>Epoch {snapshot.epoch}</b>{untrained} · worst glyph <b>{int(self.wrong.max())}"
            f"</b> wrong px · <b>{int(self.wrong.sum())}</b> wrong px in all {len(images)} glyphs"
            f" · MSE {mse(self.outputs, images):.4f}"
        )

    def _refresh_page(self, snapshot: Snapshot, dataset: Dataset) -> None:
        """One page of a large set through the model; the whole set's figures from the run."""
        n = len(dataset)
        full = run_evaluation(snapshot, self._run.dataset, dataset)
        self.worst_first.setEnabled(full is not None)
        if full is not None and self.worst_first.isChecked():
            self._order = np.argsort(-full.wrong, kind="stable")
        self.page_bar.set_count(n)
        if self._turn_to is not None and self._turn_to < n:
            turn = self._turn_to
            position = turn if self._order is None else int(np.flatnonzero(self._order == turn)[0])
            self.page_bar.set_page(self.page_bar.page_of(position), quiet=True)
        self._turn_to = None
        self._dataset, self.rows = dataset, page_rows(n, self.page_bar.page, self._order)
        images = unit_floats(dataset.pixels[self.rows])  # (page, d): a page, never the set
        self.outputs = snapshot.model.reconstruct(images)
        self.wrong = wrong_pixels(self.outputs, images)
        shape = (len(self.rows), dataset.height, dataset.width)
        target, output = images.reshape(shape), self.outputs.reshape(shape)
        self.sheet.set_strips(
            [ink_rgb(target), ink_rgb(output), error_rgb(output, target)],
            self.wrong > 0,
            self._caption,
            self._tip,
        )
        self.sheet.set_order(np.arange(len(self.rows)))
        self.sheet.set_selected(self._local(self._glyphs.current))
        untrained = " — not trained yet: press <b>Start</b>" if snapshot.epoch == 0 else ""
        if full is not None:
            whole = (
                f"worst image <b>{full.max_wrong}</b> wrong px · <b>{full.total_wrong / n:.1f}"
                f"</b> wrong px per image in all {n:,} · MSE {full.mse:.4f}"
            )
        else:  # the glyphs changed since the run's evaluation: only this page is known
            whole = f"the set changed since this run's evaluation; this page: MSE {mse(self.outputs, images):.4f}"
        order = "worst first" if self._order is not None else "in order"
        self.header.setText(
            f"<b>Epoch {snapshot.epoch}</b>{untrained} · {whole}<br>{self.page_bar.text()} "
            f"({len(self.rows)} of {n:,} images, {order}): worst here "
            f"<b>{int(self.wrong.max())}</b> wrong px"
        )

    def _caption(self, index: int) -> str:
        return f"{self._dataset.labels[self._global(index)]} · {self.wrong[index]}"

    def _tip(self, index: int) -> str:
        glyph = self._global(index)
        output = self.outputs[index]
        target = unit_floats(self._dataset.pixels[glyph])
        missing = np.count_nonzero((output < THRESHOLD) & (target >= THRESHOLD))
        wrong = int(self.wrong[index])
        return (
            f"{self._dataset.labels[glyph]!r} (glyph {glyph}): {wrong} wrong pixels: "
            f"{missing} ink missing, {wrong - missing} extra ink"
        )

    def _show_hint(self, text: str) -> None:
        self.header.setText(text)
        self.sheet.clear()


def _css(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)

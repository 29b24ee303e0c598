"""Every glyph through the model at once: input | output | error map, with its wrong pixels.

A person looks here to see *which* glyphs the model still gets wrong and *how* (ink missing in
red, extra ink in blue), drawn by gui.views.glyph_strip_sheet. The view refreshes at most a few times a second and only while it is visible; a snapshot that
arrives while it is hidden is shown as soon as it is shown again. A set of more than PAGED_ABOVE
images (60,000 MNIST digits) is shown PAGE_SIZE at a time: only the page is reconstructed and
drawn, and the whole set's figures (and the worst-first order) come from the snapshot's own
evaluation, which the training thread made.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.data.dataset import unit_floats
from engine.data.datasets import Dataset
from engine.metrics import THRESHOLD, mse, wrong_pixels
from engine.models import Autoencoder
from engine.training import Snapshot
from gui.data.glyph_pixmap import EXTRA_INK, MISSING_INK
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.views.glyph_strip_sheet import GlyphStripSheet, error_rgb, ink_rgb
from gui.views.paging import PAGE_SIZE, PAGED_ABOVE, page_rows, run_wrong
from gui.widgets.page_bar import PageBar
from gui.widgets.rate_limit import RefreshThrottle

REFRESH_MS = 250  # a view redraws at most 4 times a second while training runs


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
        self._draw_strips(model, images, dataset)
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

    def _draw_strips(self, model: Autoencoder, images: np.ndarray, dataset: Dataset) -> None:
        """Input, output and error strips of `images` (m, d) (the set, or one page of it)."""
        self.outputs = model.reconstruct(images)  # (m, d)
        self.wrong = wrong_pixels(self.outputs, images)
        shape = (len(images), dataset.height, dataset.width)
        target, output = images.reshape(shape), self.outputs.reshape(shape)
        self.sheet.set_strips(
            [ink_rgb(target), ink_rgb(output), error_rgb(output, target)],
            self.wrong > 0,
            self._caption,
            self._tip,
        )

    def _refresh_page(self, snapshot: Snapshot, dataset: Dataset) -> None:
        """One page of a large set through the model; the whole set's figures from the run."""
        n = len(dataset)
        full = run_wrong(snapshot, self._run.dataset, dataset)  # (n,) or None
        self.worst_first.setEnabled(full is not None)
        if full is not None and self.worst_first.isChecked():
            self._order = np.argsort(-full, kind="stable")
        self.page_bar.set_count(n)
        turned = self._turn_to is not None and self._turn_to < n  # to the selected image
        if turned:
            turn = self._turn_to
            position = turn if self._order is None else int(np.flatnonzero(self._order == turn)[0])
            self.page_bar.set_page(self.page_bar.page_of(position), quiet=True)
        self._turn_to = None
        self._dataset, self.rows = dataset, page_rows(n, self.page_bar.page, self._order)
        images = unit_floats(dataset.pixels[self.rows])  # (page, d): a page, never the set
        self._draw_strips(snapshot.model, images, dataset)
        self.sheet.set_order(np.arange(len(self.rows)))
        local = self._local(self._glyphs.current)
        self.sheet.set_selected(local)
        if turned and local is not None:  # later snapshots leave the scrolling to the person
            self.sheet.ensure_visible(local)
        untrained = " — not trained yet: press <b>Start</b>" if snapshot.epoch == 0 else ""
        page_mse = f"MSE on this page {mse(self.outputs, images):.4f}"
        if full is not None:
            whole = (
                f"worst image <b>{int(full.max())}</b> wrong px · <b>{full.mean():.1f}</b> wrong "
                f"px per image in all {n:,} · {page_mse}"
            )
        else:  # the glyphs changed since the run's evaluation: only this page is known
            whole = f"the set changed since the run's last evaluation · {page_mse}"
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

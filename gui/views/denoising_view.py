"""Noise in, clean glyph out? The model fed corrupted glyphs, for the selected one and the set.

A plain autoencoder trained on clean glyphs passes much of the noise through; a denoising
autoencoder (trained on noisy inputs) removes it. The same noise draw, chosen here and repeatable
through its draw number, corrupts every glyph, so the counts of two models can be compared
fairly. Every count is against the clean glyph, thresholded at 0.5 like engine.metrics.
A set of more than PAGED_ABOVE images is shown a page at a time: only the page is corrupted,
denoised and drawn (its draw is seeded by the draw number and the page).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from engine.data.dataset import unit_floats
from engine.data.noise import NOISE_LABELS, NOISES, Noise
from engine.metrics import wrong_pixels
from gui.data.glyph_pixmap import glyph_pixmap
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.run.run_settings import RunSettings
from gui.views.glyph_strip_sheet import GlyphStripSheet, ink_rgb
from gui.views.paging import PAGE_SIZE, PAGED_ABOVE, page_rows
from gui.widgets.flow_layout import FlowLayout
from gui.widgets.page_bar import PageBar
from gui.widgets.rate_limit import RefreshThrottle

LEVEL_STEPS = 100  # slider units per 1.0 of noise level
MAX_LEVEL = 0.5
SLIDER_WIDTH = 140  # pixels
LARGE_SIDE = 120  # screen pixels the longer side of the large glyphs aims for
REFRESH_MS = 150  # the slider and the snapshots redraw at most ~7 times a second


class DenoisingView(QWidget):
    """Noise controls, the selected glyph clean | noisy | output, and the whole set below."""

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self.draw = 0  # the noise draw's seed: Resample counts up, so each draw can be repeated
        # The glyph indices the arrays below are for: a page of a large set; None: all.
        self.rows: np.ndarray | None = None
        self.noisy: np.ndarray | None = None  # (n, d) the corrupted glyphs
        self.outputs: np.ndarray | None = None  # (n, d) the model's output for them
        self.noisy_wrong: np.ndarray | None = None  # (n,) pixels the noise changed
        self.output_wrong: np.ndarray | None = None  # (n,) wrong pixels left in the output
        self._dataset = glyph_set.dataset()
        self._noisy_stale = True
        self._trained_noise: tuple[str, float] | None = None  # the settings' noise, last seen
        self._turn_to: int | None = glyph_set.current  # a glyph whose page the next page shows

        self.kind_combo = QComboBox()
        for key in NOISES:
            self.kind_combo.addItem(NOISE_LABELS[key], key)
        self.kind_combo.setToolTip("The kind of noise put on the glyphs before they are denoised")
        self.level_slider = QSlider(Qt.Orientation.Horizontal)
        self.level_slider.setRange(0, int(MAX_LEVEL * LEVEL_STEPS))
        self.level_slider.setPageStep(5)
        self.level_slider.setMinimumWidth(SLIDER_WIDTH)  # its row wraps: it cannot stretch
        self.level_slider.setToolTip("Noise level: a probability, or sigma for Gaussian noise")
        self.level_label = QLabel()
        self.level_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0.000"))
        self.resample_button = QPushButton("Resample")
        self.resample_button.setToolTip("Draw new noise (each draw has a number and repeats)")
        self.draw_label = QLabel()
        self.model_label = QLabel()
        explanation = QLabel(
            "Counts are pixels that differ from the clean glyph at 0.5: <i>noisy</i> is what "
            "the noise changed, <i>output</i> is what the model left wrong (lower is better). "
            "Below, every glyph: clean · noisy · output; click one to see it large."
        )
        self.clean_image, self.noisy_image, self.output_image = QLabel(), QLabel(), QLabel()
        self.clean_caption, self.noisy_caption, self.output_caption = QLabel(), QLabel(), QLabel()
        self.summary_label = QLabel()
        self.sheet = GlyphStripSheet()
        self.page_bar = PageBar(PAGE_SIZE)
        self.page_bar.setToolTip(
            f"Sets of more than {PAGED_ABOVE:,} glyphs are shown a page at a time"
        )
        self.page_bar.hide()
        self._layout(explanation)

        self._throttle = RefreshThrottle(self, self._refresh, REFRESH_MS)
        self._on_settings_changed(run.settings)
        self.kind_combo.currentIndexChanged.connect(self._on_noise_changed)
        self.level_slider.valueChanged.connect(self._on_noise_changed)
        self.resample_button.clicked.connect(self._on_resample_clicked)
        run.settings_changed.connect(self._on_settings_changed)
        run.snapshot_changed.connect(self._on_snapshot_changed)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_changed)
        glyph_set.current_changed.connect(self._on_current_changed)
        self.sheet.glyph_clicked.connect(self._on_glyph_clicked)
        self.page_bar.page_changed.connect(self._on_page_changed)
        self._on_noise_changed()

    def _layout(self, explanation: QLabel) -> None:
        controls = FlowLayout(
            (
                QLabel("Noise:"),
                self.kind_combo,
                QLabel("Level:"),
                self.level_slider,
                self.level_label,
                self.resample_button,
                self.draw_label,
            )
        )
        large = QGridLayout()
        images = (self.clean_image, self.noisy_image, self.output_image)
        captions = (self.clean_caption, self.noisy_caption, self.output_caption)
        for column, (image, caption) in enumerate(zip(images, captions, strict=True)):
            image.setStyleSheet("QLabel { background: white; border: 1px solid #c8c8c8; }")
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)  # "noisy: 3 px changed" need not set the column's width
            large.addWidget(image, 0, column)
            large.addWidget(caption, 1, column)
        text = QVBoxLayout()
        for label in (self.model_label, explanation, self.summary_label):
            label.setWordWrap(True)
            text.addWidget(label)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(large)
        top.addSpacing(12)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(top)
        layout.addWidget(self.page_bar)
        layout.addWidget(self.sheet, 1)

    @property
    def noise(self) -> Noise:
        """The noise the controls describe."""
        return Noise(self.kind_combo.currentData(), self.level_slider.value() / LEVEL_STEPS)

    # --- slots ----------------------------------------------------------------------------------
    @Slot()
    def _on_noise_changed(self) -> None:
        self.level_label.setText(f"{self.noise.level:.2f}")
        self._noisy_stale = True
        self._throttle.request()

    @Slot()
    def _on_resample_clicked(self) -> None:
        self.draw += 1
        self._on_noise_changed()

    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        """Show the noise the model is (or would be) trained with when that changes; other
        setting changes leave the person's own choice of noise alone."""
        trained = (settings.noise_kind, settings.noise_level)
        if trained != self._trained_noise:
            self._trained_noise = trained
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(settings.noise_kind))
            self.level_slider.setValue(round(min(settings.noise_level, MAX_LEVEL) * LEVEL_STEPS))
        if settings.kind == "dae":
            name, _, symbol = NOISE_LABELS[settings.noise_kind].partition(" (")
            noise = f"{name} noise ({symbol.rstrip(')')} = {settings.noise_level:g})"
            text = f"The model is a denoising autoencoder, trained on {noise}."
        else:
            kind = "a VAE" if settings.kind == "vae" else "a plain autoencoder"
            text = f"The model is {kind} trained on clean glyphs: it never saw noise."
        self.model_label.setText(text)

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
        elif self.page_bar.page_of(index) != self.page_bar.page:
            self.page_bar.set_page(self.page_bar.page_of(index))  # redraws with it selected
            return
        local = self._local(index)
        self.sheet.set_selected(local)
        if local is not None and local < self.sheet.count:
            self.sheet.ensure_visible(local)
        self._show_large()

    @Slot(int)
    def _on_glyph_clicked(self, index: int) -> None:
        self._glyphs.set_current(index if self.rows is None else int(self.rows[index]))

    @Slot(int)
    def _on_page_changed(self, _page: int) -> None:
        self._turn_to = None  # the page a person turned to wins over one still to be turned to
        self._noisy_stale = True
        self._throttle.request()

    def _local(self, index: int) -> int | None:
        """Glyph `index`'s row in the arrays: itself, or its place on the page (None: not on it)."""
        if self.rows is None:
            return index
        position = index - int(self.rows[0]) if len(self.rows) else -1
        return position if 0 <= position < len(self.rows) else None

    # --- computing and drawing ------------------------------------------------------------------
    def _refresh(self) -> None:
        dataset, snapshot = self._glyphs.dataset(), self._run.snapshot
        paged = len(dataset) > PAGED_ABOVE
        self.page_bar.setVisible(paged)
        turned = paged and self._turn_to is not None and self._turn_to < len(dataset)
        if paged:
            self.page_bar.set_count(len(dataset))
            if turned:
                self.page_bar.set_page(self.page_bar.page_of(self._turn_to), quiet=True)
                self._noisy_stale = True
        self._turn_to = None
        rows = page_rows(len(dataset), self.page_bar.page) if paged else None
        if self._noisy_stale or dataset is not self._dataset or self.noisy is None:
            self._dataset, self._noisy_stale, self.rows = dataset, False, rows
            # A page's draw depends on the page too, so every page has its own repeatable noise.
            rng = np.random.default_rng(
                self.draw if rows is None else [self.draw, len(dataset), self.page_bar.page]
            )
            self.noisy = self.noise.apply(self._clean(), rng)  # (n, d)
            self.noisy_wrong = wrong_pixels(self.noisy, self._clean())
        self.draw_label.setText(f"draw #{self.draw}")
        if snapshot is None or snapshot.model.n_inputs != dataset.n_pixels:
            self.outputs = self.output_wrong = None
            self.summary_label.setText("No model for these glyphs yet: press <b>Start</b>.")
            self.sheet.clear()
            self._show_large()
            return
        clean = self._clean()
        self.outputs = snapshot.model.reconstruct(self.noisy)
        self.output_wrong = wrong_pixels(self.outputs, clean)
        shape = (len(clean), dataset.height, dataset.width)
        panels = [ink_rgb(a.reshape(shape)) for a in (clean, self.noisy, self.outputs)]
        self.sheet.set_strips(panels, self.output_wrong > 0, self._caption, self._tip)
        local = self._local(self._glyphs.current)
        self.sheet.set_selected(local)
        if turned and local is not None:  # later snapshots leave the scrolling to the person
            self.sheet.ensure_visible(local)
        if self.rows is None:
            shown = f"Whole set ({len(dataset)} glyphs)"
        else:
            shown = f"This {self.page_bar.text()} ({len(self.rows)} of {len(dataset):,} images)"
        self.summary_label.setText(
            f"{shown}, epoch {snapshot.epoch}: the noise changed "
            f"<b>{self.noisy_wrong.mean():.1f}</b> px per glyph on average (max "
            f"{self.noisy_wrong.max()}); the output is wrong by <b>{self.output_wrong.mean():.1f}"
            f"</b> px on average (max <b>{self.output_wrong.max()}</b>)."
        )
        self._show_large()

    def _clean(self) -> np.ndarray:
        """The clean glyphs the arrays are for: the set, or the page's.  (n or page, d)"""
        if self.rows is None:
            return self._dataset.images
        return unit_floats(self._dataset.pixels[self.rows])

    def _show_large(self) -> None:
        """The selected glyph, large: clean, noisy and (if there is a model) the output."""
        dataset, index = self._dataset, self._glyphs.current
        row = self._local(index) if index < len(dataset) else None
        if self.noisy is None or row is None:
            return
        shape = (dataset.height, dataset.width)
        scale = max(4, LARGE_SIDE // max(shape))
        self.clean_image.setPixmap(glyph_pixmap(dataset.image(index), scale))
        self.noisy_image.setPixmap(glyph_pixmap(self.noisy[row].reshape(shape), scale))
        self.clean_caption.setText(f"clean {dataset.labels[index]!r}")
        self.noisy_caption.setText(f"noisy: {self.noisy_wrong[row]} px changed")
        if self.outputs is None:
            self.output_image.clear()
            self.output_caption.setText("output: no model yet")
            return
        self.output_image.setPixmap(glyph_pixmap(self.outputs[row].reshape(shape), scale))
        self.output_caption.setText(f"output: <b>{self.output_wrong[row]}</b> wrong px")

    def _glyph(self, row: int) -> int:
        return row if self.rows is None else int(self.rows[row])

    def _caption(self, row: int) -> str:
        label = self._dataset.labels[self._glyph(row)]
        return f"{label} · {self.noisy_wrong[row]}→{self.output_wrong[row]}"

    def _tip(self, row: int) -> str:
        glyph = self._glyph(row)
        return (
            f"{self._dataset.labels[glyph]!r} (glyph {glyph}): the noise changed "
            f"{self.noisy_wrong[row]} pixels; the output has {self.output_wrong[row]} wrong"
        )

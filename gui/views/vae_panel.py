"""What a VAE adds: a prior to sample from, a spread (sigma) per glyph, and beta to trade them off.

Samples are codes drawn from N(0, I) with a numbered seed, decoded by the latest snapshot's copy
of the model and scored against the nearest real glyph. The panel also scores the decoded 10x10
grid over [-2, 2]^2 as `main.py generate` does (engine.generation): distinct and new images,
how much each latent axis changes the picture, the nearest glyph's distance. When the latent
space collapses (most of the grid decodes to one image, a latent axis with no KL, an axis that
changes nothing) the panel says so and what to change, because the loss curve alone looks fine
then; a low total KL alone is no sign of it (near-identical glyphs need little).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.generation import collapse_report, grid_quality
from engine.latent import sample_prior
from engine.models import kl_per_axis
from engine.nearest import nearest_images
from engine.training import Snapshot
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.run.run_settings import RunSettings
from gui.views.interpolation_view import GlyphListStrip
from gui.views.paging import PAGED_ABOVE
from gui.widgets.flow_layout import FlowLayout

DEFAULT_SAMPLES = 16
MAX_SAMPLES = 100
REFRESH_MS = 150  # new snapshots redraw the samples at most ~7 times a second
WARNING_STYLE = "QLabel { color: #b00000; font-weight: bold; }"


class VAEInsightPanel(QWidget):
    """Prior samples, mu +/- sigma ellipses, live beta and a KL-collapse warning for a VAE."""

    ellipses_toggled = Signal(bool)
    samples_changed = Signal(object)  # np.ndarray (N, L) prior sample codes, or None

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self._snapshot: Snapshot | None = run.snapshot
        self.draw = 0  # the prior sample seed: each Sample click counts up, so draws repeat
        self.codes: np.ndarray | None = None  # (N, L) prior samples
        self.samples: np.ndarray | None = None  # (N, d) decoded
        self.nearest: np.ndarray | None = None  # (N,)
        self.distance: np.ndarray | None = None  # (N,)

        self.note = QLabel(
            "The model is not a VAE: choose the VAE kind in the training panel to sample from a "
            "prior, see each glyph's spread and tune beta."
        )
        self.note.setWordWrap(True)
        self.content = QWidget()
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_SAMPLES)
        self.count_spin.setValue(DEFAULT_SAMPLES)
        self.count_spin.setToolTip("How many codes to draw from the prior and decode")
        self.sample_button = QPushButton("Sample from the prior")
        self.sample_button.setToolTip("Decode N codes drawn from N(0, I); each click draws anew")
        self.add_button = QPushButton("Add selected to set")
        self.add_button.setToolTip("Append the selected sample to the glyph set")
        self.ellipses_check = QCheckBox("Show mu ± sigma ellipses")
        self.ellipses_check.setToolTip(
            "On the latent plot: each glyph's posterior, one standard deviation wide"
        )
        self.beta_spin = QDoubleSpinBox()
        self.beta_spin.setRange(0.0, 100.0)
        self.beta_spin.setDecimals(3)
        self.beta_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.beta_spin.setKeyboardTracking(False)
        self.beta_spin.setToolTip("Weight of the KL term; takes effect at once, also mid-run")
        self.kl_label = QLabel()
        self.kl_label.setWordWrap(True)
        self.grid_label = QLabel()
        self.grid_label.setWordWrap(True)
        self.grid_label.setToolTip(
            "The 10x10 grid of latent points over [-2, 2]^2 (other axes 0), decoded and "
            "thresholded, as `main.py generate` reports it"
        )
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.hide()
        self.samples_label = QLabel()
        self.samples_label.setWordWrap(True)
        self.strip = GlyphListStrip()
        self._stale = False  # a snapshot came while the tab was hidden: refresh when shown
        self._layout()

        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh)
        self._on_settings_changed(run.settings)
        self.sample_button.clicked.connect(self._on_sample_clicked)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.ellipses_check.toggled.connect(self._on_ellipses_toggled)
        self.beta_spin.valueChanged.connect(self._on_beta_changed)
        run.settings_changed.connect(self._on_settings_changed)
        run.snapshot_changed.connect(self._on_snapshot_changed)
        self._refresh()

    def _layout(self) -> None:
        controls = FlowLayout(
            (
                QLabel("N:"),
                self.count_spin,
                self.sample_button,
                self.add_button,
                self.ellipses_check,
                QLabel("beta:"),
                self.beta_spin,
            )
        )
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(controls)
        inner.addWidget(self.kl_label)
        inner.addWidget(self.grid_label)
        inner.addWidget(self.warning_label)
        inner.addWidget(self.samples_label)
        inner.addWidget(self.strip, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.content, 1)

    @property
    def is_vae(self) -> bool:
        snapshot = self._snapshot
        return snapshot is not None and snapshot.model.kind == "vae"

    @property
    def warning_shown(self) -> bool:
        return not self.warning_label.isHidden()

    # --- slots ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        if self.beta_spin.value() != settings.beta:
            blocked = self.beta_spin.blockSignals(True)
            self.beta_spin.setValue(settings.beta)
            self.beta_spin.blockSignals(blocked)

    @Slot(float)
    def _on_beta_changed(self, value: float) -> None:
        self._run.update_settings(beta=value)  # reaches a running trainer at once

    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._refresh()

    @Slot()
    def _on_sample_clicked(self) -> None:
        if not self.is_vae:
            return
        self.draw += 1
        rng = np.random.default_rng(self.draw)
        self.codes = sample_prior(self._snapshot.model.latent, self.count_spin.value(), rng)
        self.samples_changed.emit(self.codes)
        self._refresh()

    @Slot()
    def _on_add_clicked(self) -> None:
        row = self.strip.currentRow()
        if self.samples is None or not 0 <= row < len(self.samples):
            return
        dataset = self._glyphs.dataset()
        image = np.clip(self.samples[row], 0.0, 1.0).reshape(dataset.height, dataset.width)
        self._glyphs.add_glyph(f"s{row + 1}", image.astype(np.float32))

    @Slot(bool)
    def _on_ellipses_toggled(self, on: bool) -> None:
        self.ellipses_toggled.emit(on)

    # --- computing and drawing ------------------------------------------------------------------
    def _refresh(self) -> None:
        vae = self.is_vae
        self.note.setVisible(not vae)
        self.content.setVisible(vae)
        if not vae:
            if self.codes is not None:
                self.codes = self.samples = self.nearest = self.distance = None
                self.strip.clear()
                self.samples_changed.emit(None)
            self.warning_label.hide()
            return
        snapshot, dataset = self._snapshot, self._glyphs.dataset()
        model = snapshot.model
        if self.codes is not None and self.codes.shape[1] != model.latent:
            self.codes = None  # another latent size: the old samples mean nothing
            self.strip.clear()
            self.samples_changed.emit(None)
        # Scoring the grid and decoding the samples took ~1% of a core behind another tab
        # while a VAE trained (measured): a hidden tab catches up when it is shown.
        self._stale = not self.isVisible()
        if self._stale:
            return
        kl = snapshot.evaluation.kl
        axes = ""
        if snapshot.logvar is not None and model.latent > 1:
            per_axis = kl_per_axis(snapshot.latent, snapshot.logvar)  # (L,)
            axes = " (" + ", ".join(f"z{i + 1} {v:.2g}" for i, v in enumerate(per_axis)) + ")"
        self.kl_label.setText(
            f"Epoch {snapshot.epoch}: KL per image <b>{kl:.3g}</b> nats{axes}, reconstruction "
            f"{snapshot.evaluation.recon:.4g}, beta {model.beta:g}."
        )
        warning = None
        if model.n_inputs == dataset.n_pixels and len(dataset) > PAGED_ABOVE:
            # Scoring the grid compares it with every image as float64: 376 MB for MNIST.
            self.grid_label.setText(
                f"The decoded grid is scored on sets of up to {PAGED_ABOVE:,} images."
            )
        elif model.n_inputs == dataset.n_pixels:
            quality = grid_quality(model, dataset.images)
            self.grid_label.setText(quality.summary().replace("\n", "<br>"))
            warning = collapse_report(model, dataset.images, quality)
        else:
            self.grid_label.clear()
        if self.codes is not None and model.n_inputs == dataset.n_pixels:
            self.samples = model.decode(self.codes)  # (N, d)
            self.nearest, self.distance = nearest_images(self.samples, dataset.pixels)
            labels = dataset.labels
            captions = [
                f"{d} px · {labels[i]}" for i, d in zip(self.nearest, self.distance, strict=True)
            ]
            tips = [
                f"sample {k + 1}: {d} pixels from the nearest glyph, {labels[i]!r}"
                for k, (i, d) in enumerate(zip(self.nearest, self.distance, strict=True))
            ]
            shape = (len(self.samples), dataset.height, dataset.width)
            self.strip.set_images(self.samples.reshape(shape), captions, tips)
            self.samples_label.setText(
                f"Draw #{self.draw}: {len(self.samples)} codes from N(0, I), decoded. Under each: "
                f"pixels from the nearest real glyph, and that glyph; "
                f"{int(np.sum(self.distance == 0))} are exactly a glyph of the set."
            )
        else:
            self.samples_label.setText("Press <b>Sample from the prior</b> to decode N codes.")
        self.warning_label.setText(warning or "")
        self.warning_label.setVisible(snapshot.epoch > 0 and warning is not None)

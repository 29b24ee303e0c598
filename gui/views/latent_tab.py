"""The "Latent space" tab: the latent scatter, the generator beside it and the editor's round trip.

It is a view of the run and the glyph set like every other tab: a click on the plane decodes a
point in the generator, a glyph picked on the plane becomes the editor's glyph, and the glyph in
the editor is marked where the latest model encodes it (the star follows the pen). The window
feeds it snapshots, because the scatter must move on every one while the readouts are
rate-limited together with the status bar.

Held-out images on demand: the "Show test images" box (off by default, enabled once there are
test images) draws their codes as hollow rings. A run that holds out part of its set (the
Trainer's split, `Snapshot.test_rows`) has their codes in every snapshot already; a test set
from elsewhere is given by `set_test_data(dataset)` and encoded off the GUI thread from the
latest snapshot (gui.views.heldout_codes), unless the caller passes codes to `set_test_codes`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.data.datasets import Dataset
from engine.training import Snapshot
from gui.data.glyph_set import GlyphSet
from gui.plots.latent_scatter import LatentScatter
from gui.run.run_controller import RunController
from gui.views.generator_canvas import EncodeReadout, GeneratorCanvas
from gui.views.heldout_codes import HeldOutCodes
from gui.widgets.flow_layout import FlowLayout

NO_TEST_TIP = "There are no test images: a set split into training and test images has them."
TEST_TIP = (
    "Draw the held-out test images' codes as hollow rings (in their class colours), to see "
    "whether images the model never trained on land where the training images do."
)


def _checkable(parent: QWidget, text: str, short: str, tip: str, checked: bool) -> QAction:
    action = QAction(text, parent)
    action.setIconText(short)  # what a tool button shows
    action.setCheckable(True)
    action.setChecked(checked)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


class LatentTab(QSplitter):
    """The scatter (with its view toggles above it) on the left, generator and readout right.

    `thumbnails_action` and `background_action` also sit in the window's View menu; `store`
    keeps their state between sessions."""

    def __init__(
        self,
        run: RunController,
        glyph_set: GlyphSet,
        store: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.run = run
        self.glyph_set = glyph_set
        self._store = store
        self.scatter = LatentScatter()
        self.generator = GeneratorCanvas(glyph_set)
        self.readout = EncodeReadout()
        self.heldout = HeldOutCodes(self)
        self.test_box = QCheckBox("Show test images")
        self.test_box.setEnabled(False)
        self.test_box.setToolTip(NO_TEST_TIP)
        self._make_view_actions()
        self._make_layout()
        self.scatter.point_clicked.connect(self._on_point_clicked)
        self.scatter.glyph_selected.connect(self._on_glyph_selected)
        glyph_set.current_changed.connect(self._on_current_glyph_changed)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self.update_probe)
        self.test_box.toggled.connect(self._on_test_box_toggled)
        self._split: tuple[np.ndarray, tuple[str, ...]] | None = None  # rows, their labels
        self._shown: Snapshot | None = None  # the snapshot on the plane
        self.heldout.codes_ready.connect(self._on_test_codes_ready)

    def _make_view_actions(self) -> None:
        store = self._store
        self.thumbnails_action = _checkable(
            self,
            "Show glyphs as &thumbnails",
            "Thumbnails",
            "Draw each glyph's pixels at its latent point instead of its label.",
            store.value("view/thumbnails", False, type=bool),
        )
        self.background_action = _checkable(
            self,
            "&Decoded background",
            "Decoded background",
            "Fill the latent plane with glyphs decoded on a grid, to see what each region means.",
            store.value("view/background", False, type=bool),
        )
        self.thumbnails_action.toggled.connect(self._on_thumbnails_changed)
        self.background_action.toggled.connect(self._on_background_changed)
        self.scatter.set_thumbnails(self.thumbnails_action.isChecked())
        self.scatter.set_background_visible(self.background_action.isChecked())

    def _make_layout(self) -> None:
        buttons = []
        for action in (self.thumbnails_action, self.background_action):
            button = QToolButton()
            button.setDefaultAction(action)
            buttons.append(button)
        toggles = FlowLayout([*buttons, self.test_box])  # wraps in a narrow pane
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(toggles)
        left_layout.addWidget(self.scatter, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.generator, 3)
        side_layout.addWidget(self.readout, 2)
        self.addWidget(left)
        self.addWidget(side)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)

    # --- what the window calls with each snapshot -------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Move the points (and the probe star with them, in the same paint)."""
        self.scatter.set_probe(self._probe_code(), redraw=False)
        self.scatter.set_snapshot(snapshot, self.run.dataset)
        self._shown = snapshot
        self._show_split(snapshot)
        self.heldout.set_snapshot(snapshot)  # re-encodes the test images only while shown

    def _show_split(self, snapshot: Snapshot | None) -> None:
        """The run's own held-out images (their codes are in the snapshot, at `test_rows`),
        unless a test set was given with `set_test_data`."""
        if self.heldout.dataset is not None:
            return
        rows = None if snapshot is None else snapshot.test_rows
        if rows is None or len(rows) != len(snapshot.latent) or not rows.any():
            if self._split is not None:
                self._split = None
                self._enable_test_box(False)
            return
        if self._split is None or self._split[0] is not rows:  # a new split: its labels once
            labels = self.run.dataset.labels
            held = [labels[i] for i in np.flatnonzero(rows)] if len(labels) == len(rows) else []
            self._split = (rows, tuple(held))
            self._enable_test_box(True)
        if self.test_box.isChecked():
            self.scatter.set_test_codes(snapshot.latent[rows], self._split[1])  # (m, L)

    def _enable_test_box(self, on: bool) -> None:
        self.test_box.setEnabled(on)
        self.test_box.setToolTip(TEST_TIP if on else NO_TEST_TIP)
        if not on:
            self.test_box.setChecked(False)

    # --- held-out images --------------------------------------------------------------------------
    def set_test_data(self, dataset: Dataset | None) -> None:
        """The held-out test images (None: no split). Enables "Show test images"; while it is
        ticked their codes are computed from the latest snapshot off the GUI thread."""
        self.heldout.set_dataset(dataset)
        self._split = None
        self._enable_test_box(dataset is not None)
        self.heldout.set_snapshot(self.run.snapshot)
        if dataset is None:
            self._show_split(self._shown)  # the run's own split, if it has one

    def set_test_codes(self, codes: np.ndarray | None) -> None:
        """Codes (m, L) of the test images that the run already has: shown as they are (while
        the box is ticked) instead of computed here; None goes back to computing them."""
        self.heldout.set_codes(codes)

    def show_readouts(self) -> None:
        """The generator's picture and the editor glyph's round trip, from the latest snapshot."""
        snapshot = self.run.snapshot
        if snapshot is not None:
            self.generator.set_snapshot(snapshot, self.run.dataset)
        self.update_probe(marker=False)

    def show_current_glyph(self) -> None:
        """Select the editor's glyph on the plane and show where it encodes."""
        self._on_current_glyph_changed(self.glyph_set.current)

    @Slot()
    def update_probe(self, marker: bool = True) -> None:
        """Mark the editor's glyph on the plane (unless `marker` is False) and show its round
        trip through the latest model copy."""
        code = self._probe_code()
        if marker:
            self.scatter.set_probe(code)
        if code is not None:
            image = self.glyph_set.image(self.glyph_set.current)  # (h, w)
            output = self.run.snapshot.model.decode(code[None, :])[0].reshape(image.shape)
            self.readout.show_round_trip(image, code, output)

    def _probe_code(self) -> np.ndarray | None:
        """Where the editor's glyph encodes with the latest model copy (latent,), if it fits."""
        snapshot, glyphs = self.run.snapshot, self.glyph_set
        if snapshot is None or glyphs.width * glyphs.height != snapshot.model.n_inputs:
            return None
        return snapshot.model.encode(glyphs.image(glyphs.current).reshape(1, -1))[0]

    # --- slots ------------------------------------------------------------------------------------
    @Slot(object)
    def _on_point_clicked(self, code: np.ndarray) -> None:
        self.generator.set_code(code)
        self.scatter.set_generator_point(code)

    @Slot(int)
    def _on_glyph_selected(self, index: int) -> None:
        if index < len(self.glyph_set):
            self.glyph_set.set_current(index)

    @Slot(int)
    def _on_current_glyph_changed(self, index: int) -> None:
        self.scatter.set_selected(index)
        self.update_probe()

    @Slot(int)
    def _on_glyph_changed(self, index: int) -> None:
        if index == self.glyph_set.current:
            self.update_probe()  # draw to encode: the star follows the pen

    @Slot(bool)
    def _on_test_box_toggled(self, on: bool) -> None:
        self.heldout.set_active(on)  # hides the rings when off
        if on and self.heldout.dataset is None:
            self._show_split(self._shown)

    @Slot(object)
    def _on_test_codes_ready(self, codes: np.ndarray | None) -> None:
        dataset = self.heldout.dataset
        labels = () if dataset is None else dataset.labels
        self.scatter.set_test_codes(codes, labels)

    @Slot(bool)
    def _on_thumbnails_changed(self, on: bool) -> None:
        self.scatter.set_thumbnails(on)
        self._store.setValue("view/thumbnails", on)

    @Slot(bool)
    def _on_background_changed(self, on: bool) -> None:
        self.scatter.set_background_visible(on)
        self._store.setValue("view/background", on)

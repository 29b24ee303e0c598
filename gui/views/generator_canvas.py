"""The generator: what the decoder draws at a chosen latent point, and how close it is to a glyph.

It decodes with the latest snapshot's model copy, never the worker's live model, so it can
redecode on every snapshot while training runs. `EncodeReadout` shows the round trip of the
glyph in the editor (drawing -> code -> reconstruction) for "draw to encode".
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from engine.data.datasets import Dataset
from engine.metrics import THRESHOLD
from engine.nearest import InkIndex
from engine.training import Snapshot
from gui.data.glyph_pixmap import glyph_image
from gui.data.glyph_set import GlyphSet

FRAME = QColor(150, 150, 150)
NO_POINT = "Click or drag on the latent plane to decode a point."
NUMBERED_ABOVE = 200  # in sets bigger than this the nearest image is named by its index too
ORIGIN = "the origin. Click the plane for another point."


class GlyphView(QWidget):
    """One glyph drawn as large as fits, pixels as crisp squares; an empty frame when none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: np.ndarray | None = None
        self.setMinimumSize(48, 48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(140, 160)

    @property
    def image(self) -> np.ndarray | None:
        return None if self._image is None else self._image.copy()

    def set_image(self, image: np.ndarray | None) -> None:
        self._image = None if image is None else np.asarray(image, np.float32)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._image is None:
            painter.setPen(QPen(FRAME, 1, Qt.PenStyle.DashLine))
            painter.drawRect(self.rect().adjusted(4, 4, -5, -5))
            return
        height, width = self._image.shape
        cell = max(1, min((self.width() - 2) // width, (self.height() - 2) // height))
        target = QRect(0, 0, cell * width, cell * height)
        target.moveCenter(self.rect().center())
        painter.drawImage(target, glyph_image(self._image))
        painter.setPen(QPen(FRAME))
        painter.drawRect(target.adjusted(-1, -1, 0, 0))


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class GeneratorCanvas(QWidget):
    """Decodes one latent point into grey levels and thresholded pixels, side by side."""

    def __init__(self, glyph_set: GlyphSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._glyphs = glyph_set
        self._snapshot: Snapshot | None = None
        self._dataset: Dataset | None = None
        self._code: np.ndarray | None = None
        self._grey: np.ndarray | None = None  # (h, w) in [0, 1]
        self._ink: tuple[Dataset, InkIndex] | None = None  # the set's packed ink, made once

        self.grey_view = GlyphView()
        self.grey_view.setToolTip(
            "The decoder's output at the chosen point: grey levels in [0, 1]."
        )
        self.binary_view = GlyphView()
        self.binary_view.setToolTip(f"The same output thresholded at {THRESHOLD}.")
        self.code_label = QLabel(NO_POINT)
        self.code_label.setWordWrap(True)
        self.code_label.setToolTip("The latent vector being decoded.")
        self.nearest_view = GlyphView()
        self.nearest_view.setFixedSize(56, 64)
        self.nearest_view.setToolTip("The training glyph closest to the thresholded output.")
        self.nearest_label = QLabel("")
        self.nearest_label.setWordWrap(True)
        self.nearest_label.setToolTip(
            "The training glyph closest to the thresholded output, and how many pixels differ."
        )
        self.add_button = QPushButton("Add to set")
        self.add_button.setEnabled(False)
        self.add_button.setToolTip(
            "Append the generated glyph to the data set as 'gen-N' (thresholded for black and "
            "white sets, grey levels otherwise). Undo removes it again."
        )
        self.add_button.clicked.connect(self._on_add_clicked)

        box = QGroupBox("Generator")
        grid = QGridLayout(box)
        grid.addWidget(self.grey_view, 0, 0)
        grid.addWidget(self.binary_view, 0, 1)
        grid.addWidget(_caption("grey levels · thresholded"), 1, 0, 1, 2)
        grid.addWidget(self.code_label, 2, 0, 1, 2)
        nearest = QHBoxLayout()
        nearest.addWidget(self.nearest_view)
        nearest.addWidget(self.nearest_label, 1)
        grid.addLayout(nearest, 3, 0, 1, 2)
        grid.addWidget(self.add_button, 4, 0, 1, 2)
        grid.setRowStretch(0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)

    # --- what the window calls ------------------------------------------------------------------
    @property
    def code(self) -> np.ndarray | None:
        return None if self._code is None else self._code.copy()

    @property
    def generated(self) -> np.ndarray | None:
        """The decoded glyph (h, w) in grey levels, or None before a point is chosen."""
        return None if self._grey is None else self._grey.copy()

    def set_snapshot(self, snapshot: Snapshot, dataset: Dataset) -> None:
        """Use this model from now on; the chosen point is decoded again with it."""
        self._snapshot, self._dataset = snapshot, dataset
        if self._code is not None and len(self._code) != snapshot.model.latent:
            self._code = None  # another latent size: the old point means nothing now
        self._redecode()

    @Slot(object)
    def set_code(self, code: np.ndarray) -> None:
        self._code = np.asarray(code, np.float64).reshape(-1)
        self._redecode()

    # --- internals --------------------------------------------------------------------------------
    def _redecode(self) -> None:
        """Decode the chosen point; before any is chosen, the origin (the centre of a VAE's
        prior), so the generator shows what it does rather than two empty frames."""
        snapshot, dataset, code = self._snapshot, self._dataset, self._code
        if snapshot is not None and code is None:
            code = np.zeros(snapshot.model.latent)
        if snapshot is None or dataset is None or code is None:
            self._grey = None
            self.grey_view.set_image(None)
            self.binary_view.set_image(None)
            self.nearest_view.set_image(None)
            self.code_label.setText(NO_POINT)
            self.nearest_label.setText("")
            self.add_button.setEnabled(False)
            return
        output = snapshot.model.decode(code[None, :])[0]  # (d,)
        self._grey = output.reshape(dataset.height, dataset.width)
        self.grey_view.set_image(self._grey)
        self.binary_view.set_image((self._grey >= THRESHOLD).astype(np.float32))
        shown = ", ".join(f"{v:.2f}" for v in code[:8]) + (", ..." if len(code) > 8 else "")
        self.code_label.setText(f"z = ({shown})" + (f", {ORIGIN}" if self._code is None else ""))
        if self._ink is None or self._ink[0] is not dataset:  # 60,000 images: ~40 ms, once
            self._ink = (dataset, InkIndex(dataset.pixels))
        found, distances = self._ink[1].nearest(self._grey.reshape(1, -1))  # ~1 ms at 60,000
        index, distance = int(found[0]), int(distances[0])
        self.nearest_view.set_image(dataset.image(index))
        pixels = "pixel differs" if distance == 1 else "pixels differ"
        # A line of its own for the image's number: beside the 56 px glyph view "3 (image
        # 53,459)" wrapped into three lines and pushed "34 pixels differ" out of the box.
        number = f"<br>image {index:,}" if len(dataset) > NUMBERED_ABOVE else ""
        self.nearest_label.setText(
            f"Nearest glyph: <b>{dataset.labels[index]}</b>{number}<br>{distance} {pixels}"
        )
        self.add_button.setEnabled(True)

    @Slot()
    def _on_add_clicked(self) -> None:
        if self._grey is None:
            return
        binary = self._glyphs.dataset().binary
        image = (self._grey >= THRESHOLD).astype(np.float32) if binary else self._grey
        labels = {self._glyphs.label(i) for i in range(len(self._glyphs))}
        number = 1
        while f"gen-{number}" in labels:
            number += 1
        self._glyphs.add_glyph(f"gen-{number}", image)


class EncodeReadout(QWidget):
    """Draw to encode: the editor's glyph, its reconstruction, and where it lands."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input_view = GlyphView()
        self.input_view.setToolTip("The glyph in the editor, as you draw it.")
        self.output_view = GlyphView()
        self.output_view.setToolTip("What the autoencoder makes of it: decode(encode(drawing)).")
        self.info_label = QLabel("")
        self.info_label.setWordWrap(True)
        box = QGroupBox("Your drawing")
        box.setToolTip(
            "Edit a glyph in the editor: the star on the latent plane shows where it encodes, "
            "and this shows the model's reconstruction of it."
        )
        grid = QGridLayout(box)
        grid.addWidget(self.input_view, 0, 0)
        grid.addWidget(self.output_view, 0, 1)
        grid.addWidget(_caption("drawing \u2192 reconstruction"), 1, 0, 1, 2)
        grid.addWidget(self.info_label, 2, 0, 1, 2)
        grid.setRowStretch(0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)

    def show_round_trip(
        self, drawing: np.ndarray, code: np.ndarray, reconstruction: np.ndarray
    ) -> None:
        """drawing and reconstruction (h, w); code (latent,)."""
        self.input_view.set_image(drawing)
        self.output_view.set_image(reconstruction)
        wrong = int(np.count_nonzero((drawing >= THRESHOLD) != (reconstruction >= THRESHOLD)))
        shown = ", ".join(f"{v:.2f}" for v in code[:8]) + (", ..." if len(code) > 8 else "")
        pixels = "wrong pixel" if wrong == 1 else "wrong pixels"
        self.info_label.setText(f"encodes to ({shown}); {wrong} {pixels}")

"""Walk the straight line between two glyphs' codes and watch what the decoder makes of it.

Each frame is decoded from a point on the line (in the full latent space, whatever its size) by the
latest snapshot's copy of the model, and scored by its distance to the nearest real glyph: a frame
far from every glyph is something the set does not contain (a new glyph, or nonsense). The path's
codes are emitted as `path_changed` so the window can draw the line on the latent plot.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.data.dataset import unit_floats
from engine.latent import interpolate
from engine.nearest import nearest_images
from engine.png import image_sheet, save_png
from engine.training import Snapshot
from gui.data.glyph_pixmap import glyph_pixmap
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.widgets.flow_layout import FlowLayout

DEFAULT_FRAMES = 10
MAX_FRAMES = 60
PLAY_MS = 180  # one animation frame
REFRESH_MS = 150  # new snapshots redraw the strip at most ~7 times a second
CANVAS_SIDE = 220  # screen pixels the large frame's longer side aims for
STRIP_SIDE = 48  # screen pixels a strip frame's longer side aims for
FIT_CHOICES = 2000  # pickers of more glyphs than this no longer widen to their longest text
DISPLAY = Qt.ItemDataRole.DisplayRole
_ROOT = QModelIndex()


class GlyphChoices(QAbstractListModel):
    """A picker's texts: the label, with the glyph's number when labels repeat (digits). Each
    text is made only when it is shown, so 60,000 MNIST digits cost no 60,000 strings and items."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels: tuple[str, ...] = ()
        self._unique = True

    def set_labels(self, labels: tuple[str, ...]) -> None:
        self.beginResetModel()
        self._labels, self._unique = labels, len(set(labels)) == len(labels)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if role not in (DISPLAY, Qt.ItemDataRole.EditRole) or not index.isValid():
            return None
        label = self._labels[index.row()]
        return label if self._unique else f"{label} (#{index.row()})"


def frame_label(start: str, end: str) -> str:
    """A short label for a frame added to the set (short labels keep the scatter's text symbols)."""
    joined = f"{start}{end}"
    return joined if len(joined) <= 3 else f"{start}-{end}"


class GlyphListStrip(QListWidget):
    """Decoded images as icons with captions, in a wrapping row; the current item is selectable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def set_images(self, images: np.ndarray, captions: list[str], tips: list[str]) -> None:
        """images (k, h, w) in [0, 1]; keeps the selected row when the count stays the same."""
        row = self.currentRow()
        h, w = images.shape[1:]
        scale = max(2, STRIP_SIDE // max(h, w))
        fm = self.fontMetrics()
        text_w = max((fm.horizontalAdvance(c) for c in captions), default=0) + 8
        box_w = max(w * scale, text_w)
        self.setIconSize(QSize(w * scale, h * scale))
        self.setGridSize(QSize(box_w + 12, h * scale + fm.height() + 14))
        same = self.count() == len(images)
        blocked = self.blockSignals(True)
        if not same:
            self.clear()
        for i, (image, caption, tip) in enumerate(zip(images, captions, tips, strict=True)):
            item = self.item(i) if same else QListWidgetItem()
            item.setIcon(QIcon(glyph_pixmap(image, scale)))
            item.setText(caption)
            item.setToolTip(tip)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            if not same:
                self.addItem(item)
        if same and row >= 0:
            self.setCurrentRow(row)
        self.blockSignals(blocked)


class InterpolationView(QWidget):
    """Two glyphs, K frames between their codes, an animation and the strip as a PNG."""

    path_changed = Signal(object)  # np.ndarray (K, L) codes of the path, or None to hide it
    written = Signal(str)  # the path of an exported strip
    error_occurred = Signal(str)  # a sentence: the strip could not be written

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self._snapshot: Snapshot | None = run.snapshot
        self.path: np.ndarray | None = None  # (K, L) codes
        self.frames: np.ndarray | None = None  # (K, d) decoded frames
        self.nearest: np.ndarray | None = None  # (K,) index of the nearest real glyph
        self.distance: np.ndarray | None = None  # (K,) its pixel distance
        self.frame = 0  # the frame shown large

        self.start_combo, self.end_combo = QComboBox(), QComboBox()
        for combo in (self.start_combo, self.end_combo):
            combo.setModel(GlyphChoices(combo))
            combo.setMaxVisibleItems(20)
            combo.view().setUniformItemSizes(True)  # 60,000 rows: no size asked of each
            combo.setMinimumContentsLength(12)
        self.start_combo.setToolTip("The glyph the path starts from (its code is frame 1)")
        self.end_combo.setToolTip("The glyph the path ends at (its code is the last frame)")
        self.frames_spin = QSpinBox()
        self.frames_spin.setRange(2, MAX_FRAMES)
        self.frames_spin.setValue(DEFAULT_FRAMES)
        self.frames_spin.setToolTip("How many frames from the first glyph's code to the second's")
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Animate the frames in the large view (again and again)")
        self.export_button = QPushButton("Export strip PNG…")
        self.export_button.setToolTip("Save every frame side by side as one PNG image")
        self.add_button = QPushButton("Add frame to set")
        self.add_button.setToolTip("Append the frame shown large to the glyph set")
        self.path_check = QCheckBox("Show path on the latent plot")
        self.path_check.setChecked(True)
        self.path_check.setToolTip("Draw the path's codes as an orange line on the latent plane")
        self.canvas = QLabel()
        self.canvas.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.canvas.setMinimumSize(CANVAS_SIDE + 20, CANVAS_SIDE + 20)
        self.canvas.setStyleSheet("QLabel { background: white; border: 1px solid #c8c8c8; }")
        self.canvas_caption = QLabel()
        self.canvas_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.strip = GlyphListStrip()
        self._drawn = False  # the frames on screen are of the latest snapshot and path
        self._layout()

        self._play_timer = QTimer(self, interval=PLAY_MS)
        self._play_timer.timeout.connect(self._on_play_tick)
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh)
        self._fill_combos(default_start=glyph_set.current)
        self.start_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.end_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.frames_spin.valueChanged.connect(self._on_choice_changed)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.path_check.toggled.connect(self._on_path_check_toggled)
        self.strip.currentRowChanged.connect(self._on_strip_row_changed)
        run.snapshot_changed.connect(self._on_snapshot_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_reset)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        self._refresh()

    def _layout(self) -> None:
        controls = FlowLayout(
            (
                QLabel("From"),
                self.start_combo,
                QLabel("to"),
                self.end_combo,
                QLabel("Frames:"),
                self.frames_spin,
                self.play_button,
                self.export_button,
                self.add_button,
                self.path_check,
            )
        )
        large = QVBoxLayout()
        large.addWidget(self.canvas)
        large.addWidget(self.canvas_caption)
        explanation = QLabel(
            "Each frame is decoded from a point on the straight line between the two glyphs' "
            "codes (in the whole latent space). Under each frame: its distance in pixels to the "
            "nearest real glyph, and that glyph. Frames far from every glyph are images the set "
            "does not contain. Click a frame to show it large."
        )
        explanation.setWordWrap(True)
        text = QVBoxLayout()
        text.addWidget(explanation)
        text.addWidget(self.summary_label)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(large)
        top.addSpacing(12)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(top)
        layout.addWidget(self.strip, 1)

    # --- what the choices mean ------------------------------------------------------------------
    @property
    def start_index(self) -> int:
        return max(0, self.start_combo.currentIndex())

    @property
    def end_index(self) -> int:
        return max(0, self.end_combo.currentIndex())

    def set_glyphs(self, start: int, end: int) -> None:
        """Choose the two glyphs by index (as picking them in the combo boxes does)."""
        self.start_combo.setCurrentIndex(start)
        self.end_combo.setCurrentIndex(end)

    def _fill_combos(self, default_start: int | None = None) -> None:
        labels = self._glyphs.dataset().labels
        n = len(labels)
        start = self.start_index if default_start is None else default_start
        end = self.end_index if default_start is None else (default_start + 1) % max(n, 1)
        # Up to FIT_CHOICES a picker is as wide as its longest text; beyond, 12 characters wide.
        policy = QComboBox.SizeAdjustPolicy
        fit = (
            policy.AdjustToContents
            if n <= FIT_CHOICES
            else policy.AdjustToMinimumContentsLengthWithIcon
        )
        for combo, index in ((self.start_combo, start), (self.end_combo, end)):
            blocked = combo.blockSignals(True)
            combo.setSizeAdjustPolicy(fit)
            combo.model().set_labels(labels)
            combo.setCurrentIndex(min(index, n - 1))
            combo.blockSignals(blocked)

    # --- slots ----------------------------------------------------------------------------------
    @Slot()
    def _on_choice_changed(self) -> None:
        self._refresh()

    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot()
    def _on_glyphs_reset(self) -> None:
        self._fill_combos()
        self._refresh()

    @Slot(int)
    def _on_glyph_changed(self, _index: int) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot(bool)
    def _on_play_toggled(self, on: bool) -> None:
        self.play_button.setText("Stop" if on else "Play")
        if on and self.frames is not None:
            self._play_timer.start()
        else:
            self._play_timer.stop()

    @Slot()
    def _on_play_tick(self) -> None:
        if self.frames is None:
            self.play_button.setChecked(False)
            return
        self.show_frame((self.frame + 1) % len(self.frames))

    @Slot(int)
    def _on_strip_row_changed(self, row: int) -> None:
        if row >= 0:
            self.show_frame(row)

    @Slot(bool)
    def _on_path_check_toggled(self, on: bool) -> None:
        self.path_changed.emit(self.path if on else None)

    @Slot()
    def _on_export_clicked(self) -> None:
        if self.frames is None:
            return
        path = self._ask_save_path()
        if not path:
            return
        try:
            self.export_strip(path)
        except OSError as error:
            self.error_occurred.emit(f"Could not write {path}: {error.strerror or error}.")
            return
        self.written.emit(path)

    @Slot()
    def _on_add_clicked(self) -> None:
        if self.frames is None:
            return
        dataset = self._glyphs.dataset()
        labels = dataset.labels
        label = frame_label(labels[self.start_index], labels[self.end_index])
        image = np.clip(self.frames[self.frame], 0.0, 1.0).reshape(dataset.height, dataset.width)
        self._glyphs.add_glyph(label, image.astype(np.float32))

    # --- overridable ----------------------------------------------------------------------------
    def _ask_save_path(self) -> str | None:
        """Ask where to save the strip (tests override this)."""
        labels = self._glyphs.dataset().labels
        name = f"interpolation-{labels[self.start_index]}-{labels[self.end_index]}.png"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the interpolation strip", name, "PNG images (*.png)"
        )
        return path or None

    # --- computing and drawing ------------------------------------------------------------------
    def export_strip(self, path: str) -> None:
        """Write the K frames side by side as one greyscale PNG."""
        dataset = self._glyphs.dataset()
        sheet = image_sheet(
            np.clip(self.frames, 0.0, 1.0), dataset.width, dataset.height, len(self.frames), 6
        )
        save_png(path, sheet)

    def _refresh(self) -> None:
        dataset, snapshot = self._glyphs.dataset(), self._snapshot
        usable = snapshot is not None and snapshot.model.n_inputs == dataset.n_pixels
        for widget in (self.play_button, self.export_button, self.add_button):
            widget.setEnabled(usable)
        if not usable:
            self.path = self.frames = self.nearest = self.distance = None
            self.play_button.setChecked(False)
            self.strip.clear()
            self.canvas.clear()
            self.canvas_caption.clear()
            self.summary_label.setText("No model for these glyphs yet: press <b>Start</b>.")
            self.path_changed.emit(None)
            return
        model = snapshot.model
        ends = unit_floats(dataset.pixels[[self.start_index, self.end_index]])  # (2, d)
        start, end = model.encode(ends)  # the mean code for a VAE
        self.path = interpolate(start, end, self.frames_spin.value())  # (K, L)
        if self.path_check.isChecked():
            self.path_changed.emit(self.path)  # the latent plane shows it behind any tab
        # Decoding, scoring and drawing the frames is most of the cost, and snapshots come
        # while training runs: a hidden tab does them when it is shown again.
        self._drawn = self.isVisible()
        if self._drawn:
            self.frames = model.decode(self.path)  # (K, d)
            self.nearest, self.distance = nearest_images(self.frames, dataset.pixels)
            self._draw(snapshot.epoch, model.latent)

    def _draw(self, epoch: int, latent: int) -> None:
        """Put the computed frames on screen: the strip, the large frame and the summary."""
        dataset = self._glyphs.dataset()
        labels = dataset.labels
        shape = (len(self.frames), dataset.height, dataset.width)
        captions = [
            f"{d} px · {labels[i]}" for i, d in zip(self.nearest, self.distance, strict=True)
        ]
        t = np.linspace(0.0, 1.0, len(self.frames))
        tips = [
            f"frame {k + 1} (t = {t[k]:.2f}): {self.distance[k]} pixels from the nearest glyph, "
            f"{labels[self.nearest[k]]!r}"
            for k in range(len(self.frames))
        ]
        self.strip.set_images(self.frames.reshape(shape), captions, tips)
        self.frame = min(self.frame, len(self.frames) - 1)
        self.show_frame(self.frame)
        far = int(np.argmax(self.distance))
        self.summary_label.setText(
            f"Epoch {epoch}, {latent}-D latent space: the frame farthest from "
            f"every glyph is frame {far + 1} ({self.distance[far]} px from "
            f"{labels[self.nearest[far]]!r}); {int(np.sum(self.distance == 0))} of "
            f"{len(self.frames)} frames are exactly a glyph of the set."
        )

    def show_frame(self, k: int) -> None:
        """Show frame k large and select it in the strip."""
        if self.frames is None:
            return
        self.frame = k
        dataset = self._glyphs.dataset()
        h, w = dataset.height, dataset.width
        scale = max(4, CANVAS_SIDE // max(h, w))
        self.canvas.setPixmap(glyph_pixmap(self.frames[k].reshape(h, w), scale))
        label = dataset.labels[self.nearest[k]]
        self.canvas_caption.setText(
            f"frame {k + 1} of {len(self.frames)} · nearest {label!r}: <b>{self.distance[k]}</b> px"
        )
        if self.strip.currentRow() != k:
            blocked = self.strip.blockSignals(True)
            self.strip.setCurrentRow(k)
            self.strip.blockSignals(blocked)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._drawn:
            self._refresh()

    def hideEvent(self, event) -> None:
        self.play_button.setChecked(False)  # no animation behind another tab
        super().hideEvent(event)

"""Turn pictures into glyph sets with Qt's own image classes (no extra imaging library needed).

A sheet is cut into a grid of cells, or a folder gives one glyph per PNG. Each picture is laid on
white (so transparent PNGs work), scaled smoothly to the glyph size and read as grey levels:
dark ink becomes 1.0, unless `invert` says the ink is light on a dark background.
`ImportDialog` asks a person for exactly the arguments these functions take.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from engine import limits
from engine.data.datasets import MAX_SIZE, Dataset, DatasetError

EMPTY_INK = 0.02  # a sheet cell whose ink never reaches this (about 5 of 255 grey steps) is skipped


def import_sheet(
    path: str | Path,
    cell_width: int,
    cell_height: int,
    out_width: int,
    out_height: int,
    threshold: float | None = None,
    invert: bool = False,
) -> Dataset:
    """Cut a sheet into cells (row-major), drop the empty ones and scale each to the glyph size.

    A glyph's label is its cell number on the sheet counted row-major from 0, so a label still
    says where the glyph came from after empty cells were skipped.
    """
    path = Path(path)
    _check_options(out_width, out_height, threshold)
    for value, what in ((cell_width, "cell width"), (cell_height, "cell height")):
        if value < 1:
            raise DatasetError(f"{path}: the {what} must be at least 1 pixel, got {value}")
    sheet = _read_on_white(path)
    width, height = sheet.width(), sheet.height()
    if width % cell_width or height % cell_height:
        raise DatasetError(
            f"{path}: cells of {cell_width}x{cell_height} do not divide the {width}x{height} sheet "
            "evenly; the sheet's width and height must be multiples of the cell size"
        )
    columns = width // cell_width
    cells = columns * (height // cell_height)
    limits.check_count(cells, limits.MAX_GLYPHS, "the number of cells", str(path), DatasetError)
    values = cells * out_width * out_height
    what = "the number of glyph pixels"
    limits.check_count(values, limits.MAX_DATASET_VALUES, what, str(path), DatasetError)
    labels, images = [], []
    for k in range(cells):
        row, col = divmod(k, columns)
        cell = sheet.copy(QRect(col * cell_width, row * cell_height, cell_width, cell_height))
        if _ink(cell, invert).max() < EMPTY_INK:
            continue
        labels.append(str(k))
        images.append(_glyph(cell, out_width, out_height, threshold, invert))
    if not images:
        raise DatasetError(f"{path}: every {cell_width}x{cell_height} cell is empty (no ink found)")
    return _dataset(path.stem, out_width, out_height, labels, images)


def import_folder(
    path: str | Path,
    out_width: int,
    out_height: int,
    threshold: float | None = None,
    invert: bool = False,
) -> Dataset:
    """One glyph per PNG file in the folder, sorted by file name, labelled with the file stem."""
    folder = Path(path)
    _check_options(out_width, out_height, threshold)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such folder")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".png" and p.is_file())
    if not files:
        raise DatasetError(f"{folder}: the folder holds no .png files")
    what = "the number of .png files"
    limits.check_count(len(files), limits.MAX_GLYPHS, what, str(folder), DatasetError)
    images = [_glyph(_read_on_white(p), out_width, out_height, threshold, invert) for p in files]
    return _dataset(folder.name, out_width, out_height, [p.stem for p in files], images)


def _check_options(out_width: int, out_height: int, threshold: float | None) -> None:
    for value, what in ((out_width, "glyph width"), (out_height, "glyph height")):
        if not 1 <= value <= MAX_SIZE:
            raise DatasetError(f"the {what} must be 1 to {MAX_SIZE} pixels, got {value}")
    if threshold is not None and not 0 < threshold <= 1:
        raise DatasetError(f"the threshold must lie in (0, 1], got {threshold}")


def _read_on_white(path: Path) -> QImage:
    """The picture in `path` drawn over white, so transparent parts read as background."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    declared = QImageReader(str(path)).size()  # from the header: nothing is decoded yet
    pixels = max(declared.width(), 0) * max(declared.height(), 0)
    if pixels > limits.MAX_IMAGE_PIXELS:
        raise DatasetError(
            f"{path}: the picture is {declared.width():,}x{declared.height():,} pixels; at most "
            f"{limits.MAX_IMAGE_PIXELS:,} pixels are read"
        )
    picture = QImage(str(path))
    if picture.isNull():
        raise DatasetError(f"{path}: not an image Qt can read (a PNG file is expected)")
    canvas = QImage(picture.size(), QImage.Format.Format_RGB32)
    canvas.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(canvas)
    painter.drawImage(0, 0, picture)
    painter.end()
    return canvas


def _ink(picture: QImage, invert: bool) -> np.ndarray:
    """(height, width) float32 ink in [0, 1]: 1 where the picture is black (white if `invert`)."""
    grey = picture.convertToFormat(QImage.Format.Format_Grayscale8)
    height, width, stride = grey.height(), grey.width(), grey.bytesPerLine()
    levels = np.frombuffer(grey.constBits(), np.uint8).reshape(height, stride)[:, :width]
    light = levels.astype(np.float32) / 255.0
    return light if invert else 1.0 - light


def _glyph(
    picture: QImage, out_width: int, out_height: int, threshold: float | None, invert: bool
) -> np.ndarray:
    scaled = picture.scaled(
        out_width,
        out_height,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    ink = _ink(scaled, invert)
    return (ink >= threshold).astype(np.float32) if threshold is not None else ink


def _dataset(name: str, width: int, height: int, labels: list[str], images: list) -> Dataset:
    pixels = np.stack(images).reshape(len(images), width * height)  # (n, height*width)
    return Dataset(name, width, height, tuple(labels), pixels)


@dataclass(frozen=True)
class ImportOptions:
    """What the Import dialog asked for; `load()` does the import."""

    path: str
    sheet: bool  # True: cut one image into cells; False: one glyph per PNG in a folder
    cell_width: int
    cell_height: int
    out_width: int
    out_height: int
    threshold: float | None
    invert: bool

    def load(self) -> Dataset:
        size = (self.out_width, self.out_height, self.threshold, self.invert)
        if self.sheet:
            return import_sheet(self.path, self.cell_width, self.cell_height, *size)
        return import_folder(self.path, *size)


class ImportDialog(QDialog):
    """Asks where the pictures are and how to turn them into glyphs."""

    def __init__(self, out_width: int, out_height: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import images")
        self.setMinimumWidth(460)
        self.sheet_radio = QRadioButton("One sheet, cut into cells")
        self.sheet_radio.setToolTip("A PNG holding a grid of equally sized cells, one glyph each")
        self.folder_radio = QRadioButton("A folder of PNG files")
        self.folder_radio.setToolTip("One glyph per .png file, labelled with the file name")
        self.sheet_radio.setChecked(True)
        self.path_edit = QLineEdit()
        self.path_edit.setToolTip("The sheet image or the folder to import")
        browse = QPushButton("Browse…")
        browse.setToolTip("Choose the sheet or folder")
        browse.clicked.connect(self._on_browse_clicked)
        self.cell_width, self.cell_height = _spin(1, 4096, 16), _spin(1, 4096, 16)
        self.cell_width.setToolTip("Width of one cell on the sheet, in image pixels")
        self.cell_height.setToolTip("Height of one cell on the sheet, in image pixels")
        self.out_width, self.out_height = (
            _spin(1, MAX_SIZE, out_width),
            _spin(1, MAX_SIZE, out_height),
        )
        self.out_width.setToolTip("Glyph width after scaling, in glyph pixels")
        self.out_height.setToolTip("Glyph height after scaling, in glyph pixels")
        self.threshold_check = QCheckBox("Black and white")
        self.threshold_check.setToolTip("Turn grey levels into pure ink or background")
        self.threshold_slider = QSlider(Qt.Orientation.Horizontal)
        self.threshold_slider.setRange(1, 100)
        self.threshold_slider.setValue(50)
        self.threshold_slider.setToolTip("Ink at or above this level becomes 1, the rest 0")
        self.threshold_label = QLabel()
        self.invert_check = QCheckBox("Light ink on a dark background")
        self.invert_check.setToolTip("Read light pixels as ink instead of dark ones")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow(self.sheet_radio)
        form.addRow(self.folder_radio)
        form.addRow("From:", _row(self.path_edit, browse, stretch=False))
        form.addRow("Cell size:", _row(self.cell_width, QLabel("\u00d7"), self.cell_height))
        form.addRow("Glyph size:", _row(self.out_width, QLabel("\u00d7"), self.out_height))
        threshold = (self.threshold_check, self.threshold_slider, self.threshold_label)
        form.addRow(_row(*threshold, stretch=False))
        form.addRow(self.invert_check)
        form.addRow(self.buttons)
        for signal in (
            self.sheet_radio.toggled,
            self.path_edit.textChanged,
            self.threshold_check.toggled,
            self.threshold_slider.valueChanged,
        ):
            signal.connect(self._on_input_changed)
        self._on_input_changed()

    def options(self) -> ImportOptions:
        return ImportOptions(
            path=self.path_edit.text().strip(),
            sheet=self.sheet_radio.isChecked(),
            cell_width=self.cell_width.value(),
            cell_height=self.cell_height.value(),
            out_width=self.out_width.value(),
            out_height=self.out_height.value(),
            threshold=self.threshold_slider.value() / 100
            if self.threshold_check.isChecked()
            else None,
            invert=self.invert_check.isChecked(),
        )

    def _on_input_changed(self) -> None:
        sheet = self.sheet_radio.isChecked()
        self.cell_width.setEnabled(sheet)
        self.cell_height.setEnabled(sheet)
        self.threshold_slider.setEnabled(self.threshold_check.isChecked())
        self.threshold_label.setText(f"{self.threshold_slider.value() / 100:.2f}")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.path_edit.text().strip()))

    def _on_browse_clicked(self) -> None:
        if self.sheet_radio.isChecked():
            path, _ = QFileDialog.getOpenFileName(self, "Sheet image", "", "PNG images (*.png)")
        else:
            path = QFileDialog.getExistingDirectory(self, "Folder of PNG files")
        if path:
            self.path_edit.setText(path)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    return spin


def _row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """Widgets side by side; `stretch` keeps them compact at the left instead of spread out."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch()
    return row

"""Writing what the window shows to files: plots as PNG or SVG, the decoded latent grid as one
picture, the loss history and the latent codes as CSV. Every file is written atomically.

pyqtgraph's exporters draw a plot item (or a whole GraphicsLayout) again at its on-screen size;
the ImageExporter's QImage is encoded to PNG in memory so the write can be atomic.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

import pyqtgraph.exporters as pg_exporters  # isort: skip  (after PySide6)
from engine.atomic import write_bytes_atomic, write_text_atomic
from engine.data.datasets import Dataset
from engine.history import History
from engine.latent import latent_grid
from engine.png import image_sheet, save_png
from engine.training import Snapshot
from gui.plots.svg_flatten import flatten_transforms

GRID = 10  # the latent grid picture: GRID x GRID decoded glyphs


NO_CACHE = QGraphicsItem.CacheMode.NoCache


class ExportError(ValueError):
    """An export that cannot be made; the message says why."""


def export_plot(item, path: str | os.PathLike[str], hide: tuple = ()) -> None:
    """A pyqtgraph item (PlotItem, GraphicsLayout or scene) as .svg, else as a PNG picture.
    The items in `hide` (on-screen hints such as "click: decode") are left out of the file."""
    with _hidden(hide):
        _export_plot(item, path)


def _export_plot(item, path: str | os.PathLike[str]) -> None:
    if Path(path).suffix.lower() == ".svg":
        write_bytes_atomic(path, flatten_transforms(_qt_svg(item)))
        return
    exporter = pg_exporters.ImageExporter(item)
    # pyqtgraph needs whole pixels; its own default can be fractional on some screens
    exporter.parameters()["width"] = int(exporter.parameters()["width"])
    with _uncached(exporter.getScene()):
        image = exporter.export(toBytes=True)
    if image is None or image.isNull():
        raise ExportError("the plot has no size yet (is it shown?)")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    write_bytes_atomic(path, bytes(QByteArray(buffer.data())))


@contextmanager
def _hidden(items: tuple) -> Iterator[None]:
    """The shown ones of `items` hidden while a file is drawn (their space stays)."""
    shown = [each for each in items if each.isVisible()]
    for each in shown:
        each.setVisible(False)
    try:
        yield
    finally:
        for each in shown:
            each.setVisible(True)


@contextmanager
def _uncached(scene) -> Iterator[None]:
    """No item drawn from Qt's pixmap cache (the cached axes) while a file is drawn: an SVG
    would hold pictures of them, a PNG of another size blurred copies."""
    cached = [(each, each.cacheMode()) for each in scene.items() if each.cacheMode() != NO_CACHE]
    for each, _ in cached:
        each.setCacheMode(NO_CACHE)
    try:
        yield
    finally:
        for each, mode in cached:
            each.setCacheMode(mode)


def _qt_svg(item) -> bytes:
    """The item's part of its scene drawn by QSvgGenerator, as the PNG export draws it.
    (pyqtgraph's SVGExporter cannot parse the " Z" that Qt 6.11 writes after an outline.)"""
    rect = item.sceneBoundingRect() if hasattr(item, "sceneBoundingRect") else item.sceneRect()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(rect.size().toSize())
    # At the PNG's resolution: pyqtgraph's axes replay QPictures recorded at it, which a
    # painter of another resolution (QSvgGenerator's default is 72 dpi) would scale.
    generator.setResolution(QImage(1, 1, QImage.Format.Format_ARGB32).logicalDpiX())
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    painter = QPainter(generator)
    scene = item.scene() if hasattr(item, "scene") else item
    # As pyqtgraph's exporters do: items may draw differently for a file (vector symbols).
    drawn = [each for each in scene.items() if hasattr(each, "setExportMode")]
    try:
        for each in drawn:
            each.setExportMode(True, {"painter": painter})
        with _uncached(scene):
            scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        for each in drawn:
            each.setExportMode(False)
        painter.end()
    return bytes(QByteArray(buffer.data()))


def grid_codes(
    projection, x_range: tuple[float, float], y_range: tuple[float, float], grid: int = GRID
) -> np.ndarray:
    """grid x grid codes covering the view (x_range, y_range) of the latent plane, row by row from
    the top like `engine.latent.latent_grid`; the plane is mapped back to codes through the
    scatter's projection (the identity for a 2-D latent, PCA axes for more).  -> (grid*grid, L)"""
    unit = latent_grid(SimpleNamespace(latent=2, dtype=np.float64), grid, 0.0, 1.0)  # (g*g, 2)
    (x0, x1), (y0, y1) = x_range, y_range
    plane = np.column_stack([x0 + unit[:, 0] * (x1 - x0), y0 + unit[:, 1] * (y1 - y0)])
    return projection.mean + plane @ projection.components  # (g*g, L)


def latent_grid_picture(model, dataset: Dataset, codes: np.ndarray, grid: int = GRID) -> np.ndarray:
    """Decode `codes` (grid*grid, L) and tile them into one grey picture (uint8)."""
    images = model.decode(codes)  # (g*g, pixels)
    return image_sheet(images, dataset.width, dataset.height, columns=grid, scale=4, gap=2)


def save_latent_grid(
    path: str | os.PathLike[str], model, dataset: Dataset, codes: np.ndarray, grid: int = GRID
) -> None:
    if model.n_inputs != dataset.n_pixels:
        raise ExportError("the model and the data set have different image sizes")
    save_png(path, latent_grid_picture(model, dataset, codes, grid))


def history_csv(snapshot: Snapshot) -> str:
    """One row per evaluation: epoch, loss, recon, kl, mse, max_wrong, total_wrong."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(History.KEYS)
    columns = [snapshot.history[key] for key in History.KEYS]
    for values in zip(*columns, strict=True):
        writer.writerow(_number(key, v) for key, v in zip(History.KEYS, values, strict=True))
    return out.getvalue()


def latent_csv(snapshot: Snapshot, dataset: Dataset) -> str:
    """One row per glyph: index, label, its code z1..zL (mu for a VAE) and, for a VAE, logvar."""
    latent = snapshot.latent  # (n, L)
    if len(latent) != len(dataset):
        raise ExportError("the codes belong to another data set; press Reset and try again")
    width = latent.shape[1]
    header = ["index", "label", *(f"z{j + 1}" for j in range(width))]
    if snapshot.logvar is not None:
        header += [f"logvar{j + 1}" for j in range(width)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, label in enumerate(dataset.labels):
        row = [i, label, *(repr(float(v)) for v in latent[i])]
        if snapshot.logvar is not None:
            row += [repr(float(v)) for v in snapshot.logvar[i]]
        writer.writerow(row)
    return out.getvalue()


def save_text(path: str | os.PathLike[str], text: str) -> None:
    write_text_atomic(path, text)


def _number(key: str, value: float) -> str:
    if key in ("epoch", "max_wrong", "total_wrong"):
        return str(int(value))
    return repr(float(value))

"""The report's figures, drawn offscreen: glyph sheets, the VAE's grid and the pyqtgraph plots.

The only part of the report that needs Qt, and the longest, so it lives apart from the
orchestration in `gui.report.build`; it draws with the window's own glyph pictures and plot widgets.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg  # isort: skip  (after PySide6)
from engine.atomic import write_bytes_atomic
from engine.data.datasets import Dataset
from engine.data.noise import NOISE_LABELS, Noise
from engine.metrics import wrong_pixels
from engine.sweep import BOUND, SweepRow
from engine.training import Snapshot
from gui.data.glyph_pixmap import error_pixmap, glyph_pixmap
from gui.plots.exports import export_plot
from gui.plots.latent_scatter import LatentScatter
from gui.report.report_models import GRID, GRID_RANGE, SWEEP_DAE, DaeScore, VaeScore

SHEET_NOISES = ("salt-pepper:0.1", "gaussian:0.3")  # figure 3: the DAE's outputs
SCALE = 6  # screen pixels per glyph pixel in the sheets
PAD, CAPTION, TITLE = 8, 18, 44  # pixels; a title may take two lines
SWEEP_COLOURS = {"DAE": (31, 119, 180), "AE": (214, 39, 40), "PCA": (44, 160, 44)}
BOUND_PEN = pg.mkPen(90, 90, 90, width=2, style=Qt.PenStyle.DashLine)
NEW_PEN = QColor(0, 150, 60)


def _application() -> QApplication:
    """The running QApplication, or a new offscreen one (a display is never needed)."""
    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["autoencoder-lab-report"])
    assert isinstance(app, QApplication)
    return app


def _save_image(image: QImage, path: Path) -> None:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError(f"Qt could not encode {path.name} as PNG")
    write_bytes_atomic(path, bytes(QByteArray(buffer.data())))


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def _glyph(image: np.ndarray, data: Dataset, scale: int = SCALE) -> QPixmap:
    return glyph_pixmap(image.reshape(data.height, data.width), scale)


def _sheet(
    title: str, cells: list[tuple[str, list[QPixmap]]], columns: int, note: str = ""
) -> QImage:
    """Cells of side-by-side pictures with a caption under each, in rows of `columns`."""
    first = cells[0][1]
    cell_w = sum(p.width() for p in first) + PAD * (len(first) - 1) + 2 * PAD
    cell_h = max(p.height() for p in first) + CAPTION + PAD
    rows = -(-len(cells) // columns)
    footer = CAPTION + PAD if note else 0
    width = max(columns * cell_w + 2 * PAD, 640)
    image = QImage(width, TITLE + rows * cell_h + footer + PAD, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setFont(_font(14, bold=True))
        wrap = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(PAD, 0, width - 2 * PAD, TITLE, wrap, title)
        painter.setFont(_font(12))
        for i, (caption, pixmaps) in enumerate(cells):
            r, c = divmod(i, columns)
            x, y = PAD + c * cell_w + PAD, TITLE + r * cell_h
            for pixmap in pixmaps:
                painter.setPen(QColor(190, 190, 190))
                painter.drawRect(x - 1, y - 1, pixmap.width() + 1, pixmap.height() + 1)
                painter.drawPixmap(x, y, pixmap)
                x += pixmap.width() + PAD
            painter.setPen(QColor(30, 30, 30))
            top = y + max(p.height() for p in pixmaps)
            painter.drawText(
                PAD + c * cell_w, top, cell_w, CAPTION, Qt.AlignmentFlag.AlignCenter, caption
            )
        if note:
            painter.setPen(QColor(80, 80, 80))
            painter.drawText(
                PAD, TITLE + rows * cell_h, width - 2 * PAD, CAPTION,
                Qt.AlignmentFlag.AlignVCenter, note,
            )  # fmt: skip
    finally:
        painter.end()
    return image


def _reconstruction_sheet(font: Dataset, snapshot: Snapshot) -> QImage:
    output = snapshot.model.reconstruct(font.images)
    wrong = wrong_pixels(output, font.images)
    cells = []
    for i, label in enumerate(font.labels):
        target = font.images[i].reshape(font.height, font.width)
        error = error_pixmap(output[i].reshape(font.height, font.width), target, SCALE)
        cells.append(
            (
                f"{label}: {wrong[i]} wrong",
                [_glyph(font.images[i], font), _glyph(output[i], font), error],
            )
        )
    title = (
        f"Font autoencoder (35-64-32-2-32-64-35), epoch {snapshot.epoch}: "
        f"input | output | error map; {int(wrong.max())} wrong pixels at most, {int(wrong.sum())} in all"
    )
    return _sheet(
        title, cells, 8, "error map: dark/white right, red = ink missing, blue = extra ink"
    )


def _denoising_sheet(font: Dataset, score: DaeScore) -> QImage:
    copy = score.copies[0]  # (n, d) the first noisy copy of every glyph
    output = score.model.reconstruct(copy)
    wrong = wrong_pixels(output, font.images)
    cells = [
        (f"{label}: {wrong[i]} wrong", [
            _glyph(font.images[i], font), _glyph(copy[i], font), _glyph(output[i], font)
        ])
        for i, label in enumerate(font.labels)
    ]  # fmt: skip
    name = NOISE_LABELS[score.noise.kind].split(" (")[0]
    title = (
        f"DAE on {name} noise {score.noise.level:g}: clean | noisy | output; "
        f"mean {score.wrong.mean():.3f} wrong pixels per glyph over {len(score.wrong)} copies "
        f"(best possible {score.bound.mean():.3f})"
    )
    return _sheet(
        title,
        cells,
        8,
        "shown: copy 1; output thresholded at 0.5 is scored against the clean glyph",
    )


def _emoji_sheet(emoji: Dataset) -> QImage:
    cells = [(label, [_glyph(emoji.images[i], emoji, 5)]) for i, label in enumerate(emoji.labels)]
    return _sheet(f"The {len(emoji)} emojis of 12x12 pixels (training set of the VAE)", cells, 8)


def _grid_image(emoji: Dataset, vae: VaeScore) -> QImage:
    """The decoded 10x10 grid, with the latent coordinates on the axes and new emojis framed."""
    scale, gap, left, bottom = 5, 6, 56, 44
    tile = emoji.width * scale
    side = GRID * tile + (GRID - 1) * gap
    width, height = left + side + 2 * PAD, TITLE + side + bottom + CAPTION
    image = QImage(max(width, 640), height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    ticks = np.linspace(*GRID_RANGE, GRID)
    painter = QPainter(image)
    try:
        painter.setFont(_font(15, bold=True))
        painter.drawText(
            PAD, 0, image.width() - 2 * PAD, TITLE, Qt.AlignmentFlag.AlignVCenter,
            f"VAE: decoded z over [{GRID_RANGE[0]:g}, {GRID_RANGE[1]:g}]^2; "
            f"{vae.distinct} distinct, {vae.new} new (framed)",
        )  # fmt: skip
        painter.setFont(_font(11))
        for k in range(GRID * GRID):
            r, c = divmod(k, GRID)  # row 0 is the top: the highest z2
            x, y = left + c * (tile + gap), TITLE + r * (tile + gap)
            painter.drawPixmap(x, y, _glyph(vae.grid[k], emoji, scale))
            if vae.is_new[k]:
                painter.setPen(QPen(NEW_PEN, 2))
                painter.drawRect(x - 2, y - 2, tile + 3, tile + 3)
        painter.setPen(QColor(40, 40, 40))
        for i, t in enumerate(ticks):
            x = left + i * (tile + gap)
            painter.drawText(
                x - 6, TITLE + side + 2, tile + 12, 16, Qt.AlignmentFlag.AlignCenter, f"{t:.2f}"
            )
            y = TITLE + (GRID - 1 - i) * (tile + gap)
            painter.drawText(
                0,
                y,
                left - 6,
                tile,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{t:.2f}",
            )
        painter.setFont(_font(13))
        painter.drawText(left, TITLE + side + 20, side, 20, Qt.AlignmentFlag.AlignCenter, "z1")
        painter.drawText(0, TITLE - 4, left - 6, 20, Qt.AlignmentFlag.AlignRight, "z2")
    finally:
        painter.end()
    return image


def _export_widget(widget: pg.PlotWidget, path: Path, app: QApplication) -> None:
    """Lay the widget out without showing it on any screen, then export its plot as PNG."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.show()
    app.processEvents()
    export_plot(widget.getPlotItem(), path)
    widget.close()
    widget.deleteLater()
    app.processEvents()


def _latent_plot(font: Dataset, snapshot: Snapshot, path: Path, app: QApplication) -> None:
    scatter = LatentScatter()
    scatter.resize(760, 640)
    scatter.set_snapshot(snapshot, font)
    scatter.getPlotItem().setTitle(
        f"Latent codes of the {len(font)} glyphs (font autoencoder, 2-D latent)",
        size="12pt", color="#222",
    )  # fmt: skip
    for axis in ("bottom", "left"):
        scatter.getPlotItem().getAxis(axis).setTextPen("#333")
    scatter.getPlotItem().vb.autoRange(padding=0.08)
    _export_widget(scatter, path, app)


def _sweep_plot(rows: list[SweepRow], kind: str, path: Path, app: QApplication) -> None:
    widget = pg.PlotWidget(background="w")
    widget.resize(760, 520)
    plot = widget.getPlotItem()
    name = NOISE_LABELS[kind].split(" (")[0]
    symbol = "sigma" if kind == "gaussian" else "p"
    plot.setTitle(
        f"{name} noise: mean wrong pixels per glyph (± 1 std over {rows[0].repeats} repeats)",
        size="12pt",
        color="#222",
    )
    plot.setLabel("bottom", f"noise level {symbol}")
    plot.setLabel("left", "mean wrong pixels per glyph")
    for axis in ("bottom", "left"):
        plot.getAxis(axis).enableAutoSIPrefix(False)
        plot.getAxis(axis).setTextPen("#333")
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.addLegend(offset=(10, 10), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 220))
    for method in dict.fromkeys(r.method for r in rows):
        mine = [r for r in rows if r.kind == kind and r.method == method]
        x = np.array([r.level for r in mine])
        y = np.array([r.mean for r in mine])
        std = np.array([r.std for r in mine])
        if method == BOUND:
            pen, brush = BOUND_PEN, pg.mkBrush(90, 90, 90)
        else:
            colour = SWEEP_COLOURS.get(method, (120, 60, 160))
            pen, brush = pg.mkPen(*colour, width=2), pg.mkBrush(*colour)
        label = {
            "PCA": "PCA (2 components)",
            "DAE": f"DAE (trained on {Noise.parse(SWEEP_DAE[kind])})",
            BOUND: f"{BOUND} (best possible)",
        }.get(method, method)
        plot.plot(
            x, y, pen=pen, symbol="o", symbolSize=7, symbolBrush=brush, symbolPen=None, name=label
        )
        plot.addItem(pg.ErrorBarItem(x=x, y=y, height=2 * std, beam=0.008, pen=pen))
    _export_widget(widget, path, app)


def draw_figures(
    out: Path,
    font: Dataset,
    emoji: Dataset,
    ae_snapshot: Snapshot,
    daes: dict[str, DaeScore],
    vae: VaeScore,
    rows: list[SweepRow],
) -> dict[str, str]:
    """Write every figure; returns file name -> caption, in the order of the write-up."""
    app = _application()
    figures: dict[str, str] = {}
    _save_image(_reconstruction_sheet(font, ae_snapshot), out / "ae_reconstructions.png")
    figures["ae_reconstructions.png"] = "Every glyph's reconstruction by the font autoencoder"
    _latent_plot(font, ae_snapshot, out / "ae_latent.png", app)
    figures["ae_latent.png"] = "The labelled latent plot of the font autoencoder"
    for noise in SHEET_NOISES:
        name = f"dae_{Noise.parse(noise).kind.replace('-', '_')}.png"
        _save_image(_denoising_sheet(font, daes[noise]), out / name)
        figures[name] = (
            f"The DAE's outputs for {NOISE_LABELS[Noise.parse(noise).kind].split(' (')[0]} noise {Noise.parse(noise).level:g}"
        )
    _save_image(_emoji_sheet(emoji), out / "emoji_set.png")
    figures["emoji_set.png"] = "The emoji set"
    _save_image(_grid_image(emoji, vae), out / "vae_grid.png")
    figures["vae_grid.png"] = "Emojis generated by the VAE (10x10 grid of latent points)"
    for kind in SWEEP_DAE:
        name = f"sweep_{kind.replace('-', '_')}.png"
        _sweep_plot(rows, kind, out / name, app)
        figures[name] = f"Noise sweep: {NOISE_LABELS[kind].split(' (')[0]} noise"
    return figures

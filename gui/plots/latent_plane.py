"""What the latent plane is drawn with: the projection of codes onto it, the point symbols, the
labels and class colours.

Shared by the latent scatter and the PCA comparison, which draw glyphs on planes alike. A code
with more than two dimensions is shown on the 2-D PCA plane of all codes; a point picked on
that plane is lifted back through it: latent = mean + [x, y] @ components.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QTransform

INK = QColor(25, 45, 110)
TEXT_LABELS_UP_TO = 200  # sets with long labels and at most this many glyphs get text labels
MAX_CLASSES = 12  # at most this many distinct labels repeated over a set are coloured as classes


class Projection:
    """Latent codes (n, L) <-> the plane (n, 2): identity for L <= 2, else PCA of the codes."""

    def __init__(self, latent: int) -> None:
        self.latent = latent
        self.mean = np.zeros(latent)
        self.components = np.eye(2, latent)  # (2, L); L == 1: the y axis maps to nothing

    @property
    def is_pca(self) -> bool:
        return self.latent > 2

    def fit(self, codes: np.ndarray) -> None:
        """Refit the PCA to the finite codes (a diverging run's may be inf or NaN; with fewer
        than two the last fit stays); signs follow the previous fit so the picture does not
        flip over."""
        if not self.is_pca:
            return
        codes = np.asarray(codes, np.float64)
        codes = codes[np.isfinite(codes).all(axis=1)]  # (m, L)
        if len(codes) < 2:
            return
        mean = codes.mean(axis=0)
        _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)  # vt (L, L)
        components = vt[:2]
        signs = np.where(np.sum(components * self.components, axis=1) < 0, -1.0, 1.0)
        self.mean, self.components = mean, components * signs[:, None]

    def to_plane(self, codes: np.ndarray) -> np.ndarray:
        """(n, L) -> (n, 2); a code with inf or NaN gives a point that is not drawn."""
        codes = np.atleast_2d(np.asarray(codes, np.float64))
        with np.errstate(invalid="ignore", over="ignore"):
            return (codes - self.mean) @ self.components.T

    def lift(self, x: float, y: float) -> np.ndarray:
        """A plane point -> the latent vector (L,) it stands for."""
        return self.mean + np.array([x, y]) @ self.components


def text_symbol(text: str) -> QPainterPath:
    """`text` as a scatter symbol: a path centred in the unit box pyqtgraph scales by `size`."""
    font = QFont()
    font.setPixelSize(100)
    font.setBold(True)
    path = QPainterPath()
    path.addText(0, 0, font, text)
    box = path.boundingRect()
    # One scale for every label (the font's cap height fills the box), so 'l' and 'm' look alike.
    scale = 1.0 / max(QFontMetricsF(font).capHeight() * 1.35, box.width(), 1e-6)
    transform = QTransform()
    transform.scale(scale, scale)
    transform.translate(-box.center().x(), -box.center().y())
    return transform.map(path)


def glyph_symbol(image: np.ndarray) -> QPainterPath:
    """A glyph's ink pixels (>= 0.5) as squares in the unit box, top row at the top."""
    height, width = image.shape
    cell = 1.0 / max(height, width)
    left, top = -width * cell / 2, -height * cell / 2
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for row, col in np.argwhere(image >= 0.5):
        path.addRect(QRectF(left + col * cell, top + row * cell, cell, cell))
    if path.isEmpty():  # a blank glyph still needs something to click
        path.addRect(QRectF(left, top, width * cell, height * cell))
    return path


def label_symbols(labels: tuple[str, ...]) -> list[QPainterPath] | None:
    """Each label drawn as the point's symbol when every label is short (at most 3 characters),
    else None: long labels go beside plain dots (`text_labels`)."""
    if not all(len(label) <= 3 for label in labels):
        return None
    cache = {label: text_symbol(label) for label in set(labels)}
    return [cache[label] for label in labels]


def text_labels(view: pg.ViewBox, labels: tuple[str, ...]) -> list[pg.TextItem]:
    """Text items above the points for long labels, added to `view`; none for a set too big to
    read them (more than TEXT_LABELS_UP_TO)."""
    if len(labels) > TEXT_LABELS_UP_TO:
        return []
    items = [pg.TextItem(label, color=INK, anchor=(0.5, 1.15)) for label in labels]
    for item in items:
        view.addItem(item, ignoreBounds=True)
    return items


def class_brushes(labels: tuple[str, ...]) -> list[QBrush]:
    """A colour per class when few labels repeat over the set (the digits), else ink for all.
    One brush object per class: pyqtgraph renders a symbol once per (symbol, brush) object."""
    kinds = sorted(set(labels))
    if len(kinds) <= MAX_CLASSES and len(kinds) < len(labels):
        shared = {
            k: pg.mkBrush(pg.intColor(i, hues=len(kinds), maxValue=200))
            for i, k in enumerate(kinds)
        }
        return [shared[label] for label in labels]
    return [pg.mkBrush(INK)] * len(labels)

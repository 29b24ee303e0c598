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
DENSE_ABOVE = 3000  # more points on screen than this are drawn as dots into one image
MAX_CLASSES = 20  # at most this many distinct labels repeated over a set are coloured as classes
# Class colours, fixed so a class keeps its colour between runs and views. The first ten are
# Matthew Petroff's accessible ten-colour sequence (2021, matplotlib's "petroff10": chosen to stay
# apart under the common colour-vision deficiencies); classes 11-20 take Paul Tol's "muted"
# scheme, also made for colour-blind readers, and black.
CLASS_COLOURS = (
    "#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6",
    "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd",
    "#332288", "#117733", "#44aa99", "#88ccee", "#ddcc77",
    "#cc6677", "#aa4499", "#882255", "#999933", "#000000",
)  # fmt: skip


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
        centred = codes - mean  # (m, L)
        # The top two eigenvectors of the L x L scatter matrix: the SVD of 60,000 codes took
        # ~15 ms of the GUI thread on every snapshot, this ~1 ms.
        _, vectors = np.linalg.eigh(centred.T @ centred)  # ascending eigenvalues
        components = vectors[:, ::-1][:, :2].T  # (2, L)
        signs = np.where(np.sum(components * self.components, axis=1) < 0, -1.0, 1.0)
        self.mean, self.components = mean, components * signs[:, None]

    def to_plane(self, codes: np.ndarray) -> np.ndarray:
        """(n, L) -> (n, 2); a code with inf or NaN gives a point that is not drawn."""
        codes = np.atleast_2d(np.asarray(codes, np.float64))
        if self.latent == 2:  # the plane is the codes themselves
            return codes
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
    ink = np.zeros((height, width + 2), np.int8)  # (h, w + 2): a blank column each side
    ink[:, 1:-1] = image >= 0.5
    # Each row's runs of ink as one rectangle: an MNIST digit is ~40 rectangles, not ~150
    # squares, when a zoomed-in plane makes thumbnails of thousands of them.
    rows, starts = np.nonzero(np.diff(ink, axis=1) == 1)  # a run starts after a 0 -> 1 step
    _, ends = np.nonzero(np.diff(ink, axis=1) == -1)  # and ends before a 1 -> 0 step
    for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
        path.addRect(QRectF(left + start * cell, top + row * cell, (end - start) * cell, cell))
    if path.isEmpty():  # a blank glyph still needs something to click
        path.addRect(QRectF(left, top, width * cell, height * cell))
    return path


def label_symbols(labels: tuple[str, ...]) -> list[QPainterPath] | None:
    """Each label drawn as the point's symbol when every label is short (at most 3 characters),
    else None: long labels go beside plain dots (`label_mode`)."""
    if not all(len(label) <= 3 for label in labels):
        return None
    cache = {label: text_symbol(label) for label in set(labels)}
    return [cache[label] for label in labels]


def _natural(label: str) -> tuple:
    """Sort key that puts "2" before "10" (class names that are numbers sort as numbers)."""
    return (0, int(label), "") if label.isdigit() else (1, 0, label)


def class_names(labels: tuple[str, ...]) -> tuple[str, ...] | None:
    """The classes of a labelled set, in legend order, or None when the labels name glyphs.

    Labels are classes when there are at most MAX_CLASSES distinct ones and on average each
    names at least two images (MNIST's ten digits over 60,000 images, the 1797 digits); a glyph
    set's unique names ("a", "b", ... or "smile", "wink") are not classes."""
    kinds = set(labels)
    if len(kinds) > MAX_CLASSES or len(labels) < 2 * len(kinds):
        return None
    return tuple(sorted(kinds, key=_natural))


def class_colours(count: int) -> list[QColor]:
    """The first `count` class colours (count <= MAX_CLASSES)."""
    return [QColor(c) for c in CLASS_COLOURS[:count]]


def class_index(labels: tuple[str, ...], names: tuple[str, ...]) -> np.ndarray:
    """Each label's position in `names`.  -> (n,) int"""
    position = {name: i for i, name in enumerate(names)}
    return np.fromiter((position[label] for label in labels), np.intp, len(labels))


def class_brushes(labels: tuple[str, ...]) -> list[QBrush]:
    """A colour per class when the labels are classes (`class_names`), else ink for all.
    One brush object per class: a symbol is rendered once per (symbol, brush) pair."""
    names = class_names(labels)
    if names is None:
        return [pg.mkBrush(INK)] * len(labels)
    shared = [pg.mkBrush(colour) for colour in class_colours(len(names))]
    return [shared[i] for i in class_index(labels, names).tolist()]


def label_mode(labels: tuple[str, ...]) -> str | None:
    """Which text labels a plane of these glyphs gets, a bounded number in every case:
    "words" (each point's long label beside it, for at most TEXT_LABELS_UP_TO glyphs),
    "classes" (one label per class at its centre, for a bigger classed set whose points do not
    show their class), or None (short labels are the points' own symbols; a big set of names
    has no room for them)."""
    if len(labels) > TEXT_LABELS_UP_TO:
        # Class names, unless each point already shows its class as its symbol: short labels
        # on a plane of at most DENSE_ABOVE points (the 1797 digits), not drawn as dots.
        symbols = len(labels) <= DENSE_ABOVE and all(len(label) <= 3 for label in labels)
        return "classes" if class_names(labels) is not None and not symbols else None
    return "words" if label_symbols(labels) is None else None


def class_centres(plane: np.ndarray, index: np.ndarray, count: int) -> np.ndarray:
    """The mean plane point of each class's finite points.  (n, 2), (n,) -> (count, 2); NaN
    for a class with none."""
    x, y = plane[:, 0], plane[:, 1]
    if not np.isfinite(x.sum() + y.sum()):  # a diverging run: leave out inf and NaN
        finite = np.isfinite(x) & np.isfinite(y)
        x, y, index = x[finite], y[finite], index[finite]
    members = np.bincount(index, minlength=count)  # (count,)
    sums = np.column_stack(
        [np.bincount(index, x, minlength=count), np.bincount(index, y, minlength=count)]
    )  # (count, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / members[:, None]

"""The zoo's face sets: the hard cases for a VAE, made here from code (nothing downloaded).

`smiley_variants()`: twelve binary 12x12 smileys that share one outline and differ in a few pixels
of eyes and mouth, the kind of emoji set a course project draws by hand. Near-identical images
are hard for a VAE: the KL term pulls their codes together and a decoder must still tell them
apart to within a pixel.

`grey_emoji_tiles()`: about a hundred anti-aliased grey faces of 20x20, drawn with QPainter
(offscreen) with varied face size, shade, eyes, brows and mouth, like tiles cut from an emoji
sheet. With a 2-D latent, such a set has shown one latent axis collapsing.

Benchmarks may import Qt; the engine never does, so this module lives here and hands back plain
engine Datasets.
"""

from __future__ import annotations

import functools
import os

import numpy as np

from engine.data.dataset import Dataset

# --- twelve 12x12 smileys ------------------------------------------------------------------------
_OUTLINE = (
    "...######...",
    "..#......#..",
    ".#........#.",
    "#..........#",
    "#..........#",
    "#..........#",
    "#..........#",
    "#..........#",
    "#..........#",
    ".#........#.",
    "..#......#..",
    "...######...",
)
# Features are (row, column) lists drawn inside the outline.
_EYES = {
    "dots": [(3, 3), (3, 8), (4, 3), (4, 8)],
    "small": [(4, 3), (4, 8)],
    "wink": [(3, 3), (4, 3), (4, 7), (4, 8)],
    "wide": [(3, 3), (3, 4), (4, 3), (4, 4), (3, 7), (3, 8), (4, 7), (4, 8)],
    "closed": [(4, 2), (4, 3), (4, 4), (4, 7), (4, 8), (4, 9)],
}
_MOUTHS = {
    "smile": [(7, 3), (7, 8), (8, 4), (8, 5), (8, 6), (8, 7)],
    "grin": [(7, 3), (7, 4), (7, 5), (7, 6), (7, 7), (7, 8), (8, 4), (8, 5), (8, 6), (8, 7)],
    "flat": [(8, 4), (8, 5), (8, 6), (8, 7)],
    "frown": [(7, 4), (7, 5), (7, 6), (7, 7), (8, 3), (8, 8)],
    "open": [(7, 5), (7, 6), (8, 4), (8, 7), (9, 5), (9, 6)],
    "smirk": [(8, 4), (8, 5), (8, 6), (7, 7), (7, 8)],
}
_SMILEYS = (
    ("smile", "dots", "smile"),
    ("grin", "dots", "grin"),
    ("meh", "dots", "flat"),
    ("sad", "dots", "frown"),
    ("wow", "dots", "open"),
    ("smirk", "dots", "smirk"),
    ("wink", "wink", "smile"),
    ("calm", "closed", "smile"),
    ("tiny", "small", "smile"),
    ("stare", "wide", "flat"),
    ("happy", "wide", "grin"),
    ("sleepy", "closed", "flat"),
)


def smiley_variants() -> Dataset:
    """Twelve binary 12x12 smileys: one outline, eyes and mouth differing by a few pixels."""
    base = np.array([[c == "#" for c in row] for row in _OUTLINE], np.float32)  # (12, 12)
    images = []
    for _, eyes, mouth in _SMILEYS:
        face = base.copy()
        for r, c in _EYES[eyes] + _MOUTHS[mouth]:
            face[r, c] = 1.0
        images.append(face.ravel())
    labels = tuple(name for name, _, _ in _SMILEYS)
    return Dataset("smiley variants 12x12", 12, 12, labels, np.array(images))


# --- about a hundred grey 20x20 faces --------------------------------------------------------------
TILE = 20
SUPERSAMPLE = 4  # drawn at 80x80 and averaged down: soft edges as in an emoji sheet


@functools.cache
def grey_emoji_tiles(count: int = 100, seed: int = 0) -> Dataset:
    """`count` anti-aliased grey faces of 20x20: shaded disc, dark outline, eyes, brows, mouth."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        # Painting on a QImage needs no window, but Qt wants an application for its paint engine.
        _grey_emoji_tiles_app.append(QGuiApplication([]))
    rng = np.random.default_rng(seed)
    images = np.stack([_draw_face(rng) for _ in range(count)])  # (count, 400)
    labels = tuple(f"face{i}" for i in range(count))
    return Dataset(f"grey emoji tiles {TILE}x{TILE}", TILE, TILE, labels, images)


_grey_emoji_tiles_app: list = []  # keeps the QGuiApplication made above alive


def _draw_face(rng: np.random.Generator) -> np.ndarray:
    """One random face, returned as (400,) float32 in [0, 1] with 1 for ink."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

    s = TILE * SUPERSAMPLE
    image = QImage(s, s, QImage.Format.Format_Grayscale8)
    image.fill(0)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    u = SUPERSAMPLE  # one tile pixel
    cx = 10 + rng.uniform(-0.8, 0.8)
    cy = 10 + rng.uniform(-0.8, 0.8)
    radius = rng.uniform(7.0, 9.3)
    shade = int(rng.uniform(70, 170))  # the face's body: a mid grey, as a yellow face turns grey
    ink = QColor(255, 255, 255)

    def pen(width: float) -> QPen:
        result = QPen(ink, width * u)
        result.setCapStyle(Qt.PenCapStyle.RoundCap)
        return result

    p.setPen(pen(rng.uniform(0.8, 1.4)))
    p.setBrush(QColor(shade, shade, shade))
    p.drawEllipse(QPointF(cx * u, cy * u), radius * u, radius * u)
    # Eyes: dots, tall ovals, closed arcs or a wink.
    eye_dx = radius * rng.uniform(0.3, 0.45)
    eye_y = cy - radius * rng.uniform(0.15, 0.35)
    eye_kind = rng.choice(["dot", "oval", "closed", "wink"], p=[0.4, 0.3, 0.15, 0.15])
    eye_r = rng.uniform(0.8, 1.5)
    p.setBrush(ink)
    for side in (-1, 1):
        ex = cx + side * eye_dx
        closed = eye_kind == "closed" or (eye_kind == "wink" and side == 1)
        if closed:
            p.setPen(pen(0.9))
            p.setBrush(Qt.BrushStyle.NoBrush)
            rect = QRectF((ex - 1.5) * u, (eye_y - 1.0) * u, 3.0 * u, 2.0 * u)
            p.drawArc(rect, 0, 180 * 16)
            p.setBrush(ink)
        else:
            p.setPen(Qt.PenStyle.NoPen)
            tall = 1.6 if eye_kind == "oval" else 1.0
            p.drawEllipse(QPointF(ex * u, eye_y * u), eye_r * u, eye_r * tall * u)
    # Brows on some faces: a slanted stroke above each eye.
    if rng.random() < 0.35:
        slant = rng.uniform(-0.8, 0.8)
        p.setPen(pen(0.8))
        for side in (-1, 1):
            ex = cx + side * eye_dx
            y = eye_y - 2.6
            p.drawLine(
                QPointF((ex - 1.4) * u, (y + side * slant) * u),
                QPointF((ex + 1.4) * u, (y - side * slant) * u),
            )
    # Mouth: a quadratic curve from a frown to a wide smile, sometimes filled (open mouth).
    mouth_y = cy + radius * rng.uniform(0.3, 0.5)
    half = radius * rng.uniform(0.3, 0.6)
    bend = rng.uniform(-2.5, 3.5)  # > 0 smiles, < 0 frowns
    path = QPainterPath(QPointF((cx - half) * u, mouth_y * u))
    path.quadTo(QPointF(cx * u, (mouth_y + 2 * bend) * u), QPointF((cx + half) * u, mouth_y * u))
    if rng.random() < 0.3 and bend > 1.0:
        path.closeSubpath()
        p.setPen(pen(0.7))
        p.setBrush(ink)
    else:
        p.setPen(pen(rng.uniform(0.8, 1.3)))
        p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.end()
    bits = image.constBits()
    stride = image.bytesPerLine()
    raw = np.frombuffer(bits, np.uint8, count=stride * s).reshape(s, stride)[:, :s]  # (80, 80)
    small = raw.reshape(TILE, u, TILE, u).mean(axis=(1, 3)) / 255.0  # (20, 20)
    return small.astype(np.float32).ravel()

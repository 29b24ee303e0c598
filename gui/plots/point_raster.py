"""Many points drawn as small dots into one image: the latent plane at 60,000 codes.

One `drawPixmap` per point costs the GUI thread ~3 us of Python and Qt each: 60,000 of them are
~200 ms a frame. Here every point's dot is written into a NumPy image with a few fancy-indexed
assignments (one per pixel of the dot's footprint) and Qt draws that image in one call: ~5 ms a
frame for 60,000 points, independent of the zoom. Points keep their class colour; where dots
overlap the one drawn last shows, in a fixed shuffled order so that no class always sits on top.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

# Pixel offsets (dx, dy) of each dot's footprint, the centre last so that it is never covered by
# a neighbour's edge: a 3x3 dot with the corners cut, and a 5x5 ring for hollow markers.
DOT = ((-1, 0), (1, 0), (0, -1), (0, 1), (0, 0))
RING = tuple(
    (dx, dy)
    for dx in range(-2, 3)
    for dy in range(-2, 3)
    if max(abs(dx), abs(dy)) == 2 and abs(dx) + abs(dy) < 4
)
SHUFFLE_SEED = 0


def draw_order(n: int) -> np.ndarray:
    """A fixed shuffled order of n points (the same on every frame, so dots do not flicker)."""
    return np.random.default_rng(SHUFFLE_SEED).permutation(n)


def raster_points(
    x: np.ndarray, y: np.ndarray, colours: np.ndarray, footprint: tuple[tuple[int, int], ...]
) -> tuple[int, int, np.ndarray]:
    """Dots of `footprint` centred on whole pixels x, y (k,) each in colours (k,) uint32 ARGB,
    later points over earlier ones. -> (left, top, image (h, w) uint32), image[0, 0] being pixel
    (left, top); transparent where there is no dot."""
    reach = max(max(abs(dx), abs(dy)) for dx, dy in footprint)
    left, top = int(x.min()) - reach, int(y.min()) - reach
    width = int(x.max()) - left + reach + 1
    height = int(y.max()) - top + reach + 1
    image = np.zeros(height * width, np.uint32)  # (h * w,) 0: transparent
    at = (y - top) * width + (x - left)  # (k,) flat index of each dot's centre
    for dx, dy in footprint:  # flat indices: a third of the time of (row, column) pairs
        image[at + (dy * width + dx)] = colours  # a repeated pixel keeps the last point's
    return left, top, image.reshape(height, width)


def argb_image(image: np.ndarray) -> QImage:
    """A QImage over `image` (h, w) uint32 of opaque or fully transparent pixels. The QImage
    shares the array's memory: keep the array alive while the image is drawn."""
    height, width = image.shape
    return QImage(image.data, width, height, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)

"""The nearest image of a large set to a few others, in blocks: 60,000 MNIST digits cost no copy.

`engine.latent.nearest_glyphs` compares whole sets as int32 arrays, which for 60,000 28x28 images
is a 188 MB float copy and a 380 MB int one per call, and a second. Here the references stay as
they are kept (uint8 or float32) and are thresholded a block of rows at a time; the Hamming
distance of 0/1 vectors is |a| + |b| - 2 a.b, one float32 matrix product per block (exact: the
counts stay far below 2**24).
"""

from __future__ import annotations

import numpy as np

from engine.metrics import EVAL_ROWS, THRESHOLD

BYTE_THRESHOLD = 128  # uint8 k is ink when k / 255 >= THRESHOLD (127 / 255 < 0.5 <= 128 / 255)


def ink(pixels: np.ndarray) -> np.ndarray:
    """Thresholded pixels as float32 0/1, from uint8 (255 is 1.0) or floats in [0, 1]."""
    limit = BYTE_THRESHOLD if pixels.dtype == np.uint8 else THRESHOLD
    return (pixels >= limit).astype(np.float32)


def nearest_images(
    images: np.ndarray, references: np.ndarray, rows: int = EVAL_ROWS
) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the reference with the fewest differing thresholded pixels (the first of
    equals), and how many: what `engine.latent.nearest_glyphs` returns, a block of `rows`
    references at a time.  (m, d) floats, (n, d) uint8 or floats -> index (m,), distance (m,)"""
    a = ink(np.atleast_2d(images))  # (m, d)
    a_count = a.sum(axis=1)  # (m,)
    best = np.zeros(len(a), np.intp)
    best_distance = np.full(len(a), np.inf, np.float32)
    for lo in range(0, len(references), rows):
        b = ink(references[lo : lo + rows])  # (rows, d)
        distance = a_count[:, None] + b.sum(axis=1)[None, :] - 2 * (a @ b.T)  # (m, rows)
        index = np.argmin(distance, axis=1)
        found = distance[np.arange(len(a)), index]
        better = found < best_distance  # strictly: an earlier block keeps its ties
        best[better], best_distance[better] = lo + index[better], found[better]
    return best, np.rint(best_distance).astype(np.intp)

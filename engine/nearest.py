"""The nearest training image to a decoded one, by thresholded pixels: 60,000 MNIST digits cost no copy.

Two ways to the same answer, for two uses:
- `nearest_images` for a batch (a grid, an interpolation strip, prior samples): the references
  stay as they are kept (uint8 or float32) and are thresholded a block of rows at a time; the
  Hamming distance of 0/1 vectors is |a| + |b| - 2 a.b, one float32 matrix product per block
  (exact: the counts stay far below 2**24). Nothing is kept between calls.
- `InkIndex` for one image at a time, again and again (the generator under the mouse): the set's
  ink is packed 64 pixels to a word once, then each look-up is a few XOR and bit counts.
"""

from __future__ import annotations

import numpy as np

from engine.metrics import EVAL_ROWS, THRESHOLD

BYTE_THRESHOLD = 128  # uint8 k is ink when k / 255 >= THRESHOLD (127 / 255 < 0.5 <= 128 / 255)


def is_ink(pixels: np.ndarray) -> np.ndarray:
    """Thresholded pixels (bool), from uint8 (255 is 1.0) or floats in [0, 1]."""
    return pixels >= (BYTE_THRESHOLD if pixels.dtype == np.uint8 else THRESHOLD)


def ink(pixels: np.ndarray) -> np.ndarray:
    """Thresholded pixels as float32 0/1, for matrix products."""
    return is_ink(pixels).astype(np.float32)


def nearest_images(
    images: np.ndarray, references: np.ndarray, rows: int = EVAL_ROWS
) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the reference with the fewest differing thresholded pixels (the first of
    equals), and how many, a block of `rows` references at a time.  (m, d) floats, (n, d) uint8 or floats -> index (m,), distance (m,)"""
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


def ink_bits(images: np.ndarray, block: int = 4096) -> np.ndarray:
    """Each image's thresholded pixels packed 64 to a word: (n, d) floats in [0, 1] or uint8
    bytes (255 is 1.0) -> (n, ceil(d / 64)) uint64. 60,000 MNIST images take 5.9 MB, against
    188 MB as float32; a block of rows is thresholded at a time."""
    images = np.atleast_2d(images)
    n, d = images.shape
    words = -(-d // 64)
    packed = np.zeros((n, 8 * words), np.uint8)  # (n, bytes) padded to whole words
    for lo in range(0, n, block):
        packed[lo : lo + block, : -(-d // 8)] = np.packbits(is_ink(images[lo : lo + block]), axis=1)
    return packed.view(np.uint64)


class InkIndex:
    """Reference images packed for nearest-glyph look-ups: made once per set (60,000 MNIST
    images: ~40 ms, 5.9 MB), then ~3 ms per image looked up, so the generator can name the
    nearest training image on the GUI thread."""

    def __init__(self, references: np.ndarray) -> None:
        self._words = np.ascontiguousarray(ink_bits(references).T)  # (w, n): one row per word

    def __len__(self) -> int:
        return self._words.shape[1]

    def nearest(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each image (m, d), the reference with the fewest differing thresholded pixels
        (the first of equals), and how many. -> index (m,), distance (m,)"""
        bits = ink_bits(images)  # (m, w)
        index, distance = np.zeros(len(bits), np.intp), np.zeros(len(bits), np.int64)
        for i, row in enumerate(bits):
            counts = np.zeros(len(self), np.int64)  # (n,) summed word by word: 1-D operations
            for word, value in zip(self._words, row, strict=True):
                counts += np.bitwise_count(word ^ value)
            index[i] = np.argmin(counts)
            distance[i] = counts[index[i]]
        return index, distance

"""Walking the latent space: grids, straight paths between codes, prior samples, nearest glyphs.

Pure NumPy on codes and images, shared by the command line and the window.
"""

from __future__ import annotations

import numpy as np

from engine.data.dataset import unit_floats
from engine.metrics import THRESHOLD


def latent_grid(model, grid: int, lo: float, hi: float) -> np.ndarray:
    """grid x grid points over [lo, hi]^2 on the first two latent axes (others 0), row by row from
    the top (high y) so that the decoded sheet reads like the plot.  -> (grid*grid, latent)"""
    ticks = np.linspace(lo, hi, grid)
    ys, xs = np.meshgrid(ticks[::-1], ticks, indexing="ij")
    codes = np.zeros((grid * grid, model.latent), dtype=model.dtype)
    codes[:, 0] = xs.ravel()
    if model.latent > 1:
        codes[:, 1] = ys.ravel()
    return codes


def interpolate(start: np.ndarray, end: np.ndarray, frames: int) -> np.ndarray:
    """`frames` codes evenly spaced on the straight line from `start` to `end`, both included.
    (L,), (L,) -> (frames, L)"""
    if frames < 2:
        raise ValueError("an interpolation needs at least 2 frames")
    t = np.linspace(0.0, 1.0, frames)[:, None]  # (frames, 1)
    return (1.0 - t) * np.asarray(start)[None, :] + t * np.asarray(end)[None, :]


def encode_blocks(model, images: np.ndarray, block: int = 4096) -> np.ndarray:
    """The codes of `images` (n, d), floats in [0, 1] or uint8 bytes, a block at a time: 60,000
    MNIST images never become one 188 MB float array.  -> (n, latent) (mu for a VAE)"""
    return np.concatenate(
        [
            model.encode(unit_floats(images[lo : lo + block], model.dtype))
            for lo in range(0, len(images), block)
        ]
    ).reshape(len(images), model.latent)


def sample_prior(latent: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` codes drawn from the VAE's prior N(0, I).  -> (count, latent)"""
    return rng.standard_normal((count, latent))


def ink_bits(images: np.ndarray, block: int = 4096) -> np.ndarray:
    """Each image's thresholded pixels packed 64 to a word: (n, d) floats in [0, 1] or uint8
    bytes (255 is 1.0) -> (n, ceil(d / 64)) uint64. 60,000 MNIST images take 5.9 MB, against
    188 MB as float32; a block of rows is thresholded at a time."""
    images = np.atleast_2d(images)
    n, d = images.shape
    words = -(-d // 64)
    packed = np.zeros((n, 8 * words), np.uint8)  # (n, bytes) padded to whole words
    for lo in range(0, n, block):
        rows = images[lo : lo + block]  # (b, d)
        # uint8 k stands for k / 255, which is >= 0.5 from 128 on.
        ink = rows >= 128 if rows.dtype == np.uint8 else rows >= THRESHOLD
        packed[lo : lo + block, : -(-d // 8)] = np.packbits(ink, axis=1)
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


def nearest_glyphs(images: np.ndarray, references: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the reference with the fewest differing thresholded pixels, and how many.
    (m, d), (n, d) -> index (m,), distance (m,). Either may be floats in [0, 1] or uint8 bytes
    (a Dataset's `pixels`: no float copy of a 60,000-image set is made)."""
    return InkIndex(references).nearest(images)

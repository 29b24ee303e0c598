"""Walking the latent space: grids, straight paths between codes, prior samples, nearest glyphs.

Pure NumPy on codes and images, shared by the command line and the window.
"""

from __future__ import annotations

import numpy as np

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


def sample_prior(latent: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` codes drawn from the VAE's prior N(0, I).  -> (count, latent)"""
    return rng.standard_normal((count, latent))


def nearest_glyphs(images: np.ndarray, references: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the reference with the fewest differing thresholded pixels, and how many.
    (m, d), (n, d) -> index (m,), distance (m,)"""
    a = (np.atleast_2d(images) >= THRESHOLD).astype(np.int32)  # (m, d)
    b = (references >= THRESHOLD).astype(np.int32)  # (n, d)
    distance = a @ (1 - b).T + (1 - a) @ b.T  # (m, n) Hamming distances
    index = np.argmin(distance, axis=1)
    return index, distance[np.arange(len(a)), index]

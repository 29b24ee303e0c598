"""Walking the latent space: grids, straight paths between codes, prior samples.

Pure NumPy on codes and images, shared by the command line and the window.
"""

from __future__ import annotations

import numpy as np

from engine.data.dataset import unit_floats


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

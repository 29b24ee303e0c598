"""Scoring denoisers: a model against fresh noisy copies, and the best any denoiser could do.

The bound is the maximum-likelihood clean glyph: for each noisy copy, the glyph of the clean set
under which that copy is most probable. No denoiser that maps a copy to one of the clean glyphs
can beat it on average, so it tells how much of a model's error the noise itself forces.
"""

from __future__ import annotations

import numpy as np

from engine.metrics import THRESHOLD, wrong_pixels
from engine.noise import Noise


def noisy_copies(
    clean: np.ndarray, noise: Noise, repeats: int, rng: np.random.Generator
) -> np.ndarray:
    """`repeats` independently corrupted copies of every image.  (n, d) -> (repeats, n, d)"""
    return np.stack([noise.apply(clean, rng) for _ in range(repeats)])


def model_wrong_pixels(model, clean: np.ndarray, copies: np.ndarray) -> np.ndarray:
    """Wrong pixels of the model's output for each copy, against the clean image.  -> (repeats, n)"""
    r, n, d = copies.shape
    output = model.reconstruct(copies.reshape(r * n, d))  # (r n, d)
    return wrong_pixels(output, np.tile(clean, (r, 1))).reshape(r, n)


def log_likelihood(noisy: np.ndarray, clean: np.ndarray, noise: Noise) -> np.ndarray:
    """log p(noisy | clean) for every pair, up to a constant per noisy image.  (m, d), (k, d) -> (m, k)

    Salt & pepper and bit flip act on thresholded pixels: a pixel survives with probability 1 - q
    (q = p/2 for salt & pepper, p for bit flip), so the likelihood falls with the Hamming distance.
    Gaussian noise is clipped: a pixel observed at exactly 0 or 1 carries the probability mass of
    the clipped tail, one strictly inside carries the normal density.
    """
    if noise.kind in ("salt-pepper", "bitflip"):
        q = noise.level / 2 if noise.kind == "salt-pepper" else noise.level
        q = min(max(q, 1e-12), 0.5)
        y = (noisy >= THRESHOLD).astype(np.float64)
        c = (clean >= THRESHOLD).astype(np.float64)
        hamming = y @ (1 - c).T + (1 - y) @ c.T  # (m, k)
        return hamming * (np.log(q) - np.log1p(-q))
    from scipy.special import log_ndtr  # scipy comes with scikit-learn

    sigma = max(noise.level, 1e-6)
    y = noisy.astype(np.float64)[:, None, :]  # (m, 1, d)
    c = clean.astype(np.float64)[None, :, :]  # (1, k, d)
    at_zero = log_ndtr((0.0 - c) / sigma)  # P(c + e <= 0)
    at_one = log_ndtr((c - 1.0) / sigma)  # P(c + e >= 1)
    inside = -0.5 * ((y - c) / sigma) ** 2
    ll = np.where(y <= 0.0, at_zero, np.where(y >= 1.0, at_one, inside))
    return ll.sum(axis=2)


def ml_bound_wrong_pixels(clean: np.ndarray, copies: np.ndarray, noise: Noise) -> np.ndarray:
    """Wrong pixels of the maximum-likelihood clean glyph for each copy.  -> (repeats, n)

    Ties are split evenly: the expected wrong pixels over the tied glyphs are counted.
    """
    r, n, d = copies.shape
    ll = log_likelihood(copies.reshape(r * n, d), clean, noise)  # (r n, k)
    best = ll >= ll.max(axis=1, keepdims=True) - 1e-9  # (r n, k) ties
    c = clean >= THRESHOLD
    distance = np.count_nonzero(c[:, None, :] != c[None, :, :], axis=2)  # (k, k)
    truth = np.tile(np.arange(n), r)  # (r n,)
    wrong = (best * distance[truth]).sum(axis=1) / best.sum(axis=1)
    return wrong.reshape(r, n)

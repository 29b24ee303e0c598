"""Scoring denoisers: a model against fresh noisy copies, and the best any denoiser could do.

The bound is the Bayes-optimal denoiser for a copy of a glyph drawn evenly from the clean set and
corrupted by known noise: it weighs every clean glyph by how probable it makes the copy and sets
each pixel that is ink in more than half of that weight. Wrong pixels add up pixel by pixel, so
no denoiser does better on average; it tells how much of a model's error the noise itself forces.
(Picking the single most likely glyph is not the bound: when a copy sits between glyphs, a
mixture of them can be nearer the truth, and a good DAE beats that choice at low noise.)
"""

from __future__ import annotations

import numpy as np

from engine.data.noise import Noise
from engine.metrics import THRESHOLD, wrong_pixels


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


def bound_wrong_pixels(
    clean: np.ndarray, copies: np.ndarray, noise: Noise, start: int = 0
) -> np.ndarray:
    """Wrong pixels of the Bayes-optimal denoiser on each copy.  -> (repeats, n)

    copies[i, j] is a corrupted copy of clean[start + j] (`start`: copies of a block of the set).
    A pixel whose ink probability is exactly one half (a tie) is counted as half wrong: either
    choice is wrong half the time.
    """
    r, n, d = copies.shape
    ll = log_likelihood(copies.reshape(r * n, d), clean, noise)  # (r n, k)
    weight = np.exp(ll - ll.max(axis=1, keepdims=True))  # (r n, k), largest 1
    ink = clean >= THRESHOLD  # (k, d)
    p_ink = (weight @ ink) / weight.sum(axis=1, keepdims=True)  # (r n, d) posterior of ink
    truth = np.tile(ink[start : start + n], (r, 1))  # (r n, d): copy i n + j shows clean[start + j]
    tie = np.abs(p_ink - 0.5) < 1e-9
    wrong = np.where(tie, 0.5, (p_ink > 0.5) != truth)  # (r n, d)
    return wrong.sum(axis=1).reshape(r, n)

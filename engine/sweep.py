"""Noise sweeps: mean wrong pixels per glyph against the noise level, for several denoisers.

Every method sees the same noisy copies at each level and repeat, so the curves differ only by
the method; the Bayes bound (`engine.denoising`) is computed on those copies too.
Error bars are the standard deviation over the repeats.

The set is corrupted and scored a block of BLOCK_ROWS images at a time, from its pixels as they
are held (uint8 bytes are made floats per block, as the Trainer does per batch): at 60,000 MNIST
images a sweep holds a block's floats, noisy copy and outputs (64 MB with the noise's random
draws), never the 188 MB of the whole set as floats nor whole-set noisy copies. The noise is
drawn block after block from one generator, so a set of at most BLOCK_ROWS images gets the very
copies a whole-set draw gives.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.data.dataset import unit_floats
from engine.data.noise import Noise
from engine.denoising import bound_wrong_pixels
from engine.metrics import wrong_pixels

SWEEP_LEVELS: dict[str, tuple[float, ...]] = {
    "salt-pepper": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4),
    "bitflip": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
    "gaussian": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
}
BOUND = "Bayes bound"
BLOCK_ROWS = 4096  # images corrupted and scored at a time
# The bound weighs every clean image for every noisy copy (n^2 d work, and n x n likelihoods):
# sweeps of larger sets leave it out (60,000 images would take hours).
BOUND_MAX_IMAGES = 2000
BOUND_VALUES = 2**24  # float64 items of one likelihood array (128 MB): the bound's block size

Denoiser = Callable[[np.ndarray], np.ndarray]  # noisy images (m, d) -> outputs (m, d)


@dataclass(frozen=True)
class SweepRow:
    """One point of one curve: the mean over repeats of the mean wrong pixels per glyph."""

    kind: str
    level: float
    method: str
    mean: float
    std: float
    repeats: int


def run_sweep(
    clean: np.ndarray,
    denoisers: Mapping[str, Denoiser],
    kind: str,
    levels: Sequence[float] | None = None,
    repeats: int = 5,
    seed: int = 0,
    bound: bool = True,
    progress: Callable[[float], bool] | None = None,
    block_rows: int = BLOCK_ROWS,
) -> list[SweepRow]:
    """Score every denoiser (and the bound) at every level of `kind`'s noise.

    `clean` (n, d) holds floats in [0, 1] or uint8 pixels (255 is 1.0); the bound needs at most
    BOUND_MAX_IMAGES of them. `progress(fraction)` is called after each level; returning False
    cancels the sweep, which then returns the rows measured so far.
    """
    levels = SWEEP_LEVELS[kind] if levels is None else tuple(levels)
    if repeats < 1:
        raise ValueError("a sweep needs at least one repeat")
    n = len(clean)
    if bound and n > BOUND_MAX_IMAGES:
        raise ValueError(
            f"the {BOUND} of {n:,} images would compare every noisy copy with every image; "
            f"it is computed for at most {BOUND_MAX_IMAGES:,}"
        )
    everything = unit_floats(clean) if bound else None  # (n, d) float32, a small set's
    rng = np.random.default_rng([seed, len(kind)])
    rows: list[SweepRow] = []
    for i, level in enumerate(levels):
        noise = Noise(kind, float(level))
        scores: dict[str, list[float]] = {name: [] for name in denoisers}
        if bound:
            scores[BOUND] = []
        for _ in range(repeats):
            totals = dict.fromkeys(scores, 0.0)  # wrong pixels summed over the set
            for lo in range(0, n, block_rows):
                x = unit_floats(clean[lo : lo + block_rows])  # (b, d) float32
                noisy = noise.apply(x, rng)  # (b, d)
                for name, denoise in denoisers.items():
                    totals[name] += float(wrong_pixels(denoise(noisy), x).sum())
                if everything is not None:
                    totals[BOUND] += _bound_total(everything, noisy, noise, lo)
            for name, total in totals.items():
                scores[name].append(total / n)
        rows.extend(
            SweepRow(kind, float(level), name, float(np.mean(v)), float(np.std(v)), repeats)
            for name, v in scores.items()
        )
        if progress is not None and not progress((i + 1) / len(levels)):
            break
    return rows


def _bound_total(clean: np.ndarray, noisy: np.ndarray, noise: Noise, start: int) -> float:
    """The bound's wrong pixels summed over `noisy` (b, d), copies of clean[start:start + b],
    a few rows at a time: Gaussian noise's likelihoods take (rows, n, d) float64."""
    n, d = clean.shape
    step = max(1, BOUND_VALUES // (n * d if noise.kind == "gaussian" else n))
    total = 0.0
    for lo in range(0, len(noisy), step):
        copies = noisy[None, lo : lo + step]  # (1, rows, d)
        total += float(bound_wrong_pixels(clean, copies, noise, start + lo).sum())
    return total


def sweep_csv(rows: Sequence[SweepRow]) -> str:
    """The rows as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "level", "method", "mean_wrong_pixels", "std", "repeats"])
    for r in rows:
        writer.writerow(
            [r.kind, f"{r.level:g}", r.method, f"{r.mean:.6g}", f"{r.std:.6g}", r.repeats]
        )
    return out.getvalue()

"""Noise sweeps: mean wrong pixels per glyph against the noise level, for several denoisers.

Every method sees the same noisy copies at each level and repeat, so the curves differ only by
the method; the Bayes bound (`engine.denoising`) is computed on those copies too.
Error bars are the standard deviation over the repeats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.data.noise import Noise
from engine.denoising import bound_wrong_pixels
from engine.metrics import wrong_pixels

SWEEP_LEVELS: dict[str, tuple[float, ...]] = {
    "salt-pepper": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4),
    "bitflip": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
    "gaussian": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
}
BOUND = "Bayes bound"

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
) -> list[SweepRow]:
    """Score every denoiser (and the bound) at every level of `kind`'s noise.

    `progress(fraction)` is called after each level; returning False cancels the sweep, which then
    returns the rows measured so far.
    """
    levels = SWEEP_LEVELS[kind] if levels is None else tuple(levels)
    if repeats < 1:
        raise ValueError("a sweep needs at least one repeat")
    rng = np.random.default_rng([seed, len(kind)])
    rows: list[SweepRow] = []
    for i, level in enumerate(levels):
        noise = Noise(kind, float(level))
        scores: dict[str, list[float]] = {name: [] for name in denoisers}
        if bound:
            scores[BOUND] = []
        for _ in range(repeats):
            noisy = noise.apply(clean, rng)  # (n, d)
            for name, denoise in denoisers.items():
                scores[name].append(float(wrong_pixels(denoise(noisy), clean).mean()))
            if bound:
                scores[BOUND].append(float(bound_wrong_pixels(clean, noisy[None], noise).mean()))
        rows.extend(
            SweepRow(kind, float(level), name, float(np.mean(v)), float(np.std(v)), repeats)
            for name, v in scores.items()
        )
        if progress is not None and not progress((i + 1) / len(levels)):
            break
    return rows


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

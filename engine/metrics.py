"""How good a reconstruction is, in the units a person checks by eye: wrong pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.5


def wrong_pixels(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pixels whose thresholded value differs from the thresholded target, per image.  -> (n,) int"""
    return np.count_nonzero((output >= THRESHOLD) != (target >= THRESHOLD), axis=1)


def mse(output: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error over every pixel of every image."""
    diff = np.asarray(output, dtype=np.float64) - target
    return float(np.mean(diff * diff))


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A model's reconstruction of a set, scored: the numbers every plot and stop rule reads."""

    loss: float  # per image: recon + beta * kl
    recon: float
    kl: float
    mse: float
    wrong: np.ndarray  # (n,) wrong pixels per image

    @property
    def max_wrong(self) -> int:
        return int(self.wrong.max()) if self.wrong.size else 0

    @property
    def total_wrong(self) -> int:
        return int(self.wrong.sum())


def evaluate(model, inputs: np.ndarray, targets: np.ndarray | None = None) -> Evaluation:
    """Score `model`'s deterministic reconstruction of `inputs` (a VAE decodes mu) against `targets`."""
    targets = inputs if targets is None else targets
    parts, output = model.evaluation_loss(inputs, targets)
    return Evaluation(
        parts.total, parts.recon, parts.kl, mse(output, targets), wrong_pixels(output, targets)
    )

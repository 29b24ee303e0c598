"""How good a reconstruction is, in the units a person checks by eye: wrong pixels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.5


def wrong_pixels(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pixels whose thresholded value differs from the thresholded target, per image.  -> (n,) int"""
    wrong = np.greater_equal(output, THRESHOLD)
    np.not_equal(wrong, np.greater_equal(target, THRESHOLD), out=wrong)
    return np.add.reduce(wrong, axis=1, dtype=np.intp)


def mse(output: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error over every pixel of every image (computed in float64)."""
    diff = np.subtract(output, target, dtype=np.float64)
    if diff.size == 0:
        return math.nan
    return float(np.vdot(diff, diff)) / diff.size


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A model's reconstruction of a set, scored: the numbers every plot and stop rule reads."""

    loss: float  # per image: recon + beta * kl
    recon: float
    kl: float
    mse: float
    wrong: np.ndarray  # (n,) wrong pixels per image

    def __post_init__(self) -> None:
        # Read several times per training step (history, best weights, stop rule): counted once.
        wrong = self.wrong
        object.__setattr__(self, "_max_wrong", int(np.maximum.reduce(wrong)) if wrong.size else 0)
        object.__setattr__(self, "_total_wrong", int(np.add.reduce(wrong)))

    @property
    def max_wrong(self) -> int:
        return self._max_wrong

    @property
    def total_wrong(self) -> int:
        return self._total_wrong


def evaluate(model, inputs: np.ndarray, targets: np.ndarray | None = None) -> Evaluation:
    """Score `model`'s deterministic reconstruction of `inputs` (a VAE decodes mu) against `targets`."""
    targets = inputs if targets is None else targets
    parts, output = model.evaluation_loss(inputs, targets)
    return Evaluation(
        parts.total, parts.recon, parts.kl, mse(output, targets), wrong_pixels(output, targets)
    )


class StepScorer:
    """`evaluate` for training steps' own outputs against fixed targets, in arrays made once.

    The 5x7 font trains in ~90 us a step and the stop rule reads every step's score; computing
    `wrong_pixels` and `mse` afresh each time added a quarter to the step. The squared error is
    summed in the targets' dtype here (float32: a few thousand terms, error ~1e-7 relative).
    """

    def __init__(self, targets: np.ndarray) -> None:
        self.targets = targets  # (n, d)
        self._target_ink = targets >= THRESHOLD  # (n, d) bool
        self._ink = np.empty_like(self._target_ink)
        self._diff = np.empty_like(targets)

    def __call__(self, loss: float, output: np.ndarray) -> Evaluation:
        """An Evaluation of `output` (n, d); `loss` is the step's own (recon = loss, no KL)."""
        ink, diff = self._ink, self._diff
        np.greater_equal(output, THRESHOLD, out=ink)
        np.not_equal(ink, self._target_ink, out=ink)  # wrong pixels
        np.subtract(output, self.targets, out=diff)
        squared = float(np.dot(diff.ravel(), diff.ravel()))  # BLAS dot
        return Evaluation(
            loss, loss, 0.0, squared / diff.size, np.add.reduce(ink, axis=1, dtype=np.intp)
        )

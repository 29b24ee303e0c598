"""How good a reconstruction is, in the units a person checks by eye: wrong pixels."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.data.dataset import unit_floats
from engine.nn.tape import copyto, dot

THRESHOLD = 0.5
# Up to this many images, the max and sum of wrong pixels are taken from a Python list: for the
# 32 glyphs scored every step that takes 2 us against 4.5 for two NumPy reductions; at 128 they
# break even, and for the 1797 digits the list costs 55 us.
COUNT_IN_PYTHON = 100
# uint8 sets are scored this many images at a time: the floats of a block and the network's
# outputs for it stay near 30 MB for 28x28 images, where all of MNIST would take 1.3 GB.
EVAL_ROWS = 4096


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


@dataclass(frozen=True, eq=False, slots=True)
class Evaluation:
    """A model's reconstruction of a set, scored: the numbers every plot and stop rule reads."""

    loss: float  # per image: recon + beta * kl
    recon: float
    kl: float
    mse: float
    wrong: np.ndarray  # (n,) wrong pixels per image
    max_wrong: int  # wrong.max() and wrong.sum(), counted once: the history, the best weights
    total_wrong: int  # and the stop rule read them on every training step

    @classmethod
    def count(
        cls, loss: float, recon: float, kl: float, mse: float, wrong: np.ndarray
    ) -> Evaluation:
        """An Evaluation whose max_wrong and total_wrong are counted from `wrong` (n,)."""
        if len(wrong) <= COUNT_IN_PYTHON:
            counts = wrong.tolist()
            return cls(loss, recon, kl, mse, wrong, max(counts, default=0), sum(counts))
        return cls(loss, recon, kl, mse, wrong, int(wrong.max()), int(wrong.sum()))


def evaluate(model, inputs: np.ndarray, targets: np.ndarray | None = None) -> Evaluation:
    """Score `model`'s deterministic reconstruction of `inputs` (a VAE decodes mu) against `targets`."""
    targets = inputs if targets is None else targets
    parts, output = model.evaluation_loss(inputs, targets)
    return Evaluation.count(
        parts.total, parts.recon, parts.kl, mse(output, targets), wrong_pixels(output, targets)
    )


# on_codes(lo, codes, logvar): the codes (m, latent) of images lo..lo + m, a VAE's log-variance
CodesHook = Callable[[int, np.ndarray, "np.ndarray | None"], None]


def evaluate_bytes(
    model, pixels: np.ndarray, rows: int = EVAL_ROWS, on_codes: CodesHook | None = None
) -> Evaluation:
    """`evaluate` of uint8 images (n, d) (255 is 1.0) against themselves, `rows` at a time;
    `on_codes` receives each block's codes as it is scored (the Trainer's live codes).

    Per-image means are weighted by block size, so the result equals one pass over the floats up
    to float rounding."""
    n = len(pixels)
    loss = recon = kl = squared = 0.0
    wrong = []
    for lo in range(0, n, rows):
        x = unit_floats(pixels[lo : lo + rows], model.dtype)  # (m, d)
        parts, output, codes, logvar = model.evaluation_pass(x, x)
        if on_codes is not None:
            on_codes(lo, codes, logvar)
        m = len(x)
        loss, recon, kl = loss + parts.total * m, recon + parts.recon * m, kl + parts.kl * m
        squared += mse(output, x) * x.size
        wrong.append(wrong_pixels(output, x))
    size = n * pixels.shape[1]
    return Evaluation.count(loss / n, recon / n, kl / n, squared / size, np.concatenate(wrong))


def evaluate_images(model, images: np.ndarray) -> Evaluation:
    """`evaluate` of a set against itself: uint8 images (255 is 1.0) a block at a time."""
    if images.dtype == np.uint8:
        return evaluate_bytes(model, images)
    return evaluate(model, images)


def encode_images(model, images: np.ndarray, rows: int = EVAL_ROWS) -> np.ndarray:
    """The codes (n, latent) of images (n, d), uint8 or floats, `rows` images at a time."""
    blocks = [
        model.encode(unit_floats(images[lo : lo + rows], model.dtype))
        for lo in range(0, len(images), rows)
    ]
    return np.concatenate(blocks)


class StepScorer:
    """`evaluate` for training steps' own outputs against fixed targets, in arrays made once.

    The 5x7 font trains in ~70 us a step and the stop rule reads every step's score, so each
    NumPy call here counts. The squared error is summed in the targets' dtype (float32: a few
    thousand terms, error ~1e-7 relative). Wrong pixels are counted per image by a BLAS
    matrix-vector product of 0/1 floats (exact below 2^24 pixels an image): 0.7 us against 2.4
    for `np.add.reduce` over the rows of a boolean array.
    """

    def __init__(self, targets: np.ndarray) -> None:
        n, d = targets.shape
        self.targets = targets  # (n, d)
        self._target_ink = targets >= THRESHOLD  # (n, d) bool
        self._wrong = np.empty_like(self._target_ink)  # (n, d) bool
        self._wrong01 = np.empty((n, d), targets.dtype)  # the same as 0/1 floats
        self._ones = np.ones(d, targets.dtype)
        self._counts = np.empty(n, targets.dtype)  # (n,) wrong pixels, whole numbers
        self._diff = np.empty_like(targets)

    def __call__(self, loss: float, output: np.ndarray) -> Evaluation:
        """An Evaluation of `output` (n, d); `loss` is the step's own (recon = loss, no KL)."""
        wrong, diff = self._wrong, self._diff
        np.greater_equal(output, THRESHOLD, out=wrong)
        np.not_equal(wrong, self._target_ink, out=wrong)
        copyto(self._wrong01, wrong)
        dot(self._wrong01, self._ones, self._counts)  # (n,)
        np.subtract(output, self.targets, out=diff)
        squared = float(dot(diff.ravel(), diff.ravel()))  # BLAS dot
        return Evaluation.count(loss, loss, 0.0, squared / diff.size, self._counts.astype(np.intp))

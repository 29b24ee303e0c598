"""Reconstruction losses, computed from the logits of the decoder's sigmoid output.

Working on the pre-activation keeps binary cross-entropy finite even when the sigmoid saturates:
log(1 + e^z) - y z never takes the log of 0. Each loss returns the loss of every image (summed over
its pixels, so that a VAE's KL term is weighed against a whole image as usual) and the gradient of
that sum with respect to the logits.

Training calls `LOSS_STEPS[name]`, which does the three jobs of a step at once, in work arrays it
is given: the output image, the scaled gradient and the loss summed over the batch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from engine.nn.activations import sigmoid

LOG2 = math.log(2.0)


def bce_value(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of sigmoid(logits) against target, per image.  (n, d) -> (n,)

    log(1 + e^z) - y z = max(z, 0) - y z + log(1 + e^-|z|): finite for any z, and for a confident
    right answer the first two terms cancel exactly (np.logaddexp gives the same, many times slower).
    """
    per_pixel = np.abs(logits)
    np.negative(per_pixel, out=per_pixel)
    np.exp(per_pixel, out=per_pixel)
    np.log1p(per_pixel, out=per_pixel)
    per_pixel += np.maximum(logits, 0.0)
    per_pixel -= target * logits
    return per_pixel.sum(axis=1)


def bce_grad(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """d bce / d logits = sigmoid(logits) - target.  (n, d)"""
    grad = sigmoid(logits)
    grad -= target
    return grad


def mse_value(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Squared error of sigmoid(logits) against target, summed per image.  (n, d) -> (n,)"""
    diff = sigmoid(logits) - target
    return (diff * diff).sum(axis=1)


def mse_grad(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """d mse / d logits = 2 (s - y) s (1 - s) with s = sigmoid(logits).  (n, d)"""
    s = sigmoid(logits)
    return 2.0 * (s - target) * s * (1.0 - s)


def bce_step(
    logits: np.ndarray,
    target: np.ndarray,
    output: np.ndarray,
    grad: np.ndarray,
    work: np.ndarray,
    scale: float,
) -> float:
    """One training step's BCE work; every array (n, d). Returns the loss summed over the batch.

    Writes output = s = sigmoid(logits) and grad = scale * (s - y). With t = tanh(z / 2), s is
    (1 + t) / 2 and log(1 + e^-|z|) = log 2 - log(1 + |t|), so one tanh serves both.
    """
    np.multiply(logits, 0.5, out=output)
    np.tanh(output, out=output)  # t
    np.absolute(output, out=work)
    np.log1p(work, out=work)
    np.subtract(LOG2, work, out=work)  # log(1 + e^-|z|)
    grad.fill(0.0)  # against an array NumPy's maximum runs its SIMD loop: 3x as fast as 0.0
    np.maximum(logits, grad, out=grad)
    work += grad
    np.multiply(target, logits, out=grad)
    work -= grad  # per-pixel loss, each term >= 0: summing loses nothing to cancellation
    total = float(np.add.reduce(work, axis=None))
    output += 1.0
    output *= 0.5  # s
    np.subtract(output, target, out=grad)
    grad *= scale
    return total


def mse_step(
    logits: np.ndarray,
    target: np.ndarray,
    output: np.ndarray,
    grad: np.ndarray,
    work: np.ndarray,
    scale: float,
) -> float:
    """`bce_step` for the squared error: grad = scale * 2 (s - y) s (1 - s)."""
    np.multiply(logits, 0.5, out=output)
    np.tanh(output, out=output)
    output += 1.0
    output *= 0.5  # s
    np.subtract(output, target, out=work)  # s - y
    total = float(np.vdot(work, work))
    np.subtract(1.0, output, out=grad)
    grad *= output
    grad *= work
    grad *= 2.0 * scale
    return total


LossValue = Callable[[np.ndarray, np.ndarray], np.ndarray]
LossGrad = Callable[[np.ndarray, np.ndarray], np.ndarray]
LossStep = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float], float]

LOSS_FUNCTIONS: dict[str, LossValue] = {"bce": bce_value, "mse": mse_value}
LOSS_GRADIENTS: dict[str, LossGrad] = {"bce": bce_grad, "mse": mse_grad}
LOSS_STEPS: dict[str, LossStep] = {"bce": bce_step, "mse": mse_step}
LOSS_NAMES: dict[str, str] = {"bce": "binary cross-entropy", "mse": "mean squared error"}


def check_loss(name: str) -> str:
    """Return `name` if it is a known loss, else raise a ValueError listing the choices."""
    if name not in LOSS_FUNCTIONS:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSS_FUNCTIONS)}")
    return name

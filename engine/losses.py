"""Reconstruction losses, computed from the logits of the decoder's sigmoid output.

Working on the pre-activation keeps binary cross-entropy finite even when the sigmoid saturates:
log(1 + e^z) - y z never takes the log of 0. Each loss returns the loss of every image (summed over
its pixels, so that a VAE's KL term is weighed against a whole image as usual) and the gradient of
that sum with respect to the logits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.activations import sigmoid


def bce_value(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of sigmoid(logits) against target, per image.  (n, d) -> (n,)"""
    return (np.logaddexp(0.0, logits) - target * logits).sum(axis=1)


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


LossValue = Callable[[np.ndarray, np.ndarray], np.ndarray]
LossGrad = Callable[[np.ndarray, np.ndarray], np.ndarray]

LOSS_FUNCTIONS: dict[str, LossValue] = {"bce": bce_value, "mse": mse_value}
LOSS_GRADIENTS: dict[str, LossGrad] = {"bce": bce_grad, "mse": mse_grad}
LOSS_NAMES: dict[str, str] = {"bce": "binary cross-entropy", "mse": "mean squared error"}


def check_loss(name: str) -> str:
    """Return `name` if it is a known loss, else raise a ValueError listing the choices."""
    if name not in LOSS_FUNCTIONS:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSS_FUNCTIONS)}")
    return name

"""Central-difference gradient checks in float64, shared by the engine's gradient tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f / d x by central differences, perturbing `x` in place one entry at a time."""
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """|a - n| / max(|a| + |n|, tiny): 0 for equal gradients, about 1 for unrelated ones."""
    denom = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    return float(np.linalg.norm(analytic - numeric) / denom)


def gradcheck(
    f: Callable[[], float], x: np.ndarray, analytic: np.ndarray, tol: float = 1e-6
) -> bool:
    """True when `analytic` matches the numeric gradient of `f` at `x` within `tol`."""
    return relative_error(analytic, numeric_gradient(f, x)) < tol

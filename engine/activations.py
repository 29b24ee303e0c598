"""Activation functions by name, each with its derivative (the scikit-learn ACTIVATIONS table idea).

Configs store the name; the GUI lists `ACTIVATIONS.keys()`. A derivative receives both the
pre-activation `z` and the activation `a = f(z)`, so that tanh and sigmoid can reuse `a`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def identity(z: np.ndarray) -> np.ndarray:
    return z


def sigmoid(z: np.ndarray) -> np.ndarray:
    # 0.5 * (1 + tanh(z / 2)) equals 1 / (1 + exp(-z)) and never overflows.
    a = np.multiply(z, 0.5)
    np.tanh(a, out=a)
    a += 1.0
    a *= 0.5
    return a


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def leaky_relu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, z * LEAKY_SLOPE)


def d_identity(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def d_sigmoid(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return a * (1.0 - a)


def d_tanh(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


def d_relu(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return (z > 0).astype(z.dtype)


def d_leaky_relu(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


Activation = Callable[[np.ndarray], np.ndarray]
Derivative = Callable[[np.ndarray, np.ndarray], np.ndarray]

ACTIVATIONS: dict[str, Activation] = {
    "identity": identity,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}
DERIVATIVES: dict[str, Derivative] = {
    "identity": d_identity,
    "sigmoid": d_sigmoid,
    "tanh": d_tanh,
    "relu": d_relu,
    "leaky_relu": d_leaky_relu,
}
# He initialisation suits rectifiers; Glorot suits the saturating and linear ones.
INITIALISATION: dict[str, str] = {
    "identity": "glorot",
    "sigmoid": "glorot",
    "tanh": "glorot",
    "relu": "he",
    "leaky_relu": "he",
}


def check_activation(name: str) -> str:
    """Return `name` if it is a known activation, else raise a ValueError listing the choices."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name

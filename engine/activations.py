"""Activation functions by name, each with its derivative (the scikit-learn ACTIVATIONS table idea).

Configs store the name; the GUI lists `ACTIVATIONS.keys()`. A derivative receives both the
pre-activation `z` and the activation `a = f(z)`, so that tanh and sigmoid can reuse `a`.

Training uses two more tables that write into arrays they are given instead of allocating:
`INTO[name](z, out)` writes f(z) into `out` (which may be z itself), and
`CHAIN_RULES[name](da, a, out)` writes da * f'(z) into `out`, reading only `a` (every activation
here has a derivative that `a` determines).
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


# --- into a given array, for training --------------------------------------------------------
def identity_into(z: np.ndarray, out: np.ndarray) -> None:
    if out is not z:
        np.copyto(out, z)


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> None:
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5


def tanh_into(z: np.ndarray, out: np.ndarray) -> None:
    np.tanh(z, out=out)


def relu_into(z: np.ndarray, out: np.ndarray) -> None:
    np.maximum(z, 0.0, out=out)


def leaky_relu_into(z: np.ndarray, out: np.ndarray) -> None:
    np.maximum(z, z * LEAKY_SLOPE, out=out)  # the slope is below 1: the larger of z and slope * z


def chain_identity(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    return da


def chain_sigmoid(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.subtract(1.0, a, out=out)
    out *= a
    out *= da  # da * a (1 - a)
    return out


def chain_tanh(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)
    out *= da  # da * (1 - a^2)
    return out


def chain_relu(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.multiply(da, a > 0, out=out)  # a > 0 exactly where z > 0
    return out


def chain_leaky_relu(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.multiply(da, LEAKY_SLOPE, out=out)
    np.copyto(out, da, where=a > 0)
    return out


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
Into = Callable[[np.ndarray, np.ndarray], None]
ChainRule = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

INTO: dict[str, Into] = {
    "identity": identity_into,
    "sigmoid": sigmoid_into,
    "tanh": tanh_into,
    "relu": relu_into,
    "leaky_relu": leaky_relu_into,
}
CHAIN_RULES: dict[str, ChainRule] = {
    "identity": chain_identity,
    "sigmoid": chain_sigmoid,
    "tanh": chain_tanh,
    "relu": chain_relu,
    "leaky_relu": chain_leaky_relu,
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

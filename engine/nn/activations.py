"""Activation functions by name, each with its derivative (the scikit-learn ACTIVATIONS table idea).

Configs store the name; the GUI lists `ACTIVATIONS.keys()`. A derivative receives both the
pre-activation `z` and the activation `a = f(z)`, so that tanh and sigmoid can reuse `a`.

Training uses two more tables that record NumPy calls on arrays they are given (see
`engine.nn.tape`) instead of computing: `INTO_OPS[name](z, out)` records f(z) into `out` (which may
be z itself), and `CHAIN_OPS[name](da, a, out)` records da * f'(z), reading only `a` (every
activation here has a derivative that `a` determines).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from engine.nn.tape import Op, copyto

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


# --- recorded calls, for training (see engine.nn.tape) -----------------------------------------
# INTO_OPS[name](z, out) records out = f(z) (`out` may be z itself); CHAIN_OPS[name](da, a, out)
# records da * f'(z), reading only `a`, and says which array holds it. A builder runs once per
# batch size, so it may allocate the scratch arrays its calls need.
def identity_ops(z: np.ndarray, out: np.ndarray) -> list[Op]:
    return [] if out is z else [(copyto, (out, z))]


def sigmoid_ops(z: np.ndarray, out: np.ndarray) -> list[Op]:
    return [
        (np.multiply, (z, 0.5, out)),
        (np.tanh, (out, out)),
        (np.add, (out, 1.0, out)),
        (np.multiply, (out, 0.5, out)),
    ]


def tanh_ops(z: np.ndarray, out: np.ndarray) -> list[Op]:
    return [(np.tanh, (z, out))]


def relu_ops(z: np.ndarray, out: np.ndarray) -> list[Op]:
    # np.maximum takes `out` only by keyword (and keeps a NaN, which np.fmax would drop). Against
    # an array of zeros it runs NumPy's SIMD loop: 8 us on 512 x 128 floats, 25 against 0.0.
    return [(partial(np.maximum, out=out), (z, np.zeros_like(z)))]


def leaky_relu_ops(z: np.ndarray, out: np.ndarray) -> list[Op]:
    scaled = np.empty_like(z)
    # The slope is below 1: f(z) is the larger of z and slope * z.
    return [(np.multiply, (z, LEAKY_SLOPE, scaled)), (partial(np.maximum, out=out), (z, scaled))]


Chain = tuple[list[Op], np.ndarray]


def chain_identity_ops(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> Chain:
    return [], da


def chain_sigmoid_ops(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> Chain:
    ops = [(np.subtract, (1.0, a, out)), (np.multiply, (out, a, out))]
    return [*ops, (np.multiply, (out, da, out))], out  # da * a (1 - a)


def chain_tanh_ops(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> Chain:
    ops = [(np.multiply, (a, a, out)), (np.subtract, (1.0, out, out))]
    return [*ops, (np.multiply, (out, da, out))], out  # da * (1 - a^2)


def chain_relu_ops(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> Chain:
    positive = np.empty(a.shape, bool)  # a > 0 exactly where z > 0
    return [(np.greater, (a, 0.0, positive)), (np.multiply, (da, positive, out))], out


def chain_leaky_relu_ops(da: np.ndarray, a: np.ndarray, out: np.ndarray) -> Chain:
    positive = np.empty(a.shape, bool)
    ops = [(np.greater, (a, 0.0, positive)), (np.multiply, (da, LEAKY_SLOPE, out))]
    return [*ops, (copyto, (out, da, "same_kind", positive))], out


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
IntoOps = Callable[[np.ndarray, np.ndarray], list[Op]]
ChainOps = Callable[[np.ndarray, np.ndarray, np.ndarray], Chain]

INTO_OPS: dict[str, IntoOps] = {
    "identity": identity_ops,
    "sigmoid": sigmoid_ops,
    "tanh": tanh_ops,
    "relu": relu_ops,
    "leaky_relu": leaky_relu_ops,
}
CHAIN_OPS: dict[str, ChainOps] = {
    "identity": chain_identity_ops,
    "sigmoid": chain_sigmoid_ops,
    "tanh": chain_tanh_ops,
    "relu": chain_relu_ops,
    "leaky_relu": chain_leaky_relu_ops,
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

"""Optimizers that see only arrays: `step(params, grads)` updates a flat parameter buffer in place.

Because every layer's weights are views into one buffer, one optimizer step is a handful of
vectorised calls whatever the depth of the network (scikit-learn's `update_params` idea).
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Plain gradient descent: p -= lr * g."""

    name = "sgd"

    def __init__(self, size: int, lr: float = 0.01, dtype: type = np.float32) -> None:
        self.lr = float(lr)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        params -= self.lr * grads

    def state(self) -> dict[str, np.ndarray]:
        """Arrays that, with the settings, make a resumed run continue exactly."""
        return {}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        return None


class Momentum(SGD):
    """Heavy-ball momentum: v = mu v - lr g; p += v."""

    name = "momentum"

    def __init__(
        self, size: int, lr: float = 0.01, momentum: float = 0.9, dtype: type = np.float32
    ) -> None:
        super().__init__(size, lr, dtype)
        self.momentum = float(momentum)
        self.velocity = np.zeros(size, dtype=dtype)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.velocity *= self.momentum
        self.velocity -= self.lr * grads
        params += self.velocity

    def state(self) -> dict[str, np.ndarray]:
        return {"velocity": self.velocity.copy()}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.velocity[...] = state["velocity"]


class Adam(SGD):
    """Adam (Kingma & Ba 2015) with bias correction folded into the step size."""

    name = "adam"

    def __init__(
        self,
        size: int,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        dtype: type = np.float32,
    ) -> None:
        super().__init__(size, lr, dtype)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t = 0
        self.m = np.zeros(size, dtype=dtype)
        self.v = np.zeros(size, dtype=dtype)
        self._work = np.zeros(size, dtype=dtype)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.t += 1
        b1, b2, work = self.beta1, self.beta2, self._work
        self.m *= b1
        np.multiply(grads, 1.0 - b1, out=work)
        self.m += work  # m = b1 m + (1 - b1) g
        self.v *= b2
        np.multiply(grads, grads, out=work)
        work *= 1.0 - b2
        self.v += work  # v = b2 v + (1 - b2) g^2
        # p -= lr_t m / (sqrt(v) + eps_t), with both bias corrections moved into lr_t and eps_t.
        correction = np.sqrt(1.0 - b2**self.t)
        lr_t = self.lr * correction / (1.0 - b1**self.t)
        np.sqrt(self.v, out=work)
        work += self.eps * correction
        np.divide(self.m, work, out=work)
        work *= lr_t
        params -= work

    def state(self) -> dict[str, np.ndarray]:
        return {"m": self.m.copy(), "v": self.v.copy(), "t": np.array(self.t)}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.m[...] = state["m"]
        self.v[...] = state["v"]
        self.t = int(state["t"])


OPTIMIZERS: dict[str, type[SGD]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, size: int, lr: float, dtype: type = np.float32) -> SGD:
    """Build the optimizer called `name` for a buffer of `size` parameters."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](size, lr=lr, dtype=dtype)

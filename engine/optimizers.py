"""Optimizers that see only arrays: `step(params, grads)` updates a flat parameter buffer in place.

Because every layer's weights are views into one buffer, one optimizer step is a handful of
vectorised calls whatever the depth of the network (scikit-learn's `update_params` idea).
"""

from __future__ import annotations

import os

import numpy as np

# Moments of weights whose gradient stays 0 (a pixel that is never set) decay geometrically and
# pass through the subnormal floats on their way to 0; arithmetic on those is many times slower on
# x86 (NumPy cannot set flush-to-zero). Every this many steps they are set to 0: a change far
# below what a float32 weight can resolve.
FLUSH_EVERY = 16


def flush_subnormals(a: np.ndarray, work: np.ndarray) -> None:
    """Set the entries of `a` smaller in magnitude than the smallest normal float to 0."""
    np.absolute(a, out=work)
    np.copyto(a, 0.0, where=work < np.finfo(a.dtype).tiny)


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
    """Adam (Kingma & Ba 2015) with bias correction folded into the step size.

    The update is a dozen elementwise passes. On a big buffer each would stream every array from
    memory again, so the buffer is updated in chunks small enough to stay in the CPU's cache
    through all of them; a small network's buffer is a single chunk. NumPy lets other threads run
    while it computes, so a big buffer's chunks are shared out between the CPU's cores.
    """

    name = "adam"
    CHUNK = 65536  # elements: five float32 arrays of this length take 1.3 MB
    THREADED_SIZE = 262144  # parameters from which the chunks are shared between cores

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
        chunks = [slice(lo, lo + self.CHUNK) for lo in range(0, size, self.CHUNK)]
        cores = min(os.cpu_count() or 1, 4) if size >= self.THREADED_SIZE else 1
        self._groups = [chunks[i::cores] for i in range(cores)]  # one list of chunks per core
        self._pool = None
        if cores > 1:
            from concurrent.futures import ThreadPoolExecutor  # only big networks pay for it

            self._pool = ThreadPoolExecutor(cores - 1, thread_name_prefix="adam")

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # p -= lr_t m / (sqrt(v) + eps_t), with both bias corrections moved into lr_t and eps_t.
        correction = np.sqrt(1.0 - b2**self.t)
        lr_t = self.lr * correction / (1.0 - b1**self.t)
        eps_t = self.eps * correction
        flush = self.t % FLUSH_EVERY == 0
        if len(self._groups[0]) == 1:
            self._update(params, grads, self.m, self.v, self._work, lr_t, eps_t, flush)
            return
        others = [
            self._pool.submit(self._update_chunks, group, params, grads, lr_t, eps_t, flush)
            for group in self._groups[1:]
        ]
        self._update_chunks(self._groups[0], params, grads, lr_t, eps_t, flush)
        for future in others:
            future.result()

    def _update_chunks(self, chunks, params, grads, lr_t: float, eps_t: float, flush: bool):
        m, v, work = self.m, self.v, self._work
        for c in chunks:
            self._update(params[c], grads[c], m[c], v[c], work[c], lr_t, eps_t, flush)

    def _update(self, p, g, m, v, work, lr_t: float, eps_t: float, flush: bool) -> None:
        b1, b2 = self.beta1, self.beta2
        m *= b1
        np.multiply(g, 1.0 - b1, out=work)
        m += work  # m = b1 m + (1 - b1) g
        v *= b2
        np.multiply(g, g, out=work)
        work *= 1.0 - b2
        v += work  # v = b2 v + (1 - b2) g^2
        if flush:
            flush_subnormals(m, work)
            flush_subnormals(v, work)
        np.sqrt(v, out=work)
        work += eps_t
        np.divide(m, work, out=work)
        work *= lr_t
        p -= work

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

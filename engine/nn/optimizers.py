"""Optimizers that see only arrays: `step(params, grads)` updates a flat parameter buffer in place.

Because every layer's weights are views into one buffer, one optimizer step is a handful of
vectorised calls whatever the depth of the network (scikit-learn's `update_params` idea).
A step may also be taken in parts: `start_step()`, then `update` of disjoint slices of the
buffer, which threads may run at once (a split training step updates each layer on the core
that computed its gradient; engine.nn.split).
"""

from __future__ import annotations

import math
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
        """Update every weight: `start_step`, then `update` of the whole buffer."""
        self.start_step()
        self.update(params, grads, slice(0, params.size))

    def start_step(self) -> None:
        """Begin a step: fix the factors that its `update` calls apply."""

    def update(self, params: np.ndarray, grads: np.ndarray, part: slice, core: int = 0) -> None:
        """Update params[part] from grads[part]. Calls on disjoint parts may run at once in two
        threads, `core` 0 and 1, each with its own scratch arrays."""
        params[part] -= self.lr * grads[part]

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

    def update(self, params: np.ndarray, grads: np.ndarray, part: slice, core: int = 0) -> None:
        velocity = self.velocity[part]
        velocity *= self.momentum
        velocity -= self.lr * grads[part]
        params[part] += velocity

    def state(self) -> dict[str, np.ndarray]:
        return {"velocity": self.velocity.copy()}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.velocity[...] = state["velocity"]


class Adam(SGD):
    """Adam (Kingma & Ba 2015) with bias correction folded into the step size.

    The moments are kept as plain decaying sums, m_sum = b1 m_sum + g and v_sum = b2 v_sum + g^2
    (Adam's m and v are (1 - b1) m_sum and (1 - b2) v_sum), so the constant factors move into
    the step size too and an update is ten elementwise passes instead of twelve. On a big buffer
    each pass would stream every array from memory again, so the buffer is updated in chunks small
    enough to stay in the CPU's cache through all of them; a small network's buffer is a single
    chunk. NumPy lets other threads run while it computes, so a big buffer's chunks are shared
    out between the CPU's cores, each with its own chunk-sized scratch array that never leaves
    its cache (a buffer-sized one cost a memory write and read of 4 bytes per parameter).
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
        self.m_sum = np.zeros(size, dtype=dtype)  # m / (1 - beta1)
        self.v_sum = np.zeros(size, dtype=dtype)  # v / (1 - beta2)
        chunks = [slice(lo, lo + self.CHUNK) for lo in range(0, size, self.CHUNK)]
        cores = min(os.cpu_count() or 1, 4) if size >= self.THREADED_SIZE else 1
        self._groups = [chunks[i::cores] for i in range(cores)]  # one list of chunks per core
        # One scratch array per core (two at least: a split step updates on two).
        scratch = min(size, self.CHUNK)
        self._scratch = [np.zeros(scratch, dtype=dtype) for _ in range(max(cores, 2))]
        self._factors = (0.0, 0.0, False)  # this step's rate, floor and flush: see start_step
        self._pool = None
        if cores > 1:
            from concurrent.futures import ThreadPoolExecutor  # only big networks pay for it

            self._pool = ThreadPoolExecutor(cores - 1, thread_name_prefix="adam")

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.start_step()
        if len(self._groups[0]) == 1:  # one chunk: the whole (small) buffer
            self._update(params, grads, self.m_sum, self.v_sum, self._scratch[0], *self._factors)
            return
        others = [
            self._pool.submit(self._update_chunks, core, params, grads)
            for core in range(1, len(self._groups))
        ]
        self._update_chunks(0, params, grads)
        for future in others:
            future.result()

    def start_step(self) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # p -= lr m_hat / (sqrt(v_hat) + eps) with m_hat = (1 - b1) m_sum / (1 - b1^t) and
        # v_hat = (1 - b2) v_sum / (1 - b2^t) is p -= rate m_sum / (sqrt(v_sum) + floor):
        # math.sqrt, not np.sqrt: the factors stay Python floats, which NumPy fits to the
        # float32 arrays; a float64 NumPy scalar sends each of the passes below through a float64
        # loop and a cast back (the font AE's update took 1.5x as long).
        scale = math.sqrt((1.0 - b2**self.t) / (1.0 - b2))
        rate = self.lr * scale * (1.0 - b1) / (1.0 - b1**self.t)
        self._factors = (rate, self.eps * scale, self.t % FLUSH_EVERY == 0)

    def update(self, params: np.ndarray, grads: np.ndarray, part: slice, core: int = 0) -> None:
        stop = part.stop
        self._update_chunks(
            core,
            params,
            grads,
            [slice(lo, min(lo + self.CHUNK, stop)) for lo in range(part.start, stop, self.CHUNK)],
        )

    def _update_chunks(self, core: int, params, grads, chunks: list[slice] | None = None):
        """Update `chunks` of the buffer (default: those of `core`'s group) in `core`'s
        scratch array."""
        m, v, scratch = self.m_sum, self.v_sum, self._scratch[core]
        for c in self._groups[core] if chunks is None else chunks:
            p = params[c]
            work = scratch[: len(p)]  # the last chunk may be short
            self._update(p, grads[c], m[c], v[c], work, *self._factors)

    def _update(self, p, g, m, v, work, rate: float, floor: float, flush: bool) -> None:
        m *= self.beta1
        m += g  # m_sum = b1 m_sum + g
        v *= self.beta2
        np.multiply(g, g, out=work)
        v += work  # v_sum = b2 v_sum + g^2
        if flush:
            flush_subnormals(m, work)
            flush_subnormals(v, work)
        np.sqrt(v, out=work)
        work += floor
        np.divide(m, work, out=work)
        work *= rate
        p -= work

    def state(self) -> dict[str, np.ndarray]:
        return {"m_sum": self.m_sum.copy(), "v_sum": self.v_sum.copy(), "t": np.array(self.t)}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        """Also takes the m and v of session files written before the moments became sums."""
        if "m_sum" in state:
            self.m_sum[...] = state["m_sum"]
            self.v_sum[...] = state["v_sum"]
        else:
            self.m_sum[...] = np.asarray(state["m"], np.float64) / (1.0 - self.beta1)
            self.v_sum[...] = np.asarray(state["v"], np.float64) / (1.0 - self.beta2)
        self.t = int(state["t"])


OPTIMIZERS: dict[str, type[SGD]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, size: int, lr: float, dtype: type = np.float32) -> SGD:
    """Build the optimizer called `name` for a buffer of `size` parameters."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](size, lr=lr, dtype=dtype)

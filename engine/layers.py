"""The Dense layer: y = f(x @ W + b).

Layers do not own their arrays: `bind` points `params` and `grads` at slices of a model's flat
buffers, so an optimizer updates every weight of every layer in a few vectorised calls.
"""

from __future__ import annotations

import numpy as np

from engine.activations import ACTIVATIONS, DERIVATIVES, INITIALISATION, check_activation


class Dense:
    """A fully connected layer with a named activation.

    `forward` caches the input, pre-activation and activation; `backward(da)` fills `grads` (same
    keys as `params`) and returns the gradient with respect to the input.
    """

    def __init__(self, n_in: int, n_out: int, activation: str = "identity") -> None:
        self.n_in = n_in
        self.n_out = n_out
        self.activation = check_activation(activation)
        self._f = ACTIVATIONS[activation]
        self._df = DERIVATIVES[activation]
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._x: np.ndarray | None = None
        self._z: np.ndarray | None = None
        self._a: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Number of parameters: weights and biases."""
        return self.n_in * self.n_out + self.n_out

    def bind(self, params: np.ndarray, grads: np.ndarray, offset: int) -> int:
        """View `params[offset:]` and `grads[offset:]` as W (n_in, n_out) and b (n_out,)."""
        n_w = self.n_in * self.n_out
        shape = (self.n_in, self.n_out)
        self.params = {
            "W": params[offset : offset + n_w].reshape(shape),
            "b": params[offset + n_w : offset + self.size],
        }
        self.grads = {
            "W": grads[offset : offset + n_w].reshape(shape),
            "b": grads[offset + n_w : offset + self.size],
        }
        return offset + self.size

    def initialise(self, rng: np.random.Generator) -> None:
        """Glorot (uniform) for saturating/linear activations, He (normal) for rectifiers; b = 0."""
        W = self.params["W"]
        if INITIALISATION[self.activation] == "he":
            W[...] = rng.normal(0.0, np.sqrt(2.0 / self.n_in), size=W.shape)
        else:
            limit = np.sqrt(6.0 / (self.n_in + self.n_out))
            W[...] = rng.uniform(-limit, limit, size=W.shape)
        self.params["b"][...] = 0.0

    def forward(self, x: np.ndarray) -> np.ndarray:
        """(n, n_in) -> (n, n_out), caching what `backward` needs."""
        z = x @ self.params["W"]  # (n, n_out)
        z += self.params["b"]
        a = self._f(z)
        self._x, self._z, self._a = x, z, a
        return a

    def predict(self, x: np.ndarray) -> np.ndarray:
        """`forward` without caching: safe to call on a layer another computation is using."""
        z = x @ self.params["W"]
        z += self.params["b"]
        return self._f(z)

    def backward(self, da: np.ndarray) -> np.ndarray:
        """da = dL/da (n, n_out) -> dL/dx (n, n_in); writes dL/dW and dL/db into `grads`."""
        if self._x is None:
            raise RuntimeError("Dense.backward called before forward")
        dz = da if self.activation == "identity" else da * self._df(self._z, self._a)
        np.matmul(self._x.T, dz, out=self.grads["W"])  # (n_in, n_out)
        np.sum(dz, axis=0, out=self.grads["b"])  # (n_out,)
        return dz @ self.params["W"].T  # (n, n_in)

"""A multilayer perceptron: a stack of Dense layers, used as an encoder or a decoder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.layers import Dense


class MLP:
    """Dense layers of sizes `sizes[0] -> sizes[1] -> ... -> sizes[-1]`.

    Hidden layers use `activation`, the last one `output_activation`. `backward(grad_out)` returns the
    gradient with respect to the input, so a decoder's gradient can flow on into an encoder.
    """

    def __init__(
        self, sizes: Sequence[int], activation: str = "tanh", output_activation: str = "identity"
    ) -> None:
        if len(sizes) < 2:
            raise ValueError("an MLP needs at least an input and an output size")
        self.sizes = tuple(int(s) for s in sizes)
        self.layers = [
            Dense(n_in, n_out, activation if i < len(sizes) - 2 else output_activation)
            for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        ]

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)

    def bind(self, params: np.ndarray, grads: np.ndarray, offset: int) -> int:
        for layer in self.layers:
            offset = layer.bind(params, grads, offset)
        return offset

    def initialise(self, rng: np.random.Generator) -> None:
        for layer in self.layers:
            layer.initialise(rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def predict(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.predict(x)
        return x

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out

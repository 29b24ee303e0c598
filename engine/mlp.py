"""A multilayer perceptron: a stack of Dense layers, used as an encoder or a decoder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.layers import Dense


class MLP:
    """Dense layers of sizes `sizes[0] -> sizes[1] -> ... -> sizes[-1]`.

    Hidden layers use `activation`, the last one `output_activation`. `backward(grad_out)` returns the
    gradient with respect to the input, so a decoder's gradient can flow on into an encoder.
    `augment_output` keeps a column of ones beside the last layer's training output, for a network
    that feeds another one (an encoder feeding a decoder; see `Dense`).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "identity",
        augment_output: bool = False,
    ) -> None:
        if len(sizes) < 2:
            raise ValueError("an MLP needs at least an input and an output size")
        self.sizes = tuple(int(s) for s in sizes)
        last = len(sizes) - 2
        self.layers = [
            Dense(
                n_in,
                n_out,
                activation if i < last else output_activation,
                augment_output=augment_output if i == last else True,
            )
            for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        ]
        self.augment_output = augment_output

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

    def augment(self, x: np.ndarray) -> np.ndarray:
        """(n, sizes[0]) -> a work array (n, sizes[0] + 1) holding x and a column of ones."""
        return self.layers[0].augment(x)

    def forward_augmented(self, xa: np.ndarray) -> np.ndarray:
        """[x, 1] (n, sizes[0] + 1) -> the last layer's work array (n, sizes[-1] [+ 1])."""
        for layer in self.layers:
            xa = layer.forward_augmented(xa)
        return xa

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = self.forward_augmented(self.augment(x))
        return out[:, : self.sizes[-1]] if self.augment_output else out

    def predict(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.predict(x)
        return x

    def backward(self, grad_out: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """dL/d output -> dL/d input (None with `input_grad=False`); fills every layer's grads."""
        layers = self.layers
        for layer in layers[:0:-1]:
            grad_out = layer.backward(grad_out)
        return layers[0].backward(grad_out, input_grad)

"""A multilayer perceptron: a stack of Dense layers, used as an encoder or a decoder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.nn.layers import Dense
from engine.nn.tape import Op


class MLP:
    """Dense layers of sizes `sizes[0] -> sizes[1] -> ... -> sizes[-1]`.

    Hidden layers use `activation`, the last one `output_activation`. Training records the MLP's
    passes (`forward_ops`, `backward_ops`); the backward pass can leave the gradient with respect
    to the input, so a decoder's gradient flows on into an encoder. `augment_output` keeps a
    column of ones beside the last layer's training output, for a network that feeds another one
    (an encoder feeding a decoder; see `Dense`).
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

    def input_array(self, n: int) -> np.ndarray:
        """The work array (n, sizes[0] + 1) that holds an input of n rows and a column of ones."""
        return self.layers[0].input_array(n)

    def forward_ops(self, xa: np.ndarray, rows: slice | None = None) -> tuple[list[Op], np.ndarray]:
        """The calls of a forward pass from [x, 1] `xa` (n, sizes[0] + 1) (of its `rows` alone,
        if given), and the last layer's work array (n, sizes[-1] [+ 1]) they leave the output
        in (see `engine.nn.tape`)."""
        ops: list[Op] = []
        for layer in self.layers:
            layer_ops, xa = layer.forward_ops(xa, rows)
            ops += layer_ops
        return ops, xa

    def backward_ops(
        self,
        xa: np.ndarray,
        grad_out: np.ndarray,
        input_grad: bool = True,
        rows: slice | None = None,
        weight_grads: bool = True,
    ) -> tuple[list[Op], np.ndarray | None]:
        """The calls of a backward pass after a forward one from `xa`, given dL/d output: they
        fill every layer's grads and leave dL/d input in the array returned (None with
        `input_grad=False`). `rows` and `weight_grads=False` as in `Dense.backward_ops`."""
        ops: list[Op] = []
        dx = None
        for layer, x, da in reversed(self._passes(xa, grad_out)):
            first = layer is self.layers[0]
            layer_ops, dx = layer.backward_ops(x, da, input_grad or not first, rows, weight_grads)
            ops += layer_ops
        return ops, dx

    def weight_grad_ops(self, xa: np.ndarray, grad_out: np.ndarray) -> list[tuple[Dense, Op]]:
        """Each layer's call that writes its [dW; db] after `backward_ops(xa, grad_out,
        weight_grads=False)` has run (engine.nn.split shares them out between cores)."""
        return [
            (layer, layer.weight_grad_ops(x, da)[0]) for layer, x, da in self._passes(xa, grad_out)
        ]

    def _passes(
        self, xa: np.ndarray, grad_out: np.ndarray
    ) -> list[tuple[Dense, np.ndarray, np.ndarray]]:
        """(layer, its input work array, the array its dL/da arrives in) for every layer, first
        to last, of a pass of xa.shape[0] rows."""
        n = xa.shape[0]
        inputs = [xa, *(layer.output_array(n) for layer in self.layers[:-1])]
        grads = [*(layer.grad_input_array(n) for layer in self.layers[1:]), grad_out]
        return list(zip(self.layers, inputs, grads, strict=True))

    def predict(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.predict(x)
        return x

"""The Dense layer: y = f(x @ W + b).

Layers do not own their arrays: `bind` points `params` and `grads` at slices of a model's flat
buffers, so an optimizer updates every weight of every layer in a few vectorised calls.

W and b sit one after the other in the buffer, so together they are one (n_in + 1, n_out) matrix
[W; b]. Training feeds each layer its input with a column of ones appended ("augmented"), which
makes z = [x, 1] @ [W; b] one matrix product and [dW; db] = [x, 1].T @ dz another: no separate
bias add or bias sum. Each layer writes its activation into a work array that already carries the
next layer's column of ones. Work arrays are made once per batch size and then reused, and so
are the calls that fill them: `forward_ops` and `backward_ops` record a pass for a model to
replay every step (see `engine.nn.tape`).
"""

from __future__ import annotations

import numpy as np

from engine.nn.activations import ACTIVATIONS, CHAIN_OPS, INITIALISATION, INTO_OPS, check_activation
from engine.nn.tape import Op, copyto, dot, replay


class _Work:
    """One batch size's work arrays of a Dense layer."""

    __slots__ = ("a", "dx", "dz", "out", "xa", "z")

    def __init__(self, n: int, n_in: int, n_out: int, augment_output: bool, dtype) -> None:
        self.xa: np.ndarray | None = None  # (n, n_in + 1) input and ones; made when first needed
        self.out = np.ones((n, n_out + 1) if augment_output else (n, n_out), dtype)  # f(z) [, 1]
        self.a = self.out[:, :n_out]  # the activation f(z) (n, n_out), a view of `out`
        # z = [x, 1] @ [W; b] (n, n_out). np.dot writes only into contiguous arrays, and on small
        # ones it costs ~0.8 us less than np.matmul, which could write into `a` directly.
        self.z = np.empty((n, n_out), dtype) if augment_output else self.a
        self.dz = np.empty((n, n_out), dtype)  # dL/dz
        self.dx = np.empty((n, n_in), dtype)  # dL/dx


class Dense:
    """A fully connected layer with a named activation.

    `forward` caches the (augmented) input; `backward(da)` fills `grads` (same keys as `params`)
    and returns the gradient with respect to the input. Arrays that `forward` and `backward`
    return are the layer's work arrays: valid until its next call with as many rows.
    `forward_ops` and `backward_ops` record the same calls instead of running them.
    `augment_output` says whether training keeps a column of ones beside the activation (for a
    next layer to consume); the last layer of a network does without.
    """

    def __init__(
        self, n_in: int, n_out: int, activation: str = "identity", augment_output: bool = True
    ) -> None:
        self.n_in = n_in
        self.n_out = n_out
        self.activation = check_activation(activation)
        self.augment_output = augment_output
        self._f = ACTIVATIONS[activation]
        self._into_ops = INTO_OPS[activation]
        self._chain_ops = CHAIN_OPS[activation]
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._Wb: np.ndarray | None = None  # (n_in + 1, n_out): [W; b], a view of the params
        self._Wt: np.ndarray | None = None  # (n_out, n_in): W.T, a view of the params
        self._gWb: np.ndarray | None = None  # (n_in + 1, n_out): [dW; db], a view of the grads
        self._work: dict[int, _Work] = {}
        self._xa: np.ndarray | None = None  # cached by forward for backward
        self.part = slice(0, 0)  # set by bind

    @property
    def size(self) -> int:
        """Number of parameters: weights and biases."""
        return self.n_in * self.n_out + self.n_out

    def bind(self, params: np.ndarray, grads: np.ndarray, offset: int) -> int:
        """View `params[offset:]` and `grads[offset:]` as W (n_in, n_out) and b (n_out,)."""
        n_w = self.n_in * self.n_out
        shape = (self.n_in + 1, self.n_out)
        self._Wb = params[offset : offset + self.size].reshape(shape)
        self._gWb = grads[offset : offset + self.size].reshape(shape)
        self.params = {"W": self._Wb[: self.n_in], "b": params[offset + n_w : offset + self.size]}
        self.grads = {"W": self._gWb[: self.n_in], "b": grads[offset + n_w : offset + self.size]}
        self._Wt = self.params["W"].T
        self.part = slice(offset, offset + self.size)  # where W and b sit in the buffers
        self._work.clear()
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

    def _work_for(self, n: int) -> _Work:
        work = self._work.get(n)
        if work is None:
            dtype = self._Wb.dtype
            work = self._work[n] = _Work(n, self.n_in, self.n_out, self.augment_output, dtype)
        return work

    def input_array(self, n: int) -> np.ndarray:
        """The work array (n, n_in + 1) that holds an input of n rows and a column of ones."""
        work = self._work_for(n)
        if work.xa is None:
            work.xa = np.ones((n, self.n_in + 1), self._Wb.dtype)
        return work.xa

    def output_array(self, n: int) -> np.ndarray:
        """The work array (n, n_out [+ 1]) that the forward pass of n rows leaves f(z) in."""
        return self._work_for(n).out

    def grad_input_array(self, n: int) -> np.ndarray:
        """The work array (n, n_in) that the backward pass of n rows leaves dL/dx in."""
        return self._work_for(n).dx

    def augment(self, x: np.ndarray) -> np.ndarray:
        """Copy x (n, n_in) into the input work array (n, n_in + 1) whose last column is ones."""
        xa = self.input_array(x.shape[0])
        np.copyto(xa[:, : self.n_in], x)
        return xa

    def forward_ops(self, xa: np.ndarray, rows: slice | None = None) -> tuple[list[Op], np.ndarray]:
        """The calls of a forward pass from [x, 1] `xa` (n, n_in + 1), and the array they leave
        f(z) (n, n_out) in, followed by a column of ones if `augment_output`. With `rows`, the
        calls compute those rows alone (a share of a step split between cores, engine.nn.split)."""
        work = self._work_for(xa.shape[0])
        z = _rows(work.z, rows)
        a = z if work.z is work.a else _rows(work.a, rows)
        ops = [(dot, (_rows(xa, rows), self._Wb, z)), *self._into_ops(z, a)]  # x @ W + b
        return ops, work.out

    def backward_ops(
        self,
        xa: np.ndarray,
        da: np.ndarray,
        input_grad: bool = True,
        rows: slice | None = None,
        weight_grad: bool = True,
    ) -> tuple[list[Op], np.ndarray | None]:
        """The calls of a backward pass after a forward one from `xa`, given da = dL/da
        (n, n_out): they write dL/dW and dL/db into `grads` and dL/dx (n, n_in) into the array
        returned (None with `input_grad=False`, for a network's first layer). With `rows`, the
        calls of dL/dz and dL/dx compute those rows alone; `weight_grad=False` leaves out
        [dW; db], a sum over all the rows that `weight_grad_ops` records (engine.nn.split)."""
        work = self._work_for(xa.shape[0])
        da_rows, dz_rows = _rows(da, rows), _rows(work.dz, rows)
        ops, dz = self._chain_ops(da_rows, _rows(work.a, rows), dz_rows)  # da * f'(z)  (n, n_out)
        if dz.dtype != work.dz.dtype:  # an identity layer passes `da` through as it came
            ops.append((copyto, (dz_rows, dz)))
            dz = dz_rows
        if weight_grad:
            ops += self.weight_grad_ops(xa, da)
        if not input_grad:
            return ops, None
        ops.append((dot, (dz, self._Wt, _rows(work.dx, rows))))  # (n, n_in)
        return ops, work.dx

    def weight_grad_ops(
        self, xa: np.ndarray, da: np.ndarray, inputs: slice | None = None
    ) -> list[Op]:
        """The call that writes [dW; db] = [x, 1].T @ dz (n_in + 1, n_out) once the calls of
        `backward_ops` from `xa` and `da` have left dz; with `inputs`, only those rows of it."""
        work = self._work_for(xa.shape[0])
        # Where backward_ops leaves dz: `da` itself when the activation passes it through.
        dz = da if self.activation == "identity" and da.dtype == work.dz.dtype else work.dz
        # np.dot: less overhead than np.matmul on small arrays; it needs a contiguous `out`.
        if inputs is None:
            return [(dot, (xa.T, dz, self._gWb))]
        return [(dot, (xa[:, inputs].T, dz, self._gWb[inputs]))]

    def forward_augmented(self, xa: np.ndarray) -> np.ndarray:
        """[x, 1] (n, n_in + 1) -> f(z) (n, n_out), followed by a column of ones if
        `augment_output`; caches what `backward` needs."""
        ops, out = self.forward_ops(xa)
        replay(ops)
        self._xa = xa
        return out

    def forward(self, x: np.ndarray) -> np.ndarray:
        """(n, n_in) -> (n, n_out), caching what `backward` needs."""
        return self.forward_augmented(self.augment(x))[:, : self.n_out]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """`forward` without caching: safe to call on a layer another computation is using."""
        z = x @ self.params["W"]
        z += self.params["b"]
        return self._f(z)

    def backward(self, da: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """da = dL/da (n, n_out) -> dL/dx (n, n_in); writes dL/dW and dL/db into `grads`.

        With `input_grad=False` (a network's first layer) dL/dx is not computed: returns None.
        """
        if self._xa is None:
            raise RuntimeError("Dense.backward called before forward")
        ops, dx = self.backward_ops(self._xa, da, input_grad)
        replay(ops)
        return dx


def _rows(array: np.ndarray, rows: slice | None) -> np.ndarray:
    """`array` itself, or a view of its `rows`."""
    return array if rows is None else array[rows]

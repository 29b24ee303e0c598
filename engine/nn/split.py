"""A training step shared between two cores, each computing half of the batch's rows.

At batch 128 a step of the 784-512-256-2 AE is 11 matrix products of 4-100 MFLOP and ~40
elementwise passes over arrays of up to 128 x 784. Left to OpenBLAS, each product is shared
between its threads and handed back (11 meetings a step), and NumPy runs every elementwise pass
on one core. Here the batch's rows are split in two instead: each core runs, for its own rows,
the forward pass, the loss and its gradient, and the backward pass down to every layer's dL/dz
and dL/dx (all of them row by row); the two meet once, and each then computes the weight
gradients [dW; db] = [x, 1].T @ dz (sums over all the rows, which need both halves) of its
share of the layers and, in a training step (`Autoencoder.train_step`), has the optimizer update
those layers' weights. BLAS runs one thread in each (engine.blas.blas_threads_for(0)).

A row's numbers do not depend on the split, but OpenBLAS's results do depend (in the last bits)
on the shapes it is given, as they do on its thread count: a split step agrees with one on one
core to float32 rounding, and is repeatable (the work each core does is fixed).

Which steps are split is engine.blas's call (`worth_splitting`): big networks that BLAS may
give several threads; a small network, or a process that limits BLAS to one thread (the window
does), keeps to one core.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def halves(n_rows: int) -> tuple[slice, slice]:
    """The rows each of the two cores computes."""
    middle = n_rows // 2
    return slice(0, middle), slice(middle, n_rows)


def share_out(items: Sequence[tuple[int, T]]) -> tuple[list[T], list[T]]:
    """Two lists of about equal cost from (cost, item) pairs: the costliest first, each to the
    list that costs less so far (they are a handful of layers' weight gradients)."""
    shares: tuple[list[T], list[T]] = ([], [])
    costs = [0, 0]
    for cost, item in sorted(items, key=lambda pair: -pair[0]):
        k = 0 if costs[0] <= costs[1] else 1
        shares[k].append(item)
        costs[k] += cost
    return shares


class Pair:
    """Runs two calls at once, one in the calling thread and one in a worker thread kept for it.

    Inside them, `meet()` waits until the other call has reached its own `meet()`; the
    `at_meeting` call given to `run` runs once then, before either goes on. The worker runs in a
    copy of the caller's context, so NumPy's error state (np.errstate) holds in both. An error
    in either call ends both and is raised by `run`.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="step")
        self._barrier = threading.Barrier(2, action=self._on_meeting)
        self._at_meeting: Callable[[], None] | None = None

    def meet(self) -> None:
        self._barrier.wait()

    def run(
        self,
        first: Callable[[], None],
        second: Callable[[], None],
        at_meeting: Callable[[], None] | None = None,
    ) -> None:
        self._at_meeting = at_meeting
        context = contextvars.copy_context()
        future = self._pool.submit(context.run, self._guarded, second)
        try:
            self._guarded(first)
        except threading.BrokenBarrierError:
            future.result()  # the worker's own error broke the meeting: raise that one
            raise
        finally:
            future.exception()  # wait for the worker whatever happened here
            if self._barrier.broken:
                self._barrier.reset()
        future.result()

    def _on_meeting(self) -> None:
        if self._at_meeting is not None:
            self._at_meeting()

    def _guarded(self, call: Callable[[], None]) -> None:
        try:
            call()
        except BaseException:
            self._barrier.abort()  # the other call must not wait at meet() for this one
            raise

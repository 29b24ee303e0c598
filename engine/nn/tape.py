"""Recorded NumPy calls: a training pass written down once per batch size, replayed every step.

On the app's networks a training step is ~50 NumPy calls on arrays of a few hundred numbers, and
Python's own work between those calls (method calls, work-array look-ups, activation wrappers)
took a sixth of it: 8-10 us of the font AE's 58 us forward and backward pass. Once the batch
size is known every call's arrays are fixed, so layers write their passes down as (function,
arguments) pairs with the arrays in place, and a step replays the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Op = tuple[Callable[..., Any], tuple[Any, ...]]  # func(*args), `out` passed positionally

# np.dot and np.copyto first hand their arguments to NumPy's __array_function__ dispatch (NEP 18):
# 0.15 us of a 1.05 us product on these arrays, 3 us of the font AE's 19 products a step. Training
# only ever gives them NumPy arrays, so it calls their implementations directly; a NumPy without
# the `_implementation` attribute gets the public functions.
dot = getattr(np.dot, "_implementation", np.dot)
copyto = getattr(np.copyto, "_implementation", np.copyto)


def replay(ops: Sequence[Op]) -> None:
    """Run recorded calls in order."""
    for func, args in ops:
        func(*args)

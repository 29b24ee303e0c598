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

Op = tuple[Callable[..., Any], tuple[Any, ...]]  # func(*args), `out` passed positionally


def replay(ops: Sequence[Op]) -> None:
    """Run recorded calls in order."""
    for func, args in ops:
        func(*args)

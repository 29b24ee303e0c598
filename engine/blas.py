"""One BLAS thread while a small network trains.

OpenBLAS shares a matrix product between threads once m * n * k passes 262144, which the small
networks of this app just cross (a batch of 128 digits through the first layer: 128 x 65 x 32).
There the hand-off costs more than it saves, and when another program keeps the second core
busy the threads wait on each other and a step takes several times longer. So `Trainer.run`
limits BLAS to one thread for networks below SMALL_NETWORK parameters and leaves big ones alone.

A big network's step at a batch of at least 2 MIN_ROWS rows is instead split between two cores,
one BLAS thread in each (engine.nn.split), when BLAS may use two threads: a process that limits
BLAS to one (the window does, OPENBLAS_NUM_THREADS=1 does) keeps every step on one core.

threadpoolctl (installed with scikit-learn) does the limiting; it is imported on the first run,
never by `import engine`. Without it, nothing is limited and no step is split.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SMALL_NETWORK = 100_000  # parameters
MIN_ROWS = 16  # the least rows a core computes in a split step: fewer, and meeting costs more

_lock = threading.Lock()
_users = 0
_limit = None  # threadpoolctl's limiter while any small network trains
_controller = None


def worth_splitting(n_rows: int, n_params: int) -> bool:
    """True when a step of `n_rows` on a network of `n_params` parameters is split between two
    cores: a big network, at least 2 MIN_ROWS rows, and two cores that BLAS may use."""
    if n_params < SMALL_NETWORK or n_rows < 2 * MIN_ROWS or (os.cpu_count() or 1) < 2:
        return False
    return blas_threads() >= 2


def blas_threads() -> int:
    """How many threads BLAS may use now (the most any of its libraries may); 1 without
    threadpoolctl, which could not limit a split step's BLAS to one thread per core."""
    with _lock:
        controller = _get_controller()
    if controller is None:
        return 1
    libraries = controller.select(user_api="blas").lib_controllers
    return max((library.num_threads for library in libraries), default=1)


def _get_controller():
    """threadpoolctl's controller, made once (call with _lock held); None without it."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return None
        _controller = ThreadpoolController()
    return _controller


@contextmanager
def blas_threads_for(n_params: int) -> Iterator[None]:
    """Within the block, BLAS uses one thread if the network is small; nested and concurrent
    blocks share one limit, lifted when the last one ends."""
    global _users, _limit
    if n_params >= SMALL_NETWORK:
        yield
        return
    with _lock:
        if _users == 0:
            controller = _get_controller()
            _limit = None if controller is None else controller.limit(limits=1, user_api="blas")
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _limit is not None:
                _limit.restore_original_limits()
                _limit = None

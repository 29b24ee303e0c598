"""Clocks for the peers: repeat a call for a time budget, and read the process's peak memory."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable


def repeat_for(fn: Callable[[], object], budget: float, block: int = 1) -> tuple[int, float]:
    """Call `fn` in blocks of `block` calls until `budget` seconds have passed (at least one
    block); returns (calls, seconds)."""
    count, start = 0, time.perf_counter()
    while True:
        for _ in range(block):
            fn()
        count += block
        seconds = time.perf_counter() - start
        if seconds >= budget:
            return count, seconds


def peak_rss_mb() -> float:
    """The highest resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux,
    bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def time_batches(
    run_batch: Callable[[int], object], n: int, size: int, budget: float, min_batches: int = 20
) -> dict:
    """Time the batches of one epoch (`run_batch(lo)` trains rows lo .. lo + size of the epoch's
    order) until `budget` seconds and `min_batches` have passed; scaled to the whole epoch."""
    batches = -(-n // size)
    count, start = 0, time.perf_counter()
    for lo in range(0, n, size):
        run_batch(lo)
        count += 1
        if count >= min_batches and time.perf_counter() - start >= budget:
            break
    seconds = time.perf_counter() - start
    return {
        "seconds_per_epoch": seconds / count * batches,
        "batches_timed": count,
        "batches_per_epoch": batches,
    }


def best_attempt(attempts: int, measure: Callable[[], dict]) -> dict:
    """Run `measure` (a dict with "seconds" and "reached") `attempts` times; the fastest result
    that reached the goal, with every attempt's seconds. As timeit keeps the minimum: on a shared
    machine the fastest attempt is the closest to the work itself, and every peer is timed the
    same way."""
    results = [measure() for _ in range(attempts)]
    best = dict(min(results, key=lambda result: (not all(result["reached"]), result["seconds"])))
    best["attempts"] = [result["seconds"] for result in results]
    return best

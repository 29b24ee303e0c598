"""The noise sweep at 60,000 x 28x28: peak memory and time of one level, in blocks from the
uint8 pixels against the whole set as floats at once (the sweep before blocks).

    python -m benchmarks.sweep_memory [--images 60000] [--rounds 2]

benchmarks/mnist.py's synthetic gzip'd IDX file is opened as File > Open does (uint8 pixels).
Each round sweeps one level of each noise kind, one repeat, with the window's AE preset for the
set (784-64-32-2, untrained: its weights do not change the cost) as the denoiser, no bound (it
is left out above 2,000 images), alternately:

- `blocks`: `run_sweep(data.pixels, ...)`, 4,096 images at a time, as the Noise sweep tab runs;
- `whole set`: `run_sweep(data.images, ..., block_rows=n)`: the set as float32 (made for it
  and counted) and every noisy copy and output of the whole set at once.

Peak memory is tracemalloc's (NumPy reports its arrays to it) above what was held before.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import engine  # noqa: F401  (before NumPy's BLAS starts: see engine/__init__)
from benchmarks.mnist import synthetic_mnist
from engine.data.dataset import Dataset
from engine.data.datasets import load_dataset
from engine.models import Autoencoder
from engine.presets import PRESETS
from engine.sweep import SWEEP_LEVELS, run_sweep


def sweep_once(data: Dataset, model: Autoencoder, whole: bool) -> tuple[float, float]:
    """One level of each kind, one repeat -> (seconds, peak MB above the memory held before)."""
    fresh = Dataset(data.name, data.width, data.height, data.labels, data.pixels)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    for kind, levels in SWEEP_LEVELS.items():
        level = levels[len(levels) // 2]
        methods = {"AE": model.reconstruct}
        if whole:  # the float images are made here, as the sweep made them before
            run_sweep(fresh.images, methods, kind, [level], 1, 0, False, block_rows=len(fresh))
        else:
            run_sweep(fresh.pixels, methods, kind, [level], 1, 0, False)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return seconds, peak / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="aelab-sweep-memory-"))
    data = load_dataset(str(synthetic_mnist(folder, args.images)))
    preset = PRESETS["ae"]
    model = Autoencoder(data.n_pixels, preset.hidden, 2, preset.activation, "bce", 0)
    rows: dict[str, list[tuple[float, float]]] = {"blocks": [], "whole set": []}
    for _ in range(args.rounds):
        for name in rows:
            rows[name].append(sweep_once(data, model, name == "whole set"))
    results = {
        "images": len(data),
        "pixels_mb": data.pixels.nbytes / 1e6,
        **{
            name: {
                "seconds": [round(s, 3) for s, _ in values],
                "peak_mb": [round(m, 1) for _, m in values],
                "median_seconds": round(statistics.median(s for s, _ in values), 3),
                "median_peak_mb": round(statistics.median(m for _, m in values), 1),
            }
            for name, values in rows.items()
        },
    }
    sys.stdout.write(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

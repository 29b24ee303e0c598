"""Where a training step's time goes, call by call; and the split step against OpenBLAS's threads.

    python -m benchmarks.step_profile --net mnist [--steps 300]
    python -m benchmarks.step_profile --net dae [--steps 3000]
    python -m benchmarks.step_profile --ab [--rounds 12] [--batches 20]

`--net` replays one step's recorded calls (engine.nn.tape) and times each alone, min and median
over the steps, on one core (BLAS limited to one thread, the step not split): `mnist` is the
784-512-256-2 tanh AE at batch 128 on uint8 batches, `dae` the DAE preset's 35-128-64-2 ReLU
step of 512 rows (the 5x7 font's 32 glyphs, 16 copies with bit-flip noise at 0.1). Matrix
products show up as `dot`, elementwise passes by their ufunc; `load` is the batch going into the
input work array, `loss` the loss step, `update` Adam's (threaded on a big buffer).

`--ab` times the 784-512-256-2 AE's whole step (`train_step`, Adam's update included) at batch
128, split between two cores (engine.nn.split) and not split (OpenBLAS's own threads, Adam's
threaded update), in alternating blocks of `--batches` steps in one process: both see the same
spells of a shared machine. It prints each one's median time per step and the median of the
rounds' ratios.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections import defaultdict

import engine  # isort: skip  (first: it sets up OpenBLAS before NumPy loads)
import numpy as np

import engine.models
from engine.blas import blas_threads_for
from engine.data.datasets import load_dataset
from engine.data.noise import Noise
from engine.models import Autoencoder
from engine.nn.losses import LOSS_STEPS
from engine.nn.optimizers import make_optimizer
from engine.presets import PRESETS

MNIST = {"n_inputs": 784, "hidden": (512, 256), "latent": 2, "activation": "tanh"}


def _label(func, args) -> str:
    func = func.func if isinstance(func, functools.partial) else func
    shapes = " ".join("x".join(map(str, a.shape)) for a in args if isinstance(a, np.ndarray))
    return f"{getattr(func, '__name__', str(func))} {shapes}"


def _split(model: Autoencoder, n: int, split: bool) -> None:
    """Make the model's work arrays for n rows, split between cores or not."""
    original = engine.models.worth_splitting
    engine.models.worth_splitting = lambda rows, params: split
    try:
        model._work_for(n)
    finally:
        engine.models.worth_splitting = original


def profile(net: str, steps: int) -> list[tuple[str, float, float]]:
    """(call, min seconds, median seconds) of each call of one step, in the order they run."""
    rng = np.random.default_rng(0)
    if net == "mnist":
        model = Autoencoder(**MNIST, seed=0)
        pixels = ((rng.random((4096, 784)) < 0.2) * rng.integers(0, 256, (4096, 784))).astype(
            np.uint8
        )
        n, noise = 128, None
    else:
        font = load_dataset("font5x7")
        model = Autoencoder(font.n_pixels, **PRESETS["dae"].model_kwargs(len(font)), seed=0)
        pixels = np.tile(font.images, (16, 1))  # (512, 35)
        n, noise = len(pixels), Noise.parse("bitflip:0.1")
    _split(model, n, False)
    work = model._work[n]
    logits = work["logits"]
    output = np.empty_like(logits)  # (n, d) the images, which loss_and_grad would hand back
    optimizer = make_optimizer("adam", model.params.size, 0.001)
    times: dict[str, list[float]] = defaultdict(list)
    clock = time.perf_counter
    with blas_threads_for(0), np.errstate(all="ignore"):
        for step in range(steps):
            lo = (step * n) % (len(pixels) - n + 1)
            batch = pixels[lo : lo + n]
            start = clock()
            x = batch if noise is None else noise.apply(batch, rng)
            targets = model._load(work["x"], x, batch)
            times["load" if noise is None else "noise and load"].append(clock() - start)
            for i, (func, args) in enumerate(work["forward"]):
                start = clock()
                func(*args)
                times[f"F{i:02d} {_label(func, args)}"].append(clock() - start)
            start = clock()
            LOSS_STEPS[model.loss](logits, targets, output, work["grad"], work["work"], 1.0 / n)
            times["loss"].append(clock() - start)
            for i, (func, args) in enumerate(work["backward"]):
                start = clock()
                func(*args)
                times[f"B{i:02d} {_label(func, args)}"].append(clock() - start)
            start = clock()
            optimizer.step(model.params, model.grads)
            times["update"].append(clock() - start)
    return [(k, min(v), statistics.median(v)) for k, v in times.items()]


def alternate(rounds: int, batches: int) -> dict[str, object]:
    """Seconds per step of the split and the unsplit step, alternating blocks of batches."""
    rng = np.random.default_rng(0)
    pixels = ((rng.random((4096, 784)) < 0.2) * rng.integers(0, 256, (4096, 784))).astype(np.uint8)
    peers = {}
    for name, split in (("split", True), ("openblas-threads", False)):
        model = Autoencoder(**MNIST, seed=0)
        _split(model, 128, split)
        peers[name] = (model, make_optimizer("adam", model.params.size, 0.001))
    times: dict[str, list[float]] = {name: [] for name in peers}
    with blas_threads_for(MNIST_PARAMS), np.errstate(all="ignore"):
        for r in range(rounds):
            for name in list(peers) if r % 2 == 0 else list(peers)[::-1]:
                model, optimizer = peers[name]
                start = time.perf_counter()
                for step in range(batches):
                    lo = (step * 128) % (len(pixels) - 128)
                    x = pixels[lo : lo + 128]
                    model.train_step(x, x, optimizer)
                times[name].append((time.perf_counter() - start) / batches)
    ratios = [t / s for s, t in zip(times["split"], times["openblas-threads"], strict=True)]
    return {
        "seconds_per_step": times,
        "median_seconds_per_step": {k: statistics.median(v) for k, v in times.items()},
        "speedup_median_of_rounds": statistics.median(ratios),
    }


MNIST_PARAMS = Autoencoder(**MNIST).params.size  # big: Trainer.run leaves BLAS its threads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--net", choices=["mnist", "dae"], default="mnist")
    parser.add_argument("--steps", type=int, default=300, help="steps profiled (--net)")
    parser.add_argument("--ab", action="store_true", help="split step against OpenBLAS threads")
    parser.add_argument("--rounds", type=int, default=12, help="alternations (--ab)")
    parser.add_argument("--batches", type=int, default=20, help="steps per block (--ab)")
    args = parser.parse_args(argv)
    if args.ab:
        result = alternate(args.rounds, args.batches)
        for name, seconds in result["median_seconds_per_step"].items():
            sys.stdout.write(f"{name:18s} {1e3 * seconds:7.2f} ms a step (median)\n")
        sys.stdout.write(
            f"split speed-up, median of rounds: {result['speedup_median_of_rounds']:.2f}\n"
        )
        return 0
    rows = profile(args.net, args.steps)
    for name, low, mid in rows:
        sys.stdout.write(f"{1e6 * low:9.1f} {1e6 * mid:9.1f} us  {name}\n")
    total_low, total_mid = sum(r[1] for r in rows), sum(r[2] for r in rows)
    sys.stdout.write(f"{1e6 * total_low:9.1f} {1e6 * total_mid:9.1f} us  step (min, median)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

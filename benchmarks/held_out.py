"""What scoring a test set costs the training it sits beside, measured in the same run.

    python -m benchmarks.held_out [--n 6000] [--epochs 8] [--rounds 2]

Seeded MNIST-like 28x28 strokes (benchmarks.mnist), the 784-512-256-2 AE at batch 128. Each
round trains `--epochs` epochs from the same initial weights three ways, in turns: on the
training images alone; with a tenth held out beside them (every evaluation scores it); with
half held out (scoring it every epoch would cost ~25 %: the 5 % time share spaces it out). The
figure is the time per epoch of each against the first, medians over the rounds; the training
images are the same in all three (the held-out ones are extra), so only scoring differs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import engine  # noqa: F401  (before NumPy's BLAS starts: see engine/__init__)
from benchmarks.mnist import synthetic_mnist
from engine.data.datasets import load_dataset
from engine.models import model_from_config
from engine.train_config import TrainConfig
from engine.training import Trainer

CONFIG = {"kind": "ae", "n_inputs": 784, "hidden": [512, 256], "latent": 2, "seed": 0}
CONFIG |= {"activation": "tanh", "loss": "bce"}


def epoch_seconds(train: np.ndarray, test: np.ndarray | None, epochs: int) -> tuple[float, int]:
    """Seconds per epoch of `epochs` epochs (evaluating every epoch), and how many evaluations
    scored the test set."""
    model = model_from_config(CONFIG)
    config = TrainConfig(epochs=epochs, batch_size=128, lr=1e-3, stop_max_wrong_pixels=None)
    trainer = Trainer(model, train, config, test_images=test)
    start = time.perf_counter()
    trainer.run()
    seconds = (time.perf_counter() - start) / epochs
    return seconds, int(np.isfinite(trainer.history.arrays()["test_loss"]).sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=6000, help="training images")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        pixels = load_dataset(str(synthetic_mnist(Path(folder), 2 * args.n, seed=1))).pixels
    train, extra = pixels[: args.n], pixels[args.n :]
    cases = {"no test set": None, "a tenth held out": extra[: args.n // 9]}
    cases["half held out"] = extra[: args.n]
    times: dict[str, list[float]] = {name: [] for name in cases}
    scored: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, test in cases.items():
            seconds, scored[name] = epoch_seconds(train, test, args.epochs)
            times[name].append(seconds)
    base = statistics.median(times["no test set"])
    evaluations = args.epochs + 1
    for name, test in cases.items():
        median = statistics.median(times[name])
        size = 0 if test is None else len(test)
        print(
            f"{name:18} {size:6} test images: {median:6.3f} s/epoch, x{median / base:.3f}; "
            f"test scored at {scored[name]} of {evaluations} evaluations"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What scoring a test set costs the training beside it: the share of the run's time it takes.

    python -m benchmarks.held_out [--n 3000] [--epochs 6]

Seeded MNIST-like 28x28 strokes (benchmarks.mnist), the 784-512-256-2 AE at batch 128,
evaluating every epoch. Two runs on the same training images: a tenth as many held out beside
them (the default split), and as many held out as trained on (scoring it at every evaluation
would take ~25 % of the time; the 5 % pacing spaces it out). The figure is the time spent
scoring the test set over the run's time, both measured in the same run, so a busy machine slows
both alike (epoch times from separate runs on the shared machine differed by 2x between rounds).
Training itself is the same with or without a test set, bit for bit (tests/engine/test_held_out).
"""

from __future__ import annotations

import argparse
import tempfile
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="training images")
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        pixels = load_dataset(str(synthetic_mnist(Path(folder), 2 * args.n, seed=1))).pixels
    train, extra = pixels[: args.n], pixels[args.n :]
    config = TrainConfig(epochs=args.epochs, batch_size=128, lr=1e-3, stop_max_wrong_pixels=None)
    for name, test in (("a tenth held out", extra[: args.n // 9]), ("as many held out", extra)):
        trainer = Trainer(model_from_config(CONFIG), train, config, test_images=test)
        trainer.run()
        scored = int(np.isfinite(trainer.history.arrays()["test_loss"]).sum())
        share = trainer.held_out.seconds / trainer.elapsed
        print(  # a benchmark's report
            f"{name:17} {len(test):6} test images beside {len(train)}: scoring took "
            f"{100 * share:4.1f} % of {trainer.elapsed:6.1f} s; scored at {scored} of "
            f"{len(trainer.history)} evaluations"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

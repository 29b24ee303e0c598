"""Measure the VAE figures of the README: reconstruction from mu and new emojis from the plane.

Usage: .venv/bin/python scripts/vae_figures.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import TrainConfig, Trainer, VariationalAutoencoder
from engine.data.datasets import load_builtin
from engine.latent import latent_grid
from engine.presets import PRESETS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    emoji = load_builtin("emoji12x12")
    preset = PRESETS["vae"]
    train = emoji.images >= 0.5
    print(
        "| seed | max wrong (from mu) | total wrong | KL | distinct in 10x10 grid | new (>= 3 px from every emoji) | seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    for seed in range(args.seeds):
        start = time.perf_counter()
        model = VariationalAutoencoder(emoji.n_pixels, seed=seed, **preset.model_kwargs())
        config = TrainConfig(batch_seed=seed, noise_seed=seed, **preset.train_kwargs())
        final = Trainer(model, emoji.images, config).run()
        seconds = time.perf_counter() - start
        grid = model.decode(latent_grid(model, 10, -2.0, 2.0)) >= 0.5
        distinct = np.unique(grid, axis=0)
        distance = (distinct[:, None, :] != train[None]).sum(axis=2).min(axis=1)
        ev = final.evaluation
        print(
            f"| {seed} | {ev.max_wrong} | {ev.total_wrong} | {ev.kl:.2f} | {len(distinct)} "
            f"| {(distance >= 3).sum()} | {seconds:.2f} |"
        )


if __name__ == "__main__":
    main()

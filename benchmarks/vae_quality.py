"""The VAE preset on the hard sets and ours: reconstruction and what the latent grid offers.

`python -m benchmarks.vae_quality [--seeds 0,1,2] [--sets smileys,grey,...] [--old]` trains
PRESETS["vae"] (or, with --old, the preset before issue 14: tanh, no free bits, 5000 epochs)
on every set and seed and prints one Markdown row each: worst and total wrong pixels decoding
mu, the 10x10 grid's distinct and new images, the change along each latent axis and their
ratio (under 0.3: a collapsed axis), epochs and seconds, and the OpenBLAS kernel in use: run it
once with `OPENBLAS_CORETYPE=Haswell` and once with the machine's native kernel to see that the
last bits of the arithmetic do not decide the result. The figures are in docs/vae_quality.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from benchmarks.zoo_faces import grey_emoji_tiles, smiley_variants
from engine.data.datasets import Dataset, load_builtin
from engine.generation import grid_quality
from engine.metrics import evaluate
from engine.models import VariationalAutoencoder
from engine.presets import PRESETS
from engine.train_config import TrainConfig
from engine.training import Trainer

SETS: dict[str, Callable[[], Dataset]] = {
    "smileys": smiley_variants,
    "grey": grey_emoji_tiles,
    "emoji12x12": lambda: load_builtin("emoji12x12"),
    "font5x7": lambda: load_builtin("font5x7"),
    "digits": lambda: load_builtin("digits"),
}
# The preset before issue 14, for comparison: what changed in the model and in training.
OLD_MODEL = {"activation": "tanh", "free_bits": 0.0}
OLD_TRAIN = {"stop_max_wrong_pixels": None}


def measure(data: Dataset, seed: int, old: bool) -> dict[str, float]:
    """Train the VAE preset (or the old one) on `data` with `seed`; the row's numbers."""
    preset = PRESETS["vae"]
    model_kwargs, train_kwargs = preset.model_kwargs(), preset.train_kwargs()
    if old:
        model_kwargs, train_kwargs = {**model_kwargs, **OLD_MODEL}, {**train_kwargs, **OLD_TRAIN}
    model = VariationalAutoencoder(data.n_pixels, seed=seed, **model_kwargs)
    config = TrainConfig(batch_seed=seed, noise_seed=seed, **train_kwargs)
    start = time.perf_counter()
    final = Trainer(model, data.images, config).run()
    seconds = time.perf_counter() - start
    ev = evaluate(model, data.images)
    quality = grid_quality(model, data.images)
    return {
        "worst": ev.max_wrong,
        "total": ev.total_wrong,
        "distinct": quality.distinct,
        "new": quality.new,
        "z1": quality.axis_change[0],
        "z2": quality.axis_change[1],
        "ratio": quality.axis_ratio,
        "epochs": final.epoch,
        "seconds": seconds,
    }


def blas_kernel() -> str:
    """The OpenBLAS kernel in use (e.g. Haswell, SkylakeX), as threadpoolctl reports it."""
    from threadpoolctl import threadpool_info

    kinds = {
        i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"
    }
    return ",".join(sorted(k for k in kinds if k)) or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--old", action="store_true", help="the VAE preset before issue 14")
    args = parser.parse_args()
    kernel = blas_kernel()
    recipe = "old" if args.old else "preset"
    print("| set | recipe | kernel | seed | worst | total | distinct | new | z1 | z2 | ratio "
          "| epochs | s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.sets.split(","):
        data = SETS[name]()
        for seed in (int(s) for s in args.seeds.split(",")):
            r = measure(data, seed, args.old)
            print(
                f"| {name} | {recipe} | {kernel} | {seed} | {r['worst']} | {r['total']} "
                f"| {r['distinct']} | {r['new']} | {r['z1']:.3f} | {r['z2']:.3f} "
                f"| {r['ratio']:.2f} | {r['epochs']} | {r['seconds']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

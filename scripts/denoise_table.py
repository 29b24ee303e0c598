"""Measure the denoising table of the README: DAE vs plain AE vs the Bayes bound.

For every noise setting, a DAE is trained on that noise (same kind and level) for each seed;
every model then reconstructs the same 20 fresh noisy copies of each glyph, scored against the
clean glyph. Usage: .venv/bin/python scripts/denoise_table.py [--seeds 3] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Autoencoder, Noise, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from engine.denoising import bound_wrong_pixels, model_wrong_pixels, noisy_copies
from engine.presets import PRESETS

DAE = PRESETS["dae"]

SETTINGS = [
    "salt-pepper:0.05", "salt-pepper:0.1", "salt-pepper:0.2", "salt-pepper:0.3",
    "bitflip:0.05", "bitflip:0.1", "bitflip:0.2",
    "gaussian:0.1", "gaussian:0.2", "gaussian:0.3", "gaussian:0.4", "gaussian:0.5",
]  # fmt: skip
BARS = {"salt-pepper:0.1": 0.1, "salt-pepper:0.2": 0.5, "bitflip:0.1": 0.25}
REPEATS, EVAL_SEED = 20, 12345


def train_dae(noise_text: str, seed: int) -> np.ndarray:
    font = load_builtin("font5x7")
    model = Autoencoder(font.n_pixels, seed=seed, **DAE.model_kwargs())
    config = TrainConfig(
        noise=Noise.parse(noise_text), batch_seed=seed, noise_seed=seed, **DAE.train_kwargs(),
    )  # fmt: skip
    Trainer(model, font.images, config).run()
    return model.params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default="docs/denoise_table.json")
    parser.add_argument("--workers", type=int, default=2, help="processes training in parallel")
    args = parser.parse_args()
    font = load_builtin("font5x7")
    start = time.perf_counter()
    jobs = [(s, seed) for s in SETTINGS for seed in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        trained = list(pool.map(train_dae, *zip(*jobs, strict=True)))
    plain = []
    for seed in range(args.seeds):
        model = Autoencoder(font.n_pixels, seed=seed)
        Trainer(model, font.images, TrainConfig(batch_seed=seed)).run()
        plain.append(model)
    rows = []
    for i, text in enumerate(SETTINGS):
        noise = Noise.parse(text)
        copies = noisy_copies(font.images, noise, REPEATS, np.random.default_rng(EVAL_SEED))
        dae = []
        for seed in range(args.seeds):
            model = Autoencoder(font.n_pixels, seed=seed, **DAE.model_kwargs())
            model.params[...] = trained[i * args.seeds + seed]
            dae.append(float(model_wrong_pixels(model, font.images, copies).mean()))
        ae = [float(model_wrong_pixels(m, font.images, copies).mean()) for m in plain]
        bound = float(bound_wrong_pixels(font.images, copies, noise).mean())
        rows.append({"noise": text, "dae": dae, "ae": ae, "bound": bound, "bar": BARS.get(text)})
    seconds = time.perf_counter() - start
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"rows": rows, "seconds": seconds}, indent=1) + "\n")
    print("| noise | DAE (mean of seeds) | DAE per seed | plain AE | Bayes bound | bar |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        per_seed = " ".join(f"{v:.3f}" for v in r["dae"])
        bar = f"<= {r['bar']}" if r["bar"] is not None else ""
        print(
            f"| {r['noise']} | {np.mean(r['dae']):.3f} | {per_seed} | {np.mean(r['ae']):.3f} "
            f"| {r['bound']:.3f} | {bar} |"
        )
    print(f"\n{len(jobs)} DAEs trained in {seconds:.0f} s")


if __name__ == "__main__":
    main()

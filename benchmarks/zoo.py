"""Every model kind at its defaults on every set of the validation zoo: `python -m benchmarks.zoo`.

Prints one markdown table (a row per set and kind, the mean and range over seeds): worst and total
wrong pixels of the clean reconstruction, epochs and seconds of training; for the DAE (trained on
its preset's noise) its mean wrong pixels on 20 fresh noisy copies per glyph over the Bayes bound
on the same copies; for the VAE the 10x10 grid over [-2, 2]^2: distinct thresholded images, new
ones (at least 3 pixels from every training glyph) and the quieter axis's share of the change
(mean pixel change between neighbours along the quieter axis over the busier; near 0: collapsed).

`--dae-bars` adds the issue-14 DAE table: on every 5x7 font of the zoo, a DAE per seed trained on
salt & pepper 0.1 and 0.2 and bit flip 0.1, its mean over seeds against the bound.

Each model trains in its own process (`--workers`), with one BLAS thread, as `main.py train`
would with the same seed. Seconds are the CPU time of `Trainer.run` (one thread, so one core's
seconds): on a shared machine the wall time swings with the load, the CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np

from benchmarks.zoo_sets import ZOO, is_binary, zoo_set
from engine import Autoencoder, Noise, TrainConfig, Trainer, VariationalAutoencoder
from engine.data.dataset import Dataset
from engine.denoising import bound_wrong_pixels, model_wrong_pixels, noisy_copies
from engine.metrics import THRESHOLD, evaluate
from engine.presets import PRESETS

KINDS = ("ae", "dae", "vae")
REPEATS, EVAL_SEED = 20, 12345  # noisy copies per glyph for the DAE's score, as denoise_table
GRID, SPAN, NEW_DISTANCE = 10, 2.0, 3  # the VAE's decoded grid and what counts as new
MIN_BOUND = 0.005  # below this the noise forces almost no error and a ratio says nothing
DAE_BAR_NOISES = ("salt-pepper:0.1", "salt-pepper:0.2", "bitflip:0.1")


def train(kind: str, data: Dataset, seed: int, noise: str | None = None) -> tuple[object, dict]:
    """A model of kind's defaults for `data`, trained as `main.py train --seed` would (the
    preset as it applies to the set's size; the zoo's sets are small: nothing is held out)."""
    n = len(data.images)
    preset = PRESETS[kind].for_set(n)
    cls = VariationalAutoencoder if kind == "vae" else Autoencoder
    model = cls(data.n_pixels, seed=seed, **preset.model_kwargs(n))
    noise_text = noise or preset.noise
    config = TrainConfig(
        noise=Noise.parse(noise_text) if noise_text else None,
        batch_seed=seed, noise_seed=seed, **preset.train_kwargs(n),
    )  # fmt: skip
    trainer = Trainer(model, data.images, config)
    start = time.process_time()  # CPU time: one BLAS thread, so one core's seconds
    final = trainer.run()
    seconds = time.process_time() - start
    ev = evaluate(model, data.images)
    return model, {
        "worst": ev.max_wrong, "total": ev.total_wrong, "epochs": final.epoch,
        "seconds": seconds, "state": final.state,
    }  # fmt: skip


def dae_ratio(model, data: Dataset, noise_text: str) -> tuple[float, float]:
    """The model's and the Bayes bound's mean wrong pixels per glyph on fresh noisy copies."""
    noise = Noise.parse(noise_text)
    copies = noisy_copies(data.images, noise, REPEATS, np.random.default_rng(EVAL_SEED))
    clean = (data.images >= THRESHOLD).astype(np.float32)  # grey sets: their thresholded glyphs
    dae = float(model_wrong_pixels(model, clean, copies).mean())
    # One repeat at a time keeps the (copies, glyphs) likelihood table small on big sets.
    bound = float(np.mean([bound_wrong_pixels(clean, c[None], noise).mean() for c in copies]))
    return dae, bound


def grid_figures(model, data: Dataset) -> dict:
    """Distinct and new images of the decoded grid, and the quieter axis's share of the change."""
    axis = np.linspace(-SPAN, SPAN, GRID)
    codes = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)  # (100, 2): x across
    grid = model.decode(codes.astype(model.dtype)).reshape(GRID, GRID, -1)  # (rows, cols, d)
    ink = grid.reshape(GRID * GRID, -1) >= THRESHOLD  # (100, d)
    distinct = np.unique(ink, axis=0)
    train_ink = data.images >= THRESHOLD  # (n, d)
    nearest = (distinct[:, None, :] != train_ink[None]).sum(axis=2).min(axis=1)  # (k,)
    across = float(np.abs(np.diff(grid, axis=1)).mean())
    down = float(np.abs(np.diff(grid, axis=0)).mean())
    share = min(across, down) / max(across, down, 1e-12)
    return {"distinct": len(distinct), "new": int((nearest >= NEW_DISTANCE).sum()), "share": share}


def job(set_name: str, kind: str, seed: int, noise: str | None = None) -> dict:
    """One model trained and scored; top level so a worker process can run it."""
    data = zoo_set(set_name)
    model, row = train(kind, data, seed, noise)
    row.update(set=set_name, kind=kind, seed=seed, noise=noise)
    if kind == "dae":
        noise_text = noise or PRESETS[kind].noise
        row["dae"], row["bound"] = dae_ratio(model, data, noise_text)
    if kind == "vae":
        row.update(grid_figures(model, data))
    return row


def _one_thread() -> None:
    """Worker start-up: one BLAS thread, as one core would give."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def run_jobs(jobs: list[tuple], workers: int) -> list[dict]:
    """Every job, longest kinds first so short ones fill the gaps at the end."""
    order = sorted(jobs, key=lambda j: KINDS.index(j[1]) == 0)
    if workers <= 1:
        _one_thread()
        return [job(*j) for j in order]
    ctx = get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_one_thread) as pool:
        return list(pool.map(job, *zip(*order, strict=True)))


def _span(values: list[float], fmt: str) -> str:
    """'mean (lo-hi)' over seeds, or the one value."""
    text = format(float(np.mean(values)), fmt)
    if len(values) > 1 and min(values) != max(values):
        text += f" ({format(min(values), fmt)}-{format(max(values), fmt)})"
    return text


def main_table(rows: list[dict], sets: list[str], kinds: list[str]) -> list[str]:
    lines = [
        "| set | size | n | kind | worst wrong px | total wrong px | epochs | seconds "
        "| DAE / bound | VAE distinct / new / axis share |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sets:
        data = zoo_set(name)
        tone = "binary" if is_binary(data) else "grey"
        for kind in kinds:
            rs = [r for r in rows if r["set"] == name and r["kind"] == kind and not r["noise"]]
            if not rs:
                continue
            dae = vae = ""
            if kind == "dae":
                dae = f"{_span([r['dae'] for r in rs], '.3f')} / {rs[0]['bound']:.3f}"
                if rs[0]["bound"] >= MIN_BOUND:
                    dae += f" = {_span([r['dae'] / r['bound'] for r in rs], '.2f')}x"
            if kind == "vae":
                vae = " / ".join(
                    _span([r[k] for r in rs], f) for k, f in (("distinct", ".0f"), ("new", ".0f"))
                )
                vae += f" / {_span([r['share'] for r in rs], '.2f')}"
            lines.append(
                f"| {name} | {data.width}x{data.height} {tone} | {len(data.images)} | {kind} "
                f"| {_span([r['worst'] for r in rs], '.1f')} "
                f"| {_span([r['total'] for r in rs], '.1f')} "
                f"| {_span([r['epochs'] for r in rs], '.0f')} "
                f"| {_span([r['seconds'] for r in rs], '.2f')} | {dae} | {vae} |"
            )
    return lines


def bar_table(rows: list[dict], fonts: list[str]) -> list[str]:
    lines = [
        "| 5x7 font | noise | DAE mean wrong px (seeds) | bound | ratio | seconds (median) |",
        "|---|---|---|---|---|---|",
    ]
    for name in fonts:
        for noise in DAE_BAR_NOISES:
            rs = [r for r in rows if r["set"] == name and r["noise"] == noise]
            if not rs:
                continue
            mean, bound = float(np.mean([r["dae"] for r in rs])), rs[0]["bound"]
            per_seed = " ".join(f"{r['dae']:.3f}" for r in rs)
            seconds = float(np.median([r["seconds"] for r in rs]))
            lines.append(
                f"| {name} | {noise} | {mean:.3f} ({per_seed}) | {bound:.3f} "
                f"| {f'{mean / bound:.2f}x' if bound >= MIN_BOUND else '-'} | {seconds:.2f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--sets", help=f"comma-separated subset of: {', '.join(ZOO)}")
    parser.add_argument("--kinds", default=",".join(KINDS), help="subset of ae,dae,vae")
    parser.add_argument("--dae-bars", action="store_true", help="add the 5x7 DAE noise table")
    parser.add_argument("--workers", type=int, default=2, help="processes training in parallel")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    sets = args.sets.split(",") if args.sets else list(ZOO)
    kinds = args.kinds.split(",") if args.kinds else []
    unknown = [s for s in sets if s not in ZOO] + [k for k in kinds if k not in KINDS]
    if unknown:
        sys.stderr.write(f"error: unknown set or kind: {', '.join(unknown)}\n")
        return 2
    jobs = [(s, k, seed, None) for s in sets for k in kinds for seed in seeds]
    fonts = [s for s in sets if (zoo_set(s).width, zoo_set(s).height) == (5, 7)]
    if args.dae_bars:
        jobs += [(f, "dae", seed, n) for f in fonts for n in DAE_BAR_NOISES for seed in seeds]
    start = time.perf_counter()
    rows = run_jobs(jobs, args.workers)
    print("\n".join(main_table(rows, sets, kinds)))
    if args.dae_bars:
        print()
        print("\n".join(bar_table(rows, fonts)))
    print(
        f"\n{len(jobs)} models, seeds {args.seeds}, {args.workers} worker(s), "
        f"{time.perf_counter() - start:.0f} s; OPENBLAS_CORETYPE="
        f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

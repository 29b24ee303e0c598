"""`python main.py sweep`: wrong pixels per glyph against the noise level, for a DAE, the plain AE
and PCA, as CSV (the window's Noise sweep tab, headless)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.atomic import write_text_atomic
from engine.cli.common import ProgressBar, UsageError, load_matching
from engine.data.datasets import Dataset, load_dataset
from engine.data.noise import Noise
from engine.models import Autoencoder
from engine.pca import fit_pca
from engine.presets import PRESETS
from engine.sweep import BOUND, BOUND_MAX_IMAGES, SWEEP_LEVELS, SweepRow, run_sweep, sweep_csv
from engine.train_config import TrainConfig
from engine.training import Trainer

# The noise a DAE trained here sees: the middle of each sweep's range, where denoising matters.
DAE_REFERENCE_LEVELS = {"salt-pepper": 0.2, "bitflip": 0.1, "gaussian": 0.3}


def train_preset(
    name: str, data: Dataset, latent: int, seed: int, noise: Noise | None, epochs: int | None
) -> Autoencoder:
    """A model of PRESETS[name] trained on `data` (on fresh `noise` every epoch for a DAE),
    sized for the set as `train` sizes it: a big set trains in minibatches, on its bytes."""
    preset = PRESETS[name].for_set(len(data))
    model = Autoencoder(data.n_pixels, preset.hidden, latent, preset.activation, "bce", seed)
    settings = preset.train_kwargs(len(data))
    if epochs is not None:
        settings["epochs"] = epochs
    config = TrainConfig(noise=noise, batch_seed=seed, noise_seed=seed, **settings)
    trainer = Trainer(model, data.pixels, config)  # uint8 stays bytes (floats per batch)
    bar = ProgressBar(config.epochs) if sys.stderr.isatty() else None
    final = trainer.run(on_snapshot=bar, snapshot_seconds=0.1 if bar else 0.0)
    if bar:
        bar.close()
    if final.state == "failed":
        raise UsageError(f"training the {name.upper()} failed: {final.message}")
    return model


def cmd_sweep(args: argparse.Namespace) -> int:
    data = load_dataset(args.data)
    kinds = list(SWEEP_LEVELS) if args.kind == "all" else [args.kind]
    dae = load_matching(args.dae, data)[0] if args.dae else None
    if args.ae:
        ae = load_matching(args.ae, data)[0]
    else:
        sys.stderr.write("Training the plain AE on the clean set...\n")
        ae = train_preset("ae", data, args.latent, args.seed, None, None)
    pca = fit_pca(data.pixels, ae.latent)
    show = not args.quiet and sys.stderr.isatty()
    rows: list[SweepRow] = []
    for i, kind in enumerate(kinds):
        model = dae
        if model is None:
            noise = Noise(kind, DAE_REFERENCE_LEVELS[kind])
            sys.stderr.write(f"Training the DAE on {noise} noise...\n")
            model = train_preset("dae", data, args.latent, args.seed, noise, args.dae_epochs)
        denoisers = {"DAE": model.reconstruct, "AE": ae.reconstruct, "PCA": pca.denoise}

        def progress(fraction: float, i: int = i, kind: str = kind) -> bool:
            if show:
                done = (i + fraction) / len(kinds)
                bar = "#" * int(30 * done) + "-" * (30 - int(30 * done))
                sys.stderr.write(f"\r[{bar}] sweep {kind} {100 * done:3.0f}%  ")
                sys.stderr.flush()
            return True

        bound = len(data) <= BOUND_MAX_IMAGES
        rows += run_sweep(
            data.pixels, denoisers, kind, None, args.repeats, args.seed, bound, progress
        )
        if show:
            sys.stderr.write("\n")
    write_text_atomic(Path(args.out), sweep_csv(rows))
    sys.stderr.write(sweep_table(rows, pca.n_components))
    sys.stderr.write(f"Wrote {len(rows)} rows to {args.out}\n")
    return 0


def sweep_table(rows: list[SweepRow], pca_components: int) -> str:
    """Mean ± std wrong pixels per glyph: a block per noise kind, a line per level."""
    methods = list(dict.fromkeys(r.method for r in rows))
    names = [f"PCA k={pca_components}" if m == "PCA" else m for m in methods]
    cells = {(r.kind, r.level, r.method): f"{r.mean:.2f}±{r.std:.2f}" for r in rows}
    lines = [f"mean wrong pixels per glyph ({BOUND}: best possible knowing the clean set)"]
    for kind in dict.fromkeys(r.kind for r in rows):
        lines.append(f"{kind:<12}" + "".join(f"{n:>14}" for n in names))
        for level in dict.fromkeys(r.level for r in rows if r.kind == kind):
            cell = [cells.get((kind, level, m), "") for m in methods]
            lines.append(f"  {level:<10g}" + "".join(f"{c:>14}" for c in cell))
    return "\n".join(lines) + "\n"

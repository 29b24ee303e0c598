"""The headless command line: train, evaluate, generate and sweep without a window.

Bad input ends with one line on stderr and exit code 2, never a traceback: every error the
engine raises for a user's input is a ValueError subclass with a sentence for a person.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import write_text_atomic
from engine.cli.common import Parser, ProgressBar, UsageError, load_matching
from engine.cli.sweep_command import cmd_sweep
from engine.data.datasets import Dataset, load_dataset
from engine.data.noise import Noise
from engine.denoising import model_wrong_pixels, noisy_copies
from engine.latent import latent_grid
from engine.metrics import evaluate
from engine.models import Autoencoder, VariationalAutoencoder
from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import LOSS_FUNCTIONS
from engine.nn.optimizers import OPTIMIZERS
from engine.png import image_sheet, save_png
from engine.presets import PRESETS
from engine.serialization import load_model, save_model
from engine.sweep import SWEEP_LEVELS
from engine.train_config import LR_SCHEDULES, TrainConfig
from engine.training import Trainer

# Defaults per model kind; every one is a flag. The AE's reach 0 wrong pixels on the 5x7 font.


def build_parser() -> Parser:
    parser = Parser(
        prog="main.py",
        description="Autoencoder Lab. Without a command, opens the window.",
        epilog="report: `main.py report --out DIR` retrains with fixed seeds and writes the "
        "write-up's figures (PNG) and report.md, offscreen (see `main.py report --help`).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    train = sub.add_parser("train", help="train a model and write DIR/model.npz and metrics.json")
    train.add_argument("--data", default="font5x7", help="font5x7, emoji12x12, digits or a .json")
    train.add_argument("--model", choices=sorted(PRESETS), default="ae")
    train.add_argument("--latent", type=int, default=2, help="latent dimensions")
    train.add_argument("--hidden", help="hidden layer sizes, e.g. 30,20,10 (default per model)")
    train.add_argument("--activation", choices=list(ACTIVATIONS), help="default per model")
    train.add_argument("--loss", choices=list(LOSS_FUNCTIONS), default="bce")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam")
    train.add_argument("--lr", type=float, help="learning rate (default per model)")
    train.add_argument("--epochs", type=int, help="at most this many epochs (default per model)")
    train.add_argument("--batch-size", type=int, help="0 = the full set (default per model)")
    train.add_argument(
        "--noise", help="KIND:LEVEL, e.g. salt-pepper:0.1, gaussian:0.2, bitflip:0.05"
    )
    train.add_argument("--noise-copies", type=int, help="noisy copies of every image per epoch")
    train.add_argument("--lr-schedule", choices=LR_SCHEDULES, help="constant or cosine decay")
    train.add_argument("--beta", type=float, default=1.0, help="KL weight of the VAE")
    train.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    train.add_argument("--batch-seed", type=int, help="seed of the batch order (default: --seed)")
    train.add_argument("--noise-seed", type=int, help="seed of the noise (default: --seed)")
    train.add_argument(
        "--stop-max-wrong-pixels",
        help="stop once every image has at most K wrong pixels; 'none' to train all epochs",
    )
    train.add_argument("--loss-threshold", type=float, help="stop once the loss is this low")
    train.add_argument("--out", default="runs/latest", help="output folder (default runs/latest)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")

    ev = sub.add_parser("evaluate", help="print a model's metrics on a data set as JSON")
    ev.add_argument("--model", required=True, help="a model.npz written by train")
    ev.add_argument("--data", default="font5x7")
    ev.add_argument("--noise", help="score reconstructions of noisy copies, KIND:LEVEL")
    ev.add_argument("--repeats", type=int, default=20, help="noisy copies of every image")
    ev.add_argument("--seed", type=int, default=0, help="seed of the noise")

    gen = sub.add_parser("generate", help="decode a grid of latent points to a PNG or JSON")
    gen.add_argument("--model", required=True)
    gen.add_argument("--grid", type=int, default=10, help="points per side")
    gen.add_argument("--range", default="-2:2", help="LOW:HIGH of both latent axes")
    gen.add_argument("--out", required=True, help="FILE.png (a sheet) or FILE.json (a set)")
    gen.add_argument("--scale", type=int, default=4, help="screen pixels per image pixel (PNG)")

    sw = sub.add_parser("sweep", help="wrong pixels per glyph against the noise level, as CSV")
    sw.add_argument("--data", default="font5x7")
    sw.add_argument("--kind", choices=[*SWEEP_LEVELS, "all"], default="all", help="noise kind")
    sw.add_argument("--repeats", type=int, default=5, help="noisy copies of the set per level")
    sw.add_argument("--seed", type=int, default=0, help="seed of the noise and of trained models")
    sw.add_argument("--dae", help="a DAE model.npz (default: train one per noise kind)")
    sw.add_argument("--ae", help="a plain AE model.npz (default: train one on the clean set)")
    sw.add_argument("--dae-epochs", type=int, help="epochs of a DAE trained here (default: preset)")
    sw.add_argument("--latent", type=int, default=2, help="latent size of models trained here")
    sw.add_argument("--out", default="sweep.csv", help="the CSV file (default sweep.csv)")
    sw.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def run_cli(argv: list[str]) -> int:
    """Entry point of `python main.py COMMAND ...`; returns the exit code."""
    try:
        args = build_parser().parse_args(_join_negative_values(argv))
        commands = {
            "train": cmd_train,
            "evaluate": cmd_evaluate,
            "generate": cmd_generate,
            "sweep": cmd_sweep,
        }
        return commands[args.command](args)
    except ValueError as exc:  # UsageError, DatasetError, ModelFileError and bad values
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"error: {exc.strerror or exc}: {exc.filename or ''}\n")
        return 2


def _join_negative_values(argv: list[str]) -> list[str]:
    """`--range -2:2` -> `--range=-2:2`: argparse would take '-2:2' for an option."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if i > 0 and argv[i - 1] == "--range" and arg.startswith("-"):
            out[-1] = f"--range={arg}"
        else:
            out.append(arg)
    return out


# --- train ----------------------------------------------------------------------------------------
def parse_hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise UsageError(f"--hidden must be sizes like 30,20,10, got {text!r}") from None
    if any(s < 1 for s in sizes):
        raise UsageError(f"--hidden sizes must be positive, got {text!r}")
    return sizes


def parse_stop(text: str) -> int | None:
    if text.lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        raise UsageError(
            f"--stop-max-wrong-pixels must be a count or 'none', got {text!r}"
        ) from None
    if value < 0:
        raise UsageError("--stop-max-wrong-pixels must be >= 0")
    return value


def cmd_train(args: argparse.Namespace) -> int:
    preset = PRESETS[args.model]
    data = load_dataset(args.data)
    hidden = parse_hidden(args.hidden) if args.hidden else preset.hidden
    if args.latent < 1:
        raise UsageError("--latent must be at least 1")
    noise_text = args.noise or preset.noise
    noise = Noise.parse(noise_text) if noise_text else None
    activation = args.activation or preset.activation
    if args.model == "vae":
        model: Autoencoder = VariationalAutoencoder(
            data.n_pixels, hidden, args.latent, activation, args.loss, args.seed, args.beta
        )
    else:
        model = Autoencoder(data.n_pixels, hidden, args.latent, activation, args.loss, args.seed)
    config = TrainConfig(
        epochs=args.epochs if args.epochs is not None else preset.epochs,
        batch_size=args.batch_size if args.batch_size is not None else preset.batch_size,
        optimizer=args.optimizer,
        lr=args.lr if args.lr is not None else preset.lr,
        noise=noise,
        noise_copies=args.noise_copies or preset.noise_copies,
        lr_schedule=args.lr_schedule or preset.lr_schedule,
        stop_max_wrong_pixels=(
            parse_stop(args.stop_max_wrong_pixels)
            if args.stop_max_wrong_pixels
            else preset.stop_max_wrong_pixels
        ),
        loss_threshold=args.loss_threshold,
        batch_seed=args.seed if args.batch_seed is None else args.batch_seed,
        noise_seed=args.seed if args.noise_seed is None else args.noise_seed,
    )
    trainer = Trainer(model, data.images, config)
    progress = None if args.quiet or not sys.stderr.isatty() else ProgressBar(config.epochs)
    start = time.perf_counter()
    final = trainer.run(on_snapshot=progress, snapshot_seconds=0.1 if progress else 0.0)
    seconds = time.perf_counter() - start
    if progress:
        progress.close()
    out = Path(args.out)
    metrics = metrics_json(model, data, final.epoch, seconds)
    metadata = {
        "training": {**config.to_dict(), "model": args.model, "state": final.state},
        "dataset": dataset_info(data),
        "metrics": {k: metrics[k] for k in ("max_wrong_pixels", "total_wrong_pixels", "mse")},
    }
    save_model(out / "model.npz", model, metadata)
    write_text_atomic(out / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    if final.state == "failed":
        sys.stderr.write(f"error: {final.message}\n")
        return 1
    sys.stderr.write(
        f"{final.message} max wrong pixels {metrics['max_wrong_pixels']}, total "
        f"{metrics['total_wrong_pixels']}, {seconds:.2f} s. Wrote {out / 'model.npz'}\n"
    )
    return 0


def glyph_keys(labels: tuple[str, ...]) -> list[str]:
    """Labels as JSON keys; made unique with the index where a set repeats labels (digits)."""
    if len(set(labels)) == len(labels):
        return list(labels)
    return [f"{i}:{label}" for i, label in enumerate(labels)]


def dataset_info(data: Dataset) -> dict[str, Any]:
    return {
        "name": data.name,
        "hash": data.pixel_hash(),
        "width": data.width,
        "height": data.height,
        "count": len(data),
    }


def metrics_json(model: Autoencoder, data: Dataset, epochs: int, seconds: float) -> dict[str, Any]:
    ev = evaluate(model, data.images)
    keys = glyph_keys(data.labels)
    codes = model.encode(data.images)
    metrics: dict[str, Any] = {
        "per_glyph_wrong_pixels": {k: int(w) for k, w in zip(keys, ev.wrong, strict=True)},
        "max_wrong_pixels": ev.max_wrong,
        "total_wrong_pixels": ev.total_wrong,
        "mse": ev.mse,
        "epochs": epochs,
        "seconds": round(seconds, 4),
        "latent": {k: [float(v) for v in code] for k, code in zip(keys, codes, strict=True)},
    }
    if model.kind == "vae":
        metrics["kl"] = ev.kl
    return metrics


# --- evaluate -------------------------------------------------------------------------------------
def cmd_evaluate(args: argparse.Namespace) -> int:
    data = load_dataset(args.data)
    model, meta = load_matching(args.model, data)
    metrics = metrics_json(model, data, int(meta.get("metrics", {}).get("epochs", 0)), 0.0)
    metrics["epochs"] = None
    metrics["seconds"] = None
    if args.noise:
        if args.repeats < 1:
            raise UsageError("--repeats must be at least 1")
        noise = Noise.parse(args.noise)
        rng = np.random.default_rng(args.seed)
        copies = noisy_copies(data.images, noise, args.repeats, rng)
        wrong = model_wrong_pixels(model, data.images, copies)  # (repeats, n)
        keys = glyph_keys(data.labels)
        metrics["noise"] = str(noise)
        metrics["repeats"] = args.repeats
        metrics["mean_wrong_pixels"] = float(wrong.mean())
        metrics["per_glyph_wrong_pixels"] = {
            k: float(w) for k, w in zip(keys, wrong.mean(axis=0), strict=True)
        }
        metrics["max_wrong_pixels"] = int(wrong.max())
        metrics["total_wrong_pixels"] = int(wrong.sum())
    sys.stdout.write(json.dumps(metrics, indent=2) + "\n")
    return 0


# --- generate -------------------------------------------------------------------------------------
def parse_range(text: str) -> tuple[float, float]:
    low, sep, high = text.partition(":")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise UsageError(f"--range must be LOW:HIGH, e.g. -2:2, got {text!r}") from None
    if not sep or not lo < hi:
        raise UsageError(f"--range must be LOW:HIGH with LOW < HIGH, got {text!r}")
    return lo, hi


def cmd_generate(args: argparse.Namespace) -> int:
    model, meta = load_model(args.model)
    if not 1 <= args.grid <= 100:
        raise UsageError("--grid must be between 1 and 100")
    if not 1 <= args.scale <= 32:
        raise UsageError("--scale must be between 1 and 32")
    lo, hi = parse_range(args.range)
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".json"):
        raise UsageError(f"--out must end in .png or .json, got {args.out!r}")
    info = meta.get("dataset", {})
    width, height = int(info.get("width", 0)), int(info.get("height", 0))
    if width * height != model.n_inputs:
        raise UsageError(f"{args.model}: the metadata does not say the image size")
    codes = latent_grid(model, args.grid, lo, hi)
    images = model.decode(codes)  # (grid*grid, d)
    if out.suffix.lower() == ".png":
        save_png(out, image_sheet(images, width, height, args.grid, args.scale))
    else:
        from engine.data.dataset_json import save_json

        labels = tuple(f"z=({c[0]:.2f},{c[1] if len(c) > 1 else 0:.2f})" for c in codes)
        binary = (images >= 0.5).astype(np.float32)
        name = f"generated from {Path(args.model).name}"
        save_json(Dataset(name, width, height, labels, binary), out)
    sys.stderr.write(f"Wrote {args.grid * args.grid} decoded images to {out}\n")
    return 0

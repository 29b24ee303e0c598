"""The headless command line: train, evaluate, generate and sweep without a window.

`report` is listed here too, so `--help` and a mistyped command name it, but the launcher runs
it (`gui.report`: it draws its figures with Qt, offscreen).

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

from engine import limits
from engine.atomic import write_text_atomic
from engine.cli.common import Parser, ProgressBar, UsageError, load_matching
from engine.cli.download_command import add_download_parser, cmd_download
from engine.cli.flags import check_flags, check_range, check_sheet
from engine.cli.sweep_command import cmd_sweep
from engine.data.dataset import unit_floats
from engine.data.dataset_json import dataset_to_json
from engine.data.datasets import BUILTIN_DATASETS, Dataset, load_builtin, load_dataset
from engine.data.noise import Noise
from engine.data.split import SPLIT_ABOVE, default_test_fraction, split_dataset
from engine.denoising import model_wrong_pixels, noisy_copies
from engine.generation import GridQuality, collapse_report, score_grid
from engine.held_out import held_out_metrics
from engine.latent import latent_grid
from engine.metrics import encode_images, evaluate_images
from engine.models import Autoencoder, VariationalAutoencoder
from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import LOSS_FUNCTIONS
from engine.nn.optimizers import OPTIMIZERS
from engine.png import image_sheet, save_png
from engine.presets import PRESETS
from engine.serialization import image_size, load_model, save_model
from engine.sweep import SWEEP_LEVELS
from engine.train_config import LR_SCHEDULES, TrainConfig
from engine.training import Trainer

# Defaults per model kind; every one is a flag. The AE's reach 0 wrong pixels on the 5x7 font.
DATA_HELP = (
    "font5x7, emoji12x12, digits, a .json or .txt set, an MNIST-style IDX file "
    "(train-images-idx3-ubyte.gz), a .npy/.npz array (n, h, w) or a folder of PNGs"
)
PER_IMAGE_LIMIT = 5000  # above this many images metrics.json gives per-class means, no codes
CURVE_POINTS = 400  # evaluations kept of the training and test curves in metrics.json
COLLAPSE_SAMPLE = 2000  # images a VAE's latent space is judged on after training


def build_parser(prog: str = "main.py") -> Parser:
    parser = Parser(prog=prog, description="Autoencoder Lab. Without a command, opens the window.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    train = sub.add_parser("train", help="train a model and write DIR/model.npz and metrics.json")
    train.add_argument("--data", default="font5x7", help=DATA_HELP)
    train.add_argument(
        "--test-fraction",
        type=float,
        help=f"hold out this fraction as a test set (default 0.1 above {SPLIT_ABOVE} images, else 0)",
    )
    train.add_argument("--split-seed", type=int, default=0, help="seed of the test split")
    train.add_argument("--model", choices=sorted(PRESETS), default="ae")
    train.add_argument("--latent", type=int, default=2, help="latent dimensions")
    train.add_argument("--hidden", help="hidden layer sizes, e.g. 30,20,10 (default per model)")
    train.add_argument("--activation", choices=list(ACTIVATIONS), help="default per model")
    train.add_argument("--loss", choices=list(LOSS_FUNCTIONS), default="bce")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam")
    train.add_argument("--lr", type=float, help="learning rate (default per model)")
    train.add_argument("--epochs", type=int, help="at most this many epochs (default per model)")
    train.add_argument(
        "--batch-size", type=int, help="0 = the full set (default per model and set size)"
    )
    train.add_argument(
        "--noise", help="KIND:LEVEL, e.g. salt-pepper:0.1, gaussian:0.2, bitflip:0.05"
    )
    train.add_argument("--noise-copies", type=int, help="noisy copies of every image per epoch")
    train.add_argument(
        "--noise-floor",
        type=float,
        help="salt & pepper, bit flip: train on copies that change at least this share of the "
        "pixels (default per model; 0: at the level itself)",
    )
    train.add_argument(
        "--lr-schedule",
        choices=LR_SCHEDULES,
        help="constant, cosine decay, or warm-up then cosine decay",
    )
    train.add_argument("--beta", type=float, help="KL weight of the VAE (default per model)")
    train.add_argument(
        "--free-bits", type=float, help="VAE: KL floor per latent axis in nats (default per model)"
    )
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
    ev.add_argument("--data", default="font5x7", help=DATA_HELP)
    ev.add_argument("--noise", help="score reconstructions of noisy copies, KIND:LEVEL")
    ev.add_argument("--repeats", type=int, default=20, help="noisy copies of every image")
    ev.add_argument("--seed", type=int, default=0, help="seed of the noise")

    gen = sub.add_parser("generate", help="decode a grid of latent points to a PNG or JSON")
    gen.add_argument("--model", required=True)
    gen.add_argument("--grid", type=int, default=10, help="points per side")
    gen.add_argument("--range", default="-2:2", help="LOW:HIGH of both latent axes")
    gen.add_argument("--out", required=True, help="FILE.png (a sheet) or FILE.json (a set)")
    gen.add_argument("--scale", type=int, default=4, help="screen pixels per image pixel (PNG)")
    gen.add_argument(
        "--data",
        help="the training set, for the new and nearest-glyph counts (default: the built-in set "
        "the model file names)",
    )

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

    add_download_parser(sub)
    sub.add_parser(  # run by the launcher before this parser sees it; listed for --help
        "report",
        help="retrain with fixed seeds; write every figure and report.md (see report --help)",
        add_help=False,
    )
    return parser


def run_cli(argv: list[str], prog: str = "main.py") -> int:
    """Entry point of `python main.py COMMAND ...` (`prog` names it in usage lines); returns the
    exit code."""
    try:
        args = build_parser(prog).parse_args(_join_negative_values(argv))
        check_flags(args)
        commands = {
            "train": cmd_train,
            "evaluate": cmd_evaluate,
            "generate": cmd_generate,
            "sweep": cmd_sweep,
            "download": cmd_download,
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
    if len(sizes) > limits.MAX_HIDDEN_LAYERS or max(sizes, default=0) > limits.MAX_LAYER_WIDTH:
        raise UsageError(
            f"--hidden takes at most {limits.MAX_HIDDEN_LAYERS} layers of at most "
            f"{limits.MAX_LAYER_WIDTH:,} units, got {text!r}"
        )
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
    full = load_dataset(args.data)
    fraction = (
        default_test_fraction(len(full)) if args.test_fraction is None else args.test_fraction
    )
    data, test = split_dataset(full, fraction, args.split_seed)
    del full  # the two parts hold copies of its pixels
    preset = PRESETS[args.model].for_set(len(data))
    # Batches, epochs and plateau for this set's size, unless the batch size is given.
    sized = preset.train_kwargs(None if args.batch_size is not None else len(data))
    hidden = parse_hidden(args.hidden) if args.hidden else preset.hidden
    sizes = f"--hidden {','.join(map(str, hidden))} --latent {args.latent}"
    kind = "vae" if args.model == "vae" else "ae"
    where = f"{sizes} on {data.width}x{data.height} images"
    limits.check_architecture(data.n_pixels, hidden, args.latent, kind, where, UsageError)
    noise_text = args.noise or preset.noise
    noise = Noise.parse(noise_text) if noise_text else None
    copies = preset.noise_copies if args.noise_copies is None else args.noise_copies
    if noise is not None and data.pixels.dtype != np.uint8:  # uint8: copies made per batch
        what = f"--noise-copies {copies} of {len(data)} images"  # tiled inputs, targets, a copy
        limits.check_memory(3 * 4 * copies * data.pixels.size, what, error=UsageError)
    activation = args.activation or preset.activation
    if args.model == "vae":
        free_bits = args.free_bits if args.free_bits is not None else preset.free_bits
        model: Autoencoder = VariationalAutoencoder(
            data.n_pixels,
            hidden,
            args.latent,
            activation,
            args.loss,
            args.seed,
            args.beta if args.beta is not None else preset.beta,
            free_bits,
        )
    else:
        model = Autoencoder(data.n_pixels, hidden, args.latent, activation, args.loss, args.seed)
    config = TrainConfig(
        epochs=args.epochs if args.epochs is not None else sized["epochs"],
        batch_size=args.batch_size if args.batch_size is not None else sized.get("batch_size", 0),
        optimizer=args.optimizer,
        lr=args.lr if args.lr is not None else preset.lr,
        noise=noise,
        noise_copies=copies,
        noise_floor=args.noise_floor if args.noise_floor is not None else preset.noise_floor,
        lr_schedule=args.lr_schedule or preset.lr_schedule,
        stop_max_wrong_pixels=(
            parse_stop(args.stop_max_wrong_pixels)
            if args.stop_max_wrong_pixels
            else preset.stop_max_wrong_pixels
        ),
        loss_threshold=args.loss_threshold,
        plateau_epochs=sized.get("plateau_epochs", 0),
        eval_every=sized["eval_every"],
        plateau_tolerance=sized.get("plateau_tolerance", 0.01),
        batch_seed=args.seed if args.batch_seed is None else args.batch_seed,
        noise_seed=args.seed if args.noise_seed is None else args.noise_seed,
    )
    # uint8 images stay bytes; the test images are scored at every evaluation (within 5 % of
    # the training time), never trained on
    trainer = Trainer(model, data.pixels, config, test_images=None if test is None else test.pixels)
    if trainer.notice:
        sys.stderr.write(f"{trainer.notice}\n")
    progress = None if args.quiet or not sys.stderr.isatty() else ProgressBar(config.epochs)
    start = time.perf_counter()
    final = trainer.run(on_snapshot=progress, snapshot_seconds=0.1 if progress else 0.0)
    seconds = time.perf_counter() - start
    if progress:
        progress.close()
    out = Path(args.out)
    metrics = metrics_json(model, data, final.epoch, seconds)
    split = {"test_fraction": fraction, "split_seed": args.split_seed, "test_count": 0}
    if test is not None:
        metrics["test"] = held_out_metrics(evaluate_images(model, test.pixels))
        metrics["test_curve"] = held_out_curve(final.history)
        split["test_count"] = len(test)
    metadata = {
        "training": {**config.to_dict(), "model": args.model, "state": final.state},
        "dataset": dataset_info(data),
        "split": split,
        "metrics": {k: metrics[k] for k in ("max_wrong_pixels", "total_wrong_pixels", "mse")},
    }
    save_model(out / "model.npz", model, metadata)
    write_text_atomic(out / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    if final.state == "failed":
        sys.stderr.write(f"error: {final.message}\n")
        return 1
    held_out = ""
    if test is not None:
        held_out = f" Test set ({len(test)} held out): mse {metrics['test']['mse']:.4g}."
    sys.stderr.write(
        f"{final.message} max wrong pixels {metrics['max_wrong_pixels']}, total "
        f"{metrics['total_wrong_pixels']}, {seconds:.2f} s.{held_out} Wrote {out / 'model.npz'}\n"
    )
    # judged on the first COLLAPSE_SAMPLE images: enough to see a collapse, bounded for MNIST
    warning = collapse_report(model, unit_floats(data.pixels[:COLLAPSE_SAMPLE]))
    if warning:
        sys.stderr.write(f"warning: {warning}\n")
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


def held_out_curve(history: dict[str, np.ndarray], points: int = CURVE_POINTS) -> dict[str, list]:
    """The training and test loss (and test wrong pixels per image) at the evaluations that
    scored the test set, thinned evenly to at most `points`: overfitting shows as a test loss
    that rises while the training loss falls."""
    scored = np.flatnonzero(np.isfinite(history["test_loss"]))  # (k,) records
    keep = scored[
        np.unique(np.linspace(0, len(scored) - 1, min(len(scored), points)).round().astype(int))
    ]
    return {
        "epoch": [int(e) for e in history["epoch"][keep]],
        "loss": [float(v) for v in history["loss"][keep]],
        "test_loss": [float(v) for v in history["test_loss"][keep]],
        "test_wrong_pixels_per_image": [float(v) for v in history["test_wrong"][keep]],
    }


def metrics_json(model: Autoencoder, data: Dataset, epochs: int, seconds: float) -> dict[str, Any]:
    """Scores of `model` on every image of `data`; per image (and codes) up to PER_IMAGE_LIMIT
    images, per class above that (60,000 codes would make a 3 MB file nobody reads)."""
    ev = evaluate_images(model, data.pixels)
    metrics: dict[str, Any] = {}
    if len(data) <= PER_IMAGE_LIMIT:
        keys = glyph_keys(data.labels)
        metrics["per_glyph_wrong_pixels"] = {k: int(w) for k, w in zip(keys, ev.wrong, strict=True)}
    else:
        metrics["per_class_mean_wrong_pixels"] = class_means(data.labels, ev.wrong)
    metrics |= {
        "max_wrong_pixels": ev.max_wrong,
        "total_wrong_pixels": ev.total_wrong,
        "wrong_pixels_per_image": ev.total_wrong / len(data),
        "mse": ev.mse,
        "epochs": epochs,
        "seconds": round(seconds, 4),
    }
    if len(data) <= PER_IMAGE_LIMIT:
        codes = encode_images(model, data.pixels)  # (n, latent)
        keys = glyph_keys(data.labels)
        metrics["latent"] = {k: [float(v) for v in c] for k, c in zip(keys, codes, strict=True)}
    if model.kind == "vae":
        metrics["kl"] = ev.kl
    return metrics


def class_means(labels: tuple[str, ...], wrong: np.ndarray) -> dict[str, float]:
    """Mean wrong pixels per label, in order of first appearance.  wrong (n,)"""
    names, first, index = np.unique(np.array(labels), return_index=True, return_inverse=True)
    sums = np.bincount(index, weights=wrong, minlength=len(names))
    counts = np.bincount(index, minlength=len(names))
    order = np.argsort(first)
    return {str(names[k]): float(sums[k] / counts[k]) for k in order}


# --- evaluate -------------------------------------------------------------------------------------
def cmd_evaluate(args: argparse.Namespace) -> int:
    data = load_dataset(args.data)
    model, _ = load_matching(args.model, data)
    metrics = metrics_json(model, data, 0, 0.0)
    metrics["epochs"] = None
    metrics["seconds"] = None
    if args.noise:
        noise = Noise.parse(args.noise)
        what = f"--repeats {args.repeats} noisy copies of {len(data)} images"
        limits.check_memory(3 * 4 * args.repeats * data.pixels.size, what, error=UsageError)
        rng = np.random.default_rng(args.seed)
        if len(data) > PER_IMAGE_LIMIT:
            raise UsageError(
                f"--noise scores sets of at most {PER_IMAGE_LIMIT} images; {data.name!r} has "
                f"{len(data)}"
            )
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
    check_range(lo, hi, text)
    return lo, hi


def cmd_generate(args: argparse.Namespace) -> int:
    model, meta = load_model(args.model)
    lo, hi = parse_range(args.range)
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".json"):
        raise UsageError(f"--out must end in .png or .json, got {args.out!r}")
    width, height = image_size(meta) or (0, 0)
    if width * height != model.n_inputs:
        raise UsageError(f"{args.model}: the metadata does not say the image size")
    check_sheet(args.grid, args.scale, width, height)
    training = generation_training_set(args.data, meta)
    codes = latent_grid(model, args.grid, lo, hi)
    images = model.decode(codes)  # (grid*grid, d)
    quality = None
    if training is not None:
        if training.n_pixels != model.n_inputs:
            raise UsageError(
                f"--data: {training.name!r} has {training.width}x{training.height} images but "
                f"the model makes {model.n_inputs} pixels"
            )
        quality = score_grid(
            images, training.images, args.grid, lo, hi, codes, min(model.latent, 2)
        )
    if out.suffix.lower() == ".png":
        save_png(out, image_sheet(images, width, height, args.grid, args.scale))
    else:
        labels = tuple(f"z=({c[0]:.2f},{c[1] if len(c) > 1 else 0:.2f})" for c in codes)
        binary = (images >= 0.5).astype(np.float32)
        name = f"generated from {Path(args.model).name}"
        document = dataset_to_json(Dataset(name, width, height, labels, binary))
        if quality is not None:  # extra keys: a set loader ignores them
            document["generation"] = generation_json(quality, training)
        write_text_atomic(out, json.dumps(document, indent=1) + "\n")
    sys.stderr.write(f"Wrote {args.grid * args.grid} decoded images to {out}\n")
    if quality is None:
        sys.stdout.write(
            "Give the training set with --data to count new images and nearest glyphs.\n"
        )
    else:
        sys.stdout.write(quality.summary() + "\n")
        warning = collapse_report(model, training.images, quality)
        if warning:
            sys.stdout.write(f"warning: {warning}\n")
    return 0


def generation_training_set(spec: str | None, meta: dict[str, Any]) -> Dataset | None:
    """The set a generated grid is compared with: --data, else the built-in set the model file
    names (if its pixels still match), else None."""
    if spec:
        return load_dataset(spec)
    info = meta.get("dataset", {})
    name = info.get("name")
    if name not in BUILTIN_DATASETS:
        return None
    data = load_builtin(name)
    return data if data.pixel_hash() == info.get("hash") else None


def generation_json(quality: GridQuality, training: Dataset) -> dict[str, Any]:
    """The grid's numbers with each image's nearest training glyph named."""
    keys = glyph_keys(training.labels)
    return {
        **quality.to_dict(),
        "nearest_glyph": [keys[i] for i in quality.nearest.tolist()],
    }

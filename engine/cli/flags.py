"""Every flag checked before any work starts: each message names the flag and says what it takes.

argparse turns the text into numbers; these checks bound them (engine.limits) so that a typo
like `--hidden 100000000` or `--beta nan` is one line and exit code 2 at once, not a traceback,
tens of GB or a run that "diverges" eleven seconds later. `--out` is checked here too, so a run
is never thrown away because its results cannot be written.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from engine import limits
from engine.cli.common import UsageError


def whole(value: int | None, flag: str, lo: int, hi: int) -> None:
    """A whole-number flag in [lo, hi] (None: not given)."""
    if value is not None and not lo <= value <= hi:
        raise UsageError(f"{flag} must be a whole number from {lo:,} to {hi:,}, got {value:,}")


def real(value: float | None, flag: str, lo: float = 0.0, above: bool = False) -> None:
    """A finite number >= lo (> lo when `above`); None: not given."""
    if value is None:
        return
    ok = math.isfinite(value) and (value > lo if above else value >= lo)
    if not ok:
        bound = f"above {lo:g}" if above else f"at least {lo:g}"
        raise UsageError(f"{flag} must be a finite number {bound}, got {value}")


def writable_folder(path: Path, flag: str) -> None:
    """`path` is, or can become, a folder we can write into."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {path} is a file; give a folder for the results")
    _writable(path, flag)


def writable_file(path: Path, flag: str) -> None:
    """`path` can be written: not a folder, and its folder is (or can become) writable."""
    if path.is_dir():
        raise UsageError(f"{flag} {path} is a folder; give a file name")
    _writable(path.parent, flag)


def _writable(folder: Path, flag: str) -> None:
    existing = folder.absolute()
    while not existing.exists():  # the folders to be made: the nearest existing one decides
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{flag}: {existing} is a file, so {folder} cannot be made")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{flag}: cannot write into {existing} (permission denied)")


def check_seeds(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        whole(getattr(args, name), f"--{name.replace('_', '-')}", 0, limits.MAX_SEED)


def check_train(args: argparse.Namespace) -> None:
    """train: sizes, rates, seeds and --out; the memory they imply is checked once the data
    set's image size is known (engine.cli.commands.cmd_train)."""
    whole(args.latent, "--latent", 1, limits.MAX_LAYER_WIDTH)
    whole(args.epochs, "--epochs", 0, limits.MAX_EPOCHS)
    whole(args.batch_size, "--batch-size", 0, limits.MAX_GLYPHS * limits.MAX_NOISE_COPIES)
    whole(args.noise_copies, "--noise-copies", 1, limits.MAX_NOISE_COPIES)
    real(args.lr, "--lr", above=True)
    if args.noise_floor is not None and not (0 <= args.noise_floor <= 0.5):
        raise UsageError(
            f"--noise-floor must be a share of pixels in [0, 0.5], got {args.noise_floor}"
        )
    real(args.beta, "--beta")
    real(args.loss_threshold, "--loss-threshold")
    check_seeds(args, "seed", "batch_seed", "noise_seed", "split_seed")
    fraction = args.test_fraction
    if fraction is not None and not (math.isfinite(fraction) and 0 <= fraction < 1):
        raise UsageError(f"--test-fraction must be at least 0 and below 1, got {fraction}")
    writable_folder(Path(args.out), "--out")
    for name in ("model.npz", "metrics.json"):
        if (Path(args.out) / name).is_dir():
            raise UsageError(f"--out: {Path(args.out) / name} is a folder; it cannot be replaced")


def check_evaluate(args: argparse.Namespace) -> None:
    whole(args.repeats, "--repeats", 1, limits.MAX_REPEATS)
    check_seeds(args, "seed")


def check_generate(args: argparse.Namespace) -> None:
    whole(args.grid, "--grid", 1, limits.MAX_GRID)
    whole(args.scale, "--scale", 1, limits.MAX_SCALE)
    writable_file(Path(args.out), "--out")


def check_sweep(args: argparse.Namespace) -> None:
    whole(args.repeats, "--repeats", 1, limits.MAX_REPEATS)
    whole(args.latent, "--latent", 1, limits.MAX_LAYER_WIDTH)
    whole(args.dae_epochs, "--dae-epochs", 1, limits.MAX_EPOCHS)
    check_seeds(args, "seed")
    writable_file(Path(args.out), "--out")


def check_download(args: argparse.Namespace) -> None:
    if args.cache:
        writable_folder(Path(args.cache), "--cache")


FLAG_CHECKS = {
    "download": check_download,
    "train": check_train,
    "evaluate": check_evaluate,
    "generate": check_generate,
    "sweep": check_sweep,
}


def check_flags(args: argparse.Namespace) -> None:
    """The checks of `args.command`, if it has any (a command added later may have none)."""
    check = FLAG_CHECKS.get(args.command)
    if check is not None:
        check(args)


def check_sheet(grid: int, scale: int, width: int, height: int) -> None:
    """generate: the PNG sheet of grid x grid images must fit MAX_SHEET_PIXELS."""
    pixels = (grid * (width * scale + 1) + 1) * (grid * (height * scale + 1) + 1)
    if pixels > limits.MAX_SHEET_PIXELS:
        raise UsageError(
            f"--grid {grid} with --scale {scale} on {width}x{height} images makes a sheet of "
            f"{pixels:,} pixels; at most {limits.MAX_SHEET_PIXELS:,} (lower --grid or --scale)"
        )


def check_range(lo: float, hi: float, text: str) -> None:
    """generate --range: finite, ordered and within MAX_LATENT_RANGE."""
    bound = limits.MAX_LATENT_RANGE
    if not (math.isfinite(lo) and math.isfinite(hi)) or max(abs(lo), abs(hi)) > bound:
        raise UsageError(f"--range must lie within -{bound:g}:{bound:g}, got {text!r}")

"""What the command-line commands share: one-line usage errors, the progress bar, model checks."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from engine.data.dataset import Dataset
from engine.models import Autoencoder
from engine.serialization import image_size, load_model
from engine.training import Snapshot


class UsageError(ValueError):
    """A flag value or file the user must change; printed as one line."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line, with exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


class ProgressBar:
    """A one-line progress bar on stderr, fed by training snapshots."""

    def __init__(self, epochs: int) -> None:
        self.epochs = max(epochs, 1)

    def __call__(self, snap: Snapshot) -> None:
        done = min(snap.epoch / self.epochs, 1.0)
        bar = "#" * int(30 * done) + "-" * (30 - int(30 * done))
        ev = snap.evaluation
        sys.stderr.write(
            f"\r[{bar}] epoch {snap.epoch}/{self.epochs} loss {ev.loss:.4f} "
            f"max wrong {ev.max_wrong} ({snap.steps_per_second:.0f} steps/s)  "
        )
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def load_matching(model_path: str, data: Dataset) -> tuple[Autoencoder, dict[str, Any]]:
    model, meta = load_model(model_path)
    if model.n_inputs != data.n_pixels:
        raise UsageError(
            f"the model takes images of {model.n_inputs} pixels but {data.name!r} has "
            f"{data.width}x{data.height} = {data.n_pixels}"
        )
    size = image_size(meta)
    if size is not None and size != (data.width, data.height):
        raise UsageError(
            f"{model_path}: the model takes {size[0]}x{size[1]} images but {data.name!r} is "
            f"{data.width}x{data.height} (the same pixel count, another shape)"
        )
    return model, meta

"""Field checks of a session file (engine.session) before its values are used: the size that
arrays.npz may unpack to, its flat weight arrays, and the training settings, each refused with a
sentence that names the file and the field (`error` is the reader's own exception)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from engine import fields, limits
from engine.fields import Error
from engine.nn.optimizers import OPTIMIZERS
from engine.serialization import check_model_config
from engine.train_config import TrainConfig


def check_arrays_size(meta: object, size: int, where: str, error: Error) -> None:
    """arrays.npz can hold no more than the weights, best weights, optimizer state and history
    of the model and epochs session.json declares; a larger one is a zip bomb."""
    meta = fields.mapping(meta, "the top level", where, error)
    itemsize = 8 if meta.get("dtype") == "float64" else 4
    count = check_model_config(meta.get("model"), "model", where, error, itemsize)
    run = fields.mapping(meta.get("run"), "run", where, error)
    epochs = fields.whole(run.get("epoch", 0), "run.epoch", where, error, 0, limits.MAX_EPOCHS)
    # params, best_params and up to three optimizer arrays (kept in float64), history rows of
    # a dozen float64 keys, and the npz's own headers.
    cap = 5 * 8 * count + 16 * 8 * (epochs + 1) + 1024**2
    if size > cap:
        raise error(
            f"{where}: arrays.npz unpacks to {limits.gib(size)}, more than a model of "
            f"{count:,} parameters trained {epochs:,} epochs can hold ({limits.gib(cap)})"
        )


def flat_floats(
    arrays: dict[str, np.ndarray],
    key: str,
    where: str,
    error: Error,
    shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """A flat float array from arrays.npz, of `shape` when given."""
    if key not in arrays:
        raise error(f"{where}: arrays.npz has no {key!r}")
    value = arrays[key]
    if value.ndim != 1 or value.dtype.kind != "f" or (shape is not None and value.shape != shape):
        raise error(
            f"{where}: {key!r} in arrays.npz must be a flat array of floats"
            + (f" of shape {shape}" if shape is not None else "")
        )
    return value


def train_config(data: dict[str, Any], where: str, error: Error) -> TrainConfig:
    """TrainConfig from a session's "training", each known field checked against its default's
    type first (so `"noise": 5` or `"epochs": 1e30` is a sentence, not an AttributeError)."""
    known = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    optional = {f.name for f in dataclasses.fields(TrainConfig) if "None" in str(f.type)}
    for key, value in data.items():
        if key not in known or (value is None and key in optional):
            continue
        what = f"training.{key}"
        default = known[key]
        if key == "noise":
            fields.text(value, what, where, error)
        elif key == "epochs":
            fields.whole(value, what, where, error, 0, limits.MAX_EPOCHS)
        elif key == "noise_copies":
            fields.whole(value, what, where, error, 1, limits.MAX_NOISE_COPIES)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise error(f"{where}: {what} must be true or false, not {value!r}")
        elif isinstance(default, int) or key.endswith("_pixels") or key.endswith("_seed"):
            fields.whole(value, what, where, error, 0, limits.MAX_SEED)
        elif isinstance(default, float) or default is None:
            fields.number(value, what, where, error)
        elif isinstance(default, str):
            fields.text(value, what, where, error)
    if data.get("optimizer", "adam") not in OPTIMIZERS:
        raise error(
            f"{where}: training.optimizer is {data['optimizer']!r}; expected one of "
            f"{', '.join(OPTIMIZERS)}"
        )
    try:
        return TrainConfig.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise error(f"{where}: the training settings are unusable ({exc})") from None

"""Save and load trained models: one `.npz` of plain arrays with JSON metadata, never pickles.

The file holds `params` (the flat weight buffer) and `metadata` (a JSON string: format version,
architecture, training settings, data set name and pixel hash, final metrics). Reading uses
`allow_pickle=False`, so a file can never run code; every way a file can be wrong ends in a
`ModelFileError` that says what is wrong.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from engine import fields, limits
from engine.atomic import write_bytes_atomic
from engine.models import MODELS, Autoencoder, model_from_config
from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import LOSS_FUNCTIONS

FORMAT = "autoencoder-lab-model"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file and the problem."""


def save_model(
    path: str | os.PathLike[str], model: Autoencoder, metadata: dict[str, Any] | None = None
) -> None:
    """Write `model` and `metadata` (JSON-ready) to `path` atomically."""
    meta = {**(metadata or {}), "format": FORMAT, "version": VERSION, "model": model.config()}
    buffer = io.BytesIO()
    np.savez(buffer, params=model.params, metadata=np.array(json.dumps(meta, sort_keys=True)))
    write_bytes_atomic(path, buffer.getvalue())


def load_model(path: str | os.PathLike[str]) -> tuple[Autoencoder, dict[str, Any]]:
    """Read a model written by `save_model`; returns the model and its metadata.

    Sizes are checked before anything is allocated (the zip directory, the npy headers, the
    parameter count the metadata declares), then the metadata field by field.
    """
    name = str(path)
    if not Path(path).is_file():
        raise ModelFileError(f"{name}: no such model file")
    try:
        # Opening the file here closes it even when np.load gives up half way.
        with open(path, "rb") as handle:
            with zipfile.ZipFile(handle) as archive:
                arrays = limits.check_npz(archive, name, ModelFileError)
            if not {"params", "metadata"} <= set(arrays):
                raise ModelFileError(
                    f"{name}: not an Autoencoder Lab model (it holds {sorted(arrays)}, "
                    "expected 'params' and 'metadata')"
                )
            shape, dtype = arrays["params"]
            if len(shape) != 1 or dtype.kind != "f" or dtype.itemsize not in (4, 8):
                raise ModelFileError(f"{name}: the weights are not a flat array of floats")
            if arrays["metadata"][1].kind != "U" or arrays["metadata"][0] != ():
                raise ModelFileError(f"{name}: the metadata is not a JSON string")
            handle.seek(0)
            with np.load(handle, allow_pickle=False) as archive:
                params = archive["params"]
                raw_meta = archive["metadata"]
    except ModelFileError:
        raise
    # zipfile raises NotImplementedError and RuntimeError for encrypted or exotic members.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        raise ModelFileError(
            f"{name}: the file is damaged or not an .npz model ({exc.__class__.__name__}: {exc})"
        ) from None
    try:
        meta = limits.loads_json(str(raw_meta), name, ModelFileError)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{name}: the metadata is not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{name}: not an Autoencoder Lab model (format is not {FORMAT!r})")
    if meta.get("version") != VERSION:
        raise ModelFileError(
            f"{name}: model format version {meta.get('version')!r}; this version of Autoencoder Lab "
            f"reads version {VERSION}"
        )
    check_metadata(meta, name)
    if not np.all(np.isfinite(params)):
        raise ModelFileError(f"{name}: the weights contain NaN or infinite values")
    model = checked_model(meta.get("model"), "model", name, ModelFileError, params.dtype, params)
    return model, meta


def image_size(meta: dict[str, Any]) -> tuple[int, int] | None:
    """(width, height) of the images a model file says it was trained on, or None when it does
    not say (load_model has checked the types)."""
    info = meta.get("dataset")
    if isinstance(info, dict) and "width" in info and "height" in info:
        return int(info["width"]), int(info["height"])
    return None


def check_metadata(meta: dict[str, Any], where: str) -> None:
    """The optional fields other readers use: each has the type they expect, or an error."""
    error = ModelFileError
    info = meta.get("dataset")
    if isinstance(info, dict):  # the command line's record; the window stores the set's name
        for key in ("width", "height"):
            if key in info:
                fields.whole(info[key], f"dataset.{key}", where, error, 1, limits.MAX_SIDE)
        if "name" in info:
            fields.text(info["name"], "dataset.name", where, error)
    elif info is not None:
        fields.text(info, "dataset", where, error)
    for key in ("metrics", "training", "settings"):
        if key in meta:
            fields.mapping(meta[key], key, where, error)
    for key, value in meta.get("metrics", {}).items():
        if value is not None:
            fields.number(value, f"metrics.{key}", where, error, finite=False)


def checked_model(
    config: object,
    what: str,
    where: str,
    error: type[ValueError],
    dtype: np.dtype | type,
    params: np.ndarray | None = None,
) -> Autoencoder:
    """Build a model from a file's architecture after checking every field and the parameter
    count it implies, so a tiny file cannot declare a network of 100 GiB."""
    count = check_model_config(config, what, where, error, np.dtype(dtype).itemsize)
    if params is not None and params.shape != (count,):
        raise error(
            f"{where}: the architecture in {what} has {count:,} parameters but the file holds "
            f"{params.size:,}"
        )
    try:
        return model_from_config(config, dtype=np.dtype(dtype).type, params=params)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise error(f"{where}: the architecture in {what} is unusable ({exc})") from None


def check_model_config(
    config: object, what: str, where: str, error: type[ValueError], itemsize: int = 4
) -> int:
    """Every field of a stored architecture, and its size against the limits; returns the
    parameter count. Nothing is allocated."""
    cfg = fields.mapping(config, what, where, error)

    def field(key: str) -> object:
        return fields.item(cfg, key, f"{what}.{key}", where, error)

    kind = fields.text(field("kind"), f"{what}.kind", where, error)
    if kind not in MODELS:
        raise error(f"{where}: {what}.kind is {kind!r}; expected one of {', '.join(MODELS)}")
    side = limits.MAX_SIDE
    n_inputs = fields.whole(field("n_inputs"), f"{what}.n_inputs", where, error, 1, side * side)
    widest = limits.MAX_LAYER_WIDTH
    hidden = [
        fields.whole(h, f"{what}.hidden[{i}]", where, error, 1, widest)
        for i, h in enumerate(fields.sequence(field("hidden"), f"{what}.hidden", where, error))
    ]
    latent = fields.whole(field("latent"), f"{what}.latent", where, error, 1, widest)
    for key, table in (("activation", ACTIVATIONS), ("loss", LOSS_FUNCTIONS)):
        if key in cfg and fields.text(cfg[key], f"{what}.{key}", where, error) not in table:
            raise error(
                f"{where}: {what}.{key} is {cfg[key]!r}; expected one of {', '.join(table)}"
            )
    if "seed" in cfg:
        fields.whole(cfg["seed"], f"{what}.seed", where, error, 0, limits.MAX_SEED)
    if "beta" in cfg:
        fields.number(cfg["beta"], f"{what}.beta", where, error, lo=0.0)
    return limits.check_architecture(n_inputs, hidden, latent, kind, where, error, itemsize)

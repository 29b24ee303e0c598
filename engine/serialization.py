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
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import write_bytes_atomic
from engine.models import Autoencoder, model_from_config

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
    """Read a model written by `save_model`; returns the model and its metadata."""
    name = str(path)
    if not Path(path).is_file():
        raise ModelFileError(f"{name}: no such model file")
    try:
        # Opening the file here closes it even when np.load gives up half way.
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
            keys = set(archive.files)
            if not {"params", "metadata"} <= keys:
                raise ModelFileError(
                    f"{name}: not an Autoencoder Lab model (it holds {sorted(keys)}, "
                    "expected 'params' and 'metadata')"
                )
            params = archive["params"]
            raw_meta = archive["metadata"]
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise ModelFileError(
            f"{name}: the file is damaged or not an .npz model ({exc.__class__.__name__}: {exc})"
        ) from None
    try:
        meta = json.loads(str(raw_meta))
    except (json.JSONDecodeError, TypeError) as exc:
        raise ModelFileError(f"{name}: the metadata is not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{name}: not an Autoencoder Lab model (format is not {FORMAT!r})")
    if meta.get("version") != VERSION:
        raise ModelFileError(
            f"{name}: model format version {meta.get('version')!r}; this version of Autoencoder Lab "
            f"reads version {VERSION}"
        )
    if params.ndim != 1 or params.dtype.kind != "f":
        raise ModelFileError(f"{name}: the weights are not a flat array of floats")
    if not np.all(np.isfinite(params)):
        raise ModelFileError(f"{name}: the weights contain NaN or infinite values")
    try:
        model = model_from_config(meta["model"], dtype=params.dtype.type, params=params)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(
            f"{name}: the architecture in the metadata is unusable ({exc})"
        ) from None
    return model, meta

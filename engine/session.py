"""A whole session in one file: the data set with its edits, the model, the run and its history.

The file is a zip holding `session.json` (data set, architecture, training settings, run counters,
random-generator states, anything the window adds) and `arrays.npz` (weights, best weights,
optimizer state, history), read with `allow_pickle=False`. Resuming continues exactly: training N
epochs, saving, opening and training M more gives the weights of N + M epochs at once.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import write_bytes_atomic
from engine.data.dataset_json import dataset_from_json, dataset_to_json
from engine.data.datasets import Dataset, DatasetError
from engine.history import History
from engine.models import model_from_config
from engine.train_config import TrainConfig
from engine.training import Trainer

FORMAT = "autoencoder-lab-session"
VERSION = 1


class SessionFileError(ValueError):
    """A session file that cannot be opened; the message names the file and the problem."""


@dataclass
class Session:
    """What a session file holds. `extra` is free JSON for the window (view toggles, seeds...)."""

    dataset: Dataset
    trainer: Trainer
    extra: dict[str, Any] = field(default_factory=dict)


def save_session(path: str | os.PathLike[str], session: Session) -> None:
    """Write `session` to `path` atomically."""
    trainer = session.trainer
    arrays: dict[str, np.ndarray] = {
        "params": trainer.model.params,
        "best_params": trainer.best_params,
    }
    arrays.update({f"optimizer.{k}": v for k, v in trainer.optimizer.state().items()})
    arrays.update({f"history.{k}": v for k, v in trainer.history.arrays().items()})
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "dataset": dataset_to_json(session.dataset),
        "model": trainer.model.config(),
        "dtype": trainer.model.dtype.name,
        "training": trainer.config.to_dict(),
        "run": {
            "epoch": trainer.epoch,
            "steps": trainer.steps,
            "elapsed": trainer.elapsed,
            "state": trainer.state,
            "message": trainer.message,
            "base_lr": trainer.base_lr,
            "lr": trainer.optimizer.lr,
            "best_epoch": trainer.best_epoch,
            "best_key": list(trainer.best_key),
            "batch_rng": trainer.batch_rng.bit_generator.state,
            "noise_rng": trainer.noise_rng.bit_generator.state,
        },
        "extra": session.extra,
    }
    npz = io.BytesIO()
    np.savez(npz, **arrays)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", json.dumps(meta, indent=1, default=_json_number))
        zf.writestr("arrays.npz", npz.getvalue())
    write_bytes_atomic(path, archive.getvalue())


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read a session written by `save_session`; the trainer continues where it stopped."""
    name = str(path)
    if not Path(path).is_file():
        raise SessionFileError(f"{name}: no such session file")
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("session.json"))
            raw = zf.read("arrays.npz")
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError) as exc:
        raise SessionFileError(
            f"{name}: the file is damaged or not a session ({exc.__class__.__name__}: {exc})"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SessionFileError(f"{name}: not an Autoencoder Lab session")
    if meta.get("version") != VERSION:
        raise SessionFileError(
            f"{name}: session format version {meta.get('version')!r}; this version of "
            f"Autoencoder Lab reads version {VERSION}"
        )
    try:
        return _rebuild(meta, arrays)
    except DatasetError as exc:
        raise SessionFileError(f"{name}: the data set in the session is unusable: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise SessionFileError(
            f"{name}: the session is incomplete or inconsistent ({exc})"
        ) from None


def _rebuild(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Session:
    dataset = dataset_from_json(meta["dataset"], "the session's data set")
    params = arrays["params"]
    if not np.all(np.isfinite(params)):
        raise ValueError("the weights contain NaN or infinite values")
    model = model_from_config(meta["model"], dtype=np.dtype(meta["dtype"]).type, params=params)
    trainer = Trainer(model, dataset.images, TrainConfig.from_dict(meta["training"]))
    run = meta["run"]
    trainer.epoch = int(run["epoch"])
    trainer.steps = int(run["steps"])
    trainer.elapsed = float(run["elapsed"])
    trainer.state = str(run["state"])
    trainer.message = str(run["message"])
    trainer.base_lr = float(run["base_lr"])
    trainer.optimizer.lr = float(run["lr"])
    trainer.best_epoch = int(run["best_epoch"])
    trainer.best_key = (float(run["best_key"][0]), float(run["best_key"][1]))
    trainer.best_params[...] = arrays["best_params"]
    trainer.batch_rng.bit_generator.state = run["batch_rng"]
    trainer.noise_rng.bit_generator.state = run["noise_rng"]
    trainer.optimizer.load_state(
        {k.removeprefix("optimizer."): v for k, v in arrays.items() if k.startswith("optimizer.")}
    )
    history = {k.removeprefix("history."): v for k, v in arrays.items() if k.startswith("history.")}
    if set(history) == set(History.KEYS):
        trainer.history.load(history)
    trainer.restored()
    return Session(dataset, trainer, dict(meta.get("extra", {})))


def _json_number(value: object) -> object:
    """Let numpy scalars through json.dumps."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to a session")

"""A whole session in one file: the data set with its edits, the model, the run and its history.

The file is a zip holding `session.json` (the data set's name, size and labels, architecture,
training settings, run counters, random-generator states, anything the window adds),
`arrays.npz` (weights, best weights, optimizer state, history) and the data set's pixels as
`dataset.npy` (and `edited.npy`, the glyphs as edited since the run began), uint8 or float32 as
the set holds them (`engine.session_data`); every array is read with `allow_pickle=False`.
A run paused within an epoch also keeps that epoch's order and position (`epoch_order.npy`,
`engine.session_pass`), so it resumes as it would have gone on.
Version 1 files, which held the data set as JSON in session.json, still open.

Saving is split so that a window can write on another thread: `freeze_session` copies what
training may change (a few MB of weights and history; the data sets cannot change) and
`write_session` streams the zip to disk. Resuming continues exactly: training N epochs, saving,
opening and training M more gives the weights of N + M epochs at once.
"""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine import fields, limits
from engine.atomic import atomic_file
from engine.data.dataset_json import dataset_from_json
from engine.data.datasets import Dataset, DatasetError
from engine.history import History
from engine.serialization import checked_model
from engine.session_data import MEMBERS, dataset_header, read_dataset, write_pixels
from engine.session_fields import check_arrays_size, flat_floats, train_config
from engine.session_pass import pass_meta, read_order, resume_pass, write_order
from engine.training import RUN_STATES, Trainer

FORMAT = "autoencoder-lab-session"
VERSION = 2  # 1: the data set as JSON in session.json (still read)
READ_VERSIONS = (1, 2)
COMPRESS_LEVEL = 1  # deflate: MNIST's bytes shrink ~5x at ~200 MB/s; level 6 halves the speed


class SessionFileError(ValueError):
    """A session file that cannot be opened; the message names the file and the problem."""


@dataclass
class Session:
    """What a session file holds. `extra` is free JSON for the window (view toggles, seeds...);
    `edited` is the glyphs as edited since the run began (None: they are the run's `dataset`)."""

    dataset: Dataset
    trainer: Trainer
    extra: dict[str, Any] = field(default_factory=dict)
    edited: Dataset | None = None


@dataclass(frozen=True)
class FrozenSession:
    """A session's contents at one moment, ready to be written on any thread: the metadata and
    copies of the arrays training changes; the data sets are shared (a Dataset never changes)."""

    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    datasets: dict[str, Dataset]  # MEMBERS key -> set
    order: np.ndarray | None = None  # the epoch in progress's batch order (engine.session_pass)


def freeze_session(session: Session) -> FrozenSession:
    """Copy what the trainer may change next; cheap (the weights and history, not the images)."""
    trainer = session.trainer
    arrays: dict[str, np.ndarray] = {
        "params": trainer.model.params.copy(),
        "best_params": trainer.best_params.copy(),
    }
    arrays.update({f"optimizer.{k}": v.copy() for k, v in trainer.optimizer.state().items()})
    arrays.update({f"history.{k}": v.copy() for k, v in trainer.history.arrays().items()})
    epoch_pass, order = pass_meta(trainer)
    datasets = {"dataset": session.dataset}
    if session.edited is not None:
        datasets["edited"] = session.edited
    meta = {
        "format": FORMAT,
        "version": VERSION,
        **{key: dataset_header(data) for key, data in datasets.items()},
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
            "epoch_pass": epoch_pass,
        },
        "extra": copy.deepcopy(session.extra),
    }
    return FrozenSession(meta, arrays, datasets, order)


def write_session(path: str | os.PathLike[str], frozen: FrozenSession) -> None:
    """Write a frozen session to `path` atomically, the pixels streamed member by member."""
    npz = io.BytesIO()
    np.savez(npz, **frozen.arrays)
    with (
        atomic_file(path) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf,
    ):
        zf.writestr("session.json", json.dumps(frozen.meta, indent=1, default=_json_number))
        zf.writestr("arrays.npz", npz.getvalue())
        for key, dataset in frozen.datasets.items():
            write_pixels(zf, MEMBERS[key], dataset)
        if frozen.order is not None:
            write_order(zf, frozen.order)


def save_session(path: str | os.PathLike[str], session: Session) -> None:
    """Write `session` to `path` atomically."""
    write_session(path, freeze_session(session))


def load_session(path: str | os.PathLike[str], evaluate: bool = True) -> Session:
    """Read a session written by `save_session`; the trainer continues where it stopped.

    Every size is checked before it is allocated (the zip directory, the npy headers) and every
    field before it is used, so a damaged or hostile file ends in one SessionFileError that
    names the file and the field. `evaluate=False` leaves the trainer's first evaluation of the
    restored weights (`Trainer.restored`: a second at 60,000 images) to the caller, who must
    call it before the trainer trains or makes a snapshot (a window does it in another thread).
    """
    name = str(path)
    if not Path(path).is_file():
        raise SessionFileError(f"{name}: no such session file")
    error = SessionFileError
    try:
        with zipfile.ZipFile(path) as zf:
            caps = {"session.json": limits.MAX_SESSION_JSON_BYTES}
            limits.check_zip_member_sizes(zf, name, error, caps)
            meta = limits.loads_json(zf.read("session.json"), name, error)
            _check_format(meta, name)
            check_arrays_size(meta, zf.getinfo("arrays.npz").file_size, name, error)
            raw = zf.read("arrays.npz")
            datasets = _read_datasets(zf, meta, name)
            order = read_order(zf, meta, name, error)
        with zipfile.ZipFile(io.BytesIO(raw)) as inner:
            limits.check_npz(inner, f"{name} (arrays.npz)", error)
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except SessionFileError:
        raise
    # zipfile raises NotImplementedError and RuntimeError for encrypted or exotic members.
    except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        raise SessionFileError(
            f"{name}: the file is damaged or not a session ({exc.__class__.__name__}: {exc})"
        ) from None
    try:
        return _rebuild(meta, arrays, datasets, order, name, evaluate)
    except DatasetError as exc:
        raise SessionFileError(f"{name}: the data set in the session is unusable: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, SessionFileError):
            raise
        raise SessionFileError(
            f"{name}: the session is incomplete or inconsistent ({exc})"
        ) from None


def _check_format(meta: object, where: str) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SessionFileError(f"{where}: not an Autoencoder Lab session")
    if meta.get("version") not in READ_VERSIONS:
        raise SessionFileError(
            f"{where}: session format version {meta.get('version')!r}; this version of "
            f"Autoencoder Lab reads versions {', '.join(map(str, READ_VERSIONS))}"
        )


def _read_datasets(zf: zipfile.ZipFile, meta: dict[str, Any], where: str) -> dict[str, Dataset]:
    """The run's data set and the edited one if any: npy members from version 2 on, JSON in
    session.json before (the window kept a version 1 file's edited set in its "extra")."""
    if meta["version"] == 1:
        return {"dataset": dataset_from_json(meta.get("dataset"), "the session's data set")}
    error = SessionFileError
    datasets = {"dataset": read_dataset(zf, meta.get("dataset"), "dataset", where, error)}
    if meta.get("edited") is not None:
        datasets["edited"] = read_dataset(zf, meta["edited"], "edited", where, error)
    return datasets


def _rebuild(
    meta: dict[str, Any],
    arrays: dict[str, np.ndarray],
    datasets: dict[str, Dataset],
    order: np.ndarray | None,
    where: str,
    evaluate: bool,
) -> Session:
    error = SessionFileError
    dataset = datasets["dataset"]
    dtype = meta.get("dtype")
    if dtype not in ("float32", "float64"):
        raise error(f'{where}: dtype must be "float32" or "float64", not {dtype!r}')
    params = flat_floats(arrays, "params", where, error)
    model = checked_model(meta.get("model"), "model", where, error, np.dtype(dtype), None)
    if params.shape != model.params.shape:
        raise error(
            f"{where}: the model has {model.params.size:,} parameters but 'params' holds "
            f"{params.size:,}"
        )
    if model.n_inputs != dataset.n_pixels:
        raise error(
            f"{where}: the model takes {model.n_inputs} pixels but the data set has "
            f"{dataset.width}x{dataset.height} = {dataset.n_pixels}"
        )
    if not np.all(np.isfinite(params)):
        raise error(f"{where}: the weights contain NaN or infinite values")
    model.params[...] = params
    best = flat_floats(arrays, "best_params", where, error, params.shape)
    config = train_config(
        fields.mapping(meta.get("training"), "training", where, error), where, error
    )
    copies = config.noise_copies if config.noise is not None else 1
    what = f"training.noise_copies = {copies} of {len(dataset)} images"
    limits.check_memory(3 * 4 * copies * dataset.pixels.size, what, where, error)
    # The pixels as the set holds them: a uint8 set trains on bytes, made floats per batch.
    trainer = Trainer(model, dataset.pixels, config)
    run = fields.mapping(meta.get("run"), "run", where, error)

    def field(key: str) -> Any:
        return fields.item(run, key, f"run.{key}", where, error)

    trainer.epoch = fields.whole(field("epoch"), "run.epoch", where, error, 0, limits.MAX_EPOCHS)
    trainer.steps = fields.whole(field("steps"), "run.steps", where, error)
    trainer.elapsed = fields.number(field("elapsed"), "run.elapsed", where, error, lo=0.0)
    state = fields.text(field("state"), "run.state", where, error)
    if state not in RUN_STATES:
        raise error(f"{where}: run.state is {state!r}; expected one of {', '.join(RUN_STATES)}")
    trainer.state = state
    trainer.message = fields.text(field("message"), "run.message", where, error)
    trainer.base_lr = fields.number(field("base_lr"), "run.base_lr", where, error, lo=1e-300)
    trainer.optimizer.lr = fields.number(field("lr"), "run.lr", where, error, lo=1e-300)
    trainer.best_epoch = fields.whole(field("best_epoch"), "run.best_epoch", where, error)
    key = fields.sequence(field("best_key"), "run.best_key", where, error, length=2)
    trainer.best_key = tuple(  # type: ignore[assignment]
        fields.number(v, f"run.best_key[{i}]", where, error, finite=False)
        for i, v in enumerate(key)
    )
    trainer.best_params[...] = best
    for stream in ("batch_rng", "noise_rng"):
        state_dict = fields.mapping(field(stream), f"run.{stream}", where, error)
        try:
            getattr(trainer, stream).bit_generator.state = state_dict
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise error(f"{where}: run.{stream} is not a random-generator state ({exc})") from None
    optimizer = {
        k.removeprefix("optimizer."): v for k, v in arrays.items() if k.startswith("optimizer.")
    }
    for key, value in optimizer.items():
        if key != "t" and value.shape != params.shape:
            raise error(
                f"{where}: the optimizer's {key!r} has shape {value.shape}, expected {params.shape}"
            )
    try:
        trainer.optimizer.load_state(optimizer)
    except (KeyError, TypeError, ValueError) as exc:
        raise error(f"{where}: the optimizer's state is incomplete or damaged ({exc})") from None
    history = {k.removeprefix("history."): v for k, v in arrays.items() if k.startswith("history.")}
    if History.readable(history):
        lengths = {v.shape for v in history.values()}
        if len(lengths) != 1 or len(next(iter(lengths))) != 1:
            raise error(f"{where}: the history's arrays are not one list per key of equal length")
        trainer.history.load(history)
    resume_pass(trainer, run, order, where, error)
    if evaluate:
        trainer.restored()
    extra = fields.mapping(meta.get("extra", {}), "extra", where, error)
    return Session(dataset, trainer, dict(extra), datasets.get("edited"))


def _json_number(value: object) -> object:
    """Let numpy scalars through json.dumps."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to a session")

"""The epoch in progress in a session file, so a run saved while paused within an epoch opens
and resumes exactly as it would have gone on.

An epoch of 60,000 images lasts seconds; Pause acts after the current batch and keeps the
epoch's batch order and position in the Trainer (`engine.training.EpochPass`). A session saved
then holds that order as the npy member `epoch_order.npy` ((rows,) int64: 480 KB at 60,000
images) and in session.json's `run.epoch_pass` the rows trained on and, for a float run's
noisy copies, the noise stream's state at the epoch's start, from which they are drawn again.
The member's header is checked before it is read (its size is capped by the zip's directory)
and the order against the run's rows before it is used.
"""

from __future__ import annotations

import zipfile
from typing import Any

import numpy as np

from engine import fields, limits
from engine.training import Trainer

MEMBER = "epoch_order.npy"


def pass_meta(trainer: Trainer) -> tuple[dict[str, Any] | None, np.ndarray | None]:
    """session.json's `run.epoch_pass` and a copy of the epoch's order; (None, None) between
    epochs."""
    p = trainer.epoch_pass
    if p is None or p.order is None:
        return None, None
    meta = {"rows": p.rows, "done": p.done, "noise_rng": p.noise_state}
    return meta, p.order.astype(np.int64)  # a copy: the frozen session outlives the epoch


def write_order(archive: zipfile.ZipFile, order: np.ndarray) -> None:
    with archive.open(MEMBER, "w", force_zip64=True) as out:
        np.lib.format.write_array(out, order, allow_pickle=False)


def read_order(
    archive: zipfile.ZipFile, meta: dict[str, Any], where: str, error: type[ValueError]
) -> np.ndarray | None:
    """The order of the epoch in progress, when session.json's `run.epoch_pass` says there is
    one: checked to be (rows,) integers before it is read."""
    run = meta.get("run")
    if not isinstance(run, dict) or run.get("epoch_pass") is None:
        return None
    described = fields.mapping(run["epoch_pass"], "run.epoch_pass", where, error)
    rows = fields.whole(
        fields.item(described, "rows", "run.epoch_pass.rows", where, error),
        "run.epoch_pass.rows", where, error, 1,
    )  # fmt: skip
    try:
        info = archive.getinfo(MEMBER)
    except KeyError:
        raise error(f"{where}: the session has no {MEMBER} (the epoch in progress)") from None
    with archive.open(info) as stream:
        shape, dtype = limits.check_npy_header(stream, info.file_size, MEMBER, where, error)
    if shape != (rows,) or dtype != np.dtype("<i8"):
        raise error(f"{where}: {MEMBER} holds {dtype} of shape {shape}, not {rows:,} int64 rows")
    with archive.open(info) as stream:
        return np.lib.format.read_array(stream, allow_pickle=False)


def resume_pass(
    trainer: Trainer,
    run: dict[str, Any],
    order: np.ndarray | None,
    where: str,
    error: type[ValueError],
) -> None:
    """Give `trainer` the epoch in progress that `read_order` read, if any."""
    if order is None:
        return
    described = fields.mapping(run["epoch_pass"], "run.epoch_pass", where, error)
    done = fields.whole(
        fields.item(described, "done", "run.epoch_pass.done", where, error),
        "run.epoch_pass.done", where, error, 1,
    )  # fmt: skip
    noise = described.get("noise_rng")
    if noise is not None:
        noise = fields.mapping(noise, "run.epoch_pass.noise_rng", where, error)
    elif trainer.config.noise is not None and trainer.images.dtype != np.uint8:
        raise error(f"{where}: run.epoch_pass has no noise_rng for the epoch's noisy copies")
    try:
        trainer.resume_epoch(order, done, noise)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise error(f"{where}: run.epoch_pass does not fit the run ({exc})") from None

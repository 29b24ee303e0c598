"""What the app adds to the engine's model and session files, written and read back in one place.

engine.serialization and engine.session store weights, trainers and data sets. Beside them a model
file records the RunSettings it was trained with and the data it saw, and a session keeps the
settings and the glyphs as edited after its run began. Those keys are plain data, not run state,
so the RunController only reports errors and installs what these functions return.
"""

from __future__ import annotations

from typing import Any

from engine.data.dataset_json import dataset_from_json
from engine.data.datasets import Dataset
from engine.held_out import held_out_metrics
from engine.models import Autoencoder
from engine.session import Session, load_session
from engine.training import Snapshot
from gui.run.run_settings import MODEL_KINDS, RunSettings, default_settings


def model_metadata(
    snapshot: Snapshot, dataset: Dataset, settings: RunSettings, state: str
) -> dict[str, object]:
    """What a model file records beside the weights: the data, the settings, how good they were."""
    ev = snapshot.evaluation
    metadata: dict[str, object] = {
        "dataset": dataset.name,
        "pixel_hash": dataset.pixel_hash(),
        "settings": settings.to_dict(),
        "train_config": settings.train_config().to_dict(),
        "epoch": snapshot.epoch,
        "state": state,
        "loss": ev.loss,
        "max_wrong": ev.max_wrong,
        "total_wrong": ev.total_wrong,
    }
    test = snapshot.test_evaluation
    if test is not None:  # as `main.py train` records its held-out images
        metadata["test"] = held_out_metrics(test)
        metadata["split"] = {
            "test_fraction": settings.test_fraction,
            "split_seed": settings.split_seed,
            "test_count": len(test.wrong),
        }
    return metadata


def settings_of_model(model: Autoencoder, meta: dict[str, Any], base: RunSettings) -> RunSettings:
    """The settings a loaded model trains on: its architecture from the weights, the rest from
    the file's stored settings, and `base` for whatever the file does not say."""
    config = model.config()
    stored = meta.get("settings") if isinstance(meta.get("settings"), dict) else {}
    settings = RunSettings.from_dict(stored, base=base)
    # The file knows AE or VAE; whether it was trained on noisy inputs is in the metadata.
    noisy = "dae" if stored.get("kind") == "dae" else "ae"
    kind = "vae" if config["kind"] == "vae" else noisy
    # The weights fix these: a set of another size must not swap in the preset's layers.
    fixed = (
        ("hidden", "activation", "free_bits", "beta") if kind == "vae" else ("hidden", "activation")
    )
    return settings.replace(
        kind=kind,
        by_hand=(*settings.by_hand, *fixed),
        hidden=tuple(config["hidden"]),
        latent=config["latent"],
        activation=config["activation"],
        loss=config["loss"],
        init_seed=config["seed"],
        beta=config.get("beta", settings.beta),
        free_bits=config.get("free_bits", settings.free_bits),
    )


def model_misfit(model: Autoencoder, dataset: Dataset, path: str) -> str | None:
    """A sentence if the model in `path` cannot take `dataset`'s images, else None."""
    n_pixels = dataset.n_pixels
    if model.n_inputs != n_pixels:
        return (
            f"The model in {path} takes images of {model.n_inputs} pixels, but the set "
            f"{dataset.name!r} has {dataset.width}x{dataset.height} = "
            f"{n_pixels}. Open a set of the size it was trained on."
        )
    return None


def other_images_note(meta: dict[str, Any], dataset: Dataset) -> str:
    """A sentence if the model was trained on other pixels than `dataset`'s, else ""."""
    if meta.get("pixel_hash") and meta.get("pixel_hash") != dataset.pixel_hash():
        return f" It was trained on other images ({meta.get('dataset', 'another set')})."
    return ""


def session_extra(settings: RunSettings) -> dict[str, object]:
    """The window's part of a session: the settings (the edited glyphs are Session.edited)."""
    return {"settings": settings.to_dict()}


def read_session(path: str, evaluate: bool = True) -> tuple[Session, Dataset, RunSettings]:
    """The session in `path`, the glyphs as edited when it was saved (the run's own data set if
    they were not), and its settings. Raises SessionFileError or DatasetError. `evaluate=False`:
    the caller calls the trainer's `restored()` (see engine.session.load_session)."""
    session = load_session(path, evaluate)
    extra = session.extra
    edited = session.dataset if session.edited is None else session.edited
    if isinstance(extra.get("edited_dataset"), dict):  # a version 1 file kept them as JSON
        edited = dataset_from_json(extra["edited_dataset"], "the session's edited set")
    stored = extra.get("settings") if isinstance(extra.get("settings"), dict) else {}
    # A field the file lacks (a session from before it existed) gets the default of the
    # session's model kind for its set's size.
    kind = stored.get("kind")
    kind = kind if isinstance(kind, str) and kind in MODEL_KINDS else None
    base = default_settings(edited.name, len(edited), kind)
    return session, edited, RunSettings.from_dict(stored, base=base)

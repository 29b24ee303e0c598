"""The window's defaults follow the set's size as `main.py train`'s do (issue 14), hand edits stay.

The command line's choice is read from cmd_train itself: its Trainer is replaced by a recorder
that keeps the model and the TrainConfig and ends the command before any training.
"""

import json
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import QSettings

import engine.cli.commands as commands
from engine.data.dataset import Dataset
from engine.data.dataset_json import save_json
from engine.session import SessionFileError, load_session
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.run.run_settings import PRESET_FIELDS, RunSettings


def grey_set(n: int, name: str = "tiles", side: int = 6, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    images = rng.random((n, side * side)).astype(np.float32)  # (n, side*side) grey in [0, 1)
    return Dataset(name, side, side, tuple(f"g{i}" for i in range(n)), images)


class Recorded(Exception):
    pass


def cli_choice(tmp_path, monkeypatch, dataset: Dataset, model: str) -> tuple[dict, dict]:
    """(model config, TrainConfig dict) that `main.py train --model <model>` builds for the set."""
    seen = {}

    def recorder(model, images, config, **_test_images):
        seen.update(model=model.config(), training=config.to_dict())
        raise Recorded

    path = tmp_path / f"{dataset.name}-{len(dataset)}.json"
    save_json(dataset, path)
    monkeypatch.setattr(commands, "Trainer", recorder)
    argv = ["train", "--data", str(path), "--model", model, "--test-fraction", "0"]
    with pytest.raises(Recorded):
        commands.run_cli([*argv, "--out", str(tmp_path / "out")])
    return seen["model"], seen["training"]


def window_choice(run: RunController) -> tuple[dict, dict]:
    settings = run.settings
    return settings.model_config(run.dataset.n_pixels), settings.train_config().to_dict()


@pytest.fixture
def make_run(qtbot):
    runs = []

    def make(dataset: Dataset, store: QSettings | None = None) -> RunController:
        run = RunController(GlyphSet(dataset), store)
        run.errors = []
        run.error_occurred.connect(run.errors.append)
        runs.append(run)
        return run

    yield make
    for run in runs:
        run.shutdown()


@pytest.mark.parametrize("n", [12, 100, 200])
def test_the_window_picks_the_command_lines_vae_preset_for_the_sets_size(
    tmp_path, monkeypatch, make_run, n
):
    dataset = grey_set(n)
    run = make_run(dataset)
    assert run.change_kind("vae")
    window = window_choice(run)
    assert window == cli_choice(tmp_path, monkeypatch, dataset, "vae")
    # Negative control: the preset of another size is another choice (the size matters).
    other = 100 if n == 12 else 12
    assert window != cli_choice(tmp_path, monkeypatch, grey_set(other), "vae")
    # And the plateau rule the command line uses reaches the run's trainer.
    assert run._trainer.config.plateau_epochs == window[1]["plateau_epochs"] > 0


@pytest.mark.parametrize("kind", ["ae", "dae"])
def test_every_kind_matches_the_command_line_on_a_large_set(tmp_path, monkeypatch, make_run, kind):
    dataset = grey_set(200)
    run = make_run(dataset)
    assert run.change_kind(kind)
    assert window_choice(run) == cli_choice(tmp_path, monkeypatch, dataset, kind)


def test_a_hand_edit_survives_a_change_of_size_and_defaults_restore_it(make_run):
    run = make_run(grey_set(62))
    untouched = make_run(grey_set(62, name="other"))
    for each in (run, untouched):
        assert each.change_kind("vae")
        assert each.settings.hidden == (32,)  # a small set's layer
    assert run.update_settings(epochs=777)
    for each in (run, untouched):
        for i in range(3):  # 62 -> 65 glyphs: past the small-set size
            each.glyph_set.add_glyph(f"new{i}")
        assert each.settings.hidden == (64, 32)  # follows the size
    assert run.settings.epochs == 777  # set by hand: kept
    assert untouched.settings.epochs != 777  # negative control: the preset's own
    assert run.settings.by_hand == ("epochs",)
    assert run.restore_defaults()
    assert run.settings == untouched.settings.replace(by_hand=())
    assert run.errors == untouched.errors == []


def test_a_sets_hand_edits_are_stored_with_it_and_kept_at_another_size(tmp_path, make_run):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    run = make_run(grey_set(12, name="faces"), store)
    assert run.change_kind("vae")
    assert run.update_settings(plateau_epochs=42)
    run.glyph_set.set_dataset(grey_set(30, name="elsewhere"))
    assert run.settings.plateau_epochs != 42  # another set, its own settings
    run.glyph_set.set_dataset(grey_set(200, name="faces"))  # the same set, grown elsewhere
    assert run.settings.kind == "vae"
    assert run.settings.plateau_epochs == 42  # the hand edit, kept
    assert run.settings.batch_size == 128  # the rest follows 200 images
    assert run._trainer.config.plateau_epochs == 42


def write_session(run: RunController, path, strip: bool) -> None:
    """Save `run`'s session; with `strip`, as a version without the plateau and by_hand fields."""
    assert run.save_session(str(path), quiet=True)
    if not strip:
        return
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("session.json"))
        arrays, pixels = zf.read("arrays.npz"), zf.read("dataset.npy")
    for key in ("plateau_epochs", "plateau_tolerance"):
        del meta["training"][key]
        del meta["extra"]["settings"][key]
    del meta["extra"]["settings"]["by_hand"]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("session.json", json.dumps(meta))
        zf.writestr("arrays.npz", arrays)
        zf.writestr("dataset.npy", pixels)


def test_sessions_keep_the_new_fields_and_old_ones_open_with_defaults(tmp_path, make_run):
    first = make_run(grey_set(12, name="faces"))
    assert first.change_kind("vae")
    assert first.update_settings(plateau_epochs=42, plateau_tolerance=0.05)
    write_session(first, tmp_path / "new.aelab", strip=False)
    write_session(first, tmp_path / "old.aelab", strip=True)

    reopened = make_run(grey_set(5, name="x"))
    assert reopened.open_session(str(tmp_path / "new.aelab"))
    assert reopened.settings == first.settings
    assert reopened._trainer.config.plateau_epochs == 42

    old = make_run(grey_set(5, name="x"))
    assert old.open_session(str(tmp_path / "old.aelab")), old.errors
    defaults = make_run(grey_set(12, name="faces"))
    assert defaults.change_kind("vae")
    # The missing fields are the VAE's defaults for 12 glyphs; the old run had no plateau stop.
    assert old.settings.plateau_epochs == defaults.settings.plateau_epochs != 42
    assert old.settings.plateau_tolerance == defaults.settings.plateau_tolerance
    assert old.settings.by_hand == ()
    assert old._trainer.config.plateau_epochs == 0
    # Negative control: a plateau of the wrong type is refused in a sentence, not opened.
    with zipfile.ZipFile(tmp_path / "new.aelab") as zf:
        meta = json.loads(zf.read("session.json"))
        arrays, pixels = zf.read("arrays.npz"), zf.read("dataset.npy")
    meta["training"]["plateau_epochs"] = "many"
    with zipfile.ZipFile(tmp_path / "bad.aelab", "w") as zf:
        zf.writestr("session.json", json.dumps(meta))
        zf.writestr("arrays.npz", arrays)
        zf.writestr("dataset.npy", pixels)
    with pytest.raises(SessionFileError, match=r"training\.plateau_epochs"):
        load_session(tmp_path / "bad.aelab")


def test_stored_settings_round_trip_and_drop_unknown_hand_fields():
    settings = RunSettings(plateau_epochs=9, by_hand=("lr", "plateau_epochs"))
    assert RunSettings.from_dict(json.loads(json.dumps(settings.to_dict()))) == settings
    damaged = {**settings.to_dict(), "by_hand": ["lr", "latent", 5], "plateau_tolerance": 2.0}
    restored = RunSettings.from_dict(damaged)
    assert restored.by_hand == ("lr",)  # latent is no preset field; 5 is no name
    assert restored.plateau_tolerance == RunSettings().plateau_tolerance  # out of range: skipped
    assert set(settings.by_hand) <= set(PRESET_FIELDS)

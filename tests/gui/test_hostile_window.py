"""Hostile files and settings in the window (issue 17): a sentence, and nothing lost."""

import json
import re
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import Qt

TIMEOUT = 10_000


@pytest.fixture
def win(qtbot, make_window):
    window = make_window()
    window.data_panel._show_error = lambda title, text: window.errors.append(text)
    with qtbot.waitSignal(
        window.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__
    ):
        qtbot.mouseClick(window.training_panel.step_buttons[10], Qt.MouseButton.LeftButton)
    return window


def _spoiled_session(win, tmp_path, change) -> str:
    good = tmp_path / "good.aelab"
    assert win.run.save_session(str(good), quiet=True)
    with zipfile.ZipFile(good) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    meta = json.loads(members.pop("session.json"))
    change(meta)
    bad = tmp_path / "bad.aelab"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("session.json", json.dumps(meta))
        for name, data in members.items():  # arrays.npz, dataset.npy
            zf.writestr(name, data)
    return str(bad)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda m: m.update(dtype="int64"), "dtype must be"),
        (lambda m: m["training"].update(epochs=10**30), r"training\.epochs is"),
        (lambda m: m["run"].update(best_key=[]), r"run\.best_key must hold 2 items"),
        (lambda m: m.update(extra=json.loads("[" * 40 + "]" * 40)), "nested too deeply"),
    ],
)
def test_a_hostile_session_is_refused_when_opened_and_changes_nothing(win, tmp_path, change, field):
    epoch, params = win.run.snapshot.epoch, win.run.snapshot.model.params.copy()
    bad = _spoiled_session(win, tmp_path, change)
    assert not win.sessions.open_session_file(bad)
    assert len(win.errors) == 1 and "bad.aelab" in win.errors[0], win.errors
    assert re.search(field, win.errors[0]), win.errors[0]
    assert win.run.state == "paused" and win.run.snapshot.epoch == epoch
    np.testing.assert_array_equal(win.run.snapshot.model.params, params)


def test_a_deep_json_set_is_a_sentence_and_the_set_stays(win, tmp_path):
    name = win.run.glyph_set.name
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000)
    assert not win.data_panel.open_file(str(path))
    assert len(win.errors) == 1 and "deep.json: the JSON is nested too deeply" in win.errors[0]
    assert win.run.glyph_set.name == name


def test_a_model_declaring_a_huge_network_is_a_sentence(win, tmp_path):
    path = tmp_path / "m.npz"
    assert win.run.save_model(str(path))
    with np.load(path) as npz:
        meta = json.loads(str(npz["metadata"]))
        params = npz["params"]
    meta["model"]["hidden"] = [100_000, 100_000]
    np.savez(path, params=params, metadata=np.array(json.dumps(meta)))
    before = win.run.snapshot.model.params.copy()
    assert not win.run.load_model(str(path))
    assert len(win.errors) == 1 and "m.npz: model.hidden[0] is 100,000" in win.errors[0]
    np.testing.assert_array_equal(win.run.snapshot.model.params, before)


def test_huge_layer_settings_are_refused_with_a_sentence(win):
    hidden = win.run.settings.hidden
    assert not win.run.update_settings(hidden=(60_000, 60_000))
    assert len(win.errors) == 1 and "the number of parameters is" in win.errors[0]
    assert win.run.settings.hidden == hidden


def test_noisy_copies_beyond_the_machines_memory_are_refused_with_a_sentence(win, monkeypatch):
    assert win.run.update_settings(kind="dae", noise_copies=16)  # control: a normal choice
    monkeypatch.setattr("engine.limits.memory_budget", lambda: 3 * 4 * 16 * 32 * 35)
    assert win.run.update_settings(noise_copies=16)  # just fits the (patched) budget
    assert not win.run.update_settings(noise_copies=17)
    assert len(win.errors) == 1 and "17 noisy copies of 32 5x7 images needs about" in win.errors[0]
    assert win.run.settings.noise_copies == 16


def test_a_diverging_run_ends_with_a_sentence_and_the_best_weights(win, qtbot):
    messages = []
    win.run.message_changed.connect(messages.append)
    assert win.run.update_settings(lr=1e9)
    with qtbot.waitSignal(win.run.run_ended, timeout=TIMEOUT) as ended:
        win.run.start()
    final = ended.args[0]
    assert final.state == "failed"
    assert any("Training diverged" in m and "are kept" in m for m in messages), messages
    assert np.abs(final.model.params).max() < 100


def test_a_model_of_the_same_pixel_count_but_another_shape_is_refused(win, tmp_path):
    from engine import Autoencoder
    from engine.serialization import save_model

    path = tmp_path / "m.npz"
    save_model(path, Autoencoder(35, (8,)), {"dataset": {"name": "t", "width": 7, "height": 5}})
    assert not win.run.load_model(str(path))
    assert len(win.errors) == 1 and "takes 7x5 images, but the set is 5x7" in win.errors[0]
    save_model(path, Autoencoder(35, (8,)), {"dataset": {"name": "t", "width": 5, "height": 7}})
    assert win.run.load_model(str(path))  # negative control: the right shape loads

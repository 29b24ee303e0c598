"""Hostile files (issue 17): every reader refuses with its own error naming the file and the
field, before it allocates what the file declares."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import DatasetError, load_builtin, load_dataset
from engine.serialization import ModelFileError, load_model, save_model
from engine.session import Session, SessionFileError, load_session, save_session


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _model_file(path, meta_changes=None, params=None):
    model = Autoencoder(4, (3,))
    meta = {"format": "autoencoder-lab-model", "version": 1, "model": model.config()}
    meta.update(meta_changes or {})
    params = model.params if params is None else params
    path.write_bytes(_npz(params=params, metadata=np.array(json.dumps(meta))))
    return path


def test_deep_json_data_set_is_a_dataset_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000)
    with pytest.raises(DatasetError, match=r"deep\.json: the JSON is nested too deeply"):
        load_dataset(path)
    path.write_text('{"name": "x", "width": 2, "height": 1, "glyphs": ' + "[" * 100_000)
    with pytest.raises(DatasetError, match="nested too deeply"):
        load_dataset(path)


def test_tiny_model_declaring_a_huge_network_is_refused_before_building(tmp_path):
    config = Autoencoder(4, (3,)).config() | {"n_inputs": 4096, "hidden": [100_000]}
    path = _model_file(tmp_path / "huge.npz", {"model": config})
    with pytest.raises(ModelFileError, match=r"huge\.npz: model\.hidden\[0\] is 100,000"):
        load_model(path)
    config["hidden"] = [3]  # within the limits, but not what the file holds
    path = _model_file(tmp_path / "other.npz", {"model": config})
    with pytest.raises(ModelFileError, match="has 28,692 parameters but the file holds 48"):
        load_model(path)


def test_npz_header_declaring_10_to_the_12_is_refused(tmp_path):
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        npy, {"descr": "<f4", "fortran_order": False, "shape": (10**12,)}
    )
    npy.write(b"\0" * 64)
    good = Autoencoder(4, (3,))
    meta = {"format": "autoencoder-lab-model", "version": 1, "model": good.config()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("params.npy", npy.getvalue())
        zf.writestr("metadata.npy", _npy(np.array(json.dumps(meta))))
    path = tmp_path / "bomb.npz"
    path.write_bytes(out.getvalue())
    with pytest.raises(ModelFileError, match=r"'params' declares shape \(1000000000000,\)"):
        load_model(path)


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"metrics": "abc"}, "metrics must be an object"),
        ({"dataset": {"width": "x"}}, "dataset.width must be a whole number"),
        ({"dataset": 5}, "dataset must be text"),
        ({"model": {"kind": "ae", "n_inputs": 4, "hidden": "3", "latent": 2}}, "model.hidden"),
        ({"model": {"kind": "ae", "n_inputs": 4, "hidden": [3], "latent": 2.5}}, "model.latent"),
        ({"model": "abc"}, "model must be an object"),
    ],
)
def test_wrong_types_in_model_metadata_name_the_field(tmp_path, changes, field):
    path = _model_file(tmp_path / "m.npz", changes)
    with pytest.raises(ModelFileError, match=rf"m\.npz: {field}"):
        load_model(path)


@pytest.fixture(scope="module")
def session_meta(tmp_path_factory):
    """A good session's session.json, arrays.npz and dataset.npy, to spoil one at a time."""
    font = load_builtin("font5x7")
    trainer = Trainer(Autoencoder(font.n_pixels, (8,)), font.images, TrainConfig(epochs=3))
    trainer.run()
    path = tmp_path_factory.mktemp("s") / "good.aelab"
    save_session(path, Session(font, trainer))
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("session.json")), zf.read("arrays.npz"), zf.read("dataset.npy")


def _session(path, meta, arrays, pixels, compress=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compress) as zf:
        zf.writestr("session.json", json.dumps(meta))
        zf.writestr("arrays.npz", arrays)
        zf.writestr("dataset.npy", pixels)
    return path


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("run", "best_key"), [], r"run\.best_key must hold 2 items"),
        (("training",), "abc", "training must be an object"),
        (("training", "noise"), 5, r"training\.noise must be text"),
        (("training", "epochs"), 10**30, r"training\.epochs is"),
        (("dtype",), "int64", "dtype must be"),
        (("run", "batch_rng"), {"a": 1}, r"run\.batch_rng is not a random-generator state"),
        (("run", "epoch"), "3", r"run\.epoch must be a whole number"),
        (
            ("extra",),
            [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
            "nested",
        ),
    ],
)
def test_wrong_types_in_a_session_name_the_field(tmp_path, session_meta, where, value, message):
    meta, arrays, pixels = json.loads(json.dumps(session_meta[0])), *session_meta[1:]
    target = meta
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    path = _session(tmp_path / "bad.aelab", meta, arrays, pixels)
    with pytest.raises(SessionFileError, match=rf"bad\.aelab: .*{message}"):
        load_session(path)
    # Negative control: the unspoiled session opens.
    load_session(_session(tmp_path / "good.aelab", session_meta[0], arrays, pixels))


def _declare_size(path, member: str, size: int) -> None:
    """Rewrite the uncompressed size of `member` in the zip's central directory, as a bomb
    would declare it (the directory entry holds it 24 bytes in; the name starts at 46)."""
    data = bytearray(path.read_bytes())
    name = bytes(data).rfind(member.encode())  # the central directory comes last
    data[name - 46 + 24 : name - 46 + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("member", ["session.json", "arrays.npz"])
def test_session_zip_bomb_is_refused_from_the_directory(tmp_path, session_meta, member):
    path = _session(tmp_path / "bomb.aelab", *session_meta)
    load_session(path)  # negative control: the sizes as written open
    _declare_size(path, member, 3 * 1024**3)
    with pytest.raises(SessionFileError, match=r"bomb\.aelab: .*unpacks to 3\.0 GiB"):
        load_session(path)


def test_model_of_other_width_and_height_is_refused(tmp_path):
    from engine.cli.common import UsageError, load_matching
    from engine.data.dataset import Dataset

    tall = Dataset("tall", 5, 7, ("a",), np.zeros((1, 35), np.float32))
    wide = Dataset("wide", 7, 5, ("a",), np.zeros((1, 35), np.float32))
    path = tmp_path / "m.npz"
    save_model(path, Autoencoder(35, (4,)), {"dataset": {"name": "tall", "width": 5, "height": 7}})
    load_matching(str(path), tall)  # negative control
    with pytest.raises(UsageError, match="5x7 images but 'wide' is 7x5"):
        load_matching(str(path), wide)


@pytest.mark.parametrize("bit", [0x01, 0x40])  # encrypted; strong encryption (the fuzz found it)
def test_an_encrypted_member_is_a_session_error(tmp_path, session_meta, bit):
    path = _session(tmp_path / "locked.aelab", *session_meta)
    data = bytearray(path.read_bytes())
    name = bytes(data).rfind(b"session.json")
    data[name - 46 + 8] |= bit  # the general-purpose flags of the central directory entry
    path.write_bytes(bytes(data))
    with pytest.raises(SessionFileError, match=r"locked\.aelab: the file is damaged"):
        load_session(path)


def test_an_object_as_activation_name_is_a_model_error(tmp_path):
    """The fuzz found `{"activation": {}}` raising TypeError: unhashable type."""
    config = Autoencoder(4, (3,)).config() | {"activation": {"a": 0}}
    path = _model_file(tmp_path / "m.npz", {"model": config})
    with pytest.raises(ModelFileError, match=r"model\.activation must be text, not an object"):
        load_model(path)


def test_corrupted_deflate_data_is_a_session_error(tmp_path, session_meta):
    """The fuzz found zlib.error escaping ZipFile.read."""
    path = _session(tmp_path / "torn.aelab", *session_meta)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("session.json")
    start = info.header_offset + 30 + len(info.filename)  # the member's compressed bytes
    data[start : start + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    with pytest.raises(SessionFileError, match=r"torn\.aelab: the file is damaged"):
        load_session(path)


def test_noisy_copies_that_would_not_fit_are_refused_when_opened(tmp_path, monkeypatch):
    from engine import Noise

    font = load_builtin("font5x7")
    config = TrainConfig(epochs=1, noise=Noise("bitflip", 0.1), noise_copies=64)
    trainer = Trainer(Autoencoder(font.n_pixels, (4,)), font.images, config)
    path = tmp_path / "dae.aelab"
    save_session(path, Session(font, trainer))
    monkeypatch.setattr("engine.limits.memory_budget", lambda: 300_000)
    with pytest.raises(SessionFileError, match=r"training\.noise_copies = 64 of 32 images needs"):
        load_session(path)
    monkeypatch.setattr("engine.limits.memory_budget", lambda: 3_000_000)
    load_session(path)  # negative control: with room for the copies it opens

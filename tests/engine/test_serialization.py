"""Models survive save -> load unchanged; damaged files are refused with a reason."""

import io
import json
import zipfile

import numpy as np
import pytest

from engine import Autoencoder, VariationalAutoencoder
from engine.serialization import ModelFileError, load_model, save_model


@pytest.mark.parametrize(
    "model",
    [
        Autoencoder(35, (16, 8), 2, "relu", "mse", seed=3),
        VariationalAutoencoder(144, (20,), 3, "tanh", "bce", seed=4, beta=0.3),
    ],
)
def test_save_load_gives_identical_outputs(tmp_path, model):
    path = tmp_path / "model.npz"
    save_model(path, model, {"dataset": {"name": "x", "hash": "abc"}})
    loaded, meta = load_model(path)
    x = np.random.default_rng(0).random((5, model.n_inputs), dtype=np.float32)
    assert np.array_equal(model.reconstruct(x), loaded.reconstruct(x))
    assert loaded.config() == model.config()
    assert meta["dataset"] == {"name": "x", "hash": "abc"}
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary files left


def _write_npz(path, **arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


def _meta(**changes):
    meta = {"format": "autoencoder-lab-model", "version": 1, "model": Autoencoder(4).config()}
    meta.update(changes)
    return np.array(json.dumps(meta))


def test_bad_files_are_refused_with_a_reason(tmp_path):
    good = tmp_path / "good.npz"
    save_model(good, Autoencoder(4, (3,)))
    cases = {}
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    cases[truncated] = "damaged"
    text = tmp_path / "text.npz"
    text.write_text("hello")
    cases[text] = "damaged"
    cases[tmp_path / "missing.npz"] = "no such model file"
    other = tmp_path / "other.npz"
    _write_npz(other, weights=np.zeros(3))
    cases[other] = "not an Autoencoder Lab model"
    version = tmp_path / "version.npz"
    _write_npz(version, params=np.zeros(3), metadata=_meta(version=99))
    cases[version] = "version 99"
    shape = tmp_path / "shape.npz"
    _write_npz(shape, params=np.zeros(3), metadata=_meta(model=Autoencoder(4, (3,)).config()))
    cases[shape] = "has 48 parameters but the file holds 3"
    nan = tmp_path / "nan.npz"
    _write_npz(nan, params=np.full(Autoencoder(4, (3,)).params.size, np.nan),
               metadata=_meta(model=Autoencoder(4, (3,)).config()))  # fmt: skip
    cases[nan] = "NaN"
    pickled = tmp_path / "pickled.npz"
    _write_npz(pickled, params=np.array([{"a": 1}], dtype=object), metadata=_meta())
    cases[pickled] = "holds Python objects"
    badjson = tmp_path / "badjson.npz"
    _write_npz(badjson, params=np.zeros(3), metadata=np.array("{not json"))
    cases[badjson] = "not valid JSON"
    for path, message in cases.items():
        with pytest.raises(ModelFileError, match=message):
            load_model(path)


def test_a_model_file_is_a_plain_zip_of_npy_arrays(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, Autoencoder(4, (3,)))
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["metadata.npy", "params.npy"]

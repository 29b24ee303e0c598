"""Sessions: one file holds everything, and a resumed run continues exactly."""

import json
import zipfile

import numpy as np
import pytest

from engine import Autoencoder, Noise, TrainConfig, Trainer, VariationalAutoencoder
from engine.data.datasets import load_builtin
from engine.session import Session, SessionFileError, load_session, save_session


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


@pytest.mark.parametrize("kind", ["dae", "vae"])
def test_train_save_open_train_equals_training_at_once(tmp_path, font, kind):
    """N epochs, save, open, M more == N + M at once (minibatches, noise, Adam, cosine lr)."""
    config = TrainConfig(
        epochs=60, batch_size=8, noise=Noise("bitflip", 0.1) if kind == "dae" else None,
        noise_copies=2, lr_schedule="cosine", stop_max_wrong_pixels=None, batch_seed=5,
        noise_seed=6,
    )  # fmt: skip

    def make():
        if kind == "vae":
            return VariationalAutoencoder(font.n_pixels, (16,), seed=2, beta=0.5)
        return Autoencoder(font.n_pixels, (16,), seed=2)

    at_once = make()
    Trainer(at_once, font.images, config).run(epochs=40)

    trainer = Trainer(make(), font.images, config)
    trainer.run(epochs=15)
    path = tmp_path / "run.aelab"
    save_session(path, Session(font, trainer, {"note": "hello"}))
    resumed = load_session(path)
    assert resumed.extra == {"note": "hello"}
    assert resumed.trainer.epoch == 15
    assert len(resumed.trainer.history) == len(trainer.history)
    resumed.trainer.snapshot()  # asking for a snapshot must not log epoch 15 a second time
    assert len(resumed.trainer.history) == len(trainer.history)
    resumed.trainer.run(epochs=25)
    assert np.array_equal(resumed.trainer.model.params, at_once.params)


def test_session_keeps_the_edited_data_set(tmp_path, font):
    images = font.images.copy()
    images[0, :5] = 1.0
    edited = font.replace(name="my font", images=images)
    trainer = Trainer(Autoencoder(font.n_pixels), edited.images, TrainConfig(epochs=3))
    trainer.run()
    path = tmp_path / "s.aelab"
    save_session(path, Session(edited, trainer))
    session = load_session(path)
    assert session.dataset.name == "my font"
    assert np.array_equal(session.dataset.images, edited.images)
    assert session.trainer.state == "finished"
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["arrays.npz", "dataset.npy", "session.json"]
        assert json.loads(zf.read("session.json"))["format"] == "autoencoder-lab-session"


def test_bad_session_files_are_refused(tmp_path, font):
    trainer = Trainer(Autoencoder(font.n_pixels), font.images, TrainConfig(epochs=1))
    good = tmp_path / "good.aelab"
    save_session(good, Session(font, trainer))
    truncated = tmp_path / "truncated.aelab"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(SessionFileError, match="damaged"):
        load_session(truncated)
    with pytest.raises(SessionFileError, match="no such session"):
        load_session(tmp_path / "missing.aelab")
    other = tmp_path / "other.aelab"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(other, "w") as dst:
        meta = json.loads(src.read("session.json"))
        meta["version"] = 7
        dst.writestr("session.json", json.dumps(meta))
        for member in ("arrays.npz", "dataset.npy"):
            dst.writestr(member, src.read(member))
    with pytest.raises(SessionFileError, match="version 7"):
        load_session(other)

"""The test set beside training: scored at evaluations (within a share of the time), never
trained on, its loss equal to an evaluation written out here; split by the Trainer when asked."""

import json

import numpy as np
import pytest

from engine.cli.commands import run_cli
from engine.data.idx import gzip_bytes, idx_bytes
from engine.data.split import held_out_rows
from engine.held_out import HeldOut
from engine.history import History
from engine.models import Autoencoder, VariationalAutoencoder
from engine.session import Session, load_session, save_session
from engine.train_config import TrainConfig
from engine.training import Trainer
from tests.engine.test_split import numbered  # noqa: F401  (a fixture)

CONFIG = TrainConfig(epochs=50, batch_size=64, stop_max_wrong_pixels=None, lr=0.01)


def _bytes(n: int, seed: int) -> np.ndarray:
    """n 4x4 byte images: a bright random blob on black, so there is something to learn."""
    rng = np.random.default_rng(seed)
    images = (rng.random((n, 16)) < 0.35) * rng.integers(150, 256, (n, 16))
    return images.astype(np.uint8)


def _by_hand(model: Autoencoder, pixels: np.ndarray) -> tuple[float, float]:
    """(loss per image, wrong pixels per image) of `model` on uint8 `pixels`, in one float64 pass
    with the textbook formulas (not engine.metrics): BCE = log(1 + e^z) - y z per pixel."""
    y = pixels.astype(np.float64) / 255.0  # (n, d)
    z = model.decode_logits(model.encode(y.astype(model.dtype))).astype(np.float64)  # (n, d)
    loss = (np.logaddexp(0.0, z) - y * z).sum(axis=1).mean()
    wrong = ((z >= 0) != (y >= 0.5)).sum(axis=1).mean()  # sigmoid(z) >= 0.5 exactly when z >= 0
    return float(loss), float(wrong)


def test_test_loss_equals_an_evaluation_of_the_same_weights_written_out_here():
    train, test = _bytes(1500, 0), _bytes(5000, 1)  # 5000 > EVAL_ROWS: scored in two blocks
    model = Autoencoder(16, (12,), 2, seed=0)
    trainer = Trainer(model, train, CONFIG, test_images=test, test_share=None)
    trainer.run(epochs=3)  # paused at epoch 3 with the weights of epoch 3
    history = trainer.history.arrays()
    assert history["epoch"].tolist() == [0, 1, 2, 3]
    assert np.isfinite(history["test_loss"]).all()  # a share of 1: every evaluation
    loss, wrong = _by_hand(model, test)
    assert history["test_loss"][-1] == pytest.approx(loss, rel=1e-5)
    assert history["test_wrong"][-1] == pytest.approx(wrong, abs=1e-3)
    assert trainer.snapshot().test_evaluation.loss == history["test_loss"][-1]
    # Negative controls: the training set's loss, and the test loss of epoch 0's weights.
    assert history["loss"][-1] != pytest.approx(loss, rel=1e-3)
    assert history["test_loss"][0] != pytest.approx(loss, rel=1e-3)


def test_float_test_images_and_a_vae():
    train, test = _bytes(300, 2) / 255.0, _bytes(100, 3) / 255.0
    model = VariationalAutoencoder(16, (8,), 2, seed=1)
    trainer = Trainer(model, train.astype(np.float32), CONFIG, test_images=test, test_share=None)
    trainer.run(epochs=2)
    recon_and_kl = model.evaluation_loss(test.astype(np.float32), test.astype(np.float32))[0]
    assert trainer.history.arrays()["test_loss"][-1] == pytest.approx(recon_and_kl.total)
    assert recon_and_kl.kl > 0  # the test loss includes beta * KL, as the training loss does


def test_scoring_the_test_set_never_changes_training():
    train, test = _bytes(600, 4), _bytes(400, 5)
    runs = []
    for test_images in (None, test):
        model = Autoencoder(16, (12,), 2, seed=3)
        trainer = Trainer(model, train, CONFIG, test_images=test_images, test_share=None)
        trainer.run(epochs=4)
        runs.append((model.params.copy(), trainer.history.arrays()))
    (plain, plain_history), (scored, scored_history) = runs
    assert np.array_equal(plain, scored)  # bit for bit: no gradient, no random draw
    for key in History.KEYS:
        assert np.array_equal(plain_history[key], scored_history[key])
    assert np.isnan(plain_history["test_loss"]).all()  # no test set: nothing scored
    assert np.isfinite(scored_history["test_loss"]).all()  # negative control


def test_full_batch_font_path_scores_the_test_set_too():
    """The fast path (a full-batch AE on floats scores its own training steps) records the test
    set beside them."""
    train, test = (_bytes(32, 6) / 255.0).astype(np.float32), _bytes(8, 7) / 255.0
    weights = []
    for test_images in (test, None):
        model = Autoencoder(16, (12,), 2, seed=0)
        config = TrainConfig(epochs=30, stop_max_wrong_pixels=None)
        trainer = Trainer(model, train, config, test_images=test_images, test_share=None)
        assert trainer._scorer is not None  # really the fast path
        trainer.run()
        weights.append(model.params.copy())
        scored = np.isfinite(trainer.history.arrays()["test_loss"])
        assert scored.all() if test_images is not None else not scored.any()
    assert np.array_equal(*weights)  # scored between the step's gradient and its update


def test_a_small_share_scores_the_test_set_only_now_and_then():
    train, test = _bytes(200, 8), _bytes(2000, 9)  # a test set ten times the training set
    config = dataclass_replace(CONFIG, epochs=300)
    trainer = Trainer(Autoencoder(16, (8,), 2), train, config, test_images=test, test_share=0.05)
    trainer.run()
    scored = np.isfinite(trainer.history.arrays()["test_loss"])
    assert scored[:4].all() and scored[-1]  # the first four evaluations and the pause always
    assert scored.sum() < 0.3 * len(scored)  # scoring it every epoch would take ~85 % of the time
    # ~5 % once warmed up; the first four scorings (one of them slow) weigh on a 0.3 s run
    assert trainer.held_out.seconds < 0.2 * trainer.elapsed
    everything = Trainer(Autoencoder(16, (8,), 2), train, CONFIG, test_images=test, test_share=None)
    everything.run(epochs=40)  # negative control: no share: every evaluation
    assert np.isfinite(everything.history.arrays()["test_loss"]).all()


def test_the_trainer_splits_by_the_config_and_codes_cover_every_image():
    images = _bytes(2000, 10)
    config = TrainConfig(epochs=2, batch_size=128, test_fraction=0.1, split_seed=5)
    trainer = Trainer(Autoencoder(16, (8,), 2), images, config)
    rows = held_out_rows(2000, 0.1, 5)
    assert np.array_equal(trainer.test_rows, rows)
    assert np.array_equal(trainer.images, images[~rows])
    assert np.array_equal(trainer.held_out.images, images[rows])
    snapshot = trainer.run()
    assert snapshot.latent.shape == (2000, 2)  # every image, in the given order
    assert np.array_equal(snapshot.test_rows, rows)
    codes = trainer.model.encode(images[rows] / np.float32(255))
    assert np.allclose(snapshot.latent[rows], codes, atol=1e-6)
    assert snapshot.test_evaluation is not None
    plain = Trainer(Autoencoder(16, (8,), 2), images, dataclass_replace(config, test_fraction=0))
    assert plain.held_out is None and len(plain.images) == 2000  # negative control


def dataclass_replace(config: TrainConfig, **changes) -> TrainConfig:
    return TrainConfig.from_dict({**config.to_dict(), **changes})


def test_a_session_keeps_the_split_and_the_test_curve(tmp_path, numbered):  # noqa: F811
    config = TrainConfig(epochs=3, batch_size=50, test_fraction=0.2, split_seed=1)
    trainer = Trainer(Autoencoder(2, (4,), 1), numbered.pixels, config, test_share=None)
    trainer.run()
    save_session(tmp_path / "s.aelab", Session(numbered, trainer))
    resumed = load_session(tmp_path / "s.aelab").trainer
    assert np.array_equal(resumed.test_rows, trainer.test_rows)
    saved, loaded = trainer.history.arrays(), resumed.history.arrays()
    assert np.array_equal(saved["test_loss"], loaded["test_loss"])
    assert resumed.snapshot().test_evaluation.loss == pytest.approx(
        trainer.snapshot().test_evaluation.loss
    )


def test_a_history_from_before_the_test_keys_loads_as_not_scored():
    old = {key: np.arange(3.0) for key in History.KEYS}
    assert History.readable(old)
    history = History()
    history.load(old)
    assert np.isnan(history.arrays()["test_loss"]).all()
    assert not History.readable({"epoch": np.arange(3.0)})  # negative control: keys missing


def test_bad_test_images_and_fractions_are_sentences():
    with pytest.raises(ValueError, match="test images of shape"):
        Trainer(Autoencoder(16, (4,), 2), _bytes(10, 0), test_images=np.zeros((3, 9), np.uint8))
    with pytest.raises(ValueError, match="test fraction"):
        TrainConfig(test_fraction=1.0)
    with pytest.raises(ValueError, match="non-empty"):
        HeldOut(np.zeros((0, 4), np.uint8), np.dtype(np.float32))
    # A fraction that would hold out the only image trains on it and says why (the window's
    # settings allow up to 90 % whatever the set's size).
    lone = Trainer(Autoencoder(16, (4,), 2), _bytes(1, 0), TrainConfig(test_fraction=0.9))
    assert lone.held_out is None and len(lone.images) == 1
    assert lone.notice == "No test set: holding out 90% of 1 image would leave none to train on."
    assert Trainer(Autoencoder(16, (4,), 2), _bytes(1, 0)).notice == ""  # negative control


def test_cli_metrics_hold_the_test_curve(tmp_path):
    images = _bytes(1200, 11).reshape(-1, 4, 4)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(images)))
    out = tmp_path / "run"
    args = ["--epochs", "3", "--batch-size", "64", "--hidden", "8", "--quiet", "--out", str(out)]
    assert run_cli(["train", "--data", str(tmp_path / "train-images-idx3-ubyte.gz"), *args]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    curve = metrics["test_curve"]
    assert curve["epoch"][0] == 0 and curve["epoch"][-1] == 3
    assert len(curve["test_loss"]) == len(curve["loss"]) == len(curve["epoch"])
    assert curve["test_loss"][-1] < curve["test_loss"][0]  # it learnt something general
    assert metrics["test"]["count"] == 120  # the fields from before stay
    out2 = tmp_path / "small"
    assert (
        run_cli(["train", "--data", "font5x7", "--epochs", "2", "--quiet", "--out", str(out2)]) == 0
    )
    assert "test_curve" not in json.loads((out2 / "metrics.json").read_text())  # no test set

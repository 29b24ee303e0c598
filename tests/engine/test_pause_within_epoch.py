"""A pause takes effect after the current batch, and Resume trains the rest of the epoch exactly.

An epoch of 60,000 images lasts a second or more; a person pressing Pause expects the run to stop
at once, and one pressing Resume expects the run they would have had. The Trainer keeps the
epoch's batch order, its noisy inputs and how far it got (`EpochPass`): pausing at batch k and
resuming gives the uninterrupted run's weights to the bit, for byte images in a live run (codes
within epochs), float images with noisy copies drawn per epoch, and a VAE (which draws from the
noise stream every step), under a cosine schedule. Negative control: the same pause with the
position forgotten (a new epoch drawn at Resume) ends elsewhere.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.dataset import Dataset
from engine.data.noise import Noise
from engine.models import Autoencoder, VariationalAutoencoder
from engine.session import Session, load_session, save_session
from engine.train_config import TrainConfig
from engine.training import LIVE_ABOVE, Trainer

D, BATCH, EPOCHS = 36, 50, 2


def _images(n: int, floats: bool) -> np.ndarray:
    images = np.random.default_rng(7).integers(0, 256, (n, D), dtype=np.uint8)
    return (images >= 128).astype(np.float32) if floats else images


CASES = {
    # a byte set above LIVE_ABOVE, live snapshots within epochs, a held-out tenth
    "bytes-live": (Autoencoder, LIVE_ABOVE + 500, False, None, 0.1),
    # floats, two noisy copies of every image drawn at each epoch's start
    "float-denoising": (Autoencoder, 300, True, Noise("bitflip", 0.1), 0.0),
    # a VAE draws from the noise stream at every step
    "vae-bytes": (VariationalAutoencoder, 600, False, None, 0.0),
}


def _trainer(case: str) -> Trainer:
    kind, n, floats, noise, test_fraction = CASES[case]
    config = TrainConfig(
        epochs=EPOCHS, batch_size=BATCH, lr=0.01, lr_schedule="cosine", noise=noise,
        noise_copies=2, test_fraction=test_fraction, stop_max_wrong_pixels=None,
    )  # fmt: skip
    return Trainer(kind(D, (16,), 2, seed=3), _images(n, floats), config)


def _run(trainer: Trainer) -> None:
    """Train to the epoch limit as the window does: timed snapshots (live above LIVE_ABOVE)."""
    trainer.run(epochs=EPOCHS - trainer.epoch, on_snapshot=lambda s: None, snapshot_seconds=1e-3)


def _paused_at(trainer: Trainer, k: int) -> None:
    """Run until a pause requested during step k (another thread's click, as it were)."""
    calls = 0
    train = trainer.model.loss_and_grad

    def loss_and_grad(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == k:
            trainer.request_pause()
        return train(*args, **kwargs)

    trainer.model.loss_and_grad = loss_and_grad
    _run(trainer)
    trainer.model.loss_and_grad = train


@pytest.mark.parametrize("case", CASES)
def test_a_pause_within_an_epoch_resumes_exactly(case) -> None:
    whole = _trainer(case)
    _run(whole)
    per_epoch = -(-len(whole.images) * (2 if CASES[case][3] else 1) // BATCH)
    assert whole.steps == EPOCHS * per_epoch and whole.epoch == EPOCHS
    k = per_epoch + per_epoch // 3  # a third into the second epoch

    paused = _trainer(case)
    _paused_at(paused, k)
    shown = paused.snapshot()
    assert paused.state == "paused"
    assert (paused.steps, paused.epoch) == (k, 1)  # after the batch it was asked during
    assert shown.batch == (per_epoch // 3, per_epoch)
    _run(paused)
    assert np.array_equal(paused.model.params, whole.model.params)
    for key, value in whole.optimizer.state().items():
        assert np.array_equal(paused.optimizer.state()[key], value), key
    assert paused.steps == whole.steps and paused.epoch == EPOCHS

    # Negative control: the same pause, but Resume starts a new epoch instead of the rest.
    forgotten = _trainer(case)
    _paused_at(forgotten, k)
    forgotten._pass = None
    _run(forgotten)
    assert not np.array_equal(forgotten.model.params, whole.model.params)


def test_a_live_run_paused_within_an_epoch_shows_the_codes_it_had_at_once() -> None:
    """No whole encoding at the pause (a third of an epoch at 60,000 images): the paused
    snapshot's codes are the live ones, and Resume goes on from them."""
    trainer = _trainer("bytes-live")
    seen = []
    trainer.run(on_snapshot=seen.append, snapshot_seconds=1e-9, epochs=0)
    calls, train = 0, trainer.model.loss_and_grad

    def loss_and_grad(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 5:
            trainer.request_pause()
        return train(*args, **kwargs)

    trainer.model.loss_and_grad = loss_and_grad
    encodings = 0
    codes = trainer._codes

    def counting(model):
        nonlocal encodings
        encodings += 1
        return codes(model)

    trainer._codes = counting
    seen.clear()
    final = trainer.run(on_snapshot=seen.append, snapshot_seconds=1e-9)
    assert final.state == "paused" and final.steps == 5 and final.batch[0] == 5
    assert encodings == 0  # resumed from the exact codes of the pause before, none at this one
    np.testing.assert_array_equal(final.latent, seen[-2].latent)  # the last live snapshot's
    assert not np.array_equal(final.latent, seen[0].latent)  # which moved since the start


@pytest.mark.parametrize("case", CASES)
def test_a_session_saved_within_an_epoch_resumes_exactly(case, tmp_path) -> None:
    """A session keeps the epoch in progress (its order, position and, for noisy copies drawn
    at its start, the noise stream's state then): the opened run trains the rest of the epoch
    and ends with the uninterrupted run's weights, to the bit. The run it was saved from goes
    on exactly too. Negative control: the opened run without the position ends elsewhere."""
    whole = _trainer(case)
    _run(whole)
    trainer = _trainer(case)
    per_epoch = -(-len(trainer.images) * (2 if CASES[case][3] else 1) // BATCH)
    _paused_at(trainer, per_epoch + 4)
    assert trainer.within_epoch == (4, per_epoch)
    images = trainer.images if trainer.test_rows is None else trainer._code_images
    labels = tuple(str(i) for i in range(len(images)))
    path = tmp_path / "mid.session"
    save_session(path, Session(Dataset("random", 6, 6, labels, images), trainer))
    opened = load_session(path).trainer
    assert opened.within_epoch == (4, per_epoch)
    assert (opened.epoch, opened.steps) == (1, per_epoch + 4)
    forgotten = load_session(path).trainer
    forgotten._pass = None  # the session as it was before it held the epoch in progress
    _run(opened)
    assert (opened.epoch, opened.steps) == (EPOCHS, EPOCHS * per_epoch)
    assert np.array_equal(opened.model.params, whole.model.params)
    _run(trainer)  # the saved run itself: exactly the uninterrupted one
    assert np.array_equal(trainer.model.params, whole.model.params)
    _run(forgotten)
    assert not np.array_equal(forgotten.model.params, whole.model.params)


def test_a_pause_during_a_live_runs_evaluation_drops_it_and_resumes_exactly() -> None:
    """An evaluation at an epoch's start scores the whole set (~1 s at 60,000 images): a pause
    requested during it ends it after the block being scored, logs nothing, and Resume makes
    it again; the weights end as the uninterrupted run's. Negative control: the uninterrupted
    run logged that epoch's evaluation."""
    whole = _trainer("bytes-live")
    _run(whole)
    trainer = _trainer("bytes-live")

    def on_snapshot(snapshot) -> None:  # light snapshots come after every evaluation block
        if snapshot.epoch == 1 and snapshot.batch is None and snapshot.state == "running":
            trainer.request_pause()

    paused = trainer.run(epochs=EPOCHS, on_snapshot=on_snapshot, snapshot_seconds=1e-9)
    assert paused.state == "paused" and paused.epoch == 1 and paused.batch is None
    assert paused.history["epoch"].tolist() == [0.0]  # epoch 1's evaluation was dropped
    assert 1.0 in whole.history.arrays()["epoch"].tolist()
    _run(trainer)
    assert trainer.history.arrays()["epoch"].tolist() == whole.history.arrays()["epoch"].tolist()
    assert np.array_equal(trainer.model.params, whole.model.params)

"""Snapshots within epochs of a big minibatch run carry each image's code from its latest step.

A snapshot due after every batch (snapshot_seconds tiny) must show the rows of the batch just
trained at the codes the model gave those inputs in that step, the rows trained earlier in the
epoch at theirs, and the rows not yet trained (or held out) at the run's starting codes: the
negative control is the starting encoding itself, which the trained rows must have left. The
evaluations of a uint8 set hand over their own codes, exact and clean, as they are made. A
full-batch run and a small set keep their whole-set snapshots between epochs, and no run's
weights depend on its snapshots.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.dataset import unit_floats
from engine.models import Autoencoder, VariationalAutoencoder
from engine.train_config import TrainConfig
from engine.training import LIVE_ABOVE, Trainer

N, D, BATCH = 3000, 36, 100


def _images(n: int = N) -> np.ndarray:
    """n distinct random uint8 images (n, D): a batch's floats name their rows."""
    return np.random.default_rng(5).integers(0, 256, (n, D), dtype=np.uint8)


def _recording(model: Autoencoder, images: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Wrap model.loss_and_grad to log each batch's rows (of `images`) and the codes (mu) the
    model gives its inputs under the weights of that step, before the update."""
    lookup = {row.tobytes(): i for i, row in enumerate(images)}
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    train = model.loss_and_grad

    def loss_and_grad(x, t, rng=None, eps=None):
        # A uint8 set's batches arrive as bytes (the model makes them floats as it loads them).
        floats = unit_floats(x)
        rows = np.array([lookup[r.tobytes()] for r in np.rint(floats * 255).astype(np.uint8)])
        steps.append((rows, model.encode(floats)))
        return train(x, t, rng=rng, eps=eps)

    model.loss_and_grad = loss_and_grad
    return steps


@pytest.mark.parametrize(
    ("kind", "floats", "test_fraction"),
    [(Autoencoder, False, 0.1), (VariationalAutoencoder, True, 0.0)],
)
def test_snapshots_within_an_epoch_carry_each_batch_codes(kind, floats, test_fraction) -> None:
    images = _images()
    given = images.astype(np.float32) / 255 if floats else images
    model = kind(D, (16,), 2, seed=1)
    start = model.encode(images.astype(np.float32) / 255)  # (N, 2) the codes before training
    config = TrainConfig(batch_size=BATCH, epochs=1, lr=0.01, test_fraction=test_fraction)
    trainer = Trainer(model, given, config)
    steps = _recording(model, images)
    seen: list[tuple[int, int, np.ndarray, np.ndarray | None]] = []
    trainer.run(
        on_snapshot=lambda s: seen.append((s.epoch, s.steps, s.latent, s.logvar)),
        snapshot_seconds=1e-9,
    )
    n_steps = len(steps)
    assert n_steps == trainer.steps == -(-len(trainer.images) // BATCH)
    within = [s for s in seen if s[0] == 0]
    assert len(within) == n_steps  # one after every batch of the first (and only) epoch
    expected = start.copy()
    held = np.zeros(N, bool) if trainer.test_rows is None else trainer.test_rows
    for i, ((rows, codes), (_epoch, step, latent, logvar)) in enumerate(
        zip(steps, within, strict=True)
    ):
        expected[rows] = codes
        assert step == i + 1
        np.testing.assert_allclose(latent[rows], codes, rtol=0, atol=1e-5)  # the last batch
        np.testing.assert_allclose(latent, expected, rtol=0, atol=1e-5)  # and every row
        assert (logvar is not None) == (kind is VariationalAutoencoder)
    last_rows = steps[-1][0]
    # Negative control: the starting codes are what a snapshot without live codes would show.
    assert np.abs(within[-1][2][last_rows] - start[last_rows]).max() > 1e-2
    np.testing.assert_allclose(within[-1][2][held], start[held], rtol=0, atol=1e-6)
    if not floats:  # uint8 sets: the evaluation at the end shows its exact, clean codes
        evaluated = [latent for epoch, _, latent, _ in seen[:-1] if epoch == 1]
        assert evaluated
        trained = trainer.model.copy()
        trained.params[...] = trainer.final_params  # the weights it ended with, not the best
        clean = trained.encode(images[~held].astype(np.float32) / 255)
        np.testing.assert_allclose(evaluated[-1][~held], clean, rtol=0, atol=1e-5)
        assert np.abs(evaluated[-1][last_rows] - within[-1][2][last_rows]).max() > 1e-4
    # The final snapshot encodes every image afresh with the weights the run keeps.
    final = seen[-1]
    fresh = trainer.model.encode(images.astype(np.float32) / 255)
    np.testing.assert_allclose(final[2], fresh, rtol=0, atol=1e-5)


def test_held_out_rows_follow_their_scorings() -> None:
    """The held-out rows' codes come from the test set's scorings: within the second epoch
    they are the codes of the weights the epoch's first evaluation scored, not the start's."""
    images = _images()
    model = Autoencoder(D, (16,), 2, seed=1)
    start = model.encode(images.astype(np.float32) / 255)
    config = TrainConfig(batch_size=BATCH, epochs=2, lr=0.01, test_fraction=0.1)
    trainer = Trainer(model, images, config)
    seen = []
    trainer.run(on_snapshot=seen.append, snapshot_seconds=1e-9)
    held = trainer.test_rows
    second = [s for s in seen[:-1] if s.epoch == 1]
    scored = second[0].model  # the weights of epoch 1's evaluation, scored with the test set
    during = [s for s in second if s.steps > second[0].steps]
    assert during
    codes = scored.encode(images[held].astype(np.float32) / 255)
    np.testing.assert_allclose(during[-1].latent[held], codes, rtol=0, atol=1e-5)
    assert np.abs(during[-1].latent[held] - start[held]).max() > 1e-2  # negative control


def test_live_snapshots_leave_the_weights_alone() -> None:
    """The same run with a snapshot after every batch and without any: the same weights."""
    images = _images()
    params = []
    for seconds in (1e-9, 0.0):
        trainer = Trainer(Autoencoder(D, (16,), 2, seed=1), images, TrainConfig(batch_size=BATCH))
        trainer.run(2, on_snapshot=lambda s: None, snapshot_seconds=seconds)
        params.append(trainer.model.params.copy())
    np.testing.assert_array_equal(params[0], params[1])


@pytest.mark.parametrize(("n", "batch"), [(N, 0), (LIVE_ABOVE, BATCH)])
def test_full_batch_and_small_sets_snapshot_between_epochs(n: int, batch: int) -> None:
    """No snapshot within an epoch, each one's codes a whole fresh encoding of its weights."""
    images = _images(n)
    trainer = Trainer(Autoencoder(D, (16,), 2, seed=1), images, TrainConfig(batch_size=batch))
    seen = []
    trainer.run(3, on_snapshot=seen.append, snapshot_seconds=1e-9)
    assert [s.epoch for s in seen] == [1, 2, 3, 3]
    for s in seen:  # encoded in blocks: the BLAS kernel's blocking moves float32's last bits
        fresh = s.model.encode(images.astype(np.float32) / 255)  # (n, 2)
        np.testing.assert_allclose(s.latent, fresh, rtol=0, atol=1e-5)


@pytest.mark.parametrize("live", [True, False])
def test_a_stop_ends_a_live_run_within_its_epoch(live) -> None:
    """Stop requested at the 5th step: a live run ends after that step, with its best weights;
    a run without snapshots within epochs (the negative control) finishes the epoch first."""
    model = Autoencoder(D, (16,), 2, seed=1)
    trainer = Trainer(model, _images(), TrainConfig(batch_size=BATCH, epochs=3, lr=0.01))
    step = trainer.optimizer.step

    def stepping(params, grads):
        step(params, grads)
        if trainer.steps == 4:  # counted after this call: this is the 5th step
            trainer.request_stop()

    trainer.optimizer.step = stepping
    final = trainer.run(on_snapshot=lambda s: None, snapshot_seconds=1e-9 if live else 0.0)
    assert final.state == "stopped"
    assert trainer.steps == (5 if live else N // BATCH)

"""The training loop's behaviour: quality bars, stop rules, pause/resume, divergence, best weights."""

import time

import numpy as np
import pytest

from engine import Autoencoder, Noise, TrainConfig, Trainer, VariationalAutoencoder, evaluate
from engine.data.datasets import load_builtin
from engine.latent import latent_grid
from engine.metrics import COUNT_IN_PYTHON, Evaluation
from engine.presets import PRESETS


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


@pytest.fixture(scope="module")
def emoji():
    return load_builtin("emoji12x12")


def test_golden_adam_step_by_hand():
    """One Adam step on a 1-1-1 network, the arithmetic written out.

    x = 1, target 1; encoder z = w1 x + b1 (identity latent), decoder logit = w2 z + b2.
    With w1 = 0.5, b1 = 0, w2 = -1, b2 = 0: z = 0.5, logit = -0.5, s = sigmoid(-0.5) = 0.37754.
    dL/dlogit = s - 1 = -0.62246;  dL/dw2 = -0.62246 * z = -0.31123;  dL/db2 = -0.62246;
    dL/dz = -0.62246 * w2 = 0.62246;  dL/dw1 = 0.62246 * x = 0.62246;  dL/db1 = 0.62246.
    Adam's first step moves every parameter by lr * sign(g) (m_hat / sqrt(v_hat) = g / |g|).
    """
    model = Autoencoder(1, hidden=(), latent=1, activation="tanh", dtype=np.float64)
    model.params[...] = [0.5, 0.0, -1.0, 0.0]  # w1, b1, w2, b2
    x = np.ones((1, 1))
    parts, _ = model.loss_and_grad(x, x)
    s = 1 / (1 + np.exp(0.5))
    assert parts.total == pytest.approx(-np.log(s))
    assert model.grads == pytest.approx([0.62246, 0.62246, -0.31123, -0.62246], abs=1e-5)
    trainer = Trainer(model, x, TrainConfig(epochs=1, lr=0.1, stop_max_wrong_pixels=None))
    trainer.run()
    assert trainer.history.arrays()["epoch"].tolist() == [0.0, 1.0]
    assert model.params == pytest.approx([0.4, -0.1, -0.9, 0.1], abs=1e-6)


def test_font_autoencoder_reaches_zero_wrong_pixels_on_every_seed(font):
    """The issue's bar is 4 of 5 seeds; the defaults (64-32, Adam 0.01) reach 0 on all five."""
    results = []
    for seed in range(5):
        model = Autoencoder(font.n_pixels, seed=seed)
        final = Trainer(model, font.images, TrainConfig(batch_seed=seed)).run()
        results.append((final.state, evaluate(model, font.images).max_wrong))
    assert sum(state == "finished" and wrong == 0 for state, wrong in results) >= 4, results
    assert all(wrong == 0 for _, wrong in results), results


def test_vae_on_emojis_reconstructs_and_generates_new_images(emoji):
    preset = PRESETS["vae"]
    model = VariationalAutoencoder(emoji.n_pixels, seed=0, **preset.model_kwargs())
    config = TrainConfig(**preset.train_kwargs())
    final = Trainer(model, emoji.images, config).run()
    assert final.state == "finished"
    assert np.isfinite(final.evaluation.kl)
    assert final.evaluation.kl > 0.5
    assert final.evaluation.max_wrong <= 2  # decoding mu
    grid = model.decode(latent_grid(model, 10, -2.0, 2.0)) >= 0.5  # (100, 144)
    distinct = np.unique(grid, axis=0)
    train = emoji.images >= 0.5
    distance = (distinct[:, None, :] != train[None]).sum(axis=2).min(axis=1)
    assert len(distinct) >= 20
    assert (distance >= 3).sum() >= 5


def test_pause_and_resume_continue_exactly(font):
    """Training N epochs, then M more, gives the same weights as N + M at once."""
    config = TrainConfig(epochs=100, stop_max_wrong_pixels=None, batch_size=8, batch_seed=3)
    a = Autoencoder(font.n_pixels, seed=1)
    Trainer(a, font.images, config).run(epochs=60)
    b = Autoencoder(font.n_pixels, seed=1)
    trainer = Trainer(b, font.images, config)
    first = trainer.run(epochs=25)
    assert first.state == "paused"
    assert first.epoch == 25
    second = trainer.run(epochs=35)
    assert second.epoch == 60
    assert np.array_equal(a.params, b.params)


def test_same_seeds_same_weights_and_other_seeds_differ(font):
    def train(init, batch, noise):
        model = Autoencoder(font.n_pixels, seed=init)
        config = TrainConfig(
            epochs=5, batch_size=8, noise=Noise("bitflip", 0.1), batch_seed=batch,
            noise_seed=noise, stop_max_wrong_pixels=None,
        )  # fmt: skip
        Trainer(model, font.images, config).run()
        return model.params

    base = train(0, 0, 0)
    assert np.array_equal(base, train(0, 0, 0))
    for other in [(1, 0, 0), (0, 1, 0), (0, 0, 1)]:
        assert not np.array_equal(base, train(*other)), other


def test_pause_request_from_callback_stops_between_epochs(font):
    trainer = Trainer(Autoencoder(font.n_pixels), font.images, TrainConfig(epochs=1000))
    seen = []

    def on_snapshot(snap):
        seen.append(snap.epoch)
        if snap.epoch >= 10:
            trainer.request_pause()

    final = trainer.run(on_snapshot=on_snapshot, snapshot_every=5)
    assert final.state == "paused"
    assert final.epoch == 10
    assert seen[:2] == [5, 10]


def test_stop_keeps_the_best_weights(font):
    model = Autoencoder(font.n_pixels, seed=0)
    trainer = Trainer(model, font.images, TrainConfig(epochs=1000, stop_max_wrong_pixels=None))
    trainer.run(epochs=150)
    best = trainer.best_params.copy()
    assert trainer.best_epoch > 0
    trainer.request_stop()
    final = trainer.run()
    assert final.state == "stopped"
    assert np.array_equal(model.params, best)


def test_snapshots_are_frozen_copies(font):
    snaps = []
    trainer = Trainer(Autoencoder(font.n_pixels), font.images, TrainConfig(epochs=40))
    trainer.run(on_snapshot=snaps.append, snapshot_every=10)
    first = snaps[0]
    assert first.epoch == 10
    assert not np.shares_memory(first.model.params, trainer.model.params)
    assert not np.array_equal(first.model.params, trainer.model.params)
    assert first.latent.shape == (32, 2)
    assert first.history["epoch"][-1] == 10


def test_snapshot_rate_limit_by_time(font):
    calls = []
    trainer = Trainer(
        Autoencoder(font.n_pixels),
        font.images,
        TrainConfig(epochs=3000, stop_max_wrong_pixels=None),
    )
    start = time.perf_counter()
    trainer.run(on_snapshot=lambda s: calls.append(time.perf_counter()), snapshot_seconds=0.05)
    seconds = time.perf_counter() - start
    assert len(calls) <= seconds / 0.05 + 2


def test_divergence_stops_with_a_message_and_keeps_finite_weights(font):
    model = Autoencoder(font.n_pixels, activation="relu", seed=0)
    config = TrainConfig(epochs=200, optimizer="sgd", lr=1e4, stop_max_wrong_pixels=None)
    trainer = Trainer(model, font.images, config)
    final = trainer.run()
    assert final.state == "failed"
    assert "learning rate" in final.message
    assert "diverged" in final.message
    assert np.all(np.isfinite(model.params))
    assert np.isfinite(evaluate(model, font.images).loss)


def test_loss_threshold_stop_rule(font):
    trainer = Trainer(
        Autoencoder(font.n_pixels),
        font.images,
        TrainConfig(epochs=5000, stop_max_wrong_pixels=None, loss_threshold=5.0),
    )
    final = trainer.run()
    assert final.state == "finished"
    assert final.evaluation.loss <= 5.0
    assert final.epoch < 5000


def test_plateau_stop_rule_ends_a_run_that_stopped_improving(font):
    """At a learning rate too small to move the loss, the run ends `plateau_epochs` after its
    first evaluation; the same rule leaves a learning run alone (it reaches the epoch limit)."""
    stuck = TrainConfig(epochs=1000, lr=1e-9, stop_max_wrong_pixels=None, plateau_epochs=20)
    final = Trainer(Autoencoder(font.n_pixels), font.images, stuck).run()
    assert final.state == "finished"
    assert final.epoch == 20
    assert "not improved by 1% in 20 epochs" in final.message
    learning = TrainConfig(epochs=100, lr=0.01, stop_max_wrong_pixels=None, plateau_epochs=20)
    final = Trainer(Autoencoder(font.n_pixels), font.images, learning).run()
    assert final.epoch == 100
    assert "epoch limit" in final.message
    with pytest.raises(ValueError, match="plateau"):
        TrainConfig(plateau_epochs=-1)
    with pytest.raises(ValueError, match="plateau"):
        TrainConfig(plateau_tolerance=1.0)


def test_epoch_limit_finishes(font):
    final = Trainer(Autoencoder(font.n_pixels), font.images, TrainConfig(epochs=3)).run()
    assert final.state == "finished"
    assert final.epoch == 3
    assert "epoch limit" in final.message


def test_an_ended_run_trains_on_without_its_stop_rules(font):
    trainer = Trainer(Autoencoder(font.n_pixels), font.images, TrainConfig(epochs=30))
    ended = trainer.run()
    assert ended.state == "finished" and ended.epoch == 30
    assert trainer.final_params is not None  # the last epoch's weights, kept beside the best
    again = trainer.run(5)  # negative control: the epoch limit ends it again at once
    assert again.state == "finished" and again.epoch == 30
    more = trainer.run(5, stop_rules=False)
    assert more.state == "paused" and more.epoch == 35
    assert more.history["epoch"][-1] == 35  # the history goes on too


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_lowers_the_loss(font, optimizer):
    model = Autoencoder(font.n_pixels, seed=0)
    before = evaluate(model, font.images).loss
    lr = {"sgd": 0.1, "momentum": 0.02, "adam": 0.01}[optimizer]
    config = TrainConfig(epochs=500, optimizer=optimizer, lr=lr, stop_max_wrong_pixels=None)
    Trainer(model, font.images, config).run()
    assert evaluate(model, font.images).loss < 0.7 * before


def test_minibatch_denoising_run_trains(font):
    model = Autoencoder(font.n_pixels, seed=0)
    config = TrainConfig(
        epochs=300, batch_size=8, noise=Noise("salt-pepper", 0.1), stop_max_wrong_pixels=None
    )
    final = Trainer(model, font.images, config).run()
    assert final.steps == 300 * 4
    assert final.evaluation.max_wrong <= 3


def test_set_lr_and_beta_take_effect(font):
    model = VariationalAutoencoder(font.n_pixels, beta=1.0)
    trainer = Trainer(model, font.images, TrainConfig(epochs=5))
    trainer.set_lr(0.123)
    trainer.set_beta(0.5)
    assert trainer.optimizer.lr == 0.123
    assert model.beta == 0.5
    with pytest.raises(ValueError, match="learning rate"):
        trainer.set_lr(float("nan"))


def test_wrong_image_size_is_refused(font):
    with pytest.raises(ValueError, match="35 pixels"):
        Trainer(Autoencoder(35), np.zeros((3, 144)))


def test_snapshot_history_is_frozen_and_shared():
    """A snapshot's history never changes as training goes on (it is a read-only view of records
    that are only appended), even when the buffer grows past its first 256 records."""
    font = load_builtin("font5x7")
    trainer = Trainer(Autoencoder(font.n_pixels, hidden=(8,)), font.images, TrainConfig(epochs=600))
    first = trainer.run(epochs=100)
    kept = {key: values.copy() for key, values in first.history.items()}
    trainer.run(epochs=400)  # the history outgrows its first buffer
    for key, values in first.history.items():
        np.testing.assert_array_equal(values, kept[key])
        assert not values.flags.writeable
    later = trainer.snapshot().history
    assert len(later["epoch"]) > len(first.history["epoch"])
    np.testing.assert_array_equal(later["loss"][: len(kept["loss"])], kept["loss"])


@pytest.mark.parametrize("n", [0, 1, 32, COUNT_IN_PYTHON, COUNT_IN_PYTHON + 1, 1797])
def test_evaluation_counts_the_same_either_way(n):
    """Short arrays are counted from a Python list, long ones by NumPy: the same numbers."""
    wrong = np.random.default_rng(n).integers(0, 36, n).astype(np.intp)
    ev = Evaluation.count(1.0, 1.0, 0.0, 0.5, wrong)
    assert (ev.max_wrong, ev.total_wrong) == (int(wrong.max(initial=0)), int(wrong.sum()))
    assert type(ev.max_wrong) is int and type(ev.total_wrong) is int

"""Divergence is detected by its effect, not only by NaN: the run stops with the best weights."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import load_builtin


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


def test_huge_learning_rate_stops_with_a_sentence_and_the_best_weights(font):
    model = Autoencoder(font.n_pixels, (16,), seed=1)
    start = model.params.copy()
    final = Trainer(model, font.images, TrainConfig(epochs=50, lr=1e9)).run()
    assert final.state == "failed"
    assert "times its lowest" in final.message and "(epoch 0) are kept" in final.message
    assert np.array_equal(model.params, start)  # the best weights: the untrained ones
    assert np.abs(model.params).max() < 10


def test_a_blow_up_late_in_a_good_run_keeps_the_good_weights(font):
    """Issue 15: a long run at a constant rate fell from a tiny loss to ~10 without a word."""
    model = Autoencoder(font.n_pixels, (32,), seed=0)
    config = TrainConfig(epochs=100_000, lr=0.01, stop_max_wrong_pixels=None)
    trainer = Trainer(model, font.images, config)
    trainer.run(epochs=400)
    good = trainer.last_evaluation.loss
    assert trainer.state == "paused" and good < 5
    trainer.set_lr(1e4)  # what a long run at a constant rate can run into
    final = trainer.run()
    assert final.state == "failed" and "times its lowest" in final.message
    assert final.evaluation.loss <= good * 1.01  # the best weights are back
    assert final.epoch < 1000


def test_exploding_weights_stop_the_run(font):
    model = Autoencoder(font.n_pixels, (16,), seed=1)
    model.params[0] = 5e6  # one weight past MAX_WEIGHT while the loss stays moderate
    final = Trainer(model, font.images, TrainConfig(epochs=5, lr=1e-6)).run()
    assert final.state == "failed" and "a weight reached" in final.message


def test_an_ordinary_run_is_not_called_diverged(font):
    """Negative control: the default AE run, whose loss falls by orders of magnitude."""
    final = Trainer(Autoencoder(font.n_pixels, (64, 32), seed=0), font.images).run()
    assert final.state == "finished" and final.evaluation.max_wrong == 0


def test_a_full_batch_that_would_not_fit_falls_back_to_minibatches(font, monkeypatch):
    model = Autoencoder(font.n_pixels, (16,), seed=1)
    assert Trainer(model, font.images).notice == ""  # negative control: it fits
    monkeypatch.setattr("engine.limits.memory_budget", lambda: 50_000)
    trainer = Trainer(model, font.images)
    assert trainer.config.batch_size == 4
    assert "training in minibatches of 4 instead" in trainer.notice
    assert "The full set (32 images) would need about" in trainer.notice
    final = trainer.run(epochs=3)
    assert final.steps == 3 * 8  # 32 images in minibatches of 4

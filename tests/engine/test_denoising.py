"""Denoising: the DAE meets the issue's bars, and the maximum-likelihood bound behaves."""

import itertools

import numpy as np
import pytest

from engine import Autoencoder, Noise, TrainConfig, Trainer
from engine.datasets import load_builtin
from engine.denoising import ml_bound_wrong_pixels, model_wrong_pixels, noisy_copies
from engine.presets import PRESETS

EVAL_SEED = 12345


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


@pytest.fixture(scope="module")
def plain_ae(font):
    model = Autoencoder(font.n_pixels, seed=0)
    Trainer(model, font.images, TrainConfig()).run()
    return model


def _train_dae(font, noise, epochs):
    preset = PRESETS["dae"]
    model = Autoencoder(font.n_pixels, seed=0, **preset.model_kwargs())
    config = TrainConfig(noise=noise, eval_every=100, **{**preset.train_kwargs(), "epochs": epochs})
    Trainer(model, font.images, config).run()
    return model


# Salt & pepper meets its bars well within the default 10000 epochs; fewer keep the test short.
@pytest.mark.parametrize(
    ("noise", "bar", "epochs"),
    [("salt-pepper:0.1", 0.1, 3000), ("salt-pepper:0.2", 0.5, 3000), ("bitflip:0.1", 0.25, 10000)],
)
def test_dae_meets_the_bar_and_beats_the_plain_autoencoder(font, plain_ae, noise, bar, epochs):
    noise = Noise.parse(noise)
    dae = _train_dae(font, noise, epochs)
    copies = noisy_copies(font.images, noise, 20, np.random.default_rng(EVAL_SEED))
    dae_wrong = model_wrong_pixels(dae, font.images, copies).mean()
    ae_wrong = model_wrong_pixels(plain_ae, font.images, copies).mean()
    bound = ml_bound_wrong_pixels(font.images, copies, noise).mean()
    assert dae_wrong <= bar, (dae_wrong, bound)
    assert ae_wrong > 2 * dae_wrong
    assert dae_wrong >= bound - 0.05  # nothing can do much better than the bound


def test_bound_is_zero_without_noise_and_grows_with_it(font):
    rng = np.random.default_rng(0)
    levels = [0.0, 0.05, 0.1, 0.2, 0.3]
    bounds = []
    for p in levels:
        noise = Noise("bitflip", p)
        copies = noisy_copies(font.images, noise, 20, rng)
        bounds.append(ml_bound_wrong_pixels(font.images, copies, noise).mean())
    assert bounds[0] == 0.0
    assert all(a < b for a, b in itertools.pairwise(bounds))


@pytest.mark.parametrize("text", ["salt-pepper:0.1", "bitflip:0.1", "gaussian:0.3"])
def test_maximum_likelihood_beats_nearest_neighbour_guesses_from_the_wrong_model(font, text):
    """The ML choice uses the noise model: scoring with a mismatched model can only do worse."""
    noise = Noise.parse(text)
    copies = noisy_copies(font.images, noise, 20, np.random.default_rng(1))
    right = ml_bound_wrong_pixels(font.images, copies, noise).mean()
    shuffled = font.images[np.random.default_rng(2).permutation(len(font))]
    wrong_set = ml_bound_wrong_pixels(shuffled, copies, noise).mean()  # labels misaligned
    assert right < 0.3
    assert wrong_set > 5 * right + 1


def test_gaussian_likelihood_uses_the_clipped_tails():
    """A pixel seen at exactly 0 is far likelier from a clean 0 (mass 1/2) than from a clean 1
    (mass P(e < -1) at sigma 0.3); a pixel seen at 0.9 is likelier from a 1."""
    noise = Noise("gaussian", 0.3)
    options = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=np.float32)  # truth of copy i: options[i]
    at_zero = np.array([[[0.0, 0.0], [0.0, 0.0]]], dtype=np.float32)  # (1 repeat, 2, 2)
    assert ml_bound_wrong_pixels(options, at_zero, noise).tolist() == [[1.0, 0.0]]
    inside = np.array([[[0.0, 0.9], [0.0, 0.9]]], dtype=np.float32)
    assert ml_bound_wrong_pixels(options, inside, noise).tolist() == [[0.0, 1.0]]

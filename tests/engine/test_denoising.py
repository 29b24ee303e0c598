"""Denoising: the DAE meets the issue's bars, and the Bayes bound is the best possible."""

import itertools

import numpy as np
import pytest

from engine import Autoencoder, Noise, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from engine.denoising import bound_wrong_pixels, model_wrong_pixels, noisy_copies
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
    config = TrainConfig(
        noise=noise, **{**preset.train_kwargs(), "epochs": epochs, "eval_every": 100}
    )
    Trainer(model, font.images, config).run()
    return model


# Salt & pepper meets its bars well within the preset's 5000 epochs; fewer keep the test short.
@pytest.mark.parametrize(
    ("noise", "bar", "epochs"),
    [("salt-pepper:0.1", 0.1, 3000), ("salt-pepper:0.2", 0.5, 3000), ("bitflip:0.1", 0.25, 5000)],
)
def test_dae_meets_the_bar_and_beats_the_plain_autoencoder(font, plain_ae, noise, bar, epochs):
    noise = Noise.parse(noise)
    dae = _train_dae(font, noise, epochs)
    copies = noisy_copies(font.images, noise, 20, np.random.default_rng(EVAL_SEED))
    dae_wrong = model_wrong_pixels(dae, font.images, copies).mean()
    ae_wrong = model_wrong_pixels(plain_ae, font.images, copies).mean()
    bound = bound_wrong_pixels(font.images, copies, noise).mean()
    assert dae_wrong <= bar, (dae_wrong, bound)
    assert ae_wrong > 2 * dae_wrong
    assert dae_wrong >= bound - 0.02  # only sampling luck lets a model below the bound


def test_bound_is_zero_without_noise_and_grows_with_it(font):
    rng = np.random.default_rng(0)
    levels = [0.0, 0.05, 0.1, 0.2, 0.3]
    bounds = []
    for p in levels:
        noise = Noise("bitflip", p)
        copies = noisy_copies(font.images, noise, 20, rng)
        bounds.append(bound_wrong_pixels(font.images, copies, noise).mean())
    assert bounds[0] == 0.0
    assert all(a < b for a, b in itertools.pairwise(bounds))


def _exact_expected_wrong(clean, noise, decoder_wrong):
    """Expected wrong pixels per glyph under bit flip noise, exactly: every possible copy of every
    glyph weighted by its probability. decoder_wrong(copies (m, n, d)) -> wrong pixels (m, n)."""
    n, d = clean.shape
    every = np.array(list(itertools.product([0.0, 1.0], repeat=d)), np.float32)  # (2^d, d)
    copies = np.repeat(every[:, None, :], n, axis=1)  # (2^d, n, d): every copy of every glyph
    flips = (every[:, None, :] != clean[None, :, :]).sum(axis=2)  # (2^d, n)
    p = noise.level**flips * (1 - noise.level) ** (d - flips)  # P(copy | glyph)
    return float((p * decoder_wrong(copies)).sum() / n)


def test_no_denoiser_beats_the_bound_on_average():
    """Against every deterministic denoiser at once (the best output for each copy, found by
    trying all 2^d images), on a set where the most likely glyph is not the best answer: 1111 is
    one flip from each of the last three glyphs, and 1111 itself is nearer the truth on average
    than any one of them."""
    clean = np.array([[0, 0, 0, 0], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 1]], np.float32)
    noise = Noise("bitflip", 0.2)
    every = np.array(list(itertools.product([0, 1], repeat=4)), bool)  # (16, 4) outputs

    def best_output_wrong(copies):  # the best any denoiser could answer, copy by copy
        d = copies.shape[2]
        flips = (copies[:, :, None, :] != clean[None, None, :, :]).sum(axis=3)  # (m, n, k)
        weight = noise.level**flips * (1 - noise.level) ** (d - flips)  # P(copy | glyph)
        distance = (every[:, None, :] != clean[None, :, :].astype(bool)).sum(axis=2)  # (16, k)
        risk = weight @ distance.T  # (m, n, 16): expected wrong pixels of each output
        best = every[risk.argmin(axis=2)]  # (m, n, d)
        return (best != clean[None].astype(bool)).sum(axis=2)

    def most_likely_glyph_wrong(copies):
        flips = (copies[:, :, None, :] != clean[None, None, :, :]).sum(axis=3)  # (m, n, k)
        pick = clean[flips.argmin(axis=2)]  # (m, n, d)
        return (pick != clean[None]).sum(axis=2)

    bound = _exact_expected_wrong(clean, noise, lambda c: bound_wrong_pixels(clean, c, noise))
    optimum = _exact_expected_wrong(clean, noise, best_output_wrong)
    likeliest = _exact_expected_wrong(clean, noise, most_likely_glyph_wrong)
    assert bound == pytest.approx(optimum, abs=1e-9)
    assert bound < likeliest - 0.01  # the negative control: the most likely glyph does worse


@pytest.mark.parametrize("text", ["salt-pepper:0.1", "bitflip:0.1", "gaussian:0.3"])
def test_the_bound_depends_on_knowing_the_glyphs(font, text):
    """With the glyphs' labels shuffled, the 'bound' answers the wrong glyph: far worse."""
    noise = Noise.parse(text)
    copies = noisy_copies(font.images, noise, 20, np.random.default_rng(1))
    right = bound_wrong_pixels(font.images, copies, noise).mean()
    shuffled = font.images[np.random.default_rng(2).permutation(len(font))]
    wrong_set = bound_wrong_pixels(shuffled, copies, noise).mean()  # labels misaligned
    assert right < 0.3
    assert wrong_set > 5 * right + 1


def test_gaussian_likelihood_uses_the_clipped_tails():
    """A pixel seen at exactly 0 is far likelier from a clean 0 (mass 1/2) than from a clean 1
    (mass P(e < -1) at sigma 0.3); a pixel seen at 0.9 is likelier from a 1."""
    noise = Noise("gaussian", 0.3)
    options = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=np.float32)  # truth of copy i: options[i]
    at_zero = np.array([[[0.0, 0.0], [0.0, 0.0]]], dtype=np.float32)  # (1 repeat, 2, 2)
    assert bound_wrong_pixels(options, at_zero, noise).tolist() == [[1.0, 0.0]]
    inside = np.array([[[0.0, 0.9], [0.0, 0.9]]], dtype=np.float32)
    assert bound_wrong_pixels(options, inside, noise).tolist() == [[0.0, 1.0]]

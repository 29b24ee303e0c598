"""The DAE recipes docs/zoo.md measured ("DAE, fifth attempt") do what their keys say."""

import numpy as np

from benchmarks import dae_candidates, dae_recipes
from benchmarks.zoo_sets import lcd_upper
from engine import Noise
from engine.denoising import bound_wrong_pixels, noisy_copies

GLYPHS = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 0]], np.float32)  # 2 pixels apart


def test_bayes_targets_are_the_bounds_answers():
    noise = Noise("bitflip", 0.1)
    near_a = np.array([[0, 1, 1, 0, 0, 0]], np.float32)  # 1 pixel from A, 3 from B
    tie = np.array([[1, 1, 1, 1, 0, 0]], np.float32)  # one pixel from each
    targets = dae_recipes.bayes_targets(np.vstack([near_a, tie]), GLYPHS, noise)
    assert (targets[0] == GLYPHS[0]).all()
    assert (targets[1] == [1, 1, 1, 0.5, 0.5, 0]).all()  # the pixels the two glyphs disagree on
    # On many copies, scoring the targets as the bound scores its answer (ties half wrong) gives
    # the bound exactly; the copies as they are score far worse (negative control).
    data = lcd_upper()
    copies = noisy_copies(data.images, noise, 4, np.random.default_rng(0))  # (4, 32, 35)
    targets = dae_recipes.bayes_targets(copies.reshape(-1, 35), data.images, noise)  # (128, 35)
    truth = np.tile(data.images, (4, 1))
    wrong = np.where(targets == 0.5, 0.5, targets != truth).sum()
    assert wrong == bound_wrong_pixels(data.images, copies, noise).sum() > 0
    assert (copies.reshape(-1, 35) != truth).sum() > 3 * wrong


def test_template_init_reads_hamming_distances():
    model, _ = dae_recipes.train(
        {"hidden": [8, 4], "activation": "relu", "lr": 0.01, "epochs": 0, "noise_copies": 1,
         "lr_schedule": "constant", "noise_floor": 0.0, "template_init": 0.5,
         "template_margin": 3},
        GLYPHS, "bitflip:0.1", seed=0,
    )  # fmt: skip
    layer = model.encoder.layers[0]
    pre = GLYPHS @ layer.params["W"] + layer.params["b"]  # (2, 8)
    assert np.allclose(pre[:, :2], 0.5 * (3 - np.array([[0, 2], [2, 0]])))
    untouched, _ = dae_recipes.train(
        {"hidden": [8, 4], "activation": "relu", "lr": 0.01, "epochs": 0, "noise_copies": 1,
         "lr_schedule": "constant", "noise_floor": 0.0},
        GLYPHS, "bitflip:0.1", seed=0,
    )  # fmt: skip
    assert np.allclose(untouched.params[layer.size :], model.params[layer.size :])
    assert not np.allclose(untouched.params[: layer.size], model.params[: layer.size])


def test_candidates_with_recipe_keys_train_in_the_recipe_loop(monkeypatch):
    calls = []
    original = dae_recipes.train

    def spy(recipe, images, noise_text, seed):
        calls.append(recipe)
        return original(recipe, images, noise_text, seed)

    monkeypatch.setattr(dae_recipes, "train", spy)
    dae, bound, seconds = dae_candidates.run({"epochs": 3, "warm_epochs": 2}, "lcd-upper5x7",
                                             "bitflip:0.1", 0)  # fmt: skip
    assert len(calls) == 1 and calls[0]["hidden"] == (128, 64) and calls[0]["epochs"] == 3
    assert dae > bound > 0 and seconds > 0
    dae_candidates.run({"epochs": 3}, "lcd-upper5x7", "bitflip:0.1", 0)  # the Trainer's
    assert len(calls) == 1

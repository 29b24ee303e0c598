"""DAE training recipes the engine's Trainer does not offer, so their candidates can be rerun.

docs/zoo.md ("DAE, fifth attempt") measured these against the DAE preset; none was kept, so they
live here, not in the engine. `train` runs a plain loop over the engine's model and optimizer:
full-batch epochs of `noise_copies` fresh noisy copies of every glyph, Adam with the engine's
learning-rate schedules, the preset's noise floor, and the final weights (the Trainer keeps the
best of its clean evaluations: with a decaying rate they are the last ones or close to them).
Recipe keys (each optional):

- `warm_epochs`: first train the clean AE (full batch, the same rate) for at most this many
  epochs, ending at 0 wrong pixels (checked every 10th epoch): a warm start that lays the glyphs
  out on the plane;
- `template_init`, `template_margin`: the encoder's first layer starts with one unit per glyph
  (up to its width) that reads the copy's Hamming distance h to that glyph:
  `template_init` x (`template_margin` - h), the other units as initialised;
- `horizon`: the schedule runs its course over this many epochs, then stays at its floor;
- `average`: keep an exponential moving average of the weights with this decay and end on it;
- `noise_ramp`: the training level rises linearly from 0 over this share of the epochs;
- `bayes_targets`: train each copy towards the Bayes-optimal thresholded answer for it
  (engine.denoising's posterior over the training glyphs) instead of its clean glyph;
- `select_rows`, `hard_below`: draw the copies as usual, then train on `select_rows` of them,
  the "hard" ones first (the Bayes posterior of their likeliest glyph below `hard_below`), the
  rest filled at random from the easy ones;
- `risk_pool`, `risk_alpha`: draw `risk_pool` copies per glyph and resample `noise_copies` per
  glyph from them with probability proportional to their Bayes risk + `risk_alpha` x the mean
  risk (a weight that depends on the copy only keeps the Bayes answer the optimum).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from engine import Autoencoder, Noise, TrainConfig
from engine.denoising import log_likelihood
from engine.metrics import THRESHOLD
from engine.nn.optimizers import make_optimizer
from engine.training import schedule_factor

RECIPE_KEYS = (
    "warm_epochs", "template_init", "template_margin", "horizon", "average", "noise_ramp", "bayes_targets", "select_rows",
    "hard_below", "risk_pool", "risk_alpha",
)  # fmt: skip
WARM_CHECK_EVERY = 10  # epochs between the warm start's checks for 0 wrong pixels


def posterior(copies: np.ndarray, clean: np.ndarray, noise: Noise) -> np.ndarray:
    """The Bayes posterior over the clean glyphs of each copy.  (m, d), (k, d) -> (m, k)"""
    ll = log_likelihood(copies, clean, noise)  # (m, k)
    weight = np.exp(ll - ll.max(axis=1, keepdims=True))
    return weight / weight.sum(axis=1, keepdims=True)


def bayes_targets(copies: np.ndarray, clean: np.ndarray, noise: Noise) -> np.ndarray:
    """The Bayes-optimal thresholded image of each copy (ties at 0.5).  (m, d) -> (m, d)"""
    p_ink = posterior(copies, clean, noise) @ (clean >= THRESHOLD)  # (m, d)
    target = (p_ink > 0.5).astype(clean.dtype)
    target[np.abs(p_ink - 0.5) < 1e-9] = 0.5
    return target


def _warm_start(model: Autoencoder, images: np.ndarray, epochs: int, lr: float) -> None:
    """Clean full-batch AE steps until no pixel is wrong or `epochs` ran out."""
    optimizer = make_optimizer("adam", model.params.size, lr)
    for epoch in range(epochs):
        _, output = model.loss_and_grad(images, images)
        due = epoch % WARM_CHECK_EVERY == 0
        if due and not ((output >= THRESHOLD) != (images >= THRESHOLD)).any():
            return
        optimizer.step(model.params, model.grads)


def _template_init(model: Autoencoder, images: np.ndarray, scale: float, margin: float) -> None:
    """First-layer units k < n start as scale * (margin - Hamming distance to glyph k): with
    weights +scale on the glyph's ink and -scale elsewhere, x.(2c - 1) - |c| = -h(x, c)."""
    layer = model.encoder.layers[0]
    k = min(len(images), layer.n_out)
    layer.params["W"][:, :k] = scale * (2 * images - 1).T[:, :k]  # (d, k)
    layer.params["b"][:k] = scale * (margin - images.sum(axis=1)[:k])


def _epoch_rows(
    recipe: dict[str, Any], images: np.ndarray, noise: Noise, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One epoch's inputs and targets, both (rows, d), as the recipe draws them."""
    copies = recipe["noise_copies"]
    pool = recipe.get("risk_pool", 0)
    tiled = np.tile(images, (pool or copies, 1))  # (copies n, d): copy k of image i is row k n + i
    inputs = noise.apply(tiled, rng)
    targets = tiled
    if pool:
        post = posterior(inputs, images, noise)  # (pool n, k)
        p_ink = post @ (images >= THRESHOLD)  # (pool n, d)
        risk = np.minimum(p_ink, 1.0 - p_ink).sum(axis=1)  # the Bayes answer's expected error
        weight = risk + recipe.get("risk_alpha", 1.0) * risk.mean() + 1e-12
        rows = rng.choice(len(inputs), copies * len(images), p=weight / weight.sum())
        inputs, targets = inputs[rows], targets[rows]
    elif recipe.get("select_rows"):
        likeliest = posterior(inputs, images, noise).max(axis=1)  # (copies n,)
        hard = likeliest < recipe.get("hard_below", 0.999)
        score = hard + 0.5 * rng.random(len(inputs))  # hard rows first, each group shuffled
        rows = np.argpartition(-score, recipe["select_rows"])[: recipe["select_rows"]]
        inputs, targets = inputs[rows], targets[rows]
    if recipe.get("bayes_targets"):
        targets = bayes_targets(inputs, images, noise)
    return inputs, targets


def train(recipe: dict[str, Any], images: np.ndarray, noise_text: str, seed: int) -> tuple:
    """(model, CPU seconds) of a DAE trained by `recipe`: the DAE preset's model and train
    keys (hidden, activation, lr, epochs, noise_copies, lr_schedule, noise_floor) and the
    RECIPE_KEYS above."""
    images = images.astype(np.float32)
    model = Autoencoder(
        images.shape[1], hidden=tuple(recipe["hidden"]), activation=recipe["activation"],
        seed=seed,
    )  # fmt: skip
    if recipe.get("template_init"):
        _template_init(model, images, recipe["template_init"], recipe.get("template_margin", 3))
    noise = TrainConfig(
        noise=Noise.parse(noise_text), noise_floor=recipe["noise_floor"]
    ).training_noise
    rng = np.random.default_rng([seed, 2])
    optimizer = make_optimizer("adam", model.params.size, recipe["lr"])
    epochs, ramp = recipe["epochs"], recipe.get("noise_ramp", 0.0)
    horizon, decay = recipe.get("horizon", epochs), recipe.get("average", 0.0)
    average = model.params.copy()
    start = time.process_time()
    if recipe.get("warm_epochs"):
        _warm_start(model, images, recipe["warm_epochs"], recipe["lr"])
    for epoch in range(epochs):
        if decay and epoch:
            average += (1.0 - decay) * (model.params - average)
        factor = schedule_factor(recipe["lr_schedule"], min(epoch, horizon), horizon)
        optimizer.lr = recipe["lr"] * factor
        level = noise.level * min(1.0, (epoch + 1) / (ramp * epochs)) if ramp else noise.level
        inputs, targets = _epoch_rows(recipe, images, Noise(noise.kind, level), rng)
        model.loss_and_grad(inputs, targets)
        optimizer.step(model.params, model.grads)
    if decay:
        model.params[...] = average + (1.0 - decay) * (model.params - average)
    return model, time.process_time() - start

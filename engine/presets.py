"""Default settings per kind of model, shared by the command line, the window and the reports.

Each was measured (README, "Quality"; the AE and DAE on the validation zoo, docs/zoo.md): the
AE's reach 0 wrong pixels on every binary set of the zoo (5x7 to 20x20) on every seed tried;
denoising needs more capacity and many more steps, on fresh noisy copies, with the learning
rate decaying; the VAE's reconstruct every emoji and still generate new ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

# Every preset trains a set of more than LARGE_SET images in batches of LARGE_SET_BATCH, for as
# many steps as its full-batch epochs would take: one full batch of 60,000 MNIST images through
# the AE would need ~3.5 GB (and one step an epoch), where issue 18 allows the window 1.2 GB.
LARGE_SET = 10_000
LARGE_SET_BATCH = 128


@dataclass(frozen=True)
class Preset:
    """Architecture and training defaults of one kind of model."""

    hidden: tuple[int, ...]
    activation: str
    epochs: int
    lr: float
    stop_max_wrong_pixels: int | None
    noise: str | None = None
    noise_copies: int = 1
    noise_floor: float = 0.0  # DAE: the least share of pixels the training noise changes
    lr_schedule: str = "constant"
    free_bits: float = 0.0  # VAE: KL floor per latent axis (nats), see engine.models
    beta: float = 1.0  # VAE: weight of the KL term
    # Stop once the loss has not improved by plateau_tolerance in plateau_epochs (0: never).
    plateau_epochs: int = 0
    plateau_tolerance: float = 0.01
    # Sets of more than max_batch images train in batches of max_batch, for as many steps as the
    # full-batch epochs would take (0: always the full set in one batch).
    max_batch: int = 0
    # Sets of more than this many images get `large_hidden` layers instead of `hidden`.
    small_set: int = 0
    large_hidden: tuple[int, ...] = ()
    batch_size: int = 0  # 0: the whole set (times its noisy copies) in one batch
    # Epochs between evaluations of the clean set (the loss curve, the best weights, the stop
    # rules): a DAE's epoch of 512 noisy rows is ~10 times an evaluation's 32 clean ones.
    eval_every: int = 1

    def for_set(self, n_images: int) -> Preset:
        """This preset as it applies to a set of `n_images` images (its size, never its name)."""
        if self.small_set and n_images > self.small_set:
            return replace(self, hidden=self.large_hidden, small_set=0)
        return self

    def model_kwargs(self, n_images: int | None = None) -> dict[str, Any]:
        hidden = self.hidden if n_images is None else self.for_set(n_images).hidden
        kwargs: dict[str, Any] = {"hidden": hidden, "activation": self.activation}
        if self.free_bits:
            kwargs["free_bits"] = self.free_bits
        if self.beta != 1.0:
            kwargs["beta"] = self.beta
        return kwargs

    def train_kwargs(self, n_images: int | None = None) -> dict[str, Any]:
        """TrainConfig arguments; with `n_images`, a large set trains in batches of max_batch."""
        epochs, plateau, batch = self.epochs, self.plateau_epochs, 0
        max_batch = self.max_batch
        if n_images is not None and n_images > LARGE_SET and not (max_batch or self.batch_size):
            max_batch = LARGE_SET_BATCH
        if n_images is not None and max_batch and n_images > max_batch:
            steps_per_epoch = math.ceil(n_images / max_batch)
            batch = max_batch
            epochs = math.ceil(epochs / steps_per_epoch)
            plateau = math.ceil(plateau / steps_per_epoch)
        kwargs: dict[str, Any] = {
            "epochs": epochs,
            "lr": self.lr,
            "stop_max_wrong_pixels": self.stop_max_wrong_pixels,
            "noise_copies": self.noise_copies,
            "noise_floor": self.noise_floor,
            "lr_schedule": self.lr_schedule,
            "batch_size": self.batch_size,
            "eval_every": self.eval_every,
        }
        if batch:
            kwargs["batch_size"] = batch
        if plateau:
            kwargs["plateau_epochs"] = plateau
            kwargs["plateau_tolerance"] = self.plateau_tolerance
        return kwargs


PRESETS: dict[str, Preset] = {
    "ae": Preset(hidden=(64, 32), activation="relu", epochs=5000, lr=0.01, stop_max_wrong_pixels=0),
    # DAE (docs/zoo.md, "DAE, third attempt"): twice the former rate, warmed up, for half its
    # epochs; evaluated every 10th epoch; copies that change at least 7.5 % of the pixels (salt &
    # pepper 0.1 trains at 0.15), so the rare copies between two glyphs come up often enough.
    "dae": Preset(
        hidden=(128, 64), activation="relu", epochs=5000, lr=0.01, stop_max_wrong_pixels=None,
        noise="salt-pepper:0.1", noise_copies=16, lr_schedule="warmup-cosine", noise_floor=0.075,
        eval_every=10,
    ),
    # VAE: relu and 1 nat of free bits per axis keep both latent axes in use on sets of
    # near-identical glyphs, where tanh without them let one axis collapse; stopping once every
    # glyph decodes from mu within 1 pixel leaves a smoother decoder, which draws more distinct
    # and new glyphs than training on. A small set gets one layer of 32 and a KL weight of 0.1:
    # its codes spread and the decoder blends its glyphs' features instead of snapping to the
    # nearest glyph. Sets that never reach the pixel target end on a loss plateau; large ones
    # train in batches of 128 (docs/vae_quality.md).
    "vae": Preset(
        hidden=(32,), activation="relu", epochs=5000, lr=0.005, stop_max_wrong_pixels=1,
        free_bits=1.0, beta=0.1, plateau_epochs=500, plateau_tolerance=0.002, max_batch=128,
        small_set=64, large_hidden=(64, 32),
    ),
}  # fmt: skip

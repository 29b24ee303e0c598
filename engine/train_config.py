"""How to train: the settings of one run, checked when made, and their plain-dict form.

A TrainConfig is what a session file, the command line and the window's settings all turn into;
it is frozen, so a running Trainer's settings cannot change under it (the learning rate and the
KL weight change through the Trainer's own setters).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from engine.data.noise import Noise

# The share of the pixels a noise of level 1 changes, on average (salt & pepper: half its hits
# land on the value the pixel had).
CHANGED_SHARE = {"salt-pepper": 0.5, "bitflip": 1.0}
LR_SCHEDULES = ("constant", "cosine", "warmup-cosine")


@dataclass(frozen=True)
class TrainConfig:
    """How to train: optimizer, batches, noise (denoising), stop rules and seeds."""

    epochs: int = 5000  # stop rule: at most this many epochs in all
    batch_size: int = 0  # 0: the full set in one batch
    optimizer: str = "adam"
    lr: float = 0.01
    noise: Noise | None = None  # corrupt the inputs afresh every epoch; the targets stay clean
    noise_copies: int = 1  # corrupted copies of every image per epoch (denoising only)
    # Salt & pepper and bit flip: the training copies change at least this share of the pixels
    # on average (salt & pepper changes half its level, bit flip its level); 0: the level itself.
    # At a low level the copies near the border between two glyphs, the ones a denoiser must
    # learn to tell apart, are rare; the best guess for a copy (its nearest glyphs by Hamming
    # distance) does not depend on the level, so training noisier teaches it sooner.
    noise_floor: float = 0.0
    # "cosine": from lr down to lr / 20 at the epoch limit; "warmup-cosine": up from lr / w over
    # the first w = 5 % of the epochs, then that cosine (engine.training.schedule_factor).
    lr_schedule: str = "constant"
    stop_max_wrong_pixels: int | None = 0  # stop once every image has at most this many wrong
    loss_threshold: float | None = None  # stop once the evaluation loss is at most this
    # Stop once the evaluation loss has not fallen below (1 - plateau_tolerance) times its best
    # for plateau_epochs epochs (0: never): ends runs that will not reach the pixel target.
    plateau_epochs: int = 0
    plateau_tolerance: float = 0.01
    eval_every: int = 1  # epochs between evaluations of the whole set
    batch_seed: int = 0
    noise_seed: int = 0
    # Hold out this fraction of the images the Trainer is given as a test set, drawn with
    # split_seed (engine.data.split): scored, never trained on. The window splits this way.
    test_fraction: float = 0.0
    split_seed: int = 0

    def __post_init__(self) -> None:
        if self.epochs < 0 or self.batch_size < 0 or self.eval_every < 1 or self.noise_copies < 1:
            raise ValueError("epochs and batch size must be >= 0, eval_every and copies >= 1")
        if self.plateau_epochs < 0 or not (0 <= self.plateau_tolerance < 1):
            raise ValueError("plateau epochs must be >= 0 and the plateau tolerance in [0, 1)")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(
                f"unknown learning-rate schedule {self.lr_schedule!r}; "
                f"choose one of {', '.join(LR_SCHEDULES)}"
            )
        if not (math.isfinite(self.test_fraction) and 0 <= self.test_fraction < 1):
            raise ValueError(
                f"the test fraction must be at least 0 and below 1, got {self.test_fraction}"
            )
        if not (0 <= self.noise_floor <= 0.5):
            raise ValueError(f"the noise floor must be in [0, 0.5], got {self.noise_floor}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"the learning rate must be a positive number, got {self.lr}")

    @property
    def training_noise(self) -> Noise | None:
        """The noise the training copies get: `noise`, raised to change at least `noise_floor`
        of the pixels (Gaussian noise as it is)."""
        noise = self.noise
        if noise is None or noise.kind not in CHANGED_SHARE:
            return noise
        level = max(noise.level, self.noise_floor / CHANGED_SHARE[noise.kind])
        return noise if level == noise.level else Noise(noise.kind, level)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["noise"] = str(self.noise) if self.noise else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("noise"):
            known["noise"] = Noise.parse(known["noise"])
        return cls(**known)

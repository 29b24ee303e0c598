"""Default settings per kind of model, shared by the command line, the window and the reports.

Each was measured (README, "Quality"): the AE's reach 0 wrong pixels on the 5x7 font on every
seed tried; denoising needs more capacity and many more steps, on fresh noisy copies, with the
learning rate decaying; the VAE's reconstruct every emoji and still generate new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    lr_schedule: str = "constant"
    free_bits: float = 0.0  # VAE: KL floor per latent axis (nats), see engine.models

    def model_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"hidden": self.hidden, "activation": self.activation}
        if self.free_bits:
            kwargs["free_bits"] = self.free_bits
        return kwargs

    def train_kwargs(self) -> dict[str, Any]:
        return {
            "epochs": self.epochs,
            "lr": self.lr,
            "stop_max_wrong_pixels": self.stop_max_wrong_pixels,
            "noise_copies": self.noise_copies,
            "lr_schedule": self.lr_schedule,
        }


PRESETS: dict[str, Preset] = {
    "ae": Preset(hidden=(64, 32), activation="tanh", epochs=5000, lr=0.01, stop_max_wrong_pixels=0),
    "dae": Preset(
        hidden=(128, 64), activation="relu", epochs=10000, lr=0.005, stop_max_wrong_pixels=None,
        noise="salt-pepper:0.1", noise_copies=16, lr_schedule="cosine",
    ),
    # VAE: relu and 1 nat of free bits per axis keep both latent axes in use on sets of
    # near-identical glyphs, where tanh without them let one axis collapse; stopping once every
    # glyph decodes from mu within 1 pixel leaves a smoother decoder, which draws more distinct
    # and new glyphs than training on (docs/vae_quality.md).
    "vae": Preset(
        hidden=(64, 32), activation="relu", epochs=5000, lr=0.005, stop_max_wrong_pixels=1,
        free_bits=1.0,
    ),
}  # fmt: skip

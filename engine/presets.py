"""Default settings per kind of model, shared by the command line, the window and the reports.

Each was measured (README, "Quality"; the AE and DAE on the validation zoo, docs/zoo.md): the
AE's reach 0 wrong pixels on every binary set of the zoo (5x7 to 20x20) on every seed tried;
denoising needs more capacity and many more steps, on fresh noisy copies, with the learning
rate decaying; the VAE's reconstruct every emoji and still generate new ones.
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
    batch_size: int = 0  # 0: the whole set (times its noisy copies) in one batch

    def model_kwargs(self) -> dict[str, Any]:
        return {"hidden": self.hidden, "activation": self.activation}

    def train_kwargs(self) -> dict[str, Any]:
        return {
            "epochs": self.epochs,
            "lr": self.lr,
            "stop_max_wrong_pixels": self.stop_max_wrong_pixels,
            "noise_copies": self.noise_copies,
            "lr_schedule": self.lr_schedule,
            "batch_size": self.batch_size,
        }


PRESETS: dict[str, Preset] = {
    "ae": Preset(hidden=(64, 32), activation="relu", epochs=5000, lr=0.01, stop_max_wrong_pixels=0),
    "dae": Preset(
        hidden=(128, 64), activation="relu", epochs=10000, lr=0.005, stop_max_wrong_pixels=None,
        noise="salt-pepper:0.1", noise_copies=16, lr_schedule="cosine",
    ),
    "vae": Preset(hidden=(64, 32), activation="tanh", epochs=5000, lr=0.005, stop_max_wrong_pixels=None),
}  # fmt: skip

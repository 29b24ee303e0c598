"""Corruptions for denoising: salt & pepper, Gaussian and bit flip, each driven by a Generator.

Every function returns a new array and leaves its input alone, so a clean set can be corrupted
afresh every epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def salt_and_pepper(images: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Each pixel, with probability p, becomes 0 or 1 with equal chance."""
    hit = rng.random(images.shape) < p
    salt = rng.random(images.shape) < 0.5
    return np.where(hit, salt.astype(images.dtype), images)


def gaussian(images: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Add N(0, sigma^2) to every pixel, then clip to [0, 1]."""
    noisy = images + rng.normal(0.0, sigma, images.shape).astype(images.dtype)
    return np.clip(noisy, 0.0, 1.0, out=noisy)


def bit_flip(images: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Each pixel, with probability p, becomes 1 - pixel."""
    flip = rng.random(images.shape) < p
    return np.where(flip, 1.0 - images, images).astype(images.dtype)


NOISES: dict[str, Callable[[np.ndarray, float, np.random.Generator], np.ndarray]] = {
    "salt-pepper": salt_and_pepper,
    "gaussian": gaussian,
    "bitflip": bit_flip,
}
NOISE_LABELS: dict[str, str] = {
    "salt-pepper": "salt & pepper (p)",
    "gaussian": "Gaussian (sigma)",
    "bitflip": "bit flip (p)",
}


@dataclass(frozen=True)
class Noise:
    """A kind of noise and its level: probability p, or sigma for Gaussian."""

    kind: str
    level: float

    def __post_init__(self) -> None:
        if self.kind not in NOISES:
            raise ValueError(f"unknown noise {self.kind!r}; choose one of {', '.join(NOISES)}")
        if not np.isfinite(self.level) or self.level < 0:
            raise ValueError(f"noise level must be a number >= 0, got {self.level}")
        if self.kind != "gaussian" and self.level > 1:
            raise ValueError(f"{self.kind} is a probability: its level must be in [0, 1]")

    @classmethod
    def parse(cls, text: str) -> Noise:
        """'salt-pepper:0.1' -> Noise('salt-pepper', 0.1)."""
        kind, sep, level = text.partition(":")
        if not sep:
            raise ValueError(
                f"noise must look like KIND:LEVEL (e.g. salt-pepper:0.1), got {text!r}"
            )
        try:
            value = float(level)
        except ValueError:
            raise ValueError(f"noise level {level!r} is not a number") from None
        return cls(kind.strip(), value)

    def apply(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return NOISES[self.kind](images, self.level, rng)

    def __str__(self) -> str:
        return f"{self.kind}:{self.level:g}"

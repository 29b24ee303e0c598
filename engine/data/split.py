"""A held-out test split: images the model never trains on, so overfitting shows.

Small glyph sets are the thing to memorise (a font has one image per letter), so they are not
split unless asked. Above SPLIT_ABOVE images a set is a sample of something larger (digits,
MNIST) and a seeded tenth is held out by default. The same seed and fraction always hold out the
same images, whatever the model's own seed.
"""

from __future__ import annotations

import math

import numpy as np

from engine.data.dataset import Dataset, DatasetError

SPLIT_ABOVE = 1000  # sets with more images than this are split by default
DEFAULT_TEST_FRACTION = 0.1
SPLIT_STREAM = 3  # the split's random stream is drawn from (seed, SPLIT_STREAM)


def default_test_fraction(n_images: int) -> float:
    """The fraction held out when none is asked for: 0 for small sets."""
    return DEFAULT_TEST_FRACTION if n_images > SPLIT_ABOVE else 0.0


def split_dataset(data: Dataset, fraction: float, seed: int = 0) -> tuple[Dataset, Dataset | None]:
    """(train, test): round(fraction n) images drawn with `seed` are the test set, kept in file
    order in both parts. fraction 0 gives (data, None)."""
    is_test = held_out_rows(len(data), fraction, seed, data.name)
    if is_test is None:
        return data, None
    return _part(data, ~is_test, "train"), _part(data, is_test, "test")


def held_out_rows(
    n: int, fraction: float, seed: int = 0, name: str = "the set"
) -> np.ndarray | None:
    """Which of `n` images are held out: (n,) bool with round(fraction n) True, drawn with `seed`;
    None when that is no image. The Trainer splits by it too (TrainConfig.test_fraction)."""
    if not (math.isfinite(fraction) and 0 <= fraction < 1):
        raise DatasetError(f"the test fraction must be at least 0 and below 1, got {fraction}")
    n_test = round(fraction * n)
    if n_test == 0:
        return None
    if n_test >= n:
        raise DatasetError(
            f"data set {name!r}: holding out {n_test} of {n} images leaves none to train on"
        )
    rng = np.random.default_rng([seed, SPLIT_STREAM])
    is_test = np.zeros(n, bool)
    is_test[rng.choice(n, n_test, replace=False)] = True
    return is_test


def held_out_part(data: Dataset, rows: np.ndarray) -> Dataset:
    """The images of `data` at `rows` ((n,) bool, e.g. a Trainer's `test_rows`), in file order."""
    return _part(data, rows, "test")


def _part(data: Dataset, keep: np.ndarray, which: str) -> Dataset:
    labels = tuple(label for label, k in zip(data.labels, keep.tolist(), strict=True) if k)
    return Dataset(f"{data.name} ({which})", data.width, data.height, labels, data.pixels[keep])

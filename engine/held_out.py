"""A run's test images: scored between epochs, never trained on, within a share of the time.

The test set shows overfitting: its loss rises while the training loss still falls. Scoring it is
a forward pass over images the model never trains on (no gradients, no random draws, the same
weights give the same numbers), a block of EVAL_ROWS images at a time for uint8 sets. It is
scored at most while its scoring has taken no more than `share` of the run's training time so
far, so a large test set beside fast epochs is scored every few epochs instead of slowing them.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from engine.metrics import Evaluation, evaluate, evaluate_bytes

TEST_SHARE = 0.05  # scoring the test set takes at most about this share of the training time


class HeldOut:
    """The test images (n, d), uint8 (255 is 1.0) or floats, and the time spent scoring them."""

    def __init__(self, images: np.ndarray, dtype: np.dtype, share: float = TEST_SHARE) -> None:
        self._bytes = np.asarray(images).dtype == np.uint8
        self.images = np.ascontiguousarray(images, dtype=np.uint8 if self._bytes else dtype)
        self.share = share
        self.seconds = 0.0  # spent scoring so far
        if self.images.ndim != 2 or len(self.images) == 0:
            raise ValueError(
                f"the test images must be a non-empty (n, d) array, got {images.shape}"
            )

    def __len__(self) -> int:
        return len(self.images)

    def due(self, training_seconds: float) -> bool:
        """True while scoring has taken at most `share` of `training_seconds` (the first time
        always: nothing was spent yet)."""
        return self.seconds <= self.share * training_seconds

    def score(self, model) -> Evaluation:
        """The model's reconstruction of the test images, scored like the training set's."""
        start = time.perf_counter()
        ev = evaluate_bytes(model, self.images) if self._bytes else evaluate(model, self.images)
        self.seconds += time.perf_counter() - start
        return ev


def held_out_metrics(ev: Evaluation) -> dict[str, Any]:
    """A test set's scores as metrics.json and model files give them (the same numbers as the
    training set's, and wrong pixels per image)."""
    count = len(ev.wrong)
    return {
        "count": count,
        "max_wrong_pixels": ev.max_wrong,
        "total_wrong_pixels": ev.total_wrong,
        "wrong_pixels_per_image": ev.total_wrong / count,
        "mse": ev.mse,
        "loss": ev.loss,
    }

"""A run's test images: scored between epochs, never trained on, within a share of the time.

The test set shows overfitting: its loss rises while the training loss still falls. Scoring it is
a forward pass over images the model never trains on (no gradients, no random draws, the same
weights give the same numbers), a block of EVAL_ROWS images at a time for uint8 sets.

After a scoring the next is due t / share seconds later, t the fastest scoring but the first
(which pays for warming up: 80 ms against 3-5 for the digits' test set), so scoring takes at most
about `share` of the time: a large test set beside fast epochs is scored every few epochs instead
of slowing them, a small one beside slow epochs (MNIST) at every evaluation. The first WARM_UP
scorings are made at every evaluation, where the loss falls most (in the window a slow second
scoring had left the test curve without a point for 35 epochs there).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from engine.metrics import CodesHook, Evaluation, evaluate, evaluate_bytes

TEST_SHARE = 0.05  # scoring the test set takes at most about this share of the training time
WARM_UP = 4  # scorings made at every evaluation before the share applies


class HeldOut:
    """The test images (n, d), uint8 (255 is 1.0) or floats, and the time spent scoring them."""

    def __init__(
        self, images: np.ndarray, dtype: np.dtype, share: float | None = TEST_SHARE
    ) -> None:
        """`share` None: scored at every evaluation, whatever it costs."""
        self._bytes = np.asarray(images).dtype == np.uint8
        self.images = np.ascontiguousarray(images, dtype=np.uint8 if self._bytes else dtype)
        self.share = share
        self.seconds = 0.0  # spent scoring so far
        self.scorings = 0
        self._cost = np.inf  # seconds of the fastest scoring after the first
        self._next = -np.inf  # perf_counter time from which the next scoring is due
        if self.images.ndim != 2 or len(self.images) == 0:
            raise ValueError(
                f"the test images must be a non-empty (n, d) array, got {images.shape}"
            )

    def __len__(self) -> int:
        return len(self.images)

    def due(self) -> bool:
        """True once the time since the last scoring is its cost / share (the first time always)."""
        return time.perf_counter() >= self._next

    def score(self, model, on_codes: CodesHook | None = None) -> Evaluation:
        """The model's reconstruction of the test images, scored like the training set's;
        `on_codes` receives a uint8 set's codes block by block (evaluate_bytes)."""
        start = time.perf_counter()
        if self._bytes:
            ev = evaluate_bytes(model, self.images, on_codes=on_codes)
        else:
            ev = evaluate(model, self.images)
        end = time.perf_counter()
        self.seconds += end - start
        if self.scorings:
            self._cost = min(self._cost, end - start)
        self.scorings += 1
        if self.scorings >= WARM_UP and self.share is not None:
            self._next = end + self._cost / self.share
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

"""A run's evaluation records: what the loss plot, the CSV export and session files read.

The test set's columns (`TEST_KEYS`) hold NaN where the test set was not scored: a run without
one, or an evaluation between two scorings of a large test set (engine.held_out).
"""

from __future__ import annotations

import numpy as np

from engine.metrics import Evaluation


class History:
    """Per-evaluation records in growable arrays, handed to snapshots as read-only views.

    Records are only ever appended (a full buffer is replaced by a larger copy), so a view of the
    first n records never changes: snapshots share the memory instead of copying a history that
    grows by one record per epoch (5.6 MB at 100,000 epochs, 30 snapshots a second).
    """

    KEYS = ("epoch", "loss", "recon", "kl", "mse", "max_wrong", "total_wrong")
    TEST_KEYS = ("test_loss", "test_wrong")  # the test set's loss and wrong pixels per image
    ALL_KEYS = KEYS + TEST_KEYS

    def __init__(self) -> None:
        self._data = np.zeros((len(self.ALL_KEYS), 256))
        self._n = 0

    def append(self, epoch: int, ev: Evaluation, test: Evaluation | None = None) -> None:
        """Record the training set's evaluation `ev` and, when it was scored, the test set's."""
        if self._n == self._data.shape[1]:
            self._data = np.concatenate([self._data, np.zeros_like(self._data)], axis=1)
        if test is None:
            test_loss = test_wrong = np.nan
        else:
            test_loss, test_wrong = test.loss, test.total_wrong / len(test.wrong)
        self._data[:, self._n] = (
            epoch, ev.loss, ev.recon, ev.kl, ev.mse, ev.max_wrong, ev.total_wrong,
            test_loss, test_wrong,
        )  # fmt: skip
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def arrays(self) -> dict[str, np.ndarray]:
        """Every key's records so far (n,), read-only."""
        shown = self._data[:, : self._n].view()
        shown.flags.writeable = False
        return {key: shown[i] for i, key in enumerate(self.ALL_KEYS)}

    @classmethod
    def readable(cls, arrays: dict[str, np.ndarray]) -> bool:
        """True when `arrays` hold every training key (files from before the test keys too)."""
        return set(cls.KEYS) <= set(arrays) <= set(cls.ALL_KEYS)

    def load(self, arrays: dict[str, np.ndarray]) -> None:
        """Replace the records with `arrays`; missing test keys read as "not scored" (NaN)."""
        n = len(arrays["epoch"])
        self._data = np.zeros((len(self.ALL_KEYS), max(256, n)))
        for i, key in enumerate(self.ALL_KEYS):
            self._data[i, :n] = arrays.get(key, np.nan)
        self._n = n

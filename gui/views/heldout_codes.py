"""The held-out (test) images' codes for the latent plane, computed off the GUI thread.

Encoding 10,000 MNIST test images takes the encoder ~0.1-0.3 s: too long for the GUI thread on
every snapshot. `HeldOutCodes` encodes them on its own one-thread pool with a snapshot's frozen
model copy (engine.latent.encode_blocks), one pass at a time and at most every REFRESH_MS while
a run goes on, and hands the codes back through `codes_ready`. A run controller that already
has the codes passes them to `set_codes` instead, and nothing is computed.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from engine.data.datasets import Dataset
from engine.latent import encode_blocks
from engine.training import Snapshot

REFRESH_MS = 1000  # while a run goes on, the test codes follow it this often at most


class _Signals(QObject):
    encoded = Signal(int, object)  # (job number, codes (m, L))


class _EncodeJob(QRunnable):
    def __init__(self, number: int, snapshot: Snapshot, dataset: Dataset, signals: _Signals):
        super().__init__()
        self._number, self._snapshot, self._dataset = number, snapshot, dataset
        self._signals = signals

    def run(self) -> None:
        codes = encode_blocks(self._snapshot.model, self._dataset.pixels)  # (m, L)
        self._signals.encoded.emit(self._number, codes)


class HeldOutCodes(QObject):
    """The codes of a set of test images under the latest snapshot's model, while `active`."""

    codes_ready = Signal(object)  # np.ndarray (m, L), or None when there are none to show

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.encoded.connect(self._on_encoded)
        self._dataset: Dataset | None = None
        self._given: np.ndarray | None = None  # codes the run controller provided
        self._snapshot: Snapshot | None = None
        self.active = False
        self._job = 0  # the latest job's number; older results are dropped
        self._running = False
        self._started = -float("inf")  # time.monotonic() of the latest job
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._start)

    @property
    def dataset(self) -> Dataset | None:
        return self._dataset

    def set_dataset(self, dataset: Dataset | None) -> None:
        """The test images (their labels colour the rings); None: there is no test split."""
        self._dataset, self._given = dataset, None
        self._job += 1  # a job on the old images is stale
        self._refresh()

    def set_codes(self, codes: np.ndarray | None) -> None:
        """Codes of the test images the run already has (m, L): shown as they are."""
        self._given = None if codes is None else np.asarray(codes, np.float64)
        self._refresh()

    def set_active(self, on: bool) -> None:
        self.active = bool(on)
        self._refresh()

    def set_snapshot(self, snapshot: Snapshot | None) -> None:
        """A new model to encode with (computed only while active, REFRESH_MS apart)."""
        self._snapshot = snapshot
        if self.active and self._given is None:
            self._start()

    def wait(self, ms: int = -1) -> bool:
        """Block until no job runs (closing; tests)."""
        return self._pool.waitForDone(ms)

    def _refresh(self) -> None:
        if not self.active or self._dataset is None:
            self.codes_ready.emit(None)
        elif self._given is not None:
            self.codes_ready.emit(self._given)
        else:
            self._start()

    @Slot()
    def _start(self) -> None:
        snapshot, dataset = self._snapshot, self._dataset
        if not self.active or self._given is not None or snapshot is None or dataset is None:
            return
        if snapshot.model.n_inputs != dataset.n_pixels:
            return  # the run has not caught up with a set of this size yet
        wait = self._started + REFRESH_MS / 1000 - time.monotonic()
        if self._running or wait > 0:
            if not self._timer.isActive():
                self._timer.start(max(1, int(1000 * max(wait, 0.05))))
            return
        self._job += 1
        self._running, self._started = True, time.monotonic()
        self._pool.start(_EncodeJob(self._job, snapshot, dataset, self._signals))

    @Slot(int, object)
    def _on_encoded(self, number: int, codes: np.ndarray) -> None:
        self._running = False
        if number != self._job:  # made for images or a model since replaced: again
            self._start()
        elif self.active and self._given is None:
            self.codes_ready.emit(codes)

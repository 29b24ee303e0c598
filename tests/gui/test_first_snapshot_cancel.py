"""A first snapshot of a big set let go of (a new set, closing) stops after its block in progress."""

import numpy as np

import engine.metrics
from engine import Autoencoder, TrainConfig, Trainer
from engine.data.dataset import unit_floats
from engine.metrics import EVAL_ROWS
from gui.run.training_worker import TrainingWorker

BLOCKS = 5


def test_cancel_during_the_first_snapshot_ends_it_after_one_block(qtbot, monkeypatch):
    pixels = np.random.default_rng(0).integers(0, 256, (BLOCKS * EVAL_ROWS, 16), dtype=np.uint8)
    config = TrainConfig(batch_size=128, stop_max_wrong_pixels=None)
    worker = TrainingWorker(Trainer(Autoencoder(16, (8,), 2, seed=1), pixels, config))
    scored, said = [], []
    worker.snapshot_ready.connect(said.append)
    worker.failed.connect(said.append)

    def floats(*args, **kwargs):  # a block scored; the window lets the run go meanwhile
        scored.append(1)
        worker.cancel()
        return unit_floats(*args, **kwargs)

    monkeypatch.setattr(engine.metrics, "unit_floats", floats)
    worker.first_snapshot()  # not moved to a thread: runs here, at once
    # Before, the snapshot went on through every block and was handed over to nobody.
    assert len(scored) == 1
    assert said == []

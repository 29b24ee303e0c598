"""A first snapshot of a big set of bytes let go of ends after the block of images in progress."""

import numpy as np
import pytest

import engine.metrics
import engine.training
from engine import Autoencoder, TrainConfig, Trainer
from engine.data.dataset import unit_floats
from engine.metrics import EVAL_ROWS
from engine.training import SnapshotCancelled

BLOCKS = 5


@pytest.fixture
def counted(monkeypatch):
    """A Trainer on BLOCKS blocks of 4x4 bytes, counting the blocks it scores (engine.metrics)
    and encodes (engine.training), each a block of bytes made floats."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (BLOCKS * EVAL_ROWS, 16), dtype=np.uint8)  # (n, 16)
    config = TrainConfig(batch_size=128, stop_max_wrong_pixels=None)
    trainer = Trainer(Autoencoder(16, (8,), 2, seed=1), pixels, config, test_share=None)
    blocks = {"scored": 0, "encoded": 0}

    def counting(module, name):
        def floats(*args, **kwargs):
            blocks[name] += 1
            return unit_floats(*args, **kwargs)

        monkeypatch.setattr(module, "unit_floats", floats)

    counting(engine.metrics, "scored")
    counting(engine.training, "encoded")
    return trainer, blocks


def test_a_snapshot_not_cancelled_scores_and_encodes_every_block(counted):
    trainer, blocks = counted  # the negative control of the two below
    snapshot = trainer.snapshot(cancelled=lambda: False)
    assert blocks == {"scored": BLOCKS, "encoded": BLOCKS}
    assert snapshot.latent.shape == (BLOCKS * EVAL_ROWS, 2)


def test_a_snapshot_cancelled_while_scoring_ends_after_that_block(counted):
    trainer, blocks = counted
    with pytest.raises(SnapshotCancelled):
        trainer.snapshot(cancelled=lambda: blocks["scored"] >= 1)
    assert blocks == {"scored": 1, "encoded": 0}
    assert trainer.last_evaluation is None  # nothing half-scored is kept


def test_a_snapshot_cancelled_while_encoding_ends_after_that_block(counted):
    trainer, blocks = counted
    with pytest.raises(SnapshotCancelled):
        trainer.snapshot(cancelled=lambda: blocks["encoded"] >= 1)
    assert blocks == {"scored": BLOCKS, "encoded": 1}

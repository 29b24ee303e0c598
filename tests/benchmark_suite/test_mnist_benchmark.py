"""benchmarks/mnist.py's plumbing at a tiny size: the synthetic IDX pair, the train command's
peak memory, and an engine epoch. No timing is asserted (PyTorch is optional and not run)."""

import numpy as np

from benchmarks.mnist import cli_run, engine_epoch, synthetic_mnist
from engine.data.datasets import load_dataset


def test_synthetic_idx_pair_trains_from_the_command_line(tmp_path):
    path = synthetic_mnist(tmp_path, n=64)
    data = load_dataset(str(path))
    assert (len(data), data.width, data.height) == (64, 28, 28)
    assert set(data.labels) <= {str(k) for k in range(10)}
    ink = data.pixels > 0
    assert 0.01 < ink.mean() < 0.5  # strokes on black, like MNIST
    run = cli_run(path, tmp_path / "run")
    assert run["peak_rss_mb"] > 10
    assert run["test"] is None  # 64 images: no held-out split
    assert engine_epoch(data.pixels) > 0
    assert np.isfinite(run["training_seconds"])

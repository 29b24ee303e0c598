"""Autoencoder Lab's engine: from-scratch NumPy autoencoders, usable from a script, free of Qt.

Importing it before NumPy also tells OpenBLAS to put idle worker threads to sleep at once. By
default they spin for 2^28 cycles (~0.1 s) after every matrix product, so while a large network
trains they hold the second core that Adam's second thread needs: the update of the 1.07M
parameters of the 784-512-256-2 network took 6 ms instead of 3 (measured). A user's own setting
wins, and it has no effect once NumPy is loaded.
"""

import os

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # 2^4 cycles: the smallest it takes

from engine.data.noise import Noise
from engine.metrics import Evaluation, evaluate, wrong_pixels
from engine.models import Autoencoder, VariationalAutoencoder, model_from_config
from engine.train_config import TrainConfig
from engine.training import Snapshot, Trainer

__all__ = [
    "Autoencoder",
    "Evaluation",
    "Noise",
    "Snapshot",
    "TrainConfig",
    "Trainer",
    "VariationalAutoencoder",
    "evaluate",
    "model_from_config",
    "wrong_pixels",
]

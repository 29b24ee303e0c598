"""Autoencoder Lab's engine: from-scratch NumPy autoencoders, usable from a script, free of Qt."""

from engine.metrics import Evaluation, evaluate, wrong_pixels
from engine.models import Autoencoder, VariationalAutoencoder, model_from_config
from engine.noise import Noise
from engine.training import Snapshot, TrainConfig, Trainer

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

"""Latent-space helpers: grids, straight paths, prior samples."""

import numpy as np
import pytest

from engine import Autoencoder
from engine.latent import interpolate, latent_grid, sample_prior


def test_grid_reads_like_the_plot():
    codes = latent_grid(Autoencoder(4, (3,), latent=3), 3, -1.0, 1.0)
    assert codes.shape == (9, 3)
    assert codes[0].tolist() == [-1.0, 1.0, 0.0]  # top left: low x, high y
    assert codes[2].tolist() == [1.0, 1.0, 0.0]
    assert codes[-1].tolist() == [1.0, -1.0, 0.0]


def test_interpolation_is_a_straight_line_with_both_ends():
    path = interpolate(np.array([0.0, 2.0]), np.array([4.0, -2.0]), 5)
    assert path.tolist() == [[0, 2], [1, 1], [2, 0], [3, -1], [4, -2]]
    with pytest.raises(ValueError, match="2 frames"):
        interpolate(np.zeros(2), np.ones(2), 1)


def test_prior_samples_are_standard_normal():
    z = sample_prior(2, 20000, np.random.default_rng(0))
    assert z.shape == (20000, 2)
    assert np.allclose(z.mean(axis=0), 0, atol=0.03)
    assert np.allclose(z.std(axis=0), 1, atol=0.03)

"""Latent-space helpers: grids, straight paths, prior samples and nearest glyphs."""

import numpy as np
import pytest

from engine import Autoencoder
from engine.latent import interpolate, latent_grid, nearest_glyphs, sample_prior


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


def test_nearest_glyphs_counts_thresholded_differences():
    refs = np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1]], dtype=np.float32)
    images = np.array([[0.9, 0.8, 0.1, 0.0], [0.6, 0.7, 0.9, 0.2], [0.0, 0.0, 0.4, 0.0]])
    index, distance = nearest_glyphs(images, refs)
    assert index.tolist() == [1, 1, 0]
    assert distance.tolist() == [0, 1, 0]


def test_nearest_glyphs_in_uint8_bytes_match_the_float_images():
    """A Dataset's uint8 pixels (k stands for k / 255) give the float images' answer: 128 is
    ink and 127 is not, in sets wider than one 64-pixel word (MNIST's 784 pixels)."""
    rng = np.random.default_rng(0)
    refs = rng.integers(0, 256, (300, 784)).astype(np.uint8)  # (n, d)
    refs[:, 0] = 127  # just under the threshold: not ink
    images = np.divide(refs[[5, 77, 299]], 255, dtype=np.float32)  # the floats they stand for
    images[:, 700:] = 1 - images[:, 700:]  # moved away from their references in 84 pixels
    floats = np.divide(refs, 255, dtype=np.float32)
    expected = nearest_glyphs(images, floats)
    got = nearest_glyphs(images, refs)
    assert got[0].tolist() == expected[0].tolist() == [5, 77, 299]
    assert got[1].tolist() == expected[1].tolist()
    assert got[1].min() > 0
    refs[:, 0] = 128  # now ink in every reference but none of the images: one more each
    assert nearest_glyphs(images, refs)[1].tolist() == (got[1] + 1).tolist()

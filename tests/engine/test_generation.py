"""Generation metrics: what the decoded latent grid offers, with decoders built to fail each check."""

import numpy as np
import pytest

from benchmarks.zoo_faces import smiley_variants
from engine.generation import GridQuality, collapse_report, grid_quality, score_grid
from engine.models import VariationalAutoencoder
from engine.presets import PRESETS
from engine.train_config import TrainConfig
from engine.training import Trainer


class PlaneDecoder:
    """A stand-in decoder: image = sigmoid of a fixed mix of z1 and z2 (weights per axis)."""

    kind, latent, dtype = "ae", 2, np.dtype(np.float64)

    def __init__(self, w1: float, w2: float, pixels: int = 16) -> None:
        rng = np.random.default_rng(0)
        self.a, self.b = w1 * rng.standard_normal(pixels), w2 * rng.standard_normal(pixels)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return 1.0 / (
            1.0 + np.exp(-(np.outer(codes[:, 0], self.a) + np.outer(codes[:, 1], self.b)))
        )


TRAINING = np.zeros((3, 16))


def test_a_decoder_that_ignores_z2_is_named_collapsed_on_z2():
    quality = grid_quality(PlaneDecoder(3.0, 0.0), TRAINING)
    assert quality.axis_change[1] == 0 and quality.axis_change[0] > 0.01
    assert quality.collapsed_axis == 1
    assert "z2 has collapsed" in quality.summary()
    assert quality.to_dict()["collapsed_axis"] == "z2"


def test_a_decoder_that_ignores_z1_is_named_collapsed_on_z1():
    assert grid_quality(PlaneDecoder(0.0, 3.0), TRAINING).collapsed_axis == 0


def test_a_decoder_that_uses_both_axes_is_not_collapsed():
    quality = grid_quality(PlaneDecoder(3.0, 2.0), TRAINING)
    assert quality.axis_ratio >= 0.3
    assert quality.collapsed_axis is None
    assert "collapsed" not in quality.summary()


def test_a_weak_axis_below_three_tenths_of_the_other_counts_as_collapsed():
    assert grid_quality(PlaneDecoder(3.0, 0.5), TRAINING).collapsed_axis == 1
    assert grid_quality(PlaneDecoder(3.0, 1.5), TRAINING).collapsed_axis is None


def test_distinct_new_and_nearest_are_counted_on_thresholded_images():
    a = np.zeros(8)
    b = np.zeros(8)
    b[:2] = 1.0
    training = np.stack([a, b])  # (2, 8)
    near_a = a + 0.4  # still `a` once thresholded
    c = np.zeros(8)
    c[4:7] = 0.9  # 3 pixels from a, 5 from b: new
    d = b.copy()
    d[5:7] = 0.8  # 2 pixels from b: distinct but not new
    images = np.stack([a, near_a, b, c, d, c, a, a, a])  # a 3x3 grid
    quality = score_grid(images, training, 3, -2.0, 2.0, np.zeros((9, 2)))
    assert quality.distinct == 4  # a, b, c, d
    assert quality.new == 1  # c only, counted once although it appears twice
    assert quality.distance.tolist() == [0, 0, 0, 3, 2, 3, 0, 0, 0]
    assert quality.nearest.tolist()[:5] == [0, 0, 1, 0, 1]
    assert quality.largest_share == pytest.approx(5 / 9)


def test_a_one_dimensional_latent_has_no_axis_to_collapse():
    class Line(PlaneDecoder):
        latent = 1

        def decode(self, codes):
            return 1.0 / (1.0 + np.exp(-np.outer(codes[:, 0], self.a)))

    quality = grid_quality(Line(3.0, 0.0), TRAINING)
    assert len(quality.axis_change) == 1
    assert quality.axis_ratio is None and quality.collapsed_axis is None


class CodedVAE(PlaneDecoder):
    """A stand-in VAE: fixed codes mu (n, L) with unit-free spread, decoded by PlaneDecoder."""

    kind, beta = "vae", 1.0

    def __init__(self, mu: np.ndarray, w1: float = 3.0, w2: float = 2.0) -> None:
        super().__init__(w1, w2)
        self.mu, self.latent = mu, mu.shape[1]

    def encode_distribution(self, images):
        return self.mu, np.full_like(self.mu, -4.0)  # sigma 0.14: a sharp posterior

    def decode(self, codes):
        return super().decode(codes[:, :2])


SPREAD = np.random.default_rng(1).standard_normal((12, 2))  # (12, 2) codes using both axes


def test_collapse_report_is_silent_for_a_healthy_plane():
    assert collapse_report(CodedVAE(SPREAD), np.zeros((12, 16))) is None


def test_collapse_report_names_a_plane_axis_whose_codes_are_the_prior():
    mu = SPREAD.copy()
    mu[:, 1] = 0.0  # z2 says nothing about the glyph; its KL is that of sigma alone
    model = CodedVAE(mu)
    model.encode_distribution = lambda images: (mu, np.array([[-4.0, 0.0]] * 12))
    text = collapse_report(model, np.zeros((12, 16)))
    assert "axis z2 carries no information" in text and "lower beta" in text


def test_an_unused_third_axis_and_a_tiny_set_are_no_collapse():
    mu = np.concatenate([SPREAD, np.zeros((12, 1))], axis=1)  # (12, 3): z3 unused
    model = CodedVAE(mu)
    model.encode_distribution = lambda images: (mu, np.array([[-4.0, -4.0, 0.0]] * 12))
    assert collapse_report(model, np.zeros((12, 16))) is None
    one_image = CodedVAE(SPREAD[:2], w1=0.0, w2=0.0)  # two glyphs, the grid all one image
    assert grid_quality(one_image, np.zeros((2, 16))).largest_share == 1.0
    assert collapse_report(one_image, np.zeros((2, 16))) is None
    many = CodedVAE(SPREAD, w1=0.0, w2=0.0)  # twelve glyphs, the grid all one image
    assert "decodes to one and the same image" in collapse_report(many, np.zeros((12, 16)))


def _smiley_vae(epochs: int | None = None, **changes) -> tuple[VariationalAutoencoder, np.ndarray]:
    data = smiley_variants()
    preset = PRESETS["vae"]
    model = VariationalAutoencoder(data.n_pixels, seed=0, **{**preset.model_kwargs(), **changes})
    config = TrainConfig(**{**preset.train_kwargs(), "epochs": epochs or preset.epochs})
    Trainer(model, data.images, config).run()
    return model, data.images


def test_the_vae_preset_keeps_both_axes_on_near_identical_smileys():
    """Seed 0 of the 12 smileys: the preset reconstructs every one within a pixel (decoding mu),
    spreads them over both axes and draws many distinct images; the old recipe (tanh, no free
    bits) is the negative control: it lets z1 or z2 collapse, and the warning names it."""
    model, images = _smiley_vae()
    quality = grid_quality(model, images)
    wrong = ((model.reconstruct(images) >= 0.5) != (images >= 0.5)).sum(axis=1)
    assert wrong.max() <= 1
    assert quality.axis_ratio >= 0.3
    assert (
        quality.distinct >= 35 and quality.new >= 5
    )  # 39 and 7 with the Haswell and SkylakeX kernels
    assert collapse_report(model, images, quality) is None
    old, images = _smiley_vae(1500, activation="tanh", free_bits=0.0)  # collapsed by then
    quality = grid_quality(old, images)
    assert quality.collapsed_axis is not None
    assert "lower beta" in collapse_report(old, images, quality)


def test_gridquality_is_frozen():
    quality = grid_quality(PlaneDecoder(1.0, 1.0), TRAINING)
    assert isinstance(quality, GridQuality)
    with pytest.raises(AttributeError):
        quality.distinct = 3

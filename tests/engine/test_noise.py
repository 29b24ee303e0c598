"""Noise kinds: the right statistics, seeded, and never touching the clean input."""

import numpy as np
import pytest

from engine.data.noise import Noise

CLEAN = np.tile(np.array([0.0, 1.0], dtype=np.float32), (200, 50))  # (200, 100): half ink


def test_salt_and_pepper_replaces_a_fraction_p_with_random_values():
    rng = np.random.default_rng(0)
    noisy = Noise("salt-pepper", 0.2).apply(CLEAN, rng)
    changed = np.mean(noisy != CLEAN)
    assert changed == pytest.approx(0.1, abs=0.01)  # replaced with the other value half the time
    assert set(np.unique(noisy)) <= {0.0, 1.0}


def test_bit_flip_flips_a_fraction_p():
    noisy = Noise("bitflip", 0.05).apply(CLEAN, np.random.default_rng(1))
    assert np.mean(noisy != CLEAN) == pytest.approx(0.05, abs=0.005)


def test_gaussian_adds_sigma_and_clips_to_unit_range():
    grey = np.full((300, 100), 0.5, dtype=np.float32)
    noisy = Noise("gaussian", 0.1).apply(grey, np.random.default_rng(2))
    assert noisy.std() == pytest.approx(0.1, rel=0.05)
    clipped = Noise("gaussian", 0.5).apply(CLEAN, np.random.default_rng(2))
    assert clipped.min() == 0.0
    assert clipped.max() == 1.0
    # half the pixels are 0 and half of their noise is negative; 1 - 2 sigma is rare (2.3 %)
    assert np.mean(clipped == 0.0) == pytest.approx(0.25 + 0.5 * 0.0228, abs=0.01)


@pytest.mark.parametrize("kind", ["salt-pepper", "gaussian", "bitflip"])
def test_seeded_noise_repeats_and_leaves_input_untouched(kind):
    before = CLEAN.copy()
    a = Noise(kind, 0.3).apply(CLEAN, np.random.default_rng(7))
    b = Noise(kind, 0.3).apply(CLEAN, np.random.default_rng(7))
    c = Noise(kind, 0.3).apply(CLEAN, np.random.default_rng(8))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.array_equal(CLEAN, before)
    assert a.dtype == CLEAN.dtype


def test_parse_and_format():
    assert Noise.parse("salt-pepper:0.1") == Noise("salt-pepper", 0.1)
    assert str(Noise("gaussian", 0.25)) == "gaussian:0.25"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("salt-pepper", "KIND:LEVEL"),
        ("speckle:0.1", "unknown noise"),
        ("bitflip:x", "not a number"),
        ("bitflip:1.5", "probability"),
        ("gaussian:-1", ">= 0"),
    ],
)
def test_bad_noise_specs_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        Noise.parse(text)

"""The held-out test split: seeded, disjoint, labels following their images, default by size."""

import numpy as np
import pytest

from engine.data.dataset import Dataset, DatasetError
from engine.data.split import SPLIT_ABOVE, default_test_fraction, split_dataset


@pytest.fixture(scope="module")
def numbered():
    """200 one-pixel-row images whose first byte is their index: parts can be traced back."""
    pixels = np.zeros((200, 2), np.uint8)
    pixels[:, 0] = np.arange(200)
    return Dataset("numbered", 2, 1, tuple(str(i) for i in range(200)), pixels)


def test_split_is_disjoint_seeded_and_keeps_labels_with_images(numbered):
    train, test = split_dataset(numbered, 0.1, seed=3)
    train_ids, test_ids = train.pixels[:, 0].tolist(), test.pixels[:, 0].tolist()
    assert len(test_ids) == 20 and len(train_ids) == 180
    assert sorted(train_ids + test_ids) == list(range(200))
    assert train_ids == sorted(train_ids)  # file order kept within each part
    assert test.labels == tuple(str(i) for i in test_ids)
    assert train.pixels.dtype == np.uint8
    again = split_dataset(numbered, 0.1, seed=3)[1]
    assert again.pixels[:, 0].tolist() == test_ids
    other = split_dataset(numbered, 0.1, seed=4)[1]  # negative control: another seed
    assert other.pixels[:, 0].tolist() != test_ids


def test_no_split_and_bad_fractions(numbered):
    assert split_dataset(numbered, 0.0) == (numbered, None)
    for bad in (-0.1, 1.0, float("nan")):
        with pytest.raises(DatasetError, match="test fraction"):
            split_dataset(numbered, bad)


def test_default_fraction_by_size():
    assert default_test_fraction(SPLIT_ABOVE) == 0.0  # the 32-glyph font is memorised whole
    assert default_test_fraction(SPLIT_ABOVE + 1) == 0.1

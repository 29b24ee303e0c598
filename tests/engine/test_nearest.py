"""The nearest training image by thresholded pixels: the block-wise matrix product and the packed
index must give the same answers (the first of equals), from floats and from uint8 bytes."""

import numpy as np
import pytest

from engine.nearest import InkIndex, nearest_images


def block_nearest(images, references):
    return nearest_images(images, references, rows=64)  # small blocks: ties across blocks


def index_nearest(images, references):
    return InkIndex(references).nearest(images)


@pytest.fixture(params=[block_nearest, index_nearest], ids=["blocks", "index"])
def nearest(request):
    return request.param


def test_nearest_counts_thresholded_differences(nearest):
    refs = np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1]], dtype=np.float32)
    images = np.array([[0.9, 0.8, 0.1, 0.0], [0.6, 0.7, 0.9, 0.2], [0.0, 0.0, 0.4, 0.0]])
    index, distance = nearest(images, refs)
    assert index.tolist() == [1, 1, 0]
    assert distance.tolist() == [0, 1, 0]


def test_nearest_in_uint8_bytes_match_the_float_images(nearest):
    """A Dataset's uint8 pixels (k stands for k / 255) give the float images' answer: 128 is
    ink and 127 is not, in sets wider than one 64-pixel word (MNIST's 784 pixels)."""
    rng = np.random.default_rng(0)
    refs = rng.integers(0, 256, (300, 784)).astype(np.uint8)  # (n, d)
    refs[:, 0] = 127  # just under the threshold: not ink
    images = np.divide(refs[[5, 77, 299]], 255, dtype=np.float32)  # the floats they stand for
    images[:, 700:] = 1 - images[:, 700:]  # moved away from their references in 84 pixels
    floats = np.divide(refs, 255, dtype=np.float32)
    expected = nearest(images, floats)
    got = nearest(images, refs)
    assert got[0].tolist() == expected[0].tolist() == [5, 77, 299]
    assert got[1].tolist() == expected[1].tolist()
    assert got[1].min() > 0
    refs[:, 0] = 128  # now ink in every reference but none of the images: one more each
    assert nearest(images, refs)[1].tolist() == (got[1] + 1).tolist()


def test_both_ways_agree_on_ties_and_across_blocks(nearest):
    """Equal references in different blocks of `nearest_images`: the first one wins."""
    rng = np.random.default_rng(1)
    refs = (rng.random((1000, 35)) < 0.3).astype(np.uint8) * 255  # (n, d)
    images = rng.random((40, 35)).astype(np.float32)  # (m, d)
    refs[700] = refs[3] = np.where(images[0] >= 0.5, 255, 0)  # image 0 twice, blocks 0 and 10
    index, distance = nearest(images, refs)
    assert index[0] == 3 and distance[0] == 0
    expected = nearest_images(images, refs, rows=len(refs))  # one block
    assert index.tolist() == expected[0].tolist() and distance.tolist() == expected[1].tolist()
    refs[3] = 255 - refs[3]  # negative control: the first copy gone, the second is found
    assert nearest(images, refs)[0][0] == 700

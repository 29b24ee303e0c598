"""A session's data sets as arrays: the pixels as the set holds them (uint8 bytes or float32) in
an npy member of the session's zip, their name, size and labels in session.json.

60,000 MNIST images are 47 MB of bytes; written as JSON they took ~170 MB and ~30 s. As npy
members they are streamed into the zip and out of it in chunks (deflate level 1: ~0.2 s for
those 47 MB), so saving and opening cost time and memory in proportion to the bytes. Reading
checks the npy header (shape, dtype, no Python objects) against the labels and the size that
session.json declares before anything is allocated, and never loads a pickle.
"""

from __future__ import annotations

import zipfile
from typing import Any

import numpy as np

from engine import fields, limits
from engine.data.dataset import Dataset, DatasetError

# The members that hold the run's data set and, when the glyphs were edited since the run
# began, the edited set (session.json's "dataset" and "edited" describe them).
MEMBERS = {"dataset": "dataset.npy", "edited": "edited.npy"}
PIXEL_TYPES = (np.dtype(np.uint8), np.dtype("<f4"))  # what Dataset.pixels holds


def dataset_header(dataset: Dataset) -> dict[str, Any]:
    """What session.json says about a set whose pixels are in an npy member."""
    return {
        "name": dataset.name,
        "width": dataset.width,
        "height": dataset.height,
        "labels": list(dataset.labels),
    }


def write_pixels(archive: zipfile.ZipFile, member: str, dataset: Dataset) -> None:
    """Stream `dataset.pixels` (n, d) into `member` of `archive` (numpy writes 16 MB chunks)."""
    with archive.open(member, "w", force_zip64=True) as out:
        np.lib.format.write_array(out, dataset.pixels, allow_pickle=False)


def read_dataset(
    archive: zipfile.ZipFile, header: object, key: str, where: str, error: type[ValueError]
) -> Dataset:
    """The set that session.json's `key` describes, its pixels read from MEMBERS[key].

    The header's shape and dtype must be (labels, width * height) of uint8 or float32 before
    the pixels are read; a float set is then checked for values outside [0, 1] by Dataset.
    """
    member = MEMBERS[key]
    described = fields.mapping(header, key, where, error)

    def field(name: str) -> Any:
        return fields.item(described, name, f"{key}.{name}", where, error)

    name = fields.text(field("name"), f"{key}.name", where, error)
    side = limits.MAX_SIDE
    width = fields.whole(field("width"), f"{key}.width", where, error, 1, side)
    height = fields.whole(field("height"), f"{key}.height", where, error, 1, side)
    labels = fields.sequence(field("labels"), f"{key}.labels", where, error)
    limits.check_count(len(labels), limits.MAX_GLYPHS, f"the number of {key} labels", where, error)
    for i, label in enumerate(labels):
        fields.text(label, f"{key}.labels[{i}]", where, error, limits.MAX_LABEL_CHARS)
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise error(f"{where}: the session has no {member} (the pixels of its {key})") from None
    expected = (len(labels), width * height)
    with archive.open(info) as stream:
        shape, dtype = limits.check_npy_header(stream, info.file_size, member, where, error)
    if shape != expected or dtype not in PIXEL_TYPES:
        raise error(
            f"{where}: {member} holds {dtype} of shape {shape}; session.json declares "
            f"{len(labels):,} images of {width}x{height}, as uint8 or float32 of shape {expected}"
        )
    values = expected[0] * expected[1]
    limits.check_count(values, limits.MAX_DATASET_VALUES, "the number of pixels", where, error)
    # The pixels as read, and the Dataset's own frozen copy of them.
    limits.check_memory(2 * values * dtype.itemsize, f"the {key}'s pixels", where, error)
    with archive.open(info) as stream:  # read in chunks of 256 K items into one array
        pixels = np.lib.format.read_array(stream, allow_pickle=False)
    try:
        return Dataset(name, width, height, tuple(labels), pixels)
    except DatasetError as exc:
        raise error(f"{where}: the {key} in {member} is unusable: {exc}") from None

"""A folder of PNG pictures as a glyph set, read without Qt (engine.data.png_reader).

Two layouts: PNGs directly in the folder (each labelled by its file name), or one subfolder per
class holding that class's PNGs (each labelled by its subfolder's name, as torchvision's
ImageFolder reads them). Every picture must have the set's size (no scaling here: the window's
import scales). Colour becomes grey and transparency is laid on white. Ink is what differs from
the background, read from the pictures' borders: dark ink on a light page becomes 1.0, and so
does light ink on a dark page (MNIST's white digits on black).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine import limits
from engine.data.dataset import MAX_SIZE, Dataset, DatasetError
from engine.data.png_reader import read_png, to_grey


def png_files(folder: Path) -> list[tuple[Path, str]]:
    """(file, label) of every PNG: top-level files, else one subfolder per class; sorted."""
    top = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".png" and p.is_file())
    if top:
        return [(p, p.stem) for p in top]
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        found += [
            (p, sub.name)
            for p in sorted(sub.iterdir())
            if p.suffix.lower() == ".png" and p.is_file()
        ]
    return found


def load_image_folder(folder: str | Path) -> Dataset:
    """Every PNG of `folder` (see the module doc) as a uint8 Dataset named after the folder."""
    folder = Path(folder)
    files = png_files(folder)
    if not files:
        raise DatasetError(
            f"{folder}: no .png files in the folder or in its subfolders (one per class)"
        )
    limits.check_count(
        len(files), limits.MAX_GLYPHS, "the number of pictures", str(folder), DatasetError
    )
    first = to_grey(read_png(files[0][0]))
    height, width = first.shape
    if height > MAX_SIZE or width > MAX_SIZE:
        raise DatasetError(
            f"{files[0][0]}: {width}x{height} pixels; sides up to {MAX_SIZE} are read here "
            "(the window's Import scales pictures down)"
        )
    images = np.empty((len(files), height, width), np.uint8)
    for index, (path, _label) in enumerate(files):
        grey = first if index == 0 else to_grey(read_png(path))  # (h, w)
        if grey.shape != (height, width):
            raise DatasetError(
                f"{path}: {grey.shape[1]}x{grey.shape[0]} pixels, but {files[0][0].name} has "
                f"{width}x{height}; every picture of a set must have one size"
            )
        images[index] = grey
    border = np.concatenate(
        [
            images[:, 0].ravel(),
            images[:, -1].ravel(),
            images[:, :, 0].ravel(),
            images[:, :, -1].ravel(),
        ]
    )
    if border.mean() >= 128:  # a light page: the ink is dark
        np.subtract(255, images, out=images)
    labels = tuple(label for _, label in files)
    return Dataset(folder.name, width, height, labels, images.reshape(len(files), -1))

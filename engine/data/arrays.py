"""Image sets saved by NumPy: a .npy array, or a .npz archive, of shape (n, height, width).

uint8 arrays stay bytes (255 is 1.0); float arrays must hold values in [0, 1]. Pickles are never
loaded (`allow_pickle=False`), and every array's header (dtype and shape) is read and checked
before its data, so a wrong or oversized file costs nothing. In a .npz the images are the array
named `images`, `x`, `x_train` or `arr_0` (Keras' mnist.npz holds `x_train`), or its only 3-D
array; class labels, when present, are the 1-D array named `labels`, `y`, `y_train` or `arr_1`.
`save_npz` writes a set so (the window's Save for sets of images: JSON takes half a minute for
60,000 images, a .npz of their bytes well under a second).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

import numpy as np

from engine import limits
from engine.atomic import atomic_file
from engine.data.dataset import MAX_SIZE, Dataset, DatasetError

IMAGE_NAMES = ("images", "x", "x_train", "arr_0")
LABEL_NAMES = ("labels", "y", "y_train", "arr_1")
IMAGE_KINDS = "uf"  # unsigned bytes or floats
LABEL_KINDS = "iuU"  # class numbers or names


def _check_images(shape: tuple[int, ...], dtype: np.dtype, where: str) -> None:
    if len(shape) != 3:
        raise DatasetError(f"{where}: images must have shape (n, height, width), got {shape}")
    n, height, width = shape
    if dtype.kind not in IMAGE_KINDS or (dtype.kind == "u" and dtype.itemsize != 1):
        raise DatasetError(f"{where}: images must be uint8 or floats in [0, 1], not {dtype}")
    if not 1 <= height <= MAX_SIZE or not 1 <= width <= MAX_SIZE:
        raise DatasetError(
            f"{where}: images of {width}x{height} pixels; sides of 1..{MAX_SIZE} are accepted"
        )
    if n < 1:
        raise DatasetError(f"{where}: the array holds no images")
    limits.check_count(n, limits.MAX_GLYPHS, "the number of images", where, DatasetError)
    values = n * height * width
    limits.check_count(
        values, limits.MAX_DATASET_VALUES, "the number of pixels", where, DatasetError
    )
    # read as they are, then kept as uint8 or float32
    nbytes = values * (dtype.itemsize + (0 if dtype.kind == "u" else 4))
    limits.check_memory(nbytes, f"{n:,} images of {width}x{height} {dtype}", where, DatasetError)


def _check_labels(shape: tuple[int, ...], dtype: np.dtype, n: int, where: str) -> None:
    if dtype.kind not in LABEL_KINDS or shape != (n,):
        raise DatasetError(
            f"{where}: labels must be {n} class numbers or names (shape ({n},)), "
            f"got {dtype} of shape {shape}"
        )


def _load(stream: BinaryIO, where: str) -> np.ndarray:
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise DatasetError(f"{where}: cannot read the array ({error})") from None


def _dataset(path: Path, images: np.ndarray, labels: np.ndarray | None) -> Dataset:
    n, height, width = images.shape
    names = tuple(str(v) for v in labels.tolist()) if labels is not None else None
    names = names or tuple(f"#{i}" for i in range(n))
    try:
        return Dataset(path.stem, width, height, names, images.reshape(n, height * width))
    except DatasetError as error:  # values outside [0, 1]: name the file, say how to fix it
        raise DatasetError(
            f"{path}: {error} (float images hold 0..1; save 0..255 as uint8)"
        ) from None


def load_npy(path: str | Path) -> Dataset:
    """A .npy file of images (n, height, width)."""
    path = Path(path)
    with _open(path) as stream:
        size = path.stat().st_size
        shape, dtype = limits.check_npy_header(stream, size, "images", str(path), DatasetError)
        _check_images(shape, dtype, str(path))
        stream.seek(0)
        images = _load(stream, str(path))
    return _dataset(path, images, None)


def load_npz(path: str | Path) -> Dataset:
    """A .npz archive holding images (n, height, width) and perhaps their labels (n,)."""
    path = Path(path)
    with _open(path) as raw:
        try:
            archive = zipfile.ZipFile(raw)
        except zipfile.BadZipFile:
            raise DatasetError(f"{path}: not a .npz archive (not a zip file)") from None
        with archive:
            headers = limits.check_npz(archive, str(path), DatasetError)  # sizes, no data read
            members = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
            image_name = _pick(headers, IMAGE_NAMES, 3)
            if image_name is None:
                raise DatasetError(
                    f"{path}: no images: expected an array named {', '.join(IMAGE_NAMES)} "
                    f"or a single 3-D array; found {', '.join(headers) or 'none'}"
                )
            shape, dtype = headers[image_name]
            _check_images(shape, dtype, f"{path}, array {image_name!r}")
            label_name = _pick(headers, LABEL_NAMES, None)
            if label_name is not None:
                _check_labels(*headers[label_name], shape[0], f"{path}, array {label_name!r}")
            with _member(archive, members[image_name], path) as member:
                images = _load(member, f"{path}, array {image_name!r}")
            labels = None
            if label_name is not None:
                with _member(archive, members[label_name], path) as member:
                    labels = _load(member, f"{path}, array {label_name!r}")
    return _dataset(path, images, labels)


def _pick(
    headers: dict[str, tuple[tuple[int, ...], np.dtype]], names: tuple[str, ...], ndim: int | None
) -> str | None:
    """The first of `names` present, else (for images) the archive's only array of `ndim`."""
    for name in names:
        if name in headers:
            return name
    if ndim is not None:
        matching = [name for name, (shape, _) in headers.items() if len(shape) == ndim]
        if len(matching) == 1:
            return matching[0]
    return None


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> BinaryIO:
    try:
        return archive.open(info)
    except (zipfile.BadZipFile, NotImplementedError, OSError) as error:
        raise DatasetError(f"{path}: cannot open {info.filename!r} ({error})") from None


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error.strerror})") from None


def save_npz(dataset: Dataset, path: str | Path) -> None:
    """Write `dataset` atomically as a .npz that `load_npz` reads back: `images` (n, height,
    width), uint8 as held or float32, and `labels` (n,) as fixed-width text (no pickle)."""
    images = dataset.pixels.reshape(len(dataset), dataset.height, dataset.width)
    labels = np.array(dataset.labels, dtype=str)  # (n,) '<U..'
    with atomic_file(path) as stream:
        np.savez(stream, images=images, labels=labels)

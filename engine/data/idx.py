"""MNIST's own file format (IDX), gzip'd or not, as the MNIST family is distributed.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions), one
big-endian uint32 per dimension, then the values in C order. Images are unsigned bytes of shape
(n, rows, columns) (magic 0x00000803); labels are unsigned bytes of shape (n,) (0x00000801).
The images stay bytes (`Dataset` keeps uint8: 47 MB for 60,000 MNIST digits). A labels file
beside the images file (`train-images-idx3-ubyte.gz` -> `train-labels-idx1-ubyte.gz`) names
the classes: digits, or Fashion-MNIST's names when the folder's name says "fashion".
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from engine import limits
from engine.data.dataset import MAX_SIZE, Dataset, DatasetError

IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension
GZIP_MAGIC = b"\x1f\x8b"
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def is_idx(path: Path) -> bool:
    """True for names like `train-images-idx3-ubyte` or `t10k-images.idx3-ubyte.gz`."""
    return "idx" in path.name.lower()


def _open(path: Path) -> BinaryIO:
    """The file's bytes, through gzip when it starts with gzip's magic number."""
    try:
        with path.open("rb") as probe:
            gzipped = probe.read(2) == GZIP_MAGIC
        return gzip.open(path, "rb") if gzipped else path.open("rb")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error.strerror})") from None


def _read_exactly(stream: BinaryIO, out: np.ndarray, path: Path, what: str) -> None:
    """Fill `out` from the stream; a short or corrupt file is a DatasetError naming the file."""
    view = memoryview(out).cast("B")
    done = 0
    try:
        while done < len(view):
            count = stream.readinto(view[done:])
            if not count:
                raise DatasetError(
                    f"{path}: the file ends after {done} of the {len(view)} bytes of {what} "
                    "its header promises (a partial download?)"
                )
            done += count
    except (OSError, EOFError, zlib.error) as error:  # gzip's CRC and truncation errors
        raise DatasetError(f"{path}: the gzip data is damaged ({error})") from None


def _header(stream: BinaryIO, path: Path, magic: int, ndim: int) -> tuple[int, ...]:
    head = stream.read(4 + 4 * ndim)
    if len(head) < 4 or head[:2] != b"\0\0":
        raise DatasetError(f"{path}: not an IDX file (MNIST's format): wrong magic number")
    found = struct.unpack(">I", head[:4])[0]
    if found != magic:
        kind = "images (0x00000803)" if magic == IMAGES_MAGIC else "labels (0x00000801)"
        raise DatasetError(f"{path}: IDX magic number 0x{found:08x}; expected unsigned-byte {kind}")
    if len(head) < 4 + 4 * ndim:
        raise DatasetError(f"{path}: the IDX header is cut short")
    return struct.unpack(f">{ndim}I", head[4:])


def read_idx_images(path: Path) -> np.ndarray:
    """The images of an IDX file as uint8 (n, rows, columns)."""
    with _open(path) as stream:
        try:
            n, rows, columns = _header(stream, path, IMAGES_MAGIC, 3)
        except (OSError, EOFError, zlib.error) as error:
            raise DatasetError(f"{path}: not a readable gzip file ({error})") from None
        if not 1 <= rows <= MAX_SIZE or not 1 <= columns <= MAX_SIZE:
            raise DatasetError(
                f"{path}: images of {columns}x{rows} pixels; sides of 1..{MAX_SIZE} are accepted"
            )
        if n < 1:
            raise DatasetError(f"{path}: the header says the file holds no images")
        where = str(path)
        limits.check_count(n, limits.MAX_GLYPHS, "the number of images", where, DatasetError)
        values = n * rows * columns
        limits.check_count(
            values, limits.MAX_DATASET_VALUES, "the number of pixels", where, DatasetError
        )
        limits.check_memory(2 * values, f"{n:,} images of {columns}x{rows}", where, DatasetError)
        images = np.empty((n, rows * columns), np.uint8)  # (n, d): pages are only used as read
        _read_exactly(stream, images, path, "images")
        _check_end(stream, path)
    return images.reshape(n, rows, columns)


def read_idx_labels(path: Path) -> np.ndarray:
    """The class numbers of an IDX labels file, uint8 (n,)."""
    with _open(path) as stream:
        try:
            (n,) = _header(stream, path, LABELS_MAGIC, 1)
        except (OSError, EOFError, zlib.error) as error:
            raise DatasetError(f"{path}: not a readable gzip file ({error})") from None
        if not 1 <= n <= limits.MAX_GLYPHS:
            raise DatasetError(
                f"{path}: the header says {n:,} labels; 1..{limits.MAX_GLYPHS:,} are accepted"
            )
        labels = np.empty(n, np.uint8)
        _read_exactly(stream, labels, path, "labels")
        _check_end(stream, path)
    return labels


def _check_end(stream: BinaryIO, path: Path) -> None:
    try:
        extra = stream.read(1)
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(f"{path}: the gzip data is damaged ({error})") from None
    if extra:
        raise DatasetError(f"{path}: more bytes than the IDX header says: not an IDX file?")


def labels_path(images_path: Path) -> Path | None:
    """The labels file beside an images file, if there is one (gzip'd or not)."""
    name = images_path.name
    for images_part, labels_part in (
        ("images-idx3", "labels-idx1"),
        ("images.idx3", "labels.idx1"),
    ):
        if images_part in name:
            stem = name.replace(images_part, labels_part).removesuffix(".gz")
            for candidate in (stem, f"{stem}.gz"):
                if (images_path.parent / candidate).is_file():
                    return images_path.parent / candidate
    return None


def class_names(path: Path, count: int) -> tuple[str, ...]:
    """Names of classes 0..count-1: Fashion-MNIST's when the folder says so, else the digits."""
    if "fashion" in path.parent.name.lower() and count <= len(FASHION_CLASSES):
        return FASHION_CLASSES
    return tuple(str(k) for k in range(count))


def load_idx(path: str | Path) -> Dataset:
    """An IDX images file as a uint8 Dataset, labelled from the labels file beside it if any."""
    path = Path(path)
    images = read_idx_images(path)  # (n, h, w) uint8
    n, height, width = images.shape
    found = labels_path(path)
    if found is not None:
        numbers = read_idx_labels(found)
        if len(numbers) != n:
            raise DatasetError(f"{found}: {len(numbers)} labels for the {n} images of {path.name}")
        names = class_names(path, int(numbers.max()) + 1)
        labels = tuple(np.array(names, dtype=object)[numbers])
    else:
        labels = tuple(f"#{i}" for i in range(n))
    name = path.name.removesuffix(".gz")
    return Dataset(name, width, height, labels, images.reshape(n, height * width))


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX form of a uint8 array of 1 or 3 dimensions (for writing test and benchmark files)."""
    if array.dtype != np.uint8 or array.ndim not in (1, 3):
        raise ValueError("idx_bytes takes uint8 labels (n,) or images (n, rows, columns)")
    head = struct.pack(">I", 0x0800 + array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return head + np.ascontiguousarray(array).tobytes()


def gzip_bytes(data: bytes) -> bytes:
    """gzip'd bytes with a fixed timestamp, so equal data gives an equal file (and checksum)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as stream:
        stream.write(data)
    return out.getvalue()

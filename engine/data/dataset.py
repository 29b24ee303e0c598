"""A glyph data set: equally sized images with labels, validated once and never changed after.

Every loader (engine.data.datasets for the built-in sets and .txt glyph files, engine.data.dataset_json for
JSON set files) ends in a `Dataset`, so the models and the GUI never see ragged rows, NaNs or
values outside [0, 1]. Bad input raises `DatasetError` with a sentence naming what is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.limits import MAX_SIDE

MAX_SIZE = MAX_SIDE  # the old name, kept for the modules that import it
_CHECK_ROWS = 4096  # rows checked for values outside [0, 1] at a time
HASH_ROWS = 4096  # a uint8 set is hashed as float32 this many images at a time


class DatasetError(ValueError):
    """A data set file or value that cannot be used; the message names the file, glyph and row."""


def check_side(value: object, what: str, where: str) -> int:
    """Width and height are whole numbers 1..MAX_SIZE; bool is refused although it is an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DatasetError(f"{where}: '{what}' must be a whole number of pixels, not {value!r}")
    if value < 1:
        raise DatasetError(f"{where}: '{what}' must be at least 1, got {value}")
    if value > MAX_SIZE:
        raise DatasetError(
            f"{where}: '{what}' is {value}; sizes above {MAX_SIZE} pixels are refused "
            "(the models are built for small glyphs)"
        )
    return int(value)


@dataclass(frozen=True, eq=False, init=False)
class Dataset:
    """A named set of equally sized glyphs; immutable, so models, plots and workers share one."""

    name: str
    width: int
    height: int
    labels: tuple[str, ...]
    # (n, height*width), row-major, top row first; read-only. float32 in [0, 1], or uint8 where 255
    # is 1.0: image files (MNIST, PNG folders) keep their bytes, a quarter of the memory of floats.
    pixels: np.ndarray

    def __init__(
        self, name: str, width: int, height: int, labels: tuple[str, ...], images: np.ndarray
    ) -> None:
        """`images` (n, height*width): numbers in [0, 1], or uint8 bytes (kept as bytes)."""
        values = (name, width, height, labels, images)
        for field, value in zip(self.__dataclass_fields__, values, strict=True):
            object.__setattr__(self, field, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise DatasetError(f"data set name must be a string, not {self.name!r}")
        where = f"data set {self.name!r}"
        width = check_side(self.width, "width", where)
        height = check_side(self.height, "height", where)
        if isinstance(self.labels, str) or not all(isinstance(s, str) for s in self.labels):
            raise DatasetError(f"{where}: labels must be a sequence of strings")
        labels = tuple(self.labels)
        images = np.asarray(self.pixels)
        if images.dtype.kind not in "biuf":
            raise DatasetError(f"{where}: images must be numbers, not {images.dtype}")
        if images.ndim != 2:
            raise DatasetError(f"{where}: images must be 2-D (n, height*width), got {images.shape}")
        n, n_pixels = images.shape
        if n == 0:
            raise DatasetError(f"{where}: the set has no glyphs")
        if n != len(labels):
            raise DatasetError(f"{where}: {n} images but {len(labels)} labels")
        if n_pixels != width * height:
            raise DatasetError(
                f"{where}: images have {n_pixels} pixels each, expected {width}x{height} = "
                f"{width * height}"
            )
        if images.dtype == np.uint8:  # every byte is a valid grey level
            frozen = np.array(images, order="C", copy=True)  # a private copy
        else:
            # Checked in blocks of rows in the images' own type: the temporaries stay small.
            for lo in range(0, n, _CHECK_ROWS):
                block = images[lo : lo + _CHECK_ROWS]  # (rows, d)
                bad = ~((block >= 0) & (block <= 1))  # NaN fails every comparison
                if bad.any():
                    i, j = (int(k) for k in np.argwhere(bad)[0])
                    i += lo
                    raise DatasetError(
                        f"{where}: glyph {i} {labels[i]!r}, row {j // width}, column {j % width}: "
                        f"value {images[i, j]} is not in [0, 1]"
                    )
            frozen = np.array(images, dtype=np.float32, order="C", copy=True)  # a private copy
            frozen += 0.0  # -0.0 -> +0.0, so equal pixels always hash equal
        frozen.flags.writeable = False
        for field, value in (("width", width), ("height", height), ("labels", labels)):
            object.__setattr__(self, field, value)
        object.__setattr__(self, "pixels", frozen)

    def __repr__(self) -> str:
        kind = "binary" if self.binary else "grey"
        return f"Dataset({self.name!r}, {len(self)} {kind} glyphs of {self.width}x{self.height})"

    def __len__(self) -> int:
        return self.pixels.shape[0]

    @functools.cached_property
    def images(self) -> np.ndarray:
        """(n, height*width) float32 in [0, 1], read-only: the pixels themselves for a float set,
        made on first use (4 bytes a pixel) for a uint8 one."""
        if self.pixels.dtype != np.uint8:
            return self.pixels
        images = unit_floats(self.pixels)
        images.flags.writeable = False
        return images

    @property
    def binary(self) -> bool:
        """True when every pixel is exactly 0 or 1 (such sets can be written as text rows)."""
        ink = 255 if self.pixels.dtype == np.uint8 else 1
        return bool(np.all((self.pixels == 0) | (self.pixels == ink)))

    @property
    def n_pixels(self) -> int:
        return self.width * self.height

    def image(self, index: int) -> np.ndarray:
        """Glyph `index` as a read-only (height, width) float32 array, for drawing."""
        if self.pixels.dtype != np.uint8:
            return self.images[index].reshape(self.height, self.width)
        image = unit_floats(self.pixels[index]).reshape(self.height, self.width)
        image.flags.writeable = False
        return image

    def pixel_hash(self) -> str:
        """Identify the pixels a model was trained on: size and float32 bytes, labels excluded.

        A uint8 set hashes as the float32 images it stands for, a block of rows at a time."""
        digest = hashlib.sha256(f"{self.width}x{self.height}\n".encode())
        for lo in range(0, len(self), HASH_ROWS):
            block = unit_floats(self.pixels[lo : lo + HASH_ROWS])  # (rows, d) float32
            digest.update(block.astype("<f4", copy=False).tobytes())
        return digest.hexdigest()

    def replace(
        self,
        *,
        name: str | None = None,
        labels: tuple[str, ...] | None = None,
        images: np.ndarray | None = None,
    ) -> Dataset:
        """A new, validated Dataset with the given fields changed (this one never changes)."""
        return Dataset(
            self.name if name is None else name,
            self.width,
            self.height,
            self.labels if labels is None else labels,
            self.pixels if images is None else images,
        )


def unit_floats(pixels: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """Pixels as floats in [0, 1]: uint8 k becomes k / 255 (rounded once); floats pass through."""
    if pixels.dtype == np.uint8:
        return np.divide(pixels, 255, dtype=dtype)
    return np.asarray(pixels, dtype=dtype)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text (bad byte at offset {error.start})") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error.strerror})") from None


def parse_row(row: str, chars: str, expected: str, at: str, width: int) -> np.ndarray:
    """One pixel row of `width` characters: chars[0] is background (0), chars[1] ink (1).
    -> (width,) float32, checked and converted without a Python loop over the pixels."""
    rest = row.lstrip(chars)  # from the first character that is neither, if any
    if rest:
        column = len(row) - len(rest)
        raise DatasetError(f"{at}: character {rest[0]!r} at column {column} is not {expected}")
    if len(row) != width:
        raise DatasetError(f"{at} has {len(row)} pixels, expected {width}")
    codes = np.frombuffer(row.encode("utf-32-le"), np.uint32)  # (width,) code points
    return (codes == ord(chars[1])).astype(np.float32)


def bit_rows(dataset: Dataset, index: int, chars: str) -> list[str]:
    """Glyph `index` of a binary set as strings, chars[0] for 0 and chars[1] for 1."""
    return ["".join(chars[int(v)] for v in row) for row in dataset.image(index)]

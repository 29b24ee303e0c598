"""Glyph data sets by name or file: the built-in ones, the readable `resources/*.txt` format, and
`load_dataset`, which takes a built-in name, a .txt glyph file, a JSON set file
(`engine.data.dataset_json`), an MNIST-style IDX file (`engine.data.idx`), a .npy/.npz array
(`engine.data.arrays`) or a folder of PNGs (`engine.data.image_folder`).

Every loader ends in a validated, read-only `Dataset` (`engine.data.dataset`, re-exported here). Bad
input raises `DatasetError` with a sentence that names the file, the glyph (its 0-based index in
the file and its label) and the row and column at fault; .txt messages also give the 1-based file
line.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import re
from pathlib import Path

import numpy as np

from engine import limits
from engine.data.arrays import load_npy, load_npz
from engine.data.dataset import (
    MAX_SIZE,
    Dataset,
    DatasetError,
    bit_rows,
    check_side,
    parse_row,
    read_text,
)
from engine.data.dataset_json import load_json
from engine.data.idx import is_idx, load_idx
from engine.data.image_folder import load_image_folder

__all__ = [  # Dataset, DatasetError and MAX_SIZE are re-exported: most callers load and use both
    "BUILTIN_DATASETS",
    "MAX_SIZE",
    "Dataset",
    "DatasetError",
    "format_glyph_text",
    "load_builtin",
    "load_dataset",
    "parse_glyph_text",
]

BUILTIN_DATASETS: tuple[str, ...] = ("font5x7", "emoji12x12", "digits")
# The checkout's top-level resources/ folder, installed as this package (pyproject.toml maps it):
# read through importlib.resources, the built-in sets are found in a wheel as in the checkout.
RESOURCES_PACKAGE = "autoencoder_lab_resources"
_SIZE_LINE = re.compile(r"size ([0-9]{1,9})x([0-9]{1,9})")
FILE_LOADERS = {".npy": load_npy, ".npz": load_npz}  # by suffix; IDX files go by name


# ---- built-in sets ----------------------------------------------------------------------------


def load_builtin(name: str) -> Dataset:
    """One of BUILTIN_DATASETS; loaded once, then shared (a Dataset cannot change)."""
    if name not in BUILTIN_DATASETS:
        raise DatasetError(
            f"no built-in data set {name!r}; choose one of {', '.join(BUILTIN_DATASETS)}"
        )
    return _load_builtin_cached(name)


@functools.cache
def _load_builtin_cached(name: str) -> Dataset:
    if name == "digits":
        return _load_digits()
    try:
        resource = importlib.resources.files(RESOURCES_PACKAGE) / f"{name}.txt"
    except ModuleNotFoundError:
        raise DatasetError(
            f"the built-in data set {name!r} is not installed (no package {RESOURCES_PACKAGE}); "
            "install Autoencoder Lab with `pip install .` or run `bash scripts/setup.sh`"
        ) from None
    return _parse_glyph_text(resource.read_text(encoding="utf-8"), name, str(resource))


def _sklearn_digits_csv() -> Path | None:
    """The CSV that sklearn's load_digits() reads, found without importing sklearn (~1.5 s)."""
    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            return path
    return None


def _load_digits() -> Dataset:
    """scikit-learn's 1797 8x8 digits, grey levels 0..16 scaled to [0, 1], labels '0'..'9'."""
    path = _sklearn_digits_csv()
    table = np.loadtxt(path, delimiter=",") if path else None  # (1797, 65): pixels, then digit
    if table is not None and table.shape == (1797, 65):
        pixels, target = table[:, :-1], table[:, -1]
    else:  # the file moved in some sklearn version: take the slow, public road
        from sklearn.datasets import load_digits

        bunch = load_digits()
        pixels, target = bunch.data, bunch.target
    labels = tuple(str(int(t)) for t in target)
    return Dataset("digits", 8, 8, labels, np.asarray(pixels) / 16.0)


def load_dataset(spec: str) -> Dataset:
    """A built-in name, or a path to a .json set, a .txt glyph file, an MNIST-style IDX file
    (gzip'd or not), a .npy/.npz array of images, or a folder of PNGs."""
    if spec in BUILTIN_DATASETS:
        return load_builtin(spec)
    path = Path(spec)
    if not path.exists():
        raise DatasetError(
            f"{spec}: no such file, and not a built-in data set ({', '.join(BUILTIN_DATASETS)})"
        )
    suffix = path.suffix.lower()
    if path.is_dir():
        return load_image_folder(path)
    if suffix == ".json":
        return load_json(path)
    if suffix == ".txt":
        size = path.stat().st_size  # checked before the file is read whole
        limits.check_count(
            size, limits.MAX_TEXT_BYTES, "the file size in bytes", spec, DatasetError
        )
        return _parse_glyph_text(read_text(path), path.stem, str(path))
    if suffix in FILE_LOADERS:
        return FILE_LOADERS[suffix](path)
    if is_idx(path):
        return load_idx(path)
    raise DatasetError(
        f"{spec}: unknown kind of file; expected a .json set, a .txt glyph file, an IDX file "
        "(train-images-idx3-ubyte.gz), a .npy/.npz array or a folder of PNGs"
    )


# ---- the resources/*.txt format -----------------------------------------------------------------


def parse_glyph_text(text: str, name: str) -> Dataset:
    """Read the readable glyph format of resources/*.txt (described at the top of those files).

    Lines: `; comment`, `size WxH` (once, before the first glyph), `= LABEL` (starts a glyph; the
    label is the rest of the line, stripped), then H rows of W characters, '.' background and '#'
    ink, top row first. A blank line ends a glyph.
    """
    return _parse_glyph_text(text, name, name)


def _parse_glyph_text(text: str, name: str, source: str) -> Dataset:
    size: tuple[int, int] | None = None
    blocks: list[tuple[str, int, list[tuple[int, str]]]] = []  # label, header line, (line, row)
    rows: list[tuple[int, str]] | None = None  # rows of the glyph being read; None between glyphs
    for number, raw in enumerate(text.splitlines(), start=1):
        line, at = raw.rstrip(), f"{source}, line {number}"
        if line.startswith(";"):
            continue
        if not line:
            rows = None
        elif line.startswith("="):
            label = line[2:].strip()
            if not line.startswith("= ") or not label:
                raise DatasetError(f"{at}: a glyph starts with '= LABEL', got {line!r}")
            if size is None:
                raise DatasetError(f"{at}: missing the 'size WxH' line before the first glyph")
            rows = []
            blocks.append((label, number, rows))
        elif line.startswith("size"):
            match = _SIZE_LINE.fullmatch(line)
            if not match:
                raise DatasetError(f"{at}: expected 'size WxH' such as 'size 5x7', got {line!r}")
            if size is not None:
                raise DatasetError(f"{at}: the size is given twice")
            size = (
                check_side(int(match[1]), "width", at),
                check_side(int(match[2]), "height", at),
            )
        elif rows is not None:
            rows.append((number, line))
        elif set(line) <= {".", "#"}:
            raise DatasetError(f"{at}: a pixel row outside a glyph; rows follow an '= LABEL' line")
        else:
            raise DatasetError(
                f"{at}: unknown line {line!r}; expected '; comment', 'size WxH', '= LABEL' "
                "or a row of '.' and '#'"
            )
    if size is None:
        raise DatasetError(f"{source}: missing the 'size WxH' line")
    width, height = size
    if not blocks:
        raise DatasetError(f"{source}: the set has no glyphs")
    limits.check_count(len(blocks), limits.MAX_GLYPHS, "the number of glyphs", source, DatasetError)
    images = np.empty((len(blocks), height, width), np.float32)
    for index, (label, number, glyph_rows) in enumerate(blocks):
        if len(glyph_rows) != height:
            raise DatasetError(
                f"{source}, line {number}: glyph {index} {label!r} has {len(glyph_rows)} rows, "
                f"expected {height}"
            )
        for r, (row_number, row) in enumerate(glyph_rows):
            at = f"{source}, line {row_number}: glyph {index} {label!r}, row {r}"
            images[index, r] = parse_row(row, ".#", "'.' or '#'", at, width)
    labels = tuple(label for label, _, _ in blocks)
    return Dataset(name, width, height, labels, images.reshape(len(blocks), -1))


def format_glyph_text(dataset: Dataset) -> str:
    """Write a binary set in the resources/*.txt format, so glyphs can be reviewed in a diff."""
    if not dataset.binary:
        raise DatasetError(
            f"data set {dataset.name!r} has grey levels; the text format holds only 0/1 pixels "
            "(save it as JSON instead)"
        )
    lines = [
        f"; {dataset.name}: {len(dataset)} glyphs of {dataset.width}x{dataset.height} pixels.",
        "; '= LABEL' starts a glyph, then one line per pixel row: '.' background, '#' ink.",
        f"size {dataset.width}x{dataset.height}",
    ]
    for index, label in enumerate(dataset.labels):
        if len(label.splitlines()) != 1 or label != label.strip():
            raise DatasetError(
                f"data set {dataset.name!r}: glyph {index} label {label!r} cannot be written as "
                "text (empty, a line break, or spaces at its ends); save it as JSON instead"
            )
        lines += ["", f"= {label}", *bit_rows(dataset, index, ".#")]
    return "\n".join(lines) + "\n"

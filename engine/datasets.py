"""Glyph data sets: the built-in ones, JSON set files and the readable `resources/*.txt` format.

Every loader ends in a validated, read-only `Dataset`, so the models and the GUI never see ragged
rows, NaNs or values outside [0, 1]. Bad input raises `DatasetError` with a sentence that names the
file, the glyph (its 0-based index in the file and its label) and the row and column at fault.
Rows and columns count from 0 like the JSON lists; .txt messages also give the 1-based file line.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import json
import math
import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.atomic import write_text_atomic

MAX_SIZE = 64  # widest and tallest glyph accepted: the models and the editor are for small glyphs
BUILTIN_DATASETS: tuple[str, ...] = ("font5x7", "emoji12x12", "digits")
_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
_SIZE_LINE = re.compile(r"size ([0-9]{1,9})x([0-9]{1,9})")


class DatasetError(ValueError):
    """A data set file or value that cannot be used; the message names the file, glyph and row."""


def _check_side(value: object, what: str, where: str) -> int:
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


@dataclass(frozen=True, eq=False)
class Dataset:
    """A named set of equally sized glyphs; immutable, so models, plots and workers share one."""

    name: str
    width: int
    height: int
    labels: tuple[str, ...]
    images: np.ndarray  # (n, height*width) float32 in [0, 1], row-major, top row first; read-only

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise DatasetError(f"data set name must be a string, not {self.name!r}")
        where = f"data set {self.name!r}"
        width = _check_side(self.width, "width", where)
        height = _check_side(self.height, "height", where)
        if isinstance(self.labels, str) or not all(isinstance(s, str) for s in self.labels):
            raise DatasetError(f"{where}: labels must be a sequence of strings")
        labels = tuple(self.labels)
        images = np.asarray(self.images)
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
        values = images.astype(np.float64, copy=False)
        bad = ~(np.isfinite(values) & (values >= 0) & (values <= 1))  # NaN fails every comparison
        if bad.any():
            i, j = (int(k) for k in np.argwhere(bad)[0])
            raise DatasetError(
                f"{where}: glyph {i} {labels[i]!r}, row {j // width}, column {j % width}: "
                f"value {values[i, j]} is not in [0, 1]"
            )
        frozen = np.array(images, dtype=np.float32, order="C", copy=True)  # a private copy
        frozen += 0.0  # -0.0 -> +0.0, so equal pixels always hash equal
        frozen.flags.writeable = False
        for field, value in (("width", width), ("height", height), ("labels", labels)):
            object.__setattr__(self, field, value)
        object.__setattr__(self, "images", frozen)

    def __repr__(self) -> str:
        kind = "binary" if self.binary else "grey"
        return f"Dataset({self.name!r}, {len(self)} {kind} glyphs of {self.width}x{self.height})"

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def binary(self) -> bool:
        """True when every pixel is exactly 0 or 1 (such sets can be written as text rows)."""
        return bool(np.all((self.images == 0) | (self.images == 1)))

    @property
    def n_pixels(self) -> int:
        return self.width * self.height

    def image(self, index: int) -> np.ndarray:
        """Glyph `index` as a read-only (height, width) view, for drawing."""
        return self.images[index].reshape(self.height, self.width)

    def pixel_hash(self) -> str:
        """Identify the pixels a model was trained on: size and float32 bytes, labels excluded."""
        digest = hashlib.sha256(f"{self.width}x{self.height}\n".encode())
        digest.update(self.images.astype("<f4", copy=False).tobytes())
        return digest.hexdigest()

    def replace(
        self,
        *,
        name: str | None = None,
        labels: tuple[str, ...] | None = None,
        images: np.ndarray | None = None,
    ) -> Dataset:
        """A new, validated Dataset with the given fields changed (this one never changes)."""
        changes = {"name": name, "labels": labels, "images": images}
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


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
    path = _RESOURCES / f"{name}.txt"
    return _parse_glyph_text(_read_text(path), name, str(path))


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
    """A built-in name, or a path to a .json set file or a resources-style .txt glyph file."""
    if spec in BUILTIN_DATASETS:
        return load_builtin(spec)
    path = Path(spec)
    if not path.exists():
        raise DatasetError(
            f"{spec}: no such file, and not a built-in data set ({', '.join(BUILTIN_DATASETS)})"
        )
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_json(path)
    if suffix == ".txt":
        return _parse_glyph_text(_read_text(path), path.stem, str(path))
    raise DatasetError(f"{spec}: unknown kind of file; expected a .json set or a .txt glyph file")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text (bad byte at offset {error.start})") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error.strerror})") from None


def _parse_row(row: str, chars: str, expected: str, at: str, width: int) -> list[float]:
    """One pixel row of `width` characters: chars[0] is background (0), chars[1] ink (1)."""
    for column, char in enumerate(row):
        if char not in chars:
            raise DatasetError(f"{at}: character {char!r} at column {column} is not {expected}")
    if len(row) != width:
        raise DatasetError(f"{at} has {len(row)} pixels, expected {width}")
    return [float(char == chars[1]) for char in row]


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
                _check_side(int(match[1]), "width", at),
                _check_side(int(match[2]), "height", at),
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
    images = np.empty((len(blocks), height, width), np.float32)
    for index, (label, number, glyph_rows) in enumerate(blocks):
        if len(glyph_rows) != height:
            raise DatasetError(
                f"{source}, line {number}: glyph {index} {label!r} has {len(glyph_rows)} rows, "
                f"expected {height}"
            )
        for r, (row_number, row) in enumerate(glyph_rows):
            at = f"{source}, line {row_number}: glyph {index} {label!r}, row {r}"
            images[index, r] = _parse_row(row, ".#", "'.' or '#'", at, width)
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
        lines += ["", f"= {label}", *_bit_rows(dataset, index, ".#")]
    return "\n".join(lines) + "\n"


def _bit_rows(dataset: Dataset, index: int, chars: str) -> list[str]:
    """Glyph `index` of a binary set as strings, chars[0] for 0 and chars[1] for 1."""
    return ["".join(chars[int(v)] for v in row) for row in dataset.image(index)]


# ---- JSON set files -----------------------------------------------------------------------------

_JSON_KINDS = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true/false",
    int: "a number",
}


def _kind(value: object) -> str:
    """How a decoded JSON value reads to a person editing the file."""
    if value is None:
        return "null"
    return _JSON_KINDS.get(type(value), "a number" if isinstance(value, float) else repr(value))


def _shown(value: object) -> str:
    """A value as it is spelled in the JSON file (true, null, "0.5"), else its repr."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def dataset_from_json(obj: object, source: str) -> Dataset:
    """Validate a decoded JSON set; `source` (usually the file path) starts every error message.

    Format: {"name": str, "width": int, "height": int, "glyphs": [{"label": str, "rows": ["01110",
    ...]}]} with '1' ink and '0' background, top row first; or, for grey levels, "values": [[0.5,
    ...], ...] (one list of numbers in [0, 1] per row) instead of "rows". Unknown keys are ignored.
    """
    if not isinstance(obj, dict):
        raise DatasetError(
            f"{source}: the top level must be an object with name, width, height and glyphs, "
            f"not {_kind(obj)}"
        )
    for key, kind in (("name", str), ("width", int), ("height", int), ("glyphs", list)):
        if key not in obj:
            raise DatasetError(f"{source}: missing {key!r}")
        if kind is not int and not isinstance(obj[key], kind):
            expected = _JSON_KINDS[kind]
            raise DatasetError(f"{source}: {key!r} must be {expected}, not {_kind(obj[key])}")
    width = _check_side(obj["width"], "width", source)
    height = _check_side(obj["height"], "height", source)
    glyphs = obj["glyphs"]
    if not glyphs:
        raise DatasetError(f"{source}: the set has no glyphs")
    images = np.empty((len(glyphs), height, width), np.float32)
    labels = []
    for index, glyph in enumerate(glyphs):
        labels.append(_json_glyph(glyph, images[index], f"{source}: glyph {index}"))
    return Dataset(obj["name"], width, height, tuple(labels), images.reshape(len(glyphs), -1))


def _json_glyph(glyph: object, out: np.ndarray, at: str) -> str:
    """Check one glyph object, fill `out` (height, width) with its pixels, return its label."""
    height, width = out.shape
    if not isinstance(glyph, dict):
        raise DatasetError(f"{at} is {_kind(glyph)}, expected an object with a label and rows")
    if "label" not in glyph:
        raise DatasetError(f"{at} has no 'label'")
    label = glyph["label"]
    if not isinstance(label, str):
        raise DatasetError(f"{at}: 'label' must be a string, not {_kind(label)}")
    at = f"{at} {label!r}"
    if ("rows" in glyph) == ("values" in glyph):
        both = "rows" in glyph
        raise DatasetError(
            f"{at} has {'both' if both else 'neither'} 'rows' {'and' if both else 'nor'} "
            "'values'; give exactly one ('rows' for 0/1 strings, 'values' for grey levels)"
        )
    key = "rows" if "rows" in glyph else "values"
    rows = glyph[key]
    if not isinstance(rows, list):
        raise DatasetError(f"{at}: {key!r} must be a list of {height} rows, not {_kind(rows)}")
    if len(rows) != height:
        raise DatasetError(f"{at} has {len(rows)} rows, expected {height}")
    for r, row in enumerate(rows):
        if key == "rows":
            if not isinstance(row, str):
                raise DatasetError(f"{at}, row {r} is {_kind(row)}, expected a string of 0 and 1")
            out[r] = _parse_row(row, "01", "0 or 1", f"{at}, row {r}", width)
        else:
            out[r] = _json_values(row, f"{at}, row {r}", width)
    return label


def _json_values(row: object, at: str, width: int) -> list[float]:
    if not isinstance(row, list):
        raise DatasetError(f"{at} is {_kind(row)}, expected a list of {width} numbers")
    if len(row) != width:
        raise DatasetError(f"{at} has {len(row)} values, expected {width}")
    for column, value in enumerate(row):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise DatasetError(f"{at}, column {column}: {_shown(value)} is not a number")
        if not 0 <= value <= 1:
            finite = isinstance(value, numbers.Integral) or math.isfinite(value)
            problem = "is outside [0, 1]" if finite else "is not a finite number"
            raise DatasetError(f"{at}, column {column}: value {value} {problem}")
    return [float(value) for value in row]


def load_json(path: str | os.PathLike[str]) -> Dataset:
    """Read and validate a JSON set file; JSON syntax errors give the line and column."""
    path = Path(path)
    try:
        obj = json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise DatasetError(
            f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return dataset_from_json(obj, str(path))


def dataset_to_json(dataset: Dataset) -> dict:
    """The JSON form: "rows" of 0/1 strings for binary sets, else "values" that reload exactly."""
    glyphs: list[dict] = []
    if dataset.binary:
        for index, label in enumerate(dataset.labels):
            glyphs.append({"label": label, "rows": _bit_rows(dataset, index, "01")})
    else:
        # Shortest decimal that reads back as the same float32, computed once per distinct value.
        distinct, inverse = np.unique(dataset.images, return_inverse=True)
        numbers_ = np.array([_json_number(v) for v in distinct], dtype=object)
        table = numbers_[inverse.reshape(-1)].reshape(len(dataset), dataset.height, dataset.width)
        for label, image in zip(dataset.labels, table, strict=True):
            glyphs.append({"label": label, "values": image.tolist()})
    name, width, height = dataset.name, dataset.width, dataset.height
    return {"name": name, "width": width, "height": height, "glyphs": glyphs}


def _json_number(value: np.float32) -> int | float:
    number = float(np.format_float_positional(value, unique=True, trim="-"))
    return int(number) if number.is_integer() else number


def save_json(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write `dataset` as JSON, atomically, one pixel row per line so a diff shows the glyph."""
    obj = dataset_to_json(dataset)
    lines = ["{"]
    for key in ("name", "width", "height"):
        lines.append(f'  "{key}": {json.dumps(obj[key], ensure_ascii=False)},')
    lines.append('  "glyphs": [')
    for index, glyph in enumerate(obj["glyphs"]):
        key = "rows" if "rows" in glyph else "values"
        label = json.dumps(glyph["label"], ensure_ascii=False)
        lines.append(f'    {{"label": {label}, "{key}": [')
        rows = [json.dumps(row) for row in glyph[key]]
        lines += [f"      {row}," for row in rows[:-1]] + [f"      {rows[-1]}"]
        lines.append("    ]}" + ("," if index < len(obj["glyphs"]) - 1 else ""))
    lines += ["  ]", "}"]
    write_text_atomic(path, "\n".join(lines) + "\n")

"""JSON set files: reading them with a sentence for every fault, writing them one glyph a line.

Messages name the file, the glyph (its 0-based index and its label) and the row and column at
fault; rows and columns count from 0 like the JSON lists.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from pathlib import Path

import numpy as np

from engine.atomic import write_text_atomic
from engine.data.dataset import Dataset, DatasetError, bit_rows, check_side, parse_row, read_text

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
    width = check_side(obj["width"], "width", source)
    height = check_side(obj["height"], "height", source)
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
            out[r] = parse_row(row, "01", "0 or 1", f"{at}, row {r}", width)
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
        obj = json.loads(read_text(path))
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
            glyphs.append({"label": label, "rows": bit_rows(dataset, index, "01")})
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

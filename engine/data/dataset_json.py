"""JSON set files: reading them with a sentence for every fault, writing them one glyph a line.

Messages name the file, the glyph (its 0-based index and its label) and the row and column at
fault; rows and columns count from 0 like the JSON lists.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
from pathlib import Path

import numpy as np

from engine import limits
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
    name, width, height = _check_header(obj, source, need_glyphs=True)
    glyphs = obj["glyphs"]  # type: ignore[index]
    if not glyphs:
        raise DatasetError(f"{source}: the set has no glyphs")
    limits.check_count(len(glyphs), limits.MAX_GLYPHS, "the number of glyphs", source, DatasetError)
    images = _allocate(len(glyphs), height, width, source)
    labels = []
    for index, glyph in enumerate(glyphs):
        labels.append(_json_glyph(glyph, images[index], f"{source}: glyph {index}"))
    return Dataset(name, width, height, tuple(labels), images.reshape(len(glyphs), -1))


def _check_header(obj: object, source: str, need_glyphs: bool) -> tuple[str, int, int]:
    """The name, width and height of a set's top-level object, each checked."""
    if not isinstance(obj, dict):
        raise DatasetError(
            f"{source}: the top level must be an object with name, width, height and glyphs, "
            f"not {_kind(obj)}"
        )
    keys = (("name", str), ("width", int), ("height", int), ("glyphs", list))
    for key, kind in keys if need_glyphs else keys[:3]:
        if key not in obj:
            raise DatasetError(f"{source}: missing {key!r}")
        if kind is not int and not isinstance(obj[key], kind):
            expected = _JSON_KINDS[kind]
            raise DatasetError(f"{source}: {key!r} must be {expected}, not {_kind(obj[key])}")
    width = check_side(obj["width"], "width", source)
    height = check_side(obj["height"], "height", source)
    return obj["name"], width, height


def _allocate(count: int, height: int, width: int, source: str, total: int = 0) -> np.ndarray:
    """(count, height, width) float32 for glyph pixels, after the size and memory checks of a
    set of `total` glyphs (default `count`)."""
    values = max(count, total) * height * width
    limits.check_count(
        values, limits.MAX_DATASET_VALUES, "the number of pixels", source, DatasetError
    )
    # Loading holds the pixels about three times (read, stacked, the Dataset's own copy).
    limits.check_memory(3 * 4 * values, "loading the set", source, DatasetError)
    return np.empty((count, height, width), np.float32)


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
    if len(label) > limits.MAX_LABEL_CHARS:
        raise DatasetError(
            f"{at}: the label has {len(label):,} characters; at most {limits.MAX_LABEL_CHARS:,}"
        )
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
    if key == "rows" and _fast_bit_rows(rows, out):
        return label
    for r, row in enumerate(rows):
        if key == "rows":
            if not isinstance(row, str):
                raise DatasetError(f"{at}, row {r} is {_kind(row)}, expected a string of 0 and 1")
            out[r] = parse_row(row, "01", "0 or 1", f"{at}, row {r}", width)
        else:
            out[r] = _json_values(row, f"{at}, row {r}", width)
    return label


def _fast_bit_rows(rows: list, out: np.ndarray) -> bool:
    """Fill `out` (height, width) from well-formed 0/1 strings in one pass; False (and `out`
    untouched) when any row is not, so the row-by-row check can say where."""
    height, width = out.shape
    if not all(isinstance(row, str) and len(row) == width for row in rows):
        return False
    try:
        codes = np.frombuffer("".join(rows).encode("ascii"), np.uint8)  # (height * width,)
    except UnicodeEncodeError:
        return False
    if codes.min() < ord("0") or codes.max() > ord("1"):
        return False
    np.equal(codes.reshape(height, width), ord("1"), out=out, casting="unsafe")
    return True


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
    """Read and validate a JSON set file; JSON syntax errors give the line and column.

    The glyphs are decoded one at a time into float32 blocks, so a large set costs about three
    times its float32 size to load, not the ~30 bytes a pixel that Python lists of floats take.
    """
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_text below says what is wrong with the path
    limits.check_count(size, limits.MAX_JSON_BYTES, "the file size in bytes", source, DatasetError)
    text = read_text(path)
    try:
        return _stream_set(text, source)
    except json.JSONDecodeError as error:
        raise DatasetError(
            f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise DatasetError(
            f"{path}: the JSON is nested too deeply (more than {limits.MAX_JSON_DEPTH} levels)"
        ) from None


_SPACE = re.compile(r"[ \t\n\r]*")
_BLOCK = 1024  # glyphs decoded into one float32 block


def _stream_set(text: str, source: str) -> Dataset:
    """Decode a set's top-level object key by key and its glyphs one by one."""
    decoder = json.JSONDecoder()

    def skip(pos: int) -> int:
        return _SPACE.match(text, pos).end()  # type: ignore[union-attr]

    def expect(pos: int, char: str, what: str) -> int:
        pos = skip(pos)
        if not text.startswith(char, pos):
            raise json.JSONDecodeError(f"Expecting {what}", text, pos)
        return pos + 1

    pos = skip(0)
    if not text.startswith("{", pos):
        return dataset_from_json(limits.loads_json(text, source, DatasetError), source)
    header: dict[str, object] = {}
    blocks: list[np.ndarray] = []
    labels: list[str] = []
    pos = skip(pos + 1)
    done = text.startswith("}", pos)
    pos += done
    while not done:
        key, pos = decoder.raw_decode(text, skip(pos))
        if not isinstance(key, str):
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, pos
            )
        pos = skip(expect(pos, ":", "':' delimiter"))
        if key == "glyphs" and text.startswith("[", pos) and {"width", "height"} <= set(header):
            name, width, height = _check_header(header, source, need_glyphs=False)
            pos = _stream_glyphs(text, pos + 1, decoder, source, height, width, blocks, labels)
            header[key] = []
        else:
            header[key], pos = decoder.raw_decode(text, pos)
        pos = skip(pos)
        done = text.startswith("}", pos)
        if not done:
            pos = expect(pos, ",", "',' delimiter")
    if skip(pos + 1) != len(text):
        raise json.JSONDecodeError("Extra data", text, skip(pos + 1))
    if not blocks:  # glyphs came before the size, or were not a list: the general path
        limits.check_json_depth(header, source, DatasetError)
        return dataset_from_json(header, source)
    name, width, height = _check_header(header, source, need_glyphs=False)
    limits.check_count(len(labels), limits.MAX_GLYPHS, "the number of glyphs", source, DatasetError)
    images = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]  # (n, height, width)
    blocks.clear()  # the blocks go before the Dataset makes its own copy
    return Dataset(name, width, height, tuple(labels), images.reshape(len(labels), -1))


def _stream_glyphs(
    text: str,
    pos: int,
    decoder: json.JSONDecoder,
    source: str,
    height: int,
    width: int,
    blocks: list[np.ndarray],
    labels: list[str],
) -> int:
    """Decode the glyph objects after "glyphs": [ into `blocks`; returns the position after ]."""
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if text.startswith("]", pos):
        raise DatasetError(f"{source}: the set has no glyphs")
    while True:
        index = len(labels)
        if index % _BLOCK == 0:
            limits.check_count(
                index + 1, limits.MAX_GLYPHS, "the number of glyphs", source, DatasetError
            )
            blocks.append(_allocate(_BLOCK, height, width, source, total=index + _BLOCK))
        glyph, pos = decoder.raw_decode(text, pos)
        labels.append(_json_glyph(glyph, blocks[-1][index % _BLOCK], f"{source}: glyph {index}"))
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            used = len(labels) % _BLOCK or _BLOCK
            blocks[-1] = blocks[-1][:used].copy() if used < _BLOCK else blocks[-1]
            return pos + 1
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


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

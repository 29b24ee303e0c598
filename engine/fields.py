"""Field-by-field checks of decoded JSON (model metadata, sessions): one sentence per fault.

A file's JSON is untrusted: `"width": "x"`, `"metrics": "abc"` or `"best_key": []` must end in
the reader's own error naming the file and the field, never in an AttributeError or IndexError
deep inside the code that uses the value. Each check takes `where` (the file) and `what` (the
field's path, e.g. "run.best_key") and returns the value in the type the caller needs.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

Error = type[ValueError]


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, numbers.Number):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def mapping(value: object, what: str, where: str, error: Error) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise error(f"{where}: {what} must be an object, not {_kind(value)}")
    return value


def item(obj: dict[str, Any], key: str, what: str, where: str, error: Error) -> Any:
    """obj[key], or an error naming the missing field `what`."""
    if key not in obj:
        raise error(f"{where}: {what} is missing")
    return obj[key]


def whole(
    value: object, what: str, where: str, error: Error, lo: int = 0, hi: int | None = None
) -> int:
    """A whole number in [lo, hi]; bool and 3.0 are refused (JSON we write never has them)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise error(f"{where}: {what} must be a whole number, not {_kind(value)}")
    if value < lo or (hi is not None and value > hi):
        bound = f"at least {lo:,}" if hi is None else f"between {lo:,} and {hi:,}"
        raise error(f"{where}: {what} is {value:,}; it must be {bound}")
    return int(value)


def number(
    value: object, what: str, where: str, error: Error, lo: float | None = None, finite: bool = True
) -> float:
    """A real number (finite unless `finite` is False), at least `lo` when given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise error(f"{where}: {what} must be a number, not {_kind(value)}")
    result = float(value)
    if math.isnan(result) or (finite and not math.isfinite(result)):
        raise error(f"{where}: {what} must be a finite number, not {result}")
    if lo is not None and result < lo:
        raise error(f"{where}: {what} is {result:g}; it must be at least {lo:g}")
    return result


def text(value: object, what: str, where: str, error: Error, max_chars: int = 10_000) -> str:
    if not isinstance(value, str):
        raise error(f"{where}: {what} must be text, not {_kind(value)}")
    if len(value) > max_chars:
        raise error(f"{where}: {what} is {len(value):,} characters; at most {max_chars:,}")
    return value


def sequence(value: object, what: str, where: str, error: Error, length: int | None = None) -> list:
    if not isinstance(value, list):
        raise error(f"{where}: {what} must be a list, not {_kind(value)}")
    if length is not None and len(value) != length:
        raise error(f"{where}: {what} must hold {length} items, not {len(value)}")
    return value

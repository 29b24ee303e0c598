"""Qt's SVG of a plot made readable by every renderer: shapes drawn in data coordinates get their
coordinates mapped to the page, instead of a scaling `transform` on their group.

QSvgGenerator writes a curve as its data points under the view's matrix (x scaled by ~2, a log
axis by ~200) and keeps the line thin with `vector-effect="non-scaling-stroke"`. librsvg ignores
that attribute and strokes the 1-unit line in data units: a band 200 pixels thick (issue 15.2).
Mapping the points is exact, so every renderer draws the same thin line. Groups that hold text or
pictures keep their transform (their glyphs must scale with it, and they are never data-scaled).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from functools import partial

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_SHAPES = {"path", "polyline", "polygon", "rect", "line"}
_ABSOLUTE = set("MLCQZ")  # the path commands Qt writes; a relative one keeps its group as is


def flatten_transforms(svg: bytes) -> bytes:
    """`svg` with every shape-only group's matrix applied to its shapes' coordinates (and
    without empty paths, which QSvgRenderer reports as invalid)."""
    root = ET.fromstring(svg)
    for group in root.iter(f"{{{SVG_NS}}}g"):
        for empty in [s for s in group if _tag(s) == "path" and not s.get("d", "").strip()]:
            group.remove(empty)  # an empty QPainterPath: nothing to draw, and invalid SVG
        match = _MATRIX.fullmatch(group.get("transform", "").strip())
        shapes = list(group)
        if match is None or not shapes or any(_tag(s) not in _SHAPES for s in shapes):
            continue
        matrix = tuple(float(v) for v in match.group(1).split(","))
        a, b, c, d, _e, _f = matrix
        page = partial(_apply, matrix)
        if not all(_map_shape(shape, page) for shape in shapes):
            continue  # something this cannot map (a relative path): left as Qt wrote it
        width = group.get("stroke-width")
        if width is not None:  # strokes that do scale keep their page width
            scale = math.sqrt(abs(a * d - b * c))
            for shape in shapes:
                if shape.get("vector-effect") != "non-scaling-stroke":
                    shape.set("stroke-width", _num(float(width) * scale))
        del group.attrib["transform"]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _apply(matrix: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix  # SVG's matrix(a,b,c,d,e,f)
    return a * x + c * y + e, b * x + d * y + f


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _num(value: float) -> str:
    return f"{value:.6g}"


def _map_shape(shape: ET.Element, page) -> bool:
    """Map one shape's coordinates in place; False if it holds what this cannot map."""
    tag = _tag(shape)
    if tag == "path":
        tokens = _PATH_TOKEN.findall(shape.get("d", ""))
        if any(t.isalpha() and t not in _ABSOLUTE for t in tokens):
            return False
        if sum(not t.isalpha() for t in tokens) % 2:
            return False
        # Coordinates come in x,y pairs after their command letter.
        out = []
        pending: list[float] = []
        for token in tokens:
            if token.isalpha():
                out.append(token)
                continue
            pending.append(float(token))
            if len(pending) == 2:
                x, y = page(*pending)
                out.append(f"{_num(x)},{_num(y)}")
                pending = []
        shape.set("d", " ".join(out))
        return True
    if tag in ("polyline", "polygon"):
        numbers = [float(t) for t in _PATH_TOKEN.findall(shape.get("points", ""))]
        if len(numbers) % 2:
            return False
        points = (page(x, y) for x, y in zip(numbers[::2], numbers[1::2], strict=True))
        shape.set("points", " ".join(f"{_num(x)},{_num(y)}" for x, y in points))
        return True
    if tag == "line":
        x1, y1 = page(float(shape.get("x1", 0)), float(shape.get("y1", 0)))
        x2, y2 = page(float(shape.get("x2", 0)), float(shape.get("y2", 0)))
        for name, value in (("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)):
            shape.set(name, _num(value))
        return True
    # A rect becomes the path of its four corners (a matrix may rotate or shear it).
    x, y = float(shape.get("x", 0)), float(shape.get("y", 0))
    w, h = float(shape.get("width", 0)), float(shape.get("height", 0))
    corners = [page(x, y), page(x + w, y), page(x + w, y + h), page(x, y + h)]
    for name in ("x", "y", "width", "height", "rx", "ry"):
        shape.attrib.pop(name, None)
    shape.tag = f"{{{SVG_NS}}}path"
    shape.set("d", "M" + " L".join(f"{_num(px)},{_num(py)}" for px, py in corners) + " Z")
    return True

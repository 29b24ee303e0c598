"""The validation zoo: glyph sets the defaults are chosen on, made here from code (no downloads).

The presets must hold on sets a user brings, not only on the two we ship, so the zoo mixes sizes
(5x7 to 20x20), binary and grey sets and characters: several 5x7 fonts rendered from the fonts the
machine has (DejaVu, through Qt offscreen, not anti-aliased), dense kanji-like stroke glyphs,
symbols and arrows, letters at 14x14 to 20x20 thresholded and grey, a slice of scikit-learn's
digits, our own font and emoji, and the VAE's hard cases from `benchmarks.zoo_faces`.

Every set is deterministic: fonts render the same on one machine and the drawn sets use fixed
seeds. Benchmarks may import Qt; the engine never does, so this lives in benchmarks/.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

import numpy as np

from benchmarks.zoo_faces import grey_emoji_tiles, smiley_variants
from engine.data.dataset import Dataset
from engine.data.datasets import load_builtin

UPPER = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"  # 0x40..0x5F: 32 characters
PUNCT = " !\"#$%&'()*+,-./0123456789:;<=>?"[1:] + "~"  # 0x21..0x3F and a tilde: 32 characters
LOWER = "`abcdefghijklmnopqrstuvwxyz{|}~"[:31] + "$"  # 32 characters
ARROWS = "←↑→↓↔↕↖↗↘↙⇐⇑⇒⇓⇔⇕"  # 16 arrows DejaVu Sans draws
SYMBOLS = "★☆♠♣♥♦♪♫☺☻☼⚑✓✗⌂◆"  # 16 symbols DejaVu Sans draws

_app: list = []  # keeps the QGuiApplication alive once made


def _qt() -> None:
    """Painting on a QImage needs no window, but Qt wants an application for fonts."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _app.append(QGuiApplication([]))


def render_glyphs(
    chars: str, family: str, pixel_size: int, width: int, height: int, *,
    bold: bool = False, grey: bool = False,
) -> np.ndarray:  # fmt: skip
    """Each character drawn centred in a width x height cell.  -> (len(chars), height*width)

    Binary sets are drawn without anti-aliasing (hinted, as a bitmap font); grey sets are drawn
    at 4x and averaged down, so their edges carry grey levels.
    """
    _qt()
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    scale = 4 if grey else 1
    w, h = 3 * width * scale, height * scale  # drawn wide, then the ink is centred in the cell
    font = QFont(family)
    font.setPixelSize(pixel_size * scale)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    if not grey:
        font.setStyleStrategy(QFont.StyleStrategy.NoAntialias)
    rows = []
    for ch in chars:
        image = QImage(w, h, QImage.Format.Format_Grayscale8)
        image.fill(0)
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(QRect(0, 0, w, h), Qt.AlignmentFlag.AlignCenter, ch)
        painter.end()
        stride = image.bytesPerLine()
        raw = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
        ink = np.flatnonzero(raw[:, :w].max(axis=0))  # columns holding ink
        mid = (ink[0] + ink[-1] + 1) // 2 if len(ink) else w // 2
        left = min(max(mid - width * scale // 2, 0), w - width * scale)
        cell = raw[:, left : left + width * scale]  # (h, width * scale)
        pixels = cell.reshape(height, scale, width, scale).mean(axis=(1, 3)) / 255.0
        rows.append(pixels.ravel())
    images = np.asarray(rows, dtype=np.float32)  # (n, height*width)
    return images if grey else (images >= 0.5).astype(np.float32)


def _font_set(
    name: str, chars: str, family: str, pixel_size: int, width: int, height: int, **kw: bool
) -> Dataset:
    images = render_glyphs(chars, family, pixel_size, width, height, **kw)
    return Dataset(name, width, height, tuple(chars), images)


def kanji_like(count: int = 32, side: int = 10, seed: int = 0) -> Dataset:
    """`count` dense stroke compositions of side x side, each distinct: like kanji at 10x10.

    A glyph is 4-7 strokes from a kanji's vocabulary: full and partial horizontals and verticals,
    an enclosing box or a half box, and the two diagonals of a radical, on a 1-pixel margin.
    """
    rng = np.random.default_rng(seed)
    glyphs: list[np.ndarray] = []
    seen: set[bytes] = set()
    lo, hi = 1, side - 2  # ink stays inside a 1-pixel margin
    while len(glyphs) < count:
        g = np.zeros((side, side), np.float32)
        for _ in range(rng.integers(4, 8)):
            kind = rng.choice(["h", "v", "box", "diag", "anti"], p=[0.35, 0.3, 0.15, 0.1, 0.1])
            a, b = sorted(rng.choice(np.arange(lo, hi + 1), 2, replace=False))
            at = rng.integers(lo, hi + 1)
            if kind == "h":
                g[at, a : b + 1] = 1
            elif kind == "v":
                g[a : b + 1, at] = 1
            elif kind == "box":
                c, d = sorted(rng.choice(np.arange(lo, hi + 1), 2, replace=False))
                g[a, c : d + 1] = g[b, c : d + 1] = 1
                g[a : b + 1, c] = g[a : b + 1, d] = 1
            else:
                steps = np.arange(b - a + 1)
                cols = a + steps if kind == "diag" else b - steps
                g[a + steps, np.clip(cols, lo, hi)] = 1
        key = g.tobytes()
        if key not in seen and g.mean() >= 0.25:  # dense, as kanji are
            seen.add(key)
            glyphs.append(g.ravel())
    labels = tuple(f"k{i}" for i in range(count))
    return Dataset(f"kanji-like {side}x{side}", side, side, labels, np.asarray(glyphs))


# The upper page (0x40..0x5F) of the HD44780 LCD character ROM, as most 5x7 LCD fonts draw it:
# a 5x7 font of another hand than ours (our font5x7 is that ROM's lower page), rows top first.
LCD_UPPER = {
    '@': '.###. #...# ....# .##.# #.#.# #.#.# .###.',
    'A': '.###. #...# #...# #...# ##### #...# #...#',
    'B': '####. #...# #...# ####. #...# #...# ####.',
    'C': '.###. #...# #.... #.... #.... #...# .###.',
    'D': '###.. #..#. #...# #...# #...# #..#. ###..',
    'E': '##### #.... #.... ####. #.... #.... #####',
    'F': '##### #.... #.... ####. #.... #.... #....',
    'G': '.###. #...# #.... #.### #...# #...# .####',
    'H': '#...# #...# #...# ##### #...# #...# #...#',
    'I': '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
    'J': '..### ...#. ...#. ...#. ...#. #..#. .##..',
    'K': '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
    'L': '#.... #.... #.... #.... #.... #.... #####',
    'M': '#...# ##.## #.#.# #.#.# #...# #...# #...#',
    'N': '#...# #...# ##..# #.#.# #..## #...# #...#',
    'O': '.###. #...# #...# #...# #...# #...# .###.',
    'P': '####. #...# #...# ####. #.... #.... #....',
    'Q': '.###. #...# #...# #...# #.#.# #..#. .##.#',
    'R': '####. #...# #...# ####. #.#.. #..#. #...#',
    'S': '.#### #.... #.... .###. ....# ....# ####.',
    'T': '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
    'U': '#...# #...# #...# #...# #...# #...# .###.',
    'V': '#...# #...# #...# #...# #...# .#.#. ..#..',
    'W': '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
    'X': '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
    'Y': '#...# #...# #...# .#.#. ..#.. ..#.. ..#..',
    'Z': '##### ....# ...#. ..#.. .#... #.... #####',
    '[': '###.. #.... #.... #.... #.... #.... ###..',
    '\\': '..... #.... .#... ..#.. ...#. ....# .....',
    ']': '..### ....# ....# ....# ....# ....# ..###',
    '^': '..#.. .#.#. #...# ..... ..... ..... .....',
    '_': '..... ..... ..... ..... ..... ..... #####',
}  # fmt: skip


def lcd_upper() -> Dataset:
    """The LCD ROM's capitals: dense glyphs with close pairs (B D O Q, E F, P R, H M N)."""
    images = [[c == "#" for c in rows.replace(" ", "")] for rows in LCD_UPPER.values()]
    return Dataset("lcd-upper5x7", 5, 7, tuple(LCD_UPPER), np.asarray(images, np.float32))


def digits_slice(count: int = 256) -> Dataset:
    """The first `count` of scikit-learn's 8x8 grey digits (all 1797 make a slow zoo)."""
    digits = load_builtin("digits")
    return Dataset(f"digits 8x8 ({count})", 8, 8, digits.labels[:count], digits.images[:count])


# name -> maker; the names are the zoo's row titles and its --sets choices.
ZOO: dict[str, Callable[[], Dataset]] = {
    "font5x7": lambda: load_builtin("font5x7"),
    "lcd-upper5x7": lcd_upper,
    "mono-upper5x7": lambda: _font_set("mono-upper5x7", UPPER, "DejaVu Sans Mono", 8, 5, 7),
    "mono-punct5x7": lambda: _font_set("mono-punct5x7", PUNCT, "DejaVu Sans Mono", 8, 5, 7),
    "sans-upper5x7": lambda: _font_set("sans-upper5x7", UPPER, "DejaVu Sans", 8, 5, 7),
    "serif-upper5x7": lambda: _font_set("serif-upper5x7", UPPER, "DejaVu Serif", 8, 5, 7),
    "bold-lower5x7": lambda: _font_set(
        "bold-lower5x7", LOWER, "DejaVu Sans Mono", 8, 5, 7, bold=True
    ),
    "digits8x8": digits_slice,
    "kanji10x10": kanji_like,
    "arrows9x9": lambda: _font_set("arrows9x9", ARROWS + SYMBOLS, "DejaVu Sans", 10, 9, 9),
    "smileys12x12": smiley_variants,
    "emoji12x12": lambda: load_builtin("emoji12x12"),
    "serif-upper14x14": lambda: _font_set("serif-upper14x14", UPPER, "DejaVu Serif", 14, 14, 14),
    "sans-grey16x16": lambda: _font_set(
        "sans-grey16x16", UPPER, "DejaVu Sans", 16, 16, 16, grey=True
    ),
    "mono-lower20x20": lambda: _font_set(
        "mono-lower20x20", LOWER, "DejaVu Sans Mono", 20, 20, 20, bold=True
    ),
    "faces-grey20x20": grey_emoji_tiles,
}


@functools.cache
def zoo_set(name: str) -> Dataset:
    """One set of the zoo by name (made once per process)."""
    return ZOO[name]()


def is_binary(data: Dataset) -> bool:
    """Every pixel exactly 0 or 1: wrong-pixel targets apply to these sets."""
    return bool(np.isin(data.images, (0.0, 1.0)).all())

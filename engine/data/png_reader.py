"""A small PNG reader (zlib and NumPy only), so the engine reads image folders without Qt.

It reads what image folders hold in practice: 8-bit greyscale, grey + alpha, RGB or RGBA,
not interlaced. Palette, 16-bit and interlaced files are refused with a sentence that says so
(re-save them as 8-bit grey or RGB). Every chunk's CRC is checked, and the image data is
inflated no further than the size the header implies, so a damaged or hostile file is an error,
never a huge allocation.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from engine.data.dataset import DatasetError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples a pixel
MAX_SIDE = 4096  # header sides above this are refused before anything is inflated
# ITU-R BT.601 luma weights, as most image libraries use for "convert to grey"
LUMA = np.array([0.299, 0.587, 0.114])


def read_png(path: Path) -> np.ndarray:
    """The picture as (height, width, samples) uint8, where samples is 1, 2, 3 or 4."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error.strerror})") from None
    if not data.startswith(SIGNATURE):
        raise DatasetError(f"{path}: not a PNG file")
    header, idat = _chunks(data, path)
    width, height, depth, colour, _compression, _filter, interlace = header
    if colour not in CHANNELS or depth != 8 or interlace:
        raise DatasetError(
            f"{path}: a {depth}-bit PNG of colour type {colour}"
            f"{', interlaced' if interlace else ''}; only 8-bit grey, grey+alpha, RGB or RGBA "
            "non-interlaced PNGs are read (re-save it as one)"
        )
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise DatasetError(f"{path}: a PNG of {width}x{height} pixels is refused")
    samples = CHANNELS[colour]
    stride = width * samples
    expected = height * (stride + 1)  # a filter byte starts each row
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(idat, expected)
    except zlib.error as error:
        raise DatasetError(f"{path}: the image data is damaged ({error})") from None
    if len(raw) != expected:
        raise DatasetError(f"{path}: the image data holds {len(raw)} bytes, expected {expected}")
    rows = np.frombuffer(raw, np.uint8).reshape(height, stride + 1)
    return _unfilter(rows, samples, path).reshape(height, width, samples)


def _chunks(data: bytes, path: Path) -> tuple[tuple[int, ...], bytes]:
    """The IHDR fields and the joined IDAT data, every chunk's CRC checked."""
    at, header, idat = len(SIGNATURE), None, []
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length] or b"\0\0\0\0")
        if len(body) != length or zlib.crc32(kind + body) != crc:
            raise DatasetError(f"{path}: damaged PNG ({kind.decode('latin-1')} chunk)")
        if kind == b"IHDR" and length == 13:
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if header is None or not idat:
        raise DatasetError(f"{path}: not a complete PNG (no header or no image data)")
    return header, b"".join(idat)


def _unfilter(rows: np.ndarray, bpp: int, path: Path) -> np.ndarray:
    """Undo PNG's per-row filters. rows (h, 1 + stride) -> pixels (h, stride) uint8."""
    height, stride = rows.shape[0], rows.shape[1] - 1
    out = np.zeros((height + 1, stride), np.int64)  # row 0: the zero row "above" the image
    for r in range(height):
        kind, line = int(rows[r, 0]), rows[r, 1:].astype(np.int64)
        up = out[r]
        if kind == 0:
            cur = line
        elif kind == 1:  # Sub: a running sum per sample, mod 256
            cur = np.empty_like(line)
            for k in range(bpp):
                cur[k::bpp] = np.cumsum(line[k::bpp]) & 255
        elif kind == 2:  # Up
            cur = (line + up) & 255
        elif kind in (3, 4):  # Average, Paeth: each byte depends on the one to its left
            cur = _sequential(line.tolist(), up.tolist(), bpp, kind)
        else:
            raise DatasetError(f"{path}: damaged PNG (row {r} has filter type {kind})")
        out[r + 1] = cur
    return out[1:].astype(np.uint8)


def _sequential(line: list[int], up: list[int], bpp: int, kind: int) -> np.ndarray:
    cur = [0] * len(line)
    for i, value in enumerate(line):
        a = cur[i - bpp] if i >= bpp else 0
        b = up[i]
        if kind == 3:
            cur[i] = (value + (a + b) // 2) & 255
            continue
        c = up[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        cur[i] = (value + predictor) & 255
    return np.array(cur, np.int64)


def to_grey(picture: np.ndarray) -> np.ndarray:
    """(h, w, samples) -> (h, w) uint8 brightness; transparent pixels are laid on white."""
    samples = picture.shape[2]
    colour = picture[..., : 3 if samples >= 3 else 1].astype(np.float64)
    grey = colour @ LUMA if samples >= 3 else colour[..., 0]  # (h, w)
    if samples in (2, 4):  # over white: v a + 255 (1 - a)
        alpha = picture[..., -1] / 255.0
        grey = grey * alpha + 255.0 * (1.0 - alpha)
    return np.rint(grey).astype(np.uint8)

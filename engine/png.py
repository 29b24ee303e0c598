"""A minimal PNG writer (8-bit greyscale), so the command line can save image sheets without Qt."""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np

from engine.atomic import write_bytes_atomic


def encode_png(grey: np.ndarray) -> bytes:
    """(h, w) uint8 -> the bytes of a greyscale PNG."""
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise ValueError("encode_png takes a 2-D uint8 array")
    h, w = grey.shape
    raw = np.hstack([np.zeros((h, 1), np.uint8), grey]).tobytes()  # filter byte 0 per row

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def image_sheet(
    images: np.ndarray, width: int, height: int, columns: int, scale: int = 4, gap: int = 1
) -> np.ndarray:
    """Tile images (n, height*width) in [0, 1] into one grey picture, ink dark on white.  -> uint8"""
    n = len(images)
    rows = max(1, -(-n // columns))
    cell_w, cell_h = width * scale + gap, height * scale + gap
    sheet = np.full((rows * cell_h + gap, columns * cell_w + gap), 200, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        tile = np.kron(image.reshape(height, width), np.ones((scale, scale)))
        y, x = gap + r * cell_h, gap + c * cell_w
        sheet[y : y + height * scale, x : x + width * scale] = np.round(255 * (1 - tile))
    return sheet


def save_png(path: str | os.PathLike[str], grey: np.ndarray) -> None:
    """Write a greyscale picture atomically."""
    write_bytes_atomic(path, encode_png(grey))

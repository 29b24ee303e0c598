"""Image import reads a picture's declared size first and bounds the cells it cuts (issue 17)."""

import struct
import zlib

import numpy as np
import pytest

from engine.data.datasets import DatasetError
from engine.png import encode_png
from gui.data.image_import import import_sheet


def png_declaring(width: int, height: int) -> bytes:
    """A black 4x4 PNG whose IHDR claims width x height, with a correct CRC (a crafted file)."""
    data = bytearray(encode_png(np.zeros((4, 4), np.uint8)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def test_a_picture_declaring_ten_billion_pixels_is_refused_from_its_header(tmp_path, qapp):
    path = tmp_path / "huge.png"
    path.write_bytes(png_declaring(100_000, 100_000))
    with pytest.raises(DatasetError, match=r"huge\.png: the picture is 100,000x100,000 pixels"):
        import_sheet(path, 10, 10, 8, 8)
    path.write_bytes(png_declaring(4, 4))  # negative control: the honest header imports
    assert len(import_sheet(path, 2, 2, 8, 8)) == 4


@pytest.mark.parametrize(
    ("side", "message"),
    [
        (2000, "the number of cells is 4,000,000"),
        (1000, "the number of glyph pixels is 4,096,000,000"),
    ],
)
def test_a_sheet_of_too_many_cells_is_refused_before_cutting(tmp_path, qapp, side, message):
    path = tmp_path / "sheet.png"
    path.write_bytes(encode_png(np.zeros((side, side), np.uint8)))
    with pytest.raises(DatasetError, match=rf"sheet\.png: {message}"):
        import_sheet(path, 1, 1, 64, 64)

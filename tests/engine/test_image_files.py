"""Image files as the MNIST family and NumPy users keep them: IDX (gzip'd or not), .npy/.npz
arrays, and folders of PNGs, each read to a uint8 Dataset or refused with a sentence."""

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from engine.data.datasets import DatasetError, load_dataset
from engine.data.idx import FASHION_CLASSES, gzip_bytes, idx_bytes
from engine.data.png_reader import read_png
from engine.png import encode_png


@pytest.fixture(scope="module")
def digits():
    """40 random 6x5 images (uint8) and their classes 0..9."""
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, (40, 6, 5), dtype=np.uint8), rng.integers(0, 10, 40, np.uint8)


# ---- IDX ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gzipped", [True, False])
def test_idx_images_and_labels_beside_them(tmp_path, digits, gzipped):
    images, classes = digits
    suffix = ".gz" if gzipped else ""
    pack = gzip_bytes if gzipped else bytes
    (tmp_path / f"train-images-idx3-ubyte{suffix}").write_bytes(pack(idx_bytes(images)))
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(classes)))
    data = load_dataset(str(tmp_path / f"train-images-idx3-ubyte{suffix}"))
    assert (data.width, data.height, len(data)) == (5, 6, 40)
    assert data.pixels.dtype == np.uint8  # kept as bytes: a quarter of the memory of floats
    np.testing.assert_array_equal(data.pixels.reshape(40, 6, 5), images)
    np.testing.assert_array_equal(data.images, images.reshape(40, 30) / np.float32(255))
    assert data.labels == tuple(str(c) for c in classes)
    assert data.name == "train-images-idx3-ubyte"


def test_idx_without_labels_numbers_the_images(tmp_path, digits):
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(idx_bytes(digits[0][:3]))
    assert load_dataset(str(path)).labels == ("#0", "#1", "#2")


def test_fashion_folder_names_the_classes(tmp_path, digits):
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(digits[0])))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(digits[1])))
    data = load_dataset(str(folder / "train-images-idx3-ubyte.gz"))
    assert data.labels == tuple(FASHION_CLASSES[c] for c in digits[1])


def _idx_refusal(tmp_path, content: bytes, name="train-images-idx3-ubyte") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        load_dataset(str(path))
    assert str(path) in str(info.value)
    return str(info.value)


def test_idx_refuses_damaged_files(tmp_path, digits):
    images = digits[0]
    good = idx_bytes(images)
    assert "ends after" in _idx_refusal(tmp_path, good[:-7])
    assert "more bytes" in _idx_refusal(tmp_path, good + b"\0")
    assert "magic number" in _idx_refusal(tmp_path, b"\1\2" + good[2:])
    assert "0x00000801" in _idx_refusal(tmp_path, idx_bytes(digits[1]))  # labels, not images
    big = struct.pack(">IIII", 0x803, 10, 65, 5)
    assert "sides of 1..64" in _idx_refusal(tmp_path, big)
    huge = struct.pack(">IIII", 0x803, 2_000_000, 28, 28)
    assert "number of images is 2,000,000" in _idx_refusal(tmp_path, huge)
    cut = gzip_bytes(good)[:-30]
    assert "gzip" in _idx_refusal(tmp_path, cut, "train-images-idx3-ubyte.gz")
    labels = tmp_path / "train-labels-idx1-ubyte"
    labels.write_bytes(idx_bytes(digits[1][:5]))
    (tmp_path / "train-images-idx3-ubyte").write_bytes(good)
    with pytest.raises(DatasetError, match=f"{labels}: 5 labels for the 40 images"):
        load_dataset(str(tmp_path / "train-images-idx3-ubyte"))


def test_a_gzip_reading_of_a_good_file_is_not_a_refusal(tmp_path, digits):
    """Negative control for the refusals above: the same bytes, whole, load."""
    path = tmp_path / "x-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as stream:
        stream.write(idx_bytes(digits[0]))
    assert len(load_dataset(str(path))) == 40


# ---- .npy and .npz --------------------------------------------------------------------------------


def test_npy_uint8_and_float(tmp_path, digits):
    images = digits[0]
    np.save(tmp_path / "bytes.npy", images)
    data = load_dataset(str(tmp_path / "bytes.npy"))
    assert data.pixels.dtype == np.uint8
    np.testing.assert_array_equal(data.pixels.reshape(40, 6, 5), images)
    np.save(tmp_path / "floats.npy", images / 255.0)
    floats = load_dataset(str(tmp_path / "floats.npy"))
    assert floats.pixels.dtype == np.float32
    np.testing.assert_allclose(floats.images, data.images, atol=1e-7)
    assert floats.labels == tuple(f"#{i}" for i in range(40))


def test_npz_keras_names_and_labels(tmp_path, digits):
    images, classes = digits
    np.savez_compressed(tmp_path / "mnist.npz", x_train=images, y_train=classes, x_test=images[:3])
    data = load_dataset(str(tmp_path / "mnist.npz"))
    assert len(data) == 40
    assert data.labels == tuple(str(c) for c in classes)
    np.savez(tmp_path / "only.npz", pictures=images)  # the only 3-D array is the images
    assert len(load_dataset(str(tmp_path / "only.npz"))) == 40


def test_save_npz_round_trips_bytes_floats_and_names(tmp_path):
    """What the window's Save as writes for a set of images reads back as it was held."""
    from engine.data.arrays import save_npz
    from engine.data.datasets import load_builtin

    font = load_builtin("font5x7")  # float32 pixels, names such as "DEL" and "{"
    save_npz(font, tmp_path / "font.npz")
    back = load_dataset(str(tmp_path / "font.npz"))
    assert back.labels == font.labels and back.pixels.dtype == np.float32
    np.testing.assert_array_equal(back.pixels, font.pixels)
    assert (back.width, back.height) == (font.width, font.height) == (5, 7)
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary left

    strokes = font.__class__("strokes", 5, 7, ("é",) * 32, (font.pixels * 255).astype(np.uint8))
    save_npz(strokes, tmp_path / "strokes.npz")
    back = load_dataset(str(tmp_path / "strokes.npz"))
    assert back.pixels.dtype == np.uint8 and back.labels == strokes.labels
    np.testing.assert_array_equal(back.pixels, strokes.pixels)


def _npy_refusal(path: Path) -> str:
    with pytest.raises(DatasetError) as info:
        load_dataset(str(path))
    assert str(path) in str(info.value)
    return str(info.value)


def test_arrays_refused_with_a_sentence(tmp_path, digits):
    images = digits[0]
    np.save(tmp_path / "flat.npy", images.reshape(40, 30))
    assert "shape (n, height, width)" in _npy_refusal(tmp_path / "flat.npy")
    np.save(tmp_path / "wide.npy", np.zeros((2, 5, 65), np.uint8))
    assert "sides of 1..64" in _npy_refusal(tmp_path / "wide.npy")
    np.save(tmp_path / "int16.npy", images.astype(np.int16))
    assert "uint8 or floats" in _npy_refusal(tmp_path / "int16.npy")
    np.save(tmp_path / "scale.npy", images.astype(np.float32))  # 0..255 floats
    assert "not in [0, 1]" in _npy_refusal(tmp_path / "scale.npy")
    np.save(tmp_path / "objects.npy", np.array([[[None]]]), allow_pickle=True)
    assert "never loaded" in _npy_refusal(tmp_path / "objects.npy")
    (tmp_path / "text.npy").write_text("hello")
    assert "damaged header" in _npy_refusal(tmp_path / "text.npy")
    (tmp_path / "text.npz").write_text("hello")
    assert "not a zip" in _npy_refusal(tmp_path / "text.npz")
    np.savez(tmp_path / "none.npz", a=np.zeros(3), b=np.zeros(4))
    assert "no images" in _npy_refusal(tmp_path / "none.npz")
    np.savez(tmp_path / "badlabels.npz", x=images, y=np.zeros(39, np.uint8))
    assert "labels must be 40" in _npy_refusal(tmp_path / "badlabels.npz")


def test_array_size_is_checked_from_the_header_before_the_data(tmp_path):
    """A header that promises more than the file holds is refused before anything is read."""
    header = {"descr": "<f8", "fortran_order": False, "shape": (900_000, 64, 64)}
    with (tmp_path / "huge.npy").open("wb") as stream:
        np.lib.format.write_array_header_1_0(stream, header)
    assert "declares shape (900000, 64, 64)" in _npy_refusal(tmp_path / "huge.npy")


# ---- PNG folders ----------------------------------------------------------------------------------


def _png(pixels: np.ndarray, colour: int, filters: list[int], depth: int = 8) -> bytes:
    """A PNG written with the given filter type on each row (a reference encoder)."""
    h, w = pixels.shape[:2]
    rows = pixels.reshape(h, -1).astype(np.int64)
    bpp = rows.shape[1] // w
    raw = bytearray()
    prev = np.zeros(rows.shape[1], np.int64)
    for r, kind in enumerate(filters):
        line, out = rows[r], []
        for i, x in enumerate(line):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            paeth = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]
            predictor = [0, a, b, (a + b) // 2, paeth][kind]
            out.append((x - predictor) & 255)
        raw += bytes([kind, *out])
        prev = line

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    head = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", head)
        + chunk(b"IDAT", zlib.compress(bytes(raw)))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("colour", "samples"), [(0, 1), (2, 3), (4, 2), (6, 4)])
def test_png_reader_undoes_every_filter(tmp_path, colour, samples):
    rng = np.random.default_rng(colour)
    pixels = rng.integers(0, 256, (5, 7, samples), dtype=np.uint8)
    path = tmp_path / "x.png"
    path.write_bytes(_png(pixels, colour, [0, 1, 2, 3, 4]))
    np.testing.assert_array_equal(read_png(path), pixels)


def test_png_reader_refuses_what_it_does_not_read(tmp_path):
    pixels = np.zeros((2, 2, 1), np.uint8)
    for colour, depth, detail in [(3, 8, "colour type 3"), (0, 16, "16-bit")]:
        path = tmp_path / "x.png"
        path.write_bytes(_png(pixels, colour, [0, 0], depth))
        with pytest.raises(DatasetError, match=detail):
            read_png(path)
    damaged = bytearray(_png(pixels, 0, [0, 0]))
    damaged[-20] ^= 1  # a byte of the IDAT chunk: its CRC no longer matches
    (tmp_path / "bad.png").write_bytes(bytes(damaged))
    with pytest.raises(DatasetError, match="damaged"):
        read_png(tmp_path / "bad.png")


def test_png_folder_dark_ink_on_white_and_classes_by_subfolder(tmp_path):
    glyph = np.full((4, 3), 255, np.uint8)
    glyph[1:3, 1] = 0  # a dark stroke on white
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.png").write_bytes(encode_png(glyph))
        (tmp_path / label / "2.png").write_bytes(encode_png(glyph))
    data = load_dataset(str(tmp_path))
    assert data.labels == ("a", "a", "b", "b")
    assert data.image(0)[1, 1] == 1.0  # the stroke is ink
    assert data.image(0)[0, 0] == 0.0  # the page is not
    (tmp_path / "top.png").write_bytes(encode_png(255 - glyph))  # light ink on black
    data = load_dataset(str(tmp_path))
    assert data.labels == ("top",)
    assert data.image(0)[1, 1] == 1.0 and data.image(0)[0, 0] == 0.0


def test_png_folder_refusals(tmp_path):
    with pytest.raises(DatasetError, match=r"no \.png files"):
        load_dataset(str(tmp_path))
    (tmp_path / "a.png").write_bytes(encode_png(np.zeros((4, 3), np.uint8)))
    (tmp_path / "b.png").write_bytes(encode_png(np.zeros((4, 4), np.uint8)))
    with pytest.raises(DatasetError, match="one size"):
        load_dataset(str(tmp_path))
    (tmp_path / "b.png").write_bytes(encode_png(np.zeros((4, 3), np.uint8)))
    assert len(load_dataset(str(tmp_path))) == 2  # negative control: equal sizes load

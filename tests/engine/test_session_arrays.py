"""Sessions hold their data sets as npy members: uint8 stays bytes, old JSON sessions still open,
and a hostile member ends in one sentence naming the file."""

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.dataset import Dataset
from engine.data.datasets import load_builtin
from engine.session import Session, SessionFileError, load_session, save_session

V1_SESSION = Path(__file__).parent / "data" / "session_v1.aelab"  # written by version 1's code


@pytest.fixture(scope="module")
def digits_like():
    """3,000 random 28x28 uint8 images with class labels: MNIST's shape, small enough to test."""
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (3000, 784), dtype=np.uint8)
    pixels[pixels < 180] = 0  # mostly black, like MNIST
    labels = tuple(str(d) for d in rng.integers(0, 10, 3000))
    return Dataset("mnist-like", 28, 28, labels, pixels)


@pytest.fixture(scope="module")
def saved(tmp_path_factory, digits_like):
    """A uint8 session after one epoch in minibatches, and the trainer that wrote it."""
    config = TrainConfig(epochs=1, batch_size=256, stop_max_wrong_pixels=None)
    trainer = Trainer(Autoencoder(784, (8,), 2, seed=1), digits_like.pixels, config)
    trainer.run()
    path = tmp_path_factory.mktemp("s") / "mnist.aelab"
    save_session(path, Session(digits_like, trainer, {"note": "x"}))
    return path, trainer


def test_a_uint8_set_round_trips_as_bytes(saved, digits_like):
    path, trainer = saved
    session = load_session(path)
    assert session.dataset.pixels.dtype == np.uint8
    assert np.array_equal(session.dataset.pixels, digits_like.pixels)
    assert session.dataset.labels == digits_like.labels
    assert session.trainer.images.dtype == np.uint8  # trains on bytes, not 4x their size
    assert np.array_equal(session.trainer.model.params, trainer.model.params)
    assert session.extra == {"note": "x"}
    assert session.edited is None
    # The file holds the pixels as bytes (deflated), not as JSON numbers; session.json holds
    # the labels and settings only.
    assert path.stat().st_size < digits_like.pixels.nbytes
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("session.json").file_size < 100_000
        assert "glyphs" not in json.loads(zf.read("session.json"))["dataset"]


def test_the_edited_set_round_trips_beside_the_runs_own(tmp_path):
    font = load_builtin("font5x7")
    images = font.images.copy()
    images[0, :5] = 0.5  # grey levels stay exact float32
    edited = font.replace(name="my font", images=images)
    trainer = Trainer(Autoencoder(font.n_pixels, (8,)), font.images, TrainConfig(epochs=2))
    trainer.run()
    path = tmp_path / "s.aelab"
    save_session(path, Session(font, trainer, edited=edited))
    session = load_session(path)
    assert np.array_equal(session.dataset.pixels, font.pixels)
    assert session.edited is not None and session.edited.name == "my font"
    assert np.array_equal(session.edited.pixels, edited.pixels)
    assert session.edited.pixels.dtype == np.float32


def test_a_version_1_session_still_opens_and_resumes():
    """The committed file was written by version 1 (data set as JSON) after 3 of 5 epochs."""
    with zipfile.ZipFile(V1_SESSION) as zf:
        meta = json.loads(zf.read("session.json"))
        assert meta["version"] == 1 and "glyphs" in meta["dataset"]
    session = load_session(V1_SESSION)
    assert len(session.dataset) == 8 and session.dataset.name == "font5x7"
    assert session.trainer.epoch == 3
    assert session.extra["edited_dataset"]["name"] == "font5x7 (edited)"
    session.trainer.run()
    assert session.trainer.epoch == 5


def _rewrite(source: Path, target: Path, **members: bytes) -> Path:
    """`source` with some members replaced (b"" drops one)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = members.get(name.replace(".", "_"), src.read(name))
            if data:
                dst.writestr(name, data)
    return target


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    out = io.BytesIO()
    np.save(out, array, allow_pickle=allow_pickle)
    return out.getvalue()


def _npy_header(shape: tuple[int, ...], descr: str = "|u1") -> bytes:
    """An npy header alone, declaring `shape` (the data that should follow is missing)."""
    out = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue()


def test_hostile_session_files_end_in_one_sentence_naming_the_file(tmp_path, saved, digits_like):
    path, _ = saved
    load_session(_rewrite(path, tmp_path / "same.aelab"))  # negative control: a faithful copy

    magic = tmp_path / "magic.aelab"
    magic.write_bytes(b'{"not": "a zip"}')
    truncated = tmp_path / "truncated.aelab"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    pickled = np.full((10, 784), None, dtype=object)
    cases = {
        magic: "magic.aelab: the file is damaged or not a session",
        truncated: "truncated.aelab: the file is damaged or not a session",
        _rewrite(path, tmp_path / "pickle.aelab", dataset_npy=_npy(pickled, True)): (
            r"pickle.aelab: the array 'dataset.npy' holds Python objects; they are never loaded"
        ),
        _rewrite(path, tmp_path / "huge.aelab", dataset_npy=_npy_header((10**9, 784))): (
            r"huge.aelab: the array 'dataset.npy' declares shape \(1000000000, 784\)"
        ),
        _rewrite(path, tmp_path / "shape.aelab", dataset_npy=_npy(digits_like.pixels[:10])): (
            r"shape.aelab: dataset.npy holds uint8 of shape \(10, 784\); session.json declares "
            "3,000 images of 28x28"
        ),
        _rewrite(path, tmp_path / "missing.aelab", dataset_npy=b""): (
            r"missing.aelab: the session has no dataset.npy"
        ),
        _rewrite(
            path, tmp_path / "range.aelab", dataset_npy=_npy(np.full((3000, 784), 2, np.float32))
        ): r"range.aelab: the dataset in dataset.npy is unusable: .* not in \[0, 1\]",
    }
    for file, message in cases.items():
        with pytest.raises(SessionFileError, match=message):
            load_session(file)


def test_labels_must_match_their_images(tmp_path, saved):
    path, _ = saved
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("session.json"))
    meta["dataset"]["labels"] = [*meta["dataset"]["labels"][:-1], 7]
    bad = _rewrite(path, tmp_path / "labels.aelab", session_json=json.dumps(meta).encode())
    with pytest.raises(
        SessionFileError, match=r"labels.aelab: dataset.labels\[2999\] must be text"
    ):
        load_session(bad)

"""The command line on image files: `train --data train-images-idx3-ubyte.gz`, the held-out test
split and its metrics, and `evaluate` on a test file giving the same numbers."""

import json

import numpy as np
import pytest

import engine.cli.commands
from engine.cli.commands import run_cli
from engine.data.datasets import load_dataset
from engine.data.idx import gzip_bytes, idx_bytes
from engine.data.split import split_dataset
from engine.serialization import load_model


@pytest.fixture(scope="module")
def mnist_like(tmp_path_factory):
    """1200 random 4x4 byte images with classes 0..9, as MNIST's gzip'd IDX pair."""
    folder = tmp_path_factory.mktemp("idx")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (1200, 4, 4), dtype=np.uint8)
    classes = rng.integers(0, 10, 1200, dtype=np.uint8)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(images)))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(classes)))
    return folder / "train-images-idx3-ubyte.gz"


TRAIN = ["--epochs", "2", "--batch-size", "64", "--hidden", "8", "--quiet"]


def _train(path, out, *extra) -> dict:
    assert run_cli(["train", "--data", str(path), "--out", str(out), *TRAIN, *extra]) == 0
    return json.loads((out / "metrics.json").read_text())


def test_train_on_idx_holds_out_a_tenth_and_reports_it(mnist_like, tmp_path):
    metrics = _train(mnist_like, tmp_path)
    assert metrics["test"]["count"] == 120  # above 1000 images a tenth is held out by default
    assert metrics["test"]["total_wrong_pixels"] > 0
    assert 0 < metrics["test"]["mse"] < 1
    assert len(metrics["per_glyph_wrong_pixels"]) == 1080
    _, meta = load_model(tmp_path / "model.npz")
    assert meta["dataset"]["count"] == 1080
    assert meta["split"] == {"test_fraction": 0.1, "split_seed": 0, "test_count": 120}


def test_evaluate_on_the_test_file_gives_the_test_metrics(mnist_like, tmp_path, capsys):
    metrics = _train(mnist_like, tmp_path, "--split-seed", "4")
    _, test = split_dataset(load_dataset(str(mnist_like)), 0.1, seed=4)
    np.save(tmp_path / "test.npy", test.pixels.reshape(-1, 4, 4))
    capsys.readouterr()
    model = str(tmp_path / "model.npz")
    assert run_cli(["evaluate", "--model", model, "--data", str(tmp_path / "test.npy")]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    for key in ("max_wrong_pixels", "total_wrong_pixels", "wrong_pixels_per_image"):
        assert evaluated[key] == metrics["test"][key]
    assert evaluated["mse"] == pytest.approx(metrics["test"]["mse"], rel=1e-6)
    # Negative control: the training images score differently.
    train, _ = split_dataset(load_dataset(str(mnist_like)), 0.1, seed=4)
    np.save(tmp_path / "train.npy", train.pixels[:120].reshape(-1, 4, 4))
    assert run_cli(["evaluate", "--model", model, "--data", str(tmp_path / "train.npy")]) == 0
    assert json.loads(capsys.readouterr().out)["mse"] != pytest.approx(metrics["test"]["mse"])


def test_test_fraction_flag(mnist_like, tmp_path, capsys):
    assert "test" not in _train(mnist_like, tmp_path, "--test-fraction", "0")
    assert _train(mnist_like, tmp_path, "--test-fraction", "0.25")["test"]["count"] == 300
    capsys.readouterr()
    code = run_cli(["train", "--data", str(mnist_like), "--test-fraction", "1", *TRAIN])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--test-fraction" in err


def test_small_sets_are_not_split(tmp_path):
    assert "test" not in _train("font5x7", tmp_path)


def test_large_sets_report_per_class(mnist_like, tmp_path, monkeypatch):
    monkeypatch.setattr(engine.cli.commands, "PER_IMAGE_LIMIT", 500)
    metrics = _train(mnist_like, tmp_path)
    assert "latent" not in metrics and "per_glyph_wrong_pixels" not in metrics
    per_class = metrics["per_class_mean_wrong_pixels"]
    assert sorted(per_class) == [str(k) for k in range(10)]
    assert min(per_class.values()) <= metrics["wrong_pixels_per_image"] <= max(per_class.values())


def test_a_damaged_data_file_is_one_line_naming_it(tmp_path, capsys):
    bad = tmp_path / "train-images-idx3-ubyte.gz"
    bad.write_bytes(b"\x1f\x8bnot really gzip")
    assert run_cli(["train", "--data", str(bad), "--quiet", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(bad) in err and err.count("\n") == 1

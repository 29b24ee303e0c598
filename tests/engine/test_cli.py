"""The headless command line: train, evaluate, generate, and one clear line for every bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.cli.commands import run_cli
from engine.data.dataset_json import load_json
from engine.data.datasets import load_dataset
from engine.generation import grid_quality
from engine.serialization import load_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert run_cli(["train", "--data", "font5x7", "--out", str(out), "--quiet"]) == 0
    return out


def test_train_with_defaults_reaches_zero_wrong_pixels(trained):
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["max_wrong_pixels"] == 0
    assert metrics["total_wrong_pixels"] == 0
    assert set(metrics["per_glyph_wrong_pixels"]) >= {"a", "`", "DEL"}
    assert len(metrics["latent"]["a"]) == 2
    assert metrics["epochs"] > 0
    assert metrics["seconds"] > 0
    _, meta = load_model(trained / "model.npz")
    assert meta["dataset"]["name"] == "font5x7"
    assert len(meta["dataset"]["hash"]) == 64
    assert meta["training"]["optimizer"] == "adam"


def test_evaluate_prints_metrics_json(trained, capsys):
    assert run_cli(["evaluate", "--model", str(trained / "model.npz"), "--data", "font5x7"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["max_wrong_pixels"] == 0
    assert "mean_wrong_pixels" not in metrics


def test_evaluate_with_noise_scores_against_the_clean_glyphs(trained, capsys):
    args = ["evaluate", "--model", str(trained / "model.npz"), "--noise", "bitflip:0.2"]
    assert run_cli([*args, "--repeats", "5", "--seed", "1"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["mean_wrong_pixels"] > 0.5  # a plain AE does not undo 20 % flips
    assert first["repeats"] == 5
    assert run_cli([*args, "--repeats", "5", "--seed", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == first  # seeded


def test_generate_png_and_json(trained, tmp_path):
    png = tmp_path / "grid.png"
    assert run_cli(["generate", "--model", str(trained / "model.npz"), "--out", str(png)]) == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # width and height in IHDR: 10 cells of 5x4 px plus 1 px gaps -> 211 x 291
    assert int.from_bytes(data[16:20], "big") == 10 * (5 * 4 + 1) + 1
    assert int.from_bytes(data[20:24], "big") == 10 * (7 * 4 + 1) + 1
    out = tmp_path / "grid.json"
    args = ["generate", "--model", str(trained / "model.npz"), "--grid", "3", "--range", "-2:2"]
    args += ["--out", str(out)]
    assert run_cli(args) == 0
    generated = load_json(out)
    assert len(generated) == 9 and (generated.width, generated.height) == (5, 7)
    model, _ = load_model(trained / "model.npz")
    corner = model.decode(np.array([[-2.0, 2.0]], dtype=np.float32)) >= 0.5
    assert np.array_equal(generated.images[0], corner[0].astype(np.float32))


def test_generate_prints_the_grid_numbers_and_writes_them_to_json(trained, tmp_path, capsys):
    model_path = str(trained / "model.npz")
    out = tmp_path / "grid.json"
    assert run_cli(["generate", "--model", model_path, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    document = json.loads(out.read_text())
    numbers = document["generation"]
    assert f"{numbers['distinct']} of 100 images distinct, {numbers['new']} new" in printed
    assert "along z1" in printed and "along z2" in printed
    assert len(numbers["nearest_distance"]) == len(numbers["nearest_glyph"]) == 100
    model, _ = load_model(model_path)
    font = load_dataset("font5x7")
    expected = grid_quality(model, font.images)
    assert numbers["distinct"] == expected.distinct and numbers["new"] == expected.new
    assert numbers["axis_change"]["z1"] == pytest.approx(expected.axis_change[0])
    assert numbers["nearest_distance"] == expected.distance.tolist()
    assert len(load_json(out)) == 100  # still a set the window can open


def test_generate_needs_a_matching_training_set(trained, tmp_path, capsys):
    model_path = str(trained / "model.npz")
    args = ["generate", "--model", model_path, "--out", str(tmp_path / "g.png")]
    assert run_cli([*args, "--data", "emoji12x12"]) == 2
    assert "--data" in capsys.readouterr().err
    assert run_cli([*args, "--data", "font5x7"]) == 0
    assert "distinct" in capsys.readouterr().out


def test_train_warns_of_a_posterior_collapse_and_says_what_to_change(tmp_path, capsys):
    args = ["train", "--model", "vae", "--data", "emoji12x12", "--epochs", "300", "--quiet"]
    old = ["--activation", "tanh", "--free-bits", "0"]  # the preset before issue 14
    assert run_cli([*args, *old, "--beta", "30", "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "warning: Posterior collapse" in err and "lower beta" in err
    assert run_cli([*args, *old, "--beta", "1", "--out", str(tmp_path / "b")]) == 0
    assert "warning" not in capsys.readouterr().err


BAD_SETS = {
    "malformed.json": ('{"name": "x", "width": 5', "not valid JSON"),
    "short_row.json": (
        '{"name": "x", "width": 3, "height": 2, "glyphs": [{"label": "a", "rows": ["010", "01"]}]}',
        "row 1",
    ),
    "bad_char.json": (
        '{"name": "x", "width": 3, "height": 1, "glyphs": [{"label": "a", "rows": ["0x0"]}]}',
        "'x'",
    ),
    "empty.json": ('{"name": "x", "width": 3, "height": 1, "glyphs": []}', "no glyphs"),
}


@pytest.mark.parametrize("filename", sorted(BAD_SETS))
def test_bad_data_files_get_one_line_and_exit_2(tmp_path, capsys, filename):
    text, message = BAD_SETS[filename]
    path = tmp_path / filename
    path.write_text(text)
    assert run_cli(["train", "--data", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--data", "nope.json"], "no such file"),
        (["train", "--data", "fontX"], "fontX"),
        (["train", "--model", "gan"], "invalid choice"),
        (["train", "--noise", "pink:0.1"], "unknown noise"),
        (["train", "--hidden", "30,a"], "--hidden"),
        (["train", "--lr", "-1", "--epochs", "1"], "--lr must be a finite number above 0"),
        (["train", "--stop-max-wrong-pixels", "few"], "count or 'none'"),
        (["train", "--unknown-flag"], "unrecognized arguments"),
        (["evaluate", "--model", "missing.npz"], "no such model file"),
        (["generate", "--model", "missing.npz", "--out", "x.png"], "no such model file"),
        ([], "command"),
    ],
)
def test_bad_flags_get_one_line_and_exit_2(tmp_path, capsys, args, message):
    assert run_cli([*args, "--out", str(tmp_path / "o")] if args[:1] == ["train"] else args) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "-1"], "--seed must be a whole number from 0"),
        (["--beta", "nan"], "--beta must be a finite number at least 0, got nan"),
        (["--beta", "-5"], "--beta must be a finite number at least 0, got -5"),
        (["--loss-threshold", "nan"], "--loss-threshold must be a finite number"),
        (["--noise-copies", "0"], "--noise-copies must be a whole number from 1 to 1,024"),
        (["--noise-copies", "100000000"], "--noise-copies must be a whole number from 1"),
        (["--noise-floor", "0.7"], "--noise-floor must be a share of pixels in [0, 0.5], got 0.7"),
        (["--hidden", "100000000"], "--hidden takes at most 32 layers of at most 65,536 units"),
        (["--latent", "1000000000"], "--latent must be a whole number from 1 to 65,536"),
        (["--hidden", "60000,60000"], "the number of parameters is"),
    ],
)
def test_issue_17_train_flags_name_the_flag_before_any_work(tmp_path, capsys, args, message):
    out = tmp_path / "o"
    assert run_cli(["train", "--epochs", "1", *args, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1
    assert not out.exists()


def test_out_is_checked_before_training(tmp_path, capsys):
    taken = tmp_path / "file"
    taken.write_text("x")
    assert run_cli(["train", "--model", "dae", "--out", str(taken), "--quiet"]) == 2
    assert f"--out {taken} is a file" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        code = run_cli(["train", "--out", str(locked / "run"), "--quiet", "--epochs", "1"])
        err = capsys.readouterr().err
        if os.access(locked, os.W_OK):  # root writes anywhere: the check has nothing to refuse
            assert code == 0
        else:
            assert code == 2 and f"cannot write into {locked}" in err
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "100", "--scale", "32"], "makes a sheet of"),
        (["--range=-1e308:1e308"], "--range must lie within -1e+06:1e+06"),
        (["--grid", "0"], "--grid must be a whole number from 1 to 100"),
    ],
)
def test_generate_flags_are_bounded(trained, tmp_path, capsys, args, message):
    out = tmp_path / "g.png"
    model = str(trained / "model.npz")
    assert run_cli(["generate", "--model", model, "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1 and not out.exists()


def test_evaluate_repeats_are_bounded(trained, capsys):
    model = str(trained / "model.npz")
    args = ["evaluate", "--model", model, "--noise", "bitflip:0.1", "--repeats", "1000000000"]
    assert run_cli(args) == 2
    assert "--repeats must be a whole number from 1 to 100,000" in capsys.readouterr().err


def test_evaluate_refuses_a_model_of_another_image_size(trained, capsys):
    assert run_cli(["evaluate", "--model", str(trained / "model.npz"), "--data", "emoji12x12"]) == 2
    assert "35 pixels" in capsys.readouterr().err


def test_real_process_help_and_error_without_traceback(tmp_path):
    main = str(ROOT / "main.py")
    shown = subprocess.run([sys.executable, main, "--help"], capture_output=True, text=True)
    assert shown.returncode == 0
    commands = ("train", "evaluate", "generate", "sweep", "report")
    assert all(f"\n    {word} " in shown.stdout for word in commands), shown.stdout
    mistyped = subprocess.run([sys.executable, main, "trian"], capture_output=True, text=True)
    assert mistyped.returncode == 2
    assert all(repr(word) in mistyped.stderr for word in commands), mistyped.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    failed = subprocess.run(
        [sys.executable, main, "train", "--data", str(bad)], capture_output=True, text=True
    )
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1

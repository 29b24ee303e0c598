"""`main.py sweep`: a CSV with every method at every level, the DAE beating the plain AE where it
was trained, and one line on stderr (exit 2) for bad input."""

import csv

import numpy as np
import pytest

from engine.cli.commands import run_cli
from engine.cli.sweep_command import DAE_REFERENCE_LEVELS
from engine.serialization import save_model
from engine.sweep import BOUND, SWEEP_LEVELS

ARGS = ["sweep", "--data", "font5x7", "--kind", "bitflip", "--repeats", "2", "--dae-epochs", "300"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "sweep.csv"
    assert run_cli([*ARGS, "--seed", "0", "--out", str(out)]) == 0
    with out.open(newline="") as f:
        return list(csv.DictReader(f))


def test_the_csv_has_every_method_at_every_level(swept):
    assert list(swept[0]) == ["kind", "level", "method", "mean_wrong_pixels", "std", "repeats"]
    assert {r["kind"] for r in swept} == {"bitflip"}
    assert {r["repeats"] for r in swept} == {"2"}
    methods = ["DAE", "AE", "PCA", BOUND]
    levels = SWEEP_LEVELS["bitflip"]
    assert len(swept) == len(methods) * len(levels)
    for method in methods:
        assert [float(r["level"]) for r in swept if r["method"] == method] == list(levels)


def test_the_dae_beats_the_plain_ae_at_its_training_level(swept):
    mean = {
        r["method"]: float(r["mean_wrong_pixels"])
        for r in swept
        if float(r["level"]) == DAE_REFERENCE_LEVELS["bitflip"]
    }
    assert mean[BOUND] <= mean["DAE"] < mean["AE"]
    clean = {r["method"]: float(r["mean_wrong_pixels"]) for r in swept if r["level"] == "0"}
    assert clean[BOUND] == 0
    assert clean["AE"] == 0  # the preset AE reconstructs every clean glyph


def test_the_table_goes_to_stderr(tmp_path, capsys):
    out = tmp_path / "s.csv"
    args = ["sweep", "--kind", "gaussian", "--repeats", "1", "--dae-epochs", "20"]
    assert run_cli([*args, "--out", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "gaussian" in captured.err
    assert "PCA k=2" in captured.err
    assert f"Wrote 24 rows to {out}" in captured.err


def test_loaded_models_are_used_and_pca_matches_the_ae_latent_size(tmp_path, capsys):
    from engine.models import Autoencoder

    ae = Autoencoder(35, (8,), 3, "tanh", "bce", 0)
    save_model(tmp_path / "ae.npz", ae, {})
    save_model(tmp_path / "dae.npz", Autoencoder(35, (8,), 2, "relu", "bce", 1), {})
    out = tmp_path / "s.csv"
    args = ["sweep", "--kind", "salt-pepper", "--repeats", "1", "--out", str(out), "--quiet"]
    args += ["--ae", str(tmp_path / "ae.npz"), "--dae", str(tmp_path / "dae.npz")]
    assert run_cli(args) == 0
    err = capsys.readouterr().err
    assert "PCA k=3" in err
    assert "Training" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--repeats", "0"], "--repeats must be a whole number from 1"),
        (["--dae-epochs", "0"], "--dae-epochs must be a whole number from 1"),
        (["--kind", "pink"], "invalid choice: 'pink'"),
        (["--data", "emoji12x12", "--ae", "MISSING"], "MISSING"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, extra, message):
    assert run_cli(["sweep", "--out", str(tmp_path / "s.csv"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "s.csv").exists()


def test_sweep_trains_a_big_set_in_minibatches_on_its_bytes(monkeypatch):
    """The sweep's AE and DAE once took full-batch presets and the set as floats: at 60,000
    images, whole-set steps on 188 MB. They are sized as `train` sizes them (control: a glyph set
    still trains in one batch)."""
    from engine.cli import sweep_command
    from engine.data.datasets import Dataset, load_builtin
    from engine.training import Trainer

    seen = []

    class Recording(Trainer):
        def __init__(self, model, images, config, **kwargs):
            seen.append((images.dtype, config.batch_size))
            super().__init__(model, images, config, **kwargs)

    monkeypatch.setattr(sweep_command, "Trainer", Recording)
    rng = np.random.default_rng(0)
    pixels = (rng.random((12000, 16)) < 0.5).astype(np.uint8) * 255
    big = Dataset("big", 4, 4, ("x",) * 12000, pixels)
    sweep_command.train_preset("ae", big, 2, 0, None, 1)
    sweep_command.train_preset("ae", load_builtin("font5x7"), 2, 0, None, 1)
    assert seen == [(np.uint8, 128), (np.float32, 0)]

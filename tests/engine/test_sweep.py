"""Noise sweeps: curves that behave, shared noisy copies, cancel, and CSV."""

import csv
import io

import numpy as np
import pytest

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from engine.sweep import BOUND, SWEEP_LEVELS, run_sweep, sweep_csv


@pytest.fixture(scope="module")
def font_and_ae():
    font = load_builtin("font5x7")
    model = Autoencoder(font.n_pixels, seed=0)
    Trainer(model, font.images, TrainConfig()).run()
    return font, model


def test_sweep_curves_start_at_zero_and_rise(font_and_ae):
    font, ae = font_and_ae
    identity = {"identity": lambda x: x, "AE": ae.reconstruct}
    rows = run_sweep(font.images, identity, "bitflip", repeats=3, seed=1)
    assert len(rows) == len(SWEEP_LEVELS["bitflip"]) * 3
    by = {(r.method, r.level): r for r in rows}
    for method in ("identity", "AE", BOUND):
        assert by[(method, 0.0)].mean == 0.0
        assert by[(method, 0.3)].mean > by[(method, 0.05)].mean
    # doing nothing leaves p * 35 wrong pixels per glyph on average
    assert by[("identity", 0.2)].mean == pytest.approx(0.2 * 35, rel=0.15)
    assert by[(BOUND, 0.2)].mean < by[("identity", 0.2)].mean
    assert all(r.std >= 0 and r.repeats == 3 for r in rows)


def test_sweep_is_seeded_and_every_method_sees_the_same_copies(font_and_ae):
    font, _ = font_and_ae
    a = run_sweep(font.images, {"x": lambda x: x, "y": lambda x: x}, "gaussian", repeats=2, seed=3)
    b = run_sweep(font.images, {"x": lambda x: x, "y": lambda x: x}, "gaussian", repeats=2, seed=3)
    assert a == b
    by = {(r.method, r.level): r.mean for r in a}
    assert all(by[("x", lvl)] == by[("y", lvl)] for lvl in SWEEP_LEVELS["gaussian"])


def test_cancel_returns_the_levels_done(font_and_ae):
    font, _ = font_and_ae
    seen = []

    def progress(fraction):
        seen.append(fraction)
        return len(seen) < 2

    rows = run_sweep(font.images, {"id": lambda x: x}, "salt-pepper", repeats=1, progress=progress)
    assert len(seen) == 2
    assert {r.level for r in rows} == set(SWEEP_LEVELS["salt-pepper"][:2])


def test_csv_round_trip(font_and_ae):
    font, _ = font_and_ae
    rows = run_sweep(font.images, {"id": lambda x: x}, "bitflip", levels=[0.1], repeats=2)
    table = list(csv.DictReader(io.StringIO(sweep_csv(rows))))
    assert [t["method"] for t in table] == ["id", BOUND]
    assert float(table[0]["mean_wrong_pixels"]) == pytest.approx(rows[0].mean, rel=1e-5)
    assert np.isfinite(float(table[1]["std"]))

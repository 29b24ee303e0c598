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


def _whole_set_sweep(clean, denoisers, kind, levels, repeats, seed):
    """The sweep as it was before blocks: the whole set corrupted at once, as floats."""
    from engine.data.noise import Noise
    from engine.denoising import bound_wrong_pixels
    from engine.metrics import wrong_pixels

    rng = np.random.default_rng([seed, len(kind)])
    means = {}
    for level in levels:
        noise = Noise(kind, level)
        scores = {name: [] for name in [*denoisers, BOUND]}
        for _ in range(repeats):
            noisy = noise.apply(clean, rng)
            for name, denoise in denoisers.items():
                scores[name].append(float(wrong_pixels(denoise(noisy), clean).mean()))
            scores[BOUND].append(float(bound_wrong_pixels(clean, noisy[None], noise).mean()))
        means.update({(level, k): (np.mean(v), np.std(v)) for k, v in scores.items()})
    return means


@pytest.mark.parametrize("kind", ["salt-pepper", "gaussian"])
def test_a_uint8_set_in_blocks_gives_the_figures_of_its_floats_at_once(font_and_ae, kind):
    """Blocks of uint8 pixels == blocks of their floats; one block == the whole-set sweep."""
    _, ae = font_and_ae
    rng = np.random.default_rng(0)
    pixels = (rng.random((150, 35)) < 0.4).astype(np.uint8) * 255  # (150, 35) bytes
    pixels[::7] = rng.integers(0, 256, (22, 35), dtype=np.uint8)  # and some grey levels
    floats = pixels / np.float32(255)
    methods = {"AE": ae.reconstruct, "identity": lambda x: x}
    args = (methods, kind, [0.1, 0.3], 2, 4)
    whole = _whole_set_sweep(floats.astype(np.float32), *args)
    in_one = run_sweep(pixels, *args)  # 150 images: one block
    assert {(r.level, r.method): (r.mean, r.std) for r in in_one} == whole
    in_blocks = run_sweep(pixels, *args, block_rows=32)
    assert in_blocks == run_sweep(floats, *args, block_rows=32)
    # Blocks draw the noise in another order (salt & pepper draws two arrays per block), so
    # their figures are other samples of the same means.
    assert all(
        a.mean == pytest.approx(b.mean, rel=0.25, abs=0.2)
        for a, b in zip(in_blocks, in_one, strict=True)
    )
    # Negative control: other noise (another seed) gives other figures.
    other = run_sweep(pixels, methods, kind, [0.1, 0.3], 2, 5)
    assert {(r.level, r.method): (r.mean, r.std) for r in other} != whole


def test_a_big_uint8_sweep_never_holds_the_set_as_floats():
    """20,000 x 784 bytes (16 MB): a sweep in blocks of 1024 stays far below the 63 MB of the
    set as float32 (and the 125 MB of one whole-set draw of random numbers)."""
    import tracemalloc

    from engine.data.dataset import Dataset

    pixels = np.random.default_rng(1).integers(0, 256, (20_000, 784), dtype=np.uint8)
    data = Dataset("big", 28, 28, ("x",) * len(pixels), pixels)
    methods = {"identity": lambda x: x}

    def peak_mb(block_rows: int) -> float:
        tracemalloc.start()
        try:
            run_sweep(data.pixels, methods, "salt-pepper", [0.1], 1, bound=False,
                      block_rows=block_rows)  # fmt: skip
            return tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()

    assert peak_mb(1024) < 25
    assert "images" not in data.__dict__  # Dataset.images (the floats) was never made
    assert peak_mb(len(pixels)) > 100  # negative control: the whole set in one block


def test_the_bound_is_refused_for_a_big_set():
    pixels = np.zeros((2001, 4), np.uint8)
    with pytest.raises(ValueError, match="at most 2,000"):
        run_sweep(pixels, {}, "bitflip", [0.1], 1)
    assert run_sweep(pixels, {}, "bitflip", [0.1], 1, bound=False) == []

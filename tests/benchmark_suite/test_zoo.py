"""The defaults hold on zoo sets we do not ship (issue 14), with fixed seeds.

Only the zoo sets drawn without Qt are used here (the kanji-like strokes and the LCD capitals), so
these tests need no fonts; `python -m benchmarks.zoo` measures every set and seed.
"""

import dataclasses

import numpy as np

from benchmarks import zoo
from benchmarks.zoo_sets import kanji_like, lcd_upper
from engine.presets import PRESETS


def test_zoo_sets_are_distinct_binary_glyphs():
    for data in (kanji_like(), lcd_upper()):
        assert len(data.images) == 32
        assert np.isin(data.images, (0.0, 1.0)).all()
        assert len({row.tobytes() for row in data.images}) == 32  # no glyph twice
    assert kanji_like().images.mean() >= 0.25  # dense, as kanji are


def test_ae_defaults_reconstruct_dense_kanji_like_glyphs(monkeypatch):
    data = kanji_like()
    _, row = zoo.train("ae", data, seed=0)
    assert row["worst"] <= 1 and row["epochs"] < 1500  # ended by the stop rule
    # Negative control: the former default (tanh) in 1500 epochs is far from it (at 5000, 14 px).
    old = dataclasses.replace(PRESETS["ae"], activation="tanh", epochs=1500)
    monkeypatch.setitem(PRESETS, "ae", old)
    _, row = zoo.train("ae", data, seed=0)
    assert row["worst"] > 1


def test_dae_defaults_denoise_a_font_we_do_not_ship_near_the_bound():
    """Bit flip 0.1 on the LCD capitals, seed 0: 1.80x the bound (docs/zoo.md: over seeds 0-2
    the mean is 1.50x, and 1.53x at salt & pepper 0.2; the issue's bar is 1.6x on that mean)."""
    data = lcd_upper()
    model, row = zoo.train("dae", data, seed=0, noise="bitflip:0.1")
    assert row["worst"] == 0  # the clean glyphs still come back exactly
    dae, bound = zoo.dae_ratio(model, data, "bitflip:0.1")
    assert bound > 0.1  # this font is hard: some copies are ambiguous
    assert bound - 0.02 <= dae <= 2 * bound, (dae, bound)
    # The measure tells denoisers apart: the AE defaults, which never saw noise, are far above.
    plain, _ = zoo.train("ae", data, seed=0)
    assert zoo.dae_ratio(plain, data, "bitflip:0.1")[0] > 10 * bound

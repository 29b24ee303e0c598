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


def test_dae_defaults_denoise_a_font_we_do_not_ship_within_the_bar(monkeypatch):
    """Salt & pepper 0.2 on the LCD capitals, seed 0: 1.26x the Bayes bound (docs/zoo.md: over
    seeds 0-2 the mean is 1.46x; the issue's bar is 1.6x on that mean, on every 5x7 font)."""
    data, noise = lcd_upper(), "salt-pepper:0.2"
    model, row = zoo.train("dae", data, seed=0, noise=noise)
    assert row["worst"] == 0  # the clean glyphs still come back exactly
    dae, bound = zoo.dae_ratio(model, data, noise)
    assert bound > 0.1  # this font is hard: some copies are ambiguous
    assert bound - 0.02 <= dae <= 1.6 * bound, (dae, bound)
    # Negative controls: the bar tells denoisers apart. A tenth of the training is above it,
    # and the AE defaults, which never saw noise, are far above.
    short = dataclasses.replace(PRESETS["dae"], epochs=500)
    monkeypatch.setitem(PRESETS, "dae", short)
    model, _ = zoo.train("dae", data, seed=0, noise=noise)
    assert zoo.dae_ratio(model, data, noise)[0] > 1.6 * bound
    plain, _ = zoo.train("ae", data, seed=0)
    assert zoo.dae_ratio(plain, data, noise)[0] > 5 * bound

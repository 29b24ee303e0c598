"""Memory proportional to the data: a JSON set costs about 2-3x its float32 size to load."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np

from engine.data.dataset_json import load_json


def _binary_set(path, n: int, side: int = 64) -> None:
    bits = np.random.default_rng(0).random((n, side, side)) < 0.3
    text = np.where(bits, ord("1"), ord("0")).astype(np.uint8).tobytes().decode("ascii")
    rows = [text[i : i + side] for i in range(0, len(text), side)]
    glyphs = [{"label": f"g{i}", "rows": rows[i * side : (i + 1) * side]} for i in range(n)]
    path.write_text(json.dumps({"name": "big", "width": side, "height": side, "glyphs": glyphs}))


def test_loading_a_json_set_peaks_below_three_times_its_float32_size(tmp_path):
    path = tmp_path / "big.json"
    _binary_set(path, 1000)
    tracemalloc.start()
    try:
        data = load_json(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = data.images.nbytes  # 16 MiB of float32
    assert len(data) == 1000 and size == 1000 * 64 * 64 * 4
    # Negative control of the measure: the set itself is counted (it is still held).
    assert peak >= size
    assert peak < 3 * size, f"peak {peak / 2**20:.0f} MiB for {size / 2**20:.0f} MiB of pixels"

"""benchmarks/window.py at a tiny size: every window run is compared with the headless runs on
both sides of it, and the figures the README quotes are all in the JSON."""

import json

import pytest

from benchmarks import window


def test_a_tiny_run_brackets_the_window_with_headless_runs(tmp_path):
    out = tmp_path / "window.json"
    assert window.main(["--seconds", "0.5", "--rounds", "2", "--out", str(out)]) == 0
    summary = json.loads(out.read_text())
    rows = summary["rounds"]
    assert len(rows) == 2
    assert rows[0]["headless"]["after"] == rows[1]["headless"]["before"]  # H W H W H
    for row in rows:
        h = row["headless"]
        mean = (h["before"]["steps_per_second"] + h["after"]["steps_per_second"]) / 2
        assert h["steps_per_second"] == pytest.approx(mean)
        assert row["ratio"] == pytest.approx(row["window"]["steps_per_second"] / mean)
        assert row["window"]["steps_per_second"] > 0
        assert row["window"]["scatter_refreshes_per_second"] > 0  # the window drew snapshots
    for key in ("ratio_window_over_headless", "probe_p99_ms", "scatter_refreshes_per_second"):
        assert summary[key] > 0

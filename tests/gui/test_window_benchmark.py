"""benchmarks/window.py at a tiny size: every window run is compared with the headless runs on
both sides of it, for every kind of model, and the figures the docs quote are all in the JSON."""

import json

import pytest

from benchmarks import window


def test_a_tiny_run_brackets_the_window_with_headless_runs(tmp_path):
    out = tmp_path / "window.json"
    argv = ["--seconds", "0.4", "--rounds", "2", "--kinds", "vae", "--out", str(out)]
    assert window.main(argv) == 0  # one kind keeps this test short; all three by default
    summary = json.loads(out.read_text())
    assert list(summary["kinds"]) == ["vae"]
    assert len(summary["load_average_before"]) == 3
    for kind, result in summary["kinds"].items():
        rows = result["rounds"]
        assert len(rows) == 2
        assert rows[0]["headless"]["after"] == rows[1]["headless"]["before"]  # H W H W H
        for row in rows:
            h = row["headless"]
            mean = (h["before"]["steps_per_second"] + h["after"]["steps_per_second"]) / 2
            assert h["steps_per_second"] == pytest.approx(mean)
            assert row["ratio"] == pytest.approx(row["window"]["steps_per_second"] / mean)
            assert row["window"]["steps_per_second"] > 0, kind
            assert row["window"]["scatter_refreshes_per_second"] > 0  # the window drew
            assert 0 < row["window"]["gui_cpu_share"] < 2
        for key in ("ratio_window_over_headless", "probe_p99_ms", "cpu_ratio_headless_over_window"):
            assert result[key] > 0


def test_every_kind_is_measured_and_trains_what_headless_trains():
    """Each kind's settings differ from the others' (the VAE is not the AE measured twice)."""
    assert sorted(window.KINDS) == ["ae", "dae", "vae"]
    settings = {kind: window.run_settings(kind) for kind in window.KINDS}
    assert settings["vae"].kind == "vae" and settings["dae"].noise_copies > 1
    assert len({repr(s) for s in settings.values()}) == 3
    assert all(not s.stop_enabled and s.epochs == window.EPOCHS for s in settings.values())


def test_data_trains_the_window_on_a_file_and_records_its_open_and_memory(tmp_path):
    from benchmarks.mnist import synthetic_mnist

    data = synthetic_mnist(tmp_path, n=2100)  # above the 2,000 images the window once refused
    out = tmp_path / "window.json"
    argv = ["--seconds", "0.4", "--rounds", "1", "--kinds", "ae", "--data", str(data)]
    assert window.main([*argv, "--out", str(out)]) == 0
    result = json.loads(out.read_text())["kinds"]["ae"]
    assert result["set"] == str(data)
    row = result["rounds"][0]
    assert row["window"]["steps_per_second"] > 0 and row["headless"]["steps_per_second"] > 0
    assert row["window"]["open_cpu_seconds"] > 0 and 0 < row["window"]["open_seconds"] < 60
    assert row["window"]["codes_seconds"] >= row["window"]["open_seconds"]  # worker's codes
    assert row["window"]["open_probe_p99_ms"] >= 0
    assert result["window_peak_rss_mb"] > result["headless_peak_rss_mb"] > 50
    settings = window.run_settings("ae", str(data))
    assert (
        settings.batch_size == window.BATCH_SIZE
        and settings.lr == window.run_settings("ae").lr * 10
    )

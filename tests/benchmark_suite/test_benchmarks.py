"""The benchmark suite's plumbing at tiny sizes: processes, rounds, ratios, table and JSON.

Only the engine and scikit-learn take part (PyTorch is optional and slow to import); no timing is
asserted, only that every number is there and the targets are read from it.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import report
from benchmarks.tasks import initial_weights, make_data, tasks_for

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_run_writes_json_and_prints_the_table(tmp_path):
    out = tmp_path / "smoke.json"
    cmd = [sys.executable, "-m", "benchmarks", "--smoke", "--peers", "sklearn", "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    data = json.loads(out.read_text())
    summary = data["summary"]
    assert {"font_steps", "font_criterion", "vae_steps", "digits_epoch", "random_epoch"} <= set(
        summary
    )
    assert summary["font_steps"]["peers"]["engine"]["median"] > 0
    assert summary["digits_epoch"]["speedup"]["sklearn"]["n"] == 1
    assert "skipped" in summary["vae_steps"]["peers"]["sklearn"]
    assert summary["cli"]["median"] > 0
    assert data["machine"]["cores"] >= 1
    assert "| task | peer |" in done.stdout
    assert len(data["targets"]) == len(report.TARGETS) + 2


def test_every_peer_starts_from_the_engines_initial_weights():
    task = tasks_for("smoke")[0]
    params, layers = initial_weights(task, seed=3)
    flat = [a for W, b in layers for a in (W.ravel(), b)]
    assert sum(a.size for a in flat) == params.size
    assert (params[: flat[0].size] == flat[0]).all()
    assert [W.shape[0] for W, _ in layers] == list(task.sizes[:-1])


def test_a_time_ratio_and_a_rate_ratio_both_read_as_engine_speed_up():
    steps, epochs = tasks_for("smoke")[0], tasks_for("smoke")[3]
    assert report.speedup(steps, engine=300.0, peer=100.0) == pytest.approx(3.0)
    assert report.speedup(epochs, engine=1.0, peer=3.0) == pytest.approx(3.0)


def test_the_random_set_is_seeded():
    task = tasks_for("smoke")[-1]
    assert (make_data(task) == make_data(task)).all()


def test_the_breakdown_times_the_products_a_training_step_computes(monkeypatch):
    """`python -m benchmarks.breakdown` times each matrix product of one engine step alone; its
    list must be the step's own products, shapes and transposed operands included."""
    from benchmarks import breakdown
    from benchmarks.engine_peer import _model
    from engine.nn import layers

    task = tasks_for("smoke")[-1]  # the 60000 x 784 network at a tiny size
    model = _model(task)
    seen = []
    # The engine's recorded passes call the products through `engine.nn.layers.dot`; NumPy's own
    # functions are watched too, in case a product is ever computed another way.
    for module, name in ((layers, "dot"), (np, "dot"), (np, "matmul")):
        real = getattr(module, name)

        def spy(a, b, out=None, real=real):
            transposed = "A" if a.flags.f_contiguous and not a.flags.c_contiguous else ""
            transposed = transposed or ("B" if not b.flags.c_contiguous else "")
            seen.append((a.shape, b.shape, transposed))
            return real(a, b, out)

        monkeypatch.setattr(module, name, spy)
    x = make_data(task)[:128]
    model.loss_and_grad(x, x)
    listed = [(a, b, t) for _, a, b, t in breakdown._products(model)]
    assert sorted(seen) == sorted(listed)
    assert len(listed) == 3 * len(task.sizes[:-1]) - 1  # forward and dW per layer, dx but one

"""Adam as the paper writes it, against the engine's folded, chunked, threaded version."""

import os

import numpy as np
import pytest

from engine.nn.optimizers import Adam


def textbook_adam(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma & Ba, Algorithm 1, in float64."""
    p = p.astype(np.float64)
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


@pytest.mark.parametrize("chunked", [False, True])
def test_adam_follows_the_paper(monkeypatch, chunked):
    rng = np.random.default_rng(0)
    size = 3000
    if chunked:  # several chunks shared between two threads, as for a big network
        monkeypatch.setattr(Adam, "CHUNK", 512)
        monkeypatch.setattr(Adam, "THREADED_SIZE", 1000)
    start = rng.normal(size=size).astype(np.float32)
    grads = [rng.normal(scale=10.0 ** rng.integers(-4, 1), size=size) for _ in range(40)]
    opt = Adam(size, lr=0.01)
    p = start.copy()
    for g in grads:
        opt.step(p, g.astype(np.float32))
    expected = textbook_adam(start, grads, 0.01)
    np.testing.assert_allclose(p, expected, rtol=1e-4, atol=1e-5)
    assert not np.allclose(p, start, atol=1e-3)  # it moved: the comparison means something


def test_chunks_and_threads_change_no_bit(monkeypatch):
    """Each element's update is the same arithmetic in any chunk, on any thread, in any scratch
    array (the last chunk is short here)."""
    rng = np.random.default_rng(2)
    size = 3000
    start = rng.normal(size=size).astype(np.float32)
    grads = [rng.normal(size=size).astype(np.float32) for _ in range(20)]
    results = []
    for chunk, threaded in ((size, size + 1), (512, 1000)):
        monkeypatch.setattr(Adam, "CHUNK", chunk)
        monkeypatch.setattr(Adam, "THREADED_SIZE", threaded)
        opt, p = Adam(size, lr=0.01), start.copy()
        for g in grads:
            opt.step(p, g)
        results.append(p)
    assert len(opt._groups) > 1 or (os.cpu_count() or 1) == 1  # the second run was threaded
    np.testing.assert_array_equal(results[0], results[1])


def test_a_wrong_update_is_caught():
    """Negative control: the comparison above fails for Adam without bias correction."""
    rng = np.random.default_rng(1)
    start = rng.normal(size=100)
    grads = [rng.normal(size=100) for _ in range(5)]
    p, m, v = start.copy(), np.zeros(100), np.zeros(100)
    for g in grads:
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - 0.01 * m / (np.sqrt(v) + 1e-8)
    assert not np.allclose(p, textbook_adam(start, grads, 0.01), rtol=1e-4, atol=1e-5)


def test_state_round_trip_is_exact_and_old_files_still_load():
    rng = np.random.default_rng(2)
    grads = [rng.normal(size=50).astype(np.float32) for _ in range(10)]
    first, p1 = Adam(50, lr=0.01), np.zeros(50, np.float32)
    for g in grads[:5]:
        first.step(p1, g)
    resumed, p2 = Adam(50, lr=0.01), p1.copy()
    resumed.load_state(first.state())
    for g in grads[5:]:
        first.step(p1, g)
        resumed.step(p2, g)
    np.testing.assert_array_equal(p1, p2)  # exactly: sessions resume bit for bit
    old = Adam(50, lr=0.01)
    state = first.state()
    old.load_state(
        {"m": state["m_sum"] * 0.1, "v": state["v_sum"] * 0.001, "t": state["t"]}
    )  # a session saved when the moments were stored as Adam's m and v
    np.testing.assert_allclose(old.m_sum, first.m_sum, rtol=1e-5)
    assert old.t == first.t

"""A training step shared between two cores (engine.nn.split): the same gradients as on one core
to float32 rounding (OpenBLAS's last bits depend on the shapes it is given, more so with the forced
Haswell kernel), repeatable, and errors and NumPy's error state carried across threads."""

import threading

import numpy as np
import pytest

import engine.blas
import engine.models
from engine import Autoencoder, TrainConfig, Trainer, VariationalAutoencoder
from engine.blas import worth_splitting
from engine.data.dataset import unit_floats
from engine.nn.optimizers import make_optimizer
from engine.nn.split import Pair, halves, share_out


def _model(monkeypatch, split: bool, activation: str, n: int) -> Autoencoder:
    """A small AE whose steps of n rows are split (or not) whatever its size and the machine."""
    monkeypatch.setattr(engine.models, "worth_splitting", lambda rows, params: split)
    model = Autoencoder(36, (24, 12), 2, activation=activation, seed=4)
    model._work_for(n)
    monkeypatch.undo()
    return model


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu", "sigmoid", "identity"])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_split_step_gives_the_one_core_gradients(monkeypatch, activation, loss):
    n = 37  # odd: the halves differ by a row
    rng = np.random.default_rng(0)
    x = rng.random((n, 36), dtype=np.float32)
    one, two = (_model(monkeypatch, split, activation, n) for split in (False, True))
    one.loss = two.loss = loss
    assert "shares" in two._work[n] and "shares" not in one._work[n]
    parts_one, out_one = one.loss_and_grad(x, x)
    parts_two, out_two = two.loss_and_grad(x, x)
    assert parts_two.total == pytest.approx(parts_one.total, rel=1e-6)
    np.testing.assert_allclose(out_two, out_one, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(two.grads, one.grads, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(two.batch_codes(n)[0], one.batch_codes(n)[0], rtol=1e-5, atol=1e-6)
    # Negative control: a share that leaves out its weight gradients is caught.
    forward, backward, _, parts = two._work[n]["shares"][1]
    two._work[n]["shares"][1] = (forward, backward, [], parts)
    two.grads[...] = 0.0
    two.loss_and_grad(x, x)
    assert not np.allclose(two.grads, one.grads, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "momentum"])
def test_split_train_step_updates_as_one_core_does(monkeypatch, optimizer):
    """Each core updates the layers whose gradients it computed: the weights and the
    optimizer's state after a few steps are those of loss_and_grad and a whole step."""
    n = 40
    x = np.random.default_rng(6).random((n, 36), dtype=np.float32)
    one, two = (_model(monkeypatch, split, "tanh", n) for split in (False, True))
    optimizers = [make_optimizer(optimizer, one.params.size, 0.01) for _ in range(2)]
    for _ in range(3):
        parts, _ = one.loss_and_grad(x, x)
        optimizers[0].step(one.params, one.grads)
        assert two.train_step(x, x, optimizers[1]).total == pytest.approx(parts.total, rel=1e-6)
    np.testing.assert_allclose(two.params, one.params, rtol=1e-5, atol=1e-6)
    for key, value in optimizers[0].state().items():
        np.testing.assert_allclose(optimizers[1].state()[key], value, rtol=1e-4, atol=1e-7)
    assert not np.allclose(two.params, _model(monkeypatch, True, "tanh", n).params)  # it moved
    # A loss that is not finite leaves the weights and the optimizer's steps alone.
    before, state = two.params.copy(), optimizers[1].state()
    assert not np.isfinite(two.train_step(np.full_like(x, np.nan), x, optimizers[1]).total)
    np.testing.assert_array_equal(two.params, before)
    assert all(np.array_equal(v, state[k]) for k, v in optimizers[1].state().items())


def test_split_training_is_repeatable(monkeypatch):
    """Each core's work is fixed, so two runs give the same weights to the bit."""
    rng = np.random.default_rng(1)
    images = (rng.random((96, 36)) < 0.3).astype(np.float32)
    runs = []
    for seed in (0, 0, 1):
        model = _model(monkeypatch, True, "tanh", 32)
        config = TrainConfig(epochs=3, batch_size=32, batch_seed=seed, stop_max_wrong_pixels=None)
        Trainer(model, images, config).run()
        assert "shares" in model._work[32]
        runs.append(model.params.copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])  # negative control: another batch order


def test_worth_splitting_only_big_networks_on_several_threads(monkeypatch):
    monkeypatch.setattr(engine.blas, "blas_threads", lambda: 2)
    monkeypatch.setattr(engine.blas.os, "cpu_count", lambda: 2)
    assert worth_splitting(128, 1_000_000)
    assert not worth_splitting(128, 5_000)  # a small network
    assert not worth_splitting(8, 1_000_000)  # too few rows
    monkeypatch.setattr(engine.blas, "blas_threads", lambda: 1)  # e.g. the window's limit
    assert not worth_splitting(128, 1_000_000)


def test_halves_and_shares():
    assert halves(7) == (slice(0, 3), slice(3, 7))
    first, second = share_out([(5, "a"), (4, "b"), (3, "c"), (2, "d")])
    assert (first, second) == (["a", "d"], ["b", "c"])  # 7 and 7


def test_pair_raises_either_error_and_runs_again():
    pair = Pair()
    seen = []

    def fails() -> None:
        raise ValueError("second")

    with pytest.raises(ValueError, match="second"):
        pair.run(lambda: pair.meet(), fails)  # the first is not left waiting at meet()
    with pytest.raises(ValueError, match="second"):
        pair.run(fails, lambda: pair.meet())
    pair.run(lambda: (pair.meet(), seen.append(1)), lambda: (pair.meet(), seen.append(2)))
    assert sorted(seen) == [1, 2]


def test_pair_worker_keeps_the_callers_error_state():
    pair = Pair()
    names = []

    def overflow() -> None:
        names.append(threading.current_thread().name)
        np.multiply(np.float32(3e38), np.float32(10))

    with np.errstate(over="ignore"):
        pair.run(lambda: None, overflow)  # no warning: the worker ignores overflow too
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):  # negative control
        pair.run(lambda: None, overflow)
    assert names[0] != threading.current_thread().name


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("kind", ["ae", "vae"])
def test_byte_inputs_are_loaded_as_unit_floats(monkeypatch, split, kind):
    """uint8 inputs (a byte set's batch) train as their floats k / 255 do, to the bit."""
    n = 34
    pixels = np.random.default_rng(2).integers(0, 256, (n, 36), dtype=np.uint8)
    floats = unit_floats(pixels)
    eps = np.random.default_rng(3).standard_normal((n, 2)).astype(np.float32)
    runs = []
    for x in (pixels, floats, pixels.astype(np.float32)):
        monkeypatch.setattr(engine.models, "worth_splitting", lambda rows, params: split)
        model = (Autoencoder if kind == "ae" else VariationalAutoencoder)(36, (24, 12), 2, seed=4)
        parts, output = model.loss_and_grad(x, x, eps=eps)
        runs.append((parts.total, output, model.grads.copy()))
        assert ("shares" in model._work[n]) == (split and kind == "ae")
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    np.testing.assert_array_equal(runs[0][2], runs[1][2])
    assert runs[2][0] != pytest.approx(runs[1][0])  # negative control: bytes taken as k

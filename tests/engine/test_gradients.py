"""Every hand-written derivative against central differences (float64), with negative controls."""

import numpy as np
import pytest

from engine.models import Autoencoder, VariationalAutoencoder, kl_per_axis
from engine.nn.activations import ACTIVATIONS, DERIVATIVES
from engine.nn.layers import Dense
from engine.nn.losses import LOSS_FUNCTIONS, LOSS_GRADIENTS
from tests.engine.gradcheck import gradcheck, numeric_gradient, relative_error

RNG = np.random.default_rng(1234)


def _away_from_kinks(shape):
    """Inputs whose |z| > 0.05, so relu's kink is never inside the finite-difference step."""
    z = RNG.uniform(0.05, 2.0, shape)
    return z * RNG.choice([-1.0, 1.0], shape)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    z = _away_from_kinks((4, 5))
    upstream = RNG.standard_normal((4, 5))

    def f():
        return float((ACTIVATIONS[name](z) * upstream).sum())

    analytic = DERIVATIVES[name](z, ACTIVATIONS[name](z)) * upstream
    assert relative_error(analytic, numeric_gradient(f, z)) < 1e-6


@pytest.mark.parametrize("name", list(LOSS_FUNCTIONS))
def test_loss_gradient_matches_finite_differences(name):
    logits = RNG.normal(0, 3, (3, 7))  # includes saturated sigmoids
    target = RNG.integers(0, 2, (3, 7)).astype(float)

    def f():
        return float(LOSS_FUNCTIONS[name](logits, target).sum())

    assert gradcheck(f, logits, LOSS_GRADIENTS[name](logits, target))


def test_bce_is_finite_where_the_sigmoid_saturates():
    logits = np.array([[-800.0, 800.0]])
    target = np.array([[1.0, 0.0]])
    assert np.allclose(LOSS_FUNCTIONS["bce"](logits, target), [1600.0])
    assert np.allclose(LOSS_GRADIENTS["bce"](logits, target), [[-1.0, 1.0]])


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_dense_layer_gradients(activation):
    n_in, n_out = 4, 3
    params = np.zeros(n_in * n_out + n_out)
    grads = np.zeros_like(params)
    layer = Dense(n_in, n_out, activation)
    layer.bind(params, grads, 0)
    layer.initialise(RNG)
    params[-n_out:] = RNG.normal(0, 0.3, n_out)
    x = RNG.standard_normal((5, n_in))
    upstream = RNG.standard_normal((5, n_out))

    def f():
        return float((layer.forward(x) * upstream).sum())

    f()
    dx = layer.backward(upstream)
    assert gradcheck(f, params, grads.copy())
    assert gradcheck(f, x, dx)


@pytest.mark.parametrize("augment_output", [True, False])
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_dense_training_forward_matches_predict(activation, augment_output):
    """Training writes z and f(z) into work arrays (apart when a column of ones follows f(z),
    in place otherwise); either way it must compute what `predict` computes."""
    layer = Dense(4, 3, activation, augment_output=augment_output)
    params = np.zeros(layer.size)
    layer.bind(params, np.zeros_like(params), 0)
    layer.initialise(RNG)
    params[-3:] = RNG.normal(0, 0.3, 3)
    x = RNG.standard_normal((5, 4))
    out = layer.forward_augmented(layer.augment(x))
    assert out.shape == ((5, 4) if augment_output else (5, 3))
    np.testing.assert_allclose(out[:, :3], layer.predict(x), rtol=1e-12, atol=1e-15)
    if augment_output:
        assert (out[:, 3] == 1.0).all()


def _model_loss_check(model, x, eps=None):
    model.loss_and_grad(x, x, eps=eps)
    analytic = model.grads.copy()

    def f():
        return model.loss_and_grad(x, x, eps=eps)[0].total

    return relative_error(analytic, numeric_gradient(f, model.params))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_whole_autoencoder_gradient(activation, loss):
    x = RNG.integers(0, 2, (6, 10)).astype(float)
    model = Autoencoder(10, (8, 5), 2, activation, loss, seed=3, dtype=np.float64)
    assert _model_loss_check(model, x) < 1e-6


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("beta", [1.0, 0.25])
def test_whole_vae_gradient_with_eps_held_fixed(loss, beta):
    x = RNG.integers(0, 2, (6, 10)).astype(float)
    model = VariationalAutoencoder(10, (8, 5), 2, "tanh", loss, seed=4, beta=beta, dtype=np.float64)
    eps = RNG.standard_normal((6, 2))
    assert _model_loss_check(model, x, eps) < 1e-6


def test_negative_control_a_wrong_gradient_fails_the_check():
    """The check must be able to fail: a gradient 1 % off in one layer is caught."""
    x = RNG.integers(0, 2, (6, 10)).astype(float)
    model = VariationalAutoencoder(10, (8, 5), 2, seed=5, dtype=np.float64)
    eps = RNG.standard_normal((6, 2))
    model.loss_and_grad(x, x, eps=eps)
    wrong = model.grads.copy()
    wrong[: model.encoder.layers[0].size] *= 1.01  # the first layer's gradient 1 % off

    def f():
        return model.loss_and_grad(x, x, eps=eps)[0].total

    assert not gradcheck(f, model.params, wrong)
    assert gradcheck(f, model.params, model.grads.copy())


def test_negative_control_wrong_activation_derivative_fails():
    z = _away_from_kinks((3, 3))

    def f():
        return float(np.tanh(z).sum())

    assert not gradcheck(f, z, 1.0 - np.tanh(z))  # forgot to square


@pytest.mark.parametrize("kind", [Autoencoder, VariationalAutoencoder])
def test_recorded_passes_are_kept_apart_per_batch_size(kind):
    """Each batch size replays its own recorded calls on its own arrays: a pass on another size
    in between leaves the next pass on the first size exactly as it was."""
    x = RNG.integers(0, 2, (6, 10)).astype(float)
    model = kind(10, (8, 5), 2, "leaky_relu", seed=6, dtype=np.float64)
    eps6, eps4 = RNG.standard_normal((6, 2)), RNG.standard_normal((4, 2))
    first = model.loss_and_grad(x, x, eps=eps6)[0].total
    grads = model.grads.copy()
    model.loss_and_grad(x[:4], x[:4], eps=eps4)
    assert not np.array_equal(model.grads, grads)  # control: another batch, other gradients
    assert model.loss_and_grad(x, x, eps=eps6)[0].total == first
    np.testing.assert_array_equal(model.grads, grads)
    assert _model_loss_check(model, x, eps6) < 1e-6


def _free_bits_vae(free_bits_between: bool):
    """A VAE whose free-bits floor lies between its two axes' KLs (or below both): one axis is
    charged the floor and gets no KL gradient, the other is charged its KL."""
    x = RNG.integers(0, 2, (6, 10)).astype(float)
    model = VariationalAutoencoder(10, (8, 5), 2, "tanh", "bce", seed=6, beta=2.0, dtype=np.float64)
    eps = RNG.standard_normal((6, 2))
    mu, logvar = model.encode_distribution(x)
    kl = kl_per_axis(mu, logvar)  # (2,)
    assert abs(kl[0] - kl[1]) > 1e-3  # the floor sits well away from both: no kink in reach
    model.free_bits = float(kl.mean()) if free_bits_between else float(kl.min()) / 2
    return model, x, eps


def test_vae_gradient_with_free_bits_on_one_axis():
    model, x, eps = _free_bits_vae(free_bits_between=True)
    assert _model_loss_check(model, x, eps) < 1e-6
    free = VariationalAutoencoder(10, (8, 5), 2, "tanh", "bce", seed=6, beta=2.0, dtype=np.float64)
    free.loss_and_grad(x, x, eps=eps)
    model.loss_and_grad(x, x, eps=eps)
    assert not np.allclose(free.grads, model.grads)  # the floor really changed the gradient


def test_negative_control_free_bits_with_the_plain_kl_gradient_fails():
    """The plain KL gradient where one axis is under the floor: the check catches it."""
    model, x, eps = _free_bits_vae(free_bits_between=True)
    plain = VariationalAutoencoder(10, (8, 5), 2, "tanh", "bce", seed=6, beta=2.0, dtype=np.float64)
    plain.loss_and_grad(x, x, eps=eps)

    def f():
        return model.loss_and_grad(x, x, eps=eps)[0].total

    assert not gradcheck(f, model.params, plain.grads.copy())


def test_free_bits_below_every_axis_change_nothing():
    model, x, eps = _free_bits_vae(free_bits_between=False)
    plain = VariationalAutoencoder(10, (8, 5), 2, "tanh", "bce", seed=6, beta=2.0, dtype=np.float64)
    assert model.loss_and_grad(x, x, eps=eps)[0] == plain.loss_and_grad(x, x, eps=eps)[0]
    np.testing.assert_array_equal(model.grads, plain.grads)
    assert model.evaluation_loss(x, x)[0] == plain.evaluation_loss(x, x)[0]

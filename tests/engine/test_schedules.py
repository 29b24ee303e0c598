"""Learning-rate schedules (the factor they give each epoch, the rate the Trainer steps with) and
the DAE's training noise factor."""

import numpy as np
import pytest

from engine import Autoencoder, Noise, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from engine.training import COSINE_FLOOR, WARMUP_FRACTION, schedule_factor


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


def test_warmup_rises_linearly_then_follows_the_cosine_down_to_its_floor():
    epochs = 1000
    warmup = round(WARMUP_FRACTION * epochs)  # 50
    factors = np.array([schedule_factor("warmup-cosine", e, epochs) for e in range(epochs + 1)])
    assert factors[0] == pytest.approx(1 / warmup)  # the first step already moves
    assert np.allclose(np.diff(factors[:warmup]), 1 / warmup)  # a straight line up ...
    assert factors[warmup - 1] == factors.max() == 1.0  # ... to the base rate
    assert np.all(np.diff(factors[warmup - 1 :]) <= 0)  # then down, never up again
    assert factors[-1] == pytest.approx(COSINE_FLOOR)
    # Half way through the decay the cosine is half way between 1 and the floor.
    middle = warmup + (epochs - warmup) // 2
    assert factors[middle] == pytest.approx((1 + COSINE_FLOOR) / 2, abs=1e-3)
    # Negative controls: the plain cosine starts at the base rate; constant never moves.
    assert schedule_factor("cosine", 0, epochs) == 1.0
    assert schedule_factor("cosine", epochs, epochs) == pytest.approx(COSINE_FLOOR)
    assert {schedule_factor("constant", e, epochs) for e in (0, 500, 2000)} == {1.0}
    assert schedule_factor("warmup-cosine", 5 * epochs, epochs) == pytest.approx(COSINE_FLOOR)
    assert schedule_factor("warmup-cosine", 0, 3) == 1.0  # too short to warm up: one epoch


def test_the_first_adam_step_of_a_warm_up_moves_each_weight_by_a_twentieth_of_the_rate(font):
    """Adam's first step moves every weight with a gradient by the rate (m_hat / sqrt(v_hat) is
    the gradient's sign), so the step taken shows the rate the Trainer used."""
    moved = {}
    for schedule in ("warmup-cosine", "cosine"):
        model = Autoencoder(font.n_pixels, (16,), seed=1)
        start = model.params.copy()
        config = TrainConfig(
            epochs=400, lr=0.01, lr_schedule=schedule, stop_max_wrong_pixels=None,
            noise=Noise("bitflip", 0.1),
        )  # fmt: skip
        trainer = Trainer(model, font.images, config)
        trainer.run(epochs=1)
        moved[schedule] = float(np.abs(model.params - start).max())
        if schedule == "warmup-cosine":
            assert trainer.lr == pytest.approx(0.01 * 2 / 20)  # the second epoch's rate
            trainer.run(epochs=19)
            assert trainer.lr == pytest.approx(0.01)  # the warm-up's 20 epochs are over
            trainer.run()
            assert trainer.lr == pytest.approx(0.01 * COSINE_FLOOR)
    assert moved["warmup-cosine"] == pytest.approx(0.01 / 20, rel=1e-3)
    assert moved["cosine"] == pytest.approx(0.01, rel=1e-3)  # negative control


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="warmup-cosine"):
        TrainConfig(lr_schedule="warmup")


def test_training_copies_change_at_least_the_noise_floor_of_the_pixels(font):
    """The DAE preset trains on copies noisier than a low level it is meant to remove."""
    changed = {}
    for noise, floor in ((Noise("bitflip", 0.1), 0.2), (Noise("bitflip", 0.1), 0.0)):
        model = Autoencoder(font.n_pixels, (8,), seed=0)
        seen = []
        step = model.loss_and_grad

        def spy(x, t, step=step, seen=seen, **kw):
            seen.append(float(np.mean(x != t)))  # the share of pixels the noise changed
            return step(x, t, **kw)

        model.loss_and_grad = spy
        config = TrainConfig(
            epochs=5, noise=noise, noise_copies=16, noise_floor=floor, stop_max_wrong_pixels=None
        )
        Trainer(model, font.images, config).run()
        changed[floor] = np.mean(seen)
    assert changed[0.2] == pytest.approx(0.2, abs=0.01)
    assert changed[0.0] == pytest.approx(0.1, abs=0.01)  # negative control: the level itself

    def trained_at(noise: Noise, floor: float) -> Noise | None:
        return TrainConfig(noise=noise, noise_floor=floor).training_noise

    # Salt & pepper changes half the pixels it hits: a floor of 7.5 % is a level of 0.15.
    assert trained_at(Noise("salt-pepper", 0.1), 0.075) == Noise("salt-pepper", 0.15)
    assert trained_at(Noise("salt-pepper", 0.2), 0.075) == Noise("salt-pepper", 0.2)  # above
    assert trained_at(Noise("bitflip", 0.05), 0.075) == Noise("bitflip", 0.075)
    assert trained_at(Noise("gaussian", 0.1), 0.075) == Noise("gaussian", 0.1)  # not a share
    assert trained_at(None, 0.075) is None
    with pytest.raises(ValueError, match="noise floor"):
        TrainConfig(noise_floor=0.6)

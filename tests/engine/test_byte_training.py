"""Training on uint8 images (MNIST as distributed): the bytes stay bytes, each batch becomes floats
when drawn, and the result is the run the same images as float32 would give."""

import numpy as np
import pytest

import engine.training
from engine import Autoencoder, Noise, TrainConfig, Trainer, VariationalAutoencoder, evaluate
from engine.data.dataset import Dataset, unit_floats
from engine.data.split import SPLIT_ABOVE
from engine.metrics import Evaluation, encode_images, evaluate_bytes


@pytest.fixture(scope="module")
def pixels():
    """60 blurry 6x6 blobs as uint8: a set an AE can learn something of in a few epochs."""
    rng = np.random.default_rng(3)
    centres = rng.uniform(1, 5, (60, 2))
    yy, xx = np.mgrid[0:6, 0:6]
    blobs = np.exp(-((yy - centres[:, :1, None]) ** 2 + (xx - centres[:, 1:, None]) ** 2) / 3)
    return np.rint(255 * blobs).astype(np.uint8).reshape(60, 36)


def _config(**kwargs) -> TrainConfig:
    settings = {"epochs": 6, "batch_size": 16, "lr": 0.01, "stop_max_wrong_pixels": None}
    return TrainConfig(**(settings | kwargs))


def test_unit_floats_are_bytes_over_255():
    values = np.arange(256, dtype=np.uint8)
    assert np.array_equal(unit_floats(values), (np.arange(256) / 255).astype(np.float32))
    assert unit_floats(values)[255] == 1.0


def test_dataset_keeps_bytes_and_gives_floats_on_demand(pixels):
    data = Dataset("blobs", 6, 6, tuple("x" * 60), pixels)
    assert data.pixels.dtype == np.uint8 and data.pixels.nbytes == 60 * 36
    assert not data.pixels.flags.writeable
    np.testing.assert_array_equal(data.images, unit_floats(pixels))
    np.testing.assert_array_equal(data.image(4), unit_floats(pixels[4]).reshape(6, 6))
    floats = Dataset("blobs", 6, 6, tuple("x" * 60), unit_floats(pixels))
    assert data.pixel_hash() == floats.pixel_hash()  # the same images, however they are kept
    assert data.pixel_hash() != data.replace(images=pixels[::-1]).pixel_hash()


@pytest.mark.parametrize("batch_size", [16, 0])
def test_byte_training_is_the_float_run(pixels, batch_size):
    """Same batches, same floats: the same weights to the bit; minibatch and full batch."""
    runs = {}
    for kind, images in (("bytes", pixels), ("floats", unit_floats(pixels))):
        model = Autoencoder(36, (16,), 2, seed=1)
        trainer = Trainer(model, images, _config(batch_size=batch_size))
        final = trainer.run()
        runs[kind] = (model.params.copy(), final, trainer)
    assert runs["bytes"][2].images.dtype == np.uint8  # never copied to floats
    np.testing.assert_array_equal(runs["bytes"][0], runs["floats"][0])
    np.testing.assert_allclose(runs["bytes"][1].latent, runs["floats"][1].latent, rtol=1e-6)
    assert runs["bytes"][1].evaluation.loss == pytest.approx(runs["floats"][1].evaluation.loss)
    # Negative control: another batch order gives other weights, so the equality above means something.
    other = Autoencoder(36, (16,), 2, seed=1)
    Trainer(other, pixels, _config(batch_size=batch_size, batch_seed=5, lr=0.02)).run()
    assert not np.array_equal(other.params, runs["bytes"][0])


def test_evaluation_in_blocks_equals_one_pass(pixels):
    model = Autoencoder(36, (16,), 2, seed=2)
    whole = evaluate(model, unit_floats(pixels))
    blocks = evaluate_bytes(model, pixels, rows=7)  # 9 blocks, the last of 4 images
    assert blocks.loss == pytest.approx(whole.loss, rel=1e-6)
    assert blocks.mse == pytest.approx(whole.mse, rel=1e-6)
    np.testing.assert_array_equal(blocks.wrong, whole.wrong)
    np.testing.assert_allclose(  # float32 products: the BLAS kernel's blocking moves last bits
        encode_images(model, pixels, rows=7), model.encode(unit_floats(pixels)), rtol=1e-5
    )
    shifted = evaluate_bytes(model, np.roll(pixels, 1, axis=1), rows=7)  # negative control
    assert shifted.mse != pytest.approx(whole.mse, rel=1e-6)


def test_vae_snapshot_codes_in_blocks(pixels, monkeypatch):
    monkeypatch.setattr(engine.training, "EVAL_ROWS", 7)
    model = VariationalAutoencoder(36, (16,), 3, seed=0)
    snap = Trainer(model, pixels, _config(epochs=2)).run()
    mu, logvar = model.encode_distribution(unit_floats(pixels))
    np.testing.assert_allclose(snap.latent, mu, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(snap.logvar, logvar, rtol=1e-5, atol=1e-6)


def test_byte_denoising_draws_noisy_copies_per_batch(pixels):
    noise = Noise.parse("salt-pepper:0.1")
    finals = []
    for _ in range(2):
        model = Autoencoder(36, (16,), 2, seed=0)
        trainer = Trainer(model, pixels, _config(noise=noise, noise_copies=3))
        finals.append((trainer.run(), model.params.copy(), trainer.steps))
    (first, params, steps), (_, again, _) = finals
    assert steps == 6 * -(-180 // 16)  # 3 copies of 60 images, batches of 16, 6 epochs
    np.testing.assert_array_equal(params, again)  # seeded: repeatable
    clean = Autoencoder(36, (16,), 2, seed=0)
    Trainer(clean, pixels, _config(noise_copies=3)).run()  # noise off: copies are ignored
    assert not np.array_equal(clean.params, params)
    assert np.isfinite(first.evaluation.loss)


def test_best_weights_by_the_worst_image_for_glyph_sets_by_the_loss_for_samples():
    """A font is learnt whole (its worst glyph decides); in an MNIST-sized sample one odd image
    must not bring back the untrained weights, so there the loss decides."""
    for n, best in ((SPLIT_ABOVE, 0), (SPLIT_ABOVE + 1, 1)):
        trainer = Trainer(Autoencoder(4, (), 1), np.zeros((n, 4), np.uint8), _config())
        few_wrong = Evaluation.count(5.0, 5.0, 0.0, 0.2, np.ones(n, np.intp))
        low_loss = Evaluation.count(1.0, 1.0, 0.0, 0.1, np.full(n, 3, np.intp))
        for epoch, ev in enumerate((few_wrong, low_loss)):
            trainer.epoch = epoch
            trainer._record(ev, check_stop=False)  # what the loop does after each evaluation
        assert trainer.best_epoch == best

"""The presets as they apply to a set's size: small sets, large sets, never the set's name."""

from engine.cli.commands import run_cli
from engine.presets import LARGE_SET, LARGE_SET_BATCH, PRESETS
from engine.serialization import load_model


def test_vae_preset_sizes_the_decoder_and_the_batches_by_the_set():
    vae = PRESETS["vae"]
    small, grey, digits = vae.model_kwargs(12), vae.model_kwargs(100), vae.model_kwargs(1797)
    assert small["hidden"] == (32,) and small["beta"] == 0.1 and small["free_bits"] == 1.0
    assert grey["hidden"] == digits["hidden"] == (64, 32)
    full = vae.train_kwargs(100)  # up to 128 images: the full set in one batch
    assert full["batch_size"] == 0 and full["epochs"] == 5000 and full["plateau_epochs"] == 500
    batched = vae.train_kwargs(1797)  # 15 batches of 128 an epoch, as many steps as 5000 epochs
    assert batched["batch_size"] == 128
    assert batched["epochs"] == 334 and batched["plateau_epochs"] == 34
    assert vae.train_kwargs() == vae.train_kwargs(100)  # no size given: the full-batch preset
    ae = PRESETS["ae"]  # negative control: a preset without size rules ignores the size
    assert ae.train_kwargs(1797) == ae.train_kwargs(12) == ae.train_kwargs()
    assert ae.model_kwargs(1797) == ae.model_kwargs(12)


def test_every_preset_trains_an_mnist_sized_set_in_batches():
    """A full batch of 60,000 28x28 images would take gigabytes: batches of 128 instead, for as
    many steps as the full-batch epochs (60,000 / 128 = 469 steps an epoch)."""
    for kind, preset in PRESETS.items():
        sized = preset.train_kwargs(60_000)
        assert sized["batch_size"] == LARGE_SET_BATCH, kind
        assert sized["epochs"] == -(-preset.epochs // 469), kind
    ae = PRESETS["ae"].train_kwargs(LARGE_SET)  # negative control: up to LARGE_SET, full batch
    assert ae["batch_size"] == 0 and ae["epochs"] == PRESETS["ae"].epochs


def test_cli_trains_a_large_set_in_batches_unless_told(tmp_path):
    args = ["train", "--model", "vae", "--data", "digits", "--epochs", "1", "--quiet"]
    assert run_cli([*args, "--out", str(tmp_path / "a")]) == 0
    _, meta = load_model(tmp_path / "a" / "model.npz")
    assert meta["training"]["batch_size"] == 128
    assert meta["training"]["plateau_epochs"] == 39  # 1617 images: a tenth of 1797 is held out
    assert run_cli([*args, "--batch-size", "0", "--out", str(tmp_path / "b")]) == 0
    _, meta = load_model(tmp_path / "b" / "model.npz")
    assert meta["training"]["batch_size"] == 0
    assert meta["training"]["plateau_epochs"] == 500

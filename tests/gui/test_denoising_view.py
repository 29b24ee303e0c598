"""The denoising view driven like a person: the level slider by keyboard, the noise kind by mouse,
Resample, and a glyph picked in the grid. Every count is checked against the engine."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.data.noise import Noise
from engine.metrics import wrong_pixels
from gui.run.run_controller import RunController
from gui.views.denoising_view import DenoisingView
from tests.gui.windows import shown

TIMEOUT = 10_000


@pytest.fixture
def view(qtbot, run):
    widget = shown(qtbot, DenoisingView(run, run.glyph_set), (900, 650))
    qtbot.waitUntil(lambda: widget.outputs is not None, timeout=2000)
    return widget


def expected(run: RunController, kind: str, level: float, draw: int):
    images = run.glyph_set.dataset().images
    noisy = Noise(kind, level).apply(images, np.random.default_rng(draw))
    output = run.snapshot.model.reconstruct(noisy)
    return noisy, wrong_pixels(noisy, images), wrong_pixels(output, images)


def assert_shows(view, run, kind: str, level: float, draw: int) -> None:
    noisy, noisy_wrong, output_wrong = expected(run, kind, level, draw)
    np.testing.assert_array_equal(view.noisy, noisy)
    np.testing.assert_array_equal(view.noisy_wrong, noisy_wrong)
    np.testing.assert_array_equal(view.output_wrong, output_wrong)
    i = run.glyph_set.current
    assert view.noisy_caption.text() == f"noisy: {noisy_wrong[i]} px changed"
    assert view.output_caption.text() == f"output: <b>{output_wrong[i]}</b> wrong px"


def test_it_starts_from_the_runs_noise_settings(view, run):
    settings = run.settings
    assert view.noise == Noise(settings.noise_kind, settings.noise_level)
    assert view.level_label.text() == f"{settings.noise_level:.2f}"
    assert "plain autoencoder" in view.model_label.text()
    assert_shows(view, run, settings.noise_kind, settings.noise_level, 0)


def test_page_up_on_the_slider_raises_the_noise_and_the_picture_changes(qtbot, view, run):
    before = view.grab().toImage()
    noisy_before = view.noisy.copy()
    view.level_slider.setFocus()
    for _ in range(4):
        qtbot.keyClick(view.level_slider, Qt.Key.Key_PageUp)  # +0.05 each
    assert view.level_label.text() == "0.30"
    qtbot.waitUntil(lambda: not np.array_equal(view.noisy, noisy_before), timeout=2000)
    assert_shows(view, run, "salt-pepper", 0.30, 0)
    assert view.noisy_wrong.sum() > wrong_pixels(noisy_before, run.dataset.images).sum()
    assert view.grab().toImage() != before


def test_resample_draws_new_noise_that_can_be_repeated(qtbot, view, run):
    first = view.noisy.copy()
    qtbot.mouseClick(view.resample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.draw_label.text() == "draw #1", timeout=2000)
    assert not np.array_equal(view.noisy, first)
    assert_shows(view, run, "salt-pepper", 0.1, 1)


def test_choosing_bit_flip_in_the_combo_box(qtbot, view, run):
    combo = view.kind_combo
    combo.setFocus()
    while combo.currentData() != "bitflip":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: view.noise.kind == "bitflip", timeout=1000)
    qtbot.wait(200)  # past the refresh limit
    assert_shows(view, run, "bitflip", 0.1, 0)
    assert combo.currentText() == "bit flip (p)"


def test_the_output_follows_training(qtbot, view, run):
    untrained = view.output_wrong.copy()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        run.step(200)
    qtbot.waitUntil(
        lambda: np.array_equal(view.output_wrong, expected(run, "salt-pepper", 0.1, 0)[2]),
        timeout=2000,
    )
    assert view.output_wrong.sum() < untrained.sum()
    assert f"epoch {run.snapshot.epoch}" in view.summary_label.text()


def test_a_vae_is_denoised_through_its_mean_code(qtbot, view, run):
    run.update_settings(kind="vae")
    qtbot.waitUntil(lambda: run.snapshot.model.kind == "vae", timeout=1000)
    qtbot.waitUntil(lambda: "a VAE" in view.model_label.text(), timeout=1000)
    qtbot.waitUntil(
        lambda: np.array_equal(view.output_wrong, expected(run, "salt-pepper", 0.1, 0)[2]),
        timeout=2000,
    )


def test_clicking_a_glyph_in_the_grid_shows_it_large(qtbot, view, run):
    index = run.glyph_set.dataset().labels.index("k")
    rect = view.sheet.cell_rect(index)
    qtbot.mouseClick(view.sheet.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert run.glyph_set.current == index
    assert view.clean_caption.text() == "clean 'k'"
    assert_shows(view, run, "salt-pepper", 0.1, 0)

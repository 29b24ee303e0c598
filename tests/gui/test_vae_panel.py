"""The VAE tab: prior samples, ellipses on the scatter, live beta and the KL-collapse warning."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.data.datasets import load_builtin
from engine.generation import grid_quality
from engine.latent import sample_prior
from engine.nearest import nearest_images
from gui.plots.latent_scatter import LatentScatter
from gui.views.vae_panel import VAEInsightPanel
from tests.gui.windows import shown

TIMEOUT = 10_000


def step(qtbot, run, epochs: int) -> None:
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        run.step(epochs)


@pytest.fixture
def vae(qtbot, run):
    run.change_kind("vae")
    step(qtbot, run, 150)
    return run


@pytest.fixture
def panel(qtbot, vae):
    widget = shown(qtbot, VAEInsightPanel(vae, vae.glyph_set), (1000, 700))
    return widget


def test_an_autoencoder_gets_a_one_line_explanation(qtbot, run):
    widget = VAEInsightPanel(run, run.glyph_set)
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.note.isHidden() and widget.content.isHidden()
    assert "not a VAE" in widget.note.text()


def test_sampling_decodes_n_prior_codes_and_scores_them(qtbot, panel, vae):
    panel.count_spin.setValue(9)
    with qtbot.waitSignal(panel.samples_changed, timeout=1000) as blocker:
        qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    codes = sample_prior(vae.snapshot.model.latent, 9, np.random.default_rng(1))
    np.testing.assert_array_equal(blocker.args[0], codes)
    assert panel.strip.count() == 9
    decoded = vae.snapshot.model.decode(codes)
    index, distance = nearest_images(decoded, vae.glyph_set.dataset().images)
    np.testing.assert_array_equal(panel.distance, distance)
    np.testing.assert_array_equal(panel.nearest, index)
    n = len(vae.glyph_set)
    panel.strip.setCurrentRow(2)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert len(vae.glyph_set) == n + 1
    np.testing.assert_allclose(vae.glyph_set.image(n).ravel(), decoded[2], atol=1e-6)


def test_ellipses_and_samples_reach_the_scatter(qtbot, panel, vae):
    scatter = LatentScatter()
    qtbot.addWidget(scatter)
    panel.ellipses_toggled.connect(scatter.set_ellipses_visible)
    panel.samples_changed.connect(scatter.set_samples)
    scatter.set_snapshot(vae.snapshot, vae.dataset)
    assert scatter.ellipse_count == 0
    panel.ellipses_check.setChecked(True)
    assert scatter.ellipse_count == len(vae.dataset)
    qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    assert len(scatter.sample_points) == panel.count_spin.value()
    panel.ellipses_check.setChecked(False)
    assert scatter.ellipse_count == 0


def test_beta_changes_reach_the_run_and_follow_it(qtbot, panel, vae):
    panel.beta_spin.setValue(0.25)
    assert vae.settings.beta == pytest.approx(0.25)
    vae.update_settings(beta=2.0)
    assert panel.beta_spin.value() == pytest.approx(2.0)
    step(qtbot, vae, 5)
    assert vae.snapshot.model.beta == pytest.approx(2.0)


def test_no_warning_for_a_healthy_vae(qtbot, panel, vae):
    qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    assert vae.snapshot.evaluation.kl > 0.05
    assert not panel.warning_shown


def test_the_tab_shows_the_grid_numbers_generate_prints(qtbot, panel, vae):
    snapshot = vae.snapshot
    quality = grid_quality(snapshot.model, vae.glyph_set.dataset().images)
    text = panel.grid_label.text()
    assert f"{quality.distinct} of 100 images distinct, {quality.new} new" in text
    assert f"{quality.axis_change[0]:.3f} along z1, {quality.axis_change[1]:.3f} along z2" in text
    assert "KL per image" in panel.kl_label.text() and "z2" in panel.kl_label.text()


def _emoji_run(qtbot, run, beta: float, free_bits: float):
    """The issue's case: the emoji set, tanh, beta 30; free bits 0 as the old preset had."""
    run.glyph_set.set_dataset(load_builtin("emoji12x12"))
    run.change_kind("vae")
    run.update_settings(beta=beta, free_bits=free_bits, activation="tanh", stop_enabled=False)
    step(qtbot, run, 300)
    widget = VAEInsightPanel(run, run.glyph_set)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_collapse_with_some_kl_left_still_warns_and_says_lower_beta(qtbot, run):
    """Issue 15: at beta 30 the KL stayed above the old 0.05-nats threshold, one latent axis
    carried nothing and no warning came. Judged by its effect the collapse is named."""
    widget = _emoji_run(qtbot, run, beta=30.0, free_bits=0.0)
    assert run.snapshot.evaluation.kl > 0.05  # the old rule would have stayed silent
    assert widget.warning_shown
    text = widget.warning_label.text()
    assert "carries no information" in text and "lower beta (e.g. to 3)" in text


def test_the_same_run_at_beta_one_gives_no_warning(qtbot, run):
    widget = _emoji_run(qtbot, run, beta=1.0, free_bits=0.0)
    assert not widget.warning_shown

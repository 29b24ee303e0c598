"""The VAE tab: prior samples, ellipses on the scatter, live beta and the KL-collapse warning."""

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.latent import nearest_glyphs, sample_prior
from gui.plots.latent_scatter import LatentScatter
from gui.views.vae_panel import COLLAPSE_TEXT, VAEInsightPanel, samples_alike

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
    widget = VAEInsightPanel(vae, vae.glyph_set)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
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
    index, distance = nearest_glyphs(decoded, vae.glyph_set.dataset().images)
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


def test_the_warning_appears_when_the_kl_term_collapses(qtbot, panel, vae):
    snapshot = vae.snapshot
    collapsed = dataclasses.replace(
        snapshot, evaluation=dataclasses.replace(snapshot.evaluation, kl=0.001)
    )
    vae.snapshot_changed.emit(collapsed)
    qtbot.waitUntil(lambda: panel.warning_shown, timeout=1000)
    assert panel.warning_label.text() == COLLAPSE_TEXT
    assert "collapsed" in panel.warning_label.text()
    vae.snapshot_changed.emit(snapshot)
    qtbot.waitUntil(lambda: not panel.warning_shown, timeout=1000)


def test_a_huge_beta_collapses_for_real_and_the_samples_look_alike(qtbot, run):
    run.change_kind("vae")
    run.update_settings(beta=100.0)
    step(qtbot, run, 150)
    widget = VAEInsightPanel(run, run.glyph_set)
    qtbot.addWidget(widget)
    widget.show()
    assert run.snapshot.evaluation.kl < 0.05
    assert widget.warning_shown
    qtbot.mouseClick(widget.sample_button, Qt.MouseButton.LeftButton)
    assert samples_alike(widget.samples)


def test_samples_alike_only_for_near_copies():
    rng = np.random.default_rng(0)
    one = (rng.random(35) > 0.5).astype(float)
    assert samples_alike(np.stack([one, one + 0.02, one - 0.03]))
    other = one.copy()
    other[:5] = 1 - other[:5]  # 5 of 35 pixels differ: 0.14 per pixel
    assert not samples_alike(np.stack([one, other]))
    assert not samples_alike(one[None, :])

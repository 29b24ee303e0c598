"""The training panel reaches every run setting a person may want (issues 14 and 15): the plateau
stop, the VAE's free bits, and restoring the size-dependent preset."""

import pytest
from PySide6.QtCore import Qt

from gui.controls.training_panel import TrainingPanel
from gui.run.run_settings import preset_values


@pytest.fixture
def panel(qtbot, run):
    widget = TrainingPanel(run)
    qtbot.addWidget(widget)
    return widget


def test_the_plateau_stop_is_set_from_the_training_tab(panel, run):
    form = panel.training_form
    assert run.settings.plateau_epochs == 0 and not form.plateau_check.isChecked()
    assert not form.plateau_spin.isEnabled()  # off: its length cannot be edited
    form.plateau_check.setChecked(True)
    assert run.settings.plateau_epochs == form.plateau_spin.value() > 0
    assert form.plateau_spin.isEnabled() and form.plateau_tolerance_spin.isEnabled()
    form.plateau_spin.setValue(300)
    form.plateau_tolerance_spin.setValue(2.5)  # percent in the box, a fraction in the settings
    config = run.settings.train_config()
    assert (config.plateau_epochs, config.plateau_tolerance) == (300, pytest.approx(0.025))
    assert {"plateau_epochs", "plateau_tolerance"} <= set(run.settings.by_hand)
    form.plateau_check.setChecked(False)
    assert run.settings.plateau_epochs == 0
    assert form.plateau_spin.value() == 300  # switching it back on offers the last length


def test_the_plateau_box_shows_settings_that_change_elsewhere(panel, run):
    form = panel.training_form
    assert run.update_settings(plateau_epochs=150, plateau_tolerance=0.05)
    assert form.plateau_check.isChecked()
    assert (form.plateau_spin.value(), form.plateau_tolerance_spin.value()) == (150, 5.0)
    assert run.settings.plateau_epochs == 150  # showing it did not echo a change back
    assert run.update_settings(plateau_epochs=0)
    assert not form.plateau_check.isChecked()


def test_free_bits_are_a_vae_setting_next_to_beta(panel, run):
    spin = panel.free_bits_spin
    assert run.settings.kind == "ae" and not spin.isEnabled() and not panel.beta_spin.isEnabled()
    assert run.change_kind("vae")
    assert spin.isEnabled()
    spin.setValue(0.5)
    assert run.settings.free_bits == 0.5
    assert run.settings.model_config(run.dataset.n_pixels)["free_bits"] == 0.5
    assert "free_bits" in run.settings.by_hand


def test_restore_defaults_brings_back_the_preset_for_the_sets_size(panel, run, qtbot):
    preset = preset_values(run.settings.kind, len(run.glyph_set))
    panel.epochs_spin.setValue(preset["epochs"] + 123)
    panel.lr_spin.setValue(preset["lr"] * 3)
    panel.training_form.plateau_check.setChecked(not preset["plateau_epochs"])
    assert {"epochs", "lr", "plateau_epochs"} <= set(run.settings.by_hand)
    button = panel.restore_defaults_button
    assert "preset" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert run.settings.by_hand == ()
    assert run.settings.epochs == panel.epochs_spin.value() == preset["epochs"]
    assert run.settings.lr == pytest.approx(preset["lr"])
    assert panel.training_form.plateau_check.isChecked() == (preset["plateau_epochs"] > 0)


def test_restore_defaults_waits_for_the_run_to_end(panel, run, qtbot):
    assert panel.restore_defaults_action.isEnabled()
    run.start()
    assert run.is_active and not panel.restore_defaults_action.isEnabled()
    run.stop()
    qtbot.waitUntil(lambda: not run.is_active, timeout=5000)
    assert panel.restore_defaults_action.isEnabled()

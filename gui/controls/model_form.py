"""The training panel's Model box: which network to train, and how many parameters it has.

A form of its own because it needs nothing else of the panel: every control writes one RunSettings
field to the RunController and redraws from `settings_changed`; the hidden-layers text is checked
as it is typed, so a half-typed list never reaches the controller.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from engine.data.noise import NOISE_LABELS
from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import LOSS_NAMES
from gui.run.run_controller import RunController
from gui.run.run_settings import MODEL_KINDS, RunSettings, format_hidden, parse_hidden
from gui.widgets.settings_inputs import (
    MAX_SEED,
    combo_box,
    decimal_box,
    show_choice,
    show_value,
    spin_box,
)


class ModelForm(QGroupBox):
    """Kind, layers, code size, activation, loss, the VAE's beta and free bits, the DAE's noise,
    init seed."""

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__("Model", parent)
        self._run = controller
        form = QFormLayout(self)
        self.kind_combo = combo_box(
            MODEL_KINDS,
            "AE: learns to copy glyphs through a small code. DAE: the same, from noisy inputs. "
            "VAE: codes are distributions, which makes the latent plane smooth to sample. "
            "Choosing a kind also sets its measured preset: hidden layers, activation, "
            "learning rate, epochs, stop rule, noise, noisy copies and learning-rate schedule "
            "(a DAE needs far more capacity and epochs to denoise well).",
        )
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.hidden_edit = QLineEdit()
        self.hidden_edit.setToolTip(
            "Sizes of the encoder's hidden layers, comma separated (the decoder mirrors them). "
            "Empty: no hidden layer."
        )
        self.hidden_edit.textEdited.connect(self._on_hidden_changed)
        self.latent_spin = spin_box(
            1, 64, "Size of the code (the bottleneck). 2 plots directly; more is shown through PCA."
        )
        self.latent_spin.valueChanged.connect(self._on_latent_changed)
        self.parameter_label = QLabel()
        self.parameter_label.setWordWrap(True)
        self.parameter_label.setToolTip("Weights and biases in the whole network, and its layers.")
        self.activation_combo = combo_box(
            {k: k for k in ACTIVATIONS}, "Activation of the hidden layers."
        )
        self.activation_combo.currentIndexChanged.connect(self._on_activation_changed)
        self.loss_combo = combo_box(
            LOSS_NAMES, "How a reconstruction is scored against its target."
        )
        self.loss_combo.currentIndexChanged.connect(self._on_loss_changed)
        self.beta_spin = QDoubleSpinBox()
        self.beta_spin.setRange(0.0, 100.0)
        self.beta_spin.setDecimals(3)
        self.beta_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.beta_spin.setKeyboardTracking(False)
        self.beta_spin.setToolTip(
            "VAE only: the weight of the KL term. Higher packs the codes closer to a standard "
            "normal (smoother plane, blurrier glyphs). Can be changed while training."
        )
        self.beta_spin.valueChanged.connect(self._on_beta_changed)
        self.free_bits_spin = QDoubleSpinBox()
        self.free_bits_spin.setRange(0.0, 10.0)
        self.free_bits_spin.setDecimals(2)
        self.free_bits_spin.setSingleStep(0.05)
        self.free_bits_spin.setKeyboardTracking(False)
        self.free_bits_spin.setSuffix(" nats")
        self.free_bits_spin.setSpecialValueText("off")
        self.free_bits_spin.setToolTip(
            "VAE only: a KL floor per latent axis. An axis whose KL is under it feels no pull "
            "towards the prior, which keeps axes from collapsing at a high beta; 0: off."
        )
        self.free_bits_spin.valueChanged.connect(self._on_free_bits_changed)
        self.noise_combo = combo_box(NOISE_LABELS, "DAE only: how inputs are corrupted each epoch.")
        self.noise_combo.currentIndexChanged.connect(self._on_noise_kind_changed)
        self.noise_spin = QDoubleSpinBox()
        self.noise_spin.setRange(0.0, 1.0)
        self.noise_spin.setDecimals(3)
        self.noise_spin.setSingleStep(0.01)
        self.noise_spin.setKeyboardTracking(False)
        self.noise_spin.setToolTip("DAE only: the probability p, or sigma for Gaussian noise.")
        self.noise_spin.valueChanged.connect(self._on_noise_level_changed)
        self.noise_copies_spin = spin_box(
            1,
            256,
            "DAE only: how many freshly corrupted copies of every glyph one epoch trains on. "
            "More copies show the model more kinds of noise per epoch (and take longer).",
        )
        self.noise_copies_spin.valueChanged.connect(self._on_noise_copies_changed)
        self.noise_floor_spin = decimal_box(
            0.0,
            50.0,
            1,
            0.5,
            "DAE only, salt & pepper and bit flip: the training copies change at least this share "
            "of the pixels, even when the noise level above changes fewer. At a low level the "
            "copies near the border between two glyphs, the hard ones, are rare; the best answer "
            "to a copy (its nearest glyphs) is the same at either level, so training noisier "
            "teaches it sooner. The models are still scored at the level above.",
        )
        self.noise_floor_spin.setPrefix("at least ")
        self.noise_floor_spin.setSuffix(" % of pixels")
        self.noise_floor_spin.setSpecialValueText("at the noise level")
        self.noise_floor_spin.valueChanged.connect(self._on_noise_floor_changed)
        self.init_seed_spin = spin_box(
            0,
            MAX_SEED,
            "Seed of the initial weights: Reset with the same seed gives the same start.",
        )
        self.init_seed_spin.valueChanged.connect(self._on_init_seed_changed)
        form.addRow("Kind", self.kind_combo)
        form.addRow("Hidden layers", self.hidden_edit)
        form.addRow("Latent size", self.latent_spin)
        form.addRow(self.parameter_label)
        form.addRow("Activation", self.activation_combo)
        form.addRow("Loss", self.loss_combo)
        form.addRow("Beta (VAE)", self.beta_spin)
        form.addRow("Free bits (VAE)", self.free_bits_spin)
        # The level has a row of its own: beside it, the combo of a 1280 px wide window cut
        # "salt & pepper (p)" to "salt & pepper (|".
        form.addRow("Noise (DAE)", self.noise_combo)
        form.addRow("Noise level", self.noise_spin)
        form.addRow("Noisy copies", self.noise_copies_spin)
        form.addRow("Train noise", self.noise_floor_spin)
        form.addRow("Init seed", self.init_seed_spin)
        controller.settings_changed.connect(self._on_settings_changed)
        controller.state_changed.connect(self._on_state_changed)
        self._on_settings_changed(controller.settings)

    # --- the controller's state -> widgets --------------------------------------------------------
    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        show_choice(self.kind_combo, settings.kind)
        show_choice(self.activation_combo, settings.activation)
        show_choice(self.loss_combo, settings.loss)
        show_choice(self.noise_combo, settings.noise_kind)
        if not self.hidden_edit.hasFocus() or self._hidden_error():
            with QSignalBlocker(self.hidden_edit):
                self.hidden_edit.setText(format_hidden(settings.hidden))
            self._mark_hidden(None)
        show_value(self.latent_spin, settings.latent)
        show_value(self.beta_spin, settings.beta)
        show_value(self.free_bits_spin, settings.free_bits)
        show_value(self.noise_spin, settings.noise_level)
        show_value(self.noise_copies_spin, settings.noise_copies)
        show_value(self.noise_floor_spin, 100 * settings.noise_floor)
        show_value(self.init_seed_spin, settings.init_seed)
        self._show_parameters(settings)
        self._update_enabled()

    @Slot(str)
    def _on_state_changed(self, _state: str) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        active, settings = self._run.is_active, self._run.settings
        fixed_while_active = (
            self.kind_combo,
            self.hidden_edit,
            self.latent_spin,
            self.activation_combo,
            self.loss_combo,
            self.init_seed_spin,
        )
        for widget in fixed_while_active:
            widget.setEnabled(not active)
        self.beta_spin.setEnabled(settings.kind == "vae")
        self.free_bits_spin.setEnabled(not active and settings.kind == "vae")  # not live
        self.noise_combo.setEnabled(not active and settings.kind == "dae")
        self.noise_spin.setEnabled(not active and settings.kind == "dae")
        self.noise_copies_spin.setEnabled(not active and settings.kind == "dae")
        self.noise_floor_spin.setEnabled(not active and settings.kind == "dae")

    def _show_parameters(self, settings: RunSettings) -> None:
        n_inputs = self._run.n_inputs  # the run's (`dataset` is the last set's while codes come)
        count = settings.parameter_count(n_inputs)
        latent = f"{settings.latent}\u00d72" if settings.kind == "vae" else str(settings.latent)
        sizes = [n_inputs, *settings.hidden, latent, *reversed(settings.hidden), n_inputs]
        self.parameter_label.setText(
            f"{count:,} parameters · layers {'-'.join(str(s) for s in sizes)}"
        )

    # --- hidden layers text -----------------------------------------------------------------------
    def _hidden_error(self) -> str | None:
        try:
            parse_hidden(self.hidden_edit.text())
        except ValueError as error:
            return str(error)
        return None

    def _mark_hidden(self, error: str | None) -> None:
        self.hidden_edit.setStyleSheet(
            "" if error is None else "QLineEdit { background: #ffd6d6; }"
        )
        if error is not None:
            self.parameter_label.setText(f"<span style='color:#c62828'>{error}</span>")

    # --- widgets -> controller --------------------------------------------------------------------
    @Slot(str)
    def _on_hidden_changed(self, text: str) -> None:
        error = self._hidden_error()
        self._mark_hidden(error)
        if error is None:
            self._run.update_settings(hidden=parse_hidden(text))
            self._show_parameters(self._run.settings)  # also when the value did not change

    @Slot(int)
    def _on_kind_changed(self, _index: int) -> None:
        self._run.change_kind(self.kind_combo.currentData())

    @Slot(int)
    def _on_latent_changed(self, value: int) -> None:
        self._run.update_settings(latent=value)

    @Slot(int)
    def _on_activation_changed(self, _index: int) -> None:
        self._run.update_settings(activation=self.activation_combo.currentData())

    @Slot(int)
    def _on_loss_changed(self, _index: int) -> None:
        self._run.update_settings(loss=self.loss_combo.currentData())

    @Slot(float)
    def _on_beta_changed(self, value: float) -> None:
        self._run.update_settings(beta=value)

    @Slot(float)
    def _on_free_bits_changed(self, value: float) -> None:
        self._run.update_settings(free_bits=value)

    @Slot(int)
    def _on_noise_kind_changed(self, _index: int) -> None:
        self._run.update_settings(noise_kind=self.noise_combo.currentData())

    @Slot(float)
    def _on_noise_level_changed(self, value: float) -> None:
        self._run.update_settings(noise_level=value)

    @Slot(int)
    def _on_noise_copies_changed(self, value: int) -> None:
        self._run.update_settings(noise_copies=value)

    @Slot(float)
    def _on_noise_floor_changed(self, value: float) -> None:
        self._run.update_settings(noise_floor=value / 100)

    @Slot(int)
    def _on_init_seed_changed(self, value: int) -> None:
        self._run.update_settings(init_seed=value)

"""The training panel's Training box: optimizer, learning rate and its schedule, batches, epoch
limit, the stop rules (wrong pixels, loss plateau), the seeds of batching and noise, and the
held-out test set (its fraction and the seed that picks it).

A form of its own because it needs nothing else of the panel: every control writes one RunSettings
field to the RunController and redraws from `settings_changed`.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QWidget,
)

from engine.data.split import SPLIT_ABOVE
from engine.nn.optimizers import OPTIMIZERS
from gui.run.run_controller import RunController
from gui.run.run_settings import LR_SCHEDULE_NAMES, RunSettings
from gui.widgets.settings_inputs import (
    MAX_SEED,
    combo_box,
    decimal_box,
    show_choice,
    show_value,
    spin_box,
)

# The plateau length the box offers when the plateau stop is off (plateau_epochs 0) and is
# switched on: long enough not to end a run that is still slowly improving.
DEFAULT_PLATEAU_EPOCHS = 500


class TrainingForm(QGroupBox):
    """How the network is trained; only the learning rate may change while a run is active."""

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        self._run = controller
        form = QFormLayout(self)
        self.optimizer_combo = combo_box(
            {k: k for k in OPTIMIZERS},
            "How gradients change the weights: plain SGD, SGD with "
            "momentum, or Adam (usually the fastest here).",
        )
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer_changed)
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setRange(1e-6, 10.0)
        self.lr_spin.setDecimals(6)
        self.lr_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_spin.setKeyboardTracking(False)
        self.lr_spin.setToolTip(
            "Learning rate: the size of each step. Can be changed while training; lower it if "
            "the loss jumps around or training diverges."
        )
        self.lr_spin.valueChanged.connect(self._on_lr_changed)
        self.schedule_combo = combo_box(
            LR_SCHEDULE_NAMES,
            "Learning-rate schedule. constant: the same step size throughout. cosine: starts "
            "at the learning rate and decays smoothly to 1/20 of it at the epoch limit, which "
            "settles the weights at the end of a long run. warm-up, then cosine: rises linearly "
            "from near 0 to the rate over the first 5% of the epochs, then that cosine (the "
            "DAE preset uses it): lets a run train at a higher rate.",
        )
        self.schedule_combo.currentIndexChanged.connect(self._on_schedule_changed)
        self.batch_spin = spin_box(0, 1_000_000, "Glyphs per optimizer step; 0 uses the full set.")
        self.batch_spin.setSpecialValueText("full set")
        self.batch_spin.valueChanged.connect(self._on_batch_size_changed)
        self.epochs_spin = spin_box(1, 10_000_000, "The most epochs the run may take.")
        self.epochs_spin.valueChanged.connect(self._on_epochs_changed)
        self.stop_check = QCheckBox("Stop when every glyph has at most")
        self.stop_check.setToolTip(
            "Stop rule: end the run once the worst glyph has at most this many wrong pixels "
            "(thresholded at 0.5)."
        )
        self.stop_check.toggled.connect(self._on_stop_enabled_changed)
        self.stop_spin = spin_box(0, 999, "Wrong pixels allowed per glyph by the stop rule.")
        self.stop_spin.setSuffix(" wrong px")
        self.stop_spin.valueChanged.connect(self._on_stop_wrong_changed)
        self.plateau_check = QCheckBox("Stop when the loss stops improving")
        self.plateau_check.setToolTip(
            "Plateau stop: end the run once the loss has not fallen by the given fraction of its "
            "best in the given number of epochs; ends runs that will not reach the pixel target."
        )
        self.plateau_check.toggled.connect(self._on_plateau_enabled_changed)
        self.plateau_tolerance_spin = decimal_box(
            0.0,
            99.0,
            2,
            0.1,
            "How much the loss must fall below its best (in % of it) to count as improving.",
        )
        self.plateau_tolerance_spin.setPrefix("by ")
        self.plateau_tolerance_spin.setSuffix(" %")
        self.plateau_tolerance_spin.valueChanged.connect(self._on_plateau_tolerance_changed)
        self.plateau_spin = spin_box(
            1, 1_000_000, "Epochs without such an improvement before the run stops."
        )
        self.plateau_spin.setPrefix("in ")
        self.plateau_spin.setSuffix(" epochs")
        self.plateau_spin.setValue(DEFAULT_PLATEAU_EPOCHS)
        self.plateau_spin.valueChanged.connect(self._on_plateau_epochs_changed)
        self.batch_seed_spin = spin_box(0, MAX_SEED, "Seed of the order glyphs are batched in.")
        self.batch_seed_spin.valueChanged.connect(self._on_batch_seed_changed)
        self.noise_seed_spin = spin_box(
            0, MAX_SEED, "Seed of the input noise (DAE) and the VAE's sampling."
        )
        self.noise_seed_spin.valueChanged.connect(self._on_noise_seed_changed)
        self.test_fraction_spin = decimal_box(
            0.0,
            90.0,
            1,
            5.0,
            "Hold out this share of the images as a test set: never trained on, scored beside "
            "training, so the loss plot shows whether the model works on images it has not "
            "seen (a test loss that rises while the training loss falls is overfitting). "
            f"Default: 10 % for sets above {SPLIT_ABOVE:,} images, none for glyph sets, which "
            "are learnt whole.",
        )
        self.test_fraction_spin.setSuffix(" %")
        self.test_fraction_spin.setSpecialValueText("none")
        self.test_fraction_spin.valueChanged.connect(self._on_test_fraction_changed)
        self.split_seed_spin = spin_box(
            0,
            MAX_SEED,
            "Seed of which images are held out: the same seed and share always hold out the "
            "same images, whatever the other seeds.",
        )
        self.split_seed_spin.valueChanged.connect(self._on_split_seed_changed)
        form.addRow("Optimizer", self.optimizer_combo)
        form.addRow("Learning rate", self.lr_spin)
        form.addRow("LR schedule", self.schedule_combo)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Epochs", self.epochs_spin)
        form.addRow(self.stop_check)
        form.addRow("", self.stop_spin)
        form.addRow(self.plateau_check)
        plateau = QHBoxLayout()
        plateau.addWidget(self.plateau_tolerance_spin)
        plateau.addWidget(self.plateau_spin)
        form.addRow(plateau)  # the whole row: with a label column it widened the panel
        form.addRow("Batch seed", self.batch_seed_spin)
        form.addRow("Noise seed", self.noise_seed_spin)
        form.addRow("Test fraction", self.test_fraction_spin)
        form.addRow("Split seed", self.split_seed_spin)
        controller.settings_changed.connect(self._on_settings_changed)
        controller.state_changed.connect(self._on_state_changed)
        self._on_settings_changed(controller.settings)

    # --- the controller's state -> widgets --------------------------------------------------------
    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        show_choice(self.optimizer_combo, settings.optimizer)
        show_choice(self.schedule_combo, settings.lr_schedule)
        show_value(self.lr_spin, settings.lr)
        show_value(self.batch_spin, settings.batch_size)
        show_value(self.epochs_spin, settings.epochs)
        show_value(self.stop_spin, settings.stop_wrong)
        show_value(self.batch_seed_spin, settings.batch_seed)
        show_value(self.noise_seed_spin, settings.noise_seed)
        show_value(self.test_fraction_spin, 100 * settings.test_fraction)
        show_value(self.split_seed_spin, settings.split_seed)
        show_value(self.plateau_tolerance_spin, 100 * settings.plateau_tolerance)
        if settings.plateau_epochs:  # off (0) keeps the last length shown, to switch back on
            show_value(self.plateau_spin, settings.plateau_epochs)
        with QSignalBlocker(self.stop_check):
            self.stop_check.setChecked(settings.stop_enabled)
        with QSignalBlocker(self.plateau_check):
            self.plateau_check.setChecked(settings.plateau_epochs > 0)
        self._update_enabled()

    @Slot(str)
    def _on_state_changed(self, _state: str) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        active, settings = self._run.is_active, self._run.settings
        fixed_while_active = (
            self.optimizer_combo,
            self.batch_spin,
            self.epochs_spin,
            self.stop_check,
            self.stop_spin,
            self.plateau_check,
            self.plateau_spin,
            self.plateau_tolerance_spin,
            self.batch_seed_spin,
            self.noise_seed_spin,
            self.schedule_combo,
            self.test_fraction_spin,
            self.split_seed_spin,
        )
        for widget in fixed_while_active:
            widget.setEnabled(not active)
        self.stop_spin.setEnabled(not active and settings.stop_enabled)
        plateau_on = not active and settings.plateau_epochs > 0
        self.plateau_spin.setEnabled(plateau_on)
        self.plateau_tolerance_spin.setEnabled(plateau_on)

    # --- widgets -> controller --------------------------------------------------------------------
    @Slot(int)
    def _on_optimizer_changed(self, _index: int) -> None:
        self._run.update_settings(optimizer=self.optimizer_combo.currentData())

    @Slot(float)
    def _on_lr_changed(self, value: float) -> None:
        self._run.update_settings(lr=value)

    @Slot(int)
    def _on_schedule_changed(self, _index: int) -> None:
        self._run.update_settings(lr_schedule=self.schedule_combo.currentData())

    @Slot(int)
    def _on_batch_size_changed(self, value: int) -> None:
        self._run.update_settings(batch_size=value)

    @Slot(int)
    def _on_epochs_changed(self, value: int) -> None:
        self._run.update_settings(epochs=value)

    @Slot(bool)
    def _on_stop_enabled_changed(self, on: bool) -> None:
        self._run.update_settings(stop_enabled=on)

    @Slot(int)
    def _on_stop_wrong_changed(self, value: int) -> None:
        self._run.update_settings(stop_wrong=value)

    @Slot(bool)
    def _on_plateau_enabled_changed(self, on: bool) -> None:
        self._run.update_settings(plateau_epochs=self.plateau_spin.value() if on else 0)

    @Slot(int)
    def _on_plateau_epochs_changed(self, value: int) -> None:
        if self.plateau_check.isChecked():
            self._run.update_settings(plateau_epochs=value)

    @Slot(float)
    def _on_plateau_tolerance_changed(self, percent: float) -> None:
        self._run.update_settings(plateau_tolerance=percent / 100)

    @Slot(int)
    def _on_batch_seed_changed(self, value: int) -> None:
        self._run.update_settings(batch_seed=value)

    @Slot(int)
    def _on_noise_seed_changed(self, value: int) -> None:
        self._run.update_settings(noise_seed=value)

    @Slot(float)
    def _on_test_fraction_changed(self, percent: float) -> None:
        self._run.update_settings(test_fraction=percent / 100)

    @Slot(int)
    def _on_split_seed_changed(self, value: int) -> None:
        self._run.update_settings(split_seed=value)

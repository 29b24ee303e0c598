"""Model and training controls, the run buttons and the run's progress.

Every control writes to the RunController and redraws from its `settings_changed`, so the
panel never talks to other widgets. The run buttons are QActions (also in the window's Run
menu), so a button and its menu item are enabled and named alike.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.activations import ACTIVATIONS
from engine.losses import LOSS_NAMES
from engine.noise import NOISE_LABELS
from engine.optimizers import OPTIMIZERS
from gui.rate_limit import RateLimit
from gui.run_controller import RunController
from gui.run_settings import (
    LR_SCHEDULE_NAMES,
    MODEL_KINDS,
    RunSettings,
    format_hidden,
    parse_hidden,
)

STATE_COLOURS = {
    "idle": "#6b6b6b",
    "running": "#1a8a3a",
    "paused": "#c77700",
    "finished": "#1f5fbf",
    "stopped": "#7a3fa0",
    "failed": "#c62828",
}
STEP_SIZES = (1, 10, 100)
READOUT_MS = 100  # the progress bar and speed are refreshed at most 10 times a second
# Epochs per second; 0 trains as fast as the machine can. Pacing never changes a run's result.
SPEEDS = {0.0: "full speed", 1000.0: "1000 epochs/s", 300.0: "300 epochs/s",
          100.0: "100 epochs/s", 30.0: "30 epochs/s", 10.0: "10 epochs/s"}  # fmt: skip
MAX_SEED = 2**31 - 1


def _spin(low: int, high: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setKeyboardTracking(False)  # commit when typing ends, not on every digit
    box.setToolTip(tip)
    return box


def _combo(items: dict[str, str], tip: str) -> QComboBox:
    box = QComboBox()
    for key, text in items.items():
        box.addItem(text, key)
    box.setToolTip(tip)
    # Long item texts must not set the panel's width: the combo may shrink and elide them.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)
    return box


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class TrainingPanel(QWidget):
    """The right-hand panel: what to train, the run buttons and how far the run got."""

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run = controller
        self._make_actions()
        layout = QVBoxLayout(self)
        layout.addWidget(self._make_run_box())
        layout.addWidget(self._make_model_box())
        layout.addWidget(self._make_training_box())
        layout.addStretch(1)
        controller.settings_changed.connect(self._on_settings_changed)
        controller.state_changed.connect(self._on_state_changed)
        # The progress readouts are read, not watched: a few times a second is plenty.
        self._readouts = RateLimit(self, self._show_progress, READOUT_MS)
        controller.snapshot_changed.connect(self._readouts.request)
        self._on_settings_changed(controller.settings)
        self._on_state_changed(controller.state)
        self._show_progress()

    # --- actions ----------------------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the panel's window has focus
        return action

    def _make_actions(self) -> None:
        run = self._run
        self.start_action = self._action(
            "Start",
            "Train until the stop rule or the epoch limit (Ctrl+R). After a finished "
            "or stopped run, starts again from the same initial weights.",
            run.start,
            "Ctrl+R",
        )
        self.pause_action = self._action(
            "Pause", "Pause or resume training (Space).", run.toggle_pause, "Space"
        )
        self.step_actions = {
            n: self._action(
                f"Step {n}",
                f"Train exactly {n} more epoch{'s' * (n > 1)}, then pause.",
                lambda _checked=False, n=n: run.step(n),
            )
            for n in STEP_SIZES
        }
        self.stop_action = self._action(
            "Stop", "End the run; the model keeps the best weights seen so far.", run.stop
        )
        self.reset_action = self._action(
            "Reset",
            "Forget the run and rebuild the model from the init seed: the same "
            "initial weights as before.",
            run.reset,
        )
        self.save_model_action = self._action(
            "Save model…",
            "Save the model's weights and settings to an .npz file.",
            self._on_save_model_triggered,
        )
        self.load_model_action = self._action(
            "Load model…",
            "Load a saved model; its settings replace the current ones.",
            self._on_load_model_triggered,
        )

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return button

    # --- boxes ----------------------------------------------------------------------------------
    def _make_run_box(self) -> QGroupBox:
        box = QGroupBox("Run")
        grid = QGridLayout(box)
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setToolTip(
            "idle: not started · running · paused · finished: a stop rule was met · "
            "stopped: by you · failed: training diverged"
        )
        self.progress_bar = QProgressBar()
        self.progress_bar.setToolTip("Epochs trained out of the epoch limit.")
        self.speed_label = QLabel(" ")
        self.pace_combo = QComboBox()
        for pace, text in SPEEDS.items():
            self.pace_combo.addItem(text, pace)
        self.pace_combo.setToolTip(
            "How fast to train. Full speed learns the 5x7 font in a fraction of a second; a "
            "set number of epochs per second lets you watch the codes and glyphs take shape. "
            "The result is the same at any speed; it can be changed while training."
        )
        self.pace_combo.currentIndexChanged.connect(self._on_pace_changed)
        self.speed_label.setToolTip("Optimizer steps per second, and the time left to the limit.")
        self.start_button = self._button(self.start_action)
        self.pause_button = self._button(self.pause_action)
        self.stop_button = self._button(self.stop_action)
        self.reset_button = self._button(self.reset_action)
        self.step_buttons = {n: self._button(a) for n, a in self.step_actions.items()}
        self.save_model_button = self._button(self.save_model_action)
        self.load_model_button = self._button(self.load_model_action)
        grid.addWidget(self.state_label, 0, 0, 1, 3)
        grid.addWidget(self.progress_bar, 1, 0, 1, 3)
        grid.addWidget(self.speed_label, 2, 0, 1, 3)
        speed = QHBoxLayout()
        speed_title = QLabel("Speed")
        speed_title.setBuddy(self.pace_combo)
        speed.addWidget(speed_title)
        speed.addWidget(self.pace_combo, 1)
        grid.addLayout(speed, 3, 0, 1, 3)
        grid.addWidget(self.start_button, 4, 0)
        grid.addWidget(self.pause_button, 4, 1)
        grid.addWidget(self.stop_button, 4, 2)
        for column, button in enumerate(self.step_buttons.values()):
            grid.addWidget(button, 5, column)
        grid.addWidget(self.reset_button, 6, 0)
        files = QHBoxLayout()
        files.addWidget(self.save_model_button)
        files.addWidget(self.load_model_button)
        grid.addLayout(files, 6, 1, 1, 2)
        return box

    def _make_model_box(self) -> QGroupBox:
        box = QGroupBox("Model")
        form = QFormLayout(box)
        self.kind_combo = _combo(
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
        self.latent_spin = _spin(
            1, 64, "Size of the code (the bottleneck). 2 plots directly; more is shown through PCA."
        )
        self.latent_spin.valueChanged.connect(self._on_latent_changed)
        self.parameter_label = QLabel()
        self.parameter_label.setWordWrap(True)
        self.parameter_label.setToolTip("Weights and biases in the whole network, and its layers.")
        self.activation_combo = _combo(
            {k: k for k in ACTIVATIONS}, "Activation of the hidden layers."
        )
        self.activation_combo.currentIndexChanged.connect(self._on_activation_changed)
        self.loss_combo = _combo(LOSS_NAMES, "How a reconstruction is scored against its target.")
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
        self.noise_combo = _combo(NOISE_LABELS, "DAE only: how inputs are corrupted each epoch.")
        self.noise_combo.currentIndexChanged.connect(self._on_noise_kind_changed)
        self.noise_spin = QDoubleSpinBox()
        self.noise_spin.setRange(0.0, 1.0)
        self.noise_spin.setDecimals(3)
        self.noise_spin.setSingleStep(0.01)
        self.noise_spin.setKeyboardTracking(False)
        self.noise_spin.setToolTip("DAE only: the probability p, or sigma for Gaussian noise.")
        self.noise_spin.valueChanged.connect(self._on_noise_level_changed)
        self.noise_copies_spin = _spin(
            1,
            256,
            "DAE only: how many freshly corrupted copies of every glyph one epoch trains on. "
            "More copies show the model more kinds of noise per epoch (and take longer).",
        )
        self.noise_copies_spin.valueChanged.connect(self._on_noise_copies_changed)
        self.init_seed_spin = _spin(
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
        noise = QHBoxLayout()
        noise.addWidget(self.noise_combo, 1)
        noise.addWidget(self.noise_spin)
        form.addRow("Noise (DAE)", noise)
        form.addRow("Noisy copies per epoch", self.noise_copies_spin)
        form.addRow("Init seed", self.init_seed_spin)
        return box

    def _make_training_box(self) -> QGroupBox:
        box = QGroupBox("Training")
        form = QFormLayout(box)
        self.optimizer_combo = _combo(
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
        self.schedule_combo = _combo(
            LR_SCHEDULE_NAMES,
            "Learning-rate schedule. constant: the same step size throughout. cosine: starts "
            "at the learning rate and decays smoothly to 1/20 of it at the epoch limit, which "
            "settles the weights at the end of a long run (the DAE preset uses it).",
        )
        self.schedule_combo.currentIndexChanged.connect(self._on_schedule_changed)
        self.batch_spin = _spin(0, 1_000_000, "Glyphs per optimizer step; 0 uses the full set.")
        self.batch_spin.setSpecialValueText("full set")
        self.batch_spin.valueChanged.connect(self._on_batch_size_changed)
        self.epochs_spin = _spin(1, 10_000_000, "The most epochs the run may take.")
        self.epochs_spin.valueChanged.connect(self._on_epochs_changed)
        self.stop_check = QCheckBox("Stop when every glyph has at most")
        self.stop_check.setToolTip(
            "Stop rule: end the run once the worst glyph has at most this many wrong pixels "
            "(thresholded at 0.5)."
        )
        self.stop_check.toggled.connect(self._on_stop_enabled_changed)
        self.stop_spin = _spin(0, 999, "Wrong pixels allowed per glyph by the stop rule.")
        self.stop_spin.setSuffix(" wrong px")
        self.stop_spin.valueChanged.connect(self._on_stop_wrong_changed)
        self.batch_seed_spin = _spin(0, MAX_SEED, "Seed of the order glyphs are batched in.")
        self.batch_seed_spin.valueChanged.connect(self._on_batch_seed_changed)
        self.noise_seed_spin = _spin(
            0, MAX_SEED, "Seed of the input noise (DAE) and the VAE's sampling."
        )
        self.noise_seed_spin.valueChanged.connect(self._on_noise_seed_changed)
        form.addRow("Optimizer", self.optimizer_combo)
        form.addRow("Learning rate", self.lr_spin)
        form.addRow("Learning-rate schedule", self.schedule_combo)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Epochs", self.epochs_spin)
        form.addRow(self.stop_check)
        form.addRow("", self.stop_spin)
        form.addRow("Batch seed", self.batch_seed_spin)
        form.addRow("Noise seed", self.noise_seed_spin)
        return box

    # --- the controller's state -> widgets --------------------------------------------------------
    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        def show(combo: QComboBox, key: str) -> None:
            with QSignalBlocker(combo):
                combo.setCurrentIndex(combo.findData(key))

        def put(spin: QSpinBox | QDoubleSpinBox, value: float) -> None:
            with QSignalBlocker(spin):
                spin.setValue(value)

        show(self.kind_combo, settings.kind)
        show(self.activation_combo, settings.activation)
        show(self.loss_combo, settings.loss)
        show(self.optimizer_combo, settings.optimizer)
        show(self.noise_combo, settings.noise_kind)
        show(self.schedule_combo, settings.lr_schedule)
        with QSignalBlocker(self.pace_combo):
            index = self.pace_combo.findData(settings.pace)
            if index < 0:  # a stored speed that is not in the list
                self.pace_combo.addItem(f"{settings.pace:g} epochs/s", settings.pace)
                index = self.pace_combo.count() - 1
            self.pace_combo.setCurrentIndex(index)
        if not self.hidden_edit.hasFocus() or self._hidden_error():
            with QSignalBlocker(self.hidden_edit):
                self.hidden_edit.setText(format_hidden(settings.hidden))
            self._mark_hidden(None)
        put(self.latent_spin, settings.latent)
        put(self.beta_spin, settings.beta)
        put(self.noise_spin, settings.noise_level)
        put(self.noise_copies_spin, settings.noise_copies)
        put(self.init_seed_spin, settings.init_seed)
        put(self.lr_spin, settings.lr)
        put(self.batch_spin, settings.batch_size)
        put(self.epochs_spin, settings.epochs)
        put(self.stop_spin, settings.stop_wrong)
        put(self.batch_seed_spin, settings.batch_seed)
        put(self.noise_seed_spin, settings.noise_seed)
        with QSignalBlocker(self.stop_check):
            self.stop_check.setChecked(settings.stop_enabled)
        self.progress_bar.setMaximum(settings.epochs)
        self._show_parameters(settings)
        self._update_enabled()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        colour = STATE_COLOURS.get(state, "#000000")
        self.state_label.setText(state)
        self.state_label.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; font-weight: bold; "
            "border-radius: 4px; padding: 4px; font-size: 13pt; }"
        )
        self.pause_action.setText("Resume" if state == "paused" else "Pause")
        self._update_enabled()
        self._show_progress()  # "time left" only while running

    def _show_progress(self) -> None:
        snapshot = self._run.snapshot
        if snapshot is None:
            return
        epochs = self._run.settings.epochs
        self.progress_bar.setMaximum(max(epochs, snapshot.epoch))
        self.progress_bar.setValue(snapshot.epoch)
        self.progress_bar.setFormat(f"epoch {snapshot.epoch} / {epochs}")
        text = f"{snapshot.steps_per_second:,.0f} steps/s" if snapshot.steps_per_second else ""
        if self._run.state == "running" and snapshot.elapsed > 0 and snapshot.epoch > 0:
            rate = snapshot.epoch / snapshot.elapsed  # epochs per second, all runs together
            if self._run.settings.pace > 0:
                rate = min(rate, self._run.settings.pace)
            text += f" · at most {_duration(max(0, epochs - snapshot.epoch) / rate)} left"
        self.speed_label.setText(text or " ")

    def _update_enabled(self) -> None:
        state, settings = self._run.state, self._run.settings
        active = state in ("running", "paused")
        self.start_action.setEnabled(state != "running")
        self.pause_action.setEnabled(active)
        for action in self.step_actions.values():
            action.setEnabled(state != "running")
        self.stop_action.setEnabled(active)
        self.load_model_action.setEnabled(not active)
        fixed_while_active = (
            self.kind_combo,
            self.hidden_edit,
            self.latent_spin,
            self.activation_combo,
            self.loss_combo,
            self.init_seed_spin,
            self.optimizer_combo,
            self.batch_spin,
            self.epochs_spin,
            self.stop_check,
            self.stop_spin,
            self.batch_seed_spin,
            self.noise_seed_spin,
            self.noise_combo,
            self.noise_spin,
            self.noise_copies_spin,
            self.schedule_combo,
        )
        for widget in fixed_while_active:
            widget.setEnabled(not active)
        self.stop_spin.setEnabled(not active and settings.stop_enabled)
        self.beta_spin.setEnabled(settings.kind == "vae")
        self.noise_combo.setEnabled(not active and settings.kind == "dae")
        self.noise_spin.setEnabled(not active and settings.kind == "dae")
        self.noise_copies_spin.setEnabled(not active and settings.kind == "dae")

    def _show_parameters(self, settings: RunSettings) -> None:
        n_inputs = self._run.dataset.n_pixels
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

    @Slot(int)
    def _on_noise_kind_changed(self, _index: int) -> None:
        self._run.update_settings(noise_kind=self.noise_combo.currentData())

    @Slot(float)
    def _on_noise_level_changed(self, value: float) -> None:
        self._run.update_settings(noise_level=value)

    @Slot(int)
    def _on_noise_copies_changed(self, value: int) -> None:
        self._run.update_settings(noise_copies=value)

    @Slot(int)
    def _on_schedule_changed(self, _index: int) -> None:
        self._run.update_settings(lr_schedule=self.schedule_combo.currentData())

    @Slot(int)
    def _on_pace_changed(self, _index: int) -> None:
        self._run.update_settings(pace=float(self.pace_combo.currentData()))

    @Slot(int)
    def _on_init_seed_changed(self, value: int) -> None:
        self._run.update_settings(init_seed=value)

    @Slot(int)
    def _on_optimizer_changed(self, _index: int) -> None:
        self._run.update_settings(optimizer=self.optimizer_combo.currentData())

    @Slot(float)
    def _on_lr_changed(self, value: float) -> None:
        self._run.update_settings(lr=value)

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

    @Slot(int)
    def _on_batch_seed_changed(self, value: int) -> None:
        self._run.update_settings(batch_seed=value)

    @Slot(int)
    def _on_noise_seed_changed(self, value: int) -> None:
        self._run.update_settings(noise_seed=value)

    # --- model files ------------------------------------------------------------------------------
    @Slot()
    def _on_save_model_triggered(self) -> None:
        name = f"{self._run.dataset.name}-{self._run.settings.kind}.npz"
        path, _ = QFileDialog.getSaveFileName(self, "Save model", name, "Models (*.npz)")
        if path:
            self._run.save_model(path if path.endswith(".npz") else path + ".npz")

    @Slot()
    def _on_load_model_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load model", "", "Models (*.npz)")
        if path:
            self._run.load_model(path)

"""The right-hand panel: the run buttons and the run's state, its progress, the model and training
settings.

Every control writes to the RunController and redraws from its signals, so the panel never talks
to other widgets. The run buttons are QActions (also in the window's Run menu), so a button and
its menu item are enabled and named alike. The Model and Training forms (gui.controls.model_form,
gui.controls.training_form) and the progress readouts (gui.controls.run_progress) are widgets of their own; the
panel puts them together and keeps the controls tests drive by name reachable as its attributes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.controls.model_form import ModelForm
from gui.controls.run_progress import RunProgress
from gui.controls.training_form import TrainingForm
from gui.run.run_controller import RunController

STATE_COLOURS = {
    "idle": "#6b6b6b",
    "running": "#1a8a3a",
    "paused": "#c77700",
    "finished": "#1f5fbf",
    "stopped": "#7a3fa0",
    "failed": "#c62828",
}
STEP_SIZES = (1, 10, 100)


class TrainingPanel(QWidget):
    """The right-hand panel: what to train, the run buttons and how far the run got."""

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run = controller
        self._make_actions()
        self.run_progress = RunProgress(controller)
        self.model_form = ModelForm(controller)
        self.training_form = TrainingForm(controller)
        # The settings are set before a run and read rarely: as two tabs under the Run box they
        # fit a 768 px high screen without scrolling (stacked, they needed ~1000 px).
        self.settings_tabs = QTabWidget()
        self.settings_tabs.setDocumentMode(True)
        for form in (self.training_form, self.model_form):
            self.settings_tabs.addTab(form, form.title())
            form.setTitle("")  # the tab says it
            form.setFlat(True)
        self.restore_defaults_button = self._button(self.restore_defaults_action)
        self.restore_defaults_button.setSizePolicy(
            QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed
        )
        # Beside the tabs it costs no height; the margin keeps it off the panel's edge.
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 6, 2)
        corner_layout.addWidget(self.restore_defaults_button)
        self.settings_tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._make_run_box())
        layout.addWidget(self.settings_tabs)
        layout.addStretch(1)
        # The controls the tests drive by name, as before the forms had modules of their own.
        progress, model, training = self.run_progress, self.model_form, self.training_form
        self.progress_bar, self.pace_combo = progress.progress_bar, progress.pace_combo
        self.kind_combo, self.hidden_edit = model.kind_combo, model.hidden_edit
        self.parameter_label, self.activation_combo = model.parameter_label, model.activation_combo
        self.beta_spin, self.noise_spin = model.beta_spin, model.noise_spin
        self.noise_copies_spin, self.noise_floor_spin = (
            model.noise_copies_spin,
            model.noise_floor_spin,
        )
        self.optimizer_combo, self.lr_spin = training.optimizer_combo, training.lr_spin
        self.schedule_combo, self.epochs_spin = training.schedule_combo, training.epochs_spin
        self.stop_check, self.plateau_check = training.stop_check, training.plateau_check
        self.free_bits_spin = model.free_bits_spin
        controller.state_changed.connect(self._on_state_changed)
        self._on_state_changed(controller.state)

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
        self.restore_defaults_action = self._action(
            "Restore defaults",
            "Set every preset setting (layers, activation, learning rate, epochs, batches, stop "
            "rules, noise, schedule, beta, free bits) to the current kind's preset for this "
            "set's size, forgetting your edits to them; the latent size, loss, optimizer and "
            "seeds stay.",
            run.restore_defaults,
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

    # --- the Run box ------------------------------------------------------------------------------
    def _make_run_box(self) -> QGroupBox:
        box = QGroupBox("Run")
        grid = QGridLayout(box)
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setToolTip(
            "idle: not started · running · paused · finished: a stop rule was met · "
            "stopped: by you · failed: training diverged"
        )
        self.start_button = self._button(self.start_action)
        self.pause_button = self._button(self.pause_action)
        self.stop_button = self._button(self.stop_action)
        self.reset_button = self._button(self.reset_action)
        self.step_buttons = {n: self._button(a) for n, a in self.step_actions.items()}
        self.save_model_button = self._button(self.save_model_action)
        self.load_model_button = self._button(self.load_model_action)
        grid.addWidget(self.state_label, 0, 0, 1, 3)
        grid.addWidget(self.run_progress, 1, 0, 1, 3)
        grid.addWidget(self.start_button, 2, 0)
        grid.addWidget(self.pause_button, 2, 1)
        grid.addWidget(self.stop_button, 2, 2)
        for column, button in enumerate(self.step_buttons.values()):
            grid.addWidget(button, 3, column)
        grid.addWidget(self.reset_button, 4, 0)
        files = QHBoxLayout()
        files.addWidget(self.save_model_button)
        files.addWidget(self.load_model_button)
        grid.addLayout(files, 4, 1, 1, 2)
        return box

    # --- the controller's state -> the Run box ----------------------------------------------------
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

    def _update_enabled(self) -> None:
        state, active = self._run.state, self._run.is_active
        self.start_action.setEnabled(state != "running")
        self.pause_action.setEnabled(active)
        for action in self.step_actions.values():
            action.setEnabled(state != "running")
        self.stop_action.setEnabled(active)
        self.load_model_action.setEnabled(not active)
        self.restore_defaults_action.setEnabled(not active)

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

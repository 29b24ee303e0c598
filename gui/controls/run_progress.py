"""The training panel's progress readouts: epochs done, steps per second and time left, and the
Speed a run trains at.

Separate from the run buttons because it is read, not pressed: it follows the RunController's
snapshots through a RateLimit (a few refreshes a second are plenty to read), and its one control,
the speed, is a setting that can change while training.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from gui.run.run_controller import RunController
from gui.run.run_settings import RunSettings
from gui.widgets.rate_limit import RateLimit

ENDED = ("finished", "stopped", "failed")  # run states after which the run is complete
READOUT_MS = 250  # the progress bar and speed are refreshed at most 4 times a second
# Epochs per second; 0 trains as fast as the machine can. Pacing never changes a run's result.
SPEEDS = {0.0: "full speed", 1000.0: "1000 epochs/s", 300.0: "300 epochs/s",
          100.0: "100 epochs/s", 30.0: "30 epochs/s", 10.0: "10 epochs/s"}  # fmt: skip


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class RunProgress(QWidget):
    """A progress bar, the speed readout and the Speed combo, one above the other."""

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # rows of the Run box's grid, not a box of their own
        self.progress_bar = QProgressBar()
        self.progress_bar.setToolTip("Epochs trained out of the epoch limit.")
        self.speed_label = QLabel(" ")
        self.speed_label.setWordWrap(True)  # an ended run's reason is a sentence
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
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.speed_label)
        speed = QHBoxLayout()
        speed_title = QLabel("Speed")
        speed_title.setBuddy(self.pace_combo)
        speed.addWidget(speed_title)
        speed.addWidget(self.pace_combo, 1)
        layout.addLayout(speed)
        controller.settings_changed.connect(self._on_settings_changed)
        controller.state_changed.connect(self._on_state_changed)
        # The progress readouts are read, not watched: a few times a second is plenty.
        self._readouts = RateLimit(self, self._show_progress, READOUT_MS)
        controller.snapshot_changed.connect(self._readouts.request)
        self._on_settings_changed(controller.settings)
        self._show_progress()

    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        with QSignalBlocker(self.pace_combo):
            index = self.pace_combo.findData(settings.pace)
            if index < 0:  # a stored speed that is not in the list
                self.pace_combo.addItem(f"{settings.pace:g} epochs/s", settings.pace)
                index = self.pace_combo.count() - 1
            self.pace_combo.setCurrentIndex(index)
        self.progress_bar.setMaximum(settings.epochs)

    @Slot(str)
    def _on_state_changed(self, _state: str) -> None:
        self._show_progress()  # "time left" only while running

    def _show_progress(self) -> None:
        snapshot = self._run.snapshot
        if snapshot is None:
            return
        epochs, state = self._run.settings.epochs, self._run.state
        text = f"{snapshot.steps_per_second:,.0f} steps/s" if snapshot.steps_per_second else ""
        if state in ENDED:
            # A run that ended early is complete: a bar left at 239 / 5000 looked stuck.
            self.progress_bar.setMaximum(max(snapshot.epoch, 1))
            self.progress_bar.setValue(max(snapshot.epoch, 1))
            self.progress_bar.setFormat(f"{state} at epoch {snapshot.epoch}")
            self.speed_label.setText(snapshot.message or text or " ")
            return
        self.progress_bar.setMaximum(max(epochs, snapshot.epoch))
        self.progress_bar.setValue(snapshot.epoch)
        within = "" if snapshot.batch is None else " (+{:,}/{:,} batches)".format(*snapshot.batch)
        self.progress_bar.setFormat(f"epoch {snapshot.epoch} / {epochs}{within}")
        if state == "running" and snapshot.elapsed > 0 and snapshot.epoch > 0:
            rate = snapshot.epoch / snapshot.elapsed  # epochs per second, all runs together
            if self._run.settings.pace > 0:
                rate = min(rate, self._run.settings.pace)
            text += f" · at most {_duration(max(0, epochs - snapshot.epoch) / rate)} left"
        self.speed_label.setText(text or " ")

    @Slot(int)
    def _on_pace_changed(self, _index: int) -> None:
        self._run.update_settings(pace=float(self.pace_combo.currentData()))

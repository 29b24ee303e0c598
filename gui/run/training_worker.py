"""Runs one Trainer in a QThread and reports its snapshots to the GUI thread as signals.

The GUI thread never waits for training. Commands arrive two ways: `pause`, `stop`, `set_lr` and
`set_beta` set thread-safe flags the training loop reads after every batch (a pause within an
epoch keeps its place: the Trainer resumes it exactly); `resume` and `step` post a queued request
that the worker's own event loop runs. While paused, `Trainer.run` has returned and the worker's
thread sleeps in its event loop: no busy waiting. A big set's idle run starts its worker before
Start, to make the first snapshot (every image scored and encoded, a second at 60,000 images) in
this thread rather than the GUI's (`first_snapshot`; a restored session's first evaluation
too); Start's run then queues behind it. A run let go of (`cancel`: a new set, Reset, closing
the window) pauses after its batch rather than stopping, which would score its best weights
first: seconds at 60,000 images that nobody waits for.

A paced run (`set_pace`: epochs per second, so a person can watch the 5x7 font learn) calls
`Trainer.run(epochs=chunk)` in chunks of about a snapshot's worth of epochs and sleeps in this
thread between them, in slices short enough to notice a pause or stop within ~20 ms. Trainer.run
continues exactly where it left off, so a paced run ends with the same weights as a full-speed one.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from engine.training import Snapshot, SnapshotCancelled, Trainer

SNAPSHOT_SECONDS = 1 / 30  # at most ~30 snapshots a second reach the GUI
ENDED_STATES = ("finished", "stopped", "failed")
SLEEP_SLICE = 0.02  # seconds: a paced run checks for pause and stop at least this often


class TrainingWorker(QObject):
    """Owns one Trainer; lives in a QThread (see `start_worker`)."""

    snapshot_ready = Signal(object)  # Snapshot, while training and once at every pause or end
    state_changed = Signal(str)  # one of engine.training.RUN_STATES
    failed = Signal(str)  # a sentence for the user
    finished = Signal(object)  # the final Snapshot (None if training raised): the run is over
    _run_requested = Signal(int, object)  # (command number, epochs or None: "until a stop rule")
    _snapshot_requested = Signal()

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()
        self._trainer = trainer
        # The run had ended and a Step takes it up again: its stop rules were met already, so
        # Steps train on without them; Start/Resume still ends it by them. Set before `start`.
        self.past_end = False
        # Commands are numbered so a pause also cancels runs requested before it that have not
        # begun yet (Trainer.run clears its pause flag when it starts).
        self._commands = 0
        self._paused_at = -1
        self._stopping = False
        self._cancelled = False
        # Called once in this thread before its first snapshot or run (a restored session's
        # first evaluation: a second at 60,000 images); see `first_snapshot`.
        self._prepare: Callable[[], None] | None = None
        self._pace = 0.0  # epochs per second; 0: full speed
        self._run_requested.connect(self._on_run_requested)
        self._snapshot_requested.connect(self._on_snapshot_requested)

    # --- commands from the GUI thread -----------------------------------------------------------
    def start(self, epochs: int | None = None) -> None:
        """Train until a stop rule (or `epochs` more epochs, then pause)."""
        self._request(epochs)

    def resume(self) -> None:
        self._request(None)

    def step(self, epochs: int) -> None:
        """Train exactly `epochs` more epochs, then pause (unless a stop rule ends the run; after
        the run's end no stop rule applies)."""
        self._request(int(epochs))

    def pause(self) -> None:
        self._commands += 1
        self._paused_at = self._commands
        self._trainer.request_pause()

    def first_snapshot(self, prepare: Callable[[], None] | None = None) -> None:
        """Make the run's first snapshot in this worker's thread; it comes as `snapshot_ready`.
        `prepare` runs first, in this thread, and before any run if Start comes earlier."""
        self._prepare = prepare
        self._snapshot_requested.emit()

    def stop(self) -> None:
        """End the run; the model keeps its best weights (scored again: a second at 60,000
        images). A paused run is woken to notice."""
        self._stopping = True
        self._trainer.request_stop()
        self._request(0)

    def cancel(self) -> None:
        """Let go of the run without ending it: it pauses after the current batch (a big run
        without scoring anything), no request queued before starts, and a first snapshot not
        begun is skipped (one begun ends after its block of images in progress). The trainer
        then holds the run as paused, best weights included, so the window can save it
        (closing) or drop it (a new set)."""
        self._cancelled = True
        self._trainer.request_pause()

    def _request(self, epochs: int | None) -> None:
        self._commands += 1
        self._run_requested.emit(self._commands, epochs)

    def set_lr(self, lr: float) -> None:
        self._trainer.set_lr(lr)

    def set_beta(self, beta: float) -> None:
        self._trainer.set_beta(beta)

    def set_pace(self, epochs_per_second: float) -> None:
        """Train at most this many epochs a second (0: full speed); takes effect at once."""
        self._pace = max(0.0, float(epochs_per_second))

    # --- the worker thread ----------------------------------------------------------------------
    @Slot()
    def _on_snapshot_requested(self) -> None:
        if self._cancelled or self._stopping or self._commands:  # a run makes its own
            return
        try:
            self._prepared()
            snapshot = self._trainer.snapshot(cancelled=self._is_cancelled)
        except SnapshotCancelled:  # let go of while it scored or encoded: nobody waits for it
            return
        except Exception as error:  # as in a run: said, not a thread dying quietly
            self.failed.emit(f"The set's codes could not be computed ({error}).")
            return
        self.snapshot_ready.emit(snapshot)

    def _is_cancelled(self) -> bool:
        return self._cancelled

    def _prepared(self) -> None:
        prepare, self._prepare = self._prepare, None
        if prepare is not None:
            prepare()

    @Slot(int, object)
    def _on_run_requested(self, command: int, epochs: int | None) -> None:
        if self._cancelled or self._trainer.state in ENDED_STATES:
            return  # let go of, or a request queued behind the end of the run
        if self._paused_at > command and not self._stopping:
            self.state_changed.emit("paused")  # paused before this run could begin
            return

        def on_snapshot(snapshot: Snapshot) -> None:
            if self._paused_at > command or self._cancelled:  # came while run() was starting
                self._trainer.request_pause()
            self.snapshot_ready.emit(snapshot)

        if not self._stopping:  # a stop request only wakes a paused run to end it
            self.state_changed.emit("running")
        try:
            self._prepared()
            final = self._train(command, epochs, on_snapshot)
        except Exception as error:  # a bug must end the run visibly, not kill the thread quietly
            self._trainer.state = "failed"
            self.state_changed.emit("failed")
            self.failed.emit(
                f"Training stopped because of an internal error ({error}). Press Reset to start "
                "again; if it happens again, please report it."
            )
            self.finished.emit(None)
            return
        self.state_changed.emit(final.state)
        if final.state == "failed":
            self.failed.emit(final.message)
        if final.state in ENDED_STATES:
            self.finished.emit(final)

    def _train(
        self, command: int, epochs: int | None, on_snapshot: Callable[[Snapshot], None]
    ) -> Snapshot:
        """Trainer.run at full speed, or in paced chunks with sleeps between them."""
        trainer = self._trainer
        goal = None if epochs is None else trainer.epoch + epochs
        rules = goal is None or not self.past_end
        due = time.monotonic()  # when the next chunk may begin
        while True:
            pace = self._pace
            left = None if goal is None else goal - trainer.epoch
            if pace <= 0:  # full speed (also when the speed is raised to it mid-run)
                return trainer.run(
                    left,
                    on_snapshot=on_snapshot,
                    snapshot_seconds=SNAPSHOT_SECONDS,
                    stop_rules=rules,
                )
            halt = self._halted(command)
            chunk = 0 if halt else max(1, round(pace * SNAPSHOT_SECONDS))  # a snapshot a chunk
            if left is not None:
                chunk = min(chunk, left)
            final = trainer.run(chunk, stop_rules=rules)  # 0: pauses (or ends a stopped run)
            halt = self._halted(command)
            going_on = final.state == "paused" and chunk > 0 and left != chunk and not halt
            if not going_on:
                on_snapshot(final)
                return final
            # Between chunks the run is still running, whatever the chunk's own end says.
            on_snapshot(dataclasses.replace(final, state="running"))
            due = max(due + chunk / pace, time.monotonic() - 1.0)  # no catching up after a lag
            while (wait := due - time.monotonic()) > 0:
                if self._halted(command):
                    break
                time.sleep(min(wait, SLEEP_SLICE))

    def _halted(self, command: int) -> bool:
        """A paced run must not begin another chunk: paused, stopped or let go of."""
        return self._paused_at > command or self._stopping or self._cancelled


def start_worker(
    trainer: Trainer, connect: Callable[[TrainingWorker], None]
) -> tuple[TrainingWorker, QThread]:
    """A worker in its own started thread; the thread deletes itself once it finishes.

    `connect(worker)` attaches the caller's slots before the thread's own wiring, so a queued
    `finished` reaches the caller while the worker still exists (its thread quits after that).
    The caller keeps Python references until `thread.finished` and drops them in a slot
    connected to it, and stops + waits for the thread before the window closes.
    """
    thread = QThread()
    thread.setObjectName("training")
    worker = TrainingWorker(trainer)
    worker.moveToThread(thread)
    connect(worker)
    worker.finished.connect(thread.quit)
    # Not worker.deleteLater: that destroys the worker in the training thread, and a Python
    # QObject's destructor takes the GIL while holding a Qt connection lock, which deadlocked
    # against the GUI thread (seen in a full test run). The worker dies with its last Python
    # reference, dropped in the GUI thread once the thread has finished.
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return worker, thread

"""The run as a Qt model: settings, run state and the latest Snapshot, which every panel watches.

Widgets write settings here and press buttons here; views listen to `state_changed` and
`snapshot_changed`. Each run gets its own TrainingWorker and thread. Cancelling a run (Reset, a
new data set, loading a model) disconnects that worker first, so a late snapshot from it can never
paint over the next run; its thread ends on its own and is waited for when the window closes.
Snapshots reach the views at most ~30 times a second (the worker's limit) and, when drawing them
is slow, further apart (gui.run.snapshot_pacer). The idle snapshot of a set of more than
LARGE_SET_EDITS images (every image scored and encoded: a second at 60,000) is made in the run's
worker thread; until it comes (`codes_pending`), the views keep the last snapshot and its
`dataset`, and Start queues behind it. What the model and session files hold besides the
engine's formats is in gui.run.run_files, the per-set stored settings in gui.run.settings_store.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QObject, QSettings, QThread, QTimer, Signal, Slot

from engine.data.datasets import Dataset, DatasetError
from engine.limits import check_architecture, check_memory
from engine.models import Autoencoder
from engine.serialization import ModelFileError, image_size, load_model, save_model
from engine.session import (
    FrozenSession,
    Session,
    SessionFileError,
    freeze_session,
    write_session,
)
from engine.training import Snapshot, Trainer
from gui.data.glyph_set import GlyphSet
from gui.run.run_files import (
    model_metadata,
    model_misfit,
    other_images_note,
    read_session,
    session_extra,
    settings_of_model,
)
from gui.run.run_settings import (
    ARCHITECTURE_FIELDS,
    LIVE_FIELDS,
    PRESET_FIELDS,
    RunSettings,
    sized_settings,
    with_kind_preset,
)
from gui.run.session_reader import SessionReader, read_error, session_images, start_reader
from gui.run.settings_store import store_settings, stored_settings
from gui.run.snapshot_pacer import SnapshotPacer
from gui.run.training_threads import end_threads, forget_finished
from gui.run.training_worker import ENDED_STATES, TrainingWorker, start_worker

ACTIVE_STATES = ("running", "paused")
SETTLE_MS = (40, 1500)  # quiet after an edit before the idle run follows it: small, large sets
LARGE_SET_EDITS = 2000  # images above which a set is "large" here
PENDING_SENTENCE = "The set's codes are still being computed: try again in a moment."


class RunController(QObject):
    """One GlyphSet's training run: what to train, how far it got, and the buttons' actions."""

    settings_changed = Signal(object)  # RunSettings
    state_changed = Signal(str)  # idle, running, paused, finished, stopped, failed
    snapshot_changed = Signal(object)  # the latest Snapshot (also after Reset or Load model)
    message_changed = Signal(str)  # a sentence for the status bar
    error_occurred = Signal(str)  # a sentence for the user: what went wrong, what to do
    run_ended = Signal(object)  # the final Snapshot of a run that finished, stopped or failed
    codes_pending_changed = Signal(bool)  # True while a big set's first codes are computed
    session_opened = Signal(str)  # the path of a session file once it is installed

    def __init__(
        self, glyph_set: GlyphSet, store: QSettings | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._glyphs = glyph_set
        self._store = store
        self._set_key = self._key_of(glyph_set)
        self._sized_for = len(glyph_set)  # the glyph count the preset fields were chosen for
        self._settings = stored_settings(store, glyph_set.name, self._sized_for)
        self._state = "idle"
        self._dataset: Dataset = glyph_set.dataset()
        self._shown_dataset = self._dataset  # the images of the snapshot shown
        self._codes_pending = False
        self._closed = False  # shut down: no more threads (a late timer must not start one)
        self._model: Autoencoder = self._settings.build_model(self._dataset.n_pixels)
        self._trainer: Trainer | None = None
        self._snapshot: Snapshot | None = None
        self._ended_models: dict[str, Autoencoder] = {}
        self._worker: TrainingWorker | None = None
        self._threads: dict[QThread, TrainingWorker] = {}  # alive until thread.finished
        self._pacer = SnapshotPacer(self._show_snapshot, self)
        self._data_stale = False
        self._opening = False  # open_session is replacing the glyph set
        self._reading: tuple[QThread, SessionReader] | None = None  # a big session being read
        self._data_timer = QTimer(self, singleShot=True)
        self._data_timer.timeout.connect(self._on_data_timeout)
        glyph_set.glyph_changed.connect(self._on_glyph_changed)
        glyph_set.glyphs_reset.connect(self._on_glyphs_reset)
        self._make_idle(new_model=False)

    # --- what views read ------------------------------------------------------------------------
    @property
    def settings(self) -> RunSettings:
        return self._settings

    @property
    def state(self) -> str:
        return self._state

    @property
    def snapshot(self) -> Snapshot | None:
        """The latest Snapshot; its `model` is a copy, safe to decode with in the GUI thread."""
        return self._snapshot

    @property
    def dataset(self) -> Dataset:
        """The images of the snapshot shown; rows match its latent codes. The current run trains
        on them, except while a new set's first codes are computed (`codes_pending`)."""
        return self._shown_dataset

    @property
    def n_inputs(self) -> int:
        """The pixels of the images the current run trains on (its model's input size)."""
        return self._dataset.n_pixels

    @property
    def codes_pending(self) -> bool:
        """True while a big set's idle snapshot is made in the worker thread."""
        return self._codes_pending

    @property
    def glyph_set(self) -> GlyphSet:
        return self._glyphs

    @property
    def is_active(self) -> bool:
        return self._state in ACTIVE_STATES

    def ended_models(self) -> dict[str, Autoencoder]:
        """The weights of the run that ended last (read in a `run_ended` slot, for the Runs tab):
        "best", which the model holds now, and "final", the last epoch's, when they differ."""
        return dict(self._ended_models)

    # --- settings -------------------------------------------------------------------------------
    def update_settings(self, **changes: object) -> bool:
        """Change settings by hand; returns False (and says why) if the values are not allowed.

        A preset field changed here is the person's choice (RunSettings.by_hand): a set of
        another size keeps it. While a run is active only the learning rate and beta reach the
        trainer; the rest apply to the next run. Otherwise a change to the architecture or the
        init seed builds new initial weights at once, so the plots always show the model Start
        would train.
        """
        return self._change(changes, by_hand=True)

    def restore_defaults(self) -> bool:
        """The kind's preset for the set's size in every preset field, hand edits forgotten."""
        new = with_kind_preset(self._settings, self._settings.kind, len(self._glyphs))
        changes = {name: getattr(new, name) for name in RunSettings.__dataclass_fields__}
        if not self._change(changes, by_hand=False):
            return False
        self.message_changed.emit(f"{self._preset_sentence()} restored.")
        return True

    def _change(self, changes: dict[str, object], by_hand: bool) -> bool:
        try:
            new = self._settings.replace(**changes)
            kind = "vae" if new.kind == "vae" else "ae"  # sizes bounded before a model is built
            where = f"{self._dataset.width}x{self._dataset.height} images"
            check_architecture(self._dataset.n_pixels, new.hidden, new.latent, kind, where)
            # The trainer tiles a float set's inputs, targets and a noisy copy of them; a byte
            # set's noisy copies are drawn batch by batch (engine.training).
            if new.kind == "dae" and self._dataset.pixels.dtype != np.uint8:
                values = new.noise_copies * len(self._dataset) * self._dataset.n_pixels
                copies = f"{new.noise_copies} noisy copies of {len(self._dataset)} {where}"
                check_memory(3 * 4 * values, copies)
        except (TypeError, ValueError) as error:
            self.error_occurred.emit(f"That setting cannot be used: {error}.")
            return False
        changed = {k for k in changes if getattr(new, k) != getattr(self._settings, k)}
        changed.discard("by_hand")  # bookkeeping, never a reason to rebuild or to say anything
        if by_hand:
            new = new.replace(by_hand=(*new.by_hand, *(changed & set(PRESET_FIELDS))))
        if not changed and new.by_hand == self._settings.by_hand:
            return True
        self._settings = new
        self._save_settings()
        self.settings_changed.emit(new)
        if self.is_active:
            if self._worker is not None and "lr" in changed:
                self._worker.set_lr(new.lr)
            if self._worker is not None and "beta" in changed:
                self._worker.set_beta(new.beta)
            if self._worker is not None and "pace" in changed:
                self._worker.set_pace(new.pace)
            if changed - set(LIVE_FIELDS):
                self.message_changed.emit("The new settings apply to the next run.")
        elif changed & set(ARCHITECTURE_FIELDS):
            self._make_idle(new_model=True)
        elif self._state == "idle" and changed - {"pace"}:  # the speed never changes a result
            self._make_idle(new_model=False)
        return True

    def change_kind(self, kind: str) -> bool:
        """Pick another model kind. While no run is active this also applies the kind's measured
        preset for the set's size (layers, activation, lr, epochs, batches, stop rules, noise,
        schedule), hand edits included: a DAE needs very different settings from an AE to
        denoise well, and nobody would guess them."""
        if self.is_active:
            return self._change({"kind": kind}, by_hand=False)
        try:
            new = with_kind_preset(self._settings, kind, len(self._glyphs))
        except (KeyError, TypeError, ValueError) as error:
            self.error_occurred.emit(f"That model kind cannot be used: {error}.")
            return False
        changes = {name: getattr(new, name) for name in RunSettings.__dataclass_fields__}
        if not self._change(changes, by_hand=False):
            return False
        self.message_changed.emit(f"{self._preset_sentence()}.")
        return True

    def _preset_sentence(self) -> str:
        s, n = self._settings, len(self._glyphs)
        batch = f"batches of {s.batch_size}" if s.batch_size else "full batch"
        return (
            f"{s.kind.upper()} preset for {n} glyphs: hidden layers "
            f"{','.join(map(str, s.hidden))}, {s.activation}, learning rate {s.lr:g}, "
            f"{s.epochs:,} epochs, {batch}"
        )

    # --- run commands ---------------------------------------------------------------------------
    def start(self) -> None:
        """Train until a stop rule. A paused run resumes; an ended run starts again from the
        initial weights (same init seed), so pressing Start twice gives the same run twice. The
        ended run's weights stay in the Runs tab (gui.views.run_history), which can load them."""
        if self._state == "paused":
            self.resume()
        elif self._state != "running":
            ended = self._state in ENDED_STATES
            self._launch(None)
            if ended:
                self.message_changed.emit(
                    "A new run from the initial weights; the last run's weights are kept in "
                    "the Runs tab (Load weights). Step trains on from the weights shown."
                )

    def step(self, epochs: int) -> None:
        """Train exactly `epochs` more epochs, then pause. After the run ended this goes on from
        the weights it shows (its best) and its epoch count: its stop rules were met already
        and would end it again at once, so they no longer apply to Steps (Start obeys them)."""
        if self._state == "paused" and self._worker is not None:
            self._set_state("running")
            self._worker.step(epochs)
        elif self._state in ENDED_STATES and self._trainer is not None:
            if self._data_stale:  # the trained weights on the glyphs as they are now
                self._make_idle(new_model=False)
            else:
                self._trainer.state = "paused"  # the ended run is taken up again
            self._launch(epochs, past_end=True)
        elif self._state != "running":
            self._launch(epochs)

    def pause(self) -> None:
        if self._state == "running" and self._worker is not None:
            self._worker.pause()

    def resume(self) -> None:
        if self._state == "paused" and self._worker is not None:
            self._set_state("running")
            self._worker.resume()
        elif self._state == "paused":  # a paused run from a session file: no worker yet
            self._launch(None)

    def toggle_pause(self) -> None:
        if self._state == "running":
            self.pause()
        else:
            self.resume()

    def stop(self) -> None:
        """End the run; the model keeps the best weights seen."""
        if self.is_active and self._worker is None:  # paused, from a session file
            self._launch(0)
        if self.is_active and self._worker is not None:
            self._worker.stop()

    def reset(self) -> None:
        """Forget the run: new initial weights from the init seed, on the set as it is now."""
        self._make_idle(new_model=True)
        self.message_changed.emit("Reset: the model has its initial weights again.")

    # --- model files ----------------------------------------------------------------------------
    def save_model(self, path: str) -> bool:
        """Write the latest snapshot's model (best weights once a run has ended)."""
        snapshot = self._snapshot
        if snapshot is None:
            self.error_occurred.emit("There is no model to save yet.")
            return False
        if self._codes_pending:
            self.error_occurred.emit(PENDING_SENTENCE)
            return False
        metadata = model_metadata(snapshot, self._dataset, self._settings, self._state)
        try:
            save_model(path, snapshot.model, metadata)
        except (OSError, ValueError) as error:
            self.error_occurred.emit(f"Could not save the model to {path}: {error}.")
            return False
        self.message_changed.emit(f"Saved the model (epoch {snapshot.epoch}) to {path}.")
        return True

    def load_model(self, path: str) -> bool:
        """Load weights and architecture; the settings follow the file, the run starts over."""
        try:
            model, meta = load_model(path)
        except ModelFileError as error:
            self.error_occurred.emit(f"Could not load the model: {error}.")
            return False
        return self.load_weights(model, meta, path)

    @Slot(object, dict, str)
    def load_weights(self, model: Autoencoder, meta: dict, source: str) -> bool:
        """Install `model` from `source` (a file, or a run kept in the Runs tab) with the settings
        its metadata holds; the run starts over from these weights."""
        misfit = model_misfit(model, self._dataset, source)
        size, data = image_size(meta), self._dataset
        if misfit is None and size not in (None, (data.width, data.height)):
            misfit = (
                f"The model in {source} takes {size[0]}x{size[1]} images, "
                f"but the set is {data.width}x{data.height}."
            )
        if misfit is not None:
            self.error_occurred.emit(misfit)
            return False
        self._settings = settings_of_model(model, meta, self._settings)
        self._save_settings()
        self.settings_changed.emit(self._settings)
        self._cancel_run()
        self._model = model.copy()  # training must never change the caller's model
        self._make_idle(new_model=False)
        note = other_images_note(meta, self._dataset)
        self.message_changed.emit(f"Loaded the model from {source}.{note}")
        return True

    # --- session files ---------------------------------------------------------------------------
    def frozen_session(self) -> FrozenSession | None:
        """The whole session as it is now (data set, settings, trainer: weights, optimizer,
        history, random states), frozen to be written on any thread. None, with a sentence on
        error_occurred, while an epoch is being trained (a running run must pause first)."""
        if self._state == "running":
            self.error_occurred.emit(
                "The session cannot be saved while training runs: pause the run (Space) first."
            )
            return None
        if self._trainer is None:
            self.error_occurred.emit("There is no run to save yet.")
            return None
        if self._codes_pending:  # the worker thread is scoring this trainer's images
            self.error_occurred.emit(PENDING_SENTENCE)
            return None
        # The glyphs changed since this run began: keep both.
        edited = self._glyphs.dataset() if self._data_stale else None
        extra = session_extra(self._settings)
        return freeze_session(Session(self._dataset, self._trainer, extra, edited))

    def within_epoch_note(self) -> str:
        """'' between epochs, else ' + k of n batches': how far into the epoch in progress a
        session saved now is (it keeps the epoch's order and position, and resumes there)."""
        within = None if self._trainer is None else self._trainer.within_epoch
        return "" if within is None else f" + {within[0]:,} of {within[1]:,} batches"

    def save_session(self, path: str, quiet: bool = False) -> bool:
        """Write the whole session (`frozen_session`) to `path` in this thread."""
        frozen = self.frozen_session()
        if frozen is None:
            return False
        try:
            write_session(path, frozen)
        except (OSError, ValueError, TypeError) as error:
            self.error_occurred.emit(f"Could not save the session to {path}: {error}.")
            return False
        if not quiet:
            epoch = f"{frozen.meta['run']['epoch']}{self.within_epoch_note()}"
            self.message_changed.emit(f"Saved the session (epoch {epoch}) to {path}.")
        return True

    def open_session(self, path: str) -> bool:
        """Replace the data set, settings and run with a saved session's; training continues
        exactly where it stopped. A damaged file changes nothing and says why.

        A session of more than LARGE_SET_EDITS images is read and checked in a worker thread
        (gui.run.session_reader: 0.7 s at 60,000 images and their edited copy) and installed
        when it comes; its run's first evaluation and codes are then made in the run's worker
        thread (`codes_pending`), as for a newly opened set: the views keep the last snapshot
        until they come, and Resume, Step or Stop queue behind. A small session is installed
        before this returns. True if opened or being read; `session_opened` says when it is.
        """
        if self._state == "running":
            self.error_occurred.emit(
                "A session cannot be opened while training runs: pause or stop the run first."
            )
            return False
        if self._reading is not None:
            self.error_occurred.emit(
                f"The session {self._reading[1].path} is still being opened: try again in a moment."
            )
            return False
        if session_images(path) > LARGE_SET_EDITS and not self._closed:
            self._reading = start_reader(path, self._on_session_read, self._on_reader_finished)
            self.message_changed.emit(f"Opening the session {path}…")
            return True
        try:
            session, edited, settings = read_session(path, evaluate=False)
        except (SessionFileError, DatasetError) as error:
            self.error_occurred.emit(read_error(path, error))
            return False
        self._install_session(path, session, edited, settings)
        return True

    @Slot(str, object, str)
    def _on_session_read(self, path: str, read: tuple | None, error: str) -> None:
        if self._closed:
            return
        if read is None:
            self.error_occurred.emit(error)
        elif self._state == "running":
            self.error_occurred.emit(
                f"The session {path} was not opened: a run was started while it was read."
            )
        else:
            self._install_session(path, *read)

    @Slot()
    def _on_reader_finished(self) -> None:
        if self._reading is not None:
            self._reading[0].wait()  # its last clean-up done: the references may go
            self._reading = None

    def _install_session(
        self, path: str, session: Session, edited: Dataset, settings: RunSettings
    ) -> None:
        """Make a session read from `path` the window's set, settings and run."""
        trainer = session.trainer
        big = len(session.dataset) > LARGE_SET_EDITS and not self._closed
        if not big:  # a small set's first evaluation takes milliseconds: here, as before
            trainer.restored()
        self._cancel_run()
        # The views follow the new set; this controller ignores the reset and installs the run.
        # No path: the session's glyphs may differ from any file, so Save set asks where to.
        self._opening = True
        try:
            self._glyphs.set_dataset(edited, None)
        finally:
            self._opening = False
        self._set_key = self._key_of(self._glyphs)
        self._sized_for = len(self._glyphs)  # the session's settings stay as they were saved
        self._settings = settings
        self._save_settings()
        self.settings_changed.emit(self._settings)
        self._dataset = session.dataset
        self._data_stale = edited is not session.dataset
        self._model = trainer.model
        self._trainer = trainer
        state = "paused" if trainer.state == "running" else trainer.state
        trainer.state = state
        self._set_state(state)
        if big:  # the first evaluation and codes in the worker thread
            self._start_worker().first_snapshot(prepare=trainer.restored)
            self._set_codes_pending(True)
        else:
            self._pacer.publish(trainer.snapshot())
        epoch = f"{trainer.epoch}{self.within_epoch_note()}"
        self.message_changed.emit(f"Opened the session {path} (epoch {epoch}, {state}).")
        self.session_opened.emit(path)

    # --- closing --------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """End every training thread and wait for them; True if all ended in time.

        A running run pauses after its current batch rather than stopping: stopping would
        score its best weights (and encode every image) before the thread could end, seconds at
        60,000 images, while the paused trainer already holds them (`best_params`) for the
        autosave, which then resumes exactly. Once this returns True the trainer is still and
        `state` says how it was left (paused, idle or ended); no run starts any more.
        """
        self._closed = True
        self._data_timer.stop()
        if self._reading is not None:  # a session being read: the read is bounded (~1 s)
            self._reading[0].quit()  # its `done` -> quit is queued to this thread: quit here
            self._reading[0].wait()
            self._reading = None
        running = self._state == "running"
        self._cancel_run(keep=False)  # the autosaved session keeps the unfinished run
        ended = end_threads(self._threads, timeout_ms)
        if ended and running and self._trainer is not None:
            self._set_state(self._trainer.state)  # paused (or ended by its last batch)
        return ended

    # --- internals: runs ------------------------------------------------------------------------
    def _launch(self, epochs: int | None, past_end: bool = False) -> None:
        """Start a worker on the trainer; a new run unless `past_end` (a Step after an end)."""
        if self._closed:  # shut down: a late click must not start a thread
            return
        if not past_end and (self._state in ENDED_STATES or self._data_stale):
            self._make_idle(new_model=True)
        if self._trainer is None:
            return
        self._ended_models = {}
        worker = self._worker  # a big set's idle worker, making the first snapshot
        if worker is None:
            worker = self._start_worker()
        worker.past_end = past_end
        self._set_state("running")
        worker.start(epochs)

    def _start_worker(self) -> TrainingWorker:
        """A worker thread for the current trainer, connected to this controller."""
        worker, thread = start_worker(self._trainer, self._connect_worker)
        self._threads[thread] = worker
        thread.finished.connect(self._on_thread_finished)
        self._worker = worker
        worker.set_pace(self._settings.pace)
        return worker

    def _worker_connections(self, worker: TrainingWorker) -> tuple:
        return (
            (worker.snapshot_ready, self._on_snapshot_ready),
            (worker.state_changed, self._on_worker_state_changed),
            (worker.failed, self._on_worker_failed),
            (worker.finished, self._on_worker_finished),
        )

    def _connect_worker(self, worker: TrainingWorker) -> None:
        for signal, slot in self._worker_connections(worker):
            signal.connect(slot)

    def _cancel_run(self, keep: bool = True) -> None:
        """Detach the current worker (its late signals are dropped) and let its thread end. A
        run that trained and had not ended (Reset, a new set or model while it runs or pauses)
        ends as "stopped" at the snapshot shown, so the Runs tab keeps it (`keep`)."""
        shown = None if self._codes_pending else self._snapshot  # else the last set's
        if keep and self.is_active and shown is not None and shown.epoch > 0:
            self._keep_cancelled_run(shown)
        worker, self._worker = self._worker, None
        self._set_codes_pending(False)  # a first snapshot not shown yet never will be
        if worker is None:
            return
        for signal, slot in self._worker_connections(worker):
            signal.disconnect(slot)
        worker.cancel()  # pauses after its batch: nothing is scored for a run let go of
        for thread, owner in self._threads.items():
            if owner is worker:
                thread.quit()
        self._pacer.drop()

    def _keep_cancelled_run(self, shown: Snapshot) -> None:
        """Emit `run_ended` for a run about to be cancelled: the weights shown as "final" and,
        when no thread is training it (paused), the best ones too."""
        self._ended_models = {"final": shown.model}
        trainer = self._trainer
        if self._state == "paused" and trainer is not None:
            best = shown.model.copy()
            best.params[...] = trainer.best_params
            self._ended_models["best"] = best
        message = f"Ended by the user at epoch {shown.epoch} (not finished)."
        self.run_ended.emit(dataclasses.replace(shown, state="stopped", message=message))

    def _make_idle(self, new_model: bool) -> None:
        """A fresh, not yet started trainer on the set as it is now, and its snapshot."""
        self._cancel_run()
        self._dataset = self._glyphs.dataset()
        self._data_stale = False
        if new_model or self._model.n_inputs != self._dataset.n_pixels:
            self._model = self._settings.build_model(self._dataset.n_pixels)
        # The pixels as the set keeps them: uint8 sets (MNIST) stay bytes, made floats per batch,
        # never the 188 MB of float32 that 60,000 images would take.
        self._trainer = Trainer(self._model, self._dataset.pixels, self._settings.train_config())
        self._trainer.set_beta(self._settings.beta)
        if self._trainer.notice:  # a full batch too big for memory: minibatches, said once
            self.message_changed.emit(self._trainer.notice)
        self._set_state("idle")
        if len(self._dataset) > LARGE_SET_EDITS and not self._closed:  # not in the GUI thread
            self._start_worker().first_snapshot()
            self._set_codes_pending(True)
        else:
            self._pacer.publish(self._trainer.snapshot())

    def _set_codes_pending(self, pending: bool) -> None:
        if pending != self._codes_pending:
            self._codes_pending = pending
            self.codes_pending_changed.emit(pending)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """The pacer's output: the snapshot every view shows from now on."""
        self._snapshot, self._shown_dataset = snapshot, self._dataset
        self._set_codes_pending(False)
        self.snapshot_changed.emit(snapshot)

    def _is_current(self) -> bool:
        """True when the signal being handled comes from the current run's worker."""
        return self._worker is not None and self.sender() is self._worker

    @Slot(object)
    def _on_snapshot_ready(self, snapshot: Snapshot) -> None:
        if self._is_current():
            if self._codes_pending:  # the set's first codes: shown at once
                self._pacer.publish(snapshot)
            else:
                self._pacer.offer(snapshot)

    @Slot(str)
    def _on_worker_state_changed(self, state: str) -> None:
        if not self._is_current() or state in ENDED_STATES:
            return  # ends arrive with the final snapshot in _on_worker_finished
        self._pacer.flush()  # "paused" must show the epoch it paused at
        self._set_state(state)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        if self._is_current():
            self._set_codes_pending(False)
            self.error_occurred.emit(message)

    @Slot(object)
    def _on_worker_finished(self, final: Snapshot | None) -> None:
        if not self._is_current():
            return
        self._worker = None
        if final is None:
            self._set_state("failed")
            if self._snapshot is not None:
                self.run_ended.emit(dataclasses.replace(self._snapshot, state="failed"))
            return
        self._pacer.publish(final)
        self._set_state(final.state)
        self._ended_models = {"best": final.model}
        last = self._trainer.final_params if self._trainer is not None else None
        if last is not None and not np.array_equal(last, final.model.params):
            self._ended_models["final"] = final.model.copy()
            self._ended_models["final"].params[...] = last
        self.run_ended.emit(final)
        if final.message:
            self.message_changed.emit(final.message)

    @Slot()
    def _on_thread_finished(self) -> None:
        """Drop the references to every thread that has ended. (sender() is None for a queued
        QThread.finished in PySide6 6.11, so the thread is not known by name here.)"""
        forget_finished(self._threads)

    # --- internals: data and stored settings ----------------------------------------------------
    @Slot(int)
    def _on_glyph_changed(self, _index: int) -> None:
        self._on_data_edited()

    @Slot()
    def _on_glyphs_reset(self) -> None:
        if self._opening:
            return  # open_session installs the session's run itself
        key = self._key_of(self._glyphs)
        if key == self._set_key:
            self._follow_size()
            self._on_data_edited()
            return
        self._set_key = key  # another set: its own stored settings, a new model
        self._sized_for = len(self._glyphs)
        self._settings = stored_settings(self._store, self._glyphs.name, self._sized_for)
        self._make_idle(new_model=True)
        self.settings_changed.emit(self._settings)  # after: views read the new set's size

    def _follow_size(self) -> None:
        """Glyphs were added or removed: the preset fields not set by hand follow the new count
        (a VAE's layers and batches depend on it), as `main.py train` would choose them."""
        n = len(self._glyphs)
        if n == self._sized_for:
            return
        self._sized_for = n
        new = sized_settings(self._settings, n)
        changes = {
            k: getattr(new, k)
            for k in PRESET_FIELDS
            if getattr(new, k) != getattr(self._settings, k)
        }
        if changes and self._change(changes, by_hand=False):
            self.message_changed.emit(f"{self._preset_sentence()}.")

    def _on_data_edited(self) -> None:
        if self._state == "idle":
            # Rebuild once the burst of pixel edits settles. The idle snapshot of 60,000 images
            # takes ~1 s of the GUI thread: a large set waits for a longer pause in the drawing.
            large = len(self._glyphs) > LARGE_SET_EDITS
            self._data_timer.start(SETTLE_MS[1] if large else SETTLE_MS[0])
        elif not self._data_stale:
            self._data_stale = True
            self.message_changed.emit(
                "The glyphs changed since this run began; the next Start or Reset trains on them."
            )

    @Slot()
    def _on_data_timeout(self) -> None:
        if self._state == "idle":
            self._make_idle(new_model=False)

    @staticmethod
    def _key_of(glyphs: GlyphSet) -> tuple[str, int, int]:
        return glyphs.name, glyphs.width, glyphs.height

    def _save_settings(self) -> None:
        store_settings(self._store, self._glyphs.name, self._settings)

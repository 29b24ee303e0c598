"""The training loop: never prints, never imports Qt, reports frozen snapshots through a callback.

A `Trainer` owns one run: its optimizer, random streams, history, best weights and run state
(idle -> running -> paused -> finished | stopped | failed). `run()` trains until a stop rule, a
pause or a cancel request, and may be called again to continue exactly where it left off. Another
thread may call `request_pause`, `request_stop`, `set_lr` and `set_beta`; the loop reads the flags
after every batch: a pause within an epoch keeps the epoch's batch order and how far it got
(`EpochPass`), so that the resumed run trains the rest of it as if it had never paused.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.blas import blas_threads_for
from engine.data.dataset import DatasetError, unit_floats
from engine.data.split import SPLIT_ABOVE, held_out_rows
from engine.held_out import TEST_SHARE, HeldOut
from engine.history import History
from engine.live_codes import LiveCodes
from engine.metrics import (
    EVAL_ROWS,
    CodesHook,
    Evaluation,
    StepScorer,
    evaluate,
    evaluate_bytes,
)
from engine.models import Autoencoder
from engine.nn.optimizers import make_optimizer
from engine.train_config import TrainConfig

RUN_STATES = ("idle", "running", "paused", "finished", "stopped", "failed")
COSINE_FLOOR = 0.05  # the cosine schedule ends at this fraction of the base learning rate
# "warmup-cosine" rises linearly to the base rate over this fraction of the epochs, then decays
# as "cosine" does over the rest: Adam's first steps, on moments estimated from a few noisy
# gradients, cannot then throw a high rate's network off (the DAE preset trains at twice the
# rate it could start at).
WARMUP_FRACTION = 0.05
WEIGHT_CHECK_EVERY = 32  # epochs between scans of the weights for divergence (see _divergence)
# Each random stream is drawn from (seed, purpose), so equal seeds still give independent streams.
BATCH_STREAM, NOISE_STREAM = 1, 2
# Minibatch runs on more training images than this make timed snapshots within epochs from the
# codes their batches computed (engine.live_codes): their epochs outlast a snapshot's interval
# and a whole encoding per snapshot would cost more than training. Sets up to the window's old
# limit (the fonts, the emoji, the 1797 digits) keep whole-set snapshots between epochs.
LIVE_ABOVE = 2000


@dataclass(eq=False)
class EpochPass:
    """An epoch in progress: a pause within it keeps this, so Resume trains the rest of the epoch
    on the same inputs in the same order, and the run ends with the weights of one that never
    paused (the optimizer's state, the random streams and the schedule stay in the Trainer)."""

    order: np.ndarray | None  # (rows,) the epoch's rows in batch order; None: one full batch
    size: int  # rows per batch
    rows: int  # rows in the epoch (copies x images for noisy copies)
    # A float run's inputs and targets (rows, d), the noisy copies drawn at the epoch's start
    # among them; None for uint8 images, whose batches are made when drawn.
    inputs: np.ndarray | None = None
    targets: np.ndarray | None = None
    done: int = 0  # rows of `order` trained on so far
    # The noise stream's state when a float run's noisy copies were drawn (the epoch's start):
    # a session saved within the epoch draws them again from it (`Trainer.resume_epoch`).
    noise_state: dict | None = None

    @property
    def batches(self) -> tuple[int, int]:
        """(batches trained, batches in the epoch)."""
        return -(-self.done // self.size), -(-self.rows // self.size)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A frozen view of a run: safe to read in another thread while training goes on."""

    epoch: int
    steps: int
    state: str
    evaluation: Evaluation
    # (n, latent) codes of the clean inputs (mu for a VAE); within a big minibatch run, each
    # image's code from the step or evaluation that last encoded it (engine.live_codes)
    latent: np.ndarray
    logvar: np.ndarray | None  # (n, latent) for a VAE
    model: Autoencoder  # a copy: decoding with it never races the worker
    history: dict[str, np.ndarray]  # per evaluation: epoch, loss, recon, kl, mse, max_wrong, ...
    best_epoch: int
    elapsed: float  # seconds of training in all runs so far
    steps_per_second: float
    lr: float
    message: str = ""
    # The test set's score: of the weights the run keeps once it ended, else of the latest
    # weights it was scored on (see `history["test_loss"]`); None without a test set.
    test_evaluation: Evaluation | None = None
    # (n,) bool over the rows of `latent`: the held-out images, when the Trainer split its
    # images itself (TrainConfig.test_fraction); None otherwise.
    test_rows: np.ndarray | None = None
    # (batches trained, batches an epoch) of the epoch in progress, made within it (or paused
    # within it); None between epochs.
    batch: tuple[int, int] | None = None


class SnapshotCancelled(Exception):
    """`Trainer.snapshot` given up between two blocks of images: its caller let the run go."""


def _cancellable(hook: CodesHook | None, cancelled: Callable[[], bool]) -> CodesHook:
    """`hook` (or nothing), then SnapshotCancelled once `cancelled()` is true: between blocks."""

    def checked(lo: int, codes: np.ndarray, logvar: np.ndarray | None) -> None:
        if hook is not None:
            hook(lo, codes, logvar)
        if cancelled():
            raise SnapshotCancelled

    return checked


class _PausedInEvaluation(Exception):
    """A pause request came while a live run scored its training images: the evaluation is
    dropped (the loop makes it again on Resume) rather than finished (~1 s at 60,000)."""


def schedule_factor(schedule: str, epoch: int, epochs: int) -> float:
    """The fraction of the base learning rate that `schedule` gives after `epoch` of `epochs`.

    "cosine" falls from 1 to COSINE_FLOOR at the epoch limit; "warmup-cosine" first rises
    linearly, (epoch + 1) / w for the first w = WARMUP_FRACTION of the epochs (so the first step
    already moves), then falls as "cosine" does over the remaining epochs. Past the limit (a run
    trained on by hand) both stay at the floor.
    """
    if schedule == "constant" or epochs == 0:
        return 1.0
    if schedule == "warmup-cosine":
        warmup = max(1, round(WARMUP_FRACTION * epochs))
        if epoch < warmup:
            return (epoch + 1) / warmup
        epoch, epochs = epoch - warmup, max(epochs - warmup, 1)
    progress = min(epoch / epochs, 1.0)
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return COSINE_FLOOR + (1.0 - COSINE_FLOOR) * cosine


class Trainer:
    """Trains `model` to reconstruct `targets` (default: `images`) from `images`.

    uint8 images without separate targets stay bytes (255 is 1.0; 60,000 MNIST images are 47 MB
    against 188 as float32): each batch is made floats when it is drawn, and evaluations score
    the set a block of images at a time.

    `test_images` (uint8 or floats, like `images`) are never trained on: every evaluation scores
    them too, within `test_share` of the time (None: always; engine.held_out), into the history's
    test columns. Without them, a `config.test_fraction` holds out that seeded fraction of
    `images` instead; the snapshots' codes then still cover every image, in their order.
    """

    def __init__(
        self,
        model: Autoencoder,
        images: np.ndarray,
        config: TrainConfig | None = None,
        targets: np.ndarray | None = None,
        test_images: np.ndarray | None = None,
        test_share: float | None = TEST_SHARE,
    ) -> None:
        self.model = model
        self.config = config or TrainConfig()
        n_given = len(images)
        self._code_images: np.ndarray | None = None  # every image given, when split here
        self.test_rows: np.ndarray | None = None  # (n_given,) bool
        unsplit = ""  # why a test fraction could not be held out (a set of one or two images)
        if test_images is None and self.config.test_fraction > 0:
            cfg = self.config
            try:
                self.test_rows = held_out_rows(n_given, cfg.test_fraction, cfg.split_seed)
            except DatasetError:
                unsplit = (
                    f" No test set: holding out {cfg.test_fraction:.0%} of {n_given} "
                    f"image{'s' * (n_given != 1)} would "
                    "leave none to train on."
                )
        if self.test_rows is not None:
            self._code_images = images
            keep = ~self.test_rows
            images, test_images = images[keep], images[self.test_rows]
            targets = None if targets is None else targets[keep]
        self._bytes = targets is None and np.asarray(images).dtype == np.uint8
        dtype = np.uint8 if self._bytes else model.dtype
        self.images = np.ascontiguousarray(images, dtype=dtype)  # (n, d)
        self.targets = (
            self.images if targets is None else np.ascontiguousarray(targets, dtype=model.dtype)
        )
        if self.images.ndim != 2 or self.images.shape[1] != model.n_inputs:
            raise ValueError(
                f"the model takes images of {model.n_inputs} pixels, got an array of shape "
                f"{self.images.shape}"
            )
        if len(self.images) == 0:
            raise ValueError("there are no images to train on")
        self.held_out = (
            None if test_images is None else HeldOut(test_images, model.dtype, test_share)
        )
        if self.held_out is not None and self.held_out.images.shape[1] != model.n_inputs:
            raise ValueError(
                f"the model takes images of {model.n_inputs} pixels, got test images of shape "
                f"{self.held_out.images.shape}"
            )
        copies = self.config.noise_copies if self.config.noise is not None else 1
        # A full batch that would not fit in memory falls back to minibatches; `notice` says so.
        batch, self.notice = limits.fit_batch(
            self.config.batch_size,
            copies * len(self.images),
            model.layer_sizes,
            model.dtype.itemsize,
        )
        self.notice = (self.notice + unsplit).strip()
        if batch != self.config.batch_size:
            self.config = dataclasses.replace(self.config, batch_size=batch)
        copies = 1 if self._bytes else copies  # bytes: the copies are drawn batch by batch
        self._tiled_images = np.tile(self.images, (copies, 1)) if copies > 1 else self.images
        self._tiled_targets = np.tile(self.targets, (copies, 1)) if copies > 1 else self.targets
        self._noise = self.config.training_noise  # the level the training copies are drawn at
        self.optimizer = make_optimizer(
            self.config.optimizer, model.params.size, self.config.lr, model.dtype
        )
        self.batch_rng = np.random.default_rng([self.config.batch_seed, BATCH_STREAM])
        self.noise_rng = np.random.default_rng([self.config.noise_seed, NOISE_STREAM])
        self.base_lr = self.config.lr
        self.epoch = 0
        self.optimizer.lr = self._scheduled_lr()  # a warm-up starts below the base rate
        self.steps = 0
        self.elapsed = 0.0
        self.state = "idle"
        self.message = ""
        self.history = History()
        self.last_evaluation: Evaluation | None = None
        self.last_test_evaluation: Evaluation | None = None
        self.best_params = model.params.copy()
        self.best_key: tuple[float, float] = (math.inf, math.inf)
        # A glyph set is learnt whole, so its worst glyph decides which weights are best; in a
        # sample of something larger (MNIST) one odd image must not: there the loss decides.
        self._worst_first = n_given <= SPLIT_ABOVE
        self.best_epoch = 0
        self.plateau_loss, self.plateau_epoch = math.inf, 0  # the loss to beat, and since when
        self._first_loss = math.inf  # the loss of the first evaluation, and the lowest since
        self._lowest_loss = math.inf
        # The weights of the last epoch, kept when an end puts the best ones back (None before).
        self.final_params: np.ndarray | None = None
        self._evaluated_epoch = -1
        # Scores each training step's own output when that output is an evaluation (see below).
        self._scorer = StepScorer(self.targets) if self._full_batch_is_evaluation() else None
        self._pause_requested = False
        self._stop_requested = False
        # Snapshots within epochs (a big minibatch run with snapshot_seconds): each image's
        # latest code, and the run's callback and clocks while run() goes on.
        self._live: LiveCodes | None = None
        self._live_run: tuple[Callable[[Snapshot], None], float, float, float, int] | None = None
        self._live_due = math.inf  # perf_counter time of the next snapshot within an epoch
        # The last whole encoding, (params key, latent, logvar): a run starts its live codes
        # from it when the weights are still those (`_live_key`).
        self._exact: tuple[tuple[int, float], np.ndarray, np.ndarray | None] | None = None
        # The epoch in progress (None between epochs): a pause within it keeps it for Resume.
        self._pass: EpochPass | None = None
        # A live run paused within an epoch: its codes, (params key, LiveCodes), that the run
        # showed and goes on from when resumed (a whole encoding at every pause would cost a
        # third of an epoch at 60,000 images).
        self._paused_live: tuple[tuple[int, float], LiveCodes] | None = None

    # --- controls (may be called from another thread) ------------------------------------------
    def request_pause(self) -> None:
        self._pause_requested = True

    def request_stop(self) -> None:
        self._stop_requested = True

    @property
    def within_epoch(self) -> tuple[int, int] | None:
        """(batches trained, batches an epoch) of the epoch in progress; None between epochs."""
        return None if self._pass is None else self._pass.batches

    @property
    def epoch_pass(self) -> EpochPass | None:
        """The epoch in progress (None between epochs): a session saved now keeps it."""
        return self._pass

    def resume_epoch(self, order: np.ndarray, done: int, noise_state: dict | None) -> None:
        """Take up an epoch in progress that a session saved: its batch order (rows,) and the
        rows trained on. A float run's noisy copies are drawn again from `noise_state`, the
        noise stream's state at the epoch's start (the stream itself stays where it is), so the
        rest of the epoch trains as in the run that was saved. ValueError if they do not fit."""
        cfg = self.config
        rows = len(self.images) * (cfg.noise_copies if cfg.noise is not None else 1)
        size = rows if cfg.batch_size <= 0 else min(cfg.batch_size, rows)
        if order.shape != (rows,) or order.dtype.kind not in "iu" or size == rows:
            raise ValueError(f"the epoch's order is {order.shape} {order.dtype}, not {rows} rows")
        if not (0 < done < rows and done % size == 0):
            raise ValueError(f"{done} rows trained is not a whole number of batches of {size}")
        if not np.array_equal(np.sort(order), np.arange(rows)):
            raise ValueError("the epoch's order is not an order of its rows")
        inputs = targets = None
        if not self._bytes and cfg.noise is None:
            inputs, targets = self.images, self.targets
        elif not self._bytes:
            now = self.noise_rng.bit_generator.state
            self.noise_rng.bit_generator.state = noise_state  # raises on a damaged state
            inputs = self._noise.apply(self._tiled_images, self.noise_rng)  # (copies n, d)
            targets, self.noise_rng.bit_generator.state = self._tiled_targets, now
        self._pass = EpochPass(order, size, rows, inputs, targets, done, noise_state)

    def set_lr(self, lr: float) -> None:
        """Change the base learning rate from the next step on (a schedule scales it; its factor
        changes between epochs)."""
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"the learning rate must be a positive number, got {lr}")
        self.base_lr = float(lr)
        self.optimizer.lr = self._scheduled_lr()

    def set_beta(self, beta: float) -> None:
        """Change the VAE's KL weight; takes effect at the next step."""
        if not (math.isfinite(beta) and beta >= 0):
            raise ValueError(f"beta must be a number >= 0, got {beta}")
        if hasattr(self.model, "beta"):
            self.model.beta = float(beta)

    def restored(self) -> None:
        """Call after setting a saved run's counters and history: evaluates the current weights
        without logging the current epoch a second time when the history already holds it."""
        self.last_evaluation = self._evaluate()
        if self.held_out is not None:
            self.last_test_evaluation = self.held_out.score(self.model)
        logged = self.history.arrays()
        epochs = logged["epoch"]
        if len(epochs) and int(epochs[-1]) == self.epoch:
            self._evaluated_epoch = self.epoch
        if len(epochs):
            self._first_loss, self._lowest_loss = (
                float(logged["loss"][0]),
                float(logged["loss"].min()),
            )

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    def _scheduled_lr(self) -> float:
        """The rate of the next epoch's steps: the base rate scaled by the schedule."""
        schedule, epochs = self.config.lr_schedule, self.config.epochs
        return self.base_lr * schedule_factor(schedule, self.epoch, epochs)

    # --- the loop -------------------------------------------------------------------------------
    def run(
        self,
        epochs: int | None = None,
        on_snapshot: Callable[[Snapshot], None] | None = None,
        snapshot_every: int = 0,
        snapshot_seconds: float = 0.0,
        stop_rules: bool = True,
    ) -> Snapshot:
        """Train until a stop rule, `epochs` more epochs (then 'paused'), a pause or a stop request.

        `on_snapshot` receives a Snapshot every `snapshot_every` epochs and/or every
        `snapshot_seconds`, and always once at the end. A minibatch run on more than LIVE_ABOVE
        images makes its timed snapshots within epochs and evaluations instead, light ones: the
        codes its batches and evaluations computed, and the latest evaluation as it is
        (`_light_snapshot`). Returns the final snapshot. When the run
        finishes or is stopped the model keeps the best weights seen (fewest wrong pixels at
        worst, then lowest loss; above SPLIT_ABOVE images lowest loss first); when it fails,
        the best finite weights. `stop_rules=False` ignores the epoch limit and the stop rules:
        an ended run trains on from the weights it ended with (they met those rules already and
        would end it again at once).
        """
        # Overflow on the way to a diverging loss is detected and reported; no warnings.
        with (
            np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"),
            blas_threads_for(self.model.params.size),
        ):
            return self._run(epochs, on_snapshot, snapshot_every, snapshot_seconds, stop_rules)

    def _run(
        self,
        epochs: int | None,
        on_snapshot: Callable[[Snapshot], None] | None,
        snapshot_every: int,
        snapshot_seconds: float,
        stop_rules: bool,
    ) -> Snapshot:
        cfg = self.config
        self._pause_requested = False
        self.state = "running"
        self.message = ""
        goal = None if epochs is None else self.epoch + epochs
        scorer = self._scorer
        fast = scorer is not None
        start = time.perf_counter()
        elapsed_before, steps_before = self.elapsed, self.steps
        last_snap_time, last_snap_epoch = start, self.epoch
        live = on_snapshot is not None and snapshot_seconds > 0 and self._live_worthwhile()
        self._live = self._start_live() if live else None
        if live:
            self._live_run = (on_snapshot, snapshot_seconds, start, elapsed_before, steps_before)
            self._live_due = start + snapshot_seconds
        while True:
            if self._stop_requested:
                self._stop_requested = False
                self._end("stopped", f"Stopped by the user at epoch {self.epoch}.")
                break
            if self._pause_requested or (goal is not None and self.epoch >= goal):
                # Within an epoch its first evaluation stands; a live run's Pause shows what it
                # has at once (Resume evaluates when due); the end of Steps is scored.
                if self._pass is None and not (live and self._pause_requested):
                    self._evaluate_if_needed(last=True)
                self.state = "paused"
                break
            due = self.epoch % cfg.eval_every == 0 and self._evaluated_epoch != self.epoch
            last = stop_rules and self.epoch >= cfg.epochs  # the test set is scored at the end
            if fast:
                parts, output = self.model.loss_and_grad(self.images, self.targets)
                if not math.isfinite(parts.total):
                    self._fail()
                    break
                if due and self._record(scorer(parts.total, output), stop_rules, last):
                    break
            elif due:
                try:
                    ev = self._evaluate(pausable=live)
                except _PausedInEvaluation:
                    self.state = "paused"
                    break
                if self._record(ev, stop_rules, last):
                    break
            if stop_rules and self.epoch >= cfg.epochs:
                self._evaluate_if_needed(last=True)
                self._end("finished", f"Reached the epoch limit ({cfg.epochs}).")
                break
            if fast:
                self.optimizer.step(self.model.params, self.model.grads)
                self.steps += 1
            elif (outcome := self._train_epoch()) != "done":
                if outcome == "failed":
                    self._fail()
                else:  # paused within the epoch: the rest of it waits in self._pass
                    self.state = "paused"
                break
            self.epoch += 1
            if cfg.lr_schedule != "constant":
                self.optimizer.lr = self._scheduled_lr()
            if on_snapshot is not None:
                now = time.perf_counter()
                # Timed snapshots of a live run come from its batches and evaluation blocks.
                if (snapshot_every and self.epoch - last_snap_epoch >= snapshot_every) or (
                    snapshot_seconds and not live and now - last_snap_time >= snapshot_seconds
                ):
                    self._evaluate_if_needed()
                    self.elapsed = elapsed_before + now - start
                    rate = (self.steps - steps_before) / max(now - start, 1e-9)
                    on_snapshot(self.snapshot(rate))
                    last_snap_time, last_snap_epoch = now, self.epoch
        seconds = time.perf_counter() - start
        self.elapsed = elapsed_before + seconds
        rate = (self.steps - steps_before) / max(seconds, 1e-9)
        if live and self.state == "paused" and self._pause_requested and self.last_evaluation:
            # The plane stops where it was, at once; Resume goes on from these very codes.
            self._paused_live = (self._live_key(), self._live)
            final = self._light_snapshot(rate)
        else:
            final = self.snapshot(rate)
        self._live, self._live_run = None, None
        if on_snapshot is not None:
            on_snapshot(final)
        return final

    def snapshot(
        self, steps_per_second: float = 0.0, cancelled: Callable[[], bool] | None = None
    ) -> Snapshot:
        """A frozen copy of where the run stands now, every image encoded afresh. `cancelled`,
        asked after each block of EVAL_ROWS images of a set of bytes, gives it up with
        SnapshotCancelled: a first snapshot of 60,000 images let go of (a new set, closing)
        ends within a block instead of scoring and encoding the rest (~1 s)."""
        if self.last_evaluation is None:
            self._evaluate_if_needed(cancelled=cancelled)
        model = self.model.copy()
        latent, logvar = self._codes(model, cancelled)
        if self._live_worthwhile():  # a live run that goes on starts from these codes
            self._exact = (self._live_key(), latent, logvar)
        return self._frozen(model, latent, logvar, steps_per_second)

    def _frozen(
        self,
        model: Autoencoder,
        latent: np.ndarray,
        logvar: np.ndarray | None,
        steps_per_second: float,
    ) -> Snapshot:
        return Snapshot(
            epoch=self.epoch,
            steps=self.steps,
            state=self.state,
            evaluation=self.last_evaluation,
            latent=latent,
            logvar=logvar,
            model=model,
            history=self.history.arrays(),
            best_epoch=self.best_epoch,
            elapsed=self.elapsed,
            steps_per_second=steps_per_second,
            lr=self.optimizer.lr,
            message=self.message,
            test_evaluation=self.last_test_evaluation,
            test_rows=self.test_rows,
            batch=self.within_epoch,
        )

    # --- snapshots within epochs (engine.live_codes) --------------------------------------------
    def _live_worthwhile(self) -> bool:
        """True for minibatch runs on more than LIVE_ABOVE images: see LIVE_ABOVE."""
        n = len(self.images)
        return n > LIVE_ABOVE and 0 < self.config.batch_size < n

    def _live_key(self) -> tuple[int, float]:
        """Tells the weights apart between whole encodings: the steps taken, and the weights'
        sum (the run's end puts the best weights back without a step)."""
        return self.steps, float(self.model.params.sum(dtype=np.float64))

    def _start_live(self) -> LiveCodes:
        """The codes a run starts from: those a live run paused within an epoch showed, or the
        last whole encoding, if the weights are still those (a resumed run); else a whole
        encoding now."""
        paused, self._paused_live = self._paused_live, None
        if paused is not None and paused[0] == self._live_key():
            return paused[1]
        exact = self._exact
        if exact is not None and exact[0] == self._live_key():
            latent, logvar = exact[1], exact[2]
        else:
            latent, logvar = self._codes(self.model)
        return LiveCodes(latent, logvar, self.test_rows)

    def _live_step(self, images: np.ndarray) -> None:
        """After a step on training images `images` (b,): keep their codes, and hand over a
        snapshot when one is due. The clock is read every batch: ~0.1 us against a step's
        milliseconds at the sizes that run live."""
        self._live.store(images, *self.model.batch_codes(len(images)))
        self._snapshot_if_due()

    def _snapshot_if_due(self) -> None:
        """Hand a light snapshot to the live run's callback once snapshot_seconds have passed,
        while it runs and once it has an evaluation to show (not during the first one)."""
        now = time.perf_counter()
        if now < self._live_due or self.state != "running" or self.last_evaluation is None:
            return
        on_snapshot, seconds, start, elapsed_before, steps_before = self._live_run
        self.elapsed = elapsed_before + now - start
        rate = (self.steps - steps_before) / max(now - start, 1e-9)
        on_snapshot(self._light_snapshot(rate))
        self._live_due = time.perf_counter() + seconds

    def _live_block(self, lo: int, codes: np.ndarray, logvar: np.ndarray | None) -> None:
        """An evaluation's codes of training images lo..lo + m: exact codes of the clean images
        under the current weights, kept and shown as the evaluation goes on."""
        self._live.store(np.arange(lo, lo + len(codes)), codes, logvar)
        self._snapshot_if_due()

    def _pausable_block(self, lo: int, codes: np.ndarray, logvar: np.ndarray | None) -> None:
        self._live_block(lo, codes, logvar)
        if self._pause_requested:
            raise _PausedInEvaluation

    def _live_test_block(self, lo: int, codes: np.ndarray, logvar: np.ndarray | None) -> None:
        """The held-out images' codes as their scoring computes them (when split here)."""
        self._live.store(np.arange(lo, lo + len(codes)), codes, logvar, test=True)

    def _light_snapshot(self, steps_per_second: float) -> Snapshot:
        """A snapshot without a pass over the set: the live codes copied, the latest evaluation
        and history as they are (whole-set evaluations keep their own pace: eval_every), the
        weights copied."""
        latent, logvar = self._live.frozen()
        return self._frozen(self.model.copy(), latent, logvar, steps_per_second)

    # --- internals ------------------------------------------------------------------------------
    def _evaluate(
        self, pausable: bool = False, cancelled: Callable[[], bool] | None = None
    ) -> Evaluation:
        """Score the training images; `pausable` (a live run's evaluation at an epoch's start)
        raises _PausedInEvaluation after the block in which a pause was requested, `cancelled`
        SnapshotCancelled after the block in which it turned true."""
        if self._bytes:  # a live run's codes are its evaluations' too, block by block
            hook = None if self._live is None else self._live_block
            if pausable and hook is not None:
                hook = self._pausable_block
            if cancelled is not None:
                hook = _cancellable(hook, cancelled)
            return evaluate_bytes(self.model, self.images, on_codes=hook)
        return evaluate(self.model, self.images, self.targets)

    def _codes(
        self, model: Autoencoder, cancelled: Callable[[], bool] | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The codes (n, latent) of every clean image (the held-out ones too when this Trainer
        split them off), and for a VAE their log-variance; `cancelled` as in `snapshot`."""
        variational = hasattr(model, "encode_distribution")
        images = self.images if self._code_images is None else self._code_images
        blocks = []
        step = EVAL_ROWS if self._bytes else max(len(images), 1)
        for lo in range(0, len(images), step):
            if lo and cancelled is not None and cancelled():
                raise SnapshotCancelled
            x = unit_floats(images[lo : lo + step], model.dtype)  # (rows, d)
            blocks.append(model.encode_distribution(x) if variational else (model.encode(x), None))
        if len(blocks) == 1:
            return blocks[0]
        latent = np.concatenate([b[0] for b in blocks])
        return latent, np.concatenate([b[1] for b in blocks]) if variational else None

    def _full_batch_is_evaluation(self) -> bool:
        """True when each training forward pass is exactly an evaluation of the current weights:
        a deterministic AE, full batch, uncorrupted inputs. Then metrics cost no extra pass."""
        cfg = self.config
        full = cfg.batch_size in (0, len(self.images)) or cfg.batch_size >= len(self.images)
        return self.model.kind == "ae" and full and cfg.noise is None and not self._bytes

    def _train_epoch(self) -> str:
        """One pass over the data, or the rest of the one a pause interrupted: "done", "failed"
        (the loss stopped being a finite number) or "paused" (a pause request came within a
        minibatch epoch: `self._pass` keeps the rest). A live run (snapshots within epochs) also
        ends the pass at a Stop request: its epochs of 60,000 images last seconds, and the run
        keeps its best weights either way (the partial pass counts as the epoch)."""
        if self._bytes:
            return self._train_epoch_bytes()
        p = self._pass if self._pass is not None else self._new_float_pass()
        self._pass = p
        inputs, targets, order, size, n = p.inputs, p.targets, p.order, p.size, p.rows
        live, n_images = self._live, len(self.images)
        for lo in range(p.done, n, size):
            if order is None:
                x, t = inputs, targets
            else:
                idx = order[lo : lo + size]
                x = inputs[idx]  # (size, d)
                t = x if targets is inputs else targets[idx]  # an AE's targets are its inputs
            # Only minibatch runs are live (`order` is set); copy k of image i is row k n + i.
            ended = self._step_in_pass(p, lo + size, x, t, None if live is None else idx % n_images)
            if ended:
                return ended
        self._pass = None
        return "done"

    def _new_float_pass(self) -> EpochPass:
        """A new epoch of float images: its inputs (noisy copies drawn now) and batch order."""
        cfg = self.config
        noise_state = None
        if cfg.noise is None:
            inputs, targets = self.images, self.targets
        else:
            noise_state = self.noise_rng.bit_generator.state
            inputs = self._noise.apply(self._tiled_images, self.noise_rng)  # (copies n, d)
            targets = self._tiled_targets
        n = len(inputs)
        size = n if cfg.batch_size <= 0 else min(cfg.batch_size, n)
        order = None if size == n else self.batch_rng.permutation(n)
        return EpochPass(order, size, n, inputs, targets, noise_state=noise_state)

    def _train_epoch_bytes(self) -> str:
        """`_train_epoch` for uint8 images: each batch (and its noisy copies) made when drawn."""
        cfg = self.config
        n_images = len(self.images)
        p = self._pass
        if p is None:
            copies = cfg.noise_copies if cfg.noise is not None else 1
            n = n_images * copies
            size = n if cfg.batch_size <= 0 else min(cfg.batch_size, n)
            order = np.arange(n) if size == n else self.batch_rng.permutation(n)
            p = EpochPass(order, size, n)
        self._pass = p
        order, size, n = p.order, p.size, p.rows
        for lo in range(p.done, n, size):
            idx = order[lo : lo + size] % n_images  # copy k of image i is row k n + i
            pixels = self.images[idx]  # (size, d) uint8
            if cfg.noise is None:  # the model makes them floats as it loads them
                x = t = pixels
            else:
                t = unit_floats(pixels, self.model.dtype)  # (size, d)
                x = self._noise.apply(t, self.noise_rng)
            ended = self._step_in_pass(p, lo + size, x, t, idx)
            if ended:
                return ended
        self._pass = None
        return "done"

    def _step_in_pass(
        self, p: EpochPass, end: int, x: np.ndarray, t: np.ndarray, rows: np.ndarray | None
    ) -> str | None:
        """One step of the epoch in progress `p`, whose rows up to `end` are then done; what
        ends the epoch's loop after it: "failed", "paused" (the rest of the epoch waits),
        "done" (a live run's epoch lasts seconds: Stop ends it here), or None to go on."""
        if not self._train_step(x, t, rows):
            self._pass = None
            return "failed"
        p.done = end
        if p.done < p.rows and (self._pause_requested or self._stop_requested):
            if self._pause_requested:
                return "paused"
            if self._live is not None:
                self._pass = None
                return "done"
        return None

    def _train_step(self, x: np.ndarray, t: np.ndarray, rows: np.ndarray | None) -> bool:
        """One step on inputs x (b, d) towards targets t (b, d); a live run keeps the codes of
        training images `rows` (b,). False if the loss stopped being a finite number."""
        parts = self.model.train_step(x, t, self.optimizer, rng=self.noise_rng)
        if not math.isfinite(parts.total):
            return False
        self.steps += 1
        if self._live is not None:
            self._live_step(rows)
        return True

    def _evaluate_if_needed(
        self, last: bool = False, cancelled: Callable[[], bool] | None = None
    ) -> None:
        """Evaluate the current epoch unless it was; `last` (a pause or the epoch limit) scores
        the test set too, whatever its share of the time; `cancelled` as in `snapshot`."""
        if self._evaluated_epoch != self.epoch:
            self._record(self._evaluate(cancelled=cancelled), check_stop=False, last=last)

    def _score_test(self, last: bool) -> Evaluation | None:
        """The test set's score of the current weights when it is due, else None."""
        if not (last or self.held_out.due()):
            return None
        live = self._live is not None and self.test_rows is not None
        hook = self._live_test_block if live else None
        self.last_test_evaluation = self.held_out.score(self.model, on_codes=hook)
        return self.last_test_evaluation

    def _record(self, ev: Evaluation, check_stop: bool = True, last: bool = False) -> bool:
        """Log an evaluation of the current weights (and the test set's, when due); returns True
        when the run must end (a non-finite loss always ends it; a stop rule only with
        `check_stop`)."""
        if not math.isfinite(ev.loss):
            self._fail()
            return True
        blown = self._divergence(ev.loss)
        if blown:
            self._fail(blown)
            return True
        self._first_loss = ev.loss if math.isinf(self._first_loss) else self._first_loss
        self._lowest_loss = min(self._lowest_loss, ev.loss)
        self.last_evaluation = ev
        self._evaluated_epoch = self.epoch
        test = None if self.held_out is None else self._score_test(last)
        self.history.append(self.epoch, ev, test)
        key = (ev.max_wrong, ev.loss) if self._worst_first else (ev.loss, ev.max_wrong)
        if key < self.best_key:
            self.best_key = key
            self.best_epoch = self.epoch
            self.best_params[...] = self.model.params
        if not check_stop:
            return False
        cfg = self.config
        if cfg.stop_max_wrong_pixels is not None and ev.max_wrong <= cfg.stop_max_wrong_pixels:
            limit = cfg.stop_max_wrong_pixels  # 0: "at most 0 wrong pixels" read oddly
            self._end(
                "finished",
                (
                    "No image has a wrong pixel"
                    if limit == 0
                    else f"Every image has at most {limit} wrong pixel{'s' * (limit != 1)}"
                )
                + f" (epoch {self.epoch}).",
            )
            return True
        if cfg.loss_threshold is not None and ev.loss <= cfg.loss_threshold:
            self._end("finished", f"The loss reached {ev.loss:.4g} (epoch {self.epoch}).")
            return True
        return cfg.plateau_epochs > 0 and self._on_plateau(ev.loss)

    def _on_plateau(self, loss: float) -> bool:
        """The plateau stop rule: True (and the run ends) once the loss has not improved by the
        tolerance for `plateau_epochs` epochs."""
        cfg = self.config
        if loss < self.plateau_loss * (1.0 - cfg.plateau_tolerance):
            self.plateau_loss, self.plateau_epoch = loss, self.epoch
            return False
        if self.epoch - self.plateau_epoch < cfg.plateau_epochs:
            return False
        self._end(
            "finished",
            f"The loss has not improved by {cfg.plateau_tolerance * 100:g}% in {cfg.plateau_epochs} "
            f"epochs (epoch {self.epoch}).",
        )
        return True

    def _end(self, state: str, message: str) -> None:
        """Finish or stop: the model takes the best weights seen (the last ones are kept too)."""
        self.state, self.message = state, message
        self._pass = self._paused_live = None  # an epoch left part-way is over
        self.final_params = self.model.params.copy()
        self.model.params[...] = self.best_params
        self._evaluate_best()

    def _evaluate_best(self) -> None:
        """Score the weights the run keeps (the test set too: the Runs tab reports them)."""
        self.last_evaluation = self._evaluate()
        self._evaluated_epoch = self.epoch
        if self.held_out is not None:
            self.last_test_evaluation = self.held_out.score(self.model)

    def _divergence(self, loss: float) -> str:
        """Why a finite run has diverged, or "": its loss rose orders of magnitude above its
        lowest and above where it started, or its weights exploded (`--lr 1e9` keeps the loss
        finite while the weights reach 1e10)."""
        lowest = self._lowest_loss
        if loss > limits.DIVERGENCE_FACTOR * lowest and loss > self._first_loss:
            return (
                f"the loss rose to {loss:.3g}, more than {limits.DIVERGENCE_FACTOR:g} times its "
                f"lowest ({lowest:.3g})"
            )
        # Scanning the weights costs ~3 us, 6 % of a font AE step: every WEIGHT_CHECK_EVERY
        # epochs while the loss stays below where it started, every epoch once it does not.
        if loss <= self._first_loss and self.epoch % WEIGHT_CHECK_EVERY:
            return ""
        params = self.model.params
        largest = max(float(params.max()), -float(params.min()))
        if largest > limits.MAX_WEIGHT:
            return f"a weight reached {largest:.3g} (the limit is {limits.MAX_WEIGHT:g})"
        return ""

    def _fail(self, reason: str = "the loss is no longer a finite number") -> None:
        """A non-finite loss or weight, or a loss or weights blown up: keep the best weights and
        say what to change."""
        self.final_params = None  # the last weights are not worth keeping
        self._pass = self._paused_live = None
        self.model.params[...] = self.best_params
        hint = f"lower the learning rate (now {self.optimizer.lr:g})"
        if self.config.noise is not None:
            hint += " or the noise level"
        self.state = "failed"
        self.message = (
            f"Training diverged at epoch {self.epoch}: {reason}. "
            f"Try again and {hint}. The best weights so far (epoch {self.best_epoch}) are kept."
        )
        self._evaluate_best()

"""The benchmark tasks: architecture, data, batch size, what is timed, and how long to time it.

Every peer trains the same architecture on the same data from the same initial weights (the
engine's, made with the task's seed). A task has three sizes: "full" (the numbers in the README),
"quick" (shorter timing budgets) and "smoke" (tiny, for the tests).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

RANDOM_ROWS, RANDOM_PIXELS = 60000, 784


@dataclass(frozen=True)
class Task:
    """One measurement: `metric` is "steps" (steps per second, full batch), "epochs" (seconds
    per epoch) or "criterion" (seconds until every image has at most 1 wrong pixel)."""

    name: str
    title: str
    data: str  # "font5x7", "emoji12x12", "digits" or "random" (RANDOM_ROWS x RANDOM_PIXELS)
    kind: str  # "ae" or "vae"
    hidden: tuple[int, ...]
    latent: int
    metric: str
    batch_size: int = 0  # 0: the full set in one batch
    lr: float = 0.01
    budget: float = 1.0  # seconds of timed training per measurement (at least one epoch)
    seeds: int = 1  # "criterion": initial weights of seeds 0 .. seeds-1, timed one after another
    max_steps: int = 20000  # "criterion": give up after this many steps per seed
    batch_budget: float = 0.0  # "epochs": if > 0, time batches for this long and scale to an epoch
    time_limit: float = 10.0  # "criterion": seconds a peer may take for all seeds
    attempts: int = 1  # "criterion": time all seeds this many times in the process, keep the best
    random_rows: int = RANDOM_ROWS
    random_pixels: int = RANDOM_PIXELS
    memory: bool = False  # report the peak resident memory of the measuring process

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes through the bottleneck, e.g. (35, 20, 10, 2, 10, 20, 35)."""
        d = self.random_pixels if self.data == "random" else None
        d = d or {"font5x7": 35, "emoji12x12": 144, "digits": 64}[self.data]
        return (d, *self.hidden, self.latent, *reversed(self.hidden), d)

    def describe(self) -> str:
        arch = "-".join(map(str, self.sizes))
        if self.kind == "vae":
            enc = "-".join(map(str, self.sizes[: len(self.hidden) + 1]))
            dec = "-".join(map(str, self.sizes[len(self.hidden) + 1 :]))
            arch = f"encoder {enc}-({self.latent} mu, {self.latent} log-variance), decoder {dec}"
        batch = "full batch" if self.batch_size == 0 else f"batch {self.batch_size}"
        title = self.title
        if self.data == "random":
            title = f"{self.random_rows} x {self.random_pixels} {title}"
        if self.batch_budget:
            batch += f" (batches timed for {self.batch_budget:g} s, scaled to an epoch)"
        return f"{title}, {arch}, {batch}"


FULL: tuple[Task, ...] = (
    Task("font_steps", "5x7 font AE", "font5x7", "ae", (20, 10), 2, "steps"),
    Task(
        "font_criterion",
        "5x7 font AE to <= 1 wrong pixel",
        "font5x7",
        "ae",
        (20, 10),
        2,
        "criterion",
        seeds=5,
        attempts=3,
    ),
    Task("vae_steps", "emoji VAE", "emoji12x12", "vae", (64, 32), 2, "steps", lr=0.005),
    Task("digits_epoch", "digits 8x8 AE", "digits", "ae", (32, 16), 2, "epochs", batch_size=128),
    Task(
        "random_epoch",
        "random AE",
        "random",
        "ae",
        (512, 256),
        2,
        "epochs",
        batch_size=128,
        batch_budget=3.0,
        memory=True,
    ),
)


def tasks_for(mode: str) -> tuple[Task, ...]:
    """The tasks of a run mode: "full", "quick" or "smoke"."""
    if mode == "full":
        return FULL
    if mode == "quick":
        shorter = {"budget": 0.3, "time_limit": 4.0, "attempts": 1}
        return tuple(
            dataclasses.replace(t, **shorter, batch_budget=t.batch_budget and 1.0) for t in FULL
        )
    if mode == "smoke":
        small = {"budget": 0.02, "seeds": 1, "max_steps": 50, "attempts": 1}
        return tuple(
            dataclasses.replace(
                t, **small, hidden=(16, 8), random_rows=512, random_pixels=32, batch_budget=0.02
            )
            if t.data == "random"
            else dataclasses.replace(t, **small)
            for t in FULL
        )
    raise ValueError(f"unknown mode {mode!r}; choose full, quick or smoke")


def make_data(task: Task) -> np.ndarray:
    """The task's images (n, d) float32 in [0, 1]; the random set is seeded, so every process
    makes the same one."""
    if task.data == "random":
        rng = np.random.default_rng(0)
        return rng.random((task.random_rows, task.random_pixels), dtype=np.float32)
    from engine.data.datasets import load_builtin

    return np.array(load_builtin(task.data).images, dtype=np.float32)  # a writable copy


def initial_weights(task: Task, seed: int = 0) -> tuple[np.ndarray, list[tuple[np.ndarray, ...]]]:
    """The engine's initial flat parameters for `seed` and each layer's (W (n_in, n_out), b),
    encoder layers first: what every peer copies into its own layers."""
    from engine.models import model_from_config

    config = {
        "kind": task.kind,
        "n_inputs": task.sizes[0],
        "hidden": list(task.hidden),
        "latent": task.latent,
        "activation": "tanh",
        "loss": "bce",
        "seed": seed,
    }
    model = model_from_config(config)
    layers = [*model.encoder.layers, *model.decoder.layers]
    return model.params.copy(), [(lay.params["W"].copy(), lay.params["b"].copy()) for lay in layers]

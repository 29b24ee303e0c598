"""Our NumPy engine as a benchmark peer.

Steps and epochs are timed on the bare training step (`loss_and_grad` then the optimizer), the
work a PyTorch training loop does, with the BLAS threads `Trainer.run` sets (`engine.blas`). The 1-wrong-pixel criterion is timed through the `Trainer`,
as a user runs it: it evaluates every step and ends on the best weights.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.tasks import Task, initial_weights
from benchmarks.timing import best_attempt, repeat_for, time_batches
from engine.blas import blas_threads_for
from engine.models import model_from_config
from engine.nn.optimizers import make_optimizer
from engine.train_config import TrainConfig
from engine.training import Trainer


def _model(task: Task, seed: int = 0):
    params, _ = initial_weights(task, seed)
    config = {
        "kind": task.kind,
        "n_inputs": task.sizes[0],
        "hidden": list(task.hidden),
        "latent": task.latent,
        "activation": "tanh",
        "loss": "bce",
        "seed": seed,
    }
    return model_from_config(config, params=params)


def measure(task: Task, x: np.ndarray) -> dict:
    if task.metric == "criterion":
        return best_attempt(task.attempts, lambda: _criterion(task, x))
    model = _model(task)
    with blas_threads_for(model.params.size):  # as `Trainer.run` trains
        return _measure(task, x, model)


def _measure(task: Task, x: np.ndarray, model) -> dict:
    opt = make_optimizer("adam", model.params.size, task.lr)
    params, grads = model.params, model.grads
    noise = np.random.default_rng(1)
    if task.metric == "steps":

        def step() -> None:
            model.loss_and_grad(x, x, rng=noise)
            opt.step(params, grads)

        for _ in range(20):
            step()
        return _rate(step, task.budget)

    order_rng = np.random.default_rng(2)
    n, size = len(x), task.batch_size

    def batch(order: np.ndarray, lo: int) -> None:
        xb = x[order[lo : lo + size]]
        model.loss_and_grad(xb, xb, rng=noise)
        opt.step(params, grads)

    if task.batch_budget:
        order = order_rng.permutation(n)
        return time_batches(lambda lo: batch(order, lo), n, size, task.batch_budget)

    def epoch() -> None:
        order = order_rng.permutation(n)
        for lo in range(0, n, size):
            batch(order, lo)

    epoch()  # warm-up: work arrays, caches
    count, seconds = repeat_for(epoch, task.budget)
    return {"seconds_per_epoch": seconds / count, "epochs": count}


def _rate(step, budget: float) -> dict:
    count, seconds = repeat_for(step, budget, block=10)
    return {"steps_per_second": count / seconds, "steps": count}


def _criterion(task: Task, x: np.ndarray) -> dict:
    per_seed, steps, reached = [], [], []
    for seed in range(task.seeds):
        if sum(per_seed) > task.time_limit:
            break  # the rest count as not reached
        model = _model(task, seed)
        config = TrainConfig(
            epochs=task.max_steps, lr=task.lr, stop_max_wrong_pixels=1, batch_seed=seed
        )
        trainer = Trainer(model, x, config)
        start = time.perf_counter()
        final = trainer.run()
        per_seed.append(time.perf_counter() - start)
        steps.append(final.epoch)
        reached.append(final.evaluation.max_wrong <= 1)
    return {"seconds": sum(per_seed), "per_seed": per_seed, "steps": steps, "reached": reached}

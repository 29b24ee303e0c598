"""scikit-learn's MLPRegressor fitted X -> X as a benchmark peer.

The nearest thing scikit-learn has to our autoencoder, with two differences it does not let us
remove: every hidden layer, the 2-unit bottleneck included, uses tanh, and the output is linear
with a squared error instead of a sigmoid with binary cross-entropy. It has no VAE, and we do not
time it to the 1-pixel criterion (a linear output is another problem). Same layer sizes, the
engine's initial weights, Adam with the same settings, no L2 penalty.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from benchmarks.tasks import Task, initial_weights
from benchmarks.timing import time_batches

SKIPPED = {
    "vae": "scikit-learn has no variational autoencoder",
    "criterion": "MLPRegressor has no sigmoid output and binary cross-entropy",
}


def skip_reason(task: Task) -> str:
    """Why scikit-learn sits this task out ("" when it takes part)."""
    if task.kind == "vae":
        return SKIPPED["vae"]
    return SKIPPED["criterion"] if task.metric == "criterion" else ""


def measure(task: Task, x: np.ndarray) -> dict:
    if skip_reason(task):
        return {"skipped": skip_reason(task)}
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    n = len(x)
    full = task.batch_size == 0
    reg = MLPRegressor(
        hidden_layer_sizes=task.sizes[1:-1],
        activation="tanh",
        solver="adam",
        alpha=0.0,
        batch_size=n if full else task.batch_size,
        learning_rate_init=task.lr,
        max_iter=1,
        shuffle=not full,
        random_state=0,
        tol=0.0,
        n_iter_no_change=10**9,
        warm_start=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = x[: n if full else task.batch_size]
        reg.fit(first, first)  # builds the layers; then they take our initial weights
        _, layers = initial_weights(task)
        for i, (W, b) in enumerate(layers):
            reg.coefs_[i][...] = W
            reg.intercepts_[i][...] = b

        def fit(epochs: int) -> float:
            reg.set_params(max_iter=epochs)
            start = time.perf_counter()
            reg.fit(x, x)  # warm start: goes on from the current weights, a fresh Adam
            return time.perf_counter() - start

        if task.metric == "steps":
            probe = fit(20) / 20
            steps = max(20, int(task.budget / max(probe, 1e-6)))
            seconds = fit(steps)
            return {"steps_per_second": steps / seconds, "steps": steps}
        if task.batch_budget:  # partial_fit on 20 batches at a time, scaled to an epoch
            size, chunk = task.batch_size, 20 * task.batch_size
            reg.set_params(shuffle=False)
            return time_batches(
                lambda lo: reg.partial_fit(x[lo : lo + chunk], x[lo : lo + chunk]),
                len(x),
                chunk,
                task.batch_budget,
                min_batches=1,
            ) | {"batches_per_epoch": -(-len(x) // size)}
        seconds = fit(1)
        epochs = 1
        if seconds < task.budget:
            epochs = max(1, int(task.budget / seconds))
            seconds = fit(epochs)
        return {"seconds_per_epoch": seconds / epochs, "epochs": epochs}

"""PyTorch on the CPU as a benchmark peer: the same layers, loss and Adam, our initial weights.

"default" is `torch.optim.Adam(params, lr)` as a tutorial writes it; "fused" adds `fused=True`
(one kernel for the whole update) and `torch.set_flush_denormal(True)`. The thread count is set with `torch.set_num_threads`. The loop
is the idiomatic one: zero_grad, forward, loss, backward, step.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.tasks import Task, initial_weights
from benchmarks.timing import best_attempt, repeat_for, time_batches


def measure(task: Task, x: np.ndarray, threads: int, fused: bool) -> dict:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    # Its fastest setting also flushes subnormal floats to zero (the engine flushes Adam's moments
    # for the same reason: a moment decaying through the subnormals slows every step).
    torch.set_flush_denormal(fused)
    torch.manual_seed(0)
    X = torch.from_numpy(x)
    n_enc = len(task.hidden) + 1

    def build(seed: int):
        _, layers = initial_weights(task, seed)
        encoder = _mlp(torch, layers[:n_enc])
        decoder = _mlp(torch, layers[n_enc:])
        params = [*encoder.parameters(), *decoder.parameters()]
        opt = (
            torch.optim.Adam(params, lr=task.lr, fused=True)
            if fused
            else (torch.optim.Adam(params, lr=task.lr))
        )
        return encoder, decoder, opt

    L = task.latent

    def loss_of(encoder, decoder, xb):
        h = encoder(xb)
        if task.kind == "vae":
            mu, logvar = h[:, :L], h[:, L:]
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            logits = decoder(z)
            recon = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum")
            kl = -0.5 * torch.sum(1.0 + logvar - mu * mu - logvar.exp())
            return (recon + kl) / len(xb), logits
        logits = decoder(h)
        return F.binary_cross_entropy_with_logits(logits, xb, reduction="sum") / len(xb), logits

    if task.metric == "criterion":
        return best_attempt(task.attempts, lambda: _criterion(torch, task, X, build, loss_of))

    encoder, decoder, opt = build(0)

    def step(xb) -> None:
        opt.zero_grad(set_to_none=True)
        loss, _ = loss_of(encoder, decoder, xb)
        loss.backward()
        opt.step()

    if task.metric == "steps":
        for _ in range(20):
            step(X)
        count, seconds = repeat_for(lambda: step(X), task.budget, block=10)
        return {"steps_per_second": count / seconds, "steps": count}

    n, size = len(X), task.batch_size
    gen = torch.Generator().manual_seed(2)

    if task.batch_budget:
        order = torch.randperm(n, generator=gen)
        return time_batches(lambda lo: step(X[order[lo : lo + size]]), n, size, task.batch_budget)

    def epoch() -> None:
        order = torch.randperm(n, generator=gen)
        for lo in range(0, n, size):
            step(X[order[lo : lo + size]])

    epoch()  # warm-up
    count, seconds = repeat_for(epoch, task.budget)
    return {"seconds_per_epoch": seconds / count, "epochs": count}


def _mlp(torch, layers: list[tuple[np.ndarray, np.ndarray]]):
    """Linear layers holding copies of our (W, b), tanh between them, none after the last."""
    modules = []
    for i, (W, b) in enumerate(layers):
        linear = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if i < len(layers) - 1:
            modules.append(torch.nn.Tanh())
    return torch.nn.Sequential(*modules)


def _criterion(torch, task: Task, X, build, loss_of) -> dict:
    """Train each seed until every image has at most 1 wrong pixel, checked on every step's
    forward pass (before the update, as the engine's Trainer does)."""
    target = X >= 0.5
    per_seed, steps, reached = [], [], []
    for seed in range(task.seeds):
        encoder, decoder, opt = build(seed)
        start = time.perf_counter()
        done = False
        for k in range(task.max_steps + 1):
            if sum(per_seed) + time.perf_counter() - start > task.time_limit:
                break  # this seed and the rest count as not reached
            opt.zero_grad(set_to_none=True)
            loss, logits = loss_of(encoder, decoder, X)
            if ((logits.detach() >= 0) != target).sum(dim=1).max().item() <= 1:
                done = True
                break
            if k == task.max_steps:
                break
            loss.backward()
            opt.step()
        per_seed.append(time.perf_counter() - start)
        steps.append(k)
        reached.append(done)
        if not done:
            break
    return {"seconds": sum(per_seed), "per_seed": per_seed, "steps": steps, "reached": reached}

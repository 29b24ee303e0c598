"""Where the 60000 x 784 batch goes: the engine's step against torch's default, phase by phase.

`python -m benchmarks.breakdown [--rounds 12] [--batches 40]` (needs torch) trains the suite's
784-512-256-2-256-512-784 AE on batches of 128 in ONE process, the engine and torch's default
setting (2 threads) alternating in blocks of batches, and reports each phase's median time per
batch: forward + backward, and the Adam update. Then it times every matrix product of one
engine step alone, NumPy (OpenBLAS) against `torch.mm` (MKL), with 2 threads. Alternating in one
process puts both under the same spell of a machine whose speed drifts; the suite
(`python -m benchmarks`) remains the measurement of record, with each configuration in its own
process.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import engine  # noqa: F401  # isort: skip  (first: it sets up OpenBLAS before NumPy loads)
import numpy as np

from benchmarks.tasks import FULL, initial_weights, make_data

WARM_UP = 10  # batches run before each timed block: the other library's threads go quiet


def _task():
    return next(t for t in FULL if t.name == "random_epoch")


def _engine_step(task, x: np.ndarray, order: np.ndarray):
    from benchmarks.engine_peer import _model
    from engine.nn.optimizers import make_optimizer

    model = _model(task)
    opt = make_optimizer("adam", model.params.size, task.lr)

    def step(i: int, times: list[float]) -> None:
        lo = (i * task.batch_size) % (len(x) - task.batch_size)
        xb = x[order[lo : lo + task.batch_size]]  # (128, 784)
        t0 = time.perf_counter()
        model.loss_and_grad(xb, xb)
        t1 = time.perf_counter()
        opt.step(model.params, model.grads)
        times += [t1 - t0, time.perf_counter() - t1]

    return step, model


def _torch_step(task, x: np.ndarray, order: np.ndarray):
    import torch
    import torch.nn.functional as F

    from benchmarks.torch_peer import _mlp

    torch.set_num_threads(2)
    _, layers = initial_weights(task, 0)
    n_enc = len(task.hidden) + 1
    encoder, decoder = _mlp(torch, layers[:n_enc]), _mlp(torch, layers[n_enc:])
    opt = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=task.lr)
    X, perm = torch.from_numpy(x), torch.from_numpy(order)

    def step(i: int, times: list[float]) -> None:
        lo = (i * task.batch_size) % (len(x) - task.batch_size)
        xb = X[perm[lo : lo + task.batch_size]]
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        logits = decoder(encoder(xb))
        loss = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum") / len(xb)
        loss.backward()
        t1 = time.perf_counter()
        opt.step()
        times += [t1 - t0, time.perf_counter() - t1]

    return step


def _block(step: Callable[[int, list[float]], None], batches: int) -> tuple[float, float]:
    """Median seconds per batch of (forward + backward, optimizer) over one block."""
    for i in range(WARM_UP):
        step(i, [])
    times: list[float] = []
    for i in range(batches):
        step(WARM_UP + i, times)
    return statistics.median(times[0::2]), statistics.median(times[1::2])


def _products(model) -> list[tuple[str, tuple[int, int], tuple[int, int], str]]:
    """Every matrix product of one engine step: (name, A shape, B shape, which operand the
    engine reads transposed: "A" for [x, 1].T in dW, "B" for W.T in dx)."""
    n, out = 128, []
    layers = model.encoder.layers + model.decoder.layers
    for k, layer in enumerate(layers, start=1):
        n_in, n_out = layer.n_in + 1, layer.n_out
        out.append((f"forward {k}", (n, n_in), (n_in, n_out), ""))
        out.append((f"dW {k}", (n_in, n), (n, n_out), "A"))
        if k > 1:
            out.append((f"dx {k}", (n, n_out), (n_out, layer.n_in), "B"))
    return out


def _operand(rng: np.random.Generator, shape: tuple[int, int], transposed: bool) -> np.ndarray:
    """A float32 matrix of `shape`, as a transposed view when the engine reads it that way."""
    if transposed:
        return rng.random(shape[::-1], dtype=np.float32).T
    return rng.random(shape, dtype=np.float32)


def _time(fn: Callable[[], object], repeats: int) -> float:
    for _ in range(5):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.breakdown", description=__doc__)
    parser.add_argument("--rounds", type=int, default=12, help="blocks of each (default 12)")
    parser.add_argument("--batches", type=int, default=40, help="batches per block (default 40)")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch is not installed (pip install torch==2.13.0): nothing to compare with")
        return 1
    task = _task()
    x = make_data(task)
    order = np.random.default_rng(0).permutation(len(x))
    engine_step, model = _engine_step(task, x, order)
    torch_step = _torch_step(task, x, order)
    phases: dict[str, list[tuple[float, float]]] = {"engine": [], "torch": []}
    for _ in range(args.rounds):
        phases["engine"].append(_block(engine_step, args.batches))
        phases["torch"].append(_block(torch_step, args.batches))
    print(f"{task.describe()}: ms per batch, median of {args.rounds} alternating blocks")
    print("| phase | engine (NumPy) | torch default, 2 threads | torch / engine |")
    print("|---|---|---|---|")
    for i, phase in enumerate(("forward + backward", "Adam update", "whole step")):
        e = [sum(r) if i == 2 else r[i] for r in phases["engine"]]
        t = [sum(r) if i == 2 else r[i] for r in phases["torch"]]
        ratios = [b / a for a, b in zip(e, t, strict=True)]
        print(
            f"| {phase} | {1e3 * statistics.median(e):.2f} | {1e3 * statistics.median(t):.2f} | "
            f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |"
        )
    rng = np.random.default_rng(1)
    print("\nmatrix products of one step, 2 threads: ms, median of 200")
    print("| product | A @ B | NumPy (OpenBLAS) | torch.mm (MKL) |")
    print("|---|---|---|---|")
    totals = [0.0, 0.0]
    for name, a_shape, b_shape, transposed in _products(model):
        a = _operand(rng, a_shape, transposed == "A")
        b = _operand(rng, b_shape, transposed == "B")
        out = np.empty((a_shape[0], b_shape[1]), np.float32)
        ta, tb, tout = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(out)
        numpy_s = _time(lambda a=a, b=b, out=out: np.dot(a, b, out=out), 200)
        torch_s = _time(lambda ta=ta, tb=tb, tout=tout: torch.mm(ta, tb, out=tout), 200)
        totals[0] += numpy_s
        totals[1] += torch_s
        shapes = f"{a_shape[0]}x{a_shape[1]} @ {b_shape[0]}x{b_shape[1]}"
        print(f"| {name} | {shapes} | {1e3 * numpy_s:.3f} | {1e3 * torch_s:.3f} |")
    print(f"| all | | **{1e3 * totals[0]:.2f}** | **{1e3 * totals[1]:.2f}** |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

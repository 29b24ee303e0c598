"""MNIST-sized training from MNIST's own file format: memory from the command line, and epoch time
against PyTorch's default CPU training with 2 threads, measured in the same run.

    python -m benchmarks.mnist [--rounds 3] [--out benchmarks/mnist_results.json]

A synthetic 60000 x 28x28 gzip'd IDX pair (seeded strokes on black, like MNIST's digits) is
written to a temporary folder. Then:

1. `main.py train --data train-images-idx3-ubyte.gz --epochs 1 --batch-size 128` runs as a child
   process, as a user would run it (loading, the held-out split, training, evaluation, files);
   its peak resident memory comes from the kernel (`os.wait4`), its wall time from here.
2. One epoch at batch 128 of the 784-512-256-2-256-512-784 AE, in this process, alternately:
   the engine's Trainer drawing uint8 batches from the loaded set, and PyTorch's idiomatic loop
   (Adam, `set_num_threads(2)`, the images as one float32 tensor, i.e. with no per-batch
   conversion) from the same initial weights. Each round times one epoch of each, in turns;
   `--batches K` times the first K batches of an epoch instead, scaled to a whole epoch (on a
   busy machine, many short alternations compare the peers under the same load).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import engine  # noqa: F401  (before NumPy's BLAS starts: see engine/__init__)
from benchmarks.tasks import Task, initial_weights
from engine.data.datasets import load_dataset
from engine.data.idx import gzip_bytes, idx_bytes
from engine.data.split import split_dataset
from engine.models import model_from_config
from engine.train_config import TrainConfig
from engine.training import Trainer

ROOT = Path(__file__).resolve().parents[1]
TASK = Task("mnist_epoch", "MNIST-sized AE", "random", "ae", (512, 256), 2, "epochs", 128)
MEMORY_TARGET_MB = 700


def synthetic_mnist(folder: Path, n: int = 60000, seed: int = 0) -> Path:
    """n 28x28 images of a few random bright strokes on black, and classes 0..9, as gzip'd IDX."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28), np.uint8)
    for stroke in range(3):  # three strokes of 12 points each, thickened to 2x2
        start = rng.integers(4, 22, (n, 1, 2))
        steps = rng.integers(-1, 2, (n, 12, 2)).cumsum(axis=1)
        points = np.clip(start + steps, 0, 26)  # (n, 12, 2)
        rows = np.repeat(np.arange(n), 12)
        ink = rng.integers(160, 256, n * 12).astype(np.uint8)
        for dy in (0, 1):
            for dx in (0, 1):
                y, x = points[..., 0].ravel() + dy, points[..., 1].ravel() + dx
                images[rows, y, x] = np.maximum(images[rows, y, x], ink - 40 * stroke // 2)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip_bytes(idx_bytes(images)))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(labels)))
    return path


def cli_run(path: Path, out: Path) -> dict:
    """The train command in a child process: wall seconds, peak RSS (MB), its metrics.json."""
    args = [sys.executable, str(ROOT / "main.py"), "train", "--data", str(path), "--epochs", "1"]
    args += ["--batch-size", "128", "--hidden", "512,256", "--latent", "2", "--quiet"]
    args += ["--stop-max-wrong-pixels", "none", "--out", str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    message = child.stderr.read().decode()
    child.stderr.close()
    if child.returncode != 0:
        raise RuntimeError(f"train failed ({child.returncode}): {message}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    metrics = json.loads((out / "metrics.json").read_text())
    return {
        "seconds": seconds,
        "training_seconds": metrics["seconds"],
        "peak_rss_mb": usage.ru_maxrss * scale / 2**20,
        "test": metrics.get("test"),
        "message": message.strip(),
    }


def engine_epoch(pixels: np.ndarray) -> float:
    """One epoch of the Trainer's own batch loop on uint8 pixels (floats made per batch)."""
    params, _ = initial_weights(TASK, 0)
    config = {"kind": "ae", "n_inputs": 784, "hidden": [512, 256], "latent": 2, "seed": 0}
    config |= {"activation": "tanh", "loss": "bce"}
    model = model_from_config(config, params=params)
    trainer = Trainer(model, pixels, TrainConfig(epochs=1, batch_size=128, lr=TASK.lr))
    from engine.blas import blas_threads_for

    with blas_threads_for(model.params.size):  # as Trainer.run sets them
        start = time.perf_counter()
        trainer._train_epoch()  # the training pass alone: PyTorch's loop evaluates nothing
        return time.perf_counter() - start


def torch_epoch(x: np.ndarray) -> float:
    """One epoch of PyTorch's idiomatic loop, 2 threads, default Adam, our initial weights."""
    import torch
    import torch.nn.functional as F

    from benchmarks.torch_peer import _mlp

    torch.set_num_threads(2)
    _, layers = initial_weights(TASK, 0)
    encoder, decoder = _mlp(torch, layers[:3]), _mlp(torch, layers[3:])
    opt = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=TASK.lr)
    X = torch.from_numpy(x)
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(2))
    start = time.perf_counter()
    for lo in range(0, len(X), 128):
        xb = X[order[lo : lo + 128]]
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(decoder(encoder(xb)), xb, reduction="sum")
        (loss / len(xb)).backward()
        opt.step()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="epochs of each peer, alternated")
    parser.add_argument("--batches", type=int, default=0, help="batches a round (0: an epoch)")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        path = synthetic_mnist(folder)
        made = time.perf_counter() - start
        cli = cli_run(path, folder / "run")
        start = time.perf_counter()
        data = load_dataset(str(path))
        load_seconds = time.perf_counter() - start
    load_before = os.getloadavg()  # other jobs on the machine slow both peers, unevenly
    train, _ = split_dataset(data, 0.1, 0)  # what `train` trains on by default
    pixels = train.pixels[: args.batches * 128] if args.batches else train.pixels
    scale = len(train) / len(pixels)  # seconds of the timed batches -> seconds per epoch
    floats = np.divide(pixels, 255, dtype=np.float32)  # torch's input: one float tensor
    times: dict[str, list[float]] = {"engine": [], "torch-default-2t": []}
    for r in range(args.rounds):
        peers = [("engine", lambda: scale * engine_epoch(pixels))]
        peers.append(("torch-default-2t", lambda: scale * torch_epoch(floats)))
        for name, run in peers if r % 2 == 0 else peers[::-1]:
            times[name].append(run())
    ratios = [t / e for t, e in zip(times["torch-default-2t"], times["engine"], strict=True)]
    engine_s = statistics.median(times["engine"])
    torch_s = statistics.median(times["torch-default-2t"])
    results = {
        "command": "python -m benchmarks.mnist " + " ".join(argv or sys.argv[1:]),
        "machine": {
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,  # 1, 5 and 15 minutes
            "load_average_after": os.getloadavg(),
            "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
        },
        "file": {"images": len(data), "made_seconds": made, "load_seconds": load_seconds},
        "cli": cli,
        "memory_target_mb": MEMORY_TARGET_MB,
        "memory_met": cli["peak_rss_mb"] <= MEMORY_TARGET_MB,
        "timed": f"{args.batches} batches a round, scaled" if args.batches else "whole epochs",
        "epoch_seconds": times,
        "speedup_per_round": ratios,
        "speedup_median_of_rounds": statistics.median(ratios),
        "engine_median": engine_s,
        "torch_median": torch_s,
        "speedup_vs_torch_default_2t": torch_s / engine_s,
    }
    text = json.dumps(results, indent=1)
    if args.out:
        Path(args.out).write_text(text + "\n")
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Saving and opening a session of a 60,000 x 28x28 set: time, file size and peak memory.

    python -m benchmarks.session_io [--images 60000] [--rounds 3] [--out FILE.json]

benchmarks/mnist.py's synthetic gzip'd IDX pair is written to a temporary folder and opened as
File > Open does (uint8 pixels). The window's AE preset for the set (784-64-32-2, batches of
128, 10 % held out) trains one epoch, one pixel of the set is edited (a session then holds the
run's set and the edited one: 2 x 47 MB of bytes), and each round times, alternately:

- `freeze_session`: what the GUI thread does before a worker writes the file;
- `write_session`: the zip streamed to disk (atomically, fsync'd);
- `load_session`: File > Open session's engine part (checks, pixels, model, one evaluation).

Peak memory is what tracemalloc saw above the memory held before each step (NumPy reports its
arrays to it), so it is the step's own cost, not the loaded set's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

import engine  # noqa: F401  (before NumPy's BLAS starts: see engine/__init__)
from benchmarks.mnist import synthetic_mnist
from engine.data.datasets import load_dataset
from engine.models import Autoencoder
from engine.presets import PRESETS
from engine.session import Session, freeze_session, load_session, write_session
from engine.train_config import TrainConfig
from engine.training import Trainer


def measured(step: Callable[[], object]) -> tuple[object, float, float]:
    """step() -> (its result, seconds, peak MB allocated above the memory held before it)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return result, seconds, peak / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="aelab-session-io-"))
    data = load_dataset(str(synthetic_mnist(folder, args.images)))
    pixels = data.pixels.copy()
    pixels[0, 0] = 255
    edited = data.replace(images=pixels)
    del pixels
    preset = PRESETS["ae"]
    model = Autoencoder(data.n_pixels, preset.hidden, 2, preset.activation, "bce", 0)
    config = TrainConfig(**preset.train_kwargs(len(data)), test_fraction=0.1)
    trainer = Trainer(model, data.pixels, config)
    trainer.run(epochs=1)
    session = Session(data, trainer, {"settings": {}}, edited)
    path = folder / "big.aelab"

    rows: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        frozen, seconds, peak = measured(lambda: freeze_session(session))
        rows.setdefault("freeze_s", []).append(seconds)
        rows.setdefault("freeze_peak_mb", []).append(peak)
        _, seconds, peak = measured(lambda frozen=frozen: write_session(path, frozen))
        rows.setdefault("write_s", []).append(seconds)
        rows.setdefault("write_peak_mb", []).append(peak)
        loaded, seconds, peak = measured(lambda: load_session(path))
        rows.setdefault("load_s", []).append(seconds)
        rows.setdefault("load_peak_mb", []).append(peak)
        assert np.array_equal(loaded.edited.pixels, edited.pixels)  # type: ignore[attr-defined]
        del loaded, frozen
    results = {
        "images": len(data),
        "pixels_mb": 2 * data.pixels.nbytes / 1e6,  # the run's set and the edited one
        "file_mb": path.stat().st_size / 1e6,
        "rounds": args.rounds,
        **{key: [round(v, 4) for v in values] for key, values in rows.items()},
        "median": {key: round(statistics.median(v), 4) for key, v in rows.items()},
    }
    text = json.dumps(results, indent=1)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

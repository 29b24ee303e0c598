"""What one frame of the latent plane costs the GUI thread with word labels (the emoji's 32)
against one-letter labels drawn as symbols (the font's 32).

`python -m benchmarks.label_frame [--rounds 5] [--frames 100]` moves every point of an offscreen
LatentScatter (460x420 px, the plane's size at 1280x800) along a random walk and repaints it
synchronously, as the window does for each snapshot, with the word labels re-placed as often
as the window's label timer would (every 6th frame at 30 frames a second). It prints the GUI
thread's CPU time per frame (time.thread_time), median over rounds, the two sets alternating.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time

import numpy as np

PLACE_EVERY = 6  # frames: 30 frames a second, labels re-placed every 200 ms


def _frame_ms(scatter, snapshot, dataset, walk: np.ndarray) -> float:
    """GUI-thread CPU ms per frame over the codes in `walk` (frames, n, 2)."""
    start = time.thread_time()
    for k, codes in enumerate(walk):
        scatter.set_snapshot(dataclasses.replace(snapshot, latent=codes), dataset)
        if k % PLACE_EVERY == 0:
            scatter.place_labels()
        scatter.viewport().repaint()  # the paint itself, synchronously
    return (time.thread_time() - start) / len(walk) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from engine import Autoencoder, TrainConfig, Trainer
    from engine.data.datasets import load_builtin
    from gui.plots.latent_scatter import LatentScatter

    cases = {}
    rng = np.random.default_rng(0)
    for name in ("emoji12x12", "font5x7"):
        dataset = load_builtin(name)
        model = Autoencoder(dataset.n_pixels, (8,), 2, seed=1)
        snapshot = Trainer(model, dataset.images, TrainConfig(epochs=1)).run()
        start = rng.normal(size=(len(dataset), 2))  # (n, 2)
        walk = start + np.cumsum(rng.normal(scale=0.02, size=(args.frames, len(dataset), 2)), 0)
        scatter = LatentScatter()
        scatter.resize(460, 420)
        scatter.show()
        app.processEvents()
        _frame_ms(scatter, snapshot, dataset, walk[:10])  # warm up: symbols, fonts, caches
        cases[name] = (scatter, snapshot, dataset, walk)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, case in cases.items():
            times[name].append(_frame_ms(*case))
    for name, values in times.items():
        print(f"{name}: {statistics.median(values):.2f} ms GUI-thread CPU per frame "
              f"(rounds {', '.join(f'{v:.2f}' for v in values)})")  # fmt: skip


if __name__ == "__main__":
    main()

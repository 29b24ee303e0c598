"""The latent plane and the PCA view at 60,000 images: what a refresh costs the GUI thread.

    python -m benchmarks.latent_frame [--n 60000] [--frames 200] [--pca-rounds 2]

1. An offscreen LatentScatter (760x560 px, the plane's size in a 1280x800 window) is fed
   snapshots of n 2-D codes in ten drifting clusters (an AE's plane on MNIST looks like this)
   and repainted synchronously after each, as the window does per snapshot. It prints the wall
   time per refresh (median and 99th percentile, ms), for labels "0".."9" (class colours,
   legend and a label per class) and for unique labels (one ink colour, no text), and for a
   few frames of the same plane drawn one symbol per point (the dense layer switched off) as
   the baseline. At 30 snapshots a second a refresh must stay well under 33 ms.
2. Under load: the same plane fed a snapshot every 33 ms by a timer for --probe-seconds while a
   Python thread keeps a core busy with NumPy matrix products (a stand-in for training, which
   also takes the GIL between its BLAS calls), and a 10 ms QTimer probes the GUI thread as
   benchmarks/window.py does: its lateness p50/p99 (target p99 <= 30 ms) and the refreshes a
   second (target >= 20); then the same without snapshots (the machine and the load alone),
   and both again for 1797 points (the digits' size, a symbol per point) as a peer.
3. scikit-learn's randomized PCA (engine.pca.fit_pca, 2 components) on n x 784 uint8 images,
   in a QThreadPool worker as the PCA view runs it, while the GUI thread keeps turning its
   event loop: seconds to the result, and the longest gap between two 10 ms timer ticks.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time

import numpy as np

WIDTH, HEIGHT = 760, 560


def cluster_walk(n: int, frames: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Ten Gaussian clusters of codes drifting apart: classes (n,), codes (frames, n, 2)."""
    rng = np.random.default_rng(seed)
    classes = rng.integers(0, 10, n)
    angle = classes * 2 * np.pi / 10
    centre = np.column_stack([np.cos(angle), np.sin(angle)]) * 3  # (n, 2)
    spread = rng.normal(size=(n, 2)) * 0.7
    grow = np.linspace(0.3, 1.0, frames)[:, None, None]  # the clusters separate as it learns
    return classes, centre[None] * grow + spread[None]  # (frames, n, 2)


def synthetic_dataset(n: int, labels: tuple[str, ...]):
    from engine.data.dataset import Dataset

    pixels = np.zeros((n, 784), np.uint8)
    return Dataset("synthetic", 28, 28, labels, pixels)


def base_snapshot():
    from engine import Autoencoder, TrainConfig, Trainer

    model = Autoencoder(784, (8,), 2, seed=1)
    images = np.random.default_rng(0).random((16, 784)).astype(np.float32)
    return Trainer(model, images, TrainConfig(epochs=1)).run()


def refresh_ms(scatter, snapshot, dataset, walk: np.ndarray) -> list[float]:
    """Wall ms of set_snapshot + a synchronous repaint, per frame of `walk` (frames, n, 2)."""
    times = []
    for codes in walk:
        start = time.perf_counter()
        scatter.set_snapshot(dataclasses.replace(snapshot, latent=codes), dataset)
        scatter.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p99(values: list[float]) -> float:
    return float(np.percentile(values, 99))


def scatter_rows(n: int, frames: int) -> None:
    from PySide6.QtWidgets import QApplication

    from gui.plots.latent_scatter import LatentScatter

    snapshot = base_snapshot()
    classes, walk = cluster_walk(n, frames)
    cases = {
        "class colours": tuple(str(k) for k in classes),
        "one colour": tuple(f"image {i}" for i in range(n)),
    }
    for name, labels in cases.items():
        dataset = synthetic_dataset(n, labels)
        scatter = LatentScatter()
        scatter.resize(WIDTH, HEIGHT)
        scatter.show()
        refresh_ms(scatter, snapshot, dataset, walk[-5:])  # warm up; the range settles
        QApplication.processEvents()
        scatter.place_labels()
        times = refresh_ms(scatter, snapshot, dataset, walk)
        dense = "dots" if scatter.points_item.dense else "symbols"
        print(f"{name:14s} {n} points ({dense}): median {statistics.median(times):5.1f} ms, "
              f"p99 {p99(times):5.1f} ms per refresh")  # fmt: skip
        if name == "class colours":
            scatter.points_item._dense_above = None  # the baseline: a symbol per point
            times = refresh_ms(scatter, snapshot, dataset, walk[:10])
            print(f"{'  one symbol per point':14s}: median {statistics.median(times):5.1f} ms "
                  f"per refresh (the layer before dots)")  # fmt: skip
        scatter.close()


def probe_rows(n: int, seconds: float) -> None:
    import threading

    from gui.plots.latent_scatter import LatentScatter

    snapshot = base_snapshot()
    classes, walk = cluster_walk(n, 60)
    dataset = synthetic_dataset(n, tuple(str(k) for k in classes))
    scatter = LatentScatter()
    scatter.resize(WIDTH, HEIGHT)
    scatter.show()
    refresh_ms(scatter, snapshot, dataset, walk[-3:])
    frames = [dataclasses.replace(snapshot, latent=codes) for codes in walk]
    stop = threading.Event()

    def load() -> None:  # a training-like thread: BLAS calls with the GIL taken between them
        a = np.random.default_rng(0).random((256, 256), np.float32)
        while not stop.is_set():
            a = np.tanh(a @ a.T / 256)

    worker = threading.Thread(target=load)
    worker.start()
    try:
        idle = _probe(scatter, None, seconds)  # the machine's load and the load thread alone
        (snapshots, paints), busy = _probe(scatter, (frames, dataset), seconds)
    finally:
        stop.set()
        worker.join()
    scatter.close()
    print(f"under load, {n} points, a snapshot every 33 ms for {seconds:.0f} s: "
          f"{snapshots / seconds:.1f} snapshots/s shown in {paints / seconds:.1f} paints/s, "
          f"probe p50 {_pct(busy, 50):.1f} ms, "
          f"p99 {_pct(busy, 99):.1f} ms (the same without snapshots: p50 {_pct(idle[1], 50):.1f}, "
          f"p99 {_pct(idle[1], 99):.1f} ms)")  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _probe(scatter, feed: tuple | None, seconds: float) -> tuple[int, list[float]]:
    """Snapshots every 33 ms from `feed` (frames, dataset), or none, for `seconds`, while a
    10 ms timer measures its own lateness: ((snapshots, the plane's paints), lateness in ms)."""
    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QTimer

    class PaintCounter(QObject):
        """Counts the plane's paints: snapshots that come faster than it paints coalesce."""

        count = 0

        def eventFilter(self, _watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    shown, lateness = [0], []
    clock = QElapsedTimer()
    paints = PaintCounter()
    scatter.viewport().installEventFilter(paints)

    def on_feed() -> None:
        frames, dataset = feed
        scatter.set_snapshot(frames[shown[0] % len(frames)], dataset)
        shown[0] += 1

    def on_probe() -> None:
        lateness.append(max(0.0, clock.nsecsElapsed() / 1e6 - 10.0))
        clock.restart()

    feeder, probe = QTimer(interval=33), QTimer(interval=10)
    feeder.timeout.connect(on_feed)
    probe.timeout.connect(on_probe)
    loop = QEventLoop()
    clock.start()
    if feed is not None:
        feeder.start()
    probe.start()
    QTimer.singleShot(int(1000 * seconds), loop.quit)
    loop.exec()
    feeder.stop()
    probe.stop()
    scatter.viewport().removeEventFilter(paints)
    return (shown[0], paints.count), lateness


class _Ticks:
    """Counts the GUI event loop's turns: the gaps between ticks of a 10 ms timer."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.clock = QElapsedTimer()
        self.clock.start()
        self.times = [0]
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.times.append(self.clock.elapsed())

    def longest_gap(self) -> int:
        return int(np.diff(self.times).max()) if len(self.times) > 1 else 0


def pca_seconds(pixels: np.ndarray) -> tuple[float, int]:
    """Seconds for the PCA view's fit job (2 components) on `pixels` (n, d) uint8 in a pool
    thread, and the longest gap (ms) of the GUI thread's event loop meanwhile."""
    from PySide6.QtCore import QEventLoop, QThreadPool

    from gui.views.pca_view import PCAJob, PCASignals

    signals, loop, pool = PCASignals(), QEventLoop(), QThreadPool()
    ticks = _Ticks()
    done: list[float] = []

    def fitted(_number: int, _result: object) -> None:
        done.append(ticks.clock.elapsed() / 1000)
        loop.quit()

    signals.fitted.connect(fitted)
    signals.failed.connect(loop.quit)
    pool.start(PCAJob(1, pixels, 2, signals))
    loop.exec()
    ticks.timer.stop()
    pool.waitForDone()
    return done[0], ticks.longest_gap()


def pca_rows(n: int, rounds: int) -> None:
    rng = np.random.default_rng(0)
    pixels = (rng.random((n, 784)) < 0.2).astype(np.uint8) * 255  # (n, 784) uint8
    for _ in range(rounds):
        seconds, gap = pca_seconds(pixels)
        print(f"PCA randomized, {n} x 784, 2 components, off-thread: {seconds:.2f} s; "
              f"longest GUI event-loop gap {gap} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60000)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--pca-rounds", type=int, default=2)
    parser.add_argument("--probe-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([])
    print(f"load average before: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    scatter_rows(args.n, args.frames)
    if args.probe_seconds:
        for n in (args.n, 1797):  # and the digits' size, drawn a symbol per point, as a peer
            probe_rows(n, args.probe_seconds)
    if args.pca_rounds:
        pca_rows(args.n, args.pca_rounds)
    print(f"load average after: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

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

`--window` drives the real window offscreen instead, once: File > Open of the IDX file, one
epoch, one pixel edited, closing (which autosaves), a new window and File > Restore last
session, Resume and, a second later, closing that window while its run trains; it prints the
wall time of each (Restore last session: until the restored run's codes are shown, and the
longest the GUI thread went without running a 5 ms timer meanwhile) and the process's peak
resident memory.
"""

from __future__ import annotations

import argparse
import itertools
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


def window_figures(folder: Path, images: int) -> dict[str, float]:
    """The window's side, offscreen: open, train an epoch, edit, close (autosave), restore."""
    import os
    import resource

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    path = synthetic_mnist(folder, images)
    store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)

    def window() -> MainWindow:
        win = MainWindow(store)
        win.ask_before_closing = False
        win._show_error = lambda message: sys.stderr.write(f"error: {message}\n")
        win.show()
        app.processEvents()
        return win

    figures: dict[str, float] = {}
    win = window()
    start = time.perf_counter()
    win.data_panel.open_file(str(path))
    figures["open_set_s"] = time.perf_counter() - start
    loop = QEventLoop()  # not qWait: it would hold the GIL from the training thread
    win.run.state_changed.connect(lambda state: state == "paused" and loop.quit())
    QTimer.singleShot(600_000, loop.quit)
    win.run.step(1)
    loop.exec()
    win.glyph_set.set_pixel(5, 0, 0, 1.0)
    app.processEvents()
    start = time.perf_counter()
    win.close()
    figures["close_with_autosave_s"] = time.perf_counter() - start
    figures["autosave_mb"] = win.autosave_path.stat().st_size / 1e6
    again = window()
    ticks: list[float] = []  # a GUI-thread timer: its longest gap is the longest freeze
    probe = QTimer(interval=5)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    probe.start()
    shown = QEventLoop()  # until the session is installed and its codes are shown
    again.run.codes_pending_changed.connect(lambda pending: pending or shown.quit())
    QTimer.singleShot(600_000, shown.quit)
    start = time.perf_counter()
    ticks.append(start)
    again.sessions.restore_session_action.trigger()
    figures["restore_call_s"] = time.perf_counter() - start  # returns once the read has begun
    if again.run.snapshot.epoch != 1 or again.run.codes_pending:  # else opened synchronously
        shown.exec()
    figures["restore_codes_s"] = time.perf_counter() - start  # until the run's codes are shown
    ticks.append(time.perf_counter())
    probe.stop()
    figures["restore_longest_freeze_s"] = max(b - a for a, b in itertools.pairwise(ticks))
    assert again.run.snapshot.epoch == 1 and not again.run.codes_pending
    assert len(again.glyph_set) == images and again.glyph_set.image(5)[0, 0] == 1.0
    loop = QEventLoop()  # the restored run goes on for a second, then the window closes
    QTimer.singleShot(1000, loop.quit)
    again.run.resume()
    loop.exec()
    assert again.run.state == "running"
    start = time.perf_counter()
    again.close()
    figures["close_running_s"] = time.perf_counter() - start
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {key: round(value, 3) for key, value in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", action="store_true", help="the window's side, once")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="aelab-session-io-"))
    if args.window:
        sys.stdout.write(json.dumps(window_figures(folder, args.images), indent=1) + "\n")
        return 0
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

"""The window under load: training speed inside the real window against the headless engine,
the GUI thread's responsiveness, and how often the latent scatter is redrawn.

`python -m benchmarks.window [--seconds 5] [--rounds 3]` trains the 5x7 font AE (its preset,
without the stop rule, so it trains for the whole measurement) in alternating child processes:
headless (Trainer.run alone) and in the real MainWindow offscreen, started as a person would.
Each window run sits between two headless runs (H W H W ... H) and is compared with their mean:
the machine's speed drifts in spells of seconds, and a neighbour on each side cancels a steady
drift that one neighbour would count against the window.
In the window a 10 ms QTimer probes the GUI thread: its lateness (p50, p99) is how long a click
would wait. Targets (issue 4): window steps/s >= 0.7 x headless, probe p99 <= 30 ms, scatter
refreshes >= 25 per second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCHS = 10**7  # never reached: the measurement ends the run
OUT = Path(__file__).resolve().parent / "window_results.json"


def headless(seconds: float) -> dict:
    from engine import Autoencoder, TrainConfig, Trainer
    from engine.data.datasets import load_builtin
    from engine.presets import PRESETS

    font = load_builtin("font5x7")
    preset = PRESETS["ae"]
    model = Autoencoder(font.n_pixels, **preset.model_kwargs())
    kwargs = {**preset.train_kwargs(), "epochs": EPOCHS, "stop_max_wrong_pixels": None}
    trainer = Trainer(model, font.images, TrainConfig(**kwargs))
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.run(epochs=500)
    return {"steps_per_second": trainer.steps / (time.perf_counter() - start)}


def window(seconds: float) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer

    from gui.app import configure_process, make_application

    app = make_application([])  # set up exactly as `python main.py` does
    configure_process()
    from gui.main_window import MainWindow

    folder = tempfile.mkdtemp()
    store = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
    win = MainWindow(store)
    win.show()
    app.processEvents()
    win.run.update_settings(epochs=EPOCHS, stop_enabled=False)
    redraws: list[float] = []
    scatter_set = win.latent_scatter.set_snapshot

    def counting_set_snapshot(*args, **kwargs):
        redraws.append(time.perf_counter())
        return scatter_set(*args, **kwargs)

    win.latent_scatter.set_snapshot = counting_set_snapshot
    lateness: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)

    def on_probe() -> None:
        elapsed = clock.nsecsElapsed() / 1e6
        lateness.append(max(0.0, elapsed - 10.0))
        clock.restart()

    probe.timeout.connect(on_probe)
    result: dict[str, float] = {}

    def finish() -> None:
        trainer = win.run._trainer
        result["steps"] = trainer.steps - steps_at_start if trainer else 0
        result["elapsed"] = time.perf_counter() - start
        probe.stop()
        win.run.stop()
        app.quit()  # Qt 6 closes the window first: as a person quitting mid-run

    win.run.start()
    start = time.perf_counter()
    clock.start()
    probe.start()
    steps_at_start = win.run.snapshot.steps if win.run.snapshot else 0
    # The real event loop, as `python main.py` runs it (a Python loop calling processEvents
    # would itself take the GIL a thousand times a second and slow the training thread).
    QTimer.singleShot(int(1000 * seconds), finish)
    app.exec()
    steps, elapsed = result["steps"], result["elapsed"]
    lateness.sort()
    shown = [t for t in redraws if start <= t <= start + elapsed]
    return {
        "steps_per_second": steps / elapsed,
        "probe_p50_ms": lateness[len(lateness) // 2],
        "probe_p99_ms": lateness[int(0.99 * (len(lateness) - 1))],
        "scatter_refreshes_per_second": len(shown) / elapsed,
    }


def child(kind: str, seconds: float) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.window", "--child", kind, "--seconds", str(seconds)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.window", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT, help="JSON file (default %(default)s)")
    parser.add_argument("--child", choices=["headless", "window"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measure = headless if args.child == "headless" else window
        print(json.dumps(measure(args.seconds)))
        return 0
    rows = []
    before = child("headless", args.seconds)
    for r in range(args.rounds):
        w, after = child("window", args.seconds), child("headless", args.seconds)
        rate = (before["steps_per_second"] + after["steps_per_second"]) / 2
        h = {"steps_per_second": rate, "before": before, "after": after}
        rows.append({"headless": h, "window": w, "ratio": w["steps_per_second"] / rate})
        print(f"round {r + 1}: headless {before['steps_per_second']:.0f} and "
              f"{after['steps_per_second']:.0f} steps/s, window {w['steps_per_second']:.0f} "
              f"steps/s (x{rows[-1]['ratio']:.2f}), probe p50 {w['probe_p50_ms']:.1f} ms p99 "
              f"{w['probe_p99_ms']:.1f} ms, scatter {w['scatter_refreshes_per_second']:.1f}/s",
              flush=True)  # fmt: skip
        before = after

    def med(key: str, side: str = "window") -> float:
        return statistics.median(row[side][key] for row in rows)

    summary = {
        "headless_steps_per_second": med("steps_per_second", "headless"),
        "window_steps_per_second": med("steps_per_second"),
        "ratio_window_over_headless": statistics.median(row["ratio"] for row in rows),
        "probe_p50_ms": med("probe_p50_ms"),
        "probe_p99_ms": med("probe_p99_ms"),
        "scatter_refreshes_per_second": med("scatter_refreshes_per_second"),
        "seconds": args.seconds,
        "rounds": rows,
        "command": "python -m benchmarks.window " + " ".join(argv),
    }
    out = args.out
    out.write_text(json.dumps(summary, indent=1) + "\n")
    print("\n| measure | median | target |\n|---|---|---|")
    print(
        f"| steps/s in the window / headless | {summary['ratio_window_over_headless']:.2f} "
        f"({summary['window_steps_per_second']:.0f} / {summary['headless_steps_per_second']:.0f}) | >= 0.7 |"
    )
    print(
        f"| GUI probe lateness p50 / p99 | {summary['probe_p50_ms']:.1f} / {summary['probe_p99_ms']:.1f} ms | p99 <= 30 ms |"
    )
    print(
        f"| latent scatter refreshes | {summary['scatter_refreshes_per_second']:.1f} per second | >= 25 |"
    )
    print(f"\nWrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

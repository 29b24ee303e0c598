"""The window under load: training speed inside the real window against the headless engine,
the GUI thread's responsiveness, and how often the latent scatter is redrawn.

`python -m benchmarks.window [--seconds 5] [--rounds 3] [--kinds ae,dae,vae]` trains each kind
of model on the set it is made for (the AE and the DAE on the 5x7 font, the VAE on the emoji),
with the window's own preset for it minus the stop rule and the epoch limit, so it trains for the
whole measurement, in alternating child processes: headless (Trainer.run alone, with the very
same settings) and in the real MainWindow offscreen, started as a person would.
Each window run sits between two headless runs (H W H W ... H) and is compared with their mean:
the machine's speed drifts in spells of seconds, and a neighbour on each side cancels a steady
drift that one neighbour would count against the window.
In the window a 10 ms QTimer probes the GUI thread: its lateness (p50, p99) is how long a click
would wait. Targets (issues 4 and 15): window steps/s >= 0.7 x headless for every kind, probe
p99 <= 30 ms, scatter refreshes >= 25 per second. The machine may be shared: the load average
is recorded, and two figures that a busy machine moves less are too: the GUI thread's CPU share,
and the trainer's CPU time per step in the window against headless (`cpu_ratio`).

`--data FILE` (e.g. a 60,000-image MNIST IDX file: `python -m benchmarks.window --data
mnist` writes benchmarks/mnist.py's synthetic one) trains on that file instead, with the
window's preset for its size and kind in batches of `--batch-size` (128), at the preset's own
learning rate. The window opens the file through File > Open's code (`DataPanel.open_file`)
and the time until the open set is painted is recorded, then the time until its first codes
(made in the run's worker thread) are shown and the probe's p99 meanwhile, and each child's
peak resident memory (targets of issue 18: open <= 2 s, peak <= 1.2 GB in the window).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCHS = 10**7  # never reached: the measurement ends the run
OUT = Path(__file__).resolve().parent / "window_results.json"
BATCH_SIZE = 128  # with --data: issue 18's figures are for one epoch at batch 128


# Each kind of model on the set it is made for: (built-in set, model kind).
KINDS = {"ae": ("font5x7", "ae"), "dae": ("font5x7", "dae"), "vae": ("emoji12x12", "vae")}


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB. Linux: VmHWM, which starts afresh at
    exec; ru_maxrss keeps the parent's peak from the fork (a child of a 400 MB test process
    reported 400 MB whatever it used)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def load_data(kind: str, data: str | None):
    from engine.data.datasets import load_builtin, load_dataset

    return load_builtin(KINDS[kind][0]) if data is None else load_dataset(data)


def run_settings(kind: str, data: str | None = None, batch_size: int = BATCH_SIZE):
    """The window's own settings for this kind (its preset), without the stop rules and the
    epoch limit, so both sides train the same model for the whole measurement. For a file,
    the preset for its size in batches of `batch_size`."""
    from gui.run.run_settings import default_settings

    set_name, model_kind = KINDS[kind]
    if data is not None:
        dataset = load_data(kind, data)
        settings = default_settings(dataset.name, len(dataset), model_kind)
        return settings.replace(
            epochs=EPOCHS, stop_enabled=False, plateau_epochs=0, batch_size=batch_size
        )
    settings = default_settings(set_name, len(load_data(kind, None)), model_kind)
    # A tenth of the learning rate (the same work per step): at the preset's lr 0.01 the font AE,
    # trained past its stop rule, blows up near epoch 21,000, which a quiet machine reaches in 3 s.
    return settings.replace(
        epochs=EPOCHS, stop_enabled=False, plateau_epochs=0, lr=settings.lr / 10
    )


def headless(kind: str, seconds: float, data: str | None, batch_size: int) -> dict:
    from engine import Trainer
    from gui.app import limit_blas_threads

    # The window's one BLAS thread (gui.app): the ratio is then what the window costs, not what
    # a second BLAS thread wins on a quiet machine or loses on a busy one. Small networks train
    # on one thread anyway (engine.blas); the 60,000-image AE is just above that size.
    limit_blas_threads()

    dataset = load_data(kind, data)
    settings = run_settings(kind, data, batch_size)
    model = settings.build_model(dataset.n_pixels)
    # The pixels as the window's run keeps them (uint8 for image files).
    trainer = Trainer(model, dataset.pixels, settings.train_config())
    start, cpu = time.perf_counter(), time.process_time()
    steps = epochs = 0  # of the trainers that failed before the measurement ended
    # Epochs a call; grown until a call takes ~0.1 s, so calls cost next to nothing. An epoch of
    # a file's 60,000 images takes seconds: one a call, or the first call outlasts the measurement.
    chunk = 10 if data is None else 1
    while time.perf_counter() - start < seconds:
        began = time.perf_counter()
        trainer.run(epochs=chunk)
        if trainer.state == "failed":
            # The font AE with no stop rule diverges near epoch 20,000 (docs/window_speed.md),
            # which a fast machine reaches within seconds: go on timing a fresh run (the step's
            # cost is the same), as the window's benchmark run would be restarted by a person.
            steps, epochs = steps + trainer.steps, epochs + trainer.epoch
            trainer = Trainer(settings.build_model(dataset.n_pixels), dataset.pixels,
                              settings.train_config())  # fmt: skip
            continue
        if time.perf_counter() - began < 0.1:
            chunk *= 2
    steps, epochs = steps + trainer.steps, epochs + trainer.epoch
    return {
        "steps_per_second": steps / (time.perf_counter() - start),
        "cpu_ms_per_step": 1000 * (time.process_time() - cpu) / steps,
        "epochs": epochs,
        "peak_rss_mb": peak_rss_mb(),
    }


def window(kind: str, seconds: float, data: str | None, batch_size: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

    from gui.app import configure_process, make_application

    app = make_application([])  # set up exactly as `python main.py` does
    configure_process()
    from gui.main_window import MainWindow

    folder = tempfile.mkdtemp()
    store = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
    store.setValue("data/builtin", KINDS[kind][0])  # the window opens on this set
    win = MainWindow(store)
    win.show()
    app.processEvents()
    lateness: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)

    def on_probe() -> None:
        elapsed = clock.nsecsElapsed() / 1e6
        lateness.append(max(0.0, elapsed - 10.0))
        clock.restart()

    probe.timeout.connect(on_probe)
    opened = opened_cpu = coded = 0.0
    open_lateness = [0.0]
    if data is not None:  # File > Open, as a person would, timed until the set is painted
        began, began_cpu = time.perf_counter(), time.thread_time()
        if not win.data_panel.open_file(data):
            raise SystemExit(f"the window could not open {data}")
        app.processEvents()
        opened = time.perf_counter() - began
        # The GUI thread's CPU seconds for it: what a busy machine's waiting does not inflate.
        opened_cpu = time.thread_time() - began_cpu
        # The first codes come from the run's worker thread: until they are shown (the views'
        # drawing of them included), the probe says how the window answers meanwhile.
        clock.start()
        probe.start()
        waiting, shown_at = QEventLoop(), [time.perf_counter()]

        def on_shown(_snapshot) -> None:  # connected after the views: they have drawn it
            shown_at[0] = time.perf_counter()
            QTimer.singleShot(50, waiting.quit)  # a probe tick after the drawing counts too

        win.run.snapshot_changed.connect(on_shown)
        QTimer.singleShot(60_000, waiting.quit)
        if win.run.codes_pending:
            waiting.exec()
        win.run.snapshot_changed.disconnect(on_shown)
        coded = shown_at[0] - began
        open_lateness = sorted(lateness) or [0.0]
        lateness.clear()
    win.run.change_kind(KINDS[kind][1])  # as picking the kind in the panel does: its preset
    changes = {"lr": win.run.settings.lr / 10} if data is None else {"batch_size": batch_size}
    win.run.update_settings(epochs=EPOCHS, stop_enabled=False, plateau_epochs=0, **changes)
    shown = win.run.settings.replace(by_hand=())  # the same values, only typed in by hand
    wanted = run_settings(kind, data, batch_size)
    assert shown == wanted, "the window must train what headless trains"
    redraws: list[float] = []
    scatter_set = win.latent_scatter.set_snapshot

    def counting_set_snapshot(*args, **kwargs):
        redraws.append(time.perf_counter())
        return scatter_set(*args, **kwargs)

    win.latent_scatter.set_snapshot = counting_set_snapshot
    result: dict[str, float] = {}

    def finish() -> None:
        trainer = win.run._trainer
        result["steps"] = trainer.steps - steps_at_start if trainer else 0
        result["elapsed"] = time.perf_counter() - start
        result["gui_cpu"] = time.thread_time() - gui_cpu_at_start
        result["cpu"] = time.process_time() - cpu_at_start
        shown = win.run.snapshot
        result["shown"] = shown.steps_per_second if shown else 0.0
        result["epochs"] = trainer.epoch if trainer else 0
        probe.stop()
        win.run.stop()
        app.quit()  # Qt 6 closes the window first: as a person quitting mid-run

    idle: list[float] = []
    start = gui_cpu_at_start = cpu_at_start = 0.0
    steps_at_start = 0

    def begin() -> None:
        """The probe ran in the idle window first: what the machine's load alone costs it."""
        nonlocal start, gui_cpu_at_start, cpu_at_start, steps_at_start
        idle.extend(lateness)
        lateness.clear()
        win.run.start()
        start = time.perf_counter()
        gui_cpu_at_start = time.thread_time()  # this (the GUI) thread's CPU time
        cpu_at_start = time.process_time()  # all threads'
        steps_at_start = win.run.snapshot.steps if win.run.snapshot else 0
        QTimer.singleShot(int(1000 * seconds), finish)

    clock.start()
    probe.start()
    QTimer.singleShot(int(1000 * min(1.0, seconds / 2)), begin)
    # The real event loop, as `python main.py` runs it (a Python loop calling processEvents
    # would itself take the GIL a thousand times a second and slow the training thread).
    app.exec()
    steps, elapsed = result["steps"], result["elapsed"]
    lateness.sort()
    idle.sort()
    shown = [t for t in redraws if start <= t <= start + elapsed]
    return {
        "steps_per_second": steps / elapsed,
        "probe_p50_ms": lateness[len(lateness) // 2],
        "probe_p99_ms": lateness[int(0.99 * (len(lateness) - 1))],
        "idle_probe_p99_ms": idle[int(0.99 * (len(idle) - 1))],  # the same window, not training
        "scatter_refreshes_per_second": len(shown) / elapsed,
        "shown_steps_per_second": result["shown"],  # what the panel said at the end
        # The GUI thread's CPU seconds per second: what the views cost, whatever the load.
        "gui_cpu_share": result["gui_cpu"] / elapsed,
        # CPU time of every other thread (the trainer's) per step: against headless, what the
        # window costs the training itself, apart from waiting for a core on a busy machine.
        "train_cpu_ms_per_step": 1000 * (result["cpu"] - result["gui_cpu"]) / max(steps, 1),
        "epochs": result["epochs"],
        "open_seconds": opened,  # File > Open of `data` until painted (0 for a built-in set)
        "open_cpu_seconds": opened_cpu,
        "codes_seconds": coded,  # File > Open until the first codes are shown (0: built-in)
        "open_probe_p99_ms": open_lateness[int(0.99 * (len(open_lateness) - 1))],
        "open_probe_max_ms": open_lateness[-1],  # the longest the window froze meanwhile
        "peak_rss_mb": peak_rss_mb(),
    }


def child(side: str, kind: str, seconds: float, data: str | None, batch_size: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.window", "--child", side, "--kinds", kind]
    command += ["--seconds", str(seconds), "--batch-size", str(batch_size)]
    if data is not None:
        command += ["--data", data]
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages: how busy the neighbours were."""
    return [round(x, 2) for x in os.getloadavg()]


def measure_kind(
    kind: str, seconds: float, rounds: int, data: str | None = None, batch_size: int = BATCH_SIZE
) -> dict:
    """H W H W ... H for one kind; each window run against the mean of its two neighbours."""
    rows = []
    before = child("headless", kind, seconds, data, batch_size)
    for r in range(rounds):
        w = child("window", kind, seconds, data, batch_size)
        after = child("headless", kind, seconds, data, batch_size)
        rate = (before["steps_per_second"] + after["steps_per_second"]) / 2
        cpu = (before["cpu_ms_per_step"] + after["cpu_ms_per_step"]) / 2
        h = {"steps_per_second": rate, "cpu_ms_per_step": cpu, "before": before, "after": after}
        rows.append({
            "headless": h, "window": w, "ratio": w["steps_per_second"] / rate,
            "cpu_ratio": cpu / w["train_cpu_ms_per_step"],
        })  # fmt: skip
        print(f"{kind} round {r + 1}: headless {before['steps_per_second']:.0f} and "
              f"{after['steps_per_second']:.0f} steps/s, window {w['steps_per_second']:.0f} "
              f"steps/s (x{rows[-1]['ratio']:.2f}; shown {w['shown_steps_per_second']:.0f}), "
              f"probe p50 {w['probe_p50_ms']:.1f} ms p99 {w['probe_p99_ms']:.1f} ms (idle "
              f"{w['idle_probe_p99_ms']:.1f}), "
              f"scatter {w['scatter_refreshes_per_second']:.1f}/s, GUI thread CPU "
              f"{w['gui_cpu_share']:.0%}, trainer CPU/step x{rows[-1]['cpu_ratio']:.2f} of "
              f"headless, load {load_average()[0]}, peak RSS window {w['peak_rss_mb']:.0f} MB "
              f"(headless {after['peak_rss_mb']:.0f}), {w['epochs']} epochs"
              + (f", opened in {w['open_seconds']:.2f} s ({w['open_cpu_seconds']:.2f} s CPU), "
                 f"codes shown at {w['codes_seconds']:.2f} s (probe p99 meanwhile "
                 f"{w['open_probe_p99_ms']:.1f} ms, max {w['open_probe_max_ms']:.0f} ms)"
                 if data else ""),
              flush=True)  # fmt: skip
        before = after

    def med(key: str, side: str = "window") -> float:
        return statistics.median(row[side][key] for row in rows)

    ratios = [row["ratio"] for row in rows]
    cpu_ratios = [row["cpu_ratio"] for row in rows]
    p99s = [row["window"]["probe_p99_ms"] for row in rows]
    return {
        "set": data or KINDS[kind][0],
        "open_seconds": [row["window"]["open_seconds"] for row in rows],
        "open_cpu_seconds": [row["window"]["open_cpu_seconds"] for row in rows],
        "codes_seconds": [row["window"]["codes_seconds"] for row in rows],
        "open_probe_p99_ms": [row["window"]["open_probe_p99_ms"] for row in rows],
        "open_probe_max_ms": [row["window"]["open_probe_max_ms"] for row in rows],
        "window_peak_rss_mb": max(row["window"]["peak_rss_mb"] for row in rows),
        "headless_peak_rss_mb": max(row["headless"]["after"]["peak_rss_mb"] for row in rows),
        "headless_steps_per_second": med("steps_per_second", "headless"),
        "window_steps_per_second": med("steps_per_second"),
        "window_shown_steps_per_second": med("shown_steps_per_second"),
        "ratio_window_over_headless": statistics.median(ratios),
        "ratio_min_max": [min(ratios), max(ratios)],
        "cpu_ratio_headless_over_window": statistics.median(cpu_ratios),
        "cpu_ratio_min_max": [min(cpu_ratios), max(cpu_ratios)],
        "probe_p50_ms": med("probe_p50_ms"),
        "probe_p99_ms": med("probe_p99_ms"),
        "probe_p99_min_max_ms": [min(p99s), max(p99s)],
        "idle_probe_p99_ms": med("idle_probe_p99_ms"),
        "scatter_refreshes_per_second": med("scatter_refreshes_per_second"),
        "gui_cpu_share": med("gui_cpu_share"),
        "rounds": rows,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.window", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS), help="default %(default)s")
    parser.add_argument("--out", type=Path, default=OUT, help="JSON file (default %(default)s)")
    parser.add_argument(
        "--data",
        help="train on this file (IDX, .npz, .npy, PNG folder); 'mnist' writes a synthetic "
        "60,000 x 28x28 gzip'd IDX file (benchmarks/mnist.py) to a temporary folder",
    )
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="with --data")
    parser.add_argument("--child", choices=["headless", "window"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    if args.child:
        measure = headless if args.child == "headless" else window
        print(json.dumps(measure(kinds[0], args.seconds, args.data, args.batch_size)))
        return 0
    data = args.data
    if data == "mnist":
        from benchmarks.mnist import synthetic_mnist

        data = str(synthetic_mnist(Path(tempfile.mkdtemp())))
    load_before = load_average()
    results = {
        kind: measure_kind(kind, args.seconds, args.rounds, data, args.batch_size) for kind in kinds
    }
    summary = {
        "kinds": results,
        "seconds": args.seconds,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "cpus": os.cpu_count(),
        "command": "python -m benchmarks.window " + " ".join(argv),
    }
    args.out.write_text(json.dumps(summary, indent=1) + "\n")
    print("\n| kind (set) | window / headless steps/s: median (min..max) | trainer CPU per "
          "step, headless / window (min..max) | probe p50 / p99 ms (p99 min..max) | probe p99, "
          "window idle | GUI thread CPU | scatter /s |\n|---|---|---|---|---|---|---|")  # fmt: skip
    for kind, r in results.items():
        lo, hi = r["ratio_min_max"]
        clo, chi = r["cpu_ratio_min_max"]
        plo, phi = r["probe_p99_min_max_ms"]
        print(f"| {kind.upper()} ({r['set']}) | {r['ratio_window_over_headless']:.2f} ({lo:.2f}.."
              f"{hi:.2f}; {r['window_steps_per_second']:.0f} / "
              f"{r['headless_steps_per_second']:.0f}) | {r['cpu_ratio_headless_over_window']:.2f} "
              f"({clo:.2f}..{chi:.2f}) | {r['probe_p50_ms']:.1f} / {r['probe_p99_ms']:.1f} "
              f"({plo:.1f}..{phi:.1f}) | {r['idle_probe_p99_ms']:.1f} | {r['gui_cpu_share']:.0%} | "
              f"{r['scatter_refreshes_per_second']:.1f} |")  # fmt: skip
    for kind, r in results.items():
        opened = ", ".join(f"{t:.2f}" for t in r["open_seconds"])
        coded = ", ".join(f"{t:.2f}" for t in r["codes_seconds"])
        p99 = ", ".join(f"{t:.1f}" for t in r["open_probe_p99_ms"])
        p99 += "; max " + ", ".join(f"{t:.0f}" for t in r["open_probe_max_ms"])
        print(f"{kind.upper()}: peak RSS window {r['window_peak_rss_mb']:.0f} MB, headless "
              f"{r['headless_peak_rss_mb']:.0f} MB" + (f"; opened in {opened} s, first codes "
              f"shown at {coded} s (probe p99 meanwhile {p99} ms)" if data else ""))  # fmt: skip
    print(f"\nload average before {load_before}, after {summary['load_average_after']}")
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

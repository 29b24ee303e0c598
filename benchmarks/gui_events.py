"""Where the GUI thread's time goes while a model trains in the window: its CPU time per event.

`python -m benchmarks.gui_events [--kinds ae,dae,vae] [--seconds 3] [--top 25]` opens the real
MainWindow offscreen as `benchmarks.window` does, starts training each kind with the window's
preset (a tenth of its learning rate, as there), and times every event the GUI thread handles
(`QApplication.notify`, by `time.thread_time`) for `seconds`. Each event is charged its own time,
less the events handled inside it: a Paint is one widget's painting, the UpdateRequest its
window's repaint minus those, a Timer or MetaCall the slots it ran (the snapshot pacer's timer
is what every view does with a snapshot). It prints the GUI thread's CPU share, what a frame of
the latent scatter costs in all (GUI CPU per scatter refresh) and the costliest events by
(type, receiver) with their rate: what to make cheaper, or rarer, first. Timing every event
costs a few percent of the GUI thread itself; compare rows, not absolute numbers, and compare
runs only at a similar machine load (it is printed).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.window import EPOCHS, KINDS


def _receiver(obj) -> str:
    """A short name for an event's receiver: a timer by its owner, a widget with its parent."""
    from PySide6.QtCore import QObject, QTimer

    try:
        if isinstance(obj, QTimer):
            owner = obj.parent()
            return f"QTimer of {type(owner).__name__ if owner is not None else 'nobody'}"
        names, item = [], obj
        while item is not None and len(names) < 2:
            named = isinstance(item, QObject) and item.objectName()
            names.append(type(item).__name__ + (f"({item.objectName()})" if named else ""))
            item = item.parentWidget() if hasattr(item, "parentWidget") else None
        return " in ".join(names)
    except RuntimeError:  # a Qt object deleted while its last event was delivered
        return "a deleted object"


def profile(kind: str, seconds: float, top: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    costs: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])
    inner: list[float] = []  # per nesting level: the time of the events handled inside
    timing = [False]

    class TimedApplication(QApplication):
        def notify(self, receiver, event):
            if not timing[0]:
                return super().notify(receiver, event)
            kind_name = event.type().name
            start = time.thread_time()
            inner.append(0.0)
            try:
                return super().notify(receiver, event)
            finally:
                spent = time.thread_time() - start
                nested = inner.pop()
                if inner:
                    inner[-1] += spent
                row = costs[f"{kind_name} {_receiver(receiver)}"]
                row[0] += 1
                row[1] += spent - nested

    app = TimedApplication([])
    from gui.app import configure_process, make_application

    make_application([])  # the names and pyqtgraph options `python main.py` sets
    configure_process()
    from gui.main_window import MainWindow

    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    store.setValue("data/builtin", KINDS[kind][0])
    win = MainWindow(store)
    win.show()
    app.processEvents()
    win.run.change_kind(KINDS[kind][1])
    win.run.update_settings(
        epochs=EPOCHS, stop_enabled=False, plateau_epochs=0, lr=win.run.settings.lr / 10
    )
    frames = [0]
    show = win.latent_scatter.set_snapshot

    def counted(*args, **kwargs):
        frames[0] += timing[0]
        return show(*args, **kwargs)

    win.latent_scatter.set_snapshot = counted
    began: dict[str, float] = {}

    def begin() -> None:
        win.run.start()
        began.update(wall=time.perf_counter(), cpu=time.thread_time())
        timing[0] = True
        QTimer.singleShot(int(1000 * seconds), finish)

    def finish() -> None:
        timing[0] = False
        wall = time.perf_counter() - began["wall"]
        cpu = time.thread_time() - began["cpu"]
        print(
            f"{kind}: GUI thread {cpu / wall:.1%} of a core; {frames[0] / wall:.1f} scatter "
            f"refreshes/s, {1000 * cpu / max(frames[0], 1):.2f} ms of GUI CPU per refresh; "
            f"load {os.getloadavg()[0]:.1f}"
        )
        print("  share  per s  ms each  event and receiver")
        ranked = sorted(costs.items(), key=lambda item: -item[1][1])[:top]
        for name, (count, spent) in ranked:
            print(f"  {spent / wall:5.1%} {count / wall:6.1f} {1000 * spent / count:7.2f}  {name}")
        win.run.stop()
        app.quit()

    QTimer.singleShot(int(1000 * min(1.0, seconds)), begin)  # the window settles first
    app.exec()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gui_events", description=__doc__)
    parser.add_argument("--kinds", default=",".join(KINDS), help="default %(default)s")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=25, help="rows to print (default %(default)s)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        profile(args.kinds, args.seconds, args.top)
        return 0
    import subprocess

    for kind in args.kinds.split(","):  # one process each: one QApplication per process
        command = [sys.executable, "-m", "benchmarks.gui_events", "--child", "--kinds", kind]
        command += ["--seconds", str(args.seconds), "--top", str(args.top)]
        subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

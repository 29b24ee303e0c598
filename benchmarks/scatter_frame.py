"""What one frame of the live latent scatter costs the GUI thread: our GlyphPoints item against
pyqtgraph's ScatterPlotItem, drawing the same points, symbols and markers.

`python -m benchmarks.scatter_frame [--rounds 5] [--frames 100]` moves the points of a plot
offscreen (codes from a real training run of the font AE, random walks for the 1797 digits) and
repaints it synchronously, as the window does 30 times a second while a run goes (its sticky
view range and cached axes included): the glyphs
with their symbols and class colours, a selection ring and a star that move with them. It reports
the GUI thread's CPU time per frame (time.thread_time: what the training thread loses to the
GIL is at least this), the two items alternating round by round in one process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "scatter_frame_results.json"


def _paths(set_name: str, frames: int) -> tuple[object, np.ndarray]:
    """The data set and its codes over `frames` frames, (frames, n, 2)."""
    from engine import Autoencoder, TrainConfig, Trainer
    from engine.data.datasets import load_builtin
    from engine.presets import PRESETS

    dataset = load_builtin(set_name)
    if set_name == "font5x7":
        preset = PRESETS["ae"]
        model = Autoencoder(dataset.n_pixels, **preset.model_kwargs())
        kwargs = {**preset.train_kwargs(), "epochs": 10**6, "stop_max_wrong_pixels": None}
        trainer = Trainer(model, dataset.images, TrainConfig(**kwargs))
        codes = []
        for _ in range(frames):
            trainer.run(epochs=5)
            codes.append(model.encode(dataset.images))
        return dataset, np.array(codes, np.float64)
    rng = np.random.default_rng(0)
    start = rng.normal(size=(len(dataset), 2))
    walk = np.cumsum(rng.normal(scale=0.02, size=(frames, len(dataset), 2)), axis=0)
    return dataset, start + walk


class _Plot:
    """A plot of the points and two markers drawn with GlyphPoints ("ours") or pyqtgraph's
    ScatterPlotItem ("pyqtgraph"), styled as the latent scatter styles them."""

    def __init__(self, kind: str, dataset) -> None:
        import pyqtgraph as pg

        from gui.plots.glyph_points import GlyphPoints
        from gui.plots.latent_plane import class_brushes, label_symbols
        from gui.plots.latent_scatter import PROBE_BRUSH, SELECTED_PEN
        from gui.plots.live_axes import live_axes
        from gui.plots.sticky_view import StickyViewBox

        self.kind = kind
        self.widget = pg.PlotWidget(background="w", viewBox=StickyViewBox())
        live_axes(self.widget.getPlotItem())  # the rest of the plot as the window has it
        self.widget.resize(420, 470)
        symbols = label_symbols(dataset.labels) or "o"
        size = 22 if isinstance(symbols, list) else 7
        brushes = class_brushes(dataset.labels)
        if kind == "ours":
            self.points = GlyphPoints()
            self.points.set_style(symbols, size, brushes)
            self.ring = GlyphPoints(symbol="o", size=30, pen=SELECTED_PEN)
            self.star = GlyphPoints(symbol="star", size=20, pen=pg.mkPen("k"), brush=PROBE_BRUSH)
            self.move = self._move_ours
        else:
            self.points = pg.ScatterPlotItem(pxMode=True)
            # One pen object, as the window passed it: pyqtgraph caches rendered symbols by pen id.
            no_pen = pg.mkPen(None)
            self.style = {"symbol": symbols, "size": size, "brush": brushes, "pen": no_pen}
            self.ring = pg.ScatterPlotItem(symbol="o", size=30, pen=SELECTED_PEN, brush=None)
            self.star = pg.ScatterPlotItem(symbol="star", size=20, pen="k", brush=PROBE_BRUSH)
            self.move = self._move_pyqtgraph
        self.widget.addItem(self.points)
        for item in (self.ring, self.star):
            self.widget.getPlotItem().getViewBox().addItem(item, ignoreBounds=True)
        self.widget.show()

    def _move_ours(self, xy: np.ndarray) -> None:
        self.points.set_positions(xy[:, 0], xy[:, 1])
        self.ring.set_positions(xy[3:4, 0], xy[3:4, 1])
        self.star.set_positions(xy[3:4, 0] + 0.1, xy[3:4, 1])

    def _move_pyqtgraph(self, xy: np.ndarray) -> None:
        self.points.setData(x=xy[:, 0], y=xy[:, 1], **self.style)
        self.ring.setData(xy[3:4, 0], xy[3:4, 1])
        self.star.setData(xy[3:4, 0] + 0.1, xy[3:4, 1])

    def frames(self, codes: np.ndarray) -> float:
        """Milliseconds of GUI-thread CPU per frame over `codes` (frames, n, 2)."""
        start = time.thread_time()
        for xy in codes:
            self.move(xy)
            self.widget.viewport().repaint()
        return 1000 * (time.thread_time() - start) / len(codes)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scatter_frame", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--out", type=Path, default=OUT, help="JSON file (default %(default)s)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import configure_process, make_application

    app = make_application([])  # the running QApplication, if there is one
    configure_process()
    summary: dict = {"command": "python -m benchmarks.scatter_frame " + " ".join(argv), "sets": {}}
    print(
        "| set | points | ours ms/frame | pyqtgraph ms/frame | pyqtgraph / ours |\n|---|---|---|---|---|"
    )
    for set_name in ("font5x7", "digits"):
        dataset, codes = _paths(set_name, args.frames)
        plots = {kind: _Plot(kind, dataset) for kind in ("ours", "pyqtgraph")}
        for plot in plots.values():  # warm up: symbols rendered, ranges settled
            plot.frames(codes[:10])
            app.processEvents()
        times: dict[str, list[float]] = {kind: [] for kind in plots}
        for _ in range(args.rounds):
            for kind, plot in plots.items():
                times[kind].append(plot.frames(codes))
                app.processEvents()
        ratios = [p / o for p, o in zip(times["pyqtgraph"], times["ours"], strict=True)]
        row = {
            "points": len(dataset),
            "ours_ms": statistics.median(times["ours"]),
            "pyqtgraph_ms": statistics.median(times["pyqtgraph"]),
            "ratio_median": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "rounds": times,
        }
        summary["sets"][set_name] = row
        print(f"| {set_name} | {row['points']} | {row['ours_ms']:.2f} | {row['pyqtgraph_ms']:.2f} "
              f"| {row['ratio_median']:.2f} ({row['ratio_min']:.2f}-{row['ratio_max']:.2f}) |",
              flush=True)  # fmt: skip
        for plot in plots.values():
            plot.widget.close()
    args.out.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"\nWrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

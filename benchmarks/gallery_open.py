"""The GUI thread's longest block while the gallery takes in a 60,000-image set.

`python -m benchmarks.gallery_open [--images 60000] [--rounds 3]` writes a synthetic MNIST-sized
IDX pair (benchmarks.mnist.synthetic_mnist), shows a GlyphGallery of the 5x7 font offscreen and,
per round, replaces its set with the big one (`GlyphSet.set_dataset`, as File > Open and opening a
session do) and then makes a glyph far down the set current (as a session restores its glyph).
A 2 ms timer marks the event loop's turns: the longest gap between two is the longest freeze a
person would feel. It also counts Qt's calls of the model's Python rowCount, and prints when the
layout ended (the scroll range stopped changing). Timings are wall-clock on a shared machine:
compare rows of one run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path


def measure(images: int, rounds: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks.mnist import synthetic_mnist
    from engine.data.datasets import load_builtin, load_dataset
    from gui.data.glyph_gallery import GlyphGallery, GlyphListModel
    from gui.data.glyph_set import GlyphSet

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        big = load_dataset(str(synthetic_mnist(Path(folder), n=images)))
    calls = [0]
    row_count = GlyphListModel.rowCount

    def counted(self, *args):
        calls[0] += 1
        return row_count(self, *args)

    GlyphListModel.rowCount = counted
    glyphs = GlyphSet(load_builtin("font5x7"))
    gallery = GlyphGallery(glyphs)
    gallery.resize(400, 600)
    gallery.show()
    turns = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(lambda: turns.append(time.perf_counter()))
    timer.start()

    def spin(seconds: float) -> list[tuple[float, int]]:
        """Run the event loop; the scroll range after each pass, with its time."""
        ranges, end = [], time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            ranges.append((time.perf_counter(), gallery.verticalScrollBar().maximum()))
        return ranges

    print(f"{images} images of 28x28 replacing the 5x7 font in a shown gallery (400x600)")
    for _ in range(rounds):
        glyphs.set_dataset(load_builtin("font5x7"))
        spin(0.3)
        calls[0], turns[:] = 0, [time.perf_counter()]
        start = time.perf_counter()
        glyphs.set_dataset(big)
        glyphs.set_current(images * 3 // 4)
        call = time.perf_counter() - start
        ranges = spin(1.5)
        done = next(t for t, span in ranges if span == ranges[-1][1]) - start
        gap = max(b - a for a, b in itertools.pairwise(turns))
        shown = gallery.viewport().rect().intersects(gallery.visualRect(gallery.currentIndex()))
        print(
            f"set_dataset+set_current {1000 * call:5.0f} ms; longest GUI block {1000 * gap:5.0f} ms;"
            f" layout ended after {1000 * done:5.0f} ms; rowCount calls {calls[0]};"
            f" current glyph visible: {shown}"
        )
    timer.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    measure(args.images, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

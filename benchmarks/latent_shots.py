"""Screenshots of the latent plane and the PCA view at 60,000 MNIST-sized images (docs).

    python -m benchmarks.latent_shots OUT_FOLDER [--n 60000] [--epochs 6] [--idx FOLDER]

No internet here, so the images are made from scikit-learn's 1797 real 8x8 digits: each is
scaled to 24x24, placed at a random offset on a 28x28 canvas with a little noise, as uint8 (the
window's MNIST storage), n of them with their digit as the label. A 784-256-64-2 AE trains on them
for a few epochs, headless, and its codes are what the plane shows (classes cluster as they do
on MNIST). The latent tab (plane, legend, generator) and the PCA view are then drawn offscreen
at their sizes in a 1280x800 window and saved: latent_60k.png, latent_60k_zoom.png (zoomed
in on one cluster: symbols again), pca_60k.png. `--idx FOLDER` also writes the images and
their labels as a gzip'd IDX pair (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz) for
the window's File > Open.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

ZOOM = 80  # the zoomed-in picture shows this fraction of the plane's width and height
# The tabs' sizes in a 1280x800 window with both side panels docked (measured on a screenshot):
# the latent tab above the loss plot, the PCA view over the whole height.
TAB_SIZE, PCA_SIZE = (680, 500), (680, 720)


def digit_images(n: int, seed: int = 0):
    """n 28x28 uint8 images of scikit-learn's digits, shifted and noised; labels '0'..'9'."""
    from engine.data.dataset import Dataset
    from engine.data.datasets import load_builtin

    digits = load_builtin("digits")
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(digits), n)
    big = np.kron(digits.images.reshape(-1, 8, 8), np.ones((3, 3)))  # (1797, 24, 24)
    canvas = np.zeros((n, 28, 28), np.float32)
    shifts = rng.integers(1, 4, (n, 2))  # 1..3 pixels from the top left: about centred
    for dy in range(1, 4):
        for dx in range(1, 4):
            rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            canvas[rows, dy : dy + 24, dx : dx + 24] = big[pick[rows]]
    canvas += rng.normal(scale=0.05, size=canvas.shape).astype(np.float32)
    pixels = (np.clip(canvas, 0, 1) * 255).astype(np.uint8).reshape(n, 784)
    labels = tuple(digits.labels[i] for i in pick)
    return Dataset("digits-28x28", 28, 28, labels, pixels)


def write_idx(dataset, folder: Path) -> None:
    """The set as MNIST's gzip'd IDX image and label files in `folder`."""
    from engine.data.idx import gzip_bytes, idx_bytes

    folder.mkdir(parents=True, exist_ok=True)
    images = dataset.pixels.reshape(len(dataset), dataset.height, dataset.width)
    labels = np.array([int(label) for label in dataset.labels], np.uint8)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(images)))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip_bytes(idx_bytes(labels)))


def trained_snapshot(dataset, epochs: int):
    from engine import Autoencoder, TrainConfig, Trainer

    model = Autoencoder(784, (256, 64), 2, seed=1)
    config = TrainConfig(epochs=epochs, batch_size=128, stop_max_wrong_pixels=None)
    return Trainer(model, dataset.pixels, config).run()


class _Run:
    """What the latent tab and the PCA view read of a run: its set and latest snapshot."""

    def __init__(self, dataset, snapshot) -> None:
        from PySide6.QtCore import QObject, Signal

        class Signals(QObject):
            snapshot_changed = Signal(object)

        self._signals = Signals()
        self.snapshot_changed = self._signals.snapshot_changed
        self.dataset, self.snapshot = dataset, snapshot


def settle(app, seconds: float) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=60000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--idx", type=Path, help="also write the set here as MNIST's files")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from gui.data.glyph_set import GlyphSet
    from gui.views.latent_tab import LatentTab
    from gui.views.pca_view import PCAView

    args.out.mkdir(parents=True, exist_ok=True)
    dataset = digit_images(args.n)
    if args.idx is not None:
        write_idx(dataset, args.idx)
    snapshot = trained_snapshot(dataset, args.epochs)
    glyphs = GlyphSet(dataset)
    run = _Run(dataset, snapshot)
    store = QSettings(str(args.out / "shots.ini"), QSettings.Format.IniFormat)
    tab = LatentTab(run, glyphs, store)
    tab.resize(*TAB_SIZE)
    tab.show()
    tab.show_snapshot(snapshot)
    tab.show_readouts()
    settle(app, 0.5)
    scatter = tab.scatter
    scatter.getViewBox().autoRange()
    first = int(np.flatnonzero(np.array(dataset.labels) == "3")[0])
    scatter.glyph_selected.emit(first)
    tab.generator.set_code(snapshot.latent[first])
    scatter.set_generator_point(snapshot.latent[first])
    settle(app, 0.5)
    tab.grab().save(str(args.out / "latent_60k.png"))
    x, y = (float(v) for v in snapshot.latent[first])  # float32 overflows pyqtgraph's limits
    (x0, x1), (y0, y1) = scatter.getViewBox().viewRange()
    dx, dy = (x1 - x0) / ZOOM / 2, (y1 - y0) / ZOOM / 2
    scatter.getViewBox().setRange(xRange=(x - dx, x + dx), yRange=(y - dy, y + dy))
    settle(app, 0.5)
    tab.grab().save(str(args.out / "latent_60k_zoom.png"))
    view = PCAView(run, glyphs)
    view.resize(*PCA_SIZE)
    view.show()
    for _ in range(600):  # the fit and the scores arrive from the view's pool
        settle(app, 0.1)
        if view.table_model.glyph_count == len(dataset):
            break
    settle(app, 0.5)
    view.grab().save(str(args.out / "pca_60k.png"))
    view.close()
    tab.heldout.wait()


if __name__ == "__main__":
    main()

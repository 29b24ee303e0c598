"""The PCA view on a set of thousands of images (3,000 here, MNIST's 60,000 in the benchmark):
scikit-learn's randomized PCA and the autoencoder's codes and scores are computed on the view's
pool while the GUI thread's event loop keeps turning; labels stay bounded and classes coloured."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

import gui.views.pca_view
from engine import Autoencoder, TrainConfig, Trainer
from engine.data.dataset import Dataset
from engine.pca import RANDOMIZED_ABOVE, compare_with_pca, fit_pca
from gui.data.glyph_set import GlyphSet
from gui.views.pca_view import OFF_THREAD_ABOVE, PCAView

N = 3200  # above DENSE_ABOVE too: digits drawn as dots get a label per class
SLOW_S = 0.6  # the fit is made this much slower, so that a blocked event loop would show


class FakeRun(QObject):
    """What the view reads of a run: the latest snapshot and its signal."""

    snapshot_changed = Signal(object)

    def __init__(self, snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    classes = rng.integers(0, 10, N)
    pixels = np.zeros((N, 64), np.uint8)
    for k in range(10):  # each class lights its own pixels, with noise
        pixels[classes == k, 6 * k : 6 * k + 6] = 230
    pixels |= (rng.random((N, 64)) < 0.05).astype(np.uint8) * 200
    dataset = Dataset("classes", 8, 8, tuple(str(k) for k in classes), pixels)
    model = Autoencoder(64, (16,), 2, seed=1)
    snapshot = Trainer(model, dataset.pixels, TrainConfig(epochs=3)).run()
    return dataset, snapshot


def test_the_fit_and_scores_run_off_the_gui_thread(qtbot, data, monkeypatch):
    dataset, snapshot = data
    assert max(RANDOMIZED_ABOVE, OFF_THREAD_ABOVE) < N
    real_fit = gui.views.pca_view.fit_pca
    threads = []

    def slow_fit(images, k):
        threads.append(QObject().thread())  # the thread the fit runs in
        time.sleep(SLOW_S)
        return real_fit(images, k)

    monkeypatch.setattr(gui.views.pca_view, "fit_pca", slow_fit)
    glyphs = GlyphSet(dataset)
    clock, ticks = QElapsedTimer(), []
    clock.start()
    ticker = QTimer(interval=10)
    ticker.timeout.connect(lambda: ticks.append(clock.elapsed()))
    ticker.start()
    view = PCAView(FakeRun(snapshot), glyphs)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()  # showing the tab starts the fit
    assert "Computing PCA" in view.status_label.text()
    qtbot.waitUntil(lambda: view.table_model.glyph_count == N, timeout=20_000)
    ticker.stop()
    assert threads and threads[0] is not view.thread()
    gaps = np.diff(ticks)
    assert len(ticks) >= 1000 * SLOW_S / 10 / 2  # the loop ran all along the fit
    assert gaps.max() < 1000 * SLOW_S / 2  # and was never stopped for the fit's length
    pca = fit_pca(dataset.pixels, 2)  # the same seed: the same numbers
    expected = compare_with_pca(snapshot.model, dataset.pixels, pca)
    values = view.table_model.values()[:N]
    np.testing.assert_allclose(values[:, 0], pca.wrong)
    np.testing.assert_allclose(values[:, 1], expected.ae_wrong)
    np.testing.assert_allclose(view.ae_scatter.plane_points, snapshot.latent, rtol=1e-5)
    assert "keeps" in view.status_label.text()
    # Ten classes: a legend on both planes, a text label per class rather than per image.
    for scatter in (view.pca_scatter, view.ae_scatter):
        assert [name for name, _ in scatter.legend_entries] == [str(k) for k in range(10)]
        assert len(scatter.label_rects()) == 10
    assert view.wait_for_fit(5000)


def test_unique_long_labels_get_no_text_at_this_size(qtbot, data):
    dataset, _ = data
    named = dataset.replace(labels=tuple(f"image {i}" for i in range(N)))
    view = PCAView(FakeRun(None), GlyphSet(named))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.pca is not None, timeout=20_000)
    assert view.pca_scatter.legend_entries == []
    assert view.pca_scatter.label_rects() == []
    assert view.wait_for_fit(5000)

"""The latent plane at thousands of images: classes as colours with a legend, every point drawn
as a dot in one image, a bounded number of text labels placed at most a few times a second, and
the point under the mouse named. 5,000 points stand in for MNIST's 60,000 (the same code paths:
more than DENSE_ABOVE on screen)."""

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

import gui.plots.latent_scatter
from engine import Autoencoder, TrainConfig, Trainer
from engine.data.dataset import Dataset
from gui.plots.latent_plane import CLASS_COLOURS, INK
from gui.plots.latent_scatter import DENSE_ABOVE, LatentScatter

N = 5000
CENTRES = np.array([[np.cos(a), np.sin(a)] for a in np.arange(10) * 2 * np.pi / 10]) * 4


@pytest.fixture(scope="module")
def snapshot():
    """A 4x4 model's snapshot whose codes are ten tight clusters, one per class (n, 2)."""
    rng = np.random.default_rng(0)
    images = rng.random((16, 16)).astype(np.float32)
    base = Trainer(Autoencoder(16, (4,), 2, seed=1), images, TrainConfig(epochs=1)).run()
    classes = np.arange(N) % 10
    codes = CENTRES[classes] + rng.normal(scale=0.15, size=(N, 2))
    return dataclasses.replace(base, latent=codes), classes


def dataset(labels) -> Dataset:
    labels = tuple(labels)
    return Dataset("many", 4, 4, labels, np.zeros((len(labels), 16), np.uint8))


@pytest.fixture
def scatter(qtbot):
    widget = LatentScatter()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def show(qtbot, scatter, snapshot, data) -> None:
    scatter.set_snapshot(snapshot, data)
    qtbot.wait(50)  # the view box takes its range
    scatter.getViewBox().autoRange()
    qtbot.wait(300)  # and the label timer places the labels


def colour_at(scatter, x: float, y: float) -> QColor:
    pixel = scatter.mapFromScene(scatter.getViewBox().mapViewToScene(QPointF(x, y)))
    return scatter.grab().toImage().pixelColor(pixel)


def test_ten_classes_get_a_legend_and_their_colours(qtbot, scatter, snapshot):
    codes, classes = snapshot
    show(qtbot, scatter, codes, dataset(str(k) for k in classes))
    entries = scatter.legend_entries
    assert [name for name, _ in entries] == [str(k) for k in range(10)]
    assert [colour.name() for _, colour in entries] == list(CLASS_COLOURS[:10])
    assert scatter.points_item.dense  # 5000 points on screen: dots in one image
    for k in (0, 3, 7):  # the middle of each tight cluster is painted in its class's colour
        assert colour_at(scatter, *CENTRES[k]).name() == CLASS_COLOURS[k]


def test_unique_labels_keep_one_ink_colour_and_no_legend(qtbot, scatter, snapshot):
    codes, _ = snapshot
    show(qtbot, scatter, codes, dataset(f"image {i}" for i in range(N)))
    assert scatter.legend_entries == []
    assert colour_at(scatter, *CENTRES[3]).name() == INK.name()
    assert all(rect is None for rect in scatter.label_rects())  # no text at this size


def test_text_labels_are_bounded_one_per_class(qtbot, scatter, snapshot):
    codes, classes = snapshot
    names = ("T-shirt", "Trouser", "Pullover", "Dress", "Coat",
             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")  # fmt: skip
    show(qtbot, scatter, codes, dataset(names[k] for k in classes))
    rects = scatter.label_rects()
    assert len(rects) == 10  # one per class, not one per point
    assert sum(rect is not None for rect in rects) == 10  # ten clusters far apart: all shown
    # Each class's label (in the legend's order: by name) sits by its cluster's centre.
    view = scatter.getViewBox()
    for k in (0, 5):
        centre = view.mapViewToScene(QPointF(*CENTRES[k]))
        rect = rects[sorted(names).index(names[k])]
        assert rect.adjusted(-20, -20, 20, 20).contains(centre)
        assert (
            not rects[sorted(names).index(names[k + 1])].adjusted(-20, -20, 20, 20).contains(centre)
        )


def test_labels_are_not_placed_on_every_snapshot(qtbot, scatter, snapshot, monkeypatch):
    codes, classes = snapshot
    show(qtbot, scatter, codes, dataset(str(k) for k in classes))
    calls = []
    real = gui.plots.latent_scatter.place_labels
    monkeypatch.setattr(gui.plots.latent_scatter, "place_labels",
                        lambda *a, **k: calls.append(1) or real(*a, **k))  # fmt: skip
    for i in range(30):  # 30 snapshots as fast as they come, each turning the plane a little
        turn = 0.02 * (i + 1)  # radians: the class centres move ~4 px a snapshot
        c, s = np.cos(turn), np.sin(turn)
        moved = codes.latent @ np.array([[c, s], [-s, c]])  # (n, 2)
        scatter.set_snapshot(dataclasses.replace(codes, latent=moved), scatter._dataset)
        qtbot.wait(5)
    qtbot.wait(300)
    assert 1 <= len(calls) <= 3  # the label timer's pace, not one placement per snapshot


def test_zooming_in_draws_symbols_again(qtbot, scatter, snapshot):
    codes, classes = snapshot
    show(qtbot, scatter, codes, dataset(str(k) for k in classes))
    assert scatter.points_item.dense
    x, y = CENTRES[2]
    scatter.getViewBox().setRange(xRange=(x - 0.2, x + 0.2), yRange=(y - 0.2, y + 0.2))
    qtbot.wait(50)
    scatter.grab()
    assert not scatter.points_item.dense  # a few hundred points shown: one symbol each
    assert DENSE_ABOVE < N


def test_clicking_a_point_names_its_image(qtbot, scatter, snapshot):
    codes, classes = snapshot
    data = dataset(str(k) for k in classes)
    show(qtbot, scatter, codes, data)
    index = 1234
    x, y = scatter.plane_points[index]
    scatter.getViewBox().setRange(xRange=(x - 0.05, x + 0.05), yRange=(y - 0.05, y + 0.05))
    qtbot.wait(50)
    pixel = scatter.mapFromScene(scatter.getViewBox().mapViewToScene(QPointF(x, y)))
    assert scatter.info_text == ""
    with qtbot.waitSignal(scatter.glyph_selected, timeout=1000) as selected:
        qtbot.mouseClick(scatter.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert selected.args == [index]
    assert scatter.info_text == f"image 1,234 of 5,000 · {classes[index]}"
    scatter.set_selected(index)  # as the window does: the ring is kept clear of class labels
    scatter.place_labels()


def test_hovering_over_a_point_names_its_image(qtbot, scatter, snapshot):
    codes, classes = snapshot
    show(qtbot, scatter, codes, dataset(str(k) for k in classes))
    view = scatter.getViewBox()
    empty = scatter.mapFromScene(view.mapViewToScene(QPointF(0, 0)))  # the ring's middle
    qtbot.mouseMove(scatter.viewport(), empty)
    qtbot.wait(20)
    assert scatter.info_text == ""  # nothing under the mouse
    index = 4321
    x, y = scatter.plane_points[index]
    view.setRange(xRange=(x - 0.05, x + 0.05), yRange=(y - 0.05, y + 0.05))
    qtbot.wait(50)
    qtbot.mouseMove(scatter.viewport(), scatter.mapFromScene(view.mapViewToScene(QPointF(x, y))))
    qtbot.waitUntil(lambda: scatter.info_text != "", timeout=1000)
    assert scatter.info_text == f"image 4,321 of 5,000 · {classes[index]}"


def test_which_text_labels_a_set_gets():
    """Bounded in every case: a label per glyph only for small sets of long names, a label
    per class where the points do not show their class themselves, else none."""
    from gui.plots.latent_plane import class_names, label_mode

    digits = tuple(str(i % 10) for i in range(1797))
    fashion = tuple(("Coat", "Bag", "Sandal")[i % 3] for i in range(1797))
    assert label_mode(tuple("abcdefgh")) is None  # letters: the points are the letters
    assert label_mode(("smile", "wink", "grin")) == "words"
    assert label_mode(digits) is None  # 1797 digit symbols show their class
    assert label_mode(digits * 4) == "classes"  # 7188 digits are drawn as dots
    assert label_mode(fashion) == "classes"
    assert label_mode(tuple(f"image {i}" for i in range(5000))) is None
    assert class_names(digits) == tuple(str(k) for k in range(10))
    assert class_names(tuple(str(k) for k in range(12))) is None  # unique labels: glyph names
    assert class_names(tuple(str(k) for k in range(21)) * 3) is None  # more than 20 classes

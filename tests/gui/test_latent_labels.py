"""Labels on the latent plane stay readable: word labels never overlap each other or the markers
(grin/laugh and smile/wink/love/meh once piled into unreadable clusters), and the selection
star does not cover the selected glyph's letter or word."""

import dataclasses
from itertools import combinations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from gui.plots.latent_scatter import PROBE_SIZE, LatentScatter


@pytest.fixture(scope="module")
def emoji_snapshot():
    """The emoji set with crafted codes: two tight clusters, the rest on a wide circle."""
    emoji = load_builtin("emoji12x12")
    model = Autoencoder(emoji.n_pixels, (8,), 2, seed=1)
    snapshot = Trainer(model, emoji.images, TrainConfig(epochs=2)).run()
    angles = np.linspace(0, 2 * np.pi, len(emoji), endpoint=False)
    codes = np.column_stack([np.cos(angles), np.sin(angles)])  # (32, 2)
    index = {label: i for i, label in enumerate(emoji.labels)}
    for label, (x, y) in {"grin": (0.0, 0.0), "laugh": (0.02, 0.01), "smile": (0.3, 0.3),
                          "wink": (0.31, 0.32), "love": (0.33, 0.29), "meh": (0.29, 0.31)}.items():  # fmt: skip
        codes[index[label]] = (x, y)
    return emoji, dataclasses.replace(snapshot, latent=codes), index


@pytest.fixture
def scatter(qtbot):
    widget = LatentScatter()
    qtbot.addWidget(widget)
    widget.resize(460, 420)  # the plane's size at 1280x800
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def overlapping(rects: list) -> list[tuple[int, int]]:
    shown = [(i, r) for i, r in enumerate(rects) if r is not None]
    return [(i, j) for (i, a), (j, b) in combinations(shown, 2) if a.intersects(b)]


def star_rect(scatter, code) -> QRectF:
    centre = scatter.getViewBox().mapViewToScene(QPointF(*code))
    half = PROBE_SIZE / 2
    return QRectF(centre.x() - half, centre.y() - half, 2 * half, 2 * half)


def test_word_labels_never_overlap_and_clear_the_star(qtbot, scatter, emoji_snapshot):
    emoji, snapshot, index = emoji_snapshot
    smile = index["smile"]
    scatter.set_snapshot(snapshot, emoji)
    scatter.set_selected(smile)
    scatter.set_probe(snapshot.latent[smile])  # the star sits on the selected glyph's point
    qtbot.waitUntil(lambda: not scatter._label_timer.isActive())
    rects = scatter.label_rects()
    assert overlapping(rects) == []
    assert rects[smile] is not None  # the selected glyph's word always shows...
    assert not rects[smile].intersects(star_rect(scatter, snapshot.latent[smile]))  # ...clear
    for cluster in (("grin", "laugh"), ("smile", "wink", "love", "meh")):
        assert any(rects[index[label]] is not None for label in cluster)
    assert sum(r is not None for r in rects) >= len(emoji) - 8  # only crowded ones hide

    # Negative control: every label above its point, as before, overlaps in both clusters.
    n = len(emoji)
    scatter._labels.set_layout(np.tile((0.5, 1.15), (n, 1)), np.ones(n, bool))
    pairs = overlapping(scatter.label_rects())
    assert (index["grin"], index["laugh"]) in pairs or (index["laugh"], index["grin"]) in pairs
    assert scatter.label_rects()[smile].intersects(star_rect(scatter, snapshot.latent[smile]))


def test_zooming_in_gives_hidden_labels_room(qtbot, scatter, emoji_snapshot):
    emoji, snapshot, index = emoji_snapshot
    scatter.set_snapshot(snapshot, emoji)
    qtbot.waitUntil(lambda: not scatter._label_timer.isActive())
    hidden = sum(r is None for r in scatter.label_rects())
    assert hidden > 0
    scatter.getViewBox().setRange(xRange=(0.25, 0.38), yRange=(0.25, 0.36), padding=0)
    qtbot.waitUntil(lambda: not scatter._label_timer.isActive())
    qtbot.wait(250)
    rects = scatter.label_rects()
    assert all(rects[index[label]] is not None for label in ("smile", "wink", "love", "meh"))
    assert overlapping(rects) == []


def test_the_star_is_drawn_under_the_selected_letter(qtbot, scatter):
    """Letters are the points themselves: the star, under them, leaves the letter's ink."""
    font = load_builtin("font5x7")
    model = Autoencoder(font.n_pixels, (8,), 2, seed=1)
    snapshot = Trainer(model, font.images, TrainConfig(epochs=2)).run()
    bar = font.labels.index("|")  # a letter whose ink runs through its centre
    codes = np.array(snapshot.latent, np.float64)
    codes[bar] = codes.mean(axis=0)
    snapshot = dataclasses.replace(snapshot, latent=codes)
    scatter.set_snapshot(snapshot, font)
    scatter.set_selected(bar)
    scatter.set_probe(codes[bar])
    qtbot.wait(20)

    def colour_at_the_letter():
        scene = scatter.getViewBox().mapViewToScene(QPointF(*codes[bar]))
        pixel = scatter.mapFromScene(scene)
        return scatter.grab().toImage().pixelColor(pixel)

    ink = colour_at_the_letter()
    assert ink.lightness() < 120  # the letter's dark ink (INK), not the star's orange
    scatter._probe_item.setZValue(50)  # negative control: the star on top hides the letter
    scatter._probe_item.update()
    covered = colour_at_the_letter()
    assert covered.red() > 200  # the star's orange


def test_word_labels_are_one_item_that_paints_every_shown_label(qtbot, scatter, emoji_snapshot):
    """32 word labels cost the window as much as 32 letters: no item per label (one TextItem
    each doubled the emoji VAE's repaint time), and each label still shows where it is placed."""
    emoji, snapshot, _index = emoji_snapshot
    font = load_builtin("font5x7")  # 32 one-letter labels, drawn as the points' symbols
    model = Autoencoder(font.n_pixels, (8,), 2, seed=1)
    scatter.set_snapshot(Trainer(model, font.images, TrainConfig(epochs=2)).run(), font)
    letters = len(scatter.scene().items())
    scatter.set_snapshot(snapshot, emoji)
    qtbot.waitUntil(lambda: not scatter._label_timer.isActive())
    assert len(scatter.scene().items()) == letters
    image = scatter.grab().toImage()
    shown = [r for r in scatter.label_rects() if r is not None]
    assert len(shown) >= len(emoji) - 8
    for rect in shown:  # the label's ink: dark pixels inside its box
        box = scatter.mapFromScene(rect).boundingRect().adjusted(2, 2, -2, -2)
        darkest = min(
            image.pixelColor(x, y).lightness()
            for x in range(box.left(), box.right(), 1)
            for y in range(box.top(), box.bottom(), 2)
        )
        assert darkest < 150, rect
    scatter._labels.hide()  # negative control: no labels painted, no ink in their boxes
    image = scatter.grab().toImage()
    box = scatter.mapFromScene(shown[0]).boundingRect().adjusted(2, 2, -2, -2)
    assert all(
        image.pixelColor(x, y).lightness() > 150
        for x in range(box.left(), box.right())
        for y in range(box.top(), box.bottom())
    )

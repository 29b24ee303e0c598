"""benchmarks/scatter_frame.py compares like with like: both items draw the same picture, and a
tiny run writes both sets' figures."""

import json

import numpy as np
import pytest

from benchmarks import scatter_frame
from engine.data.datasets import load_builtin


def darkness(plot) -> np.ndarray:
    """The plot's picture as darkness in 0..1, (h, w)."""
    plot.widget.viewport().repaint()
    image = plot.widget.grab().toImage()
    grey = np.array(
        [
            [image.pixelColor(x, y).value() for x in range(image.width())]
            for y in range(image.height())
        ]
    )
    return 1.0 - grey / 255.0


@pytest.mark.parametrize("set_name", ["font5x7", "digits"])
def test_both_items_draw_the_same_points(qtbot, set_name):
    dataset = load_builtin(set_name)
    xy = np.random.default_rng(0).uniform(-1, 1, (len(dataset), 2))
    pictures = []
    for kind in ("ours", "pyqtgraph"):
        plot = scatter_frame._Plot(kind, dataset)
        qtbot.addWidget(plot.widget)
        plot.widget.setXRange(-1.2, 1.2, padding=0)
        plot.widget.setYRange(-1.2, 1.2, padding=0)
        plot.move(xy)
        pictures.append(darkness(plot))
    ours, theirs = pictures
    assert ours.sum() == pytest.approx(theirs.sum(), rel=0.1)  # as much ink
    # ... in the same places: compared in 8x8-pixel blocks (antialiasing differs at the edges).
    h, w = (ours.shape[0] // 8) * 8, (ours.shape[1] // 8) * 8

    def blocks(a):
        return a[:h, :w].reshape(h // 8, 8, w // 8, 8).mean(axis=(1, 3))

    assert np.abs(blocks(ours) - blocks(theirs)).mean() < 0.1 * blocks(theirs).mean()
    shifted = np.roll(theirs, 10, axis=1)  # the control: the same points 10 pixels aside
    assert np.abs(blocks(ours) - blocks(shifted)).mean() > 0.3 * blocks(theirs).mean()


def test_a_tiny_run_writes_both_sets(qtbot, tmp_path):
    out = tmp_path / "frames.json"
    assert scatter_frame.main(["--rounds", "1", "--frames", "3", "--out", str(out)]) == 0
    sets = json.loads(out.read_text())["sets"]
    assert set(sets) == {"font5x7", "digits"}
    for row in sets.values():
        assert row["ours_ms"] > 0 and row["pyqtgraph_ms"] > 0
        assert row["ratio_median"] == pytest.approx(row["pyqtgraph_ms"] / row["ours_ms"])

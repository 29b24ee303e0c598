"""Point symbols made on demand: glyph thumbnails and the hollow ring of a held-out image.

A thumbnail is a path of the glyph's ink squares. Making all of them when a set arrives took
seconds for 60,000 MNIST images (and a 188 MB float copy of the pixels); `Thumbnails` makes
each when its point is first drawn, which at that size is only once zoomed in.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainterPath

from engine.data.datasets import Dataset
from gui.plots.latent_plane import glyph_symbol

RING_HOLE = 0.55  # the ring's inner diameter, as a fraction of its outer one


class Thumbnails(Sequence):
    """glyph_symbol of each image of `dataset`, made when first asked for and kept."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._paths: dict[int, QPainterPath] = {}

    def __len__(self) -> int:
        return len(self._dataset)

    def __getitem__(self, index: int) -> QPainterPath:  # type: ignore[override]
        path = self._paths.get(index)
        if path is None:
            path = self._paths[index] = glyph_symbol(self._dataset.image(index))
        return path


def ring_symbol() -> QPainterPath:
    """A hollow circle in the unit box, drawn with the brush (so it takes a class colour)."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    path.addEllipse(QRectF(-0.5, -0.5, 1, 1))
    path.addEllipse(QRectF(-RING_HOLE / 2, -RING_HOLE / 2, RING_HOLE, RING_HOLE))
    return path

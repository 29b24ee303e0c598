"""The gallery takes in a set of tens of thousands of images in slices, not in one freeze."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from engine.data.dataset import Dataset
from engine.data.datasets import load_builtin
from gui.data.glyph_gallery import LAYOUT_BATCH, GlyphGallery, GlyphListModel
from gui.data.glyph_set import GlyphSet

BIG = 30_000


def big_set() -> Dataset:
    """BIG tiny 4x4 images, each a different byte pattern (built in memory: ~0.5 MB)."""
    pixels = (np.arange(BIG * 16) % 251).astype(np.uint8).reshape(BIG, 16)  # (BIG, 16)
    return Dataset("big", 4, 4, tuple(str(i % 10) for i in range(BIG)), pixels)


@pytest.fixture
def gallery(qtbot, monkeypatch):
    """A shown gallery of the 5x7 font, counting Qt's calls of its model's rowCount."""
    calls = [0]
    row_count = GlyphListModel.rowCount

    def counted(self, *args):
        calls[0] += 1
        return row_count(self, *args)

    monkeypatch.setattr(GlyphListModel, "rowCount", counted)
    glyphs = GlyphSet(load_builtin("font5x7"))
    view = GlyphGallery(glyphs)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    return view, glyphs, calls


def slices_until_laid_out(view, calls, first: int) -> list[int]:
    """rowCount calls per pass of the event loop (first: those of the call itself) until the
    view's scroll range stops changing for a few passes (the layout has ended)."""
    counts, still, last = [first], 0, None
    for _ in range(2000):
        before = calls[0]
        QApplication.processEvents()
        counts.append(calls[0] - before)
        span = view.verticalScrollBar().maximum()
        still = still + 1 if span == last and counts[-1] == 0 else 0
        last = span
        if still >= 5:
            break
    return counts


def test_a_big_set_is_laid_out_in_slices_and_the_current_glyph_is_scrolled_to(gallery):
    view, glyphs, calls = gallery
    calls[0] = 0
    glyphs.set_dataset(big_set())
    glyphs.set_current(BIG - 5000)  # as a session restores its glyph: far past the first screen
    counts = slices_until_laid_out(view, calls, calls[0])
    # Every item laid out, in passes of at most a few batches' worth of Qt's questions: before,
    # the scroll to the current glyph laid out all BIG items (~4 calls each) inside one call.
    assert sum(counts) >= BIG
    assert max(counts) <= 4 * LAYOUT_BATCH, max(counts)
    current = view.currentIndex()
    assert current.row() == BIG - 5000
    assert [index.row() for index in view.selectedIndexes()] == [BIG - 5000]
    assert view.viewport().rect().intersects(view.visualRect(current))  # scrolled to, once placed


def test_a_small_set_is_laid_out_at_once(gallery):
    view, glyphs, _ = gallery
    glyphs.set_dataset(load_builtin("digits"))  # 1797 glyphs: two batches
    glyphs.set_dataset(load_builtin("emoji12x12"))
    glyphs.set_current(len(glyphs) - 1)
    QApplication.processEvents()
    last = view.model().index(len(glyphs) - 1)
    assert view.rectForIndex(last).isValid()
    assert view.viewport().rect().intersects(view.visualRect(last))

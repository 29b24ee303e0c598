"""Test images on the latent plane on demand: the "Show test images" box (off by default, off
without a split) draws the held-out images' codes as hollow rings, computed from the latest
snapshot off the GUI thread, or the codes the run already has."""

import numpy as np
import pytest
from PySide6.QtCore import QObject, QSettings

import gui.views.heldout_codes
from engine.data.datasets import load_builtin
from gui.views.latent_tab import LatentTab


@pytest.fixture
def tab(qtbot, run, tmp_path):
    store = QSettings(str(tmp_path / "view.ini"), QSettings.Format.IniFormat)
    widget = LatentTab(run, run.glyph_set, store)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_snapshot(run.snapshot)
    yield widget
    assert widget.heldout.wait(2000)


@pytest.fixture(scope="module")
def test_images():
    """Another 5x7 set standing in for a test split of the font."""
    font = load_builtin("font5x7")
    return font.replace(images=np.clip(font.images[::-1] + 0.0, 0, 1))


def test_the_box_is_off_and_disabled_without_test_images(tab):
    assert not tab.test_box.isEnabled()
    assert not tab.test_box.isChecked()
    assert len(tab.scatter.test_points) == 0


def test_ticking_the_box_encodes_the_test_images_off_the_gui_thread(
    qtbot, tab, run, test_images, monkeypatch
):
    threads = []
    real = gui.views.heldout_codes.encode_blocks

    def recording(model, images):
        threads.append(QObject().thread())
        return real(model, images)

    monkeypatch.setattr(gui.views.heldout_codes, "encode_blocks", recording)
    tab.set_test_data(test_images)
    assert tab.test_box.isEnabled()
    assert len(tab.scatter.test_points) == 0  # off by default
    tab.test_box.click()
    qtbot.waitUntil(lambda: len(tab.scatter.test_points) == len(test_images), timeout=5000)
    assert threads and threads[0] is not tab.thread()
    expected = run.snapshot.model.encode(test_images.images)  # (m, 2): the plane itself
    np.testing.assert_allclose(tab.scatter.test_points, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(tab.scatter.test_points, tab.scatter.plane_points)
    tab.test_box.click()  # off again: the rings go
    assert len(tab.scatter.test_points) == 0
    tab.test_box.click()
    qtbot.waitUntil(lambda: len(tab.scatter.test_points) == len(test_images), timeout=5000)
    tab.set_test_data(None)  # the split went away
    assert not tab.test_box.isEnabled() and not tab.test_box.isChecked()
    assert len(tab.scatter.test_points) == 0


def test_codes_the_run_has_are_shown_as_they_are(qtbot, tab, test_images, monkeypatch):
    monkeypatch.setattr(gui.views.heldout_codes, "encode_blocks", None)  # never called
    given = np.random.default_rng(0).normal(size=(len(test_images), 2))
    tab.set_test_data(test_images)
    tab.set_test_codes(given)
    assert len(tab.scatter.test_points) == 0  # still off
    tab.test_box.click()
    np.testing.assert_allclose(tab.scatter.test_points, given)


def test_the_runs_own_split_shows_from_the_snapshot(qtbot, tab, run, monkeypatch):
    """A run that held out images itself (Snapshot.test_rows) has their codes already: the box
    draws exactly those, and nothing is encoded."""
    import dataclasses

    monkeypatch.setattr(gui.views.heldout_codes, "encode_blocks", None)  # never called
    assert not tab.test_box.isEnabled()
    rows = np.zeros(len(run.dataset), bool)
    rows[[1, 5, 9, 30]] = True
    split = dataclasses.replace(run.snapshot, test_rows=rows)
    tab.show_snapshot(split)
    assert tab.test_box.isEnabled()
    assert len(tab.scatter.test_points) == 0  # off by default
    tab.test_box.click()
    np.testing.assert_allclose(tab.scatter.test_points, split.latent[rows])
    tab.show_snapshot(run.snapshot)  # a run without a split: the box goes off
    assert not tab.test_box.isEnabled() and not tab.test_box.isChecked()
    assert len(tab.scatter.test_points) == 0

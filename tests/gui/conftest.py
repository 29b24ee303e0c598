"""Fixtures shared by the window's tab tests."""

import pytest
from PySide6.QtCore import QSettings

from engine.data.datasets import load_builtin
from gui.app import configure_process
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController


@pytest.fixture(scope="session", autouse=True)
def _configured_like_the_app(qapp):
    """As `python main.py` runs: one BLAS thread, garbage collected in the GUI thread only
    (a collection in a worker thread deadlocked the suite; see gui.app)."""
    configure_process()


@pytest.fixture
def run(qtbot, tmp_path):
    """A run of the 5x7 font with its own settings file; its threads are gone after the test."""
    glyphs = GlyphSet(load_builtin("font5x7"))
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    controller = RunController(glyphs, store=store)
    yield controller
    assert controller.shutdown(1000)

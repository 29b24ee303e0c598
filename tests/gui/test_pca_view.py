"""The PCA comparison driven like a person: the tab is shown, PCA arrives from its thread, a
point is clicked, a column is sorted, a glyph is edited. Numbers are checked against engine.pca."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.pca import compare_with_pca, fit_pca
from gui.run.run_controller import RunController
from gui.views.pca_view import PCAView
from tests.gui.windows import shown

TIMEOUT = 10_000  # ms; the first fit imports scikit-learn (~2 s on a busy machine)


@pytest.fixture
def view(qtbot, run):
    widget = shown(qtbot, PCAView(run, run.glyph_set), (1000, 700))
    qtbot.waitUntil(lambda: widget.table_model.glyph_count == 32, timeout=TIMEOUT)
    yield widget
    assert widget.wait_for_fit(2000), "the PCA thread did not finish"


def expected_values(run: RunController) -> np.ndarray:
    images = run.glyph_set.dataset().images
    pca = fit_pca(images, run.snapshot.model.latent)
    comparison = compare_with_pca(run.snapshot.model, images, pca)
    return np.column_stack([pca.wrong, comparison.ae_wrong, pca.mse, comparison.ae_mse])


def test_the_table_fills_with_the_engines_numbers(view, run):
    model = view.table_model
    assert model.rowCount() == 32 + 3
    rows = expected_values(run)
    values = model.values()
    np.testing.assert_allclose(values[:32], rows, rtol=1e-9)
    np.testing.assert_allclose(values[32:], [rows.max(0), rows.sum(0), rows.mean(0)], rtol=1e-9)
    assert [model.index(32 + i, 0).data() for i in range(3)] == ["max", "total", "mean"]
    assert model.index(1, 0).data() == "a"
    assert model.index(1, 1).data() == f"{rows[1, 0]:.0f}"
    pca = view.pca
    assert pca.n_components == run.snapshot.model.latent == 2
    assert f"{100 * pca.total_explained_variance:.1f}%" in view.status_label.text()
    assert f"PC1 {100 * pca.explained_variance_ratio[0]:.1f}%" in view.status_label.text()


def isolated_glyph(scatter, other_than: int) -> int:
    """The glyph whose nearest neighbour on screen is farthest away (safe to click)."""
    plane = scatter.plane_points / np.array(scatter.getViewBox().viewPixelSize())
    distance = np.hypot(*(plane[:, None, :] - plane[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(distance, np.inf)
    room = distance.min(axis=1)
    room[other_than] = -1
    return int(np.argmax(room))


@pytest.mark.parametrize("side", ["pca_scatter", "ae_scatter"])
def test_clicking_a_point_selects_the_glyph_everywhere(qtbot, view, run, side):
    scatter = getattr(view, side)
    qtbot.wait(50)  # let the view boxes take their size and range (QT-NOTES section 5)
    index = isolated_glyph(scatter, other_than=run.glyph_set.current)
    x, y = scatter.plane_points[index]
    pos = scatter.mapFromScene(scatter.getViewBox().mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(scatter.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert run.glyph_set.current == index
    assert view.pca_scatter.selected == view.ae_scatter.selected == index
    assert view.table_model.glyph_at(view.table.currentIndex().row()) == index


def test_clicking_a_table_row_selects_the_glyph(qtbot, view, run):
    rect = view.table.visualRect(view.table_model.index(4, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert run.glyph_set.current == 4
    assert view.pca_scatter.selected == 4


def test_sorting_a_column_keeps_the_summary_rows_last(qtbot, view):
    model, header = view.table_model, view.table.horizontalHeader()
    section = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    pos = header.rect().center()
    pos.setX(section)
    for order in ("ascending", "descending"):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        shown = [model.glyph_at(row) for row in range(32)]
        pca_wrong = model.values()[shown, 0]
        steps = np.diff(pca_wrong)
        assert np.all(steps >= 0) if order == "ascending" else np.all(steps <= 0)
        assert sorted(shown) == list(range(32))
        assert [model.index(32 + i, 0).data() for i in range(3)] == ["max", "total", "mean"]


def test_training_updates_the_autoencoder_column(qtbot, view, run):
    before = view.table_model.values()[:32, 1].copy()
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        run.step(150)
    qtbot.waitUntil(
        lambda: np.allclose(view.table_model.values()[:32], expected_values(run)), timeout=3000
    )
    assert not np.array_equal(view.table_model.values()[:32, 1], before)


def test_editing_a_glyph_refits_pca(qtbot, view, run):
    glyphs = run.glyph_set
    old = view.pca
    glyphs.set_pixel(3, 0, 0, 1.0 - glyphs.image(3)[0, 0])
    qtbot.waitUntil(
        lambda: view.pca is not old and view.table_model.glyph_count == 32, timeout=TIMEOUT
    )
    np.testing.assert_allclose(view.table_model.values()[:32], expected_values(run), rtol=1e-9)


def test_a_hidden_pca_tab_never_imports_scikit_learn():
    """At window start the tab exists but is not shown: no fit, no 1.7 s import."""
    code = textwrap.dedent(
        """
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from engine.data.datasets import load_builtin
        from gui.data.glyph_set import GlyphSet
        from gui.views.pca_view import PCAView
        from gui.run.run_controller import RunController
        glyphs = GlyphSet(load_builtin("font5x7"))
        view = PCAView(RunController(glyphs), glyphs)
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            app.processEvents()
        print("sklearn" in sys.modules, view.pca is None)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]

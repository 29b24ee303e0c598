"""The interpolation tab driven like a person: two glyphs, K frames, Play, export, add a frame."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.latent import interpolate
from engine.metrics import wrong_pixels
from engine.nearest import nearest_images
from gui.plots.latent_scatter import LatentScatter
from gui.views.interpolation_view import InterpolationView
from tests.gui.windows import shown

TIMEOUT = 10_000


@pytest.fixture
def trained(qtbot, run):
    with qtbot.waitSignal(
        run.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s in ("paused", "finished")
    ):
        run.step(300)
    return run


@pytest.fixture
def view(qtbot, trained):
    widget = shown(qtbot, InterpolationView(trained, trained.glyph_set), (1000, 700))
    return widget


def test_the_strip_walks_the_straight_line_between_the_two_codes(qtbot, view, trained):
    glyphs, model = trained.glyph_set, trained.snapshot.model
    a, b = glyphs.dataset().labels.index("o"), glyphs.dataset().labels.index("x")
    with qtbot.waitSignal(view.path_changed, timeout=1000):
        view.set_glyphs(a, b)
    view.frames_spin.setValue(7)
    images = glyphs.dataset().images
    codes = model.encode(images[[a, b]])
    path = interpolate(codes[0], codes[1], 7)
    np.testing.assert_allclose(view.path, path)
    assert view.strip.count() == 7 and view.frames.shape == (7, 35)
    # The ends are the two glyphs' reconstructions; the distances are the engine's.
    wrong = wrong_pixels(model.reconstruct(images[[a, b]]), images[[a, b]])
    assert wrong_pixels(view.frames[[0, -1]], images[[a, b]]).tolist() == wrong.tolist()
    index, distance = nearest_images(model.decode(path), images)
    np.testing.assert_array_equal(view.nearest, index)
    np.testing.assert_array_equal(view.distance, distance)
    labels = glyphs.dataset().labels
    assert view.strip.item(3).text() == f"{distance[3]} px · {labels[index[3]]}"


def test_defaults_and_the_frame_count_spin_box(qtbot, view, trained):
    current = trained.glyph_set.current
    assert view.start_index == current and view.end_index != current
    assert view.strip.count() == 10
    view.frames_spin.setFocus()
    view.frames_spin.selectAll()
    qtbot.keyClicks(view.frames_spin, "15")
    qtbot.keyClick(view.frames_spin, Qt.Key.Key_Enter)
    assert view.strip.count() == 15 and view.path.shape == (15, trained.snapshot.model.latent)


def test_play_advances_the_large_frame_and_stop_halts_it(qtbot, view):
    assert view.frame == 0
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    assert view.play_button.text() == "Stop"
    qtbot.waitUntil(lambda: view.frame >= 2, timeout=2000)
    assert view.strip.currentRow() == view.frame
    assert f"frame {view.frame + 1} of 10" in view.canvas_caption.text()
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    stopped = view.frame
    qtbot.wait(400)
    assert view.frame == stopped and view.play_button.text() == "Play"


def test_export_writes_the_strip_as_a_png(qtbot, view, tmp_path):
    target = tmp_path / "strip.png"
    view._ask_save_path = lambda: str(target)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1 + 10 * (5 * 6 + 1), 1 + 7 * 6 + 1)


def test_add_frame_appends_the_shown_frame(qtbot, view, trained):
    glyphs = trained.glyph_set
    n = len(glyphs)
    view.strip.setCurrentRow(4)
    assert view.frame == 4
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert len(glyphs) == n + 1
    np.testing.assert_allclose(glyphs.image(n).ravel(), view.frames[4], atol=1e-6)


def test_the_path_is_drawn_on_the_scatter_projected_when_latent_is_larger(qtbot, run):
    run.update_settings(latent=3)
    view = InterpolationView(run, run.glyph_set)
    scatter = LatentScatter()
    for widget in (view, scatter):
        qtbot.addWidget(widget)
    view.path_changed.connect(scatter.set_path)
    scatter.set_snapshot(run.snapshot, run.dataset)
    view.frames_spin.setValue(5)
    assert view.path.shape == (5, 3)
    np.testing.assert_allclose(scatter.path_points, scatter.projection.to_plane(view.path))
    view.path_check.setChecked(False)
    assert len(scatter.path_points) == 0


def test_a_hidden_tab_keeps_the_path_but_draws_the_strip_when_shown(qtbot, trained):
    widget = InterpolationView(trained, trained.glyph_set)
    qtbot.addWidget(widget)
    assert not widget.isVisible()
    with qtbot.waitSignal(widget.path_changed, timeout=1000):
        widget.frames_spin.setValue(6)
    assert widget.path.shape[0] == 6  # the latent plot still gets the new path
    assert widget.strip.count() != 6  # but nothing was drawn behind another tab
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.strip.count() == 6

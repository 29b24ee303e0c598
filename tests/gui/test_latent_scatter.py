"""The latent plane: clicks and drags pick latent points, glyph points select glyphs, PCA lifts."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from gui.plots.latent_plane import Projection
from gui.plots.latent_scatter import LatentScatter


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


def trained_snapshot(font, latent: int = 2, epochs: int = 60):
    model = Autoencoder(font.n_pixels, (16,), latent, seed=1)
    trainer = Trainer(model, font.images, TrainConfig(epochs=epochs, stop_max_wrong_pixels=None))
    return trainer.run()


@pytest.fixture
def scatter(qtbot, font):
    widget = LatentScatter()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    widget.set_snapshot(trained_snapshot(font), font)
    qtbot.waitExposed(widget)
    qtbot.wait(50)  # let the view box take its size and range
    return widget


def pixel_of(scatter, x: float, y: float):
    """The viewport pixel showing plot point (x, y) (QT-NOTES section 5)."""
    view = scatter.getViewBox()
    return scatter.mapFromScene(view.mapViewToScene(QPointF(x, y)))


def empty_spot(scatter) -> tuple[float, float]:
    """A plot point at least 40 screen pixels from every glyph, inside the view."""
    (x0, x1), (y0, y1) = scatter.getViewBox().viewRange()
    px, py = scatter.getViewBox().viewPixelSize()
    plane = scatter.plane_points
    for fx in np.linspace(0.1, 0.9, 9):
        for fy in np.linspace(0.1, 0.9, 9):
            x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
            if np.hypot((plane[:, 0] - x) / px, (plane[:, 1] - y) / py).min() > 40:
                return x, y
    raise AssertionError("no empty spot on the plane")


def test_click_on_the_plane_emits_that_latent_point(qtbot, scatter):
    x, y = empty_spot(scatter)
    with qtbot.waitSignal(scatter.point_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(scatter.viewport(), Qt.MouseButton.LeftButton, pos=pixel_of(scatter, x, y))
    code = blocker.args[0]
    px, py = scatter.getViewBox().viewPixelSize()
    assert code.shape == (2,)
    assert abs(code[0] - x) <= 2 * px and abs(code[1] - y) <= 2 * py


def test_click_on_a_glyph_selects_it_and_emits_its_code(qtbot, scatter, font):
    index = font.labels.index("m")
    x, y = scatter.plane_points[index]
    with (
        qtbot.waitSignal(scatter.glyph_selected, timeout=1000) as selected,
        qtbot.waitSignal(scatter.point_clicked, timeout=1000) as clicked,
    ):
        qtbot.mouseClick(scatter.viewport(), Qt.MouseButton.LeftButton, pos=pixel_of(scatter, x, y))
    # Several glyphs may sit within a few pixels; the nearest one is picked.
    picked = selected.args[0]
    assert (
        np.hypot(*(scatter.plane_points[picked] - (x, y)))
        <= np.hypot(*scatter.getViewBox().viewPixelSize()) * 12
    )
    np.testing.assert_allclose(clicked.args[0], scatter.plane_points[picked], rtol=1e-6)


def test_left_drag_decodes_along_the_way_and_does_not_pan(qtbot, scatter):
    view = scatter.getViewBox()
    before = np.array(view.viewRange())
    x, y = empty_spot(scatter)
    start = pixel_of(scatter, x, y)
    points = []
    scatter.point_clicked.connect(lambda code: points.append(code))
    viewport = scatter.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, start + type(start)(8 * step, 5 * step))
        qtbot.wait(10)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + type(start)(40, 25))
    assert len(points) >= 3
    assert points[-1][0] > points[0][0] and points[-1][1] < points[0][1]  # right and down
    np.testing.assert_allclose(np.array(view.viewRange()), before)


def test_markers_follow_the_codes(qtbot, scatter):
    code = np.array([0.25, -0.5])
    scatter.set_probe(code)
    scatter.set_generator_point(code)
    scatter.set_selected(3)
    probe_x, probe_y = scatter._probe_item.getData()
    assert (probe_x[0], probe_y[0]) == pytest.approx(tuple(code))
    selected_x, selected_y = scatter._selected_item.getData()
    assert (selected_x[0], selected_y[0]) == pytest.approx(tuple(scatter.plane_points[3]))
    scatter.set_probe(None)
    assert len(scatter._probe_item.getData()[0]) == 0


def test_thumbnails_and_decoded_background(qtbot, scatter, font):
    scatter.set_thumbnails(True)
    scatter.set_background_visible(True)
    qtbot.waitUntil(lambda: scatter._background.image is not None, timeout=2000)
    picture = scatter._background.image
    assert picture.shape[0] % (font.height + 1) == 0 and picture.shape[1] % (font.width + 1) == 0
    assert picture.min() < 255  # some ink was decoded
    image = scatter.grab().toImage()
    assert not image.isNull()
    scatter.set_thumbnails(False)
    scatter.set_background_visible(False)
    assert not scatter._background.isVisible()


def test_pca_plane_for_more_than_two_latent_dimensions(qtbot, scatter, font):
    snapshot = trained_snapshot(font, latent=4, epochs=30)
    scatter.set_snapshot(snapshot, font)
    projection = scatter.projection
    assert projection.is_pca
    assert "PCA" in scatter.getPlotItem().getAxis("bottom").labelText
    plane = projection.to_plane(snapshot.latent)
    np.testing.assert_allclose(scatter.plane_points, plane)
    # lifting a plane point and projecting it again gives the same point back
    for x, y in plane[:5]:
        np.testing.assert_allclose(projection.to_plane(projection.lift(x, y))[0], (x, y), atol=1e-9)
    x, y = empty_spot(scatter)
    with qtbot.waitSignal(scatter.point_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(scatter.viewport(), Qt.MouseButton.LeftButton, pos=pixel_of(scatter, x, y))
    assert blocker.args[0].shape == (4,)
    px, py = scatter.getViewBox().viewPixelSize()
    back = projection.to_plane(blocker.args[0])[0]
    assert abs(back[0] - x) <= 2 * px and abs(back[1] - y) <= 2 * py


def test_pca_keeps_its_orientation_between_fits():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(40, 3)) * [3.0, 1.0, 0.2]
    projection = Projection(3)
    projection.fit(codes)
    first = projection.to_plane(codes)
    projection.fit(codes + rng.normal(scale=1e-3, size=codes.shape))
    np.testing.assert_allclose(projection.to_plane(codes), first, atol=0.05)


def test_long_labels_hide_under_thumbnails_and_follow_their_points(qtbot):
    emoji = load_builtin("emoji12x12")  # labels like "grin": text beside the points
    widget = LatentScatter()
    qtbot.addWidget(widget)
    widget.show()
    first, second = trained_snapshot(emoji, epochs=5), trained_snapshot(emoji, epochs=40)
    widget.set_snapshot(first, emoji)
    labels = widget._labels  # one item draws every word label
    assert len(labels.sizes) == len(emoji) and labels.isVisible()
    assert all(rect is not None for rect in labels.rects())  # shown until placed
    widget.set_thumbnails(True)
    widget.set_snapshot(second, emoji)  # a new snapshot keeps them hidden, and moves them
    assert not labels.isVisible()
    np.testing.assert_allclose(labels.points, widget.plane_points)
    widget.set_thumbnails(False)
    assert labels.isVisible()


@pytest.mark.parametrize("latent", [2, 4])
def test_a_snapshot_with_nan_codes_moves_the_finite_points(qtbot, scatter, font, latent):
    from types import SimpleNamespace

    snapshot = trained_snapshot(font, latent=latent, epochs=20)
    codes = snapshot.latent.copy()
    codes[0], codes[1, 0] = np.nan, np.inf  # what a step that diverged encodes
    broken = SimpleNamespace(latent=codes, logvar=None, model=snapshot.model)
    scatter.set_snapshot(broken, font)
    scatter.grab()  # painted without an error
    shown = scatter.plane_points[2:]
    assert np.isfinite(shown).all()
    np.testing.assert_allclose(shown, scatter.projection.to_plane(codes[2:]))

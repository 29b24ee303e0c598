"""The plots' auto range holds still while the data move inside it, and follows when they leave."""

import numpy as np
import pyqtgraph as pg
import pytest

from engine.data.datasets import load_builtin
from engine.models import Autoencoder
from engine.train_config import TrainConfig
from engine.training import Trainer
from gui.plots.sticky_view import MARGIN, SHRINK, StickyViewBox, sticky_range


@pytest.mark.parametrize(
    ("wanted", "current", "expected"),
    [
        ((0.0, 1.0), (-0.5, 1.5), None),  # inside and half the view: keep
        ((0.2, 0.3), (0.25, 0.25), (0.2 - MARGIN * 0.1, 0.3 + MARGIN * 0.1)),  # a new view
        ((0.0, 2.0), (-0.5, 1.5), (-MARGIN * 2, 2 + MARGIN * 2)),  # left the view: refit
        ((0.0, 1.0), (-10.0, 10.0), (-MARGIN, 1 + MARGIN)),  # shrank to 5 %: refit
        ((1.0, 1.0), (0.0, 2.0), None),  # a single value inside the view
    ],
)
def test_sticky_range(wanted, current, expected):
    got = sticky_range(wanted, current)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_shrink_bound_is_the_limit():
    assert sticky_range((0.0, SHRINK * 10), (0.0, 10.0)) is None
    assert sticky_range((0.0, 0.99 * SHRINK * 10), (0.0, 10.0)) is not None


def test_view_keeps_its_range_while_points_move_inside(qtbot):
    view = StickyViewBox()
    widget = pg.PlotWidget(viewBox=view)
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.show()
    scatter = pg.ScatterPlotItem()
    widget.addItem(scatter)
    rng = np.random.default_rng(0)
    points = rng.normal(size=(32, 2))
    scatter.setData(pos=points)
    qtbot.waitUntil(lambda: view.viewRange()[0][1] > points[:, 0].max())
    first = [list(r) for r in view.viewRange()]
    for _ in range(5):  # small steps, as a model's codes move between snapshots
        points = points * 1.02 + 0.01
        scatter.setData(pos=points)
        qtbot.wait(20)  # painted: the auto range has had its say
        assert [list(r) for r in view.viewRange()] == first
    spread = points * 5  # the codes spread out: the view must follow
    scatter.setData(pos=spread)

    def shows_all() -> bool:
        (x0, x1), (y0, y1) = view.viewRange()
        return bool(
            x0 <= spread[:, 0].min() and spread[:, 0].max() <= x1
            and y0 <= spread[:, 1].min() and spread[:, 1].max() <= y1
        )  # fmt: skip

    qtbot.waitUntil(shows_all, timeout=1000)


def test_a_person_zooming_turns_following_off(qtbot):
    view = StickyViewBox()
    widget = pg.PlotWidget(viewBox=view)
    qtbot.addWidget(widget)
    widget.show()
    scatter = pg.ScatterPlotItem(pos=np.array([[0.0, 0.0], [1.0, 1.0]]))
    widget.addItem(scatter)
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= 1.0)
    view.scaleBy((0.5, 0.5))  # what the wheel does
    zoomed = [list(r) for r in view.viewRange()]
    scatter.setData(pos=np.array([[0.0, 0.0], [9.0, 9.0]]))
    qtbot.wait(50)
    assert [list(r) for r in view.viewRange()] == zoomed
    view.enableAutoRange()  # "View All"
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= 9.0, timeout=1000)


def font_snapshots(epochs: int) -> list:
    """A small font AE's snapshots every 10 epochs up to `epochs`, and the final one."""
    font = load_builtin("font5x7")
    trainer = Trainer(
        Autoencoder(font.n_pixels, hidden=(16,)), font.images, TrainConfig(epochs=10 * epochs)
    )
    snapshots = []
    trainer.run(epochs=epochs, on_snapshot=snapshots.append, snapshot_every=10)
    return snapshots


def test_loss_plot_coalesces_a_burst_of_snapshots(qtbot):
    from gui.plots.loss_plot import REFRESH_MS, LossPlot

    snapshots = font_snapshots(30)
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    drawn = []
    plot.loss_curve.sigPlotChanged.connect(lambda item: drawn.append(len(item.getData()[0])))
    for snapshot in snapshots:  # epochs 10, 20, 30, 30 (the end) within a millisecond
        plot.set_snapshot(snapshot)
    assert drawn == [11]  # the first at once, the rest wait
    qtbot.waitUntil(lambda: len(drawn) == 2, timeout=REFRESH_MS * 5)
    qtbot.wait(REFRESH_MS + 50)
    assert drawn == [11, 31]  # only the newest of the burst, once


def test_a_growing_axis_gets_room_ahead_and_a_margin_behind():
    assert sticky_range((0.0, 2.0), (-0.5, 1.5), grow=0.5) == pytest.approx((-MARGIN * 2, 3.0))
    # Leaving through the bottom end (a falling loss): the room goes below.
    assert sticky_range((-1.0, 1.0), (-0.5, 1.5), grow=0.5) == pytest.approx((-2.0, 1 + MARGIN * 2))
    # Shrinking inside the view is no growth: the usual margins.
    assert sticky_range((0.0, 1.0), (-10.0, 10.0), grow=0.5) == pytest.approx((-MARGIN, 1 + MARGIN))


def test_loss_plot_leaves_room_for_epochs_while_running_and_fits_when_it_stops(qtbot):
    from gui.plots.loss_plot import ROOM_AHEAD, LossPlot

    snapshots = font_snapshots(400)
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    view = plot.wrong_plot.getViewBox()
    refits = []  # (last epoch drawn, right end of the view) at each change of the x range
    for snapshot in snapshots[:-1]:  # epochs 10 .. 400, drawn as they come
        right = view.viewRange()[0][1]
        plot.set_snapshot(snapshot)
        plot._rate.run_now()
        qtbot.wait(2)  # painted: the auto range has had its say
        if view.viewRange()[0][1] != right:
            refits.append((snapshot.epoch, view.viewRange()[0][1]))
    # Following every 15 % of growth (no room ahead) would refit about 20 times here.
    assert 2 <= len(refits) <= 10, refits
    for epoch, right in refits[1:]:  # each refit leaves room for half the epochs so far
        assert right >= epoch + 0.9 * ROOM_AHEAD * epoch
    plot.set_snapshot(snapshots[-1])
    plot.flush()  # the run ended: fit the epochs run
    assert 400 <= view.viewRange()[0][1] < 400 * 1.1


def test_a_lone_first_evaluation_is_a_dot_at_epoch_0_of_0_to_1(qtbot):
    """A run paused within its first epoch showed an empty plot over epochs -0.4..0.4: one
    point draws no line, and fitting it centred it."""
    from gui.plots.loss_plot import LossPlot

    font = load_builtin("font5x7")
    trainer = Trainer(Autoencoder(font.n_pixels, hidden=(16,)), font.images, TrainConfig())
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_snapshot(trainer.snapshot())  # epoch 0, scored
    plot.flush()  # paused: fit what there is
    qtbot.wait(2)  # painted: the auto range has had its say
    assert plot.loss_plot.getViewBox().viewRange()[0] == pytest.approx([0, 1])
    assert plot.wrong_plot.getViewBox().viewRange()[0] == pytest.approx([0, 1])
    dots = plot.loss_curve.scatter
    assert dots.isVisible() and len(dots.data) == 1
    plot.set_snapshot(font_snapshots(20)[-1])  # two evaluations and more: lines, no dots
    plot.flush()
    qtbot.wait(2)
    assert plot.loss_curve.opts["symbol"] is None
    assert plot.loss_plot.getViewBox().viewRange()[0][1] >= 20

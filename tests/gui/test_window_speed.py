"""What the GUI thread does per snapshot while training runs: every millisecond of it is taken
from the training thread (they share the GIL and two cores; docs/window_speed.md). Hidden tabs
do no work until they are shown, and the readouts people read rather than watch refresh a few
times a second, however fast snapshots come."""

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QTabWidget

import gui.plots.latent_scatter as latent_scatter
import gui.views.interpolation_view as interpolation_view
import gui.views.vae_panel as vae_panel
import gui.widgets.rate_limit as rate_limit
from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from gui.plots.latent_scatter import LatentScatter
from gui.plots.loss_plot import LossPlot
from gui.views.interpolation_view import InterpolationView
from gui.views.vae_panel import VAEInsightPanel

TIMEOUT = 10_000
SNAPSHOTS_PER_SECOND = 30  # the worker's limit (gui.run.training_worker.SNAPSHOT_SECONDS)


def step(qtbot, run, epochs: int) -> None:
    with qtbot.waitSignal(run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        run.step(epochs)


def counting(monkeypatch, module, name: str) -> list:
    """Replace module.name by a wrapper that records each call; returns the record."""
    calls = []
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def behind_another_tab(qtbot, page):
    """`page` on the second tab of a shown QTabWidget whose first tab is current."""
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("another view"), "Other")
    tabs.addTab(page, "Page")
    tabs.resize(900, 600)
    tabs.show()
    qtbot.waitExposed(tabs)
    assert not page.isVisible()
    return tabs


def test_a_hidden_vae_tab_scores_nothing_while_training_and_is_current_when_shown(
    qtbot, run, monkeypatch
):
    run.change_kind("vae")
    step(qtbot, run, 20)
    panel = VAEInsightPanel(run, run.glyph_set)
    tabs = behind_another_tab(qtbot, panel)
    scored = counting(monkeypatch, vae_panel, "grid_quality")
    step(qtbot, run, 100)  # snapshots while the tab is hidden
    qtbot.wait(2 * vae_panel.REFRESH_MS)  # the panel's refresh timer has fired
    assert scored == []  # nothing decoded or scored behind another tab
    assert f"Epoch {run.snapshot.epoch}:" not in panel.kl_label.text()
    tabs.setCurrentWidget(panel)  # shown: up to date before it paints
    assert len(scored) == 1
    assert f"Epoch {run.snapshot.epoch}:" in panel.kl_label.text()


def test_a_hidden_interpolation_tab_moves_the_path_but_decodes_no_frames(qtbot, run, monkeypatch):
    step(qtbot, run, 20)
    view = InterpolationView(run, run.glyph_set)
    tabs = behind_another_tab(qtbot, view)
    scored = counting(monkeypatch, interpolation_view, "nearest_images")
    paths = []
    view.path_changed.connect(paths.append)
    step(qtbot, run, 100)
    qtbot.waitUntil(lambda: len(paths) > 0, timeout=TIMEOUT)  # the plane's path still follows
    assert scored == []  # but no frame was decoded and scored behind another tab
    tabs.setCurrentWidget(view)
    assert len(scored) == 1
    assert f"Epoch {run.snapshot.epoch}," in view.summary_label.text()


class FakeClock:
    """time.monotonic for the rate limits, moved by hand: the test decides when snapshots come."""

    def __init__(self) -> None:
        self.now = time.monotonic() + 10  # every rate limit's last refresh is long past

    def monotonic(self) -> float:
        return self.now


def stream(clock: FakeClock, deliver, seconds: float = 1.0) -> None:
    """Call deliver() as the pacer would at the worker's full snapshot rate for `seconds`."""
    for _ in range(round(seconds * SNAPSHOTS_PER_SECOND)):
        deliver()
        clock.now += 1 / SNAPSHOTS_PER_SECOND


def test_the_loss_plot_redraws_at_most_twice_a_second_while_snapshots_stream(
    qtbot, run, monkeypatch
):
    clock = FakeClock()
    monkeypatch.setattr(rate_limit, "time", clock)
    plot = LossPlot()
    qtbot.addWidget(plot)
    drawn = []
    plot.loss_curve.sigPlotChanged.connect(lambda _item: drawn.append(1))
    stream(clock, lambda: plot.set_snapshot(run.snapshot))
    assert 1 <= len(drawn) <= 2  # 30 snapshots in a second: the curves move twice


@pytest.fixture
def window(make_window):
    win = make_window(ini="s.ini", errors=False, discard=False)
    yield win
    win.run.shutdown(1000)  # then make_window closes it


def test_the_readouts_refresh_at_most_four_times_a_second_while_snapshots_stream(
    qtbot, window, monkeypatch
):
    """The generator's picture, the editor glyph's round trip, the status bar summary and the
    progress bar: read, not watched. The latent plane takes every snapshot."""
    clock = FakeClock()
    monkeypatch.setattr(rate_limit, "time", clock)
    decoded = counting(monkeypatch, window.generator, "set_snapshot")
    moved = counting(monkeypatch, window.latent_scatter, "set_snapshot")
    progress = []
    window.training_panel.progress_bar.valueChanged.connect(progress.append)
    epochs = iter(range(1, 1000))

    def deliver():  # what the snapshot pacer does with each snapshot it shows
        window.run._show_snapshot(dataclasses.replace(window.run.snapshot, epoch=next(epochs)))

    stream(clock, deliver)
    assert len(moved) == SNAPSHOTS_PER_SECOND
    assert 1 <= len(decoded) <= 4
    assert 1 <= len(progress) <= 4


def test_word_labels_are_placed_again_only_once_a_point_moved_a_pixel(qtbot, monkeypatch):
    emoji = load_builtin("emoji12x12")
    model = Autoencoder(emoji.n_pixels, (8,), 2, seed=1)
    snapshot = Trainer(model, emoji.images, TrainConfig(epochs=2)).run()
    scatter = LatentScatter()
    qtbot.addWidget(scatter)
    scatter.resize(460, 420)
    scatter.show()
    qtbot.waitExposed(scatter)
    placed = counting(monkeypatch, latent_scatter, "place_labels")
    scatter.set_snapshot(snapshot, emoji)
    scatter.place_labels()
    assert len(placed) == 1
    codes = snapshot.latent
    span = float(np.ptp(codes))
    still = dataclasses.replace(snapshot, latent=codes + span * 1e-5)  # far below a pixel
    scatter.set_snapshot(still, emoji)
    scatter.place_labels()
    assert len(placed) == 1  # the sides chosen last time still fit
    moved = codes.copy()
    moved[0] += span * 0.2  # one glyph moves a fifth of the plane
    scatter.set_snapshot(dataclasses.replace(snapshot, latent=moved), emoji)
    scatter.place_labels()
    assert len(placed) == 2
    scatter.set_selected(3)  # a new selection keeps clear of its ring: placed again
    scatter.place_labels()
    assert len(placed) == 3


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_no_axis_title_of_the_loss_plot_is_cut_off_at_laptop_sizes(qtbot, make_window, size):
    """Issue 15: the wrong-pixel plot's title ran past the bottom of the plot at 1280x800."""
    win = make_window(ini="s.ini", size=size, errors=False, discard=False)
    qtbot.wait(50)  # the layouts settle
    loss = win.loss_plot
    shown = loss.viewport().rect()
    for plot in (loss.loss_plot, loss.wrong_plot):
        for side in ("left", "right", "bottom"):
            axis = plot.getAxis(side)
            if not axis.label.isVisible() or not axis.label.toPlainText():
                continue
            title = axis.label.mapRectToScene(axis.label.boundingRect())  # view = scene pixels
            assert shown.top() <= title.top() and title.bottom() <= shown.bottom() + 1, (
                axis.label.toPlainText(),
                title,
                shown,
            )


def test_the_event_profiler_charges_the_scatter_and_the_pacer(tmp_path):
    """benchmarks/gui_events.py, which found these costs, at a tiny size: it names what each
    snapshot costs the GUI thread (the pacer's timer runs the views, the scatter paints)."""
    command = [sys.executable, "-m", "benchmarks.gui_events", "--child", "--kinds", "ae"]
    command += ["--seconds", "0.5"]
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(command, capture_output=True, text=True, cwd=root, check=True).stdout
    assert "scatter refreshes/s" in out and "ms of GUI CPU per refresh" in out
    assert "Timer QTimer of SnapshotPacer" in out
    assert "Paint QWidget in LatentScatter" in out

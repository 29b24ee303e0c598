"""The noise sweep tab driven like a person: pick a kind and repeats, Run, Cancel, Export CSV."""

import csv
import time

import pytest
from PySide6.QtCore import Qt

from engine.sweep import BOUND, SWEEP_LEVELS
from gui.views.sweep_view import SweepView
from tests.gui.windows import shown

TIMEOUT = 10_000
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def view(qtbot, run):
    widget = shown(qtbot, SweepView(run, run.glyph_set), (1000, 700))
    yield widget
    assert widget.shutdown(1000)


def choose(view, kind: str, repeats: int) -> None:
    view.kind_combo.setCurrentIndex(view.kind_combo.findData(kind))
    view.repeats_spin.setValue(repeats)


def run_sweep_and_wait(qtbot, view) -> str:
    with qtbot.waitSignal(view.sweep_finished, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(view.run_button, LEFT)
    return blocker.args[0]


def test_a_sweep_of_a_plain_ae_plots_one_curve_per_method(qtbot, view):
    choose(view, "bitflip", 1)
    assert run_sweep_and_wait(qtbot, view) == "finished"
    levels = SWEEP_LEVELS["bitflip"]
    methods = ["this model (AE)", "PCA (2 components)", BOUND]  # the model is the plain AE
    assert list(view.plots) == ["bitflip"]
    assert [method for _, method in view.curves] == methods
    for key, curve in view.curves.items():
        x, y = curve.getData()
        assert list(x) == list(levels)
        assert len(y) == len(levels)
        assert view.error_bars[key].opts["height"].shape == (len(levels),)
    bound = view.curves["bitflip", BOUND].getData()[1]
    assert bound[0] == 0 and bound[-1] > 0
    assert view.progress_bar.value() == view.progress_bar.maximum()
    assert view.run_button.isEnabled() and view.export_button.isEnabled()
    assert not view.cancel_button.isEnabled()
    assert "Done" in view.status_label.text()


def test_a_dae_is_compared_with_a_plain_ae_trained_for_the_sweep(qtbot, view, run):
    run.update_settings(kind="dae")
    qtbot.waitUntil(lambda: run.settings.kind == "dae", timeout=1000)
    choose(view, "salt-pepper", 1)
    assert run_sweep_and_wait(qtbot, view) == "finished"
    methods = [method for _, method in view.curves]
    assert methods == ["this model (DAE)", "plain AE", "PCA (2 components)", BOUND]
    ae = view.curves["salt-pepper", "plain AE"].getData()[1]
    assert ae[0] == 0  # trained to reconstruct every clean glyph


def test_cancel_stops_soon_and_keeps_the_partial_curves(qtbot, view):
    choose(view, "all", 100)
    qtbot.mouseClick(view.run_button, LEFT)
    qtbot.waitUntil(lambda: view.progress_bar.value() > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(view.sweep_finished, timeout=TIMEOUT) as blocker:
        start = time.monotonic()
        qtbot.mouseClick(view.cancel_button, LEFT)
    assert time.monotonic() - start < 0.5
    assert blocker.args == ["cancelled"]
    full = sum(len(v) for v in SWEEP_LEVELS.values()) * 3
    assert 0 < len(view.rows) < full
    assert "Cancelled" in view.status_label.text()
    drawn = sum(len(curve.getData()[0]) for curve in view.curves.values())
    assert drawn == len(view.rows)
    assert view.run_button.isEnabled()


def test_export_writes_the_csv(qtbot, view, tmp_path):
    choose(view, "gaussian", 1)
    run_sweep_and_wait(qtbot, view)
    target = tmp_path / "out.csv"
    view._ask_save_path = lambda: str(target)
    qtbot.mouseClick(view.export_button, LEFT)
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(view.rows) == 3 * len(SWEEP_LEVELS["gaussian"])
    assert {r["method"] for r in rows} == {"this model (AE)", "PCA (2 components)", BOUND}
    assert f"Wrote {len(rows)} rows" in view.status_label.text()


def test_closing_while_sweeping_ends_the_thread(qtbot, view):
    choose(view, "all", 100)
    qtbot.mouseClick(view.run_button, LEFT)
    qtbot.waitUntil(lambda: view.progress_bar.value() > 0, timeout=TIMEOUT)
    view.close()
    assert not view._threads


def test_the_plots_fit_a_narrow_tab_and_share_one_key(qtbot, view):
    """At the ~500 px a 1400 px window leaves the tabs, three plots side by side were cut off at
    the right edge: they now wrap into rows, each inside the view, and one key names the curves."""
    view.resize(520, 700)
    choose(view, "all", 1)
    assert run_sweep_and_wait(qtbot, view) == "finished"
    area = view.plot_area
    qtbot.wait(50)  # the layout settles
    visible = area.mapToScene(area.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    for plot in view.plots.values():
        assert visible.contains(plot.sceneBoundingRect()), plot.titleLabel.text
        assert plot.sceneBoundingRect().width() >= 200
    assert area.columns == 2
    key = view.key_label.text()
    assert [key.count(m) for m in ("this model (AE)", "PCA (2 components)", BOUND)] == [1, 1, 1]
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: area.columns == 3, timeout=1000)


def test_a_big_uint8_set_is_swept_from_its_bytes_without_the_bound(qtbot, view, run):
    """3,000 MNIST-sized images: the sweep reads the pixels as bytes (the set's float images are
    never made) and leaves out the bound, which would compare every copy with every image."""
    import numpy as np

    from engine.data.dataset import Dataset

    pixels = np.random.default_rng(0).integers(0, 256, (3000, 784), dtype=np.uint8)
    pixels[pixels < 200] = 0
    big = Dataset("big", 28, 28, ("x",) * 3000, pixels)
    run.glyph_set.set_dataset(big)
    qtbot.waitUntil(lambda: run.snapshot.model.n_inputs == 784, timeout=TIMEOUT)
    choose(view, "bitflip", 1)
    assert run_sweep_and_wait(qtbot, view) == "finished", view.status_label.text()
    methods = {method for _, method in view.curves}
    assert methods == {"this model (AE)", "PCA (2 components)"}  # no bound above 2,000
    assert "No Bayes bound above 2,000 images" in view.status_label.text()
    assert "images" not in run.glyph_set.dataset().__dict__  # no float copy of the set

"""The Runs tab: every ended run is a row, kept in runs.json; selected runs' curves overlaid."""

import json

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel as Sel
from PySide6.QtCore import QSettings, Qt

from engine.models import Autoencoder
from gui.run import run_weights
from gui.views.run_history import (
    COLUMNS,
    MIN_COLUMN_WIDTH,
    RunHistory,
    RunHistoryView,
    fit_columns,
    fit_widths,
)
from tests.gui.windows import run_without_end

TIMEOUT = 10_000


@pytest.fixture
def store(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def run_to_the_end(qtbot, win) -> None:
    with qtbot.waitSignal(
        win.run.state_changed, timeout=TIMEOUT, check_params_cb="finished".__eq__
    ):
        qtbot.mouseClick(win.training_panel.start_button, Qt.MouseButton.LeftButton)


def test_two_runs_make_two_rows_and_overlay_two_curves(qtbot, make_window, store, tmp_path):
    win = make_window(store, discard=False)
    view = win.run_history_view
    win.tabs.setCurrentWidget(view)
    assert view.table.rowCount() == 0
    run_to_the_end(qtbot, win)
    win.training_panel.lr_spin.setValue(win.run.settings.lr * 2)  # a second, different run
    run_to_the_end(qtbot, win)
    assert view.table.rowCount() == 2
    newest = win.run_history.runs[-1]
    assert newest["state"] == "finished"
    assert newest["epochs"] == win.run.snapshot.epoch
    assert newest["max_wrong"] == 0
    assert newest["pixel_hash"] == win.run.dataset.pixel_hash()
    assert newest["seeds"] == {"init": 0, "batch": 0, "noise": 0}
    assert newest["settings"]["lr"] == pytest.approx(2 * win.run_history.runs[0]["settings"]["lr"])
    assert view.table.item(0, 1).text() == "font5x7"
    assert view.table.item(0, COLUMNS.index("State")).text() == "finished"

    assert view.selected_runs() == [1]  # the newest run's curve shows without a click
    assert len(view.curves) == 1
    model = view.table.selectionModel()
    rows = Sel.SelectionFlag.Select | Sel.SelectionFlag.Rows
    model.select(view.table.model().index(1, 0), rows)  # Ctrl+click the older one
    assert len(view.curves) == 2
    assert view.selected_runs() == [0, 1]
    for curve, run in zip(view.curves, win.run_history.runs, strict=True):
        x, y = curve.getData()
        assert list(x) == run["history"]["epoch"]
        assert len(y) == len(run["history"]["loss"])
    assert win.errors == []
    win.close()

    stored = json.loads((tmp_path / "data" / "runs.json").read_text())
    assert len(stored["runs"]) == 2
    again = make_window(store, discard=False)
    assert again.run_history_view.table.rowCount() == 2
    again.close()


def test_a_stopped_run_is_recorded_too(qtbot, make_window, store):
    win = make_window(store, discard=False)
    panel = win.training_panel
    run_without_end(qtbot, win, TIMEOUT)
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="stopped".__eq__):
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert [r["state"] for r in win.run_history.runs] == ["stopped"]
    win.close()


def test_a_damaged_history_file_is_kept_aside_and_reported(qtbot, tmp_path):
    path = tmp_path / "runs.json"
    path.write_text("{ not json")
    history = RunHistory(path)
    assert history.runs == []
    assert "could not be read" in history.load_error
    assert not path.exists()
    assert len(list(tmp_path.glob("runs-damaged-*.json"))) == 1


def test_a_runs_weights_load_back_into_the_window_even_after_a_restart(
    qtbot, make_window, store, tmp_path
):
    """Issue 15.1: Start after an ended run began again from the initial weights and the trained
    ones were gone; the Runs tab keeps them and loads them back."""
    win = make_window(store, discard=False)
    view = win.run_history_view
    win.tabs.setCurrentWidget(view)
    run_to_the_end(qtbot, win)
    first = win.run.snapshot
    first_lr = win.run.settings.lr
    assert view.table.item(0, COLUMNS.index("Weights")).text() == "best"
    win.training_panel.lr_spin.setValue(first_lr * 2)
    run_to_the_end(qtbot, win)  # a second run: the first one's weights leave the window
    assert not np.array_equal(win.run.snapshot.model.params, first.model.params)
    assert not view.load_buttons["final"].isEnabled()  # best == last epoch: kept once
    view.table.selectRow(1)  # the first run
    assert view.selected_runs() == [0] and view.load_buttons["best"].isEnabled()
    with qtbot.waitSignal(win.run.message_changed, check_params_cb=lambda m: "run #1" in m):
        qtbot.mouseClick(view.load_buttons["best"], Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(win.run.snapshot.model.params, first.model.params)
    assert win.run.settings.lr == pytest.approx(first_lr)  # the run's settings came along
    assert win.run.state == "idle"
    assert win.errors == []
    win.close()

    again = make_window(store, discard=False)  # the weights are files beside runs.json
    assert len(list((tmp_path / "data" / "runs-weights").glob("*.npz"))) == 2
    again.run_history_view.table.selectRow(1)
    qtbot.mouseClick(again.run_history_view.load_buttons["best"], Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(again.run.snapshot.model.params, first.model.params)
    assert again.errors == []
    again.close()


def test_only_the_newest_runs_keep_weights_within_the_cap(qtbot, tmp_path, monkeypatch):
    history = RunHistory(tmp_path / "runs.json")
    model = Autoencoder(35, hidden=(8,))
    record = {"dataset": "font5x7", "pixel_hash": "x", "settings": {}, "epochs": 1, "state": "x"}
    for _ in range(run_weights.MAX_RUNS + 2):
        history.add(record, {"best": model, "final": model})
    kept = [bool(history.weights_of(i)) for i in range(len(history.runs))]
    assert kept == [False, False] + [True] * run_weights.MAX_RUNS  # the oldest lost theirs
    files = list((tmp_path / "runs-weights").glob("*.npz"))
    assert len(files) == 2 * run_weights.MAX_RUNS
    assert history.load_weights(0, "best") is None  # said why, in a sentence
    # The byte cap: three runs' weights fit, the fourth evicts the oldest.
    monkeypatch.setattr(run_weights, "MAX_BYTES", 3 * 2 * model.params.nbytes)
    history.add(record, {"best": model, "final": model})
    assert sum(bool(history.weights_of(i)) for i in range(len(history.runs))) == 3
    assert len(list((tmp_path / "runs-weights").glob("*.npz"))) == 6
    assert str(run_weights.MAX_RUNS) in RunHistoryView(history).cap_label.text()


def test_a_short_run_reads_its_seconds_not_zero(qtbot):
    """Issue 15.6: the Seconds column showed 0.0 for runs shorter than 0.05 s."""
    history = RunHistory(None)
    view = RunHistoryView(history)
    qtbot.addWidget(view)
    history.add({"seconds": 0.0342, "settings": {}})
    history.add({"seconds": 1234.5, "settings": {}})
    cells = [view.table.item(row, COLUMNS.index("Seconds")).text() for row in (1, 0)]
    assert cells == ["0.0342", "1,234"]


def test_reset_of_a_paused_run_keeps_its_weights_in_the_runs_tab(qtbot, make_window, store):
    """No button silently discards a trained model: Reset on a paused run records it."""
    win = make_window(store, discard=False)
    panel = win.training_panel
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        qtbot.mouseClick(panel.step_buttons[100], Qt.MouseButton.LeftButton)
    paused = win.run.snapshot
    assert win.run_history.runs == []  # negative control: pausing ends nothing
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert win.run.snapshot.epoch == 0
    (record,) = win.run_history.runs
    assert record["state"] == "stopped" and record["epochs"] == 100
    assert sorted(win.run_history.weights_of(0)) == ["best", "final"]
    win.run_history_view.table.selectRow(0)
    qtbot.mouseClick(win.run_history_view.load_buttons["final"], Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(win.run.snapshot.model.params, paused.model.params)
    assert win.errors == []
    win.close()


def test_the_context_menu_loads_a_runs_weights(qtbot, make_window, store):
    win = make_window(store, discard=False)
    view = win.run_history_view
    run_to_the_end(qtbot, win)
    trained = win.run.snapshot.model.params.copy()
    qtbot.mouseClick(win.training_panel.reset_button, Qt.MouseButton.LeftButton)
    assert not np.array_equal(win.run.snapshot.model.params, trained)
    rect = view.table.visualItemRect(view.table.item(0, 0))
    menu = view.context_menu(rect.center())
    actions = {a.text(): a for a in menu.actions()}
    assert {t: a.isEnabled() for t, a in actions.items()} == {
        "Load best weights": True,
        "Load last epoch weights": False,  # the best were the last: kept once
    }
    actions["Load best weights"].trigger()
    np.testing.assert_array_equal(win.run.snapshot.model.params, trained)
    win.close()


def test_columns_too_wide_for_the_tab_give_way_widest_first():
    wanted = [81, 54, 74, 34, 55, 52, 49, 69, 61, 60]  # 589 px of contents
    assert fit_widths(wanted, 600) == wanted  # room enough: every column as wide as it wants
    fitted = fit_widths(wanted, 420)
    assert sum(fitted) <= 420 and sum(fitted) > 420 - len(wanted)  # fits, no width wasted
    assert fitted[3] == 34 and fitted[0] < 81  # the narrow lr column kept, the widest narrowed
    assert min(fit_widths(wanted, 100)) == MIN_COLUMN_WIDTH  # never narrower than that


def test_a_narrow_tab_hides_the_least_needed_columns_before_eliding_the_rest():
    # COLUMNS' contents, 704 px; the test columns take none (no run had a test set)
    wanted = [81, 78, 98, 42, 55, 52, 57, 75, 0, 0, 61, 105]
    assert fit_columns(wanted, 720) == wanted  # room enough: nothing hidden
    fitted = fit_columns(wanted, 420)
    hidden = {COLUMNS[c] for c, w in enumerate(fitted) if w is None}
    assert hidden == {"Seconds", "Set", "Weights", "lr"}  # their values are in the tooltip
    assert sum(w for w in fitted if w is not None) <= 420
    shown = [(w, wanted[c]) for c, w in enumerate(fitted) if w is not None]
    assert all(w == want for w, want in shown)  # the rest at full width, nothing elided
    tiny = fit_columns(wanted, 100)
    assert tiny[COLUMNS.index("When")] and tiny[COLUMNS.index("Model")]  # never hidden

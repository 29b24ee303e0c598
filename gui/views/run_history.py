"""Every run that ended, kept as JSON in the app's data folder, in a table; selected runs' loss
curves overlaid in one plot to compare them, and their weights loaded back into the window.

A record is plain JSON: settings (seeds included), the data set's name and pixel hash, the final
metrics (a held-out test set's too) and the loss history (thinned to at most HISTORY_POINTS
points). The test columns show only once some run had a test set: glyph sets have none. The file is rewritten
atomically after each run; a damaged file is put aside (never overwritten) and reported. The
newest runs' weights are model files beside it (gui.run.run_weights says how many are kept).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6)
from engine.atomic import write_text_atomic
from engine.data.datasets import Dataset
from engine.models import Autoencoder
from engine.serialization import ModelFileError
from engine.training import Snapshot
from gui.run.run_weights import CAP_TEXT, RunWeights, runs_keeping_weights

FILE_NAME = "runs.json"
MAX_RUNS = 500  # the oldest runs are dropped beyond this
HISTORY_POINTS = 400
# Few, short columns: at 1280x800 the tab is ~420 px wide. What a cell leaves out (the year,
# seeds, activation, the full weights names) is in the row's tooltip, every column's meaning in its
# header's tooltip; columns still too wide for the tab are narrowed and their text elided.
COLUMNS = (
    "When", "Set", "Model", "lr", "State", "Epochs", "Loss", "Wrong px", "Test loss",
    "Test px/img", "Seconds", "Weights",
)  # fmt: skip
TEST_COLUMNS = ("Test loss", "Test px/img")  # hidden while no run had a test set
HEADER_TIPS = (
    "When the run ended (month-day hour:minute; the full date in the row's tooltip).",
    "The data set trained on.",
    "Kind, then the layer sizes down to the code: AE 32-2 is one hidden layer of 32, a 2-D code.",
    "Learning rate.",
    "How the run ended: finished (a stop rule was met), stopped (by you) or failed.",
    "Epochs trained.",
    "The final loss.",
    "Wrong pixels at the end: the worst glyph's / all glyphs' (thresholded at 0.5).",
    "The loss on the held-out test images (never trained on) with the weights the run kept.",
    "Wrong pixels per held-out test image with the weights the run kept.",
    "Seconds of training.",
    "Which weights are kept to load back (best, last epoch).",
)
WEIGHT_NAMES = {"best": "best", "final": "last epoch"}
SHORT_WEIGHT_NAMES = {"best": "best", "final": "last"}
MIN_COLUMN_WIDTH = 28  # px: a narrowed column still shows a letter or two and its elision
# Where the tab is too narrow for every column, these are hidden first (their values stay in the
# row's tooltip), so the rest keep readable widths rather than all eliding to a letter or two.
HIDE_FIRST = ("Seconds", "Set", "Weights", "lr", "Epochs")
CURVE_COLOURS = (
    "#1f4fd8",
    "#d0401b",
    "#1a9850",
    "#8e44ad",
    "#e67e22",
    "#17a2b8",
    "#555",
    "#c71585",
)


def run_record(snapshot: Snapshot, settings: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    """What is kept of one ended run (plain JSON)."""
    ev = snapshot.evaluation
    history = snapshot.history
    n = len(history.get("epoch", ()))
    keep = np.unique(np.linspace(0, n - 1, min(n, HISTORY_POINTS)).round().astype(int)) if n else []
    record = {
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "dataset": dataset.name,
        "pixel_hash": dataset.pixel_hash(),
        "n_glyphs": len(dataset),
        "settings": settings,
        "seeds": {k: settings.get(f"{k}_seed") for k in ("init", "batch", "noise")},
        "state": snapshot.state,
        "epochs": int(snapshot.epoch),
        "loss": float(ev.loss),
        "max_wrong": int(ev.max_wrong),
        "total_wrong": int(ev.total_wrong),
        "seconds": float(snapshot.elapsed),
        "history": {
            "epoch": [int(history["epoch"][i]) for i in keep],
            "loss": [float(history["loss"][i]) for i in keep],
        },
    }
    test = snapshot.test_evaluation
    if test is not None:
        count = len(test.wrong)
        record |= {"test_count": count, "test_loss": float(test.loss)}
        record["test_wrong_per_image"] = test.total_wrong / count
        scored = np.flatnonzero(np.isfinite(history["test_loss"]))  # the evaluations that scored it
        m = len(scored)
        picked = scored[
            np.unique(np.linspace(0, m - 1, min(m, HISTORY_POINTS)).round().astype(int))
        ]
        record["history"]["test_epoch"] = [int(e) for e in history["epoch"][picked]]
        record["history"]["test_loss"] = [float(v) for v in history["test_loss"][picked]]
    return record


class RunHistory(QObject):
    """The list of ended runs and its JSON file (`path` None: kept in memory only)."""

    runs_changed = Signal()
    error_occurred = Signal(str)

    def __init__(self, path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._weights = RunWeights(None if path is None else path.with_name(f"{path.stem}-weights"))
        self._runs: list[dict[str, Any]] = []
        self._load_error = ""
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
                    raise ValueError("it does not hold a list of runs")
                self._runs = [r for r in data["runs"] if isinstance(r, dict)]
            except (OSError, ValueError) as error:
                aside = path.with_name(f"{path.stem}-damaged-{int(time.time())}{path.suffix}")
                try:
                    path.replace(aside)
                    where = f" It was kept as {aside.name}."
                except OSError:
                    where = ""
                self._load_error = f"The run history {path} could not be read ({error}).{where}"

    @property
    def load_error(self) -> str:
        """A sentence if the stored history was damaged ('' otherwise)."""
        return self._load_error

    @property
    def runs(self) -> list[dict[str, Any]]:
        return self._runs

    def add(self, record: dict[str, Any], models: dict[str, Autoencoder] | None = None) -> None:
        """Append an ended run and keep its `models` ({"best": ..., "final": ...}) while the cap
        allows (gui.run.run_weights); the oldest runs' weights make room."""
        record = {**record, "id": uuid.uuid4().hex}
        if models:
            meta = {k: record[k] for k in ("dataset", "pixel_hash", "settings", "epochs", "state")}
            try:
                record["weights"] = self._weights.keep(record["id"], models, meta)
            except OSError as error:
                self.error_occurred.emit(f"Could not keep the run's weights: {error}.")
        self._runs.append(record)
        self._evict()
        del self._runs[:-MAX_RUNS]
        self._write()
        self.runs_changed.emit()

    def weights_of(self, index: int) -> list[str]:
        """Which weights ("best", "final") the run at `index` still has."""
        return list(_kept(self._runs[index]))

    def load_weights(self, index: int, which: str) -> tuple[Autoencoder, dict[str, Any]] | None:
        """The model kept for run `index`, or None after saying why it cannot be had."""
        run = self._runs[index]
        if which not in _kept(run):
            self.error_occurred.emit(f"Run #{index + 1} has no {WEIGHT_NAMES[which]} weights kept.")
            return None
        try:
            return self._weights.load(run["id"], which)
        except ModelFileError as error:
            self.error_occurred.emit(f"Could not load the weights of run #{index + 1}: {error}.")
            return None

    def clear(self) -> None:
        for run in self._runs:
            if _kept(run):
                self._weights.drop(run["id"])
        self._runs.clear()
        self._write()
        self.runs_changed.emit()

    def _evict(self) -> None:
        """Drop the weights of the runs beyond the cap, oldest first."""
        kept = [run for run in reversed(self._runs) if _kept(run)]  # newest first
        keep = runs_keeping_weights([sum(_kept(run).values()) for run in kept])
        for run in kept[keep:]:
            self._weights.drop(run["id"])
            del run["weights"]

    def _write(self) -> None:
        if self._path is None:
            return
        try:
            write_text_atomic(self._path, json.dumps({"runs": self._runs}, indent=1))
        except OSError as error:
            self.error_occurred.emit(f"Could not write the run history to {self._path}: {error}.")


def _cells(run: dict[str, Any]) -> list[str]:
    s = run.get("settings", {})
    layers = [*s.get("hidden", []), s.get("latent", "")]
    return [
        str(run.get("time", ""))[5:16],  # "2026-12-06 05:36:12" -> "12-06 05:36"
        str(run.get("dataset", "")),
        f"{str(s.get('kind', '')).upper()} {'-'.join(str(n) for n in layers)}",
        f"{s.get('lr', 0):g}",
        str(run.get("state", "")),
        f"{run.get('epochs', 0):,}",
        f"{run.get('loss', 0):.4g}",
        f"{run.get('max_wrong', '')}/{run.get('total_wrong', '')}",
        f"{run['test_loss']:.4g}" if "test_loss" in run else "",
        f"{run['test_wrong_per_image']:.2f}" if "test_wrong_per_image" in run else "",
        _seconds(run.get("seconds", 0)),
        "+".join(SHORT_WEIGHT_NAMES[w] for w in _kept(run) if w in WEIGHT_NAMES) or "—",
    ]


def _details(run: dict[str, Any]) -> str:
    """The row's tooltip: everything the record says, the cells' short forms written out."""
    s = run.get("settings", {})
    seeds = run.get("seeds", {})
    hidden = ",".join(str(h) for h in s.get("hidden", [])) or "none"
    kept = " and ".join(WEIGHT_NAMES[w] for w in _kept(run) if w in WEIGHT_NAMES) or "none"
    test = ""
    if "test_loss" in run:
        test = (
            f"\nTest set ({run.get('test_count', '?')} images held out): loss "
            f"{run['test_loss']:.6g}, {run.get('test_wrong_per_image', 0):.2f} wrong pixels per image"
        )
    return (
        "\n".join(
            (
                f"Ended {run.get('time', '')} · {run.get('state', '')}",
                f"Set {run.get('dataset', '')} ({run.get('n_glyphs', '?')} glyphs)",
                f"{str(s.get('kind', '')).upper()}: hidden layers {hidden}, latent "
                f"{s.get('latent', '')}, {s.get('activation', '')}, loss {s.get('loss', '')}",
                f"{s.get('optimizer', '')}, learning rate {s.get('lr', 0):g}, "
                f"seeds init/batch/noise {'/'.join(str(seeds.get(k, '')) for k in ('init', 'batch', 'noise'))}",
                f"{run.get('epochs', 0):,} epochs in {_seconds(run.get('seconds', 0))} s, "
                f"loss {run.get('loss', 0):.6g}",
                f"Wrong pixels: worst glyph {run.get('max_wrong', '')}, "
                f"all glyphs {run.get('total_wrong', '')}",
                f"Weights kept: {kept}",
            )
        )
        + test
    )


def fit_columns(wanted: list[int], available: int) -> list[int | None]:
    """Column widths for a table `available` px wide (None: the column is hidden): the columns
    of HIDE_FIRST are hidden in turn while the rest do not fit, then the widest give way."""
    hidden: set[int] = set()
    for name in HIDE_FIRST:
        if sum(w for c, w in enumerate(wanted) if c not in hidden) <= available:
            break
        hidden.add(COLUMNS.index(name))
    shown = [c for c in range(len(wanted)) if c not in hidden]
    widths = dict(zip(shown, fit_widths([wanted[c] for c in shown], available), strict=True))
    return [widths.get(c) for c in range(len(wanted))]


def fit_widths(wanted: list[int], available: int, least: int = MIN_COLUMN_WIDTH) -> list[int]:
    """Column widths that fit `available` px: each column its `wanted` width, but none wider than
    the one cap that makes them fit (the widest give way first, down to `least`)."""
    if sum(wanted) <= available:
        return list(wanted)
    low, high = least, max(wanted)
    while low < high:  # the largest cap whose widths still fit
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in wanted) <= available:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in wanted]


def _kept(run: dict[str, Any]) -> dict[str, int]:
    """{which: bytes} of the weights a run still has ({} for runs from before they were kept)."""
    weights = run.get("weights")
    return weights if isinstance(weights, dict) else {}


def _seconds(seconds: float) -> str:
    """Three significant digits: a run of 0.04 s reads 0.040, not 0.0 (issue 15.6)."""
    if seconds >= 99.95:
        return f"{seconds:,.0f}"
    return f"{seconds:#.3g}" if seconds > 0 else "0"


class RunHistoryView(QWidget):
    """The "Runs" tab: a table of ended runs (newest first), the selected runs' loss curves, and
    buttons (and a context menu) that load a run's kept weights back into the window."""

    load_requested = Signal(object, dict, str)  # (Autoencoder, its metadata, where it came from)

    def __init__(self, history: RunHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = history
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        for col, tip in enumerate(HEADER_TIPS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(MIN_COLUMN_WIDTH)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)  # one line a run: "12-06 05:37" never breaks in two
        self.table.viewport().installEventFilter(self)  # refit the columns as the tab resizes
        self.table.setToolTip(
            "Every run that ended; hover over a run for all it kept (a narrow tab hides some "
            "columns). Select two or more (Ctrl+click) to compare; right-click a run to load "
            "its weights."
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.load_buttons = {}
        for which in WEIGHT_NAMES:
            button = QPushButton(f"Load {WEIGHT_NAMES[which]} weights")
            button.setToolTip(
                f"Put the selected run's {WEIGHT_NAMES[which]} weights (and its settings) into "
                f"the window; Step then trains on from them. {CAP_TEXT}"
            )
            button.clicked.connect(lambda _checked=False, w=which: self.load_selected(w))
            self.load_buttons[which] = button
        self.cap_label = QLabel(CAP_TEXT)
        self.cap_label.setWordWrap(True)
        self.cap_label.setStyleSheet("color: #666;")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in self.load_buttons.values():
            buttons.addWidget(button)
        buttons.addStretch(1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addLayout(buttons)
        upper_layout.addWidget(self.cap_label)
        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.plot.setMinimumHeight(150)
        self.plot.setLogMode(y=True)
        self.plot.setLabel("left", "loss")
        self.plot.setLabel("bottom", "epoch")
        self.plot.setMenuEnabled(False)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.curves: list[pg.PlotDataItem] = []
        self.hint = QLabel("Select runs (Ctrl+click for several) to overlay their loss curves.")
        self.hint.setStyleSheet("color: #666;")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.hint)
        lower_layout.addWidget(self.plot, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        history.runs_changed.connect(self._on_runs_changed)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self._on_runs_changed()

    def _row_to_run(self, row: int) -> int:
        return len(self._history.runs) - 1 - row  # newest first

    @Slot()
    def _on_runs_changed(self) -> None:
        runs = self._history.runs
        self.table.setSortingEnabled(False)
        self.table.clearSelection()
        self.table.setRowCount(len(runs))
        for row in range(len(runs)):
            run = runs[self._row_to_run(row)]
            tip = _details(run)
            for col, text in enumerate(_cells(run)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if COLUMNS.index("Epochs") <= col < len(COLUMNS) - 1:  # numbers
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self._fit_columns()
        if runs:
            self.table.selectRow(0)  # the newest run's curve shows without a click
        self._on_selection_changed()

    def _fit_columns(self) -> None:
        """Every column as wide as its contents and header; in a tab too narrow for them, the
        HIDE_FIRST columns hidden and the widest narrowed (no sideways scrolling; the cells
        elide, the row's tooltip has it all)."""
        header = self.table.horizontalHeader()
        any_test = any("test_loss" in run for run in self._history.runs)
        absent = set() if any_test else {COLUMNS.index(name) for name in TEST_COLUMNS}
        wanted = [
            0 if c in absent else max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(len(COLUMNS))
        ]
        for col, width in enumerate(fit_columns(wanted, self.table.viewport().width())):
            self.table.setColumnHidden(col, width is None or col in absent)
            if width is not None:
                self.table.setColumnWidth(col, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def selected_runs(self) -> list[int]:
        """Indices into `history.runs` of the selected rows, oldest first."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return sorted(self._row_to_run(r) for r in rows)

    @Slot()
    def _on_selection_changed(self) -> None:
        for curve in self.curves:
            self.plot.removeItem(curve)
        self.curves = []
        self.legend.clear()
        runs = self._history.runs
        for k, index in enumerate(self.selected_runs()):
            run = runs[index]
            history = run.get("history", {})
            epochs = np.asarray(history.get("epoch", []), dtype=float)
            loss = np.asarray(history.get("loss", []), dtype=float)
            ok = np.isfinite(loss) & (loss > 0)  # a log axis cannot show 0 or NaN
            s = run.get("settings", {})
            name = f"#{index + 1} {str(s.get('kind', '')).upper()} lr {s.get('lr', 0):g} · {run.get('time', '')[5:16]}"
            colour = CURVE_COLOURS[k % len(CURVE_COLOURS)]
            pen = pg.mkPen(colour, width=2)
            self.curves.append(self.plot.plot(epochs[ok], loss[ok], pen=pen, name=name))
            if "test_loss" in history:  # the held-out images' loss, dashed in the same colour
                test_epochs = np.asarray(history.get("test_epoch", []), dtype=float)
                test = np.asarray(history["test_loss"], dtype=float)
                ok = np.isfinite(test) & (test > 0)
                if len(test) == len(test_epochs):
                    dashed = pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine)
                    curve = self.plot.plot(
                        test_epochs[ok], test[ok], pen=dashed, name=f"{name} (test)"
                    )
                    self.curves.append(curve)
        self.hint.setVisible(not self.curves)
        selected = self.selected_runs()
        kept = self._history.weights_of(selected[0]) if len(selected) == 1 else []
        for which, button in self.load_buttons.items():
            button.setEnabled(which in kept)

    def load_selected(self, which: str) -> bool:
        """Ask the window to load the one selected run's `which` weights; False if it cannot."""
        selected = self.selected_runs()
        if len(selected) != 1:
            return False
        index = selected[0]
        loaded = self._history.load_weights(index, which)
        if loaded is None:
            return False
        model, meta = loaded
        epochs = self._history.runs[index].get("epochs", "?")
        source = f"run #{index + 1} ({WEIGHT_NAMES[which]} weights of {epochs} epochs)"
        self.load_requested.emit(model, meta, source)
        return True

    def context_menu(self, pos: QPoint) -> QMenu | None:
        """The menu for a right-click at `pos` (table viewport coordinates): load the run's
        best or last-epoch weights. Selects the row clicked unless it is selected already."""
        row = self.table.rowAt(pos.y())
        if row < 0:
            return None
        if self._row_to_run(row) not in self.selected_runs():
            self.table.selectRow(row)
        kept = self._history.weights_of(self._row_to_run(row))
        menu = QMenu(self)
        for which, name in WEIGHT_NAMES.items():
            action = menu.addAction(f"Load {name} weights")
            action.setEnabled(which in kept and len(self.selected_runs()) == 1)
            action.triggered.connect(lambda _checked=False, w=which: self.load_selected(w))
        return menu

    @Slot(QPoint)
    def _on_context_menu_requested(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

"""Every run that ended, kept as JSON in the app's data folder, in a table; selected runs' loss
curves overlaid in one plot to compare them.

A record is plain JSON: settings (seeds included), the data set's name and pixel hash, the final
metrics and the loss history (thinned to at most HISTORY_POINTS points). The file is rewritten
atomically after each run; a damaged file is put aside (never overwritten) and reported.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6)
from engine.atomic import write_text_atomic
from engine.data.datasets import Dataset
from engine.training import Snapshot

FILE_NAME = "runs.json"
MAX_RUNS = 500  # the oldest runs are dropped beyond this
HISTORY_POINTS = 400
COLUMNS = (
    "When", "Set", "Kind", "Hidden", "Latent", "lr", "Seeds i/b/n", "State",
    "Epochs", "Loss", "Worst px", "Total px", "Seconds",
)  # fmt: skip
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
    return {
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
        "seconds": round(float(snapshot.elapsed), 3),
        "history": {
            "epoch": [int(history["epoch"][i]) for i in keep],
            "loss": [float(history["loss"][i]) for i in keep],
        },
    }


class RunHistory(QObject):
    """The list of ended runs and its JSON file (`path` None: kept in memory only)."""

    runs_changed = Signal()
    error_occurred = Signal(str)

    def __init__(self, path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
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

    def add(self, record: dict[str, Any]) -> None:
        self._runs.append(record)
        del self._runs[:-MAX_RUNS]
        self._write()
        self.runs_changed.emit()

    def clear(self) -> None:
        self._runs.clear()
        self._write()
        self.runs_changed.emit()

    def _write(self) -> None:
        if self._path is None:
            return
        try:
            write_text_atomic(self._path, json.dumps({"runs": self._runs}, indent=1))
        except OSError as error:
            self.error_occurred.emit(f"Could not write the run history to {self._path}: {error}.")


def _cells(run: dict[str, Any]) -> list[str]:
    s = run.get("settings", {})
    seeds = run.get("seeds", {})
    hidden = ",".join(str(h) for h in s.get("hidden", [])) or "—"
    return [
        str(run.get("time", "")),
        str(run.get("dataset", "")),
        str(s.get("kind", "")).upper(),
        hidden,
        str(s.get("latent", "")),
        f"{s.get('lr', 0):g}",
        "/".join(str(seeds.get(k, "")) for k in ("init", "batch", "noise")),
        str(run.get("state", "")),
        f"{run.get('epochs', 0):,}",
        f"{run.get('loss', 0):.4g}",
        str(run.get("max_wrong", "")),
        str(run.get("total_wrong", "")),
        f"{run.get('seconds', 0):.1f}",
    ]


class RunHistoryView(QWidget):
    """The "Runs" tab: a table of ended runs (newest first) and the selected runs' loss curves."""

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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setToolTip("Every run that ended. Select two or more (Ctrl+click) to compare.")
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
        splitter.addWidget(self.table)
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
            for col, text in enumerate(_cells(runs[self._row_to_run(row)])):
                item = QTableWidgetItem(text)
                if col >= 8:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        if runs:
            self.table.selectRow(0)  # the newest run's curve shows without a click
        self._on_selection_changed()

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
            pen = pg.mkPen(CURVE_COLOURS[k % len(CURVE_COLOURS)], width=2)
            self.curves.append(self.plot.plot(epochs[ok], loss[ok], pen=pen, name=name))
        self.hint.setVisible(not self.curves)

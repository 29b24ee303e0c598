"""File > Export: the loss and latent plots (PNG or SVG), the decoded latent grid (PNG), the loss
history and the latent codes (CSV).

Each export asks for a path, writes through `gui.plots.exports` (atomically) and tells the window what
happened in a sentence: `written` with the path, or `error_occurred` with what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from gui.plots.exports import (
    ExportError,
    export_plot,
    grid_codes,
    history_csv,
    latent_csv,
    save_latent_grid,
    save_text,
)
from gui.plots.latent_scatter import LatentScatter
from gui.plots.loss_plot import LossPlot
from gui.run.run_controller import RunController
from gui.widgets.file_dialogs import FileDialogs

PLOT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
PNG_FILTER = "PNG image (*.png)"
CSV_FILTER = "CSV table (*.csv)"


class ExportMenu(QObject):
    """The Export menu's actions; each `export_*` method returns whether a file was written."""

    written = Signal(str)  # the path
    error_occurred = Signal(str)

    def __init__(
        self,
        run: RunController,
        loss_plot: LossPlot,
        latent_scatter: LatentScatter,
        dialogs: FileDialogs,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.run = run
        self._loss_plot = loss_plot
        self._scatter = latent_scatter
        self._dialogs = dialogs
        self.actions: list[QAction] = []

    def add_to(self, menu: QMenu) -> None:
        entries = (
            ("&Loss plot (PNG or SVG)…", self.export_loss_plot),
            ("Latent &plot (PNG or SVG)…", self.export_latent_plot),
            ("Decoded latent &grid (PNG)…", self.export_latent_grid),
            ("Loss &history (CSV)…", self.export_history_csv),
            ("Latent &codes (CSV)…", self.export_latent_csv),
        )
        for text, slot in entries:
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, f=slot: f())
            self.actions.append(action)

    def _export(self, title: str, file_filter: str, write: Callable[[str], None]) -> bool:
        """Ask for a path, then `write(path)`; a failure is told in a sentence."""
        path = self._dialogs.ask_save_path(title, file_filter)
        if not path:
            return False
        try:
            write(path)
        except (OSError, ValueError) as error:  # ExportError is a ValueError
            self.error_occurred.emit(f"Could not write {path}: {error}.")
            return False
        self.written.emit(path)
        return True

    def export_loss_plot(self) -> bool:
        plot = self._loss_plot.ci
        return self._export("Export the loss plot", PLOT_FILTER, lambda p: export_plot(plot, p))

    def export_latent_plot(self) -> bool:
        plot = self._scatter.getPlotItem()
        hint = (plot.titleLabel,)  # "click: decode · wheel: zoom" is for the screen, not a figure
        return self._export(
            "Export the latent plot", PLOT_FILTER, lambda p: export_plot(plot, p, hide=hint)
        )

    def export_latent_grid(self) -> bool:
        """10 x 10 glyphs decoded over the latent plot's current view, as one picture."""
        snapshot, dataset = self.run.snapshot, self.run.dataset
        if snapshot is None:
            self.error_occurred.emit("There is no model to decode with yet.")
            return False
        x_range, y_range = self._scatter.getViewBox().viewRange()
        codes = grid_codes(self._scatter.projection, x_range, y_range)
        return self._export(
            "Export the decoded latent grid",
            PNG_FILTER,
            lambda p: save_latent_grid(p, snapshot.model, dataset, codes),
        )

    def export_history_csv(self) -> bool:
        snapshot = self.run.snapshot
        if snapshot is None:
            self.error_occurred.emit("There is no loss history yet.")
            return False
        text = history_csv(snapshot)
        return self._export("Export the loss history", CSV_FILTER, lambda p: save_text(p, text))

    def export_latent_csv(self) -> bool:
        snapshot = self.run.snapshot
        if snapshot is None:
            self.error_occurred.emit("There are no latent codes yet.")
            return False
        try:
            text = latent_csv(snapshot, self.run.dataset)
        except ExportError as error:
            self.error_occurred.emit(f"Could not export the latent codes: {error}.")
            return False
        return self._export("Export the latent codes", CSV_FILTER, lambda p: save_text(p, text))

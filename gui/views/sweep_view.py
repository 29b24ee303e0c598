"""Noise sweep: mean wrong pixels per glyph against the noise level, for this run's model, a plain
AE, PCA at the same latent size and the Bayes bound, with error bars over repeats.

The sweep runs in a worker thread (engine.sweep.run_sweep) on what Run saw: a copy of the
latest snapshot's model and the set as it was (a Dataset never changes, so its pixels are
shared, not copied: uint8 sets stay bytes and are made floats a block at a time). Sets of more
than BOUND_MAX_IMAGES leave out the Bayes bound, and their plain AE trains in minibatches. Cancel sets a flag the sweep reads
after every level, so it stops within one level and the levels measured so far stay plotted.
The same seed gives the same numbers as `python main.py sweep` for the same models.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, QThread, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.atomic import write_text_atomic
from engine.data.noise import NOISE_LABELS
from engine.models import Autoencoder
from engine.pca import fit_pca
from engine.presets import PRESETS
from engine.sweep import BOUND, BOUND_MAX_IMAGES, SWEEP_LEVELS, SweepRow, run_sweep, sweep_csv
from engine.train_config import TrainConfig
from engine.training import Trainer
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.widgets.flow_layout import FlowLayout

ALL_KINDS = "all"
SEED = 0  # the noise draws; fixed so a sweep can be repeated (and matches the command line)
PROGRESS_STEPS = 1000
# Method colours in the order methods appear: this model, plain AE, PCA; the bound is grey.
COLOURS = ((40, 90, 220), (230, 120, 20), (30, 150, 70))
BOUND_COLOUR = (110, 110, 110)
BOUND_PEN = pg.mkPen(*BOUND_COLOUR, width=2, style=Qt.PenStyle.DashLine)
PLOT_WIDTH, PLOT_HEIGHT = 240, 220  # pixels a plot needs at least


class _SweepPlots(pg.GraphicsLayoutWidget):
    """The sweep's plots in as many columns as fit, re-laid out when the view is resized.

    A QGraphicsView clips a scene wider than itself: three plots side by side in the ~500 px a
    1400 px window leaves the tab were cut off at the right. Each plot gets at least PLOT_WIDTH
    and PLOT_HEIGHT pixels; the widget asks for the height its rows need, so the tab scrolls
    down instead. The size hint is modest: the tab's scroll area sizes a tab with word-wrapped
    text to its preferred height, and a QGraphicsView's own made it scroll.
    """

    def __init__(self) -> None:
        self._plots: list[pg.PlotItem] = []  # set first: the base class resizes while it is made
        self._columns = 0
        super().__init__()

    def sizeHint(self) -> QSize:
        return QSize(400, 300)

    @property
    def columns(self) -> int:
        return self._columns

    def add_plot(self) -> pg.PlotItem:
        plot = pg.PlotItem()
        self._plots.append(plot)
        self._columns = 0  # lay out again
        self._arrange()
        return plot

    def remove_plots(self) -> None:
        self.clear()
        self._plots = []
        self._columns = 0
        self.setMinimumHeight(0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        n = len(self._plots)
        columns = max(1, min(n, self.width() // PLOT_WIDTH))
        if not n or columns == self._columns:
            return
        self._columns = columns
        for plot in self._plots:
            if plot.scene() is not None:
                self.ci.removeItem(plot)
        rows = -(-n // columns)
        for i, plot in enumerate(self._plots):
            row, col = divmod(i, columns)
            span = columns - col if i == n - 1 else 1  # the last plot fills its row
            self.ci.addItem(plot, row=row, col=col, colspan=span)
        self.setMinimumHeight(rows * PLOT_HEIGHT)


class SweepWorker(QObject):
    """Builds the baselines and sweeps every kind; lives in a QThread (see SweepView._start)."""

    progress = Signal(float)  # fraction of the whole sweep done
    rows_ready = Signal(object)  # list[SweepRow] of one kind (partial if cancelled)
    failed = Signal(str)  # a sentence for the user
    finished = Signal(bool)  # True when cancelled; after the last rows_ready

    def __init__(
        self, clean: np.ndarray, model: Autoencoder, label: str, kinds: list[str], repeats: int
    ) -> None:
        super().__init__()
        self._clean, self._model, self._label = clean, model, label
        self._kinds, self._repeats = kinds, repeats
        self._cancelled = False  # set from the GUI thread, read between levels
        self._trainer: Trainer | None = None

    def cancel(self) -> None:
        self._cancelled = True
        trainer = self._trainer
        if trainer is not None:
            trainer.request_stop()

    @Slot()
    def run(self) -> None:
        try:
            denoisers = self._denoisers()
            for i, kind in enumerate(self._kinds):
                if self._cancelled:
                    break

                def progress(fraction: float, i: int = i) -> bool:
                    self.progress.emit((i + fraction) / len(self._kinds))
                    return not self._cancelled

                clean, repeats = self._clean, self._repeats
                bound = len(clean) <= BOUND_MAX_IMAGES
                rows = run_sweep(clean, denoisers, kind, None, repeats, SEED, bound, progress)
                self.rows_ready.emit(rows)
        except Exception as error:  # a bug must end the sweep visibly, not kill the thread
            self.failed.emit(f"The sweep stopped because of an internal error ({error}).")
        self.finished.emit(self._cancelled)

    def _denoisers(self) -> dict:
        """This model, a plain AE on the clean set (unless this model is one), PCA, in order."""
        model = self._model
        denoisers = {self._label: model.reconstruct}
        if not self._label.endswith("(AE)"):
            preset = PRESETS["ae"]
            ae = Autoencoder(
                model.n_inputs, preset.hidden, model.latent, preset.activation, "bce", SEED
            )
            config = TrainConfig(**preset.train_kwargs(len(self._clean)))
            self._trainer = Trainer(ae, self._clean, config)
            self._trainer.run()  # a fraction of a second on the built-in sets
            denoisers["plain AE"] = ae.reconstruct
        pca = fit_pca(self._clean, model.latent)
        denoisers[f"PCA ({pca.n_components} components)"] = pca.denoise
        return denoisers


class SweepView(QWidget):
    """Controls above, one plot per noise kind below."""

    sweep_finished = Signal(str)  # "finished", "cancelled" or "failed", after the plots are drawn
    written = Signal(str)  # the path of an exported CSV

    def __init__(self, run: RunController, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self._run, self._glyphs = run, glyph_set
        self.rows: list[SweepRow] = []
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self.error_bars: dict[tuple[str, str], pg.ErrorBarItem] = {}
        self._keyed: list[str] = []  # the methods in the key above the plots, in order
        self._worker: SweepWorker | None = None
        self._threads: dict[QThread, SweepWorker] = {}
        self._failure = ""
        self._note = ""  # what the running sweep leaves out, said when it ends

        self.kind_combo = QComboBox()
        self.kind_combo.addItem("all three", ALL_KINDS)
        for key in SWEEP_LEVELS:
            self.kind_combo.addItem(NOISE_LABELS[key], key)
        self.kind_combo.setToolTip("Which noise to sweep over its levels, or all three in turn")
        self.repeats_spin = QSpinBox()
        self.repeats_spin.setRange(1, 100)
        self.repeats_spin.setValue(5)
        self.repeats_spin.setToolTip("Noisy copies of the whole set per level; error bars: std")
        self.run_button = QPushButton("Run sweep")
        self.cancel_button = QPushButton("Cancel")
        self.run_button.setToolTip(
            "Measure wrong pixels per glyph at each noise level for this model, a plain AE, "
            "PCA and the Bayes bound (runs in the background)"
        )
        self.cancel_button.setToolTip("Stop the sweep after the level being measured")
        self.cancel_button.setEnabled(False)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip(
            "Save the measured rows (noise, level, method, mean and std of wrong pixels) as CSV"
        )
        self.export_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setValue(0)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.key_label = QLabel()  # which colour is which method, for every plot at once
        self.key_label.setWordWrap(True)
        self.plot_area = _SweepPlots()
        self.plot_area.setBackground("w")
        self._layout()
        self._show_idle_text()

        self.run_button.clicked.connect(self._on_run_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        app = QCoreApplication.instance()
        if app is not None:  # the window only stops the training thread when it closes
            app.aboutToQuit.connect(self.shutdown)

    def _layout(self) -> None:
        controls = FlowLayout(
            (
                QLabel("Noise:"),
                self.kind_combo,
                QLabel("Repeats:"),
                self.repeats_spin,
                self.run_button,
                self.cancel_button,
                self.progress_bar,
                self.export_button,
            )
        )
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status_label)
        layout.addWidget(self.key_label)
        layout.addWidget(self.plot_area, 1)

    def _show_idle_text(self) -> None:
        self.status_label.setText(
            "Mean wrong pixels per glyph against the noise level for this run's model, a plain "
            "autoencoder, PCA with as many components as the latent size, and the "
            f"<i>{BOUND}</i>: the best any denoiser can do that knows the clean glyphs. "
            "Press <b>Run sweep</b>."
        )

    @property
    def is_running(self) -> bool:
        return self._worker is not None

    # --- slots ----------------------------------------------------------------------------------
    @Slot()
    def _on_run_clicked(self) -> None:
        snapshot = self._run.snapshot
        dataset = self._glyphs.dataset()
        if self.is_running:
            return
        if snapshot is None or snapshot.model.n_inputs != dataset.n_pixels:
            self.status_label.setText("No model for these glyphs yet: press <b>Start</b> first.")
            return
        model = snapshot.model.copy()  # the views decode with the snapshot's copy: not shared
        kind = (
            "vae" if model.kind == "vae" else ("dae" if self._run.settings.kind == "dae" else "ae")
        )
        label = f"this model ({kind.upper()})"
        choice = self.kind_combo.currentData()
        kinds = list(SWEEP_LEVELS) if choice == ALL_KINDS else [choice]
        self._clear_plots(kinds)
        self._failure = ""
        self.status_label.setText(
            f"Sweeping {', '.join(kinds)} noise with {self.repeats_spin.value()} repeats: "
            f"{label} at epoch {snapshot.epoch}, on {len(dataset)} glyphs…"
        )
        self._note = (
            f" No {BOUND} above {BOUND_MAX_IMAGES:,} images: it compares every noisy copy with "
            "every image."
            if len(dataset) > BOUND_MAX_IMAGES
            else ""
        )
        self._start(SweepWorker(dataset.pixels, model, label, kinds, self.repeats_spin.value()))

    def _start(self, worker: SweepWorker) -> None:
        thread = QThread()
        thread.setObjectName("sweep")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)  # queued into the GUI thread
        worker.rows_ready.connect(self._on_rows_ready)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_worker_finished)
        worker.finished.connect(thread.quit)
        # Not worker.deleteLater (a Python QObject destroyed in the worker thread deadlocked
        # against the GUI thread): both die with their last Python reference, dropped in the
        # GUI thread once the thread has finished (_on_thread_finished).
        thread.finished.connect(self._on_thread_finished)
        self._threads[thread] = worker
        self._worker = worker
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.progress_bar.setValue(0)
        thread.start()

    @Slot()
    def _on_cancel_clicked(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling after this noise level…")

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        if self.sender() is self._worker:
            self.progress_bar.setValue(round(fraction * PROGRESS_STEPS))

    @Slot(object)
    def _on_rows_ready(self, rows: list[SweepRow]) -> None:
        if self.sender() is self._worker:
            self.rows.extend(rows)
            self._draw()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.sender() is self._worker:
            self._failure = message

    @Slot(bool)
    def _on_worker_finished(self, cancelled: bool) -> None:
        if self.sender() is not self._worker:
            return
        self._worker = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.export_button.setEnabled(bool(self.rows))
        levels = len({(r.kind, r.level) for r in self.rows})
        if self._failure:
            state, text = "failed", self._failure
        elif cancelled:
            state, text = "cancelled", f"Cancelled: {levels} noise levels measured (kept)."
        else:
            state, text = "finished", f"Done: {levels} noise levels measured."
            self.progress_bar.setValue(PROGRESS_STEPS)
        self.status_label.setText(
            f"{text} Error bars: ± one standard deviation over the repeats. Lower is better."
            + self._note
        )
        self.sweep_finished.emit(state)

    @Slot()
    def _on_thread_finished(self) -> None:
        for thread in list(self._threads):
            if thread.isFinished():
                thread.wait()  # returns once the thread's last clean-up is done
                del self._threads[thread]  # the last references: deleted in the GUI thread

    @Slot()
    def _on_export_clicked(self) -> None:
        path = self._ask_save_path()
        if not path:
            return
        try:
            write_text_atomic(path, sweep_csv(self.rows))
        except OSError as error:
            self.status_label.setText(f"Could not write {path}: {error.strerror or error}.")
            return
        self.status_label.setText(f"Wrote {len(self.rows)} rows to {path}.")
        self.written.emit(path)

    def _ask_save_path(self) -> str:
        """The CSV file to write, or '' (tests override this to avoid the modal dialog)."""
        path, _ = QFileDialog.getSaveFileName(self, "Export sweep", "sweep.csv", "CSV (*.csv)")
        return path

    # --- stopping -------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Cancel a running sweep and wait for its thread; True when every thread has ended."""
        if self._worker is not None:
            self._worker.cancel()
        ended = True
        for thread in list(self._threads):
            thread.quit()
            if thread.wait(timeout_ms):
                del self._threads[thread]
            else:
                ended = False
        return ended

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # --- drawing --------------------------------------------------------------------------------
    def _clear_plots(self, kinds: list[str]) -> None:
        self.rows = []
        self.curves.clear()
        self.error_bars.clear()
        self.plot_area.remove_plots()
        self.key_label.clear()
        self._keyed = []
        self.plots = {}
        for kind in kinds:
            plot = self.plot_area.add_plot()
            plot.setTitle(NOISE_LABELS[kind].split(" (")[0] + " noise")
            symbol = "sigma" if kind == "gaussian" else "p"
            plot.setLabel("bottom", f"noise level {symbol}")
            plot.setLabel("left", "mean wrong pixels per glyph")
            for axis in ("bottom", "left"):
                plot.getAxis(axis).enableAutoSIPrefix(False)  # no "(x0.001)" on the levels
            plot.showGrid(x=True, y=True, alpha=0.2)
            levels = SWEEP_LEVELS[kind]
            plot.setXRange(levels[0], levels[-1], padding=0.05)
            self.plots[kind] = plot

    def _draw(self) -> None:
        methods = list(dict.fromkeys(r.method for r in self.rows))
        for kind, plot in self.plots.items():
            for i, method in enumerate(methods):
                rows = [r for r in self.rows if r.kind == kind and r.method == method]
                if not rows:
                    continue
                x = np.array([r.level for r in rows])
                y = np.array([r.mean for r in rows])
                std = np.array([r.std for r in rows])
                key = (kind, method)
                if key not in self.curves:
                    self._add_curve(plot, key, i)
                self.curves[key].setData(x, y)
                self.error_bars[key].setData(x=x, y=y, height=2 * std)

    def _add_curve(self, plot: pg.PlotItem, key: tuple[str, str], index: int) -> None:
        method = key[1]
        if method == BOUND:
            colour, pen = BOUND_COLOUR, BOUND_PEN
        else:
            colour = COLOURS[index % len(COLOURS)]
            pen = pg.mkPen(*colour, width=2)
        brush = pg.mkBrush(*colour)
        self._add_to_key(method, colour)
        self.curves[key] = plot.plot(
            pen=pen, symbol="o", symbolSize=6, symbolBrush=brush, symbolPen=None, name=method
        )
        bars = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), beam=0.008, pen=pen)
        plot.addItem(bars)
        self.error_bars[key] = bars

    def _add_to_key(self, method: str, colour: tuple[int, int, int]) -> None:
        """One key above the plots instead of a legend inside each (it covered their curves)."""
        if method in self._keyed:
            return
        self._keyed.append(method)
        line = "- - -" if method == BOUND else "\u2014\u25cf\u2014"
        entry = f"<span style='color:rgb{colour}'>{line} {escape(method)}</span>"
        text = self.key_label.text()
        self.key_label.setText(f"{text} &nbsp;&nbsp; {entry}" if text else entry)

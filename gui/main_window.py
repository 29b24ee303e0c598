"""The one window: data on the left, the latent space and the loss in the centre, training right.

The window owns the GlyphSet and the RunController and wires views to them; panels never talk
to each other directly. A centre tab is one call: `window.add_tab(widget, "Title")`; a tab reads
`window.run.snapshot` (latest Snapshot, model copy included), listens to
`window.run.snapshot_changed`, and edits data through `window.glyph_set`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from engine.data.datasets import BUILTIN_DATASETS, Dataset, DatasetError, load_builtin, load_dataset
from engine.data.split import held_out_part
from engine.training import Snapshot
from gui.controls.training_panel import STATE_COLOURS, TrainingPanel
from gui.data.data_panel import DataPanel
from gui.data.download_dialog import DownloadMenu
from gui.data.glyph_set import GlyphSet
from gui.export_menu import ExportMenu
from gui.help_menu import HelpMenu
from gui.plots.loss_plot import LossPlot
from gui.run.run_controller import RunController
from gui.run.run_settings import RunSettings
from gui.session_menu import SessionMenu
from gui.views.denoising_view import DenoisingView
from gui.views.interpolation_view import InterpolationView
from gui.views.latent_tab import LatentTab
from gui.views.pca_view import PCAView
from gui.views.reconstruction_view import ReconstructionView
from gui.views.run_history import RunHistory, RunHistoryView, run_record
from gui.views.sweep_view import SweepView
from gui.views.vae_panel import VAEInsightPanel
from gui.widgets.busy_note import BusyNote
from gui.widgets.file_dialogs import FileDialogs
from gui.widgets.message_bar import MessageBar
from gui.widgets.rate_limit import RateLimit
from gui.widgets.view_tabs import ViewTabs

DEFAULT_SET = "font5x7"
CLOSE_TIMEOUT_MS = 1000
# Closing pauses a big set's run after its current batch (milliseconds), but a first snapshot
# already begun (a set's codes, a second at 60,000 images, longer on a busy machine) finishes
# first: closing waits for it this long (a thread still running when the window goes would
# abort the app).
LARGE_CLOSE_TIMEOUT_MS = 120_000
PCA_CLOSE_TIMEOUT_MS = 10_000  # a fit of the 1797 digits takes well under a second
READOUT_MS = 250  # the generator, the editor's round trip and the summary: <= 4 times a second
AUTOSAVE_NAME = "autosave.aelab"
# Closing stops the run of a set up to this size within CLOSE_TIMEOUT_MS; a larger set's gets
# LARGE_CLOSE_TIMEOUT_MS and a wait cursor, as does its autosave (~0.7 s at 60,000 images and
# their edited copy, benchmarks/session_io.py).
SMALL_SET_IMAGES = 2000
RECONSTRUCT = "Reconstruct && denoise"  # groups of centre views ("&&": a literal ampersand)
EXPLORE = "Explore"
DOCK_SHARE = 0.22  # of the window's width, for each side panel
DOCK_MIN_WIDTH = 270  # pixels
# Saved dock layouts carry this number; one saved by an older layout (the docks took two thirds
# of a laptop's width) is ignored rather than restored. Raise it when the docks change.
WINDOW_STATE_VERSION = 2


class MainWindow(QMainWindow):
    """Autoencoder Lab's main window. `store` replaces the user's QSettings (tests pass one);
    `data_dir` is where the autosaved session and the run history live: the app's data folder,
    or beside the store's file when a store is given (so tests never touch the user's files)."""

    # False when the system closes the window (SIGTERM, gui/app.py): nobody is there to answer,
    # and unsaved glyph edits live on in the autosaved session.
    ask_before_closing = True

    def __init__(
        self,
        store: QSettings | None = None,
        parent: QWidget | None = None,
        data_dir: str | Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store if store is not None else QSettings()
        if data_dir is None and store is not None:
            data_dir = Path(store.fileName()).parent / "data"
        elif data_dir is None:
            location = QStandardPaths.StandardLocation.AppDataLocation
            data_dir = QStandardPaths.writableLocation(location)
        self.data_dir = Path(data_dir)
        self.dialogs = FileDialogs(self)  # tests answer these instead of a person
        dataset, path = self._initial_set()
        self.glyph_set = GlyphSet(dataset, path, parent=self)
        self.run = RunController(self.glyph_set, store=self._store, parent=self)

        self.data_panel = DataPanel(self.glyph_set)
        self.training_panel = TrainingPanel(self.run)
        self.latent_tab = LatentTab(self.run, self.glyph_set, self._store)
        self.latent_scatter = self.latent_tab.scatter
        self._codes_note = BusyNote(self.latent_scatter)
        self.generator = self.latent_tab.generator
        self.readout = self.latent_tab.readout
        self.loss_plot = LossPlot()
        self.run_history = RunHistory(self.data_dir / "runs.json", parent=self)
        self.run_history_view = RunHistoryView(self.run_history)
        self.tabs = ViewTabs()
        self._path_wanted = False  # set when the Interpolation tab is first opened
        self.add_tab(self.latent_tab, "Latent space")
        self.add_tab(ReconstructionView(self.run, self.glyph_set), "Reconstructions", RECONSTRUCT)
        self.add_tab(DenoisingView(self.run, self.glyph_set), "Denoising", RECONSTRUCT)
        self.sweep_view = SweepView(self.run, self.glyph_set)
        self.add_tab(self.sweep_view, "Noise sweep", RECONSTRUCT)
        self.pca_view = PCAView(self.run, self.glyph_set)
        self.add_tab(self.pca_view, "PCA vs AE", EXPLORE)
        self.interpolation_view = InterpolationView(self.run, self.glyph_set)
        self.add_tab(self.interpolation_view, "Interpolation", EXPLORE)
        self.vae_panel = VAEInsightPanel(self.run, self.glyph_set)
        self.add_tab(self.vae_panel, "VAE")
        self.add_tab(self.run_history_view, "Runs")
        self.setCentralWidget(self._make_centre())
        self._fit_to_screen()
        self._make_docks()
        self._make_menus()
        self._make_status_bar()
        self._readouts = RateLimit(self, self._show_readouts, READOUT_MS)
        self._test_rows: np.ndarray | None = None  # the held-out rows the latent tab has
        self._connect()
        self._restore_window()
        self._on_settings_changed(self.run.settings)
        self._on_state_changed(self.run.state)
        if self.run.snapshot is not None:
            self._on_snapshot_changed(self.run.snapshot)
        self.latent_tab.show_current_glyph()
        self._update_title()
        if self.run_history.load_error:
            self._show_error(self.run_history.load_error)

    # --- extension point --------------------------------------------------------------------------
    def add_tab(self, widget: QWidget, title: str, group: str | None = None) -> int:
        """Add a centre view (e.g. "Reconstructions"), on its own top tab or in a `group`'s
        inner tabs; returns its index in that tab bar. `tabs.show_view(widget)` brings it up."""
        return self.tabs.add_view(widget, title, group)

    # --- building ---------------------------------------------------------------------------------
    def _make_centre(self) -> QWidget:
        self.message_area = MessageBar()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.loss_plot)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 300])  # the tabs (a scroll area has no useful size hint) get most
        splitter.setChildrenCollapsible(False)
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message_area)
        layout.addWidget(splitter, 1)
        return centre

    def _make_docks(self) -> None:
        """Data on the left, training on the right, each about a fifth of the window: at 1280
        px the centre keeps ~700 px and the latent plane ~470 (the docks took two thirds)."""
        self.data_dock = self._dock("Data", "data_dock", self.data_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.data_dock)
        self.training_dock = self._dock("Training", "training_dock", self.training_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.training_dock)
        width = max(DOCK_MIN_WIDTH, int(DOCK_SHARE * self.width()))
        self.resizeDocks(
            [self.data_dock, self.training_dock], [width, width], Qt.Orientation.Horizontal
        )

    def _dock(self, title: str, name: str, panel: QWidget) -> QDockWidget:
        """A dock holding `panel` in a scroll area: a screen smaller than the panel scrolls it
        up and down rather than clip it; it never scrolls sideways."""
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(panel.minimumSizeHint().width())
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(scroll)
        return dock

    def _make_menus(self) -> None:
        data, panel = self.data_panel, self.training_panel
        data.open_action.setText("&Open set…")
        data.open_folder_action.setText("Open &folder of images…")
        data.save_action.setText("&Save set")
        data.save_as_action.setText("Save set &as…")
        data.import_action.setText("&Import images…")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu = self.menuBar().addMenu("&File")
        menu.addActions([data.open_action, data.open_folder_action])
        menu.addActions([data.save_action, data.save_as_action])
        menu.addAction(data.import_action)
        self.downloads = DownloadMenu(data.open_file, parent=self)  # opens what it downloaded
        menu.addAction(self.downloads.action)
        menu.addSeparator()
        self.sessions = SessionMenu(
            self.run, data, self._store, self.autosave_path, self.dialogs, parent=self
        )
        self.sessions.add_to(menu)
        menu.addSeparator()
        menu.addActions([panel.load_model_action, panel.save_model_action])
        menu.addSeparator()
        self.exports = ExportMenu(
            self.run, self.loss_plot, self.latent_scatter, self.dialogs, parent=self
        )
        self.exports.add_to(menu.addMenu("E&xport"))
        menu.addSeparator()
        menu.addAction(quit_action)
        menu = self.menuBar().addMenu("&Edit")
        menu.addActions([data.undo_action, data.redo_action])
        menu = self.menuBar().addMenu("&Run")
        menu.addActions([panel.start_action, panel.pause_action])
        menu.addActions(list(panel.step_actions.values()))
        menu.addActions([panel.stop_action, panel.reset_action])
        menu = self.menuBar().addMenu("&View")
        menu.addActions([self.latent_tab.thumbnails_action, self.latent_tab.background_action])
        menu.addSeparator()
        menu.addActions([self.data_dock.toggleViewAction(), self.training_dock.toggleViewAction()])
        self.help = HelpMenu(self)
        self.help.add_to(self.menuBar().addMenu("&Help"))

    def _make_status_bar(self) -> None:
        self.state_label = QLabel()
        self.state_label.setToolTip("The run state and the latest evaluation.")
        self.statusBar().addPermanentWidget(self.state_label)

    def _connect(self) -> None:
        run, glyphs, scatter = self.run, self.glyph_set, self.latent_scatter
        # Late-bound, so a test can capture the sentences by replacing _show_error.
        self.sessions.error_occurred.connect(lambda message: self._show_error(message))
        self.sessions.message_changed.connect(self._on_message_changed)
        self.exports.error_occurred.connect(lambda message: self._show_error(message))
        self.exports.written.connect(self._on_file_written)
        self.interpolation_view.written.connect(self._on_file_written)
        self.interpolation_view.error_occurred.connect(lambda message: self._show_error(message))
        self.sweep_view.written.connect(self._on_file_written)
        run.snapshot_changed.connect(self._on_snapshot_changed)
        run.state_changed.connect(self._on_state_changed)
        run.settings_changed.connect(self._on_settings_changed)
        run.message_changed.connect(self._on_message_changed)
        run.error_occurred.connect(self._show_error)
        run.run_ended.connect(self._on_run_ended)
        run.codes_pending_changed.connect(self._on_codes_pending_changed)
        self.run_history.error_occurred.connect(self._show_error)
        self.run_history_view.load_requested.connect(run.load_weights)
        glyphs.glyphs_reset.connect(self._update_title)
        glyphs.modified_changed.connect(self._on_modified_changed)
        glyphs.path_changed.connect(self._update_title)
        self.interpolation_view.path_changed.connect(self._on_interpolation_path_changed)
        self.tabs.view_changed.connect(self._on_current_view_changed)
        self.vae_panel.ellipses_toggled.connect(scatter.set_ellipses_visible)
        self.vae_panel.samples_changed.connect(scatter.set_samples)

    # --- slots: the interpolation path shows on the plane once its tab has been opened ---------
    @Slot(object)
    def _on_interpolation_path_changed(self, codes: np.ndarray | None) -> None:
        """An unexplained orange line on a new user's plane would only puzzle them."""
        self.latent_scatter.set_path(codes if self._path_wanted else None)

    @Slot()
    def _on_current_view_changed(self) -> None:
        showing = self.tabs.current_view() is self.interpolation_view
        if showing and not self._path_wanted:
            self._path_wanted = True
            self._on_interpolation_path_changed(self.interpolation_view.path)

    # --- errors -----------------------------------------------------------------------------------
    def _show_error(self, message: str) -> None:
        """Say what went wrong in the window itself (tests override this to capture it)."""
        self.statusBar().showMessage(message, 15000)
        self.message_area.show_message(message)

    @Slot(str)
    def _on_file_written(self, path: str) -> None:
        self.statusBar().showMessage(f"Wrote {path}.", 10000)

    # --- slots: the run -> views --------------------------------------------------------------
    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        """The latent scatter moves with every snapshot; the rest are read more than watched,
        and every millisecond here is taken from training (they share the GIL)."""
        rows = snapshot.test_rows
        if rows is not self._test_rows:  # a new split: the latent tab's "Show test images"
            self._test_rows = rows
            test = None if rows is None else held_out_part(self.run.dataset, rows)
            self.latent_tab.set_test_data(test)
        self.latent_tab.show_snapshot(snapshot)
        self.loss_plot.set_snapshot(snapshot)
        self._readouts.request()

    def _show_readouts(self) -> None:
        """The generator's picture, the editor glyph's round trip and the status bar summary."""
        self.latent_tab.show_readouts()
        self._show_run_summary()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state != "running":
            self._readouts.flush()  # show the epoch the run paused or ended at, now
            self.loss_plot.flush()
        if state == "running":
            self.loss_plot.set_running()
            self.message_area.hide()  # a new attempt: the last error no longer applies
        self._show_run_summary()

    @Slot(bool)
    def _on_codes_pending_changed(self, pending: bool) -> None:
        """A big set's first codes are made in the worker: the plane's picture is the last
        set's until they come."""
        if pending:
            n = len(self.glyph_set)
            self._codes_note.show_note(f"Computing the codes of {n:,} images…")
        else:
            self._codes_note.hide()
        self._show_run_summary()

    @Slot(object)
    def _on_run_ended(self, snapshot: Snapshot) -> None:
        record = run_record(snapshot, self.run.settings.to_dict(), self.run.dataset)
        self.run_history.add(record, self.run.ended_models())

    @Slot(object)
    def _on_settings_changed(self, settings: RunSettings) -> None:
        self.loss_plot.set_stop_limit(settings.stop_wrong if settings.stop_enabled else None)

    @Slot(str)
    def _on_message_changed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def _show_run_summary(self) -> None:
        state, snapshot = self.run.state, self.run.snapshot
        colour = STATE_COLOURS.get(state, "#000")
        text = f"<b style='color:{colour}'>{state}</b>"
        if self.run.codes_pending:  # the worker scores and encodes a new set: the last one shows
            text += f" · computing the codes of {len(self.glyph_set):,} images…"
        elif snapshot is not None:
            ev, batch, scored = snapshot.evaluation, snapshot.batch, ""
            logged = snapshot.history["epoch"]
            if len(logged) and (batch is not None or int(logged[-1]) != snapshot.epoch):
                scored = f" (scored at epoch {int(logged[-1])})"
            text += (
                f" · epoch {snapshot.epoch}"
                + ("" if batch is None else " + {:,} of {:,} batches".format(*batch))
                + f" · loss {ev.loss:.4g}{scored} · worst glyph {ev.max_wrong} "
                f"wrong px · {ev.total_wrong} in all"
            )
        self.state_label.setText(text)

    @Slot(bool)
    def _on_modified_changed(self, _modified: bool) -> None:
        self._update_title()

    @Slot()
    def _update_title(self) -> None:
        """The file's name once the set has one (after Save As, the set's internal name was
        still shown), else the set's name."""
        glyphs = self.glyph_set
        shown = Path(glyphs.path).name if glyphs.path else glyphs.name
        mark = " *" if glyphs.modified else ""
        self.setWindowTitle(f"Autoencoder Lab — {shown}{mark}")

    # --- settings and closing -------------------------------------------------------------------
    def _initial_set(self) -> tuple[Dataset, str | None]:
        """The set open when the window last closed, else the 5x7 font."""
        path = self._store.value("data/path", "", type=str)
        name = self._store.value("data/builtin", DEFAULT_SET, type=str)
        try:
            if path:
                return load_dataset(path), path if path.lower().endswith(".json") else None
            if name in BUILTIN_DATASETS:
                return load_builtin(name), None
        except DatasetError:
            pass  # the file moved or broke since: start with the default rather than fail
        return load_builtin(DEFAULT_SET), None

    def _fit_to_screen(self) -> None:
        """1400x900 or nine tenths of a larger screen, the whole free area of a smaller one
        (there is no saved geometry yet)."""
        area = self.screen().availableGeometry()
        width, height = area.width(), area.height()
        self.resize(min(width, max(1400, width * 9 // 10)), min(height, max(900, height * 9 // 10)))

    def _restore_window(self) -> None:
        geometry = self._store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self._store.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state, WINDOW_STATE_VERSION)

    def _save_window(self) -> None:
        store, glyphs = self._store, self.glyph_set
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState(WINDOW_STATE_VERSION))
        store.setValue("data/path", glyphs.path or "")
        if glyphs.path is None and glyphs.name in BUILTIN_DATASETS:
            store.setValue("data/builtin", glyphs.name)
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved glyphs, end the training thread (a running run pauses after its
        batch), then keep the whole session in the data folder whatever the set's size (File >
        Restore last session brings it back)."""
        if self.ask_before_closing and not self.data_panel.maybe_save():
            event.ignore()
            return
        # The run is saved as the thread left it: paused (best weights included, so it resumes
        # exactly), idle or ended. A Save session still being written ends first.
        small = len(self.glyph_set) <= SMALL_SET_IMAGES
        if not small:  # the autosave takes a second or so: say so
            self.statusBar().showMessage("Saving the session…")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.sessions.wait_for_saves()
            if self.run.shutdown(CLOSE_TIMEOUT_MS if small else LARGE_CLOSE_TIMEOUT_MS):
                self._autosave()
        finally:
            if not small:
                QApplication.restoreOverrideCursor()
        self.sweep_view.shutdown(CLOSE_TIMEOUT_MS)
        # A PCA fit still running (importing scikit-learn takes a second) would be cut off by
        # the interpreter's exit and print a traceback: let it end first.
        self.pca_view.wait_for_fit(PCA_CLOSE_TIMEOUT_MS)
        self._save_window()
        super().closeEvent(event)

    def _autosave(self) -> bool:
        """Keep the whole session in the data folder (File > Restore last session)."""
        return self.run.save_session(str(self.autosave_path), quiet=True)

    @property
    def autosave_path(self) -> Path:
        """Where closing the window keeps the whole session (File > Restore last session)."""
        return self.data_dir / AUTOSAVE_NAME

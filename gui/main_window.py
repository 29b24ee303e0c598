"""The one window: data on the left, the latent space and the loss in the centre, training right.

The window owns the GlyphSet and the RunController and wires views to them; panels never talk
to each other directly. A centre tab is one call: `window.add_tab(widget, "Title")`; a tab reads
`window.run.snapshot` (latest Snapshot, model copy included), listens to
`window.run.snapshot_changed`, and edits data through `window.glyph_set`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.datasets import BUILTIN_DATASETS, Dataset, DatasetError, load_builtin, load_dataset
from engine.training import Snapshot
from gui.data_panel import DataPanel
from gui.denoising_view import DenoisingView
from gui.exports import (
    ExportError,
    export_plot,
    grid_codes,
    history_csv,
    latent_csv,
    save_latent_grid,
    save_text,
)
from gui.generator_canvas import EncodeReadout, GeneratorCanvas
from gui.glyph_set import GlyphSet
from gui.interpolation_view import InterpolationView
from gui.latent_scatter import LatentScatter
from gui.loss_plot import LossPlot
from gui.pca_view import PCAView
from gui.rate_limit import RateLimit
from gui.reconstruction_view import ReconstructionView
from gui.run_controller import RunController
from gui.run_history import RunHistory, RunHistoryView, run_record
from gui.run_settings import RunSettings
from gui.sweep_view import SweepView
from gui.training_panel import STATE_COLOURS, TrainingPanel
from gui.vae_panel import VAEInsightPanel

DEFAULT_SET = "font5x7"
CLOSE_TIMEOUT_MS = 1000
READOUT_MS = 100  # the generator, the editor's round trip and the summary: <= 10 times a second
SESSION_FILTER = "Autoencoder Lab session (*.aelab)"
PLOT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
PNG_FILTER = "PNG image (*.png)"
CSV_FILTER = "CSV table (*.csv)"
AUTOSAVE_NAME = "autosave.aelab"
RECENT_MAX = 8


def _checkable(parent: QWidget, text: str, short: str, tip: str, checked: bool) -> QAction:
    action = QAction(text, parent)
    action.setIconText(short)  # what a tool button shows
    action.setCheckable(True)
    action.setChecked(checked)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


TAB_MIN_WIDTH = 420  # pixels: a wider tab scrolls sideways rather than squeeze the docks


class MainWindow(QMainWindow):
    """Autoencoder Lab's main window. `store` replaces the user's QSettings (tests pass one);
    `data_dir` is where the autosaved session and the run history live: the app's data folder,
    or beside the store's file when a store is given (so tests never touch the user's files)."""

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
        self._pending_session_save: str | None = None
        dataset, path = self._initial_set()
        self.glyph_set = GlyphSet(dataset, path, parent=self)
        self.run = RunController(self.glyph_set, store=self._store, parent=self)

        self.data_panel = DataPanel(self.glyph_set)
        self.training_panel = TrainingPanel(self.run)
        self.latent_scatter = LatentScatter()
        self.generator = GeneratorCanvas(self.glyph_set)
        self.readout = EncodeReadout()
        self.loss_plot = LossPlot()
        self.run_history = RunHistory(self.data_dir / "runs.json", parent=self)
        self.run_history_view = RunHistoryView(self.run_history)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Nine tabs must not widen the centre and squeeze the data panel: scroll them instead.
        self.tabs.setUsesScrollButtons(True)
        self._path_wanted = False  # set when the Interpolation tab is first opened
        self._make_view_actions()
        self.add_tab(self._make_latent_tab(), "Latent space")
        self.add_tab(ReconstructionView(self.run, self.glyph_set), "Reconstructions")
        self.add_tab(DenoisingView(self.run, self.glyph_set), "Denoising")
        self.add_tab(PCAView(self.run, self.glyph_set), "PCA vs AE")
        self.sweep_view = SweepView(self.run, self.glyph_set)
        self.add_tab(self.sweep_view, "Noise sweep")
        self.interpolation_view = InterpolationView(self.run, self.glyph_set)
        self.vae_panel = VAEInsightPanel(self.run, self.glyph_set)
        self.add_tab(self.interpolation_view, "Interpolation")
        self.add_tab(self.vae_panel, "VAE")
        self.add_tab(self.run_history_view, "Runs")
        self.setCentralWidget(self._make_centre())
        self._fit_to_screen()
        self._make_docks()
        self._make_menus()
        self._make_status_bar()
        self._readouts = RateLimit(self, self._show_readouts, READOUT_MS)
        self._connect()
        self._restore_window()
        self._on_settings_changed(self.run.settings)
        self._on_state_changed(self.run.state)
        if self.run.snapshot is not None:
            self._on_snapshot_changed(self.run.snapshot)
        self._on_current_glyph_changed(self.glyph_set.current)
        self._update_title()
        if self.run_history.load_error:
            self._show_error(self.run_history.load_error)

    # --- extension point --------------------------------------------------------------------------
    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a centre tab (e.g. "Reconstructions"); returns its index.

        Each tab sits in a scroll area, so one wide tab cannot widen the centre and squeeze the
        data panel: on a narrow window the tab scrolls instead."""
        scroll = QScrollArea()
        scroll.setWidget(widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(min(widget.minimumSizeHint().width(), TAB_MIN_WIDTH))
        return self.tabs.addTab(scroll, title)

    # --- building ---------------------------------------------------------------------------------
    def _make_view_actions(self) -> None:
        store = self._store
        self.thumbnails_action = _checkable(
            self,
            "Show glyphs as &thumbnails",
            "Thumbnails",
            "Draw each glyph's pixels at its latent point instead of its label.",
            store.value("view/thumbnails", False, type=bool),
        )
        self.background_action = _checkable(
            self,
            "&Decoded background",
            "Decoded background",
            "Fill the latent plane with glyphs decoded on a grid, to see what each region means.",
            store.value("view/background", False, type=bool),
        )
        self.thumbnails_action.toggled.connect(self._on_thumbnails_changed)
        self.background_action.toggled.connect(self._on_background_changed)
        self.latent_scatter.set_thumbnails(self.thumbnails_action.isChecked())
        self.latent_scatter.set_background_visible(self.background_action.isChecked())

    def _make_latent_tab(self) -> QWidget:
        toggles = QHBoxLayout()
        for action in (self.thumbnails_action, self.background_action):
            button = QToolButton()
            button.setDefaultAction(action)
            toggles.addWidget(button)
        toggles.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(toggles)
        left_layout.addWidget(self.latent_scatter, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.generator, 3)
        side_layout.addWidget(self.readout, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        return splitter

    def _make_centre(self) -> QWidget:
        self.message_area = QFrame()
        self.message_area.setStyleSheet(
            "QFrame { background: #fde8e6; border: 1px solid #e0a09a; border-radius: 4px; }"
            "QLabel { border: none; color: #7a1010; }"
        )
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QToolButton()
        dismiss.setText("✕")
        dismiss.setToolTip("Hide this message")
        dismiss.setAutoRaise(True)
        dismiss.clicked.connect(self.message_area.hide)
        row = QHBoxLayout(self.message_area)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.message_label, 1)
        row.addWidget(dismiss)
        self.message_area.hide()
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
        data_scroll = QScrollArea()  # a narrow screen scrolls the panel rather than clip the window
        data_scroll.setWidget(self.data_panel)
        data_scroll.setWidgetResizable(True)
        data_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.data_dock = QDockWidget("Data", self)
        self.data_dock.setObjectName("data_dock")
        self.data_dock.setWidget(data_scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.data_dock)
        scroll = QScrollArea()
        scroll.setWidget(self.training_panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(self.training_panel.sizeHint().width() + 20)
        self.training_dock = QDockWidget("Training", self)
        self.training_dock.setObjectName("training_dock")
        self.training_dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.training_dock)
        # The centre (latent plane) matters most: the data panel gets at most ~36% of the width.
        data_width = self.data_panel.minimumSizeHint().width() + 4
        data_width = min(data_width, int(0.36 * self.width()))
        self.resizeDocks([self.data_dock], [data_width], Qt.Orientation.Horizontal)

    def _make_menus(self) -> None:
        data, panel = self.data_panel, self.training_panel
        data.open_action.setText("&Open set…")
        data.save_action.setText("&Save set")
        data.save_as_action.setText("Save set &as…")
        data.import_action.setText("&Import images…")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu = self.menuBar().addMenu("&File")
        menu.addActions([data.open_action, data.save_action, data.save_as_action])
        menu.addAction(data.import_action)
        menu.addSeparator()
        self._make_session_menu(menu)
        menu.addSeparator()
        menu.addActions([panel.load_model_action, panel.save_model_action])
        menu.addSeparator()
        self._make_export_menu(menu.addMenu("E&xport"))
        menu.addSeparator()
        menu.addAction(quit_action)
        menu = self.menuBar().addMenu("&Edit")
        menu.addActions([data.undo_action, data.redo_action])
        menu = self.menuBar().addMenu("&Run")
        menu.addActions([panel.start_action, panel.pause_action])
        menu.addActions(list(panel.step_actions.values()))
        menu.addActions([panel.stop_action, panel.reset_action])
        menu = self.menuBar().addMenu("&View")
        menu.addActions([self.thumbnails_action, self.background_action])
        menu.addSeparator()
        menu.addActions([self.data_dock.toggleViewAction(), self.training_dock.toggleViewAction()])

    def _make_status_bar(self) -> None:
        self.state_label = QLabel()
        self.state_label.setToolTip("The run state and the latest evaluation.")
        self.statusBar().addPermanentWidget(self.state_label)

    def _connect(self) -> None:
        run, glyphs, scatter = self.run, self.glyph_set, self.latent_scatter
        run.snapshot_changed.connect(self._on_snapshot_changed)
        run.state_changed.connect(self._on_state_changed)
        run.settings_changed.connect(self._on_settings_changed)
        run.message_changed.connect(self._on_message_changed)
        run.error_occurred.connect(self._show_error)
        run.run_ended.connect(self._on_run_ended)
        self.run_history.error_occurred.connect(self._show_error)
        scatter.point_clicked.connect(self._on_point_clicked)
        scatter.glyph_selected.connect(self._on_glyph_selected)
        glyphs.current_changed.connect(self._on_current_glyph_changed)
        glyphs.glyph_changed.connect(self._on_glyph_changed)
        glyphs.glyphs_reset.connect(self._on_glyphs_reset)
        glyphs.modified_changed.connect(self._on_modified_changed)
        self.interpolation_view.path_changed.connect(self._on_interpolation_path_changed)
        self.tabs.currentChanged.connect(self._on_current_tab_changed)
        self.vae_panel.ellipses_toggled.connect(scatter.set_ellipses_visible)
        self.vae_panel.samples_changed.connect(scatter.set_samples)

    # --- slots: the interpolation path shows on the plane once its tab has been opened ---------
    @Slot(object)
    def _on_interpolation_path_changed(self, codes: np.ndarray | None) -> None:
        """An unexplained orange line on a new user's plane would only puzzle them."""
        self.latent_scatter.set_path(codes if self._path_wanted else None)

    @Slot(int)
    def _on_current_tab_changed(self, _index: int) -> None:
        showing = self.tabs.currentWidget().widget() is self.interpolation_view
        if showing and not self._path_wanted:
            self._path_wanted = True
            self._on_interpolation_path_changed(self.interpolation_view.path)

    # --- errors -----------------------------------------------------------------------------------
    def _show_error(self, message: str) -> None:
        """Say what went wrong in the window itself (tests override this to capture it)."""
        self.statusBar().showMessage(message, 15000)
        self.message_label.setText(html.escape(message))
        self.message_area.show()

    # --- slots: the run -> views --------------------------------------------------------------
    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        """The latent scatter moves with every snapshot; the rest are read more than watched,
        and every millisecond here is taken from training (they share the GIL)."""
        scatter = self.latent_scatter
        scatter.set_probe(self._probe_code(), redraw=False)  # moves with the points: one paint
        scatter.set_snapshot(snapshot, self.run.dataset)
        self.loss_plot.set_snapshot(snapshot)
        self._readouts.request()

    def _show_readouts(self) -> None:
        """The generator's picture, the editor glyph's round trip and the status bar summary."""
        snapshot = self.run.snapshot
        if snapshot is not None:
            self.generator.set_snapshot(snapshot, self.run.dataset)
        self._update_probe(marker=False)
        self._show_run_summary()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state != "running":
            self._readouts.flush()  # show the epoch the run paused or ended at, now
            self.loss_plot.flush()
        if state == "running":
            self.message_area.hide()  # a new attempt: the last error no longer applies
        elif self._pending_session_save is not None:  # paused (or ended) for Save session
            path, self._pending_session_save = self._pending_session_save, None
            self._save_session_to(path)
        self._show_run_summary()

    @Slot(object)
    def _on_run_ended(self, snapshot: Snapshot) -> None:
        self.run_history.add(run_record(snapshot, self.run.settings.to_dict(), self.run.dataset))

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
        if snapshot is not None:
            ev = snapshot.evaluation
            text += (
                f" · epoch {snapshot.epoch} · loss {ev.loss:.4g} · worst glyph {ev.max_wrong} "
                f"wrong px · {ev.total_wrong} in all"
            )
        self.state_label.setText(text)

    # --- slots: latent plane and generator ---------------------------------------------------------
    @Slot(object)
    def _on_point_clicked(self, code: np.ndarray) -> None:
        self.generator.set_code(code)
        self.latent_scatter.set_generator_point(code)

    @Slot(int)
    def _on_glyph_selected(self, index: int) -> None:
        if index < len(self.glyph_set):
            self.glyph_set.set_current(index)

    # --- slots: the glyph set -----------------------------------------------------------------------
    @Slot(int)
    def _on_current_glyph_changed(self, index: int) -> None:
        self.latent_scatter.set_selected(index)
        self._update_probe()

    @Slot(int)
    def _on_glyph_changed(self, index: int) -> None:
        if index == self.glyph_set.current:
            self._update_probe()  # draw to encode: the star follows the pen

    @Slot()
    def _on_glyphs_reset(self) -> None:
        self._update_probe()
        self._update_title()

    @Slot(bool)
    def _on_modified_changed(self, _modified: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        mark = " *" if self.glyph_set.modified else ""
        self.setWindowTitle(f"Autoencoder Lab — {self.glyph_set.name}{mark}")

    def _probe_code(self) -> np.ndarray | None:
        """Where the editor's glyph encodes with the latest model copy (latent,), if it fits."""
        snapshot, glyphs = self.run.snapshot, self.glyph_set
        if snapshot is None or glyphs.width * glyphs.height != snapshot.model.n_inputs:
            return None
        return snapshot.model.encode(glyphs.image(glyphs.current).reshape(1, -1))[0]

    def _update_probe(self, marker: bool = True) -> None:
        """Mark the editor's glyph on the plane (unless `marker` is False) and show its round
        trip through the latest model copy."""
        code = self._probe_code()
        if marker:
            self.latent_scatter.set_probe(code)
        if code is not None:
            image = self.glyph_set.image(self.glyph_set.current)  # (h, w)
            output = self.run.snapshot.model.decode(code[None, :])[0].reshape(image.shape)
            self.readout.show_round_trip(image, code, output)

    # --- view toggles -------------------------------------------------------------------------------
    @Slot(bool)
    def _on_thumbnails_changed(self, on: bool) -> None:
        self.latent_scatter.set_thumbnails(on)
        self._store.setValue("view/thumbnails", on)

    @Slot(bool)
    def _on_background_changed(self, on: bool) -> None:
        self.latent_scatter.set_background_visible(on)
        self._store.setValue("view/background", on)

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
        """1400x900, or the screen's free area if smaller (there is no saved geometry yet)."""
        area = self.screen().availableGeometry()
        self.resize(min(1400, area.width()), min(900, area.height()))

    def _restore_window(self) -> None:
        geometry = self._store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self._store.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_window(self) -> None:
        store, glyphs = self._store, self.glyph_set
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        store.setValue("data/path", glyphs.path or "")
        if glyphs.path is None and glyphs.name in BUILTIN_DATASETS:
            store.setValue("data/builtin", glyphs.name)
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved glyphs, stop training and wait for it (within a second), then keep
        the whole session in the data folder (File > Restore last session brings it back)."""
        if not self.data_panel.maybe_save():
            event.ignore()
            return
        # A paused (or idle, or ended) run is saved as it is, so it resumes exactly; a running
        # one is stopped first and keeps its best weights.
        saved = self.run.state != "running" and self.run.save_session(
            str(self.autosave_path), quiet=True
        )
        if self.run.shutdown(CLOSE_TIMEOUT_MS) and not saved:
            self.run.save_session(str(self.autosave_path), quiet=True)
        self.sweep_view.shutdown(CLOSE_TIMEOUT_MS)
        self._save_window()
        super().closeEvent(event)

    # --- sessions ---------------------------------------------------------------------------------
    @property
    def autosave_path(self) -> Path:
        return self.data_dir / AUTOSAVE_NAME

    def _make_session_menu(self, menu: QMenu) -> None:
        self.open_session_action = QAction("Open sess&ion…", self)
        self.open_session_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_session_action.setStatusTip("Open a whole session: glyphs, model, run, history")
        self.open_session_action.triggered.connect(self._on_open_session_triggered)
        self.save_session_action = QAction("Save sessio&n…", self)
        self.save_session_action.setShortcut(QKeySequence("Ctrl+Alt+S"))
        self.save_session_action.setStatusTip(
            "Save glyphs, settings, weights, optimizer state, history and seeds in one file"
        )
        self.save_session_action.triggered.connect(self._on_save_session_triggered)
        self.restore_session_action = QAction("&Restore last session", self)
        self.restore_session_action.setStatusTip(
            "Open the session that was saved automatically when the window last closed"
        )
        self.restore_session_action.triggered.connect(self._on_restore_session_triggered)
        self.restore_session_action.setEnabled(self.autosave_path.is_file())
        self.recent_menu = QMenu("Recent sessions", self)
        menu.addActions([self.open_session_action, self.save_session_action])
        menu.addMenu(self.recent_menu)
        menu.addAction(self.restore_session_action)
        self._update_recent_menu()

    def recent_sessions(self) -> list[str]:
        text = self._store.value("sessions/recent", "", type=str)
        try:
            paths = json.loads(text) if text else []
        except json.JSONDecodeError:
            paths = []
        return (
            [p for p in paths if isinstance(p, str)][:RECENT_MAX] if isinstance(paths, list) else []
        )

    def _set_recent_sessions(self, paths: list[str]) -> None:
        self._store.setValue("sessions/recent", json.dumps(paths[:RECENT_MAX]))
        self._update_recent_menu()

    def _remember_session(self, path: str) -> None:
        path = str(Path(path).resolve())
        if Path(path) == self.autosave_path.resolve():
            return
        self._set_recent_sessions([path, *(p for p in self.recent_sessions() if p != path)])

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_sessions()
        for number, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name}")
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_session_file(p))
        self.recent_menu.setEnabled(bool(paths))

    def open_session_file(self, path: str) -> bool:
        """Open a session (a recent entry, a dialog's choice or the autosave)."""
        if not Path(path).is_file():
            if path in self.recent_sessions():
                self._set_recent_sessions([p for p in self.recent_sessions() if p != path])
                self._show_error(
                    f"The session {path} no longer exists; it was removed from Recent sessions."
                )
            else:
                self._show_error(f"The session {path} does not exist.")
            return False
        if not self.data_panel.maybe_save():  # the session replaces the glyphs
            return False
        if not self.run.open_session(path):
            return False  # run.error_occurred has said why; the window is unchanged
        self._remember_session(path)
        return True

    @Slot()
    def _on_open_session_triggered(self) -> None:
        path = self._ask_open_path("Open session", SESSION_FILTER)
        if path:
            self.open_session_file(path)

    @Slot()
    def _on_save_session_triggered(self) -> None:
        path = self._ask_save_path("Save session", SESSION_FILTER)
        if not path:
            return
        if self.run.state == "running":  # save at the next pause: weights must be still
            self._pending_session_save = path
            self.run.pause()
        else:
            self._save_session_to(path)

    def _save_session_to(self, path: str) -> None:
        if self.run.save_session(path):
            self._remember_session(path)

    @Slot()
    def _on_restore_session_triggered(self) -> None:
        self.open_session_file(str(self.autosave_path))

    # --- exports --------------------------------------------------------------------------------
    def _make_export_menu(self, menu: QMenu) -> None:
        entries = (
            ("&Loss plot (PNG or SVG)…", self.export_loss_plot),
            ("Latent &plot (PNG or SVG)…", self.export_latent_plot),
            ("Decoded latent &grid (PNG)…", self.export_latent_grid),
            ("Loss &history (CSV)…", self.export_history_csv),
            ("Latent &codes (CSV)…", self.export_latent_csv),
        )
        self.export_actions: list[QAction] = []
        for text, slot in entries:
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, f=slot: f())
            self.export_actions.append(action)

    def _export(self, title: str, file_filter: str, write) -> bool:
        """Ask for a path, then `write(path)`; a failure is told in a sentence."""
        path = self._ask_save_path(title, file_filter)
        if not path:
            return False
        try:
            write(path)
        except (OSError, ValueError) as error:  # ExportError is a ValueError
            self._show_error(f"Could not write {path}: {error}.")
            return False
        self.statusBar().showMessage(f"Wrote {path}.", 10000)
        return True

    def export_loss_plot(self) -> bool:
        return self._export(
            "Export the loss plot", PLOT_FILTER, lambda p: export_plot(self.loss_plot.ci, p)
        )

    def export_latent_plot(self) -> bool:
        plot = self.latent_scatter.getPlotItem()
        return self._export("Export the latent plot", PLOT_FILTER, lambda p: export_plot(plot, p))

    def export_latent_grid(self) -> bool:
        """10 x 10 glyphs decoded over the latent plot's current view, as one picture."""
        snapshot, dataset = self.run.snapshot, self.run.dataset
        if snapshot is None:
            self._show_error("There is no model to decode with yet.")
            return False
        x_range, y_range = self.latent_scatter.getViewBox().viewRange()
        codes = grid_codes(self.latent_scatter.projection, x_range, y_range)
        return self._export(
            "Export the decoded latent grid",
            PNG_FILTER,
            lambda p: save_latent_grid(p, snapshot.model, dataset, codes),
        )

    def export_history_csv(self) -> bool:
        snapshot = self.run.snapshot
        if snapshot is None:
            self._show_error("There is no loss history yet.")
            return False
        text = history_csv(snapshot)
        return self._export("Export the loss history", CSV_FILTER, lambda p: save_text(p, text))

    def export_latent_csv(self) -> bool:
        snapshot = self.run.snapshot
        if snapshot is None:
            self._show_error("There are no latent codes yet.")
            return False
        try:
            text = latent_csv(snapshot, self.run.dataset)
        except ExportError as error:
            self._show_error(f"Could not export the latent codes: {error}.")
            return False
        return self._export("Export the latent codes", CSV_FILTER, lambda p: save_text(p, text))

    # --- file dialogs (tests override these two) ------------------------------------------------
    def _ask_save_path(self, title: str, file_filter: str) -> str | None:
        """A path to write, with the chosen filter's suffix added when none was typed."""
        path, chosen = QFileDialog.getSaveFileName(self, title, "", file_filter)
        if not path:
            return None
        if not Path(path).suffix:
            pattern = (chosen or file_filter).split("(*", 1)[-1]
            path += pattern.split(")", 1)[0].split(" ", 1)[0]
        return path

    def _ask_open_path(self, title: str, file_filter: str) -> str | None:
        path, _chosen = QFileDialog.getOpenFileName(self, title, "", file_filter)
        return path or None

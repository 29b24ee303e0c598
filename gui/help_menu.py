"""The Help menu: the keyboard shortcuts and mouse gestures, and About (version and licences).

The shortcut list is read from the window's own actions when it is opened, so it never goes
stale when a shortcut is added or changed; the mouse gestures are listed beside them because the
latent plane and the pixel editor have no menu entries to find them by.
"""

from __future__ import annotations

import html
from importlib import metadata

import numpy as np
import pyqtgraph as pg
import PySide6
from PySide6.QtCore import QObject, Qt, Slot, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

DISTRIBUTION = "autoencoder-lab"  # the name in pyproject.toml
MOUSE = (
    ("Latent plane: click or drag", "decode that point in the generator"),
    ("Latent plane: click a glyph", "select it for the editor"),
    ("Latent plane: wheel or right drag", "zoom; middle drag pans; right click: View All"),
    ("Pixel editor: left drag / right drag", "paint ink / erase"),
    ("Reconstructions: click a glyph", "select it for the editor"),
)
LICENCES = (
    ("Qt and PySide6", "LGPLv3", "https://www.qt.io/licensing/"),
    ("pyqtgraph", "MIT", "https://github.com/pyqtgraph/pyqtgraph/blob/master/LICENSE.txt"),
    ("NumPy", "BSD 3-clause", "https://numpy.org/doc/stable/license.html"),
    ("scikit-learn", "BSD 3-clause", "https://scikit-learn.org/stable/about.html"),
)


def app_version() -> str:
    """The installed package's version, from its metadata (one place: pyproject.toml)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (run from a source tree that is not installed)"


def _version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) for every action of the window with a shortcut, in the order they were
    made (data, runs, sessions, help), once each."""
    rows: dict[str, str] = {}
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        what = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        if keys and what:
            rows.setdefault(what.rstrip("…").rstrip("."), keys)
    return list(rows.items())


def shortcuts_html(window: QMainWindow) -> str:
    def table(rows) -> str:
        cells = "".join(
            f"<tr><td><b>{html.escape(a)}</b></td><td>&nbsp;&nbsp;{html.escape(b)}</td></tr>"
            for a, b in rows
        )
        return f"<table>{cells}</table>"

    keys = [(keys, what) for what, keys in shortcut_rows(window)]
    return f"<h3>Keys</h3>{table(keys)}<h3>Mouse</h3>{table(MOUSE)}"


def about_html() -> str:
    licences = "".join(
        f"<li>{html.escape(name)}: {licence} (<a href='{url}'>{url}</a>)</li>"
        for name, licence, url in LICENCES
    )
    return (
        f"<h3>Autoencoder Lab {html.escape(app_version())}</h3>"
        "<p>Train autoencoders (AE, denoising AE, VAE) on small pixel glyph sets and watch "
        "the latent space while they learn. The networks are plain NumPy, gradients by hand.</p>"
        f"<p>Built with Qt {qVersion()}, PySide6 {PySide6.__version__}, pyqtgraph "
        f"{pg.__version__}, NumPy {np.__version__}, scikit-learn "
        f"{html.escape(_version_of('scikit-learn'))}.</p>"
        f"<p>Licences of the libraries it uses:</p><ul>{licences}</ul>"
    )


class HelpMenu(QObject):
    """Help > Keyboard shortcuts (F1) and About. Each opens a window-modal message box that
    does not block (tests read `dialog` and close it)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: QMessageBox | None = None
        self.shortcuts_action = QAction("&Keyboard shortcuts and mouse", self)
        self.shortcuts_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.shortcuts_action.setToolTip("Every key and mouse gesture of the window")
        self.shortcuts_action.triggered.connect(self._on_shortcuts_triggered)
        self.about_action = QAction("&About Autoencoder Lab", self)
        self.about_action.setToolTip("Version and the licences of the libraries used")
        self.about_action.triggered.connect(self._on_about_triggered)
        window.addAction(self.shortcuts_action)  # F1 works before the menu is ever opened

    def add_to(self, menu: QMenu) -> None:
        menu.addActions([self.shortcuts_action, self.about_action])

    def _show(self, title: str, text: str) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = QMessageBox(QMessageBox.Icon.NoIcon, title, text, parent=self._window)
        self.dialog.setTextFormat(Qt.TextFormat.RichText)
        self.dialog.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.dialog.open()

    @Slot()
    def _on_shortcuts_triggered(self) -> None:
        self._show("Keyboard shortcuts and mouse", shortcuts_html(self._window))

    @Slot()
    def _on_about_triggered(self) -> None:
        self._show("About Autoencoder Lab", about_html())

"""Finding things in the window: the Help menu (keys, mouse, About) and a tooltip on every
control (13 of 69 once had none, mostly in the Noise sweep and Interpolation tabs)."""

from importlib import metadata

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMenuBar,
    QPushButton,
    QSlider,
    QTabBar,
    QWidget,
)

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QLineEdit)


@pytest.fixture
def window(make_window):
    return make_window(ini="s.ini", errors=False, discard=False)


def help_menu(win):
    menus = {a.text().replace("&", ""): a.menu() for a in win.menuBar().actions()}
    return menus["Help"]


def test_f1_lists_every_shortcut_and_the_mouse(qtbot, window):
    later = QAction("Later thing", window)  # an action made after the menu: listed too
    later.setShortcut("Ctrl+Alt+L")
    window.addAction(later)
    window.addAction(QAction("No keys", window))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.help.dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.text()
    for keys, what in (("Ctrl+R", "Start"), ("Space", "Pause"), ("Ctrl+Z", "Undo")):
        assert f"<b>{keys}</b>" in text and f"{what}</td>" in text
    assert "Later thing" in text and "No keys" not in text
    assert "Latent plane: click or drag" in text and "right drag" in text
    dialog.close()


def test_about_says_the_version_and_the_licences(qtbot, window):
    about = next(a for a in help_menu(window).actions() if a.text().startswith("&About"))
    about.trigger()
    text = window.help.dialog.text()
    assert f"Autoencoder Lab {metadata.version('autoencoder-lab')}" in text
    for licence in ("Qt and PySide6: LGPLv3", "pyqtgraph: MIT", "NumPy: BSD", "scikit-learn: BSD"):
        assert licence in text
    window.help.dialog.close()


def controls_without_tooltip(win) -> list[str]:
    """Every control a person can press, type in or drag, without a tooltip. The parts Qt
    builds inside other widgets (a spin box's line edit, tab bar arrows, a table's corner
    button, the menu bar's overflow arrow, a dock's title buttons) are not the app's."""
    missing = []
    for widget in win.findChildren(QWidget):
        parent = widget.parentWidget()
        inside_qt = isinstance(parent, QAbstractSpinBox | QComboBox | QTabBar | QMenuBar)
        inside_qt |= isinstance(parent, QAbstractItemView)  # a table's corner button
        inside_qt |= widget.metaObject().className() == "QDockWidgetTitleButton"
        if isinstance(widget, CONTROLS) and not inside_qt and not widget.toolTip().strip():
            text = widget.text() if hasattr(widget, "text") else ""
            missing.append(f"{type(widget).__name__} {text!r} in {type(parent).__name__}")
    return missing


def test_every_control_has_a_tooltip(window):
    assert controls_without_tooltip(window) == []
    # Negative control: a button without one is found.
    QPushButton("Mystery", window.sweep_view)
    assert controls_without_tooltip(window) == ["QPushButton 'Mystery' in SweepView"]

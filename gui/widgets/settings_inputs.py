"""The input widgets the training panel's Model and Training forms are made of.

Both forms build their spin boxes and combos the same way and show a RunSettings value without
echoing it back to the controller; keeping that here makes the two forms behave alike.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox

MAX_SEED = 2**31 - 1


def spin_box(low: int, high: int, tip: str) -> QSpinBox:
    """An integer box that commits once typing ends, so a half-typed number never starts work."""
    box = QSpinBox()
    box.setRange(low, high)
    box.setKeyboardTracking(False)  # commit when typing ends, not on every digit
    box.setToolTip(tip)
    return box


def decimal_box(low: float, high: float, decimals: int, step: float, tip: str) -> QDoubleSpinBox:
    """A decimal box that commits once typing ends, like `spin_box`."""
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


def combo_box(items: dict[str, str], tip: str) -> QComboBox:
    """A combo listing `items` (key: text); `currentData()` is the key the settings store."""
    box = QComboBox()
    for key, text in items.items():
        box.addItem(text, key)
    box.setToolTip(tip)
    # Long item texts must not set the panel's width: the combo may shrink and elide them.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)
    return box


def show_choice(combo: QComboBox, key: str) -> None:
    """Select `key` without a change signal: the value came from the controller."""
    with QSignalBlocker(combo):
        combo.setCurrentIndex(combo.findData(key))


def show_value(spin: QSpinBox | QDoubleSpinBox, value: float) -> None:
    """Show `value` without a change signal: the value came from the controller."""
    with QSignalBlocker(spin):
        spin.setValue(value)

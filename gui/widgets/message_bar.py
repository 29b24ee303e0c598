"""The red bar above the centre tabs that says what went wrong, until it is dismissed.

The status bar forgets a message after a few seconds; an error a user must act on (a file that
would not load, a run that diverged) stays here, selectable so it can be copied.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class MessageBar(QFrame):
    """Hidden until `show_message`; the ✕ button (or `hide`) puts it away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(
            "QFrame { background: #fde8e6; border: 1px solid #e0a09a; border-radius: 4px; }"
            "QLabel { border: none; color: #7a1010; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QToolButton()
        dismiss.setText("✕")
        dismiss.setToolTip("Hide this message")
        dismiss.setAutoRaise(True)
        dismiss.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.label, 1)
        row.addWidget(dismiss)
        self.hide()

    def show_message(self, message: str) -> None:
        """Show `message` as plain text (a path with < or & in it stays readable)."""
        self.label.setText(html.escape(message))
        self.show()

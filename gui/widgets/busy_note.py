"""A note laid over a widget while what it shows is being remade elsewhere (a worker thread).

The widget underneath keeps its last picture, which may belong to something else by now (the
last set's codes while a new set's are computed): the note covers it with a pale veil and says
what is coming, and goes once it has come. It follows the widget's size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget


class BusyNote(QLabel):
    """A centred sentence over `parent`, hidden until `show_note`."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(
            "background: rgba(255, 255, 255, 240); color: #333; font-size: 15px; padding: 24px;"
        )
        self.hide()
        parent.installEventFilter(self)

    def show_note(self, text: str) -> None:
        self.setText(text)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.parentWidget():
            self.setGeometry(self.parentWidget().rect())
        return False

"""Previous / next buttons and "Page k of n": how a view shows a set too large to draw at once.

A view of 60,000 images draws and computes one page (a few dozen images) at a time, so what it
costs is bounded by the page, never by the set. The bar only counts pages; the view decides which
images a page holds (in order, or worst first).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QToolButton, QWidget


class PageBar(QWidget):
    """Pages 0..pages-1 of `count` items, `size` a page; `page_changed` when the page changes."""

    page_changed = Signal(int)

    def __init__(self, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if size < 1:
            raise ValueError(f"a page holds at least one item, not {size}")
        self.size = size
        self._count = 0
        self._page = 0
        self.previous_button = QToolButton()
        self.previous_button.setText("\u25c0 Previous")
        self.previous_button.setToolTip("The previous page")
        self.next_button = QToolButton()
        self.next_button.setText("Next \u25b6")
        self.next_button.setToolTip("The next page")
        self.page_spin = QSpinBox()
        self.page_spin.setToolTip("Type a page number to go there")
        self.page_spin.setKeyboardTracking(False)  # typing "12" must not visit page 1 first
        self.label = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous_button)
        layout.addWidget(QLabel("Page"))
        layout.addWidget(self.page_spin)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)
        layout.addStretch(1)
        self.previous_button.clicked.connect(self._on_previous_clicked)
        self.next_button.clicked.connect(self._on_next_clicked)
        self.page_spin.valueChanged.connect(self._on_spin_changed)
        self.set_count(0)

    @property
    def page(self) -> int:
        return self._page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self._count / self.size))

    def text(self) -> str:
        """What the bar says, e.g. "page 3 of 938"."""
        return f"page {self._page + 1:,} of {self.pages:,}"

    def set_count(self, count: int) -> None:
        """The number of items; the page stays where it is if it still exists."""
        self._count = max(0, int(count))
        self.set_page(min(self._page, self.pages - 1), quiet=True)

    def page_of(self, position: int) -> int:
        """The page that shows the item at `position` (0-based, in the view's order)."""
        return position // self.size

    def set_page(self, page: int, quiet: bool = False) -> None:
        """Show `page` (clamped to the pages there are); emits page_changed unless `quiet`."""
        page = min(max(0, int(page)), self.pages - 1)
        changed = page != self._page
        self._page = page
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1, self.pages)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self.label.setText(f"of {self.pages:,}")
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.pages - 1)
        if changed and not quiet:
            self.page_changed.emit(page)

    @Slot()
    def _on_previous_clicked(self) -> None:
        self.set_page(self._page - 1)

    @Slot()
    def _on_next_clicked(self) -> None:
        self.set_page(self._page + 1)

    @Slot(int)
    def _on_spin_changed(self, value: int) -> None:
        self.set_page(value - 1)

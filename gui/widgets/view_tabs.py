"""The centre's tabs, grouped: a few top tabs, some holding a row of inner tabs.

Nine views side by side did not fit a 1280 px laptop: the tab bar scrolled and hid Interpolation,
VAE and Runs behind an arrow. Grouping related views ("Reconstruct & denoise" holds the
reconstructions, denoising and the noise sweep) keeps every view one or two clicks away with no
scroll arrows. Each view sits in a scroll area of its own, so one wide view cannot widen the
centre and squeeze the side panels: on a narrow window it scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

VIEW_MIN_WIDTH = 420  # pixels: a wider view scrolls sideways rather than squeeze the docks


class _Holder(QWidget):
    """Holds a view at the size its scroll area gives it, without height-for-width.

    A scroll area asks a view with word-wrapped labels for its height at the given width, and a
    layout answers from its children's preferred heights, not their minimums: the PCA and
    Interpolation views showed scroll bars with ~100 px to spare. Held here, a view scrolls
    only when the area is smaller than the view's minimum size."""

    def __init__(self, view: QWidget) -> None:
        super().__init__()
        self.view = view
        view.setParent(self)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the view's minimum may have changed: tell the scroll area
        return False

    def minimumSizeHint(self) -> QSize:
        return self.view.minimumSizeHint().expandedTo(self.view.minimumSize())

    def sizeHint(self) -> QSize:
        return self.view.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.view.setGeometry(0, 0, event.size().width(), event.size().height())


class ViewPage(QScrollArea):
    """One view in a scroll area of its own; `view` is the view."""

    def __init__(self, view: QWidget) -> None:
        super().__init__()
        self.view = view
        self.setWidget(_Holder(view))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(min(view.minimumSizeHint().width(), VIEW_MIN_WIDTH))


class ViewTabs(QTabWidget):
    """Top tabs of views and groups of views. `add_view(widget, "Denoising", group="...")` puts
    a view in a group's inner tabs (the group's top tab is made on first use)."""

    view_changed = Signal()  # another view came to the front (a top or an inner tab changed)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self._groups: dict[str, QTabWidget] = {}
        self.currentChanged.connect(self.view_changed)

    def add_view(self, widget: QWidget, title: str, group: str | None = None) -> int:
        """Add a view; returns its index in its own tab bar (the top one, or its group's)."""
        if group is None:
            return self.addTab(ViewPage(widget), title)
        inner = self._groups.get(group)
        if inner is None:
            inner = self._groups[group] = QTabWidget()
            inner.setDocumentMode(True)
            inner.currentChanged.connect(self.view_changed)
            self.addTab(inner, group)
        return inner.addTab(ViewPage(widget), title)

    def group(self, title: str) -> QTabWidget:
        """A group's inner tabs (KeyError for a group never made)."""
        return self._groups[title]

    def views(self) -> list[tuple[str, ViewPage]]:
        """Every view's title and page, in tab order, groups opened up."""
        found: list[tuple[str, ViewPage]] = []
        for i in range(self.count()):
            page = self.widget(i)
            if isinstance(page, ViewPage):
                found.append((self.tabText(i), page))
            else:
                found.extend((page.tabText(j), page.widget(j)) for j in range(page.count()))
        return found

    def show_view(self, widget: QWidget) -> bool:
        """Bring the view holding `widget` to the front (its group too); False if none does."""
        for i in range(self.count()):
            page = self.widget(i)
            if isinstance(page, ViewPage):
                if page.view is widget:
                    self.setCurrentIndex(i)
                    return True
                continue
            for j in range(page.count()):
                if page.widget(j).view is widget:
                    self.setCurrentIndex(i)
                    page.setCurrentIndex(j)
                    return True
        return False

    def current_view(self) -> QWidget | None:
        """The view shown in front (inside its group's tabs), or None."""
        page = self.currentWidget()
        if isinstance(page, QTabWidget):
            page = page.currentWidget()
        return page.view if isinstance(page, ViewPage) else None

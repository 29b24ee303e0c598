"""The window at laptop sizes: every view one or two clicks away, the latent plane wide, no panel
clipped (at 1280x800 the side panels once took two thirds of the width, the plane was ~240 px
wide and five of nine tabs hid behind a scroll arrow)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea, QTabBar, QTabWidget, QToolButton

from gui.main_window import WINDOW_STATE_VERSION
from tests.gui.windows import settings_in


@pytest.fixture
def window(make_window):
    return make_window(ini="s.ini", show=False, errors=False, discard=False)


def show_at(qtbot, win, width: int, height: int) -> None:
    win.resize(width, height)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.width() == width and win.height() == height)


def tab_bars_with_arrows(widget) -> list[str]:
    """The visible tab bars that show scroll arrows (their tabs do not fit)."""
    return [
        " | ".join(bar.tabText(i) for i in range(bar.count()))
        for bar in widget.findChildren(QTabBar)
        if bar.isVisible() and any(b.isVisible() for b in bar.findChildren(QToolButton))
    ]


def scrolled(area: QAbstractScrollArea) -> bool:
    return area.horizontalScrollBar().isVisible() or area.verticalScrollBar().isVisible()


def clipped_panels(qtbot, win) -> list[str]:
    """Each view (brought to the front by clicking its tabs) and each dock that would need a
    scroll bar: a part of it cut off."""
    found = []
    for title, page in win.tabs.views():
        click_to(qtbot, win, page.view)
        qtbot.wait(1)
        if scrolled(page):
            found.append(title)
    found += [d.windowTitle() for d in (win.data_dock, win.training_dock) if scrolled(d.widget())]
    return found


def click_to(qtbot, win, view) -> None:
    """Click the top tab, then the inner tab, that hold `view` (as a person would)."""
    tabs = win.tabs
    for i in range(tabs.count()):
        page = tabs.widget(i)
        inner = page if isinstance(page, QTabWidget) else None
        pages = [inner.widget(j) for j in range(inner.count())] if inner else [page]
        for j, candidate in enumerate(pages):
            if candidate.view is view:
                bar = tabs.tabBar()
                qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
                if inner is not None:
                    bar = inner.tabBar()
                    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(j).center())
                assert tabs.current_view() is view
                return
    raise AssertionError("no tab holds the view")


def test_at_1280_by_800_the_plane_is_wide_and_every_view_is_one_click_away(qtbot, window):
    show_at(qtbot, window, 1280, 800)
    plane = window.latent_scatter.getPlotItem().getViewBox()
    assert plane.width() >= 420  # the plotting area, axes not counted
    assert tab_bars_with_arrows(window) == []
    assert clipped_panels(qtbot, window) == []
    # Each side panel holds its controls in full, side by side with the plane.
    assert window.data_dock.width() < window.width() / 4
    assert window.training_dock.width() < window.width() / 4


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_nothing_is_clipped_on_other_screens(qtbot, window, width, height):
    show_at(qtbot, window, width, height)
    assert tab_bars_with_arrows(window) == []
    assert clipped_panels(qtbot, window) == []


def test_the_checks_see_arrows_and_clipping(qtbot, window):
    """Negative controls: a view too big for the window is reported, and so are tab arrows."""
    show_at(qtbot, window, 1280, 800)
    window.pca_view.setMinimumHeight(2000)
    assert clipped_panels(qtbot, window) == ["PCA vs AE"]
    window.pca_view.setMinimumHeight(0)
    for i in range(12):
        window.add_tab(QScrollArea(), f"Another view {i}")
    qtbot.wait(1)
    assert tab_bars_with_arrows(window) != []


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_the_runs_table_fits_its_tab_without_scrolling_sideways(qtbot, window, size):
    show_at(qtbot, window, *size)
    view = window.run_history_view
    click_to(qtbot, window, view)
    window.run.update_settings(epochs=30, stop_enabled=False)
    with qtbot.waitSignal(window.run_history.runs_changed, timeout=10_000):
        window.run.start()
    qtbot.waitUntil(lambda: not window.run.is_active)
    table = view.table
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    qtbot.wait(1)
    assert not table.horizontalScrollBar().isVisible()
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert sum(widths) <= table.viewport().width()
    # Nothing is lost with the width: the row's tooltip has what the cells shorten or leave out.
    run = window.run_history.runs[-1]
    tip = table.item(0, 0).toolTip()
    assert run["time"] in tip and "seeds init/batch/noise 0/0/0" in tip
    assert f"worst glyph {run['max_wrong']}, all glyphs {run['total_wrong']}" in tip


def test_a_dock_layout_saved_by_an_older_version_is_not_restored(qtbot, make_window, tmp_path):
    """A returning user's stored dock state (from the layout where the docks took two thirds of
    the width) came back on every start: the fresh layout must win over it."""
    store = settings_in(tmp_path, "old.ini")
    old = make_window(store, show=False, errors=False, discard=False)
    show_at(qtbot, old, 1280, 800)
    old.resizeDocks([old.data_dock], [420], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: old.data_dock.width() >= 400)
    unversioned = old.saveState()  # as the older versions saved it
    same = old.saveState(WINDOW_STATE_VERSION)  # control: a state of this version
    old.close()
    for state, wide in ((unversioned, False), (same, True)):
        store.setValue("window/state", state)
        win = make_window(store, show=False, errors=False, discard=False)
        show_at(qtbot, win, 1280, 800)
        qtbot.wait(10)
        assert (win.data_dock.width() >= 400) is wide, win.data_dock.width()
        win.close()

"""Where to click: each view's top tab (and inner tab), Start and the VAE tab's Sample button,
in window pixels, for the screen the window opens on. Run on the screen the shots are taken on
(`xvfb-run -s "-screen 0 1280x800x24"`, QT_QPA_PLATFORM=xcb): the docks' widths, and so the tabs'
places, follow the screen's fonts. Usage: python tab_positions.py [builtin set] > positions.json
"""

import json
import sys
import tempfile
import time

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTabWidget

from gui.app import make_application


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()


def main() -> None:
    app = make_application()
    from gui.main_window import MainWindow

    store = QSettings(tempfile.mkdtemp() + "/s.ini", QSettings.Format.IniFormat)
    if len(sys.argv) > 1:
        store.setValue("data/builtin", sys.argv[1])
    window = MainWindow(store)
    window.show()
    settle(app, 1.5)

    def centre(widget, point=None):
        place = window.mapFromGlobal(widget.mapToGlobal(point or widget.rect().center()))
        return [place.x(), place.y()]

    out, tabs = {}, window.tabs
    for i in range(tabs.count()):
        page, top = tabs.widget(i), centre(tabs.tabBar(), tabs.tabBar().tabRect(i).center())
        if isinstance(page, QTabWidget):
            tabs.setCurrentIndex(i)
            settle(app, 0.2)
            for j in range(page.count()):
                out[page.tabText(j)] = top + centre(
                    page.tabBar(), page.tabBar().tabRect(j).center()
                )
        else:
            out[tabs.tabText(i)] = top
    out["start"] = centre(window.training_panel.start_button)
    tabs.show_view(window.vae_panel)
    settle(app, 0.5)
    out["sample"] = centre(window.vae_panel.sample_button)
    out["window"] = [window.width(), window.height()]
    json.dump(out, sys.stdout)
    window.close()


if __name__ == "__main__":
    main()

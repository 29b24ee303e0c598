"""The window on the built-in 1,797 digits with 80 % held out and a roomy AE (256-16, batches of
32, lr 0.003, 400 epochs): the test loss turns up after ~40 epochs while the training loss
still falls. Run under docs/heldout/make_shots.sh, which screenshots it."""

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow

app = QApplication(sys.argv)
folder = Path(tempfile.mkdtemp())
win = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
win.resize(1280, 800)
win.show()


def start() -> None:
    win.data_panel.select_builtin("digits")
    win.run.update_settings(
        hidden=(256,),
        latent=16,
        epochs=400,
        batch_size=32,
        lr=0.003,
        stop_enabled=False,
        plateau_epochs=0,
        test_fraction=0.8,
    )
    win.run.start()


QTimer.singleShot(500, start)
app.exec()

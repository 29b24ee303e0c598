"""Closing by the system: SIGTERM (logout, shutdown) autosaves the session as the close button does
and the process ends with status 0; without the handler the same signal kills it unsaved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.data.datasets import load_builtin
from gui.run.run_files import read_session

ROOT = Path(__file__).resolve().parents[2]

# `python main.py` with a glyph edited and not saved (the close button would ask about it);
# "ready" once the event loop runs, so the signal comes after the window is up.
APP = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import gui.app
from gui.app import make_application
from gui.main_window import MainWindow
from autoencoder_lab.launcher import main

if {without_handler}:
    gui.app.close_on_termination = lambda window: None

def ready():
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    window.glyph_set.set_image(0, 1 - window.glyph_set.image(0))
    assert window.glyph_set.modified
    # the idle run takes up the edit once a burst of edits settles (40 ms)
    QTimer.singleShot(300, lambda: print("ready", flush=True))

make_application()
QTimer.singleShot(0, ready)
sys.exit(main([]))
"""


def run_until_sigterm(tmp_path: Path, without_handler: bool) -> tuple[int, str, Path]:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    code = APP.format(root=str(ROOT), without_handler=without_handler)
    with subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as app:
        try:
            assert app.stdout.readline() == "ready\n"
            app.send_signal(signal.SIGTERM)
            _, err = app.communicate(timeout=60)
        finally:
            app.kill()
    autosave = tmp_path / "data" / "AutoencoderLab" / "Autoencoder Lab" / "autosave.aelab"
    return app.returncode, err, autosave


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM for GUI programs")
def test_sigterm_autosaves_the_session_and_exits_cleanly(tmp_path):
    returncode, err, autosave = run_until_sigterm(tmp_path, without_handler=False)
    assert returncode == 0, err
    assert "Traceback" not in err
    _, edited_set, _ = read_session(str(autosave))  # what File > Restore last session opens
    edited = edited_set.images[0]  # the unsaved edit lives on
    np.testing.assert_array_equal(edited, 1 - load_builtin("font5x7").images[0])


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM for GUI programs")
def test_negative_control_without_the_handler_sigterm_kills_unsaved(tmp_path):
    returncode, _, autosave = run_until_sigterm(tmp_path, without_handler=True)
    assert returncode == -signal.SIGTERM
    assert not autosave.exists()

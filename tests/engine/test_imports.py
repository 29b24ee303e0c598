"""The engine is usable from a script: importing it loads no Qt and no scikit-learn."""

import subprocess
import sys


def test_importing_the_engine_loads_no_gui_toolkit():
    code = (
        "import sys, engine, engine.cli.commands, engine.training, engine.data.datasets\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'PyQt5', 'PyQt6', 'sklearn', 'gui')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_check_itself_can_fail():
    """Negative control: the same probe notices a module that is loaded."""
    code = "import sys, json\nprint('json' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"

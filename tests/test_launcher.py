"""The launcher: `autoencoder-lab` / `main.py` without a display says so in one sentence and exits
2 before Qt loads, and gets out of the way wherever a window can open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autoencoder_lab.display import NO_DISPLAY, missing_display_message
from tests.test_layout import imported_modules

ROOT = Path(__file__).resolve().parent.parent

# What main.py does, then whether Qt was loaded on the way.
PROBE = """
import sys
sys.path.insert(0, {root!r})
from autoencoder_lab.launcher import main
code = main([])
print("qt loaded" if "PySide6" in sys.modules else "qt not loaded", flush=True)
sys.exit(code)
"""

DISPLAYS = ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "QT_QPA_PLATFORM")


def test_no_display_is_one_sentence_and_exit_2_before_qt_loads(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in DISPLAYS}
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT))],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == "qt not loaded\n"
    assert result.stderr == f"error: {NO_DISPLAY}\n"
    assert "no display was found" in NO_DISPLAY and "xvfb-run" in NO_DISPLAY


@pytest.mark.parametrize(
    ("env", "platform"),
    [
        ({"DISPLAY": ":0"}, "linux"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        ({"WAYLAND_SOCKET": "3"}, "linux"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({}, "darwin"),
        ({}, "win32"),
    ],
)
def test_a_display_or_a_chosen_qt_platform_is_left_alone(env, platform):
    assert missing_display_message(env, platform) is None


@pytest.mark.parametrize(
    "env", [{}, {"DISPLAY": ""}, {"QT_QPA_PLATFORM": "", "WAYLAND_DISPLAY": ""}, {"HOME": "/x"}]
)
def test_linux_and_bsd_without_a_display_get_the_sentence(env):
    assert missing_display_message(env, "linux") == NO_DISPLAY
    assert missing_display_message(env, "freebsd14") == NO_DISPLAY


def launcher_imports(files: list[Path]) -> list[str]:
    return [
        f"{path.name} imports {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if module.split(".")[0] == "autoencoder_lab"
    ]


def test_the_launcher_sits_on_top_of_engine_and_gui(tmp_path):
    files = sorted((ROOT / "engine").rglob("*.py")) + sorted((ROOT / "gui").rglob("*.py"))
    assert len(files) > 50
    assert launcher_imports(files) == []
    upward = tmp_path / "upward.py"  # negative control: the check sees such an import
    upward.write_text("def f():\n    from autoencoder_lab.launcher import main\n")
    assert "upward.py imports autoencoder_lab.launcher" in launcher_imports([upward])

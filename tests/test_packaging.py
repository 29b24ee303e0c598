"""What `pip install .` carries: every package, the built-in sets read as package data through
importlib.resources (never beside a source file), and the `autoencoder-lab` command.

Building and installing the wheel takes tens of seconds, so `.ci/run` does that; these checks
are the quick half.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

LOAD_FONT = """
from engine.data.datasets import load_builtin
font = load_builtin("font5x7")
print(len(font), font.labels[0], font.width, font.height)
"""


def test_every_package_folder_is_listed_for_the_wheel():
    setuptools = PYPROJECT["tool"]["setuptools"]
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("autoencoder_lab", "engine", "gui")
        for init in (ROOT / top).rglob("__init__.py")
    }
    listed = set(setuptools["packages"])
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - folders == {"autoencoder_lab_resources"}
    assert setuptools["package-dir"] == {"autoencoder_lab_resources": "resources"}
    assert setuptools["package-data"]["autoencoder_lab_resources"] == ["*.txt"]


def test_builtin_sets_are_read_through_importlib_resources(tmp_path):
    """A package of the same name earlier on the path wins: the sets come from the installed
    package, wherever it is, not from a folder next to the engine's source."""
    fake = tmp_path / "autoencoder_lab_resources"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "font5x7.txt").write_text("size 2x1\n\n= fake\n#.\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_FONT], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout == "1 fake 2 1\n"
    real = subprocess.run(  # negative control: without the stand-in, the real 32 glyphs
        [sys.executable, "-c", LOAD_FONT],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert real.stdout == "32 ` 5 7\n"


def test_the_autoencoder_lab_command_is_the_launcher():
    assert PYPROJECT["project"]["scripts"] == {"autoencoder-lab": "autoencoder_lab.launcher:main"}
    (installed,) = importlib.metadata.entry_points(group="console_scripts", name="autoencoder-lab")
    from autoencoder_lab.launcher import main

    assert installed.load() is main

"""`main`: the window without arguments, the command line with them.

`[project.scripts]` installs it as `autoencoder-lab`; `main.py` at the top of the checkout is a
thin wrapper around it, so both behave alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import engine  # noqa: F401  (first: it sets OpenBLAS up before NumPy loads; see engine/__init__)
from autoencoder_lab.display import missing_display_message


def main(argv: list[str] | None = None) -> int:
    """Run what `argv` (default: the process's arguments) asks for; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        problem = missing_display_message()
        if problem:  # before Qt loads: it would abort with a misleading note about xcb-cursor
            sys.stderr.write(f"error: {problem}\n")
            return 2
        from gui.app import run_app

        return run_app()
    if args[0] == "report":  # draws figures with Qt (offscreen); the other commands never load it
        from gui.report.build import run_report

        return run_report(args[1:], prog=program_name())
    from engine.cli.commands import run_cli

    return run_cli(args, prog=program_name())


def program_name() -> str:
    """How the user started us, for usage lines: `autoencoder-lab`, `main.py` or `python -m ...`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if name in ("", "-c", "__main__.py"):
        return "python -m autoencoder_lab"
    return name

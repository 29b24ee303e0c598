"""Autoencoder Lab: `python main.py` opens the window; `python main.py COMMAND ...` runs headless.

Commands: train, evaluate, generate, sweep, report (see `python main.py --help`). The window's modules are
imported only when the window is wanted, so the command line starts fast and needs no display.
"""

import sys

import engine  # noqa: F401  (first: it sets OpenBLAS up before NumPy loads; see engine/__init__)


def main(argv: list[str]) -> int:
    if not argv:
        from gui.app import run_app

        return run_app()
    if argv[0] == "report":  # draws figures with Qt (offscreen); the other commands never load it
        from gui.report.build import run_report

        return run_report(argv[1:])
    from engine.cli.commands import run_cli

    return run_cli(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

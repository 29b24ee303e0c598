"""Autoencoder Lab: `python main.py` opens the window; `python main.py COMMAND ...` runs headless.

The same as the installed `autoencoder-lab` command (`autoencoder_lab.launcher`). Commands: train,
evaluate, generate, sweep, report (see `python main.py --help`).
"""

import sys

from autoencoder_lab.launcher import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`python -m autoencoder_lab [COMMAND ...]`: the same as `autoencoder-lab` and `python main.py`."""

import sys

from autoencoder_lab.launcher import main

sys.exit(main())

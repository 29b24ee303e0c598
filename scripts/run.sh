#!/usr/bin/env bash
# run.sh — set up (system packages, .venv) and open Autoencoder Lab; arguments go to main.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py "$@"

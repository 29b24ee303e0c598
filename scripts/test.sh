#!/usr/bin/env bash
# test.sh — set up (system packages, .venv) and run the linter and the whole test suite offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest -q "$@"

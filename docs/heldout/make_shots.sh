#!/usr/bin/env bash
# The held-out figures at 1280x800: the loss plot with training and test curves, the Runs tab
# with its test columns and curves, and the download dialog mid-download.
#   GUI_SHOT=/work/shared/tools/gui-shot.sh bash docs/heldout/make_shots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SHOT=${GUI_SHOT:-gui-shot.sh}
PY=${PYTHON:-.venv/bin/python}
export SCREEN=1280x800x24 PYTHONPATH=.
# the run takes ~40 s on 2 busy cores; then click the Runs tab
XDO_ACTIONS="mousemove 696 36 click 1" "$SHOT" /tmp/heldout-overfitting.png 75 -- "$PY" docs/heldout/shot_overfitting.py
cp /tmp/heldout-overfitting.png docs/heldout/window_test_curve.png
cp /tmp/heldout-overfitting-after.png docs/heldout/window_runs_test_columns.png
"$SHOT" /tmp/heldout-download.png 18 -- "$PY" docs/heldout/shot_download.py
cp /tmp/heldout-download.png docs/heldout/window_download.png

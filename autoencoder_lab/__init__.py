"""The launcher of Autoencoder Lab: `autoencoder-lab`, `python -m autoencoder_lab` and `main.py`.

It sits on top of both layers and holds no logic of its own: no arguments open the window
(`gui`), a command runs the command line (`engine.cli`, or `gui.report` for `report`). It may
import `engine` and `gui`; neither of them imports it. The window's modules load only when the
window or the report is wanted, so the commands start fast and need no display.
"""

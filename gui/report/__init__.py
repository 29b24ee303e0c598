"""`main.py report`: retrains with fixed seeds and writes the write-up's figures and report.md,
offscreen.

May import: `gui.plots`, `gui.data`, `gui.widgets`.
"""

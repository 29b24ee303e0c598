"""The training side panel: model and training forms, the run buttons and the progress line.

May import: `gui.run`, `gui.data`, `gui.widgets`.
"""

"""The run and its worker thread: settings, the controller that owns the training thread, the
worker that trains in it, the pacer that rate-limits snapshots, and the files a run writes.

May import: `gui.data`, `gui.widgets`.
"""

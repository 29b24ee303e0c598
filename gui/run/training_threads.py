"""Ending the RunController's training threads, and dropping them once they have ended.

Each run has its own QThread; the controller keeps `{thread: worker}` until the thread finishes
(a cancelled run's thread ends on its own). A thread destroyed while it still runs aborts the app,
and one that deleteLater has deleted must not be touched (QT-NOTES §4): the rules for letting go
of them are written here once, apart from the run's state machine.
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QThread

from gui.run.training_worker import TrainingWorker


def end_threads(threads: dict[QThread, TrainingWorker], timeout_ms: int) -> bool:
    """Quit every thread and wait for it; True if all ended in time. Ended ones leave `threads`."""
    deadline = time.monotonic() + timeout_ms / 1000
    all_ended = True
    for thread in list(threads):
        if not shiboken6.isValid(thread):  # ended, and deleteLater has run
            del threads[thread]
            continue
        thread.quit()
        remaining = max(0, int(1000 * (deadline - time.monotonic())))
        if thread.wait(remaining):
            del threads[thread]  # ended: dropping the last reference is safe now
        else:
            all_ended = False
    return all_ended


def forget_finished(threads: dict[QThread, TrainingWorker]) -> None:
    """Drop the references to every thread that has ended."""
    for thread in list(threads):
        if not shiboken6.isValid(thread):
            del threads[thread]
        elif thread.isFinished():
            # isFinished() is already true while the thread runs its last clean-up (it
            # deletes the worker there); wait() returns once that is done, so dropping the
            # references cannot delete anything the thread still uses.
            thread.wait()
            del threads[thread]

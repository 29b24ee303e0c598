"""Readouts refresh at once after a quiet spell, once per burst, and never miss the last state."""

from PySide6.QtCore import QObject

from gui.widgets.rate_limit import RateLimit


def test_burst_is_one_refresh_at_once_and_one_at_the_end(qtbot):
    calls = []
    owner = QObject()
    rate = RateLimit(owner, lambda: calls.append(state[0]), interval_ms=100)
    state = [0]
    for value in range(1, 6):  # five snapshots within a millisecond
        state[0] = value
        rate.request()
    assert calls == [1]  # the first at once
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=1000)
    assert calls == [1, 5]  # then only the newest
    qtbot.wait(150)
    assert calls == [1, 5]  # nothing left over


def test_flush_runs_a_waiting_refresh_now(qtbot):
    calls = []
    owner = QObject()
    rate = RateLimit(owner, lambda: calls.append(1), interval_ms=10_000)
    rate.request()
    rate.flush()  # nothing waiting: nothing to do
    assert calls == [1]
    rate.request()
    assert calls == [1]
    rate.flush()
    assert calls == [1, 1]

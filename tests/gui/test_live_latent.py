"""The latent plane moves within the first epoch of a big minibatch run in the window.

3,000 images in batches of 25 (108 steps an epoch after the held-out tenth), each step made 3 ms
slower so that the epoch lasts about as many snapshots as one of MNIST's lasts seconds: the
worker hands over snapshots made within the epoch (engine.live_codes), and the scatter shows
codes of epoch 0 after some steps, each different from the last. Negative control: the idle snapshot before Start, whose codes are the
untrained model's, which the plane must have left.
"""

import itertools
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from benchmarks.mnist import synthetic_mnist
from tests.gui.windows import wait_for_codes

TIMEOUT = 20_000
STEP_DELAY = 0.003  # seconds added to every training step


@pytest.fixture(scope="module")
def strokes(tmp_path_factory):
    """3000 seeded MNIST-like 28x28 images as a gzip'd IDX pair (above engine LIVE_ABOVE)."""
    return str(synthetic_mnist(tmp_path_factory.mktemp("live"), 3000, seed=4))


def test_the_latent_plane_moves_within_the_first_epoch(qtbot, make_window, strokes) -> None:
    win = make_window(size=(1280, 800), errors=False)
    assert win.data_panel.open_file(strokes)
    form = win.training_panel
    form.training_form.batch_spin.setValue(25)
    form.epochs_spin.setValue(1)
    if form.stop_check.isChecked():
        qtbot.mouseClick(form.stop_check, Qt.MouseButton.LeftButton)
    wait_for_codes(qtbot, win, TIMEOUT)
    idle = win.run.snapshot
    assert idle.steps == 0 and len(idle.latent) == 3000
    model = win.run._trainer.model  # the model the run will train
    train = model.loss_and_grad

    def slow_loss_and_grad(*args, **kwargs):
        time.sleep(STEP_DELAY)
        return train(*args, **kwargs)

    model.loss_and_grad = slow_loss_and_grad
    scatter = win.latent_scatter
    shown: list[tuple[int, int, np.ndarray]] = []
    show = scatter.set_snapshot

    def recording(snapshot, dataset):
        shown.append((snapshot.epoch, snapshot.steps, snapshot.latent))
        show(snapshot, dataset)

    scatter.set_snapshot = recording
    with qtbot.waitSignal(
        win.run.state_changed, timeout=TIMEOUT, check_params_cb="finished".__eq__
    ):
        qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    within = [(steps, codes) for epoch, steps, codes in shown if epoch == 0 and steps > 0]
    assert len(within) >= 2, [(e, s) for e, s, _ in shown]
    assert [s for s, _ in within] == sorted({s for s, _ in within})  # steps go on, no repeats
    for (_, before), (_, after) in itertools.pairwise(within):
        assert not np.array_equal(before, after)
    assert not np.array_equal(within[0][1], idle.latent)  # the plane left the untrained codes
    # What the plane draws is the snapshot shown last (the final one, every image re-encoded).
    np.testing.assert_array_equal(scatter._codes, win.run.snapshot.latent)

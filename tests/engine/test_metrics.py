"""StepScorer, the per-step score the stop rule reads, against `wrong_pixels` and `mse`."""

import numpy as np
import pytest

from engine.metrics import StepScorer, mse, wrong_pixels


def _outputs(shape, seed):
    """Outputs in [0, 1] with some exactly at the threshold and one image entirely wrong."""
    rng = np.random.default_rng(seed)
    targets = (rng.random(shape) > 0.5).astype(np.float32)
    outputs = rng.random(shape, dtype=np.float32)
    outputs[0, :5] = 0.5
    outputs[1] = 1.0 - targets[1]
    return targets, outputs


@pytest.mark.parametrize("shape", [(32, 35), (3, 144), (200, 64)])
def test_step_scorer_counts_what_wrong_pixels_counts(shape):
    targets, outputs = _outputs(shape, seed=shape[0])
    scorer = StepScorer(targets)
    ev = scorer(0.25, outputs)
    expected = wrong_pixels(outputs, targets)
    np.testing.assert_array_equal(ev.wrong, expected)
    assert ev.wrong.dtype == expected.dtype
    assert (ev.max_wrong, ev.total_wrong) == (shape[1], int(expected.sum()))
    assert ev.mse == pytest.approx(mse(outputs, targets), rel=1e-5)
    assert (ev.loss, ev.recon, ev.kl) == (0.25, 0.25, 0.0)
    # Its arrays are reused: a second call, on other outputs, must count those alone.
    others = np.ascontiguousarray(outputs[::-1])
    again = scorer(0.25, others)
    np.testing.assert_array_equal(again.wrong, wrong_pixels(others, targets))
    assert not np.array_equal(again.wrong, ev.wrong)

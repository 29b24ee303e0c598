"""Sets too large to draw at once (60,000 MNIST digits) are shown a page at a time: which images a
page holds, and the whole set's scores when the run's own evaluation has them."""

from __future__ import annotations

import numpy as np

from engine.data.datasets import Dataset
from engine.training import Snapshot

PAGED_ABOVE = 2000  # larger sets are shown a page at a time (the 1797 digits still whole)
PAGE_SIZE = 64  # images on a page of a large set


def page_rows(n: int, page: int, order: np.ndarray | None = None) -> np.ndarray:
    """The image indices on `page` of a paged view of n images, in `order` (default 0..n-1)."""
    lo, hi = page * PAGE_SIZE, min(n, (page + 1) * PAGE_SIZE)
    return np.arange(lo, hi) if order is None else np.asarray(order[lo:hi])


def run_wrong(snapshot: Snapshot, run_dataset: Dataset, dataset: Dataset) -> np.ndarray | None:
    """(n,) wrong pixels of every image of `dataset` as the run last scored them (in the
    training thread), or None when the run's rows are not these images (the glyphs changed
    since it began): then only what a view computes itself is true of them. A run that held
    out a test set (`snapshot.test_rows`, issue 18) scored its two parts apart."""
    if run_dataset is not dataset or snapshot.evaluation is None:
        return None
    train = snapshot.evaluation.wrong
    test_rows = getattr(snapshot, "test_rows", None)
    if test_rows is None:
        return train if len(train) == len(dataset) else None
    test = getattr(snapshot, "test_evaluation", None)
    if test is None or len(test_rows) != len(dataset):
        return None
    wrong = np.empty(len(dataset), np.intp)
    wrong[~test_rows], wrong[test_rows] = train, test.wrong
    return wrong

"""Sets too large to draw at once (60,000 MNIST digits) are shown a page at a time: which images a
page holds, and when a snapshot's own evaluation speaks for the whole set."""

from __future__ import annotations

import numpy as np

from engine.data.datasets import Dataset
from engine.metrics import Evaluation
from engine.training import Snapshot

PAGED_ABOVE = 2000  # larger sets are shown a page at a time (the 1797 digits still whole)
PAGE_SIZE = 64  # images on a page of a large set


def page_rows(n: int, page: int, order: np.ndarray | None = None) -> np.ndarray:
    """The image indices on `page` of a paged view of n images, in `order` (default 0..n-1)."""
    lo, hi = page * PAGE_SIZE, min(n, (page + 1) * PAGE_SIZE)
    return np.arange(lo, hi) if order is None else np.asarray(order[lo:hi])


def run_evaluation(snapshot: Snapshot, run_dataset: Dataset, dataset: Dataset) -> Evaluation | None:
    """The snapshot's evaluation when its rows are exactly these images (the run trains on the
    set as it is shown), else None: then only what a view computes itself is true of them."""
    ev = snapshot.evaluation
    if run_dataset is dataset and ev is not None and len(ev.wrong) == len(dataset):
        return ev
    return None

"""Where each word label of the latent plane goes: beside its point, clear of the others.

Word labels (the emoji set's "grin", "laugh", "smile", "wink"...) all sat above their points,
and glyphs the model puts close together overlapped into unreadable clusters. Each label tries
four places around its point in turn (above, right, below, left) and takes the first that
overlaps no label placed before it and no marker; a label with no free place is hidden (zooming
in gives it room). The selected glyph's label is placed first, so it always shows. Plain NumPy
on screen rectangles: Qt only draws the result.
"""

from __future__ import annotations

import numpy as np

PLACES = ("above", "right", "below", "left")  # tried in this order; -1 means hidden


def label_anchors(sizes: np.ndarray, gaps: np.ndarray, place: np.ndarray) -> np.ndarray:
    """Text anchors (n, 2) (pyqtgraph TextItem: the fraction of the label's box that sits on
    its point) that put labels of `sizes` (n, 2) `gaps` (n,) pixels from their points, each on
    the side PLACES[place[i]]."""
    w, h = sizes[:, 0], sizes[:, 1]
    side = np.clip(place, 0, len(PLACES) - 1)
    half = np.full(len(sizes), 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):  # an empty label: size 0
        x = np.select([side == 1, side == 3], [-gaps / w, 1 + gaps / w], half)
        y = np.select([side == 0, side == 2], [1 + gaps / h, -gaps / h], half)
    return np.nan_to_num(np.column_stack([x, y]))  # (n, 2)


def label_rects(
    points: np.ndarray, sizes: np.ndarray, gaps: np.ndarray, place: np.ndarray
) -> np.ndarray:
    """Screen rectangles (n, 4) as (left, top, right, bottom) of labels of `sizes` (n, 2)
    (width, height) at `points` (n, 2) (screen pixels, y down), placed as `label_anchors`."""
    top_left = points - label_anchors(sizes, gaps, place) * sizes  # (n, 2)
    return np.concatenate([top_left, top_left + sizes], axis=1)


def overlaps(rect: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """Whether `rect` (4,) overlaps each of `rects` (k, 4), touching edges not counted."""
    return (
        (rect[0] < rects[:, 2])
        & (rects[:, 0] < rect[2])
        & (rect[1] < rects[:, 3])
        & (rects[:, 1] < rect[3])
    )


def place_labels(
    points: np.ndarray,
    sizes: np.ndarray,
    gaps: np.ndarray,
    avoid: np.ndarray,
    first: int | None = None,
) -> np.ndarray:
    """Greedy placement: (n,) index into PLACES for each label, or -1 to hide it.

    points (n, 2), sizes (n, 2) and gaps (n,) in screen pixels; avoid (k, 4) rectangles no
    label may cover (markers, dots); `first` is placed before the others (the selected glyph)
    and always shown: above its point if no side is free. A point that is not finite (a
    diverging run) gets no label."""
    n = len(points)
    place = np.full(n, -1)
    order = list(range(n))
    if first is not None and 0 <= first < n:
        order.remove(first)
        order.insert(0, first)
    taken = np.zeros((n + len(avoid), 4))  # (placed labels + markers, 4)
    taken[: len(avoid)] = avoid
    count = len(avoid)
    candidates = [label_rects(points, sizes, gaps, np.full(n, k)) for k in range(len(PLACES))]
    finite = np.isfinite(points).all(axis=1)
    for i in order:
        if not finite[i]:
            continue
        side = next(
            (
                k
                for k, rects in enumerate(candidates)
                if not overlaps(rects[i], taken[:count]).any()
            ),
            0 if i == first else -1,
        )
        if side >= 0:
            place[i] = side
            taken[count] = candidates[side][i]
            count += 1
    return place

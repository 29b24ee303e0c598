"""Each image's code where the model put it when it last trained on it: snapshots within an epoch.

At 60,000 images an epoch of minibatches lasts seconds and encoding the whole set again about
one, so snapshots made between epochs from fresh codes reached the window 0.1 times a second.
Every minibatch step computes its images' codes anyway (the encoder's forward pass, before the
update); `LiveCodes` keeps them, one row per image, and a snapshot is a copy of that (n, latent)
array (480 KB for 60,000 2-D codes). A row is at most one epoch old: the image's code under the
weights of the step that last trained on it.

Which codes these are: a VAE's mu (and log-variance) of its training inputs; for a denoising
run, the codes of the noisy copies it trained on, not of the clean images (a clean pass would
cost the very encoding this avoids). A whole-set evaluation of a uint8 set writes each block's
exact codes of the clean images as it scores them (the codes come with the score). Rows never
trained on (a held-out split) keep the codes of the last whole encoding. The Trainer's snapshot
at a pause or the end encodes every clean image exactly, and a run that goes on starts from
those.
"""

from __future__ import annotations

import numpy as np


class LiveCodes:
    """The codes (n, latent) of every image (and a VAE's log-variance), updated batch by batch."""

    def __init__(
        self, codes: np.ndarray, logvar: np.ndarray | None, train_rows: np.ndarray | None
    ) -> None:
        """`codes`, `logvar`: a whole encoding to start from (copied). `train_rows` (m,): the
        row of training image i is train_rows[i] (a split held some rows out); None: row i."""
        self.codes = np.array(codes)  # (n, latent)
        self.logvar = None if logvar is None else np.array(logvar)  # (n, latent)
        self._rows = train_rows

    def store(self, images: np.ndarray, codes: np.ndarray, logvar: np.ndarray | None) -> None:
        """The codes (b, latent) of training images `images` (b,) from the step just made."""
        rows = images if self._rows is None else self._rows[images]
        self.codes[rows] = codes
        if self.logvar is not None:
            self.logvar[rows] = logvar

    def frozen(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Copies for a snapshot: training goes on writing into these arrays."""
        return self.codes.copy(), None if self.logvar is None else self.logvar.copy()

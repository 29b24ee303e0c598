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
exact codes of the clean images as it scores them (the codes come with the score), and so does
each scoring of a held-out split (engine.held_out paces those), whose rows no step trains on.
The Trainer's snapshot
at a pause or the end encodes every clean image exactly, and a run that goes on starts from
those.
"""

from __future__ import annotations

import numpy as np


class LiveCodes:
    """The codes (n, latent) of every image (and a VAE's log-variance), updated batch by batch."""

    def __init__(
        self, codes: np.ndarray, logvar: np.ndarray | None, test_rows: np.ndarray | None
    ) -> None:
        """`codes`, `logvar`: a whole encoding to start from (copied). `test_rows` (n,) bool:
        the rows held out (the training images are the others, in order); None: none."""
        self.codes = np.array(codes)  # (n, latent)
        self.logvar = None if logvar is None else np.array(logvar)  # (n, latent)
        self._train = None if test_rows is None else np.flatnonzero(~test_rows)  # (m,) rows
        self._test = None if test_rows is None else np.flatnonzero(test_rows)

    def store(
        self, images: np.ndarray, codes: np.ndarray, logvar: np.ndarray | None, test=False
    ) -> None:
        """The codes (b, latent) of training images `images` (b,) from the step just made (or
        of held-out images, `test`)."""
        mapping = self._test if test else self._train
        rows = images if mapping is None else mapping[images]
        self.codes[rows] = codes
        if self.logvar is not None:
            self.logvar[rows] = logvar

    def frozen(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Copies for a snapshot: training goes on writing into these arrays."""
        return self.codes.copy(), None if self.logvar is None else self.logvar.copy()

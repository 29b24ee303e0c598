"""The weights of ended runs, kept so that no button throws a trained model away.

Start after an ended run trains a new one from the initial weights; the Runs tab keeps each ended
run's "best" weights (what the window showed at its end) and its "final" ones (the last epoch's,
when they differ) and can load them back. They are engine model files (.npz of plain arrays,
never pickles) in a folder beside the run history, or kept in memory when there is no folder.
The cap: the newest MAX_RUNS runs, at most MAX_BYTES together; the oldest runs lose their
weights first (their rows and curves stay).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.models import Autoencoder
from engine.serialization import ModelFileError, load_model, save_model

MAX_RUNS = 20
MAX_BYTES = 200 * 2**20
WHICH = ("best", "final")
CAP_TEXT = (
    f"Weights are kept for the newest {MAX_RUNS} runs, {MAX_BYTES >> 20} MB at most; "
    "the oldest lose theirs first."
)


class RunWeights:
    """Models by (run id, which); `folder` None keeps them in memory only."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._memory: dict[str, tuple[Autoencoder, dict[str, Any]]] = {}

    def keep(
        self, run_id: str, models: dict[str, Autoencoder], metadata: dict[str, Any]
    ) -> dict[str, int]:
        """Store `models` ({which: model}); returns {which: bytes of weights}. Raises OSError."""
        sizes = {}
        for which, model in models.items():
            meta = {**metadata, "weights": which}
            if self._folder is None:
                self._memory[self._key(run_id, which)] = (model.copy(), meta)
            else:
                self._folder.mkdir(parents=True, exist_ok=True)
                save_model(self._path(run_id, which), model, meta)
            sizes[which] = int(model.params.nbytes)
        return sizes

    def load(self, run_id: str, which: str) -> tuple[Autoencoder, dict[str, Any]]:
        """The stored model and its metadata. Raises ModelFileError with a sentence."""
        if self._folder is None:
            try:
                model, meta = self._memory[self._key(run_id, which)]
            except KeyError:
                raise ModelFileError(
                    f"the {which} weights of this run are no longer kept"
                ) from None
            return model.copy(), dict(meta)
        return load_model(self._path(run_id, which))

    def drop(self, run_id: str) -> None:
        """Forget a run's weights (a missing file is already forgotten)."""
        for which in WHICH:
            self._memory.pop(self._key(run_id, which), None)
            if self._folder is not None:
                self._path(run_id, which).unlink(missing_ok=True)

    @staticmethod
    def _key(run_id: str, which: str) -> str:
        return f"{run_id}-{which}"

    def _path(self, run_id: str, which: str) -> Path:
        assert self._folder is not None
        return self._folder / f"{self._key(run_id, which)}.npz"


def runs_keeping_weights(sizes: list[int]) -> int:
    """How many of the newest runs keep their weights, given each run's bytes newest first:
    at most MAX_RUNS, and no more than fit in MAX_BYTES together."""
    total = 0
    for count, size in enumerate(sizes[:MAX_RUNS]):
        total += size
        if total > MAX_BYTES:
            return count
    return min(len(sizes), MAX_RUNS)

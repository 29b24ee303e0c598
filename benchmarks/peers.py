"""The configurations a benchmark compares, each measured in a process of its own."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

TORCH_PIN = "torch==2.13.0"


@dataclass(frozen=True)
class Peer:
    """One configuration: a library and its settings."""

    name: str
    family: str  # "engine", "torch" or "sklearn"
    threads: int = 0  # torch.set_num_threads, or OPENBLAS_NUM_THREADS for the engine; 0: default
    fused: bool = False  # torch.optim.Adam(..., fused=True)
    tasks: tuple[str, ...] = ()  # run on these tasks only (empty: every task)

    @property
    def label(self) -> str:
        if self.family == "engine":
            return "engine (NumPy)" + (", 1 BLAS thread" if self.threads == 1 else "")
        if self.family == "sklearn":
            return "scikit-learn MLPRegressor"
        return (
            f"torch {'fused Adam, flush denormals' if self.fused else 'default'}, {self.threads} thread"
            + ("s" if self.threads > 1 else "")
        )


PEERS: tuple[Peer, ...] = (
    Peer("engine", "engine"),
    Peer("engine-1t", "engine", threads=1, tasks=("random_epoch",)),
    Peer("torch-default-1t", "torch", threads=1),
    Peer("torch-default-2t", "torch", threads=2),
    Peer("torch-fused-1t", "torch", threads=1, fused=True),
    Peer("torch-fused-2t", "torch", threads=2, fused=True),
    Peer("sklearn", "sklearn"),
)
BY_NAME = {peer.name: peer for peer in PEERS}
# "PyTorch's fastest setting": per round, the faster of these two.
TORCH_FASTEST = ("torch-fused-1t", "torch-fused-2t")


def torch_available() -> bool:
    """Whether torch can be imported, found without importing it (that takes seconds)."""
    return importlib.util.find_spec("torch") is not None


def select(names: list[str] | None) -> tuple[list[Peer], str]:
    """The peers to run (all by default) and a note on any that cannot run here."""
    peers = list(PEERS) if not names else [BY_NAME[name] for name in names]
    note = ""
    if not torch_available() and any(p.family == "torch" for p in peers):
        peers = [p for p in peers if p.family != "torch"]
        note = (
            "PyTorch is not installed: its rows are skipped. To compare against it, run "
            f"`.venv/bin/pip install {TORCH_PIN}` (the CPU build on these machines)."
        )
    return peers, note

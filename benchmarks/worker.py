"""One measurement in a fresh process: `python -m benchmarks.worker '{"task": ..., ...}'`.

Prints one JSON line: the peer's numbers, the import and set-up times, and the peak resident
memory after imports and data (the baseline) and after training.
"""

from __future__ import annotations

import json
import sys
import time

START = time.perf_counter()


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    if spec["peer"].startswith("engine"):
        import engine  # before NumPy, as `python main.py` imports it (see engine/__init__)
    from benchmarks.peers import BY_NAME
    from benchmarks.tasks import make_data, tasks_for
    from benchmarks.timing import peak_rss_mb

    task = {t.name: t for t in tasks_for(spec["mode"])}[spec["task"]]
    peer = BY_NAME[spec["peer"]]
    if peer.family == "torch":
        import torch  # noqa: F401  (imported before the baseline, like numpy)
    elif peer.family == "sklearn":
        import sklearn.neural_network  # noqa: F401
    else:
        import engine  # noqa: F401
    x = make_data(task)
    baseline = peak_rss_mb()
    ready = time.perf_counter()
    if peer.family == "torch":
        from benchmarks import torch_peer

        result = torch_peer.measure(task, x, peer.threads, peer.fused)
    elif peer.family == "sklearn":
        from benchmarks import sklearn_peer

        result = sklearn_peer.measure(task, x)
    else:
        from benchmarks import engine_peer

        result = engine_peer.measure(task, x)
    result["setup_seconds"] = ready - START
    result["baseline_rss_mb"] = baseline
    result["peak_rss_mb"] = peak_rss_mb()
    if peer.family == "engine" and spec.get("blas_info"):
        result["blas"] = blas_info()
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


def blas_info() -> list[dict]:
    """The BLAS NumPy loaded and the kernel it picked (threadpoolctl comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("internal_api", "version", "architecture", "num_threads", "threading_layer")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

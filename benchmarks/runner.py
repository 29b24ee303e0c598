"""Runs the measurements: every configuration in its own process, alternating round by round
(A B C, A B C, ...), so that a machine whose speed drifts slows every configuration alike."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from benchmarks import report, sklearn_peer
from benchmarks.peers import Peer
from benchmarks.tasks import Task

ROOT = Path(__file__).resolve().parent.parent


def run(
    mode: str,
    rounds: int,
    tasks: list[Task],
    peers: list[Peer],
    note: str = "",
    timeout: float = 300.0,
    log: Callable[[str], None] = print,
) -> dict:
    """Measure every (task, peer) `rounds` times and the CLI once a round; returns the report."""
    facts = machine_facts()
    facts["note"] = note
    command = " ".join(["python -m benchmarks", *sys.argv[1:]]).strip()
    records: list[dict] = []
    started = time.perf_counter()
    for r in range(rounds):
        for task in tasks:
            for peer in peers:
                if peer.tasks and task.name not in peer.tasks:
                    continue
                reason = sklearn_peer.skip_reason(task) if peer.family == "sklearn" else ""
                if reason:
                    if r == 0:
                        records.append(
                            {"round": r, "task": task.name, "peer": peer.name, "skipped": reason}
                        )
                    continue
                blas = r == 0 and peer.family == "engine" and task is tasks[0]
                result = measure(mode, task, peer, timeout, blas_info=blas)
                if "blas" in result:
                    facts["blas"] = result.pop("blas")
                records.append({"round": r, "task": task.name, "peer": peer.name, **result})
                log(f"round {r + 1}/{rounds}  {task.name:15s} {peer.name:17s} {brief(result)}")
        seconds = measure_cli()
        records.append({"round": r, "task": "cli", "peer": "engine", "wall_seconds": seconds})
        log(f"round {r + 1}/{rounds}  {'cli':15s} {'engine':17s} {seconds:.3f} s wall")
    facts["load_average_end"] = os.getloadavg()
    facts["run_seconds"] = round(time.perf_counter() - started, 1)
    return report.build(mode, rounds, command, facts, tasks, peers, records)


def measure(mode: str, task: Task, peer: Peer, timeout: float, blas_info: bool = False) -> dict:
    spec = json.dumps({"mode": mode, "task": task.name, "peer": peer.name, "blas_info": blas_info})
    env = dict(os.environ)
    if peer.family == "engine" and peer.threads:
        env["OPENBLAS_NUM_THREADS"] = str(peer.threads)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.worker", spec],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout:.0f} s"}
    if done.returncode != 0 or not done.stdout.strip():
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": f"exit code {done.returncode}: {tail[0]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_cli() -> float:
    """Wall time of a whole `python main.py train --data font5x7` run, interpreter start included."""
    with tempfile.TemporaryDirectory() as out:
        args = [sys.executable, "main.py", "train", "--data", "font5x7", "--out", out, "--quiet"]
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, capture_output=True, check=True)
        return time.perf_counter() - start


def brief(result: dict) -> str:
    if "error" in result:
        return "error: " + result["error"]
    if "skipped" in result:
        return "skipped: " + result["skipped"]
    if "steps_per_second" in result:
        return f"{result['steps_per_second']:.0f} steps/s"
    if "seconds_per_epoch" in result:
        return f"{result['seconds_per_epoch']:.4f} s/epoch, peak {result['peak_rss_mb']:.0f} MB"
    return f"{result['seconds']:.3f} s, steps {result['steps']}"


def machine_facts() -> dict:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    env = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": version("numpy"),
        "torch": version("torch"),
        "scikit-learn": version("scikit-learn"),
        "environment": {k: os.environ.get(k) for k in env},
        "load_average_start": os.getloadavg(),
    }

"""Medians, per-round ratios, targets and the markdown table.

Every ratio is "how many times faster the engine is" (engine speed / peer speed), taken within one
round, where both ran on the same machine minutes apart; the table gives its median and range.
Memory is the other way round: engine / peer, lower is better.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from benchmarks.peers import BY_NAME, TORCH_FASTEST, Peer
from benchmarks.tasks import Task

FASTEST = "torch-fastest"
# (task, peer, what, at least): the targets, as engine speed / peer speed.
TARGETS = (
    ("font_steps", FASTEST, "font AE steps/s vs torch fastest", 5.0),
    ("font_steps", "torch-default-1t", "font AE steps/s vs torch default, 1 thread", 8.0),
    ("font_criterion", FASTEST, "time to <= 1 wrong pixel vs torch fastest", 6.0),
    ("vae_steps", FASTEST, "VAE steps/s vs torch fastest", 3.0),
    ("digits_epoch", FASTEST, "digits s/epoch vs torch fastest", 3.5),
    ("random_epoch", "torch-default-2t", "60000x784 s/epoch vs torch default, 2 threads", 0.8),
)
MEMORY_TARGET = ("random_epoch", "torch-default-2t", 1.5)
CLI_TARGET = 1.0  # seconds


def value(task: Task, result: dict) -> float | None:
    """The primary number of a result, or None if it has none."""
    key = {"steps": "steps_per_second", "epochs": "seconds_per_epoch", "criterion": "seconds"}
    return result.get(key[task.metric])


def speedup(task: Task, engine: float, peer: float) -> float:
    """How many times faster the engine is: a rate divides one way, a time the other."""
    return engine / peer if task.metric == "steps" else peer / engine


def stats(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def build(mode, rounds, command, facts, tasks: list[Task], peers: list[Peer], records) -> dict:
    by = defaultdict(dict)  # (task, round) -> peer -> result
    for rec in records:
        by[(rec["task"], rec["round"])][rec["peer"]] = rec
    summary = {}
    for task in tasks:
        rows, ratios, memory = {}, defaultdict(list), defaultdict(list)
        for peer in peers:
            if peer.tasks and task.name not in peer.tasks:
                continue
            vals = [value(task, by[(task.name, r)].get(peer.name, {})) for r in range(rounds)]
            vals = [v for v in vals if v is not None]
            first = by[(task.name, 0)].get(peer.name, {})
            rows[peer.name] = (
                stats(vals)
                if vals
                else {"skipped": first.get("skipped") or first.get("error") or "no result"}
            )
        for r in range(rounds):
            results = by[(task.name, r)]
            engine = value(task, results.get("engine", {}))
            if engine is None:
                continue
            fastest = None
            for peer in peers:
                v = value(task, results.get(peer.name, {}))
                if peer.name == "engine" or v is None:
                    continue
                ratios[peer.name].append(speedup(task, engine, v))
                if peer.name in TORCH_FASTEST:
                    fastest = v if fastest is None else _better(task, fastest, v)
                if task.memory:
                    memory[peer.name].append(
                        _training_mb(results["engine"]) / _training_mb(results[peer.name])
                    )
            if fastest is not None:
                ratios[FASTEST].append(speedup(task, engine, fastest))
        summary[task.name] = {
            "title": task.describe(),
            "metric": task.metric,
            "peers": rows,
            "speedup": {k: stats(v) for k, v in ratios.items()},
        }
        if task.memory:
            summary[task.name]["memory"] = _memory(task, peers, rounds, by, memory)
        if task.metric == "criterion":
            summary[task.name]["criterion"] = _criterion(task, peers, rounds, by)
    cli = [rec["wall_seconds"] for rec in records if rec["task"] == "cli"]
    summary["cli"] = stats(cli) if cli else {}
    return {
        "mode": mode,
        "rounds": rounds,
        "command": command,
        "machine": facts,
        "summary": summary,
        "targets": targets(summary),
        "records": records,
    }


def _better(task: Task, a: float, b: float) -> float:
    return max(a, b) if task.metric == "steps" else min(a, b)


def _training_mb(result: dict) -> float:
    """Memory that training added: peak resident memory less the peak after imports and data."""
    return max(result["peak_rss_mb"] - result["baseline_rss_mb"], 1.0)


def _memory(task, peers, rounds, by, ratios) -> dict:
    out = {}
    for peer in peers:
        res = [by[(task.name, r)].get(peer.name, {}) for r in range(rounds)]
        res = [x for x in res if "peak_rss_mb" in x]
        if res:
            out[peer.name] = {
                "peak_mb": stats([x["peak_rss_mb"] for x in res]),
                "baseline_mb": stats([x["baseline_rss_mb"] for x in res]),
                "training_mb": stats([_training_mb(x) for x in res]),
            }
    out["engine_over_peer"] = {k: stats(v) for k, v in ratios.items()}
    return out


def _criterion(task, peers, rounds, by) -> dict:
    out = {}
    for peer in peers:
        res = [by[(task.name, r)].get(peer.name, {}) for r in range(rounds)]
        res = [x for x in res if "steps" in x]
        if res:
            out[peer.name] = {
                "steps_per_seed_first_round": res[0]["steps"],
                "all_reached": all(
                    len(x["reached"]) == task.seeds and all(x["reached"]) for x in res
                ),
            }
    return out


def targets(summary: dict) -> list[dict]:
    out = []
    for task, peer, what, least in TARGETS:
        got = summary.get(task, {}).get("speedup", {}).get(peer)
        out.append(
            {
                "target": f"{what} >= {least}x",
                "measured": got and got["median"],
                "range": got and [got["min"], got["max"]],
                "met": None if not got else got["median"] >= least,
            }
        )
    task, peer, most = MEMORY_TARGET
    got = summary.get(task, {}).get("memory", {}).get("engine_over_peer", {}).get(peer)
    out.append(
        {
            "target": f"60000x784 training memory, engine / {peer} <= {most}x",
            "measured": got and got["median"],
            "range": got and [got["min"], got["max"]],
            "met": None if not got else got["median"] <= most,
        }
    )
    cli = summary.get("cli")
    out.append(
        {
            "target": f"whole `main.py train --data font5x7` run < {CLI_TARGET} s",
            "measured": cli.get("median"),
            "range": cli and [cli["min"], cli["max"]],
            "met": None if not cli else cli["median"] < CLI_TARGET,
        }
    )
    return out


# --- markdown ------------------------------------------------------------------------------------
UNITS = {"steps": "steps/s", "epochs": "s/epoch", "criterion": "s, all seeds"}


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _spread(s: dict) -> str:
    return f"{_num(s['median'])} ({_num(s['min'])}-{_num(s['max'])})"


def markdown(data: dict) -> str:
    lines = [
        "| task | peer | result: median (min-max) | engine speed-up: median (min-max) |",
        "| --- | --- | --- | --- |",
    ]
    for name, task in data["summary"].items():
        if name == "cli":
            continue
        unit = UNITS[task["metric"]]
        for i, (peer, row) in enumerate(task["peers"].items()):
            label = BY_NAME[peer].label
            first = f"{task['title']}" if i == 0 else ""
            if "skipped" in row:
                lines.append(f"| {first} | {label} | n/a: {row['skipped']} | |")
                continue
            sp = task["speedup"].get(peer)
            crit = task.get("criterion", {}).get(peer, {})
            late = " (some rounds hit the time limit: a lower bound)"
            shown = unit + (late if crit and not crit["all_reached"] else "")
            lines.append(
                f"| {first} | {label} | {_spread(row)} {shown} | "
                f"{'' if sp is None else _spread(sp) + 'x'} |"
            )
        if FASTEST in task["speedup"]:
            lines.append(
                f"| | torch fastest (per round) | | {_spread(task['speedup'][FASTEST])}x |"
            )
    cli = data["summary"].get("cli")
    if cli:
        lines.append(
            f"| `python main.py train --data font5x7`, whole run | engine (NumPy) | "
            f"{_spread(cli)} s wall | |"
        )
    mem = data["summary"].get("random_epoch", {}).get("memory")
    if mem:
        lines += [
            "",
            "| 60000 x 784 memory | peak RSS MB | after imports + data MB | "
            "training MB (peak - baseline) |",
            "| --- | --- | --- | --- |",
        ]
        for peer, m in mem.items():
            if peer != "engine_over_peer":
                lines.append(
                    f"| {BY_NAME[peer].label} | {_spread(m['peak_mb'])} | "
                    f"{_spread(m['baseline_mb'])} | {_spread(m['training_mb'])} |"
                )
    lines += ["", "| target | measured: median (min-max) | met |", "| --- | --- | --- |"]
    for t in data["targets"]:
        got = (
            "n/a"
            if t["measured"] is None
            else (f"{_num(t['measured'])} ({_num(t['range'][0])}-{_num(t['range'][1])})")
        )
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {got} | {met} |")
    return "\n".join(lines)

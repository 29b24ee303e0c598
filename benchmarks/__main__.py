"""`python -m benchmarks`: run the suite, print the table, write the JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks import report, runner
from benchmarks.peers import BY_NAME, select
from benchmarks.tasks import tasks_for

DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="short budgets, 2 rounds (~2 min)")
    mode.add_argument("--smoke", action="store_true", help="tiny sizes, 1 round (for tests)")
    parser.add_argument("--rounds", type=int, help="rounds (default: 5 full, 2 quick, 1 smoke)")
    parser.add_argument("--tasks", help="comma-separated task names (default: all)")
    parser.add_argument("--peers", help=f"comma-separated, from {', '.join(BY_NAME)}")
    parser.add_argument("--out", type=Path, help=f"JSON file (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    name = "smoke" if args.smoke else "quick" if args.quick else "full"
    rounds = args.rounds or {"full": 5, "quick": 2, "smoke": 1}[name]
    tasks = list(tasks_for(name))
    if args.tasks:
        wanted = args.tasks.split(",")
        unknown = set(wanted) - {t.name for t in tasks}
        if unknown:
            parser.error(f"unknown tasks {sorted(unknown)}; choose from {[t.name for t in tasks]}")
        tasks = [t for t in tasks if t.name in wanted]
    names = args.peers.split(",") if args.peers else None
    if names and set(names) - set(BY_NAME):
        parser.error(f"unknown peers {sorted(set(names) - set(BY_NAME))}")
    if names and "engine" not in names:
        names = ["engine", *names]  # every ratio is against the engine
    peers, note = select(names)
    if note:
        print(note, flush=True)
    data = runner.run(name, rounds, tasks, peers, note, log=lambda s: print(s, flush=True))
    out = args.out or (DEFAULT_OUT if name == "full" else DEFAULT_OUT.with_name(f"{name}.json"))
    out.write_text(json.dumps(data, indent=1) + "\n")
    print()
    print(report.markdown(data))
    print(f"\nWrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The fuzz suite in the test run: hypothesis cases for every reader and command, in a child
process whose address space is limited, so an allocation of what a file declares fails loudly.

The longer run recorded in docs/limits.md: `python -m tests.fuzz.hostile_inputs --examples 2000`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 100  # per property: 1,000 cases, about 10 s on an idle machine


def test_every_hostile_input_ends_in_the_projects_error():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.hostile_inputs", "--examples", str(EXAMPLES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["escapes"] == [], json.dumps(report["escapes"], indent=1)
    cases = report["cases"]
    assert len(cases) == 10  # every reader and command was exercised
    assert min(cases.values()) >= EXAMPLES // 2, cases


def test_the_harness_catches_what_escapes():
    """Negative control: a reader that raises something else, or allocates what a file
    declares under the child's memory limit, is reported as an escape."""
    code = (
        "import resource, numpy as np\n"
        "from tests.fuzz import hostile_inputs as h\n"
        "resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))\n"
        "h._check('r', 'index', lambda: [][1])\n"
        "h._check('r', 'huge', lambda: np.empty(5 * 10**8))\n"  # 4 GB: fits the machine only
        "h._check('r', 'ok', lambda: None)\n"
        "print(' '.join(e['error'] for e in h.ESCAPES).replace(chr(10), ' '), dict(h.CASES))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    out = result.stdout
    assert "IndexError" in out and "MemoryError" in out and out.endswith("{'r': 3}\n"), out

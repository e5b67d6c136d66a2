"""kill -9 during a notebook save: a few points here; the full run is `python -m tests.bench.crash --paths notebook`.

Each kill leaves a notebook that opens with no step before, passes
`PRAGMA integrity_check`, and holds exactly what it held before the save or
what a finished save leaves (`tests/faults/notebook_killing.py`).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.faults.notebook_killing import kill_save, make_case


@pytest.mark.parametrize("mode", ["note", "merge-small-cache"])
def test_a_save_killed_leaves_the_old_or_the_new_notebook(mode: str, tmp_path: Path) -> None:
    case = make_case(tmp_path, mode, runs=1, entries=600)
    points = [kill_save(case, -1.0, tmp_path, precommit=True)]  # every row written, COMMIT never comes
    draw = random.Random(f"test-{mode}")
    points += [kill_save(case, draw.uniform(0.0, case.seconds), tmp_path) for _ in range(2)]
    for point in points:
        assert point.intact, (point.delay, point.state, point.problems)
    assert points[0].state == "old"
    if mode == "merge-small-cache":
        assert points[0].journal_left  # pages of the file had changed: the journal was rolled back on open

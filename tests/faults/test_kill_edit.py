"""kill -9 of an edit's save (`e`, `dossier edit`): the file opens, is whole, and holds the old or the new entity.

A few points only (the full run of 20+ is `python -m tests.bench.crash --paths edit,edit-small-cache`):
one kill instead of COMMIT, with a 64 KiB page cache so that changed pages are already in the file, and
four at seeded random moments of the save's transaction (each drawn after the save's BEGIN, so it lands in
the save, not in the start of Python). After each, every check of `killing.check_file`: `dossier show` opens
it with no step before, the store opens it, `PRAGMA integrity_check` and both full-text indexes' checks
pass, and the JSON export is exactly the one before or after the save.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier.importer import init_database

from .killing import EditCase, edit_case, run_edit_point

SEED = 15
REF = "statement/ryabkov-language-of-ultimatums"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EditCase]:
    folder = tmp_path_factory.mktemp("kill-edit")
    base = folder / "seed.db"
    init_database(base)
    yield edit_case(folder, base, REF, runs=1, small_cache=True)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_a_save_killed_instead_of_its_commit_is_rolled_back_on_open(case: EditCase, tmp_path: Path) -> None:
    point = run_edit_point(case, 0.0, tmp_path, precommit=True)
    assert point.in_transaction, "no -journal: the kill came before the save wrote anything"
    assert point.problems == []
    assert point.state == "old"


@pytest.mark.slow
def test_saves_killed_at_random_moments_leave_the_old_or_the_new_entity(case: EditCase, tmp_path: Path) -> None:
    draw = random.Random(SEED)
    states = []
    for _ in range(4):
        delay = draw.uniform(0.0, case.seconds * 1.2)
        point = run_edit_point(case, delay, tmp_path)
        assert point.problems == [], f"killed {delay * 1000:.1f} ms after BEGIN of a {case.seconds * 1000:.1f} ms save"
        assert point.intact
        states.append(point.state)
    assert set(states) <= {"old", "new"}

"""kill -9 of `dossier import`, bulk and incremental: the file opens, is whole, and holds the old or the new dossier.

A few points only (the full run of 20+ a path is `python -m tests.bench.crash`):
one kill inside the transaction, just before COMMIT with changed pages already
in the file, and three at random moments of the run (a fixed seed), one in
each third of the time a finished import takes. Whatever the moment, every
check of `killing.check_file` must pass; which of the two states the file
holds depends on the moment and is not asserted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.crash import reader_figures

from .killing import Case, bulk_case, incremental_case, kill_before_commit, run_point

SEED = 19


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Case]]:
    folder = tmp_path_factory.mktemp("kill")
    # 6,000 statements: above the importer's bulk threshold (5,000), so the bulk path runs.
    yield {"bulk": bulk_case(folder, statements=6000), "incremental": incremental_case(folder, statements=1500)}


@pytest.mark.slow
@pytest.mark.parametrize("path", ["bulk", "incremental"])
def test_a_kill_just_before_commit_is_rolled_back_on_open(cases: dict[str, Case], path: str, tmp_path: Path) -> None:
    point = kill_before_commit(cases[path], tmp_path)
    assert point.journal_left, "the kill came before any change reached the file: nothing was tested"
    assert point.problems == []
    assert point.state == "old"


def _as_if_cut_mid_commit(db: Path) -> None:
    """The file as a kill in the middle of COMMIT leaves it: a header that counts more pages than are written.

    (Seen in the full run: COMMIT writes page 1, with the new page count, then
    the rest in order.) Page 1 is in the journal, so the rollback restores it.
    """
    with db.open("r+b") as handle:
        header = bytearray(handle.read(100))
        pages = db.stat().st_size // int.from_bytes(header[16:18], "big")
        header[28:32] = (pages + 500).to_bytes(4, "big")
        header[92:96] = header[24:28]  # the page count is trusted only when these agree
        handle.seek(0)
        handle.write(header)


@pytest.mark.slow
def test_a_file_cut_short_by_a_kill_mid_commit_opens_rolled_back(cases: dict[str, Case], tmp_path: Path) -> None:
    point = kill_before_commit(cases["bulk"], tmp_path, then=_as_if_cut_mid_commit)
    assert point.journal_left
    assert point.problems == []
    assert point.state == "old"


@pytest.mark.slow
@pytest.mark.parametrize("path", ["bulk", "incremental"])
def test_kills_at_random_moments_leave_the_old_or_the_new_dossier(
    cases: dict[str, Case], path: str, tmp_path: Path
) -> None:
    case = cases[path]
    draw = random.Random(f"{SEED}-{path}")
    for third in range(3):
        delay = case.seconds * (third + draw.random()) / 3
        point = run_point(case, delay, tmp_path)
        assert point.problems == [], f"killed at {delay:.3f} s of {case.seconds:.3f} s"
        assert point.intact


@pytest.mark.slow
def test_the_kill_runs_reader_reads_through_an_import_and_sees_its_rows(cases: dict[str, Case], tmp_path: Path) -> None:
    """`python -m tests.bench.crash`'s reader: a store reading in a loop while an import runs into its file.

    It once broke on its first round (a store method renamed) and the table said 0 rounds, exit 0.
    """
    lines, read_through = reader_figures([cases["incremental"]], tmp_path)
    assert read_through, lines
    row = lines[2].split("|")
    assert int(row[3]) > 0, lines  # rounds read during the import
    assert row[7].strip() == "0", lines  # none refused by the store
    assert row[8].strip() == "yes", lines

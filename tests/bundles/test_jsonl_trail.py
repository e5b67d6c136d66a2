"""A JSON Lines import is a write like any other: recorded in the audit trail, its summaries kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from dossier.cli import main
from dossier.generate import generate
from dossier.summaries import fresh_counts, stored_counts
from tests.conftest import read_rows


def _jsonl(db: Path, out: Path) -> Path:
    done = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def _summaries_hold(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        fresh, stored = fresh_counts(conn), stored_counts(conn)
    finally:
        conn.close()
    assert fresh == stored
    assert any(fresh.values())  # counts of something, not two empty lists


def test_a_bulk_and_an_incremental_json_lines_import_are_recorded_and_keep_the_summaries(
    empty_db: Path, seed_db: Path, tmp_path: Path
) -> None:
    source = tmp_path / "gen.db"
    generate(source, statements=3000, seed=5)
    bulk = _jsonl(source, tmp_path / "gen.jsonl")
    done = CliRunner().invoke(main, ["import", str(bulk), "--db", str(empty_db)])
    assert done.exit_code == 0, done.output
    [(origin, action, counts, note)] = read_rows(empty_db, "SELECT origin, action, counts, note FROM edits")
    assert (origin, action, note) == ("import", "import", str(bulk))
    assert json.loads(str(counts))["inserted"]["statements"] == 3000
    _summaries_hold(empty_db)

    # Into a dossier that already has statements: the incremental path, with the seed's rows added.
    seed = _jsonl(seed_db, tmp_path / "seed.jsonl")
    again = CliRunner().invoke(main, ["import", str(seed), "--db", str(empty_db)])
    assert again.exit_code == 0, again.output
    rows = read_rows(empty_db, "SELECT origin, note FROM edits ORDER BY id")
    assert rows == [("import", str(bulk)), ("import", str(seed))]
    _summaries_hold(empty_db)

    # The same file once more changes nothing, so nothing more is recorded.
    third = CliRunner().invoke(main, ["import", str(seed), "--db", str(empty_db)])
    assert third.exit_code == 0, third.output
    assert len(read_rows(empty_db, "SELECT id FROM edits")) == 2

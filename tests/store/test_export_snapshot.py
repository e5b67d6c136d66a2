"""An export is one state of the dossier, even while another program commits an import during it.

`dossier export` reads every table inside one read transaction (`Store.snapshot`).
Here another connection imports a bundle (a new title, a changed actor, a new
source, statement and event) in the middle of an export: between its first
line and the rest, while its statements stream, or just before the last table
of a bundle export is read. In WAL mode the import commits and the export
still holds exactly the state before it; in the default rollback-journal mode
the import waits for the export's lock, and is refused when that takes
longer than its busy timeout: nothing half-way, either way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dossier.bundle import dump_bundle
from dossier.errors import StoreError
from dossier.jsonl_import import import_paths
from dossier.jsonl_write import dump_rows
from dossier.store import Store, connection

EDIT = (
    {"type": "dossier", "title": "Retitled while an export ran"},
    {"type": "actor", "slug": "zakharova", "name": "Maria Zakharova", "kind": "person", "role": "Changed role"},
    {"type": "source", "slug": "late-source", "title": "A source added mid-export"},
    {"type": "statement", "slug": "late-statement", "speaker": "zakharova", "text": "Said mid-export."},
    {"type": "event", "slug": "late-event", "title": "An event added mid-export", "date": "2021-12-03"},
)


def _edit(db: Path, tmp_path: Path) -> None:
    """Import EDIT into `db` through the importer's own connection (another program, for the store)."""
    bundle = tmp_path / "edit.jsonl"
    bundle.write_text("".join(json.dumps(e) + "\n" for e in EDIT), encoding="utf-8")
    import_paths(db, [bundle])


@contextmanager
def _journal(db: Path, mode: str) -> Iterator[None]:
    """The file in `mode`; in WAL mode a connection of another program stays open, so its -wal stays too
    (without one, a store opens a WAL file `immutable`, and no change could be seen at all)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        assert conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0] == mode
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # in WAL mode, this makes the -wal
        assert Path(f"{db}-wal").exists() == (mode == "wal")
        yield
    finally:
        conn.close()


def _lines(db: Path) -> bytes:
    with Store.open(db) as store:
        return b"".join(dump_rows(store.export_rows(statement_lines=True)))


def _yaml(db: Path) -> str:
    with Store.open(db) as store:
        return dump_bundle(store.export_bundle(), "yaml")


def _lines_with(db: Path, at: str, write: Callable[[], None]) -> bytes:
    """The JSON Lines export of `db`, `write` done when the entity kind `at` is first met."""

    def rows(store: Store) -> Iterator[tuple[str, Any]]:
        done = False
        for kind, values in store.export_rows(statement_lines=True):
            yield kind, values
            if kind == at and not done:
                done = True
                write()
        assert done, f"the export wrote no {at}"

    with Store.open(db) as store:
        return b"".join(dump_rows(rows(store)))


def _yaml_with(db: Path, write: Callable[[], None]) -> str:
    """The YAML export of `db`, `write` done as the export begins to read its last table (the events)."""
    seen: list[str] = []

    def trace(sql: str) -> None:
        if "FROM events ORDER BY id" in sql and not seen:
            seen.append(sql)
            write()

    with Store.open(db) as store:
        store.conn.set_trace_callback(trace)
        bundle = store.export_bundle()
        store.conn.set_trace_callback(None)
    assert seen, "the export read no events"
    return dump_bundle(bundle, "yaml")


@pytest.mark.parametrize("at", ["dossier", "measure", "statements"])
def test_json_lines_export_is_the_state_before_an_import_committed_during_it(
    seed_db: Path, tmp_path: Path, at: str
) -> None:
    with _journal(seed_db, "wal"):
        before = _lines(seed_db)
        during = _lines_with(seed_db, at, lambda: _edit(seed_db, tmp_path))
        after = _lines(seed_db)
    assert during == before
    assert after != before
    assert b"late-statement" in after and b"late-event" in after and b"Retitled" in after


def test_bundle_export_is_the_state_before_an_import_committed_during_it(seed_db: Path, tmp_path: Path) -> None:
    with _journal(seed_db, "wal"):
        before = _yaml(seed_db)
        during = _yaml_with(seed_db, lambda: _edit(seed_db, tmp_path))
        after = _yaml(seed_db)
    assert during == before
    assert "late-event" in after and "late-source" in after and "Changed role" in after


def test_in_rollback_journal_mode_an_import_during_an_export_waits_for_it(
    seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "WRITE_BUSY_SECONDS", 0.2)  # the import gives up soon instead of in 5 s
    refusals: list[str] = []

    def refused_edit() -> None:
        with pytest.raises(StoreError, match="locked") as caught:
            _edit(seed_db, tmp_path)
        refusals.append(str(caught.value))

    with _journal(seed_db, "delete"):
        before = _lines(seed_db)
        for at in ("dossier", "statements"):
            assert _lines_with(seed_db, at, refused_edit) == before
        assert _yaml_with(seed_db, refused_edit) == _yaml(seed_db)
        assert len(refusals) == 3 and all("\n" not in r for r in refusals)
        _edit(seed_db, tmp_path)  # with no export running, the same import commits
        assert b"late-statement" in _lines(seed_db)

"""Schema steps: bring a dossier file made by an older Dossier to the current schema.

The schema version is `PRAGMA user_version`. `STEPS[n]` takes a file from
version n - 1 to n; `migrate` runs every step the file lacks, in one
transaction, and sets the version last, so an interrupted migration leaves
the file as it was. A file newer than this code is refused
(`dossier.store.connection.check_schema`). The browser never migrates: it reads an older file as
it is, read-only. `dossier migrate PATH` migrates with a backup copy kept
first (`backup_copy`); `dossier import` into an older file migrates it
without one, as DESIGN.md says, after the bundles have been validated.

Steps run with `PRAGMA foreign_keys` off (SQLite's recipe for changing a
table: sqlite-utils' `Table.transform` refuses to drop a table that others
reference with ON DELETE CASCADE while foreign keys are enforced inside a
transaction), and `PRAGMA foreign_key_check` must come back empty before
the commit.

The full-text index of statements is kept by three triggers. sqlite-utils'
`Table.transform()` rebuilds a table without them and says nothing, and
statements written after that would be missing from the index. So every
migration and every import calls `ensure_index_triggers`, which re-creates
missing triggers from db/schema.sql and rebuilds the statement indexes from
the table, since rows may have come in while the triggers were gone.

Version history:
1. the first schema.
2. `statements_fts` declared `content="statements"`, the form Datasette and
   sqlite-utils detect (the index is rebuilt); `dossier_meta` gets the
   dossier's `identity` (the one `store.dossier_identity` derived for the file).
3. `edits`, the audit trail (`dossier.capture`): every edit, revert and import
   from now on. Older files have no trail; nothing is made up for them.
4. the summaries (`dossier/summaries.py`): relation pairs, replies, statement
   facets and actor counts, with the triggers that keep them, filled from the data;
   two indexes for one actor's timeline (`measures_by_*_effective`).
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StoreError
from .schema import SCHEMA_VERSION
from .store.connection import check_schema, connect_existing, dossier_identity, explain
from .summaries import SUMMARY_TABLES, SUMMARY_TRIGGERS, refill

if TYPE_CHECKING:
    from sqlite_utils import Database

INDEX_TRIGGERS = ("statements_fts_insert", "statements_fts_delete", "statements_fts_update")
"""The triggers that keep statements_fts and statements_cjk in step with statements."""


@dataclass
class Migration:
    """What `migrate` did to a file."""

    old_version: int
    new_version: int
    triggers: list[str] = field(default_factory=list)
    """Index triggers that were missing and were re-created (the statement indexes were rebuilt)."""
    backup: Path | None = None

    @property
    def stepped(self) -> bool:
        return self.new_version != self.old_version

    def summary(self, path: Path) -> str:
        parts = []
        if self.stepped:
            parts.append(f"migrated {path} from schema {self.old_version} to {self.new_version}")
        else:
            parts.append(f"{path} is at schema {self.new_version}, the current one")
        if self.triggers:
            parts.append(f"re-created the missing index triggers ({', '.join(self.triggers)}) and rebuilt the index")
        if self.backup is not None:
            parts.append(f"the file as it was is kept in {self.backup}")
        return "; ".join(parts)


@functools.cache
def schema_objects() -> dict[str, str]:
    """Every table, index and trigger of db/schema.sql by name, as SQLite stores its SQL.

    Built from the schema itself in a memory database, so the triggers and
    tables a step re-creates are the ones `dossier init` makes, never a copy.
    """
    from .schema import schema_sql

    memory = sqlite3.connect(":memory:")
    try:
        memory.executescript(schema_sql())
        return {
            name: sql
            for name, sql in memory.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
        }
    finally:
        memory.close()


def _database(conn: sqlite3.Connection) -> Database:
    from sqlite_utils import Database

    return Database(conn)


def ensure_index_triggers(conn: sqlite3.Connection) -> list[str]:
    """Re-create the index triggers that are missing; returns their names.

    When any was missing, statements may have been written without being
    indexed, so the statement indexes are rebuilt from the table (a few
    seconds for a million statements; nothing when all three are there,
    which costs one look at the schema). The caller holds the transaction.
    """
    # Plain SQL here rather than sqlite-utils' `Table.triggers`: this runs on every import, and
    # loading sqlite-utils costs ~100 ms (DESIGN.md), more than the rest of a small import.
    marks = ", ".join("?" * len(INDEX_TRIGGERS))
    found = conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'statements' AND name IN ({marks})",
        INDEX_TRIGGERS,
    )
    missing = sorted(set(INDEX_TRIGGERS) - {name for (name,) in found})
    if not missing:
        return []
    from .fts import rebuild_statement_index

    objects = schema_objects()
    for name in missing:
        conn.execute(objects[name])
    rebuild_statement_index(conn)
    return missing


def _to_v2(conn: sqlite3.Connection) -> None:
    """statements_fts as Datasette and sqlite-utils detect it; the dossier's identity written down."""
    db = _database(conn)
    identity = dossier_identity(conn)  # before anything changes: what a read-only open derived
    for name in INDEX_TRIGGERS:  # they name statements_fts; re-created after it
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    db.table("statements_fts").drop(ignore=True)
    conn.execute(schema_objects()["statements_fts"])
    for name in INDEX_TRIGGERS:
        conn.execute(schema_objects()[name])
    db.table("statements").rebuild_fts()  # found through detect_fts: the declaration is right, or this fails
    conn.execute("INSERT OR IGNORE INTO dossier_meta (key, value) VALUES ('identity', ?)", (identity,))


def _to_v3(conn: sqlite3.Connection) -> None:
    """The audit trail: the `edits` table and its index, as db/schema.sql makes them."""
    objects = schema_objects()
    conn.execute(objects["edits"])
    conn.execute(objects["edits_by_entity"])


def ensure_summaries(conn: sqlite3.Connection) -> list[str]:
    """Re-create the summary tables, indexes and triggers that are missing and, if any was, refill the summaries.

    The caller holds the transaction. Costs one look at the schema when all
    are there. A file without the summaries at all (older than version 4) is
    left alone: its schema step creates them.
    """
    present = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'summary!_%' ESCAPE '!'")
    }
    if not present:
        return []
    objects = schema_objects()
    missing = [name for name in objects if name.startswith("summary_") and name not in present]
    if not missing:
        return []
    for name in missing:  # tables before their indexes and triggers: the schema's own order
        conn.execute(objects[name])
    refill(conn)
    return [name for name in missing if name in SUMMARY_TRIGGERS] or missing


def _to_v4(conn: sqlite3.Connection) -> None:
    """The summaries (`dossier/summaries.py`): tables, indexes and triggers, filled from the data in one pass."""
    objects = schema_objects()
    for name in (*SUMMARY_TABLES, *(n for n in objects if n.startswith("summary_") and n not in SUMMARY_TABLES)):
        conn.execute(objects[name])
    refill(conn)
    for name in TIMELINE_INDEXES_V4:
        conn.execute(objects[name])


TIMELINE_INDEXES_V4 = ("measures_by_imposer_effective", "measures_by_target_effective")
"""Indexes of version 4 for one actor's timeline (the dates its measures take effect)."""


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _to_v2, 3: _to_v3, 4: _to_v4}
"""`STEPS[n]` takes a file from version n - 1 to n; the last is `SCHEMA_VERSION`."""


def migrate(conn: sqlite3.Connection, path: Path) -> Migration:
    """Bring the file on `conn` (opened for writing, no transaction open) to the current schema.

    Then make sure its index triggers are there (`ensure_index_triggers`).
    All in one transaction; a newer or foreign file is refused with a
    `StoreError` before anything is written.
    """
    if conn.in_transaction:
        raise RuntimeError("migrate() runs its own transaction")
    fk_was_on = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before BEGIN
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = check_schema(conn, path)  # read under the write lock: another process may have migrated
            for step in range(version + 1, SCHEMA_VERSION + 1):
                STEPS[step](conn)
            triggers = ensure_index_triggers(conn) + ensure_summaries(conn)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise StoreError(f"{path}: the migration would break {len(problems)} references; not migrated")
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        if fk_was_on:
            conn.execute("PRAGMA foreign_keys = ON")
    return Migration(old_version=version, new_version=SCHEMA_VERSION, triggers=triggers)


def backup_copy(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the dossier to `<name>.schema-<version>.bak` beside it (a new name if that is taken).

    SQLite's online backup, so the copy is consistent even while others read
    the file; written to a temporary name and renamed when complete.
    """
    target = path.with_name(f"{path.name}.schema-{version}.bak")
    count = 1
    while target.exists():
        count += 1
        target = path.with_name(f"{path.name}.schema-{version}.{count}.bak")
    tmp = target.with_name(f".{target.name}.tmp")
    copy = sqlite3.connect(tmp)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    os.replace(tmp, target)
    return target


def migrate_file(path: Path, *, backup: bool = True) -> Migration:
    """`dossier migrate PATH`: keep a copy of the file as it was, then migrate it."""
    conn = connect_existing(path, write=True, check_seconds=0)
    try:
        version = check_schema(conn, path)
        saved = backup_copy(conn, path, version) if backup and version < SCHEMA_VERSION else None
        try:
            done = migrate(conn, path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(explain(path, exc)) from None
        done.backup = saved
        return done
    finally:
        conn.close()

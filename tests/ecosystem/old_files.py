"""Dossier files as an older Dossier made them, for the migration tests.

`schema_v1.sql` and `schema_v2.sql` beside this file are db/schema.sql as it
was at schema versions 1 and 2, kept as they were. An old file is built from
one, then filled with the default dossier's rows (copied from a file `dossier
init` built), with its search indexes built as that version's importer built them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dossier.schema import DATA_TABLES

SCHEMA_V1 = Path(__file__).with_name("schema_v1.sql")
SCHEMA_V2 = Path(__file__).with_name("schema_v2.sql")



def build_v1(path: Path, rows_from: Path) -> Path:
    """A schema-1 dossier at `path` holding the rows of the dossier `rows_from` (no identity: v1 had none)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
        conn.execute("ATTACH DATABASE ? AS source", (str(rows_from),))
        conn.execute("BEGIN")
        for table in DATA_TABLES:
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM source.{table}")
        conn.execute("DELETE FROM main.dossier_meta WHERE key = 'identity'")
        conn.execute(
            "INSERT INTO main.entities_fts (rowid, kind, entity_id, title, body, names)"
            " SELECT rowid, kind, entity_id, title, body, names FROM source.entities_fts"
        )
        conn.execute("INSERT INTO main.entities_trigram (rowid, text) SELECT rowid, text FROM source.entities_trigram")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE source")
        # The triggers fired for each statement copied in, as the v1 importer's small imports did.
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        assert version == 1
    finally:
        conn.close()
    return path


def build_v2(path: Path, rows_from: Path) -> Path:
    """A schema-2 dossier at `path` (no audit trail) holding the rows of the dossier `rows_from`, identity kept."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(SCHEMA_V2.read_text(encoding="utf-8"))
        conn.execute("ATTACH DATABASE ? AS source", (str(rows_from),))
        conn.execute("BEGIN")
        for table in DATA_TABLES:  # the triggers index each statement copied in, as the v2 importer's did
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM source.{table}")
        conn.execute(
            "INSERT INTO main.entities_fts (rowid, kind, entity_id, title, body, names)"
            " SELECT rowid, kind, entity_id, title, body, names FROM source.entities_fts"
        )
        conn.execute("INSERT INTO main.entities_trigram (rowid, text) SELECT rowid, text FROM source.entities_trigram")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE source")
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        assert version == 2
    finally:
        conn.close()
    return path

"""Dossier files as an older Dossier made them, for the migration tests.

`schema_v1.sql` beside this file is db/schema.sql as it was at schema version 1,
kept as it was. A v1 file is built from it, then filled with the default
dossier's rows (copied from a file `dossier init` built), with its search
indexes built as the v1 importer built them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_V1 = Path(__file__).with_name("schema_v1.sql")

_DATA_TABLES = (
    "dossier_meta",
    "sources",
    "actors",
    "aliases",
    "measures",
    "measure_links",
    "consequences",
    "statements",
    "statement_measures",
    "events",
    "event_actors",
)


def build_v1(path: Path, rows_from: Path) -> Path:
    """A schema-1 dossier at `path` holding the rows of the dossier `rows_from` (no identity: v1 had none)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
        conn.execute("ATTACH DATABASE ? AS source", (str(rows_from),))
        conn.execute("BEGIN")
        for table in _DATA_TABLES:
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

"""The write side of the statement indexes: rebuilt whole after a bulk load or a schema step.

The importer and the migrations (`dossier.migrations`) both rebuild them; the
entity index, kept row by row, stays with the importer.
"""

from __future__ import annotations

import sqlite3

CJK_FUNCTION = "dossier_has_cjk"
"""The SQL name of `dossier.search.has_cjk`, registered for the bulk rebuild of statements_cjk."""


def rebuild_statement_index(conn: sqlite3.Connection) -> None:
    """Rebuild the statement indexes from the table: words for all, trigrams for those with CJK text."""
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    rebuild_cjk_index(conn)


def rebuild_cjk_index(conn: sqlite3.Connection) -> None:
    """Index the statements that hold CJK text by trigrams (statements_cjk), all at once.

    The triggers test each new row with the schema's GLOB; over a whole table
    that GLOB costs more than the word index rebuild (a character class tried at
    every position), so here a statement is first skipped unless it has at least
    two more UTF-8 bytes than characters (pure ASCII costs nothing), then tested
    by `dossier.search.has_cjk` in Python, ten times faster than the GLOB.
    """
    from .search import has_cjk

    conn.create_function(CJK_FUNCTION, 1, lambda text: isinstance(text, str) and has_cjk(text), deterministic=True)
    conn.execute("INSERT INTO statements_cjk(statements_cjk) VALUES ('delete-all')")
    conn.execute(
        "INSERT INTO statements_cjk(rowid, text) SELECT id, text FROM statements"
        f" WHERE length(CAST(text AS BLOB)) - length(text) >= 2 AND {CJK_FUNCTION}(text)"
    )

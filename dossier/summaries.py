"""The write side of the summaries: the counts the views read instead of counting the dossier's rows.

The tables and the triggers that keep them in step on every write are in
`db/schema.sql` (schema version 4). A bulk load drops the statement triggers
(`importer._defer_bulk_indexes`) and calls `refill` once after the load, in
the same transaction, as it rebuilds the full-text index; a schema step from
an older file, and `migrations.ensure_summaries` when a trigger has gone
missing (a sqlite-utils `transform()` drops a table's triggers), fill them
the same way.

`fresh_counts` is the same aggregate read without the tables, for the tests
that check the summaries against the data and for whoever doubts them.
"""

from __future__ import annotations

import sqlite3

SUMMARY_TABLES = ("summary_pairs", "summary_sides", "summary_replies", "summary_statement_facets", "summary_actors")
"""The summary tables, which `refill` empties and fills from the data."""

SUMMARY_TRIGGERS = (
    "summary_measures_insert",
    "summary_measures_delete",
    "summary_sides_measure_delete",
    "summary_measures_update",
    "summary_statements_insert",
    "summary_statements_delete",
    "summary_statements_update",
    "summary_statement_measures_insert",
    "summary_statement_measures_delete",
    "summary_statement_measures_update",
    "summary_consequences_insert",
    "summary_consequences_delete",
    "summary_consequences_update",
    "summary_actors_insert",
    "summary_actors_delete",
    "summary_actors_update",
)
"""The triggers that keep the summaries in step with the data."""

_REPLIES = (
    "SELECT m.imposed_by_id, m.target_id, s.speaker_id, coalesce(s.said, ''), sm.statement_id, sm.measure_id,"
    " sm.stance FROM statement_measures sm JOIN measures m ON m.id = sm.measure_id"
    " JOIN statements s ON s.id = sm.statement_id"
    " WHERE m.imposed_by_id IS NOT NULL AND m.target_id IS NOT NULL AND m.imposed_by_id != m.target_id"
)

_QUERIES = {
    "summary_pairs": (
        "SELECT min(a, b), max(a, b), sum(a < b), sum(a > b), count(*) FROM ("
        " SELECT imposed_by_id AS a, target_id AS b FROM measures"
        " WHERE imposed_by_id IS NOT NULL AND target_id IS NOT NULL AND imposed_by_id != target_id)"
        " GROUP BY 1, 2"
    ),
    "summary_sides": (
        "SELECT imposed_by_id, target_id, count(*), sum((SELECT count(*) FROM consequences WHERE measure_id = m.id))"
        " FROM measures m WHERE imposed_by_id IS NOT NULL AND target_id IS NOT NULL AND imposed_by_id != target_id"
        " GROUP BY 1, 2"
    ),
    "summary_replies": _REPLIES,
    "summary_statement_facets": (
        # One pass over the statements (kind, year, source), one over the links (stance).
        "WITH grouped AS MATERIALIZED ("
        " SELECT speaker_id, kind, coalesce(substr(said, 1, 4), '') AS year,"
        " coalesce(CAST(source_id AS TEXT), '') AS source, count(*) AS n FROM statements GROUP BY 1, 2, 3, 4)"
        " SELECT speaker_id, 'kind', kind, sum(n) FROM grouped GROUP BY 1, 3"
        " UNION ALL SELECT speaker_id, 'year', year, sum(n) FROM grouped GROUP BY 1, 3"
        " UNION ALL SELECT speaker_id, 'source', source, sum(n) FROM grouped GROUP BY 1, 3"
        " UNION ALL SELECT s.speaker_id, 'stance', sm.stance, count(DISTINCT sm.statement_id)"
        " FROM statement_measures sm JOIN statements s ON s.id = sm.statement_id GROUP BY 1, 3"
    ),
    "summary_actors": "SELECT kind, coalesce(country, ''), count(*) FROM actors GROUP BY 1, 2",
}
"""Each summary as one aggregate over the data, in the table's column order."""


_FACET_GROUPS = "temp.dossier_facet_groups"

_REFILL_STEPS = {
    # The same counts as `_QUERIES["summary_statement_facets"]`, one sorter at a time: in one statement,
    # SQLite keeps each of its four GROUP BYs' sorters (each allowed as much memory as the page cache)
    # until the statement ends, which took 160 MiB beside a 32 MiB cache at 3M statements.
    "summary_statement_facets": (
        f"DROP TABLE IF EXISTS {_FACET_GROUPS}",
        f"CREATE TABLE {_FACET_GROUPS} AS SELECT speaker_id, kind, coalesce(substr(said, 1, 4), '') AS year,"
        " coalesce(CAST(source_id AS TEXT), '') AS source, count(*) AS n FROM statements GROUP BY 1, 2, 3, 4",
        *(
            f"INSERT INTO summary_statement_facets SELECT speaker_id, '{facet}', {facet}, sum(n)"
            f" FROM {_FACET_GROUPS} GROUP BY 1, 3"
            for facet in ("kind", "year", "source")
        ),
        "INSERT INTO summary_statement_facets SELECT s.speaker_id, 'stance', sm.stance,"
        " count(DISTINCT sm.statement_id) FROM statement_measures sm JOIN statements s ON s.id = sm.statement_id"
        " GROUP BY 1, 3",
        f"DROP TABLE {_FACET_GROUPS}",
    ),
}
"""Summaries refilled in several statements rather than by their one query of `_QUERIES`."""


def refill(conn: sqlite3.Connection, tables: tuple[str, ...] = SUMMARY_TABLES) -> None:
    """Empty the summaries and fill them from the data (the caller holds the transaction).

    One aggregate pass each: on a million statements about as long as building
    one of the statement indexes. Each statement runs at most one of SQLite's
    sorters, so the memory of a refill is about twice the page cache, whatever
    the number of statements.
    """
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
        for sql in _REFILL_STEPS.get(table, (f"INSERT INTO {table} {_QUERIES[table]}",)):
            conn.execute(sql)


def fresh_counts(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """What each summary should hold, aggregated from the data now (rows sorted, no zero counts)."""
    return {table: sorted(tuple(r) for r in conn.execute(_QUERIES[table])) for table in SUMMARY_TABLES}


def stored_counts(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """What each summary holds (rows sorted; the rows whose count fell to 0 left out)."""
    live = {
        "summary_pairs": "WHERE total > 0",
        "summary_sides": "WHERE measures > 0 OR consequences != 0",
        "summary_replies": "",
        "summary_statement_facets": "WHERE n > 0",
        "summary_actors": "WHERE n > 0",
    }
    return {table: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {table} {live[table]}")) for table in live}

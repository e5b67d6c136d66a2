"""The summaries (schema version 4) hold what a fresh aggregate of the data says, after every kind of write.

A bulk load, an incremental import that replaces entities, a big import into
a dossier with contents, single-row edits and deletes in SQL (as an editor
writing through its own connection makes them), and a schema step from a v3
file. And the readers: what the views show from the summaries equals what
they show from the data, and a v3 file, read as it is, still answers.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import generate
from dossier.cli import main
from dossier.importer import import_files
from dossier.migrations import TIMELINE_INDEXES_V4
from dossier.schema import SCHEMA_VERSION
from dossier.store import Store
from dossier.summaries import SUMMARY_TABLES, fresh_counts, stored_counts
from tests.conftest import read_rows


def _assert_in_step(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        fresh, stored = fresh_counts(conn), stored_counts(conn)
    finally:
        conn.close()
    for table in SUMMARY_TABLES:
        assert stored[table] == fresh[table], table
    assert fresh["summary_statement_facets"], "nothing counted: the check would prove nothing"


def _write(db: Path, *sql: str) -> None:
    """Single-row writes on a connection of their own, foreign keys on, as the importer and the editor write."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        for statement in sql:
            conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def as_v3(db: Path) -> Path:
    """The file as schema version 3 made it: no summary tables, no summary triggers, no indexes of version 4."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for name, kind in conn.execute(
            "SELECT name, type FROM sqlite_master WHERE name LIKE 'summary%' AND type IN ('table', 'trigger')"
        ).fetchall():
            conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        for name in TIMELINE_INDEXES_V4:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("PRAGMA user_version = 3")
    finally:
        conn.close()
    return db


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated dossier big enough for the bulk path (more statements than the bulk threshold)."""
    path = tmp_path_factory.mktemp("summaries") / "gen.db"
    generate.generate(path, statements=6000, seed=3)
    return path


def test_a_bulk_load_fills_the_summaries(generated: Path) -> None:
    _assert_in_step(generated)
    pairs = read_rows(generated, "SELECT count(*) FROM summary_pairs WHERE total > 0")[0][0]
    replies = read_rows(generated, "SELECT count(*) FROM summary_replies")[0][0]
    assert pairs > 10 and replies > 100


def test_a_big_import_into_a_dossier_with_contents_refills_them(
    generated: Path, seed_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    bundle = tmp_path / "gen.json"
    result = runner.invoke(main, ["export", "--db", str(generated), "--format", "json", "-o", str(bundle)])
    assert result.exit_code == 0, result.output
    import_files(seed_db, [bundle])
    assert read_rows(seed_db, "SELECT count(*) FROM statements")[0][0] == 6014
    _assert_in_step(seed_db)


REPLACING = """
actors:
  - {slug: zakharova, name: Maria Zakharova, kind: organization, country: UA}
  - {slug: quokka-ministry, name: Quokka Ministry, kind: organization, country: AU}
measures:
  - slug: russia-orders-us-diplomats-out
    title: US diplomats in Russia over three years must leave by January 31
    kind: expulsion
    imposed_by: united-states
    target: ukraine
    announced: "2021-12-01"
  - {slug: quokka-ban, title: A ban on quokkas, kind: travel-ban, imposed_by: quokka-ministry, target: russia}
statements:
  - slug: zakharova-respond-accordingly
    speaker: antonov
    kind: paraphrase
    text: We regard the US demand as an expulsion.
    said: "2019-05"
    about:
      - {measure: us-expels-27-russian-diplomats, stance: comments}
      - {measure: quokka-ban, stance: comments}
  - slug: quokka-reply
    speaker: russian-mfa
    text: Quokkas are welcome.
    about: [{measure: quokka-ban, stance: condemns}]
"""


def test_an_import_that_replaces_entities_keeps_them(seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "replacing.yaml"
    bundle.write_text(REPLACING, encoding="utf-8")
    before = read_rows(seed_db, "SELECT * FROM summary_statement_facets WHERE n > 0 ORDER BY 1, 2, 3")
    import_files(seed_db, [bundle])
    assert read_rows(seed_db, "SELECT * FROM summary_statement_facets WHERE n > 0 ORDER BY 1, 2, 3") != before
    _assert_in_step(seed_db)


@pytest.mark.parametrize(
    "sql",
    [
        ("DELETE FROM statements WHERE slug = 'zakharova-respond-accordingly'",),
        ("DELETE FROM measures WHERE slug = 'russia-orders-us-diplomats-out'",),
        ("UPDATE statements SET speaker_id = (SELECT id FROM actors WHERE slug = 'lavrov'), said = NULL,"
         " kind = 'paraphrase', source_id = NULL WHERE slug = 'zakharova-move-in-response'",),
        ("UPDATE measures SET target_id = imposed_by_id WHERE slug = 'us-expels-27-russian-diplomats'",),
        ("UPDATE measures SET imposed_by_id = (SELECT id FROM actors WHERE slug = 'ukraine')"
         " WHERE slug = 'us-expels-27-russian-diplomats'",),
        ("UPDATE statement_measures SET stance = 'condemns' WHERE stance = 'justifies'",),
        ("DELETE FROM statement_measures WHERE stance = 'comments'",),
        ("DELETE FROM consequences WHERE slug = 'us-27-depart-by-2022-01-30'",),
        ("UPDATE consequences SET measure_id = (SELECT id FROM measures WHERE slug = 'russia-orders-us-diplomats-out'),"
         " position = 9 WHERE slug = 'us-three-year-bar'",),
        ("UPDATE actors SET kind = 'media', country = NULL WHERE slug = 'lavrov'",),
        ("DELETE FROM aliases WHERE actor_id = (SELECT id FROM actors WHERE slug = 'osce')",
         "DELETE FROM event_actors WHERE actor_id = (SELECT id FROM actors WHERE slug = 'osce')",
         "DELETE FROM actors WHERE slug = 'osce'"),
    ],
    ids=["delete-statement", "delete-measure", "edit-statement", "measure-onto-itself", "edit-measure",
         "edit-stance", "delete-links", "delete-consequence", "move-consequence", "edit-actor", "delete-actor"],
)
def test_single_row_writes_in_sql_keep_them(seed_db: Path, sql: tuple[str, ...]) -> None:
    before = stored_counts(sqlite3.connect(seed_db))
    _write(seed_db, *sql)
    after = stored_counts(sqlite3.connect(seed_db))
    assert after != before
    _assert_in_step(seed_db)


def test_a_v2_file_reads_as_it_is_then_migrates_to_the_summaries(seed_db: Path, runner: CliRunner) -> None:
    with Store.open(seed_db) as store:
        _, russia = store.resolve("actor/russia")
        _, ryabkov = store.resolve("actor/ryabkov")
        expected = (store.relations(limit=5), store.relations(actor_id=russia), store.statement_facets(ryabkov),
                    store.actor_facets(), store.statement_count(ryabkov))
    as_v3(seed_db)
    with Store.open(seed_db) as store:  # read-only, as it is: the queries of version 3
        assert not store.has_summaries
        assert (store.relations(limit=5), store.relations(actor_id=russia), store.statement_facets(ryabkov),
                store.actor_facets(), store.statement_count(ryabkov)) == expected
    assert read_rows(seed_db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'summary%'") == [(0,)]
    result = runner.invoke(main, ["migrate", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert f"from schema 3 to {SCHEMA_VERSION}" in result.output
    _assert_in_step(seed_db)
    with Store.open(seed_db) as store:
        assert store.has_summaries
        assert store.relations(limit=5) == expected[0]


def test_the_views_say_the_same_from_the_summaries_as_from_the_data(generated: Path, tmp_path: Path) -> None:
    old = as_v3(Path(shutil.copy(generated, tmp_path / "v3.db")))
    with Store.open(generated) as new, Store.open(old) as before:
        assert new.has_summaries and not before.has_summaries
        assert new.relations(limit=15) == before.relations(limit=15)
        assert new.relations(limit=10, offset=7) == before.relations(limit=10, offset=7)
        assert new.actor_facets() == before.actor_facets()
        for kind, country in (("person", None), (None, "RU"), ("state", "US")):
            assert new.actor_facets(kind=kind, country=country) == before.actor_facets(kind=kind, country=country)
            assert new.actor_count(kind, country=country) == before.actor_count(kind, country=country)
        busiest = new.relations(limit=3)
        busiest_speakers = "SELECT speaker_id FROM statements GROUP BY 1 ORDER BY count(*) DESC LIMIT 3"
        speakers = [r[0] for r in read_rows(generated, busiest_speakers)]
        undated = f"SELECT count(*) FROM statements WHERE said IS NULL AND speaker_id IN ({busiest_speakers})"
        assert read_rows(generated, undated)[0][0] > 0  # End crosses from the undated rows to the dated
        new.END_JUMP = 1  # every jump past the middle is read from the end (End on a big dossier)
        for actor_id in [*speakers, busiest[0].first.id, busiest[1].second.id]:
            assert new.relations(actor_id=actor_id, limit=50) == before.relations(actor_id=actor_id, limit=50)
            assert new.statement_facets(actor_id) == before.statement_facets(actor_id)
            assert new.statement_count(actor_id) == before.statement_count(actor_id)
            count = new.statement_count(actor_id)
            assert count > 50
            for offset in (0, max(0, count - 100), count - 37, count - 1, count // 2 + 1, count, count + 5):
                for filters in ((), (("kind", "quote"),), (("year", "undated"),)):
                    assert new.statements_page(actor_id, offset=offset, limit=30, filters=filters) == (
                        before.statements_page(actor_id, offset=offset, limit=30, filters=filters)
                    ), (offset, filters)


def test_migrate_puts_back_a_dropped_trigger_and_counts_again(seed_db: Path, runner: CliRunner) -> None:
    _write(
        seed_db,
        "DROP TRIGGER summary_statements_insert",
        "INSERT INTO statements (slug, speaker_id, text, said) SELECT 'unseen', id, 'Not counted.', '1999' FROM actors"
        " WHERE slug = 'lavrov'",
    )
    with Store.open(seed_db) as store:
        assert not store.has_summaries  # a trigger is missing: the counts are read from the data
        _, lavrov = store.resolve("actor/lavrov")
        assert ("year", "1999") in {(v.facet, v.value) for v in store.statement_facets(lavrov)}
    result = runner.invoke(main, ["migrate", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert "summary_statements_insert" in result.output
    _assert_in_step(seed_db)


def _timeline_of(db: Path, actor_id: int) -> list[tuple[str, str, int]]:
    """One actor's dated timeline worked out the long way: every row that involves it, sorted."""
    rows = read_rows(
        db,
        "SELECT e.date, 0, e.id FROM events e JOIN event_actors ea ON ea.event_id = e.id"
        " WHERE ea.actor_id = :a AND e.date IS NOT NULL"
        " UNION ALL SELECT announced, 1, id FROM measures WHERE announced IS NOT NULL"
        " AND (imposed_by_id = :a OR target_id = :a)"
        " UNION ALL SELECT said, 2, id FROM statements WHERE speaker_id = :a AND said IS NOT NULL"
        " UNION ALL SELECT effective, 3, id FROM measures WHERE effective IS NOT NULL"
        " AND (imposed_by_id = :a OR target_id = :a)"
        " UNION ALL SELECT c.due, 4, c.id FROM consequences c JOIN measures m ON m.id = c.measure_id"
        " WHERE c.due IS NOT NULL AND (c.affects_id = :a OR m.imposed_by_id = :a OR m.target_id = :a)"
        " ORDER BY 1, 2, 3".replace(":a", str(actor_id)),
    )
    kinds = ("event", "announced", "statement", "effective", "due")
    return [(str(date), kinds[rank], int(i)) for date, rank, i in rows]


def test_one_actors_timeline_is_whole_both_ways_of_reading_its_due_dates(generated: Path) -> None:
    busiest = "SELECT imposed_by_id FROM measures GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    dense = read_rows(generated, busiest)[0][0]
    sparse = read_rows(generated, "SELECT speaker_id FROM statements GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0][0]
    with Store.open(generated) as store:
        for actor_id, page_size in ((dense, 1), (dense, 100), (sparse, 1), (sparse, 100)):
            expected = _timeline_of(generated, actor_id)
            assert expected and (actor_id != dense or any(kind == "due" for _, kind, _ in expected[:150]))
            seen: list[tuple[str, str, int]] = []
            after = None
            while len(seen) < min(len(expected), 150):
                page = store.timeline(actor_id=actor_id, after=after, limit=page_size)
                if not page:
                    break
                seen += [(item.date, item.kind, item.id) for item in page]
                after = page[-1].cursor
            assert seen[:150] == expected[:150], (actor_id, page_size)
        assert store._dense_actor(dense, 1) and not store._dense_actor(sparse, 100)


def test_a_side_kept_between_questions_follows_a_write_by_another_program(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        _, us = store.resolve("actor/united-states")
        _, russia = store.resolve("actor/russia")
        before = store.relation_side(us, russia)
        assert before.reply_count > 0
        assert store.relation_side(us, russia) == before  # asked again: the same, from the kept side
        _write(seed_db, "UPDATE actors SET affiliation_id = NULL WHERE slug IN ('zakharova', 'russian-mfa')")
        after = store.relation_side(us, russia)
        assert after.reply_count < before.reply_count

"""The store: opens only real dossiers, read-only, and answers bounded, typed queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dossier.rows import ACTOR_KINDS
from dossier.schema import SCHEMA_VERSION
from dossier.store import Store, StoreError
from tests.conftest import file_hash


def test_missing_file_is_refused_and_not_created(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such file"):
        Store.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "is empty"), (b"hello, not a database at all", "not an SQLite database")],
)
def test_files_that_are_not_databases(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=reason):
        Store.open(path)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)


def test_an_sqlite_file_that_is_not_a_dossier(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not a dossier"):
        Store.open(path)


def test_a_newer_schema_names_both_versions(seed_db: Path) -> None:
    conn = sqlite3.connect(seed_db)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(StoreError, match=f"schema version 7, newer than this Dossier reads \\({SCHEMA_VERSION}\\)"):
        Store.open(seed_db)


def test_browsing_is_read_only_and_changes_no_byte(seed_db: Path) -> None:
    before = file_hash(seed_db)
    with Store.open(seed_db) as store:
        with pytest.raises(sqlite3.OperationalError):
            store.conn.execute("DELETE FROM actors")
        store.summary()
    assert file_hash(seed_db) == before


@pytest.mark.parametrize("name", ["with space.db", "q?mark.db", "hash#tag.db", "ünïcödé.db", "100%.db"])
def test_odd_paths_open_the_right_file(tmp_path: Path, seed_db: Path, name: str) -> None:
    odd = tmp_path / name
    odd.write_bytes(seed_db.read_bytes())
    with Store.open(odd) as store:
        assert store.summary().counts["actors"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["seed.db", name])


def test_resolve_refs(store: Store) -> None:
    assert store.resolve("zakharova")[0] == "actor"
    assert store.resolve("actor/zakharova") == store.resolve("zakharova")
    assert store.resolve("measure/russia-orders-us-diplomats-out")[0] == "measure"
    assert store.resolve("statements/zakharova-respond-accordingly")[0] == "statement"
    with pytest.raises(StoreError, match="nothing with that slug"):
        store.resolve("nobody")
    with pytest.raises(StoreError, match="unknown kind"):
        store.resolve("planet/earth")


def test_actors_page_by_keyset(store: Store) -> None:
    everyone = store.actors_grouped(limit=1000)
    assert everyone == sorted(everyone, key=lambda a: (ACTOR_KINDS.index(a.kind), a.name, a.id))
    first = store.actors_grouped(limit=3)
    rest = store.actors_grouped(after=(first[-1].kind, first[-1].name, first[-1].id), limit=1000)
    assert first + rest == everyone
    people = store.actors_grouped(kind="person", limit=1000)
    assert people and all(a.kind == "person" for a in people)
    assert store.actor_count("person") == len(people)


def test_statements_of_an_actor_newest_first_and_paged(store: Store) -> None:
    _, ryabkov = store.resolve("ryabkov")
    all_of_them = store.statements_page(ryabkov, limit=100)
    assert len(all_of_them) == store.statement_count(ryabkov) >= 4
    assert all(s.speaker.slug == "ryabkov" for s in all_of_them)
    one = store.statements_page(ryabkov, limit=1)
    more = store.statements_page(ryabkov, after=one[0], limit=100)
    assert one + more == all_of_them


def test_measures_of_an_actor_are_marked(store: Store) -> None:
    _, russia = store.resolve("russia")
    relations = {m.slug: m.relation for m in store.measures_page(russia)}
    assert relations["russia-orders-us-diplomats-out"] == "imposed"
    assert relations["us-expels-27-russian-diplomats"] == "targeted"
    _, zakharova = store.resolve("zakharova")
    assert {m.relation for m in store.measures_page(zakharova)} == {"mentioned"}


def test_measure_detail_has_links_consequences_and_statements(store: Store) -> None:
    _, measure = store.resolve("russia-orders-us-diplomats-out")
    detail = store.measure_detail(measure)
    assert [link.measure.slug for link in detail.responds_to] == ["us-expels-27-russian-diplomats"]
    assert detail.responds_to[0].asserted_by is not None
    assert "2022-01-31" in [c.due for c in detail.consequences]
    assert "conditional" in [c.certainty for c in detail.consequences]
    _, us = store.resolve("us-expels-27-russian-diplomats")
    assert [link.measure.slug for link in store.measure_detail(us).answered_by] == ["russia-orders-us-diplomats-out"]


def test_statement_detail_has_speaker_role_source_and_measures(store: Store) -> None:
    _, sid = store.resolve("zakharova-respond-accordingly")
    detail = store.statement_detail(sid)
    assert detail.statement.speaker.name == "Maria Zakharova"
    assert detail.speaker_role and "spokesperson" in detail.speaker_role.lower()
    assert detail.source is not None and detail.source.published == "2021-12-01"
    assert detail.about


def test_search_finds_names_and_takes_wildcards_as_text(store: Store) -> None:
    def actors(query: str) -> list[str]:
        return [hit.slug for hit in store.search_page(query, kind="actor", limit=20).hits]

    assert "zakharova" in actors("zakh")
    assert "zakharova" in actors("Захарова")
    assert "zakharova" in actors("Zaharova")  # transliterated: another spelling of the same name
    assert store.search_page("%").hits == () and store.search_page("_").hits == ()
    assert store.search_page("   ").hits == ()

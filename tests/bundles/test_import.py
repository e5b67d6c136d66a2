"""Import: all or nothing, idempotent by slug, the database untouched by a refusal."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from dossier import importer
from dossier.bundle import BundleError, dump_bundle
from dossier.importer import import_files, init_database
from dossier.schema import SCHEMA_VERSION
from dossier.store import Store, StoreError
from dossier.summaries import SUMMARY_TRIGGERS
from tests.conftest import file_hash, read_rows


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_init_builds_the_default_dossier(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        summary = store.summary()
    assert summary.title == "US-Russia diplomat expulsions, 2021"
    assert summary.schema_version == SCHEMA_VERSION
    assert summary.counts["statements"] >= 10 and summary.counts["measures"] >= 2


def test_init_refuses_an_existing_file_unless_forced(seed_db: Path) -> None:
    before = file_hash(seed_db)
    with pytest.raises(StoreError, match="already exists"):
        init_database(seed_db, empty=True)
    assert file_hash(seed_db) == before
    init_database(seed_db, empty=True, force=True)
    assert read_rows(seed_db, "SELECT count(*) FROM actors") == [(0,)]
    assert not [p for p in seed_db.parent.iterdir() if p.name.endswith(".tmp")]


def test_reimporting_the_seed_changes_nothing(seed_db: Path) -> None:
    before = file_hash(seed_db)
    report = import_files(seed_db, [Path(__file__).resolve().parents[2] / "db" / "seed" / "dossier.yaml"])
    assert not report.changed
    assert file_hash(seed_db) == before


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_import_export_round_trips(seed_db: Path, empty_db: Path, tmp_path: Path, fmt: str) -> None:
    with Store.open(seed_db) as store:
        first = dump_bundle(store.export_bundle(), fmt)
    import_files(empty_db, [_write(tmp_path / f"b.{fmt}", first)])
    with Store.open(empty_db) as store:
        assert dump_bundle(store.export_bundle(), fmt) == first


def test_a_bad_bundle_leaves_the_file_byte_for_byte(seed_db: Path, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.yaml", "actors:\n  - {slug: newcomer, name: New, kind: person}\n")
    bad = _write(
        tmp_path / "bad.yaml",
        "statements:\n  - {slug: q, speaker: nobody, text: hi}\n  - {slug: q2, speaker: zakharova, text: ''}\n",
    )
    before = file_hash(seed_db)
    with pytest.raises(BundleError) as caught:
        import_files(seed_db, [good, bad])
    assert {p.path for p in caught.value.problems} == {"statements.0.speaker", "statements.1.text"} or {
        p.path for p in caught.value.problems
    } == {"statements.1.text"}
    assert file_hash(seed_db) == before
    assert read_rows(seed_db, "SELECT count(*) FROM actors WHERE slug = 'newcomer'") == [(0,)]


def test_a_failure_while_writing_rolls_everything_back(
    seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = _write(
        tmp_path / "b.yaml",
        "actors:\n  - {slug: newcomer, name: New, kind: person}\n"
        "statements:\n  - {slug: fresh, speaker: newcomer, text: hello}\n",
    )
    before = file_hash(seed_db)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "refresh_entity_index", explode)
    with pytest.raises(RuntimeError):
        import_files(seed_db, [bundle])
    assert file_hash(seed_db) == before


def test_import_updates_by_slug_and_replaces_children(seed_db: Path, tmp_path: Path) -> None:
    bundle = _write(
        tmp_path / "b.yaml",
        "actors:\n"
        "  - slug: zakharova\n    name: Maria Zakharova\n    kind: person\n    role: Spokesperson\n"
        "    aliases: [{name: Захарова, lang: ru}]\n",
    )
    report = import_files(seed_db, [bundle])
    assert report.updated["actors"] == 1
    assert read_rows(seed_db, "SELECT role FROM actors WHERE slug = 'zakharova'") == [("Spokesperson",)]
    assert read_rows(
        seed_db, "SELECT al.name FROM aliases al JOIN actors a ON a.id = al.actor_id WHERE a.slug = 'zakharova'"
    ) == [("Захарова",)]
    # the search index follows the new alias
    hits = read_rows(seed_db, "SELECT entity_id FROM entities_fts WHERE entities_fts MATCH 'Захарова'")
    assert len(hits) == 1
    assert not import_files(seed_db, [bundle]).changed


def test_consequences_can_be_reordered_and_removed(seed_db: Path, tmp_path: Path) -> None:
    bundle = _write(
        tmp_path / "b.yaml",
        "measures:\n  - slug: russia-orders-us-diplomats-out\n    title: T\n    kind: expulsion\n"
        "    consequences:\n"
        "      - {slug: russia-plan-halted-if-us-follows-suit, description: second, certainty: conditional}\n"
        "      - {description: brand new}\n",
    )
    import_files(seed_db, [bundle])
    rows = read_rows(
        seed_db,
        "SELECT c.slug, c.position FROM consequences c JOIN measures m ON m.id = c.measure_id"
        " WHERE m.slug = 'russia-orders-us-diplomats-out' ORDER BY c.position",
    )
    assert rows == [("russia-plan-halted-if-us-follows-suit", 1), ("russia-orders-us-diplomats-out-c2", 2)]


def test_statement_index_follows_updates(seed_db: Path, tmp_path: Path) -> None:
    bundle = _write(
        tmp_path / "b.yaml",
        "statements:\n  - {slug: zakharova-respond-accordingly, speaker: zakharova, text: platypus words}\n",
    )
    import_files(seed_db, [bundle])
    assert read_rows(seed_db, "SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'platypus'") == [(1,)]
    assert read_rows(seed_db, "SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'accordingly'") == [(0,)]


def test_bulk_load_rebuilds_the_index_once(empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 10)
    lines = ["actors:", "  - {slug: a, name: A, kind: person}", "statements:"]
    lines += [f"  - {{slug: s{i}, speaker: a, text: 'word{i} common'}}" for i in range(50)]
    import_files(empty_db, [_write(tmp_path / "b.yaml", "\n".join(lines) + "\n")])
    assert read_rows(empty_db, "SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'common'") == [(50,)]
    # the triggers are back after the bulk load
    triggers = read_rows(empty_db, "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    assert [t[0] for t in triggers if t[0].startswith("statements_fts")] == [
        "statements_fts_delete",
        "statements_fts_insert",
        "statements_fts_update",
    ]
    assert sorted(t[0] for t in triggers if t[0].startswith("summary_")) == sorted(SUMMARY_TRIGGERS)
    assert read_rows(empty_db, "INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')") == []


def test_import_refuses_a_missing_database(tmp_path: Path) -> None:
    bundle = _write(tmp_path / "b.yaml", "actors: []\n")
    with pytest.raises(StoreError, match="no such file"):
        import_files(tmp_path / "missing.db", [bundle])
    assert not (tmp_path / "missing.db").exists()


def test_import_refuses_a_newer_schema(seed_db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(seed_db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = file_hash(seed_db)
    with pytest.raises(StoreError, match=f"schema version 99, newer than this Dossier reads \\({SCHEMA_VERSION}\\)"):
        import_files(seed_db, [_write(tmp_path / "b.yaml", "actors: []\n")])
    assert file_hash(seed_db) == before


def test_init_gives_the_file_the_usual_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        init_database(tmp_path / "x.db", empty=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.db").stat().st_mode) == 0o644

"""Statements held as rows (the fast JSON path): the same data in the database as from models, the same refusals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dossier import importer
from dossier.bundle import BundleError, dump_bundle, read_bundle_bytes
from dossier.importer import import_files, init_database
from dossier.store import Store
from tests.conftest import file_hash

_TABLES = {
    "statements": "SELECT id, slug, speaker_id, speaker_role, text, kind, lang, said, via, source_id FROM statements",
    "statement_measures": "SELECT statement_id, measure_id, stance FROM statement_measures",
    "statements_fts": "SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'respond'",
}


def _dump(db: Path) -> dict[str, list[Any]]:
    conn = sqlite3.connect(db)
    try:
        return {name: sorted(conn.execute(sql).fetchall()) for name, sql in _TABLES.items()}
    finally:
        conn.close()


def _bundle(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "sources": [{"slug": "s", "title": "S"}],
        "actors": [{"slug": "a", "name": "A", "kind": "person"}],
        "measures": [{"slug": "m", "title": "M", "kind": "other"}, {"slug": "n", "title": "N", "kind": "other"}],
        "statements": statements,
    }


def test_a_json_bundle_keeps_its_statements_as_rows_until_asked() -> None:
    raw = json.dumps(_bundle([{"slug": "q", "speaker": "a", "text": "t", "about": [{"measure": "m"}]}])).encode()
    loaded = read_bundle_bytes(raw, "b.json", "json")
    assert loaded.statement_rows == [{"slug": "q", "speaker": "a", "text": "t", "about": [{"measure": "m"}]}]
    assert loaded.head.statements == ()
    statement = loaded.bundle.statements[0]  # built on demand, as models
    assert (statement.kind, statement.about[0].stance) == ("quote", "comments")
    assert loaded.statement_rows is None


@pytest.mark.parametrize("bulk", [False, True], ids=["small", "bulk"])
def test_rows_and_models_write_the_same_database(
    seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """The seed exported as JSON (rows) and as YAML (models) into empty files: the same rows, ids and index."""
    if bulk:  # the path of a big first load: statement rows straight from the dicts, indexes built after
        monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    with Store.open(seed_db) as store:
        bundle = store.export_bundle()
    dumped = {}
    for fmt in ("json", "yaml"):
        path = tmp_path / f"seed.{fmt}"
        path.write_text(dump_bundle(bundle, fmt), encoding="utf-8")
        db = tmp_path / f"{fmt}.db"
        init_database(db, empty=True)
        import_files(db, [path])
        dumped[fmt] = _dump(db)
    assert dumped["json"] == dumped["yaml"]
    assert dumped["json"]["statements"] and dumped["json"]["statement_measures"]
    assert dumped["json"]["statements_fts"]


@pytest.mark.parametrize("bulk", [False, True], ids=["small", "bulk"])
def test_left_out_keys_take_the_defaults(
    empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    statements = [
        {"slug": "bare", "speaker": "a", "text": "respond"},
        {"slug": "full", "speaker": "a", "text": "x: y", "kind": "paraphrase", "speaker_role": "r", "lang": "en"}
        | {"said": "2021-12", "via": "v", "source": "s", "about": [{"measure": "n", "stance": "threatens"}]},
    ]
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_bundle(statements)), encoding="utf-8")
    import_files(empty_db, [path])
    tables = _dump(empty_db)
    assert tables["statements"] == [
        (1, "bare", 1, None, "respond", "quote", None, None, None, None),
        (2, "full", 1, "r", "x: y", "paraphrase", "en", "2021-12", "v", 1),
    ]
    assert tables["statement_measures"] == [(2, 2, "threatens")]
    assert tables["statements_fts"] == [(1,)]


def test_a_second_import_changes_nothing_and_a_third_bundle_adds(empty_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_bundle([{"slug": "q", "speaker": "a", "text": "t"}])), encoding="utf-8")
    first = import_files(empty_db, [path])
    assert first.inserted["statements"] == 1
    before = file_hash(empty_db)
    assert not import_files(empty_db, [path]).changed
    assert file_hash(empty_db) == before
    more = tmp_path / "more.json"
    more.write_text(json.dumps({"statements": [{"slug": "r", "speaker": "a", "text": "respond"}]}), encoding="utf-8")
    assert import_files(empty_db, [more]).inserted["statements"] == 1
    assert [row[:2] for row in _dump(empty_db)["statements"]] == [(1, "q"), (2, "r")]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"slug": "q", "speaker": "nobody", "text": "t"}, "statements.0.speaker: unknown actor 'nobody'"),
        ({"slug": "q", "speaker": "a", "text": "t", "source": "nope"}, "statements.0.source: unknown source 'nope'"),
        (
            {"slug": "q", "speaker": "a", "text": "t", "about": [{"measure": "m"}, {"measure": "m"}]},
            "statements.0.about.1.measure: measure 'm' is named twice",
        ),
        ({"slug": "q", "speaker": "a", "text": "t", "about": [{"measure": "z"}]}, "unknown measure 'z'"),
        ({"slug": "q", "speaker": "a", "text": "t", "via": "a\u0000b"}, "statements.0.via: contains a NUL character"),
        (
            {"slug": "q", "speaker": "a", "text": "t", "speaker_role": "\u0000"},
            "statements.0.speaker_role: contains a NUL character",
        ),
    ],
)
def test_rows_are_refused_like_models(empty_db: Path, tmp_path: Path, statement: dict[str, Any], expected: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_bundle([statement]), indent=2), encoding="utf-8")
    before = file_hash(empty_db)
    with pytest.raises(BundleError) as caught:
        import_files(empty_db, [path])
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:") and expected in problems[0]
    assert file_hash(empty_db) == before


def test_a_duplicate_statement_slug_across_two_json_bundles_is_refused(empty_db: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    first.write_text(json.dumps(_bundle([{"slug": "q", "speaker": "a", "text": "t"}])), encoding="utf-8")
    second.write_text(json.dumps({"statements": [{"slug": "q", "speaker": "a", "text": "u"}]}), encoding="utf-8")
    before = file_hash(empty_db)
    with pytest.raises(BundleError) as caught:
        import_files(empty_db, [first, second])
    assert [p.path for p in caught.value.problems] == ["statements.0.slug"]
    assert "duplicate slug 'q'" in str(caught.value)
    assert file_hash(empty_db) == before


def test_a_bulk_load_finds_speakers_and_sources_already_in_the_file(
    empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statements whose speaker and source came with an earlier bundle: their ids are looked up in the file."""
    first = tmp_path / "first.json"
    first.write_text(json.dumps(_bundle([])), encoding="utf-8")
    import_files(empty_db, [first])
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    second = tmp_path / "second.json"
    statements = [
        {"slug": "one", "speaker": "a", "text": "respond", "source": "s"},
        {"slug": "two", "speaker": "b", "text": "respond too"},
    ]
    second.write_text(
        json.dumps({"actors": [{"slug": "b", "name": "B", "kind": "state"}], "statements": statements}),
        encoding="utf-8",
    )
    import_files(empty_db, [second])
    assert _dump(empty_db)["statements"] == [
        (1, "one", 1, None, "respond", "quote", None, None, None, 1),
        (2, "two", 2, None, "respond too", "quote", None, None, None, None),
    ]

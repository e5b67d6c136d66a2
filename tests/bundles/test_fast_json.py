"""The fast JSON path: the same bundles accepted, the same problems reported, as the careful path."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dossier import bundle as bundle_module
from dossier.bundle import BundleError, read_bundle_bytes
from dossier.importer import import_files
from tests.conftest import file_hash


def _problems(raw: bytes) -> list[str]:
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(raw, "b.json", "json")
    return [str(p) for p in caught.value.problems]


def _careful(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The problems the careful path alone finds for the same bytes."""
    with monkeypatch.context() as patched:
        patched.setattr(bundle_module, "_read_json_fast", lambda raw, file, **_: None)
        return _problems(raw)


def test_a_valid_bundle_takes_the_fast_path() -> None:
    raw = json.dumps(
        {
            "sources": [{"slug": "s", "title": "T", "url": "https://example.org/a:b"}],
            "actors": [
                {"slug": "a", "name": "A: the first", "kind": "person", "aliases": [{"name": "А", "lang": "ru"}]}
            ],
            "statements": [{"slug": "q", "speaker": "a", "text": 'He said: "no".', "source": "s"}],
        },
        indent=2,
        ensure_ascii=False,
    ).encode()
    loaded = read_bundle_bytes(raw, "b.json", "json")
    assert loaded.raw is raw and not loaded.lines  # no line map was built
    assert loaded.bundle.statements[0].text == 'He said: "no".'


@pytest.mark.parametrize(
    "raw",
    [
        b'{"actors": [], "actors": []}',
        b'{"actors": [{"slug": "a", "name": "A", "kind": "person", "name": "B"}]}',
        # whitespace before a colon and a duplicate: the counts must not cancel out
        b'{"actors" : [{"slug" : "a", "name": "A", "kind": "person", "kind": "person"}]}',
        b'{"statements": [{"slug": "q", "speaker": "a", "text": "t", "about": [{"measure": "m", "measure": "n"}]}]}',
    ],
)
def test_duplicate_keys_are_refused_anywhere(raw: bytes) -> None:
    problems = _problems(raw)
    assert len(problems) == 1 and "duplicate key" in problems[0]


def test_an_escaped_colon_is_still_accepted() -> None:
    loaded = read_bundle_bytes(b'{"actors": [{"slug": "a", "name": "A\\u003a B", "kind": "person"}]}', "b.json", "json")
    assert loaded.bundle.actors[0].name == "A: B"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Not A Slug", "'Not A Slug' is not a slug"),
        ("said", "2021-02-30", "'2021-02-30' is not a real date"),
        ("said", "yesterday", "'yesterday' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("said", "٢٠٢١", "is not an ISO date"),  # digits of another script are not a year
        ("text", "nul\u0000inside", "contains a NUL character"),
        ("text", "lone \ud800 half", "contains a lone surrogate at position 5"),
        ("text", "", "String should have at least 1 character"),
        ("speaker", 12, "Input should be a valid string"),
    ],
)
def test_field_problems_read_as_before(
    field: str, value: object, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = {"slug": "q", "speaker": "a", "text": "t", field: value}
    raw = json.dumps({"statements": [statement]}, indent=2).encode()
    problems = _problems(raw)
    assert problems == _careful(raw, monkeypatch)
    assert len(problems) == 1
    assert problems[0].startswith("b.json:") and f"statements.0.{field}: " in problems[0]
    assert message in problems[0]


def test_a_country_problem_names_the_value() -> None:
    raw = b'{"actors": [{"slug": "r", "name": "R", "kind": "state", "country": "rus"}]}'
    assert _problems(raw) == ["b.json:1: actors.0.country: 'rus' is not an ISO 3166 alpha-2 code (two capital letters)"]


def test_reference_problems_keep_their_lines(tmp_path: Path, empty_db: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(
        json.dumps(
            {
                "actors": [{"slug": "a", "name": "A", "kind": "person"}, {"slug": "a", "name": "B", "kind": "person"}],
                "statements": [{"slug": "q", "speaker": "nobody", "text": "t"}],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    before = file_hash(empty_db)
    with pytest.raises(BundleError) as caught:
        import_files(empty_db, [path])
    assert {str(p) for p in caught.value.problems} == {
        f"{path}:9: actors.1.slug: duplicate slug 'a' (first at {path}:4)",
        f"{path}:17: statements.0.speaker: unknown actor 'nobody'",
    }
    assert file_hash(empty_db) == before


def test_a_bulk_import_that_fails_late_leaves_the_file_and_its_indexes(
    seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier import importer

    monkeypatch.setattr(importer, "BULK_THRESHOLD", 10)
    statements = [{"slug": f"bulk-{i}", "speaker": "zakharova", "text": f"words {i}"} for i in range(50)]
    path = tmp_path / "bulk.json"
    path.write_text(json.dumps({"statements": statements}), encoding="utf-8")
    before = file_hash(seed_db)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "refresh_entity_index", explode)
    with pytest.raises(RuntimeError):
        import_files(seed_db, [path])
    assert file_hash(seed_db) == before
    conn = sqlite3.connect(seed_db)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")}
    conn.close()
    assert {"statements_by_speaker", "statement_measures_by_measure", "statements_fts_insert"} <= names


# --------------------------------------------------------------------------- duplicate keys in a big import


def _big(statements: list[dict[str, object]]) -> dict[str, object]:
    return {"actors": [{"slug": "a", "name": "A", "kind": "person"}], "statements": statements}


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import counts as big: statements held as dicts, written by the bulk load, as for 1M statements."""
    from dossier import importer

    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)


def test_the_escaped_colon_bundle_is_refused_in_one_line_and_the_file_is_unchanged(
    empty_db: Path, tmp_path: Path
) -> None:
    """An escaped colon once cancelled a duplicate key in the fast path's colon count: role 's' was imported."""
    path = tmp_path / "dup.json"
    path.write_text(
        '{"actors":[{"slug":"a","name":"first\\u003a","kind":"person","role":"r","role":"s"}]}\n', encoding="utf-8"
    )
    before = file_hash(empty_db)
    with pytest.raises(BundleError) as caught:
        import_files(empty_db, [path])
    assert [str(p) for p in caught.value.problems] == [f"{path}:1: actors.0.role: duplicate key"]
    assert file_hash(empty_db) == before


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ('{"slug": "q", "speaker": "a", "text": "t", "text": "u"}', "statements.0.text: duplicate key"),
        (
            '{"slug": "q", "speaker": "a", "text": "t", "about": [{"measure": "m", "measure": "m"}]}',
            "statements.0.about.0.measure: duplicate key",
        ),
        ('{"slug": "q", "speaker": "a", "text": "t\\u003a", "t\\u0065xt": "u"}', "statements.0.text: duplicate key"),
        ('{"slug": "q", "speaker": "a", "text": "nul\\u0000inside"}', "contains a NUL character"),
    ],
)
def test_a_big_import_refuses_as_reading_the_file_does(
    bulk: None, empty_db: Path, tmp_path: Path, statement: str, message: str
) -> None:
    path = tmp_path / "big.json"
    head = '{"actors": [{"slug": "a", "name": "A", "kind": "person"}],'
    head += ' "measures": [{"slug": "m", "title": "M", "kind": "other"}], "statements": ['
    path.write_text(head + statement + ', {"slug": "r", "speaker": "a", "text": "fine"}]}', encoding="utf-8")
    before = file_hash(empty_db)
    with pytest.raises(BundleError) as caught:
        import_files(empty_db, [path])
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:1: ") and message in problems[0], problems
    with pytest.raises(BundleError) as direct:  # what reading the file alone reports, word for word
        read_bundle_bytes(path.read_bytes(), str(path), "json")
    assert problems == [str(p) for p in direct.value.problems]
    assert file_hash(empty_db) == before


def test_an_escaped_colon_in_a_big_bundle_is_imported(bulk: None, empty_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    statements = [{"slug": "q", "speaker": "a", "text": "x"}, {"slug": "r", "speaker": "a", "text": "y"}]
    path.write_text(json.dumps(_big(statements)).replace('"x"', '"A\\u003a B"'), encoding="utf-8")
    loaded = read_bundle_bytes(path.read_bytes(), str(path), "json")
    assert loaded.statement_rows is not None  # the fast path took it
    report = import_files(empty_db, [path])
    conn = sqlite3.connect(empty_db)
    rows = conn.execute("SELECT slug, text FROM statements ORDER BY id").fetchall()
    conn.close()
    assert rows == [("q", "A: B"), ("r", "y")]
    assert "statements +2" in report.summary()


def test_a_duplicate_key_yaml_cannot_place_still_gives_its_line() -> None:
    """A tab before the document is JSON but not YAML: the line comes from the JSON parser."""
    problems = _problems(b'\n\t{"actors": [],\n "actors": []}\n')
    assert problems == ["b.json:3: duplicate key"]

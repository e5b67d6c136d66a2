"""JSON Lines bundles: export streams them, import writes them as it reads them, all or nothing.

Everything goes through the `dossier` command (click's CliRunner) on files
made by `dossier init`'s and `dossier generate`'s own code.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dossier.bundle import bundle_data
from dossier.cli import main
from dossier.generate import generate
from dossier.importer import init_database
from dossier.jsonl import BATCH_LINES, MAX_LINE_BYTES
from dossier.jsonl_write import dump_line, dump_rows
from dossier.store import Store
from tests.conftest import file_hash, read_rows
from tests.fixtures.hostile_expect import HOSTILE_BUNDLE


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _export(db: Path, fmt: str = "jsonl") -> str:
    done = _run("export", "--db", str(db), "--format", fmt)
    assert done.exit_code == 0, done.output
    return done.stdout


def _lines(path: Path, *entities: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8")
    return path


def _refused(db: Path, *bundles: Path) -> list[str]:
    """Import that must be refused: exit 1, the file byte for byte as it was; the problem lines."""
    before = file_hash(db)
    done = _run("import", *map(str, bundles), "--db", str(db))
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    assert file_hash(db) == before
    lines = done.stderr.splitlines()
    assert lines[-1].startswith("dossier: error: refused:") and lines[-1].endswith("nothing was written"), lines
    return lines[:-1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated dossier of 7,000 statements: several batches, the bulk path, a cycle of measures."""
    db = tmp_path_factory.mktemp("gen") / "generated.db"
    generate(db, statements=7000, seed=3)
    return db


# --------------------------------------------------------------------------- round trips


def test_the_default_dossier_round_trips_through_json_lines(seed_db: Path, empty_db: Path, tmp_path: Path) -> None:
    first = _export(seed_db)
    assert all(json.loads(line)["type"] for line in first.splitlines())
    bundle = tmp_path / "seed.jsonl"
    bundle.write_text(first, encoding="utf-8")
    done = _run("import", str(bundle), "--db", str(empty_db))
    assert done.exit_code == 0, done.output
    assert _export(empty_db) == first
    # the same dossier as the YAML bundle says, identity included
    assert _export(empty_db, "yaml") == _export(seed_db, "yaml")


def test_a_generated_dossier_round_trips_and_a_second_import_changes_nothing(
    generated: Path, empty_db: Path, tmp_path: Path
) -> None:
    first = _export(generated)
    assert first.count("\n") > 2 * BATCH_LINES
    bundle = tmp_path / "generated.jsonl"
    bundle.write_text(first, encoding="utf-8")
    done = _run("import", str(bundle), "--db", str(empty_db))
    assert done.exit_code == 0, done.output
    assert "statements +7000" in done.stdout
    assert _export(empty_db) == first
    assert _export(empty_db, "json") == _export(generated, "json")
    assert read_rows(empty_db, "PRAGMA integrity_check") == [("ok",)]
    searched = _run("search", "diplomats", "--db", str(empty_db), "--limit", "3")
    assert searched.exit_code == 0 and searched.stdout.count("\n") == 3
    before = file_hash(empty_db)
    again = _run("import", str(bundle), "--db", str(empty_db))
    assert again.exit_code == 0 and again.stdout.endswith("nothing changed\n"), again.output
    assert file_hash(empty_db) == before


def test_hostile_text_is_escaped_and_round_trips(empty_db: Path, tmp_path: Path) -> None:
    assert _run("import", str(HOSTILE_BUNDLE), "--db", str(empty_db)).exit_code == 0
    first = _export(empty_db)
    assert not any(ch in first for ch in "\x1b\x07\x9b\u202e\u2028")
    bundle = tmp_path / "hostile.jsonl"
    bundle.write_text(first, encoding="utf-8")
    other = tmp_path / "other.db"
    init_database(other, empty=True)
    assert _run("import", str(bundle), "--db", str(other)).exit_code == 0
    assert _export(other) == first


def test_export_to_a_file(seed_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    done = _run("export", "--db", str(seed_db), "--format", "jsonl", "-o", str(out))
    assert done.exit_code == 0 and done.stderr == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == _export(seed_db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "seed.db"]


# --------------------------------------------------------------------------- adding to a dossier


def test_forward_references_resolve_and_keep_the_order_of_definition(empty_db: Path, tmp_path: Path) -> None:
    bundle = _lines(
        tmp_path / "forward.jsonl",
        {"type": "statement", "slug": "s1", "speaker": "b", "text": "Said first.", "about": [{"measure": "m2"}]},
        {"type": "actor", "slug": "a", "name": "A", "kind": "person", "affiliation": "b"},
        {"type": "measure", "slug": "m1", "title": "One", "kind": "visa", "in_response_to": [{"measure": "m2"}]},
        {"type": "actor", "slug": "b", "name": "B", "kind": "organization"},
        {"type": "measure", "slug": "m2", "title": "Two", "kind": "visa", "imposed_by": "a", "target": "b"},
    )
    done = _run("import", str(bundle), "--db", str(empty_db))
    assert done.exit_code == 0, done.output
    assert read_rows(empty_db, "SELECT a.slug, f.slug FROM actors a LEFT JOIN actors f ON f.id = a.affiliation_id") == [
        ("a", "b"),
        ("b", None),
    ]
    assert read_rows(
        empty_db,
        "SELECT s.slug, a.slug, m.slug FROM statements s JOIN actors a ON a.id = s.speaker_id"
        " JOIN statement_measures sm ON sm.statement_id = s.id JOIN measures m ON m.id = sm.measure_id",
    ) == [("s1", "b", "m2")]
    assert read_rows(
        empty_db,
        "SELECT m.slug, r.slug FROM measure_links l JOIN measures m ON m.id = l.measure_id"
        " JOIN measures r ON r.id = l.responds_to_id",
    ) == [("m1", "m2")]
    assert read_rows(empty_db, "PRAGMA foreign_key_check") == []


def test_adding_to_the_default_dossier_updates_by_slug(seed_db: Path, tmp_path: Path) -> None:
    bundle = _lines(
        tmp_path / "more.jsonl",
        {"type": "statement", "slug": "new-one", "speaker": "zakharova", "text": "A new quote.", "said": "2021-12-02"},
        {"type": "actor", "slug": "zakharova", "name": "Maria Zakharova", "kind": "person", "role": "Spokesperson"},
        {"type": "statement", "slug": "later", "speaker": "newcomer", "text": "Later.", "source": "article-2021-12-01"},
        {"type": "actor", "slug": "newcomer", "name": "New Comer", "kind": "person", "affiliation": "russian-mfa"},
    )
    done = _run("import", str(bundle), "--db", str(seed_db))
    assert done.exit_code == 0, done.output
    assert "statements +2" in done.stdout and "actors +1 ~1" in done.stdout
    assert read_rows(seed_db, "SELECT role FROM actors WHERE slug = 'zakharova'") == [("Spokesperson",)]
    assert read_rows(
        seed_db, "SELECT count(*) FROM aliases WHERE actor_id = (SELECT id FROM actors WHERE slug = 'zakharova')"
    ) == [(0,)]
    assert read_rows(
        seed_db, "SELECT a.slug FROM statements s JOIN actors a ON a.id = s.speaker_id WHERE s.slug = 'later'"
    ) == [("newcomer",)]
    searched = _run("search", "Comer", "--db", str(seed_db))
    assert "newcomer" in searched.stdout


def test_a_yaml_bundle_and_a_json_lines_bundle_refer_to_each_other(empty_db: Path, tmp_path: Path) -> None:
    yaml_bundle = tmp_path / "actors.yaml"
    yaml_bundle.write_text(
        "actors:\n  - {slug: a, name: A, kind: person, affiliation: org}\nstatements:\n"
        "  - {slug: y1, speaker: org, text: From YAML.}\n",
        encoding="utf-8",
    )
    lines = _lines(
        tmp_path / "more.jsonl",
        {"type": "actor", "slug": "org", "name": "Org", "kind": "organization"},
        {"type": "statement", "slug": "j1", "speaker": "a", "text": "From lines."},
    )
    done = _run("import", str(yaml_bundle), str(lines), "--db", str(empty_db))
    assert done.exit_code == 0, done.output
    assert read_rows(empty_db, "SELECT slug FROM statements ORDER BY id") == [("y1",), ("j1",)]


# --------------------------------------------------------------------------- refused, file unchanged


def test_a_truncated_last_line_is_refused(seed_db: Path, tmp_path: Path) -> None:
    whole = _export(seed_db)
    cut = tmp_path / "cut.jsonl"
    cut.write_text(whole[: len(whole) - 40], encoding="utf-8")
    last = whole[: len(whole) - 40].count("\n") + 1
    problems = _refused(seed_db, cut)
    assert problems == [
        f"{cut}:{last}: the last line does not end with a line break, so the file may be cut short"
        " (if it is whole, add one)"
    ]


def test_a_line_longer_than_the_limit_is_refused_by_its_number(empty_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "long.jsonl"
    with bundle.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"type": "actor", "slug": "a", "name": "A", "kind": "person"}) + "\n")
        handle.write(
            '{"type": "statement", "slug": "s", "speaker": "a", "text": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n'
        )
        handle.write(json.dumps({"type": "statement", "slug": "t", "speaker": "a", "text": "ok"}) + "\n")
    assert _refused(empty_db, bundle) == [f"{bundle}:2: the line is longer than 8 MiB, the most a line may be"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b'{"type": "actor", "slug": "b", "name": "B\x00", "kind": "person"}\n', "3: contains a NUL character"),
        (
            b'{"type": "actor", "slug": "b", "name": "B\\u0000", "kind": "person"}\n',
            "3: name: contains a NUL character",
        ),
        (
            b'{"type": "person", "slug": "b"}\n',
            "3: type: unknown type 'person' (one of dossier, source, actor, measure, statement, event)",
        ),
        (b'{"slug": "b"}\n', "3: type: required field is missing"),
        (
            b'{"type": "actor", "slug": "b", "slug": "c", "name": "B", "kind": "person"}\n',
            "3: the key 'slug' is given twice",
        ),
        (b'["actor", "b"]\n', '3: a line must be one JSON object with a "type"'),
        (
            b'{"type": "statement", "slug": "s2", "speaker": "a", "text": "t", "text": "u"}\n',
            "3: the key 'text' is given twice",
        ),
        (
            b'{"type":"statement","slug":"s2","speaker":"a","via":"x","via":"y","text":"t"}\n',
            "3: the key 'via' is given twice",
        ),
        (
            b'{"type": "actor", "slug": "b", "name": "B", "kind": "person"} {"type": "actor"}\n',
            "3: not valid JSON: Extra data (column 63)",
        ),
        (
            b'{"type": "statement", "slug": "s2", "speaker": "a", "text": "t", "kind": "rumour"}\n',
            "3: kind: Input should be 'quote' or 'paraphrase'",
        ),
        (
            b'{"type": "actor", "slug": "b", "name": "B", "kind": "person", "aliases": [{"name": "x"}, {"name": "x"}]}'
            b"\n",
            "3: aliases.1.name: duplicate alias 'x'",
        ),
    ],
)
def test_a_bad_line_is_refused_by_its_number(empty_db: Path, tmp_path: Path, line: bytes, problem: str) -> None:
    bundle = tmp_path / "bad.jsonl"
    good = b'{"type": "actor", "slug": "a", "name": "A", "kind": "person"}\n'
    statement = b'{"type": "statement", "slug": "s", "speaker": "a", "text": "ok"}\n'
    bundle.write_bytes(good + statement + line + statement.replace(b'"s"', b'"s9"'))
    assert _refused(empty_db, bundle) == [f"{bundle}:{problem}"]


def test_text_that_looks_like_a_key_is_only_text(empty_db: Path, tmp_path: Path) -> None:
    bundle = _lines(
        tmp_path / "colons.jsonl",
        {"type": "actor", "slug": "a", "name": "A", "kind": "person"},
        {"type": "statement", "slug": "s1", "speaker": "a", "text": 'He said "slug": no.'},
        {"type": "statement", "slug": "s2", "speaker": "a", "text": "Plain."},
    )
    spaced = tmp_path / "spaced.jsonl"
    spaced.write_text('{"type" : "statement", "slug" :"s3", "speaker":"a", "text" : "Spaced."}\n', encoding="utf-8")
    done = _run("import", str(bundle), str(spaced), "--db", str(empty_db))
    assert done.exit_code == 0, done.output
    assert read_rows(empty_db, "SELECT slug, text FROM statements ORDER BY id") == [
        ("s1", 'He said "slug": no.'),
        ("s2", "Plain."),
        ("s3", "Spaced."),
    ]


def _statement_lines(count: int, start: int = 0) -> list[dict[str, object]]:
    return [
        {"type": "statement", "slug": f"s{n}", "speaker": "a", "text": f"Statement {n}."}
        for n in range(start, start + count)
    ]


def test_a_duplicate_statement_far_apart_names_both_lines(empty_db: Path, tmp_path: Path) -> None:
    actor = {"type": "actor", "slug": "a", "name": "A", "kind": "person"}
    statements = _statement_lines(3 * BATCH_LINES)
    statements.append({"type": "statement", "slug": "s5", "speaker": "a", "text": "Again."})
    bundle = _lines(tmp_path / "dup.jsonl", actor, *statements)
    assert _refused(empty_db, bundle) == [
        f"{bundle}:{len(statements) + 1}: slug: duplicate statement slug 's5' (first at {bundle}:7)"
    ]


def test_a_duplicate_statement_in_a_dossier_that_has_statements(seed_db: Path, tmp_path: Path) -> None:
    actor = {"type": "actor", "slug": "a", "name": "A", "kind": "person"}
    statements = _statement_lines(10)
    statements.append({"type": "statement", "slug": "s2", "speaker": "a", "text": "Again."})
    bundle = _lines(tmp_path / "dup.jsonl", actor, *statements)
    assert _refused(seed_db, bundle) == [f"{bundle}:12: slug: duplicate statement slug 's2' (first at {bundle}:4)"]


def test_a_duplicate_actor_names_both_lines(empty_db: Path, tmp_path: Path) -> None:
    actor = {"type": "actor", "slug": "a", "name": "A", "kind": "person"}
    bundle = _lines(tmp_path / "dup.jsonl", actor, *_statement_lines(2500), {**actor, "name": "Again"})
    assert _refused(empty_db, bundle) == [f"{bundle}:2502: slug: duplicate actor slug 'a' (first at {bundle}:1)"]


def test_a_duplicate_event_or_consequence_names_both_lines(empty_db: Path, tmp_path: Path) -> None:
    actor = {"type": "actor", "slug": "a", "name": "A", "kind": "person"}
    event = {"type": "event", "slug": "ev", "title": "Talks", "participants": ["a"]}
    measure = {"type": "measure", "slug": "m", "title": "M", "kind": "visa", "consequences": [{"description": "d"}]}
    other = {
        "type": "measure",
        "slug": "n",
        "title": "N",
        "kind": "visa",
        "consequences": [{"description": "e", "slug": "m-c1"}],
    }
    bundle = _lines(tmp_path / "dup.jsonl", actor, event, measure, *_statement_lines(10), other, event)
    assert _refused(empty_db, bundle) == [
        f"{bundle}:14: slug: duplicate consequence slug 'm-c1' (first at {bundle}:3)",
        f"{bundle}:15: slug: duplicate event slug 'ev' (first at {bundle}:2)",
    ]
    bundle = _lines(tmp_path / "dup.jsonl", actor, event, *_statement_lines(10), event)
    assert _refused(empty_db, bundle) == [f"{bundle}:13: slug: duplicate event slug 'ev' (first at {bundle}:2)"]


def test_a_reference_never_defined_is_refused_with_the_line_that_makes_it(empty_db: Path, tmp_path: Path) -> None:
    bundle = _lines(
        tmp_path / "dangling.jsonl",
        {"type": "actor", "slug": "a", "name": "A", "kind": "person"},
        *_statement_lines(2500),
        {"type": "statement", "slug": "x", "speaker": "nobody", "text": "Who?"},
        {"type": "statement", "slug": "y", "speaker": "a", "text": "On.", "about": [{"measure": "m-none"}]},
    )
    assert _refused(empty_db, bundle) == [
        f"{bundle}:2502: speaker: unknown actor 'nobody'",
        f"{bundle}:2503: about.0.measure: unknown measure 'm-none'",
    ]


def test_every_bad_line_of_a_file_is_listed(seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bad.jsonl"
    rows = [json.dumps(s) for s in _statement_lines(5000)]
    rows[10] = rows[10].replace('"speaker"', '"spaeker"')
    rows[4500] = rows[4500].replace('"text": "Statement 4500."', '"text": ""')
    bundle.write_text("\n".join(rows) + "\n", encoding="utf-8")
    problems = _refused(seed_db, bundle)
    assert problems == [
        f"{bundle}:11: speaker: required field is missing",
        f"{bundle}:11: spaeker: unknown field",
        f"{bundle}:4501: text: String should have at least 1 character",
    ]


def test_the_written_lines_are_json_dumps_of_the_entities(generated: Path, empty_db: Path) -> None:
    """`dump_rows` writes each line by hand, for speed: exactly what `json.dumps` writes for its dict."""
    assert _run("import", str(HOSTILE_BUNDLE), "--db", str(empty_db)).exit_code == 0
    for db in (generated, empty_db):
        with Store.open(db) as store:
            fast = b"".join(dump_rows(store.export_rows())).decode("utf-8")
            by_sqlite = b"".join(dump_rows(store.export_rows(statement_lines=True))).decode("utf-8")
            plain = "".join(map(dump_line, store.export_lines()))
            bundle = bundle_data(store.export_bundle())
        assert fast == plain
        assert by_sqlite == plain
        grouped: dict[str, object] = {}
        for line in plain.splitlines():
            entity = json.loads(line)
            kind = entity.pop("type")
            if kind == "dossier":
                grouped["dossier"] = entity
            else:
                grouped.setdefault(kind + "s", []).append(entity)  # type: ignore[union-attr]
        assert grouped == bundle


def _three_ways(db: Path) -> tuple[str, str, str]:
    """A dossier's JSON Lines as SQLite writes the statements, as Python does, and as `json.dumps` does."""
    with Store.open(db) as store:
        by_sqlite = b"".join(dump_rows(store.export_rows(statement_lines=True))).decode("utf-8")
        by_python = b"".join(dump_rows(store.export_rows())).decode("utf-8")
        plain = "".join(map(dump_line, store.export_lines()))
    return by_sqlite, by_python, plain


def _tampered(generated: Path, db: Path, *changes: str) -> Path:
    """A copy of the generated dossier at `db`, changed by these statements behind the foreign keys' back."""
    shutil.copyfile(generated, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        for change in changes:
            conn.execute(change)
    conn.close()
    return db


def test_statement_lines_by_sqlite_merge_measures_across_gaps_and_orphans(generated: Path, tmp_path: Path) -> None:
    """Statements deleted behind the foreign keys' back leave gaps in the ids and measures of no statement."""
    db = _tampered(
        generated,
        tmp_path / "gaps.db",
        "DELETE FROM statements WHERE id IN (SELECT statement_id FROM statement_measures"
        " WHERE statement_id % 7 = 0) OR id BETWEEN 4000 AND 4200 OR id = (SELECT max(id) FROM statements)",
    )
    orphans = "SELECT count(*) FROM statement_measures WHERE statement_id NOT IN (SELECT id FROM statements)"
    assert read_rows(db, orphans)[0][0]
    by_sqlite, by_python, plain = _three_ways(db)
    assert by_sqlite == by_python == plain
    assert _export(db) == by_sqlite


def test_statement_lines_by_sqlite_leave_out_what_is_not_there_and_quote_odd_slugs(
    generated: Path, tmp_path: Path
) -> None:
    """Measures, speakers and sources deleted behind the foreign keys' back, and slugs no bundle could hold.

    The measures' JSON comes from a map by id made once (`_about_texts`), not
    from a join a row: a reference to a measure that is not there is left out
    as the join left it out, and a slug is quoted as SQLite and json quote it.
    """
    db = _tampered(
        generated,
        tmp_path / "missing.db",
        "DELETE FROM measures WHERE id IN (SELECT measure_id FROM statement_measures WHERE rowid % 5 = 0)",
        "DELETE FROM actors WHERE id = (SELECT speaker_id FROM statements WHERE id = 3)",
        "DELETE FROM sources WHERE id = (SELECT max(source_id) FROM statements)",
        "UPDATE measures SET slug = 'q\"uote\\back' || char(8232) || 'ё' || id"
        " WHERE id IN (SELECT measure_id FROM statement_measures WHERE rowid % 5 = 1)",
    )
    gone = "SELECT count(*) FROM statement_measures WHERE measure_id NOT IN (SELECT id FROM measures)"
    assert read_rows(db, gone)[0][0]
    by_sqlite, by_python, plain = _three_ways(db)
    assert by_sqlite == by_python == plain
    assert '\\"uote\\\\back\\u2028ё' in by_sqlite
    assert _export(db) == by_sqlite


def test_del_is_escaped_in_ascii_lines_and_text_not_utf8_is_refused(seed_db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(seed_db)
    with conn:
        conn.execute("UPDATE statements SET text = 'plain' || char(127) || 'ascii' WHERE id = 1")
        conn.execute("UPDATE statements SET text = 'не ' || char(127) || ' ascii' WHERE id = 2")
        conn.execute("UPDATE statements SET via = 'bidi ' || char(8238) WHERE id = 3")
    conn.close()
    by_sqlite, by_python, plain = _three_ways(seed_db)
    assert by_sqlite == by_python == plain
    assert "\x7f" not in by_sqlite and "\u202e" not in by_sqlite
    assert by_sqlite.count("\\u007F") == 2 and "bidi \\u202E" in by_sqlite

    slug = read_rows(seed_db, "SELECT slug FROM statements WHERE id = 4")[0][0]
    conn = sqlite3.connect(seed_db)
    with conn:
        conn.execute("UPDATE statements SET text = CAST(x'41ff42' AS TEXT) WHERE id = 4")
    conn.close()
    out = tmp_path / "out.jsonl"
    done = _run("export", "--db", str(seed_db), "--format", "jsonl", "-o", str(out))
    assert done.exit_code == 1
    assert done.stderr == f"dossier: error: {seed_db}: holds text that is not UTF-8 (the statement {slug!r})\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.db"]


def test_statement_lines_are_written_by_python_where_sqlite_would_quote_otherwise(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SQLite whose `json_object` escapes a string otherwise than Python's json: each line is built in Python."""
    from dossier.store import export

    first = _export(generated)
    monkeypatch.setattr(export, "_sqlite_quotes_as_json_does", lambda conn: False)
    monkeypatch.setattr(export, "_statement_lines", None)  # never called
    assert _export(generated) == first

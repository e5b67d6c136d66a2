"""Schema 1 -> 2 (-> 3): a file made by an older schema, migrated by `dossier migrate` and by `dossier import`."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette.utils import detect_fts
from sqlite_utils import Database

from dossier.cli import main
from dossier.importer import init_database
from dossier.migrations import INDEX_TRIGGERS, schema_objects
from dossier.schema import SCHEMA_VERSION
from dossier.store import Store
from tests.conftest import file_hash, read_rows
from tests.ecosystem.old_files import build_v1

NEW_STATEMENT = """\
statements:
  - slug: zakharova-quokka
    speaker: zakharova
    text: The quokka clause is new.
    said: "2021-12-02"
"""


@pytest.fixture
def v1_db(tmp_path: Path, seed_db: Path) -> Path:
    return build_v1(tmp_path / "old.db", seed_db)


@pytest.fixture
def new_statement(tmp_path: Path) -> Path:
    path = tmp_path / "new.yaml"
    path.write_text(NEW_STATEMENT, encoding="utf-8")
    return path


def _version(path: Path) -> int:
    return int(read_rows(path, "PRAGMA user_version")[0][0])


def _fts_ids(path: Path, word: str) -> list[int]:
    """Statement ids the word index holds for `word`: the index itself, not the store's scan of recent rows."""
    return [int(r[0]) for r in read_rows(path, f"SELECT rowid FROM statements_fts WHERE statements_fts MATCH '{word}'")]


def _detected(path: Path) -> tuple[str | None, str | None]:
    conn = sqlite3.connect(path)
    try:
        return detect_fts(conn, "statements"), Database(conn)["statements"].detect_fts()
    finally:
        conn.close()


def test_the_old_file_is_what_the_previous_schema_made(v1_db: Path) -> None:
    assert _version(v1_db) == 1
    assert _detected(v1_db) == (None, None)  # the bug this schema step fixes
    assert read_rows(v1_db, "SELECT value FROM dossier_meta WHERE key = 'identity'") == []
    assert SCHEMA_VERSION == 4


def test_a_v1_file_opens_read_only_and_browses_without_being_migrated(v1_db: Path, runner: CliRunner) -> None:
    before = file_hash(v1_db)
    with Store.open(v1_db) as store:
        identity = store.identity()
        hits = store.search_page("ultimatums", limit=10).hits
        assert [hit.slug for hit in hits] == ["ryabkov-language-of-ultimatums"]
        assert store.summary().schema_version == 1
    with Store.open(v1_db) as store:
        assert store.identity() == identity  # derived, and stable
    uuid.UUID(identity)
    result = runner.invoke(main, ["show", "ryabkov", "--db", str(v1_db)])
    assert result.exit_code == 0, result.output
    assert "ultimatums" in result.output
    assert file_hash(v1_db) == before
    assert _version(v1_db) == 1


def test_dossier_migrate_keeps_a_backup_then_steps_to_the_current_schema(v1_db: Path, runner: CliRunner) -> None:
    before = file_hash(v1_db)
    with Store.open(v1_db) as store:
        derived = store.identity()
    result = runner.invoke(main, ["migrate", str(v1_db)])
    assert result.exit_code == 0, result.output
    backup = v1_db.with_name("old.db.schema-1.bak")
    assert f"migrated {v1_db} from schema 1 to {SCHEMA_VERSION}" in result.output
    assert str(backup) in result.output
    assert _version(backup) == 1
    assert read_rows(backup, "SELECT count(*) FROM statements") == [(14,)]
    assert _version(v1_db) == SCHEMA_VERSION
    assert _detected(v1_db) == ("statements_fts", "statements_fts")
    # The migration writes down the identity a read-only open derived, so what was keyed by it still matches.
    assert read_rows(v1_db, "SELECT value FROM dossier_meta WHERE key = 'identity'") == [(derived,)]
    assert _fts_ids(v1_db, "ultimatums") == [14]  # the index was rebuilt
    assert file_hash(v1_db) != before
    # The schema is now the one `dossier init` makes, object by object.
    stored = dict(read_rows(v1_db, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    assert stored == schema_objects()
    again = runner.invoke(main, ["migrate", str(v1_db)])
    assert again.exit_code == 0, again.output
    assert f"is at schema {SCHEMA_VERSION}, the current one" in again.output
    assert not v1_db.with_name(f"old.db.schema-{SCHEMA_VERSION}.bak").exists()


def test_after_migration_a_new_statement_is_found_by_the_index(
    v1_db: Path, new_statement: Path, runner: CliRunner
) -> None:
    assert runner.invoke(main, ["migrate", str(v1_db)]).exit_code == 0
    result = runner.invoke(main, ["import", str(new_statement), "--db", str(v1_db)])
    assert result.exit_code == 0, result.output
    (new_id,) = read_rows(v1_db, "SELECT id FROM statements WHERE slug = 'zakharova-quokka'")[0]
    assert _fts_ids(v1_db, "quokka") == [new_id]
    conn = sqlite3.connect(v1_db)
    try:
        found = list(Database(conn)["statements"].search("quokka"))
    finally:
        conn.close()
    assert [row["slug"] for row in found] == ["zakharova-quokka"]


def test_dossier_import_into_a_v1_file_migrates_it(v1_db: Path, new_statement: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["import", str(new_statement), "--db", str(v1_db)])
    assert result.exit_code == 0, result.output
    assert f"migrated {v1_db} from schema 1 to {SCHEMA_VERSION}" in result.output
    assert _version(v1_db) == SCHEMA_VERSION
    assert _detected(v1_db) == ("statements_fts", "statements_fts")
    (new_id,) = read_rows(v1_db, "SELECT id FROM statements WHERE slug = 'zakharova-quokka'")[0]
    assert _fts_ids(v1_db, "quokka") == [new_id]


def test_a_bad_bundle_leaves_a_v1_file_unmigrated(v1_db: Path, tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("statements:\n  - {slug: x, speaker: nobody, text: hi}\n", encoding="utf-8")
    before = file_hash(v1_db)
    result = runner.invoke(main, ["import", str(bad), "--db", str(v1_db)])
    assert result.exit_code == 1
    assert file_hash(v1_db) == before


def test_a_newer_file_is_refused_by_migrate(seed_db: Path, runner: CliRunner) -> None:
    conn = sqlite3.connect(seed_db)
    conn.execute("PRAGMA user_version = 9")
    conn.close()
    before = file_hash(seed_db)
    result = runner.invoke(main, ["migrate", str(seed_db)])
    assert result.exit_code == 1
    assert f"has schema version 9, newer than this Dossier reads ({SCHEMA_VERSION})" in result.output
    assert "Traceback" not in result.output
    assert file_hash(seed_db) == before
    assert not list(seed_db.parent.glob("*.bak"))


def test_migrate_refuses_what_is_not_a_dossier(tmp_path: Path, runner: CliRunner) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = runner.invoke(main, ["migrate", str(other)])
    assert result.exit_code == 1
    assert "is an SQLite database but not a dossier" in result.output


# --------------------------------------------------------------------------- triggers dropped by a transform


def _transform_statements(path: Path) -> None:
    """What a researcher does with sqlite-utils: change a column's type, which rebuilds the table."""
    db = Database(path)
    try:
        db.execute("PRAGMA foreign_keys = OFF")
        db["statements"].transform(types={"lang": str})
        assert not {t.name for t in db["statements"].triggers}  # transform() dropped them, silently
        db["statements"].insert(
            {"id": 500, "slug": "sneaked-in", "speaker_id": 1, "text": "A wombat came in behind the index."}
        )
    finally:
        db.close()


def test_an_import_recreates_triggers_a_transform_dropped(
    seed_db: Path, new_statement: Path, runner: CliRunner
) -> None:
    _transform_statements(seed_db)
    assert _fts_ids(seed_db, "wombat") == []
    result = runner.invoke(main, ["import", str(new_statement), "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert "re-created the missing index triggers" in result.output
    names = {name for (name,) in read_rows(seed_db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(INDEX_TRIGGERS) <= names
    (new_id,) = read_rows(seed_db, "SELECT id FROM statements WHERE slug = 'zakharova-quokka'")[0]
    assert _fts_ids(seed_db, "quokka") == [new_id]
    assert _fts_ids(seed_db, "wombat") == [500]  # written while the triggers were gone: the index was rebuilt


def test_dossier_migrate_repairs_a_current_file_without_a_backup(seed_db: Path, runner: CliRunner) -> None:
    _transform_statements(seed_db)
    result = runner.invoke(main, ["migrate", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert "re-created the missing index triggers" in result.output
    assert _fts_ids(seed_db, "wombat") == [500]
    assert not list(seed_db.parent.glob("*.bak"))


# --------------------------------------------------------------------------- the CJK index is not the main one


def test_the_cjk_index_is_never_taken_for_the_main_one(v1_db: Path, runner: CliRunner) -> None:
    assert runner.invoke(main, ["migrate", str(v1_db)]).exit_code == 0
    order = [name for (name,) in read_rows(v1_db, "SELECT name FROM sqlite_master ORDER BY rowid")]
    # After the step statements_fts was made anew, so it now comes after statements_cjk:
    # detection must not depend on the order.
    assert order.index("statements_cjk") < order.index("statements_fts")
    assert _detected(v1_db) == ("statements_fts", "statements_fts")


# --------------------------------------------------------------------------- identity


def test_init_gives_every_new_dossier_an_identity(tmp_path: Path) -> None:
    init_database(tmp_path / "a.db", empty=True)
    init_database(tmp_path / "b.db", empty=True)
    init_database(tmp_path / "seed.db")
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b, Store.open(tmp_path / "seed.db") as s:
        assert a.identity() != b.identity()
        uuid.UUID(a.identity())
        assert s.identity() == "63ffc967-4b9f-4ab9-b62f-3e350754de9f"  # the seed names its own


def test_export_then_import_keeps_the_identity(empty_db: Path, tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "source.db"
    init_database(source, empty=True)
    assert runner.invoke(main, ["import", str(_bundle(tmp_path)), "--db", str(source)]).exit_code == 0
    with Store.open(source) as store:
        identity = store.identity()
    exported = tmp_path / "export.yaml"
    assert runner.invoke(main, ["export", "--db", str(source), "-o", str(exported)]).exit_code == 0
    assert f"identity: {identity}" in exported.read_text(encoding="utf-8")
    assert runner.invoke(main, ["import", str(exported), "--db", str(empty_db)]).exit_code == 0
    with Store.open(empty_db) as store:
        assert store.identity() == identity


def test_a_bundle_merged_into_a_dossier_with_contents_leaves_its_identity(seed_db: Path, tmp_path: Path) -> None:
    other = str(uuid.uuid4())
    bundle = tmp_path / "other.yaml"
    bundle.write_text(f"dossier: {{identity: {other}}}\n" + _BUNDLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    with Store.open(seed_db) as store:
        assert store.identity() == "63ffc967-4b9f-4ab9-b62f-3e350754de9f"


def test_a_bad_identity_is_refused(empty_db: Path, tmp_path: Path, runner: CliRunner) -> None:
    bundle = tmp_path / "bad.yaml"
    bundle.write_text("dossier: {identity: not-a-uuid}\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(bundle), "--db", str(empty_db)])
    assert result.exit_code == 1
    assert "dossier.identity: 'not-a-uuid' is not a UUID" in result.output


_BUNDLE = """\
actors:
  - {slug: someone, name: Someone, kind: person}
"""


def _bundle(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.yaml"
    path.write_text("dossier: {title: Mine}\n" + _BUNDLE, encoding="utf-8")
    return path

"""Schema 2 -> 3, the audit trail: a file built by the schema-2 schema, read as it is, migrated only on a write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.capture import apply_text, document_text
from dossier.cli import main
from dossier.migrations import schema_objects
from dossier.schema import SCHEMA_VERSION
from dossier.store import Store
from tests.conftest import file_hash, read_rows
from tests.ecosystem.old_files import build_v2

NEW_STATEMENT = """\
statements:
  - slug: zakharova-numbat
    speaker: zakharova
    text: The numbat clause is new.
    said: "2021-12-03"
"""


@pytest.fixture
def v2_db(tmp_path: Path, seed_db: Path) -> Path:
    return build_v2(tmp_path / "old.db", seed_db)


def _version(path: Path) -> int:
    return int(read_rows(path, "PRAGMA user_version")[0][0])


def _tables(path: Path) -> set[str]:
    return {str(r[0]) for r in read_rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def _export(runner: CliRunner, db: Path) -> str:
    result = runner.invoke(main, ["export", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_old_file_is_what_schema_2_made(v2_db: Path) -> None:
    assert _version(v2_db) == 2
    assert "edits" not in _tables(v2_db)
    assert SCHEMA_VERSION == 4


def test_a_v2_file_browses_read_only_and_is_not_migrated(v2_db: Path, runner: CliRunner) -> None:
    before = file_hash(v2_db)
    with Store.open(v2_db) as store:
        assert store.summary().schema_version == 2
        assert store.edits_page() == []
        assert store.last_edited("actor", "zakharova") is None
        kind, entity_id = store.resolve("zakharova")
        assert "Maria Zakharova" in document_text(store, kind, entity_id)[2]
    for args in (["show", "zakharova"], ["history"]):
        result = runner.invoke(main, [*args, "--db", str(v2_db)])
        assert result.exit_code == 0, result.output
    assert file_hash(v2_db) == before
    assert not list(v2_db.parent.glob("*.bak"))


def test_dossier_migrate_keeps_a_backup_then_adds_the_trail(v2_db: Path, runner: CliRunner) -> None:
    exported = _export(runner, v2_db)
    result = runner.invoke(main, ["migrate", str(v2_db)])
    assert result.exit_code == 0, result.output
    assert f"migrated {v2_db} from schema 2 to 4" in result.output
    backup = v2_db.with_name("old.db.schema-2.bak")
    assert _version(backup) == 2 and "edits" not in _tables(backup)
    assert _version(v2_db) == SCHEMA_VERSION
    stored = dict(read_rows(v2_db, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    assert stored == schema_objects()  # the schema `dossier init` makes, object by object
    assert read_rows(v2_db, "SELECT count(*) FROM edits") == [(0,)]  # no history is made up
    assert _export(runner, v2_db) == exported


def test_an_import_into_a_v2_file_migrates_after_a_backup_and_is_recorded(
    v2_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    bundle = tmp_path / "new.yaml"
    bundle.write_text(NEW_STATEMENT, encoding="utf-8")
    result = runner.invoke(main, ["import", str(bundle), "--db", str(v2_db)])
    assert result.exit_code == 0, result.output
    backup = v2_db.with_name("old.db.schema-2.bak")
    assert str(backup) in result.output
    assert _version(backup) == 2
    rows = read_rows(v2_db, "SELECT origin, action, kind, before, after, counts, note FROM edits")
    assert len(rows) == 1
    origin, action, kind, was, became, counts, note = rows[0]
    assert (origin, action, kind, was, became) == ("import", "import", None, None, None)
    assert json.loads(str(counts))["inserted"]["statements"] == 1
    assert note == str(bundle)
    # The same bundle again changes nothing, so nothing is recorded and the file stays as it is.
    after_first = file_hash(v2_db)
    again = runner.invoke(main, ["import", str(bundle), "--db", str(v2_db)])
    assert again.exit_code == 0, again.output
    assert file_hash(v2_db) == after_first


def test_an_edit_of_a_v2_file_migrates_it_after_a_backup(v2_db: Path) -> None:
    with Store.open(v2_db) as store:
        kind, slug, text = document_text(store, *store.resolve("zakharova"))
    changed = text.replace("role: Russian Foreign Ministry spokesperson", "role: Spokesperson")
    saved = apply_text(v2_db, changed, expect=(kind, slug))
    assert saved.changed and saved.edit_id == 1
    assert saved.migrated is not None
    assert "from schema 2 to 4" in saved.migrated and "old.db.schema-2.bak" in saved.migrated
    assert _version(v2_db) == SCHEMA_VERSION
    assert _version(v2_db.with_name("old.db.schema-2.bak")) == 2
    assert read_rows(v2_db, "SELECT role FROM actors WHERE slug = 'zakharova'") == [("Spokesperson",)]


def test_a_refused_edit_leaves_a_v2_file_unmigrated(v2_db: Path) -> None:
    before = file_hash(v2_db)
    with Store.open(v2_db) as store:
        kind, slug, text = document_text(store, *store.resolve("zakharova"))
    with pytest.raises(Exception, match="is not an ISO 3166"):
        apply_text(v2_db, text.replace("country: RU", "country: Russia"), expect=(kind, slug))
    assert file_hash(v2_db) == before
    assert not list(v2_db.parent.glob("*.bak"))

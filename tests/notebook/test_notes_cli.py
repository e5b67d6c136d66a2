"""`dossier notes list|export|import`: the brief against a golden file, JSON between machines, orphans, bad files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from dossier.cli import main
from dossier.importer import init_database
from dossier.notebook import Notebook
from dossier.store import Store

GOLDEN = Path(__file__).with_name("brief_golden.md")


def fill(notebook: Path, identity: str) -> None:
    """Three statements marked, one noted, two tagged, a measure tagged, an orphan: the walk's notebook."""
    with Notebook.open(notebook) as book:
        for slug in (
            "antonov-lift-mutual-limitations",
            "antonov-normal-diplomatic-operations",
            "al-jazeera-decision-day-before-meeting",
        ):
            book.set_mark(identity, "statement", slug, True)
        book.save_note(
            identity, "statement", "antonov-lift-mutual-limitations", "Key: the *ask*.\n[red]not markup[/]", expected=1
        )
        book.save_tags(identity, "statement", "antonov-lift-mutual-limitations", ["response", "russia"], expected=2)
        book.save_tags(identity, "statement", "antonov-normal-diplomatic-operations", ["response"], expected=1)
        book.save_tags(identity, "measure", "us-expels-27-russian-diplomats", ["response"], expected=0)
        book.set_mark(identity, "actor", "no-longer-here", True, label="An actor since removed")


def identity_of(db: Path) -> str:
    with Store.open(db) as store:
        return store.identity()


def test_the_markdown_brief_matches_the_golden_file(seed_db: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "notebook.db"
    fill(notebook, identity_of(seed_db))
    result = CliRunner().invoke(main, ["notes", "export", "--db", str(seed_db), "--notebook", str(notebook)])
    assert result.exit_code == 0, result.output
    if os.environ.get("DOSSIER_UPDATE_GOLDEN"):
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_list_shows_marks_tags_notes_and_orphans(seed_db: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "notebook.db"
    fill(notebook, identity_of(seed_db))
    result = CliRunner().invoke(main, ["notes", "list", "--db", str(seed_db), "--notebook", str(notebook)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "actor/no-longer-here  ● orphaned  An actor since removed"
    assert any(line.startswith("statement/antonov-lift-mutual-limitations  ●  #response #russia  ") for line in lines)
    assert "    [red]not markup[/]" in lines


def test_notes_survive_a_reimport_of_the_seed(seed_db: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "notebook.db"
    fill(notebook, identity_of(seed_db))
    runner = CliRunner()
    bundle = tmp_path / "seed.yaml"
    assert runner.invoke(main, ["export", "--db", str(seed_db), "-o", str(bundle)]).exit_code == 0
    again = tmp_path / "again.db"
    init_database(again, empty=True)
    assert runner.invoke(main, ["import", str(bundle), "--db", str(again)]).exit_code == 0
    result = runner.invoke(main, ["notes", "list", "--db", str(again), "--notebook", str(notebook)])
    assert "statement/antonov-lift-mutual-limitations  ●  #response #russia" in result.stdout
    assert result.stdout.count("orphaned") == 1  # only the actor that was never there


def test_json_moves_a_notebook_and_import_reports_each_conflict(seed_db: Path, tmp_path: Path) -> None:
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    identity = identity_of(seed_db)
    fill(there, identity)
    with Notebook.open(there) as book:
        book.save_note(identity, "actor", "blinken", "older, from there", expected=0)
    with Notebook.open(here) as book:
        book.save_note(identity, "actor", "blinken", "newer, here", expected=0)
    runner = CliRunner()
    exported = tmp_path / "notes.json"
    out = runner.invoke(
        main,
        ["notes", "export", "--format", "json", "--db", str(seed_db), "--notebook", str(there), "-o", str(exported)],
    )
    assert out.exit_code == 0 and json.loads(exported.read_text())["notebook"] == 2
    result = runner.invoke(main, ["notes", "import", str(exported), "--db", str(seed_db), "--notebook", str(here)])
    assert result.exit_code == 0, result.output
    assert "merged" in result.stdout and "5 added" in result.stdout and "1 conflict " in result.stdout
    assert "dossier: warning: conflict: actor/blinken" in result.stderr
    with Notebook.open(here) as book:
        assert book.entry(identity, "actor", "blinken").note == "newer, here"  # type: ignore[union-attr]


def test_bad_files_get_one_line_and_nothing_changes(seed_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not sqlite at all\n")
    result = runner.invoke(main, ["notes", "list", "--db", str(seed_db), "--notebook", str(broken)])
    assert result.exit_code == 1 and result.stderr.strip().count("\n") == 0 and "is not a notebook" in result.stderr
    notebook = tmp_path / "notebook.db"
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"notebook": 2, "entries": [{"dossier": "x", "kind": "planet", "slug": "y"}]}')
    result = runner.invoke(main, ["notes", "import", str(bad_json), "--db", str(seed_db), "--notebook", str(notebook)])
    assert result.exit_code == 1 and "entries[0]: 'planet' cannot be noted" in result.stderr
    with Notebook.open(notebook) as book:
        assert book.entries() == []
    missing = runner.invoke(main, ["notes", "list", "--db", str(tmp_path / "nope.db"), "--notebook", str(notebook)])
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_listing_never_makes_a_notebook(seed_db: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "none-yet.db"
    result = CliRunner().invoke(main, ["notes", "list", "--db", str(seed_db), "--notebook", str(notebook)])
    assert result.exit_code == 0 and not notebook.exists()


def test_notes_on_a_file_made_before_identities_follow_it_through_migrate(seed_db: Path, tmp_path: Path) -> None:
    """A schema-1 file has no identity written: one derived from its title and first slugs, kept by `migrate`."""
    from tests.ecosystem.old_files import build_v1

    old = build_v1(tmp_path / "old.db", seed_db)
    before = old.read_bytes()
    derived = identity_of(old)
    assert old.read_bytes() == before  # read-only: nothing written to find it
    notebook = tmp_path / "notebook.db"
    fill(notebook, derived)
    runner = CliRunner()
    assert runner.invoke(main, ["migrate", str(old)]).exit_code == 0
    assert identity_of(old) == derived
    result = runner.invoke(main, ["notes", "list", "--db", str(old), "--notebook", str(notebook)])
    assert "statement/antonov-lift-mutual-limitations  ●  #response #russia" in result.stdout

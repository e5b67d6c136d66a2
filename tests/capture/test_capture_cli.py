"""`dossier edit`, `dossier history` and `dossier revert` through click's CliRunner, with stand-in editors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from tests.capture.editors import FAILING, broken_then, replacing, runs, seen, write_editor
from tests.conftest import file_hash, read_rows

STATEMENT = "ryabkov-language-of-ultimatums"
OLD_ROLE = "role: Russia's Deputy Foreign Minister"
NEW_ROLE = "role: Deputy Minister of Foreign Affairs"
ROLE_CHANGE = replacing("speaker_" + OLD_ROLE, "speaker_" + NEW_ROLE)


@pytest.fixture(autouse=True)
def _no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def _edit(runner: CliRunner, db: Path, ref: str = STATEMENT) -> tuple[int, str]:
    result = runner.invoke(main, ["edit", ref, "--db", str(db)])
    return result.exit_code, result.output


def _role(db: Path) -> object:
    return read_rows(db, f"SELECT speaker_role FROM statements WHERE slug = '{STATEMENT}'")[0][0]


def test_an_editor_that_writes_a_change_saves_it_as_one_recorded_edit(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = write_editor(tmp_path, "ed", replacing("speaker_" + OLD_ROLE, "speaker_" + NEW_ROLE))
    monkeypatch.setenv("EDITOR", str(editor))
    code, output = _edit(runner, seed_db)
    assert code == 0, output
    assert f"saved statement/{STATEMENT} (edit 1)" in output
    assert _role(seed_db) == "Deputy Minister of Foreign Affairs"
    shown = seen(editor)[0]
    assert shown.startswith("# Dossier: statement/") and f"slug: {STATEMENT}" in shown
    assert "about:" in shown and "measure: us-expels-27-russian-diplomats" in shown  # with its children
    (at, origin, action, kind, slug, before, after) = read_rows(
        seed_db, "SELECT at, origin, action, kind, slug, before, after FROM edits"
    )[0]
    assert (origin, action, kind, slug) == ("edit", "change", "statement", STATEMENT)
    assert json.loads(str(before))["statements"][0]["speaker_role"] == "Russia's Deputy Foreign Minister"
    assert json.loads(str(after))["statements"][0]["speaker_role"] == "Deputy Minister of Foreign Affairs"
    assert len(json.loads(str(after))["statements"][0]["about"]) == 2


def test_visual_comes_before_editor(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    visual = write_editor(tmp_path, "visual", replacing("speaker_" + OLD_ROLE, "speaker_" + NEW_ROLE))
    editor = write_editor(tmp_path, "editor", FAILING)
    monkeypatch.setenv("VISUAL", str(visual))
    monkeypatch.setenv("EDITOR", str(editor))
    assert _edit(runner, seed_db)[0] == 0
    assert (runs(visual), runs(editor)) == (1, 0)


def test_a_broken_save_opens_the_editor_again_with_the_problems_on_top(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = write_editor(
        tmp_path, "ed", broken_then("said: '2021-12-01'", "said: 2021-12", "said: '2021-13-01'")
    )
    monkeypatch.setenv("EDITOR", str(editor))
    code, output = _edit(runner, seed_db)
    assert code == 0, output
    assert runs(editor) == 2
    again = seen(editor)[1]
    lines = again.splitlines()
    assert lines[0].startswith("# --- not saved")
    # The importer's own form, the line counting the comments above it: it points at the bad line as shown.
    problem = lines[1]
    assert problem.startswith(f"# statement-{STATEMENT}.yaml:")
    assert "statements.0.said: '2021-13-01' is not a real date" in problem
    line = int(problem.split(":")[1])
    assert lines[line - 1].strip() == "said: '2021-13-01'"
    assert read_rows(seed_db, f"SELECT said FROM statements WHERE slug = '{STATEMENT}'") == [("2021-12",)]
    assert read_rows(seed_db, "SELECT count(*) FROM edits") == [(1,)]


def test_an_unknown_speaker_is_named_and_nothing_is_written(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The editor keeps saving the bad speaker: the second time it saves what it was shown, which cancels.
    editor = write_editor(tmp_path, "ed", replacing("speaker: ryabkov", "speaker: nobody"))
    monkeypatch.setenv("EDITOR", str(editor))
    before = file_hash(seed_db)
    code, output = _edit(runner, seed_db)
    assert code == 0, output
    assert "cancelled, nothing was written" in output
    assert "statements.0.speaker: unknown actor 'nobody'" in seen(editor)[1]
    assert file_hash(seed_db) == before


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (FAILING, "exited with status 3; nothing was written"),
        ("doc.write_text('')\n", "cancelled, nothing was written"),
        ("pass\n", "cancelled, nothing was written"),
    ],
    ids=["exits-non-zero", "empty", "unchanged"],
)
def test_a_failing_editor_or_an_empty_or_unchanged_save_writes_nothing(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, body: str, reason: str
) -> None:
    monkeypatch.setenv("EDITOR", str(write_editor(tmp_path, "ed", body)))
    before = file_hash(seed_db)
    code, output = _edit(runner, seed_db)
    assert reason in output
    assert code == (1 if body == FAILING else 0)
    assert "Traceback" not in output
    assert file_hash(seed_db) == before


def test_an_editor_not_found_or_not_set_is_one_line(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = file_hash(seed_db)
    code, output = _edit(runner, seed_db)
    assert code == 1 and "no editor: set $VISUAL or $EDITOR" in output
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor") + " --wait")
    code, output = _edit(runner, seed_db)
    assert code == 1
    missing = tmp_path / "no-such-editor"
    assert output.strip().splitlines() == [
        f"dossier: error: the editor '{missing}' ($EDITOR) was not found; nothing was written"
    ]
    assert file_hash(seed_db) == before


def test_a_read_only_dossier_keeps_the_text_and_says_why(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only files")  # pragma: no cover
    editor = write_editor(tmp_path, "ed", replacing("speaker_" + OLD_ROLE, "speaker_" + NEW_ROLE))
    monkeypatch.setenv("EDITOR", str(editor))
    seed_db.chmod(0o444)
    code, output = _edit(runner, seed_db)
    assert code == 1
    assert "is read-only" in output and "your text is kept in" in output
    kept = Path(output.strip().rsplit("your text is kept in ", 1)[1])
    assert NEW_ROLE in kept.read_text(encoding="utf-8")


def test_history_lists_edits_and_imports_and_revert_undoes_one(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", str(write_editor(tmp_path, "ed", ROLE_CHANGE)))
    assert _edit(runner, seed_db)[0] == 0
    bundle = tmp_path / "more.yaml"
    bundle.write_text(
        "statements:\n  - {slug: zakharova-aardvark, speaker: zakharova, text: An aardvark., said: '2021-12-05'}\n",
        encoding="utf-8",
    )
    assert runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)]).exit_code == 0
    result = runner.invoke(main, ["history", "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[0] == "2" and "import" in lines[0]
    assert "statements +1" in lines[0] and str(bundle) in lines[0]
    assert lines[1].split()[0] == "1" and "edit" in lines[1] and f"statement/{STATEMENT}" in lines[1]
    result = runner.invoke(main, ["revert", "1", "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert f"statement/{STATEMENT} (edit 3)" in result.output
    assert _role(seed_db) == "Russia's Deputy Foreign Minister"
    newest = runner.invoke(main, ["history", "--db", str(seed_db), "--limit", "1"]).output
    assert "revert" in newest and "reverts edit 1" in newest
    # An import cannot be reverted; a revert of a revert puts the edit back.
    refused = runner.invoke(main, ["revert", "2", "--db", str(seed_db)])
    assert refused.exit_code == 1 and "is an import" in refused.output
    assert runner.invoke(main, ["revert", "3", "--db", str(seed_db)]).exit_code == 0
    assert _role(seed_db) == "Deputy Minister of Foreign Affairs"


def test_revert_is_refused_when_the_entity_changed_since(
    seed_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", str(write_editor(tmp_path, "ed", ROLE_CHANGE)))
    assert _edit(runner, seed_db)[0] == 0
    monkeypatch.setenv("EDITOR", str(write_editor(tmp_path, "ed3", replacing("kind: quote", "kind: paraphrase"))))
    assert _edit(runner, seed_db)[0] == 0
    before = file_hash(seed_db)
    result = runner.invoke(main, ["revert", "1", "--db", str(seed_db)])
    assert result.exit_code == 1
    assert f"statement/{STATEMENT} changed after edit 1; revert the later edits first" in result.output
    assert file_hash(seed_db) == before
    missing = runner.invoke(main, ["revert", "99", "--db", str(seed_db)])
    assert missing.exit_code == 1 and "no edit 99" in missing.output


def test_history_of_an_untouched_dossier(seed_db: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["history", "--db", str(seed_db)])
    assert result.exit_code == 0 and result.output == "no edits recorded\n"

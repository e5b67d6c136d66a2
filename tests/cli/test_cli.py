"""The command line through click's CliRunner: exit codes, one-line errors, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import __version__
from dossier.cli import main
from tests.conftest import file_hash

COMMANDS = ["browse", "init", "import", "export", "show", "search"]


def test_version_and_help(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    for command in COMMANDS:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_init_export_show_on_a_new_file(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = runner.invoke(main, ["init", str(db)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["export", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["dossier"]["title"] == "US-Russia diplomat expulsions, 2021"
    result = runner.invoke(main, ["show", "zakharova", "--db", str(db)])
    assert result.exit_code == 0
    assert "“We regard the US demand as an expulsion and will respond accordingly.”" in result.output


def test_init_refuses_to_overwrite(runner: CliRunner, seed_db: Path) -> None:
    before = file_hash(seed_db)
    result = runner.invoke(main, ["init", str(seed_db)])
    assert result.exit_code == 1
    assert "already exists" in result.output and "Traceback" not in result.output
    assert file_hash(seed_db) == before
    assert runner.invoke(main, ["init", str(seed_db), "--empty", "--force"]).exit_code == 0


def test_show_a_measure_with_consequences_and_links(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(main, ["show", "measure/russia-orders-us-diplomats-out", "--db", str(seed_db)])
    assert result.exit_code == 0
    assert "Answers:" in result.output and "us-expels-27-russian-diplomats" in result.output
    assert "2022-01-31" in result.output and "(conditional)" in result.output


def test_show_unknown_ref_is_one_line(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(main, ["show", "nobody", "--db", str(seed_db)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "nothing with that slug" in result.output


@pytest.mark.parametrize("command", [["browse", "{p}"], ["show", "x", "--db", "{p}"], ["export", "--db", "{p}"]])
def test_missing_database_is_an_error_and_not_created(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.db"
    result = runner.invoke(main, [part.format(p=missing) for part in command])
    assert result.exit_code == 1
    assert "no such file" in result.output and "Traceback" not in result.output
    assert not missing.exists()


def test_browse_refuses_a_file_that_is_not_a_dossier(runner: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = runner.invoke(main, ["browse", str(junk)])
    assert result.exit_code == 1 and "not an SQLite database" in result.output


def test_import_of_a_broken_bundle_lists_every_problem(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "broken.yaml"
    bundle.write_text(
        "actors:\n  - {slug: a, name: A, kind: alien}\n"
        "statements:\n  - {slug: s, speaker: zakharova, text: hi, said: someday}\n",
        encoding="utf-8",
    )
    before = file_hash(seed_db)
    result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    assert result.exit_code == 1
    assert f"{bundle}:2: actors.0.kind:" in result.output
    assert f"{bundle}:4: statements.0.said:" in result.output
    assert "refused: 2 problems; nothing was written" in result.output
    assert "Traceback" not in result.output
    assert file_hash(seed_db) == before


def test_import_then_show(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "more.json"
    bundle.write_text(
        json.dumps({"statements": [{"slug": "new-q", "speaker": "lavrov", "text": "A new [quote]."}]}),
        encoding="utf-8",
    )
    result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    assert result.exit_code == 0 and "statements +1" in result.output
    result = runner.invoke(main, ["show", "new-q", "--db", str(seed_db)])
    assert "A new [quote]." in result.output and "Sergey Lavrov" in result.output


def test_export_markdown_to_a_file(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "dossier.md"
    result = runner.invoke(main, ["export", "--db", str(seed_db), "--format", "markdown", "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# US-Russia diplomat expulsions, 2021")
    for heading in ("## Actors", "## Measures", "## Sources", "### Maria Zakharova", "Answers:"):
        assert heading in text


def test_default_dossier_is_built_on_first_use(runner: CliRunner, tmp_path: Path) -> None:
    default = tmp_path / "default" / "default.db"
    assert not default.exists()
    result = runner.invoke(main, ["show", "ryabkov"])
    assert result.exit_code == 0 and "Sergei Ryabkov" in result.output
    assert default.exists()


def test_show_cleans_terminal_escapes(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evil.yaml"
    bundle.write_text(
        'statements:\n  - {slug: evil, speaker: lavrov, text: "a\\e]0;pwned\\abc\\e[31mred"}\n', encoding="utf-8"
    )
    assert runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)]).exit_code == 0
    result = runner.invoke(main, ["show", "evil", "--db", str(seed_db)])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "abcred" in result.output

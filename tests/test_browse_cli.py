"""`dossier browse` refuses a bad REF or file with one line, before any screen starts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dossier.cli import main


def test_browse_refuses_an_unknown_ref_in_one_line(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(main, ["browse", str(seed_db), "actor/nobody"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"dossier: error: 'actor/nobody': nothing with that slug in {seed_db.name}"
    ]


def test_browse_refuses_a_missing_file_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["browse", str(tmp_path / "missing.db"), "zakharova"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "no such file" in result.output
    assert not (tmp_path / "missing.db").exists()

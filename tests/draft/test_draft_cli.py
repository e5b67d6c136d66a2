"""`dossier draft` on the command line: output, bad input, and a dossier that is never written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dossier.cli import main
from tests.conftest import ARTICLE, file_hash


def draft(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["draft", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_draft_goes_to_stdout_and_a_summary_to_stderr(runner: CliRunner, empty_db: Path) -> None:
    code, out, err = draft(runner, str(ARTICLE), "--db", str(empty_db))
    assert code == 0, err
    data = yaml.safe_load(out)
    assert len(data["statements"]) == 13
    assert "# from: “We regard the US demand as an expulsion" in out
    assert "# confidence: high" in out
    assert err.startswith("drafted 1 article: 5 quotes, 8 paraphrases")


def test_without_db_the_default_dossier_is_used(runner: CliRunner) -> None:
    code, out, err = draft(runner, str(ARTICLE))
    assert code == 0, err
    assert "already in the dossier" in err and "13 already in the dossier" in err


def test_several_articles_make_one_draft(runner: CliRunner, empty_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Talks\ndate 2022-03-24\n\n“We will respond,” Maria Zakharova said.\n", encoding="utf-8")
    out = tmp_path / "d.yaml"
    code, _, err = draft(runner, str(ARTICLE), str(other), "--db", str(empty_db), "-o", str(out))
    assert code == 0, err
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(data["sources"]) == 2
    assert sum(1 for a in data["actors"] if a["name"] == "Maria Zakharova") == 1  # one actor across articles
    assert runner.invoke(main, ["import", str(out), "--db", str(empty_db)]).exit_code == 0


def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n   \n", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text("“We will respond,” Lavrov said. " * 330_000, encoding="utf-8")  # ~10 MB
    russian = tmp_path / "ru.txt"
    russian.write_text(
        "Захарова заявила, что Россия ответит.\n\n«Мы ответим на это», — сказала Мария Захарова.\n", encoding="utf-8"
    )
    return {
        "binary": binary,
        "empty": empty,
        "blank": blank,
        "huge": huge,
        "russian": russian,
        "missing": tmp_path / "nope.txt",
        "directory": tmp_path,
    }


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("binary", "a binary file"),
        ("empty", "empty file"),
        ("blank", "empty file"),
        ("huge", "too big for a news article"),
        ("russian", "does not look like English"),
        ("missing", "no such file"),
        ("directory", "a directory"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    runner: CliRunner, seed_db: Path, tmp_path: Path, case: str, reason: str
) -> None:
    path = bad_inputs(tmp_path)[case]
    before = file_hash(seed_db)
    out = tmp_path / "draft.yaml"
    code, stdout, err = draft(runner, str(path), "--db", str(seed_db), "-o", str(out))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("dossier: error: ") and reason in err
    assert "Traceback" not in err and stdout == ""
    assert not out.exists()
    assert file_hash(seed_db) == before


def test_an_article_with_no_quotes_is_an_empty_draft(runner: CliRunner, empty_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        "Talks\n\nThe talks went on for a week in Geneva and ended without a statement.\n", encoding="utf-8"
    )
    out = tmp_path / "d.yaml"
    code, _, err = draft(runner, str(path), "--db", str(empty_db), "-o", str(out))
    assert code == 0
    assert "no quotes or paraphrases found" in err
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["statements"] == []
    assert runner.invoke(main, ["import", str(out), "--db", str(empty_db)]).exit_code == 0


def test_the_dossier_is_only_read(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    before = file_hash(seed_db)
    code, _, err = draft(runner, str(ARTICLE), "--db", str(seed_db), "-o", str(tmp_path / "d.yaml"))
    assert code == 0, err
    assert file_hash(seed_db) == before


def test_the_draft_is_never_written_over_the_dossier(runner: CliRunner, seed_db: Path) -> None:
    before = file_hash(seed_db)
    code, _, err = draft(runner, str(ARTICLE), "--db", str(seed_db), "-o", str(seed_db))
    assert code == 1 and "that is the dossier itself" in err
    assert file_hash(seed_db) == before


def test_a_db_that_does_not_exist_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = draft(runner, str(ARTICLE), "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no such file" in err
    assert not (tmp_path / "none.db").exists()


def test_a_db_that_is_not_a_dossier_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    fake = tmp_path / "fake.db"
    fake.write_text("not a database", encoding="utf-8")
    code, _, err = draft(runner, str(ARTICLE), "--db", str(fake))
    assert code == 1 and err.startswith("dossier: error: ") and "Traceback" not in err


def test_hostile_text_still_makes_a_valid_bundle(runner: CliRunner, empty_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(
        "Title \x1b[31mred\x1b[0m\n\n"
        "“We will respond\u2028# not: a key\x85 -- now,” Russian Foreign Minister Sergey Lavrov said. "
        "“Second \u202eevil\u202c part: yes, no,” he added.\n\n"
        "“A quote with # and : and 'marks'\ttab,” Lavrov said.\n",
        encoding="utf-8",
    )
    out = tmp_path / "d.yaml"
    code, _, err = draft(runner, str(path), "--db", str(empty_db), "-o", str(out))
    assert code == 0, err
    result = runner.invoke(main, ["import", str(out), "--db", str(empty_db)])
    assert result.exit_code == 0, result.output


def test_the_command_line_does_not_load_the_drafting_rules_at_start_up() -> None:
    code = "import sys, dossier.cli; print('dossier.draft' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

"""`dossier browse` refuses a bad REF or file with one line, before any screen starts, with or without the parser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
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


# --------------------------------------------------------------------------- the way in without the parser

_HEAVY = ("click", "pydantic", "yaml", "dossier.models", "dossier.bundle", "dossier.importer")
"""What the browser's start must not import: the parser, the bundle models and reader, the importer."""


def _launch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m dossier ARGS` as a user runs it, reporting which heavy modules it loaded on the way."""
    code = (
        "import sys, atexit\n"
        f"atexit.register(lambda: print('loaded:', *[m for m in {_HEAVY!r} if m in sys.modules], file=sys.stderr))\n"
        "import runpy\n"
        "runpy.run_module('dossier', run_name='__main__', alter_sys=True)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def _split(stderr: str) -> tuple[list[str], list[str]]:
    lines = stderr.strip().splitlines()
    loaded = [line for line in lines if line.startswith("loaded:")]
    assert len(loaded) == 1, stderr
    return [line for line in lines if not line.startswith("loaded:")], loaded[0].split()[1:]


@pytest.mark.parametrize("case", ["missing", "bad ref", "not a database"])
def test_browse_without_the_parser_says_what_the_command_line_says(
    case: str, runner: CliRunner, seed_db: Path, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all\n" * 10)
    args = {
        "missing": ["browse", str(tmp_path / "missing.db")],
        "bad ref": ["browse", str(seed_db), "actor/nobody"],
        "not a database": ["browse", str(garbage), "zakharova"],
    }[case]
    before = {p: p.read_bytes() for p in (seed_db, garbage)}
    direct = _launch(*args)
    parsed = runner.invoke(main, args)
    lines, loaded = _split(direct.stderr)
    assert direct.returncode == parsed.exit_code
    assert lines == parsed.output.strip().splitlines()
    assert direct.returncode == 1 and len(lines) == 1 and lines[0].startswith("dossier: error: ")
    assert loaded == [], f"the browser's way in loaded {loaded}"
    assert {p: p.read_bytes() for p in before} == before
    assert not (tmp_path / "missing.db").exists()


def test_options_and_other_commands_still_go_through_the_parser(seed_db: Path) -> None:
    shown = _launch("show", "zakharova", "--db", str(seed_db))
    assert shown.returncode == 0 and "Zakharova" in shown.stdout
    assert "click" in _split(shown.stderr)[1]
    helped = _launch("browse", "--help")
    assert helped.returncode == 0 and "REF" in helped.stdout
    assert "click" in _split(helped.stderr)[1]


def test_the_browser_imports_neither_the_parser_nor_the_bundle_models() -> None:
    code = (
        "import sys\n"
        "import dossier.launch, dossier.store, dossier.app, dossier.screens.browse, dossier.widgets.detail\n"
        f"print(*[m for m in {_HEAVY!r} if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == []

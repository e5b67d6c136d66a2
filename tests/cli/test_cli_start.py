"""What the questions asked on the command line load and check before they answer.

`dossier show|chain|timeline|relations|search|history` import click and the
store, never the browser (Textual, Rich), the bundle models (pydantic, YAML),
the importer, the editor's grammar or the draft package: each of those costs
a command tens of milliseconds of start-up. And they look for damage in a
small file only: on a big one the check stops at its time limit having read a
part of the file, which was half of what a command took on 10M statements.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import opening
from dossier.cli import main
from dossier.store import connection as store_connection
from tests.conftest import page_of

HEAVY = (
    "textual",
    "rich",
    "pydantic",
    "yaml",
    "sqlite_utils",
    "tree_sitter",
    "tree_sitter_yaml",
    "anyascii",
    "importlib.resources",
    "dossier.app",
    "dossier.models",
    "dossier.bundle",
    "dossier.importer",
    "dossier.capture",
    "dossier.draft",
    "dossier.notebook",
)
"""What a question on the command line must not import (anyascii and importlib.resources: not for an ASCII search)."""


def _loaded(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`python -m dossier ARGS` in a fresh interpreter, and which of `HEAVY` it had imported when it ended."""
    code = (
        "import sys, atexit\n"
        f"atexit.register(lambda: print('loaded:', *[m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr))\n"
        "import runpy\n"
        "runpy.run_module('dossier', run_name='__main__', alter_sys=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DOSSIER_NOTEBOOK": "off"},
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("loaded:")]
    assert len(lines) == 1, done.stderr
    return done, lines[0].split()[1:]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["relations", "--help"],
        ["show", "zakharova"],
        ["show", "actor/nobody"],  # the one-line refusal loads nothing more
        ["chain", "measure/us-expels-27-russian-diplomats"],
        ["timeline", "--actor", "zakharova", "--limit", "5"],
        ["relations", "--limit", "5"],
        ["relations", "--json"],
        ["search", "ultimatum"],
        ["search", "--json", "diplomats", "--kind", "statement"],
        ["history"],
    ],
    ids=lambda args: " ".join(args),
)
def test_a_question_loads_only_click_and_the_store(seed_db: Path, args: list[str]) -> None:
    refused = "actor/nobody" in args
    done, loaded = _loaded(*args, *([] if "--help" in args else ["--db", str(seed_db)]))
    assert done.returncode == (1 if refused else 0), done.stderr
    assert bool(done.stdout) != refused
    assert loaded == [], f"`dossier {' '.join(args)}` imported {loaded}"


def test_the_help_still_lists_every_command() -> None:
    done, _ = _loaded("--help")
    listed = done.stdout.split("Commands:")[1]
    for name in main.commands:  # type: ignore[attr-defined]
        assert f"\n  {name} " in listed, name


def test_a_search_in_another_script_still_transliterates(seed_db: Path) -> None:
    done, loaded = _loaded("search", "Захарова", "--db", str(seed_db))
    assert done.returncode == 0 and "zakharova" in done.stdout
    assert "anyascii" in loaded  # loaded when a query needs it, not before


@pytest.mark.parametrize("command", [["show", "zakharova"], ["relations"], ["search", "ultimatum"], ["history"]])
def test_a_question_checks_a_small_file_for_damage_and_a_big_one_not(
    runner: CliRunner, seed_db: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    checked: list[Path] = []

    def check(conn: object, path: Path, seconds: float) -> bool:
        checked.append(path)
        return True

    monkeypatch.setattr(store_connection, "quick_check", check)
    result = runner.invoke(main, [*command, "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert checked == [seed_db]  # the seed is far under BROWSE_CHECK_BYTES: checked whole before the answer
    checked.clear()
    monkeypatch.setattr("dossier.store.BROWSE_CHECK_BYTES", seed_db.stat().st_size - 1)
    big = runner.invoke(main, [*command, "--db", str(seed_db)])
    assert big.exit_code == 0, big.output
    assert checked == []
    assert big.output == result.output
    assert opening.checked_before(seed_db) is False


def test_damage_met_in_a_big_file_is_still_one_line(
    runner: CliRunner, seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, size = page_of(seed_db, "statements")
    data = bytearray(seed_db.read_bytes())
    data[(root - 1) * size : root * size] = bytes(range(256)) * (size // 256)
    seed_db.write_bytes(bytes(data))
    monkeypatch.setattr("dossier.store.BROWSE_CHECK_BYTES", 0)  # "big": not checked before the answer
    result = runner.invoke(main, ["timeline", "--actor", "zakharova", "--db", str(seed_db)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"dossier: error: {seed_db}: is damaged"), result.output


def test_a_json_lines_export_loads_neither_pydantic_nor_the_bundle_models(seed_db: Path, tmp_path: Path) -> None:
    """`export --format jsonl` writes from the store's rows (`dossier.jsonl_write`): ~0.16 s less start-up."""
    out = tmp_path / "out.jsonl"
    done, loaded = _loaded("export", "--format", "jsonl", "-o", str(out), "--db", str(seed_db))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith('{"type":"dossier"')
    assert not {"pydantic", "yaml", "dossier.models", "dossier.bundle"} & set(loaded), loaded

"""The CLI's last guard: an unexpected exception is one line and exit 1; `--debug` shows the traceback."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.store import Store


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom\x1b]0;pwned\x07\nsecond line of the message")


@pytest.mark.parametrize(
    ("method", "args"),
    [("resolve", ["show", "zakharova"]), ("export_bundle", ["export"])],
)
def test_an_unexpected_exception_is_one_line(
    runner: CliRunner, seed_db: Path, monkeypatch: pytest.MonkeyPatch, method: str, args: list[str]
) -> None:
    monkeypatch.setattr(Store, method, _explode)
    result = runner.invoke(main, [*args, "--db", str(seed_db)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.output == "dossier: error: unexpected RuntimeError: boom\\x1b]0;pwned\\x07 (run with --debug)\n"


def test_debug_shows_the_traceback(runner: CliRunner, seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "resolve", _explode)
    result = runner.invoke(main, ["--debug", "show", "zakharova", "--db", str(seed_db)])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)  # not caught: Python prints its traceback
    assert result.exc_info is not None
    shown = "".join(traceback.format_exception(*result.exc_info))
    assert "Traceback (most recent call last)" in shown and "in _explode" in shown


def test_debug_also_raises_expected_errors(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["--debug", "show", "x", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no such file" in result.output  # a bad path is a UserError either way
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database")
    result = runner.invoke(main, ["--debug", "show", "x", "--db", str(junk)])
    assert type(result.exception).__name__ == "StoreError"


def test_error_lines_are_printable_whatever_the_path(runner: CliRunner, tmp_path: Path) -> None:
    odd = tmp_path / "new\nline\x1b[2J.db"
    result = runner.invoke(main, ["show", "x", "--db", str(odd)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "\x1b" not in result.output
    assert "new\\nline\\x1b[2J.db: no such file" in result.output

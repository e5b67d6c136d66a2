"""A test that needs Chromium: it fails under CI=true when Chromium is missing, and skips with the reason elsewhere."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests import needs


def fake_program(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def test_chromium_missing_under_ci_fails_with_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        needs.chromium("for a test", {"CI": "true", "PATH": str(tmp_path)})
    assert "Chromium is missing and CI=true (for a test)" in str(failed.value)
    assert "apt-get install chromium" in str(failed.value)


def test_chromium_missing_on_a_laptop_skips_and_says_why(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception) as skipped:
        needs.chromium("for a test", {"PATH": str(tmp_path)})
    assert "Chromium is missing (for a test)" in str(skipped.value)
    assert "apt-get install chromium" in str(skipped.value) and "CI=true" in str(skipped.value)


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_ci_is_recognised(value: str) -> None:
    assert needs.in_ci({"CI": value})


@pytest.mark.parametrize("value", ["", "false", "0"])
def test_not_ci(value: str) -> None:
    assert not needs.in_ci({"CI": value})


def test_chromium_on_path_is_found(tmp_path: Path) -> None:
    program = fake_program(tmp_path / "bin", "chromium")
    path = f"{tmp_path / 'empty'}{os.pathsep}{program.parent}"
    assert needs.chromium("for a test", {"CI": "true", "PATH": path}) == program

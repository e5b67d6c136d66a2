"""Which Python 3.11 `make` builds `.venv` with: the quickest on the PATH, timed by the Makefile's own loop.

Each test runs the real Makefile (`make --eval` prints `$(PYTHON)`) with a PATH
of directories made here: virtual environments of this interpreter, one slowed
by a profile hook every Python call passes through and one that cannot make a
venv (a `.pth` line each, run at start-up as any site hook is); a stand-in
`python3.11` that fails; and the three programs the Makefile's pipeline runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = "show-python: ; $(info [$(PYTHON)])"


def tools(where: Path) -> Path:
    """A directory holding only the programs the Makefile's pipeline runs besides the candidates."""
    where.mkdir(parents=True, exist_ok=True)
    for name in ("sort", "head", "cut"):
        found = shutil.which(name)
        assert found is not None, f"{name} is needed by the Makefile"
        (where / name).symlink_to(found)
    return where


def chosen(path: list[Path], python: str | None = None) -> str:
    make = shutil.which("make")
    assert make is not None, "make is needed to build .venv, and so to test how it picks Python"
    env = {**os.environ, "PATH": os.pathsep.join(str(p) for p in path)}
    env.pop("PYTHON", None)
    extra = [f"PYTHON={python}"] if python else []
    done = subprocess.run(
        [make, "--no-print-directory", "-C", str(ROOT), "--eval", SHOW, *extra, "show-python"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = done.stdout.splitlines()[0].strip()  # then make's "Nothing to be done"
    assert line.startswith("[") and line.endswith("]"), done.stdout
    return line[1:-1].strip()


def environment(where: Path, hook: str = "") -> Path:
    """A virtual environment of this interpreter, without pip, with `hook` run at its start; its bin directory."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=60)
    if hook:
        (site,) = where.glob("lib/python3.*/site-packages")
        (site / "zz_hook.pth").write_text(f"import sys; {hook}\n")
    return where / "bin"


def stand_in(where: Path, name: str, body: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    script = where / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return where


@pytest.fixture(scope="module")
def pythons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`quick`; `slow`, whose every Python call passes a profile hook; `no_venv`, as quick but unable to make a venv."""
    base = tmp_path_factory.mktemp("pythons")
    return {
        "quick": environment(base / "quick"),
        "slow": environment(base / "slow", "sys.setprofile(lambda *event: None)"),
        "no_venv": environment(base / "no_venv", "sys.modules['ensurepip'] = None"),
        "tools": tools(base / "tools"),
    }


def test_the_quicker_python_is_chosen_wherever_it_stands_on_the_path(pythons: dict[str, Path]) -> None:
    quick, slow, path_tools = pythons["quick"], pythons["slow"], pythons["tools"]
    assert Path(chosen([slow, quick, path_tools])).parent == quick
    assert Path(chosen([quick, slow, path_tools])).parent == quick


def test_a_python_that_cannot_make_a_venv_or_does_not_run_is_passed_over(
    pythons: dict[str, Path], tmp_path: Path
) -> None:
    failing = stand_in(tmp_path / "failing", "python3.11", "exit 1")
    # no_venv is as quick as quick, so quicker than slow: only its missing ensurepip keeps it out
    assert Path(chosen([failing, pythons["no_venv"], pythons["slow"], pythons["tools"]])).parent == pythons["slow"]


def test_with_no_python_that_can_make_a_venv_the_first_python3_11_is_named(
    pythons: dict[str, Path], tmp_path: Path
) -> None:
    failing = stand_in(tmp_path / "failing", "python3.11", "exit 1")
    assert chosen([failing, pythons["no_venv"], pythons["tools"]]) == str(failing / "python3.11")


def test_a_python_named_on_the_command_line_is_used_as_named(pythons: dict[str, Path]) -> None:
    assert chosen([pythons["quick"], pythons["tools"]], python=str(pythons["slow"] / "python3")) == str(
        pythons["slow"] / "python3"
    )

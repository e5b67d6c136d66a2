"""A full disk: `dossier import`, `init` and `export -o` give one line and leave every file as it was.

Two ways to run out of space, each met for real by the `dossier` command as a process:

* a file-size limit (`RLIMIT_FSIZE`, with SIGXFSZ ignored so that the write
  fails with EFBIG instead of killing the process): SQLite reports it as
  `SQLITE_IOERR_WRITE`, Python as `OSError` (File too large);
* a small filesystem (a tmpfs of 2 MiB, mounted in a mount namespace of its
  own by `tests/faults/on_tmpfs.py`, so nothing stays mounted): ENOSPC,
  which SQLite reports as `SQLITE_FULL`.

The limits are put at several distances from the file's size, so that the
write fails in the journal, in the file while it grows, or at COMMIT.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.generate import generate

from ..conftest import file_hash
from .killing import bulk_bundle, dossier_argv, export_json, hot_journal

ROOT = Path(__file__).resolve().parents[2]


def _limited(size: int) -> Callable[[], None]:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not death (Python ignores it too, but say so)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def _dossier(*args: str, limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(dossier_argv(*args), capture_output=True, text=True, preexec_fn=_limited(limit))


def _one_line(done: subprocess.CompletedProcess[str], path: Path, *words: str) -> None:
    """Exit 1, nothing on stdout, one line on stderr naming `path`, with one of `words` in it."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"dossier: error: {path}"), done.stderr
    assert "Traceback" not in done.stderr and any(word in done.stderr for word in words), done.stderr


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle of 6,000 statements (~2 MiB of JSON): it grows any dossier by megabytes."""
    return bulk_bundle(tmp_path_factory.mktemp("full"), statements=6000)


@pytest.mark.parametrize("room", [0, 4096, 64 * 1024, 1024 * 1024])
@pytest.mark.parametrize("base", ["seed_db", "empty_db"])
def test_an_import_over_a_file_size_limit_leaves_the_file_as_it_was(
    bundle: Path, base: str, room: int, request: pytest.FixtureRequest
) -> None:
    db: Path = request.getfixturevalue(base)
    before, exported = file_hash(db), export_json(db)
    done = _dossier("import", str(bundle), "--db", str(db), limit=db.stat().st_size + room)
    _one_line(done, db, "cannot be written", "the disk is full")
    assert not hot_journal(db)
    assert file_hash(db) == before
    assert export_json(db) == exported


def test_init_over_a_file_size_limit_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    for limit in (0, 8192, 100 * 1024):
        done = _dossier("init", str(target), limit=limit)
        _one_line(done, target, "cannot be written", "the disk is full", "File too large")
        assert list(tmp_path.iterdir()) == []


def test_init_force_over_a_file_size_limit_keeps_the_old_file(seed_db: Path, empty_db: Path) -> None:
    before = file_hash(empty_db)
    done = _dossier("init", str(empty_db), "--force", limit=100 * 1024)
    _one_line(done, empty_db, "cannot be written", "the disk is full", "File too large")
    assert file_hash(empty_db) == before
    assert sorted(p.name for p in empty_db.parent.iterdir()) == sorted([empty_db.name, seed_db.name])


def test_export_over_a_file_size_limit_leaves_no_half_written_file(seed_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "dossier.json"
    out.parent.mkdir()
    done = _dossier("export", "--db", str(seed_db), "--format", "json", "-o", str(out), limit=4096)
    _one_line(done, out, "File too large")
    assert list(out.parent.iterdir()) == []
    out.write_text("the old export\n", encoding="utf-8")  # an existing file is not touched either
    done = _dossier("export", "--db", str(seed_db), "--format", "yaml", "-o", str(out), limit=4096)
    _one_line(done, out, "File too large")
    assert out.read_text(encoding="utf-8") == "the old export\n"
    assert [p.name for p in out.parent.iterdir()] == [out.name]


# --------------------------------------------------------------------------- a small filesystem


def _on_tmpfs(*args: str) -> dict[str, object]:
    """Run `tests/faults/on_tmpfs.py` in a mount namespace of its own, on a fresh 2 MiB tmpfs.

    Needs `unshare` and the right to make user and mount namespaces (root, or
    a kernel that lets users make them). Where that is missing the test is
    skipped, except under CI=true, where it fails.
    """
    unshare = shutil.which("unshare")
    argv = [
        *([unshare, "--user", "--map-root-user", "--mount"] if unshare else []),
        sys.executable,
        "-m",
        "tests.faults.on_tmpfs",
        *args,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env) if unshare else None
    if done is None or done.returncode != 0 or not done.stdout.strip():
        reason = "no unshare" if done is None else done.stderr.strip()[-300:] or f"exit {done.returncode}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a small tmpfs in a namespace: {reason}")
        pytest.skip(f"cannot mount a small tmpfs in a namespace: {reason}")
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_an_import_onto_a_full_filesystem_is_one_line_and_changes_nothing(seed_db: Path, bundle: Path) -> None:
    result = _on_tmpfs("import", str(seed_db), str(bundle))
    assert result["status"] == 1, result
    assert result["stderr"] == f"dossier: error: {result['db']}: the disk is full\n", result
    assert result["hash_before"] == result["hash_after"]
    assert result["hot_journal"] is False and result["integrity"] == "ok"


def test_init_and_export_onto_a_full_filesystem_leave_nothing_behind(seed_db: Path) -> None:
    result = _on_tmpfs("init-export", str(seed_db))
    for step in ("init", "export"):
        outcome = result[step]
        assert isinstance(outcome, dict)
        assert outcome["status"] == 1, outcome
        stderr = str(outcome["stderr"])
        assert stderr.count("\n") == 1 and stderr.startswith(f"dossier: error: {outcome['target']}"), stderr
        assert "Traceback" not in stderr and ("disk is full" in stderr or "No space left" in stderr), stderr
        assert outcome["left"] == ["filler"], outcome


# --------------------------------------------------------------------------- JSON Lines: streamed, the same promise


@pytest.fixture(scope="module")
def jsonl_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6,000 generated statements as a JSON Lines bundle (`dossier export --format jsonl`)."""
    folder = tmp_path_factory.mktemp("full-jsonl")
    generate(folder / "generated.db", statements=6000, seed=0)
    out = folder / "bulk.jsonl"
    args = ["export", "--db", str(folder / "generated.db"), "--format", "jsonl", "-o", str(out)]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    return out


@pytest.mark.parametrize("room", [0, 64 * 1024, 1024 * 1024])
@pytest.mark.parametrize("base", ["seed_db", "empty_db"])
def test_a_json_lines_import_over_a_file_size_limit_leaves_the_file_as_it_was(
    jsonl_bundle: Path, base: str, room: int, request: pytest.FixtureRequest
) -> None:
    db: Path = request.getfixturevalue(base)
    before, exported = file_hash(db), export_json(db)
    done = _dossier("import", str(jsonl_bundle), "--db", str(db), limit=db.stat().st_size + room)
    _one_line(done, db, "cannot be written", "the disk is full")
    assert not hot_journal(db)
    assert file_hash(db) == before
    assert export_json(db) == exported


def test_a_json_lines_import_onto_a_full_filesystem_changes_nothing(seed_db: Path, jsonl_bundle: Path) -> None:
    result = _on_tmpfs("import", str(seed_db), str(jsonl_bundle))
    assert result["status"] == 1, result
    assert result["stderr"] == f"dossier: error: {result['db']}: the disk is full\n", result
    assert result["hash_before"] == result["hash_after"]
    assert result["hot_journal"] is False and result["integrity"] == "ok"


def test_a_json_lines_export_over_a_file_size_limit_leaves_no_half_written_file(seed_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "dossier.jsonl"
    out.parent.mkdir()
    out.write_text("the old export\n", encoding="utf-8")
    done = _dossier("export", "--db", str(seed_db), "--format", "jsonl", "-o", str(out), limit=4096)
    _one_line(done, out, "File too large")
    assert out.read_text(encoding="utf-8") == "the old export\n"
    assert [p.name for p in out.parent.iterdir()] == [out.name]

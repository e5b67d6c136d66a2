"""Two writers at once, and readers beside them: one writer waits (bounded) or gets a one-line "busy".

Nothing a finished import wrote is lost; a store opened as the browser opens
it keeps reading while imports run, and sees their rows once they commit;
a store open while an import is killed -9 keeps reading too.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.store import Store, StoreError
from dossier.store import connection as store_module

from ..conftest import file_hash, read_rows
from .killing import dossier_argv, export_json, hot_journal, import_argv

BUSY = "is locked by another program"


def _bundle(folder: Path, tag: str, statements: int) -> Path:
    """New statements by the default dossier's speakers, and one new actor, all with slugs starting `tag`."""
    speakers = ["zakharova", "lavrov", "blinken", "ria"]
    bundle = {
        "actors": [{"slug": f"{tag}-writer", "name": f"Writer {tag}", "kind": "person"}],
        "statements": [
            {
                "slug": f"{tag}-{n:05}",
                "speaker": speakers[n % len(speakers)] if n % 5 else f"{tag}-writer",
                "text": f"Statement {n} of bundle {tag}: the embassy will answer in kind.",
                "said": f"2022-01-{n % 28 + 1:02}",
            }
            for n in range(statements)
        ],
    }
    path = folder / f"{tag}.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _count(db: Path, tag: str) -> int:
    (count,) = read_rows(db, f"SELECT count(*) FROM statements WHERE slug LIKE '{tag}-%'")[0]
    assert isinstance(count, int)
    return count


def _integrity(db: Path) -> str:
    return str(read_rows(db, "PRAGMA integrity_check")[0][0])


@pytest.fixture
def speakers_known(seed_db: Path) -> None:
    known = {slug for (slug,) in read_rows(seed_db, "SELECT slug FROM actors")}
    assert {"zakharova", "lavrov", "blinken", "ria"} <= known  # the bundles above lean on them


@pytest.mark.usefixtures("speakers_known")
def test_two_imports_at_once_both_land_or_one_says_busy(seed_db: Path, tmp_path: Path) -> None:
    bundles = {tag: _bundle(tmp_path, tag, 3000) for tag in ("alpha", "beta")}
    processes = {
        tag: subprocess.Popen(
            dossier_argv("import", str(bundle), "--db", str(seed_db)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag, bundle in bundles.items()
    }
    outcomes = {tag: (p.wait(timeout=120), *p.communicate()) for tag, p in processes.items()}
    for tag, (status, out, err) in outcomes.items():
        if status == 0:
            assert out.startswith("imported 1 bundle") and err == "", (out, err)
            assert _count(seed_db, tag) == 3000  # nothing it wrote was lost to the other
        else:
            assert status == 1 and err.count("\n") == 1 and BUSY in err and str(seed_db) in err, (status, err)
            assert _count(seed_db, tag) == 0
    assert any(status == 0 for status, _, _ in outcomes.values())
    assert _integrity(seed_db) == "ok"


@pytest.mark.usefixtures("speakers_known")
def test_an_import_waits_for_another_writer_then_writes(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "waiting", 50)
    other = sqlite3.connect(seed_db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another program's write in progress
    other.execute("INSERT INTO dossier_meta (key, value) VALUES ('other-writer', 'was here')")
    release = threading.Timer(0.5, other.execute, ("COMMIT",))
    release.start()
    try:
        result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    finally:
        release.join()
        other.close()
    assert result.exit_code == 0, result.output
    assert _count(seed_db, "waiting") == 50
    assert read_rows(seed_db, "SELECT value FROM dossier_meta WHERE key = 'other-writer'") == [("was here",)]


@pytest.mark.usefixtures("speakers_known")
def test_an_import_that_waits_too_long_says_busy_in_one_line(
    runner: CliRunner, seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "WRITE_BUSY_SECONDS", 0.2)  # the command waits 5 s
    bundle = _bundle(tmp_path, "late", 50)
    before = file_hash(seed_db)
    other = sqlite3.connect(seed_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"dossier: error: {seed_db}: {BUSY}"), result.output
    assert file_hash(seed_db) == before


def _read_like_the_browser(opened: Store, stop: threading.Event, errors: list[str]) -> Iterator[int]:
    """What the browser asks as the user moves: actors, a speaker's statements and detail, a search."""
    _, zakharova = opened.resolve("zakharova")
    while not stop.is_set():
        try:
            opened.actors_grouped(limit=100)
            opened.statements_page(zakharova, limit=50)
            opened.actor_detail(zakharova)
            opened.search_page("embassy", limit=20)
            yield 1
        except StoreError as exc:
            errors.append(str(exc))


@pytest.mark.usefixtures("speakers_known")
@pytest.mark.parametrize("statements", [300, 6000], ids=["incremental", "bulk"])
def test_an_open_store_keeps_reading_while_an_import_writes(seed_db: Path, tmp_path: Path, statements: int) -> None:
    bundle = _bundle(tmp_path, "during", statements)
    stop, errors, reads = threading.Event(), list[str](), [0]
    with Store.open(seed_db, check_seconds=0) as opened:  # as `dossier browse` opens it

        def loop() -> None:
            try:
                for _ in _read_like_the_browser(opened, stop, errors):
                    reads[0] += 1
            except Exception as exc:  # a bug in the reader itself: shown, not a silent thread death
                errors.append(repr(exc))

        reader = threading.Thread(target=loop)
        reader.start()
        try:
            done = subprocess.run(dossier_argv("import", str(bundle), "--db", str(seed_db)), capture_output=True)
        finally:
            stop.set()
            reader.join()
        assert done.returncode == 0, done.stderr
        assert errors == [] and reads[0] > 0
        assert opened.resolve(f"during-{statements - 1:05}")[0] == "statement"  # the new rows, same connection
        assert opened.search_page("embassy", limit=5).hits


@pytest.mark.usefixtures("speakers_known")
def test_an_open_store_keeps_reading_after_an_import_is_killed_mid_write(seed_db: Path, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "killed", 3000)
    before = export_json(seed_db)
    with Store.open(seed_db, check_seconds=0) as opened:
        actors = opened.actors_grouped(limit=100)
        argv = import_argv(seed_db, bundle, "small-cache", "precommit")
        assert subprocess.run(argv, capture_output=True).returncode < 0  # killed, changed pages in the file
        assert hot_journal(seed_db)
        assert opened.actors_grouped(limit=100) == actors  # rolled back, then read: no error shown
        with pytest.raises(StoreError, match="nothing with that slug"):
            opened.resolve("killed-00001")
    assert not hot_journal(seed_db)
    assert export_json(seed_db) == before

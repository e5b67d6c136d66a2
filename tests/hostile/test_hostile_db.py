"""Odd database files: each opens correctly or is refused in one line; browsing never changes a byte.

Tests run as root in CI, where chmod restricts nothing: what matters for
read-only files and directories is that browsing never tries to write
(`mode=ro`, `query_only`, `immutable` for WAL), which holds for root too.
Only the refusal to import into a read-only file needs a non-root user.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.schema import SCHEMA_VERSION
from dossier.store import Store, StoreError
from dossier.store import connection as store_connection
from tests.conftest import file_hash, page_of


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _refused(runner: CliRunner, path: Path, reason: str) -> None:
    """`show` and `export` both exit 1 with one line naming the file and the reason; nothing changes."""
    folder = path.parent
    before = (file_hash(path) if path.is_file() else None, _listing(folder))
    for args in (["show", "zakharova", "--db", str(path)], ["export", "--db", str(path)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
        assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
        assert result.output.startswith(f"dossier: error: {path}"), result.output
        assert reason in result.output, result.output
    assert (file_hash(path) if path.is_file() else None, _listing(folder)) == before


def _browse_everything(path: Path) -> None:
    with Store.open(path) as opened:
        opened.summary()
        actors = opened.actors_grouped(limit=1000)
        for actor in actors:
            opened.actor_detail(actor.id)
            opened.statements_page(actor.id, limit=50)
            for measure in opened.measures_page(actor.id, limit=100):
                opened.measure_detail(measure.id)
        opened.search_page("diplomats")
        opened.search_page("a", kind="actor")
        opened.export_bundle()


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A directory of its own (so listings see only the dossier), made writable again afterwards."""
    path = tmp_path / "dossiers"
    path.mkdir()
    yield path
    os.chmod(path, 0o755)
    for child in path.iterdir():
        if child.is_file():
            os.chmod(child, 0o644)


@pytest.fixture
def copy(seed_db: Path, folder: Path) -> Path:
    path = folder / "dossier.db"
    shutil.copyfile(seed_db, path)
    return path


# --------------------------------------------------------------------------- not a dossier at all


def test_missing_file_is_never_created(runner: CliRunner, folder: Path) -> None:
    _refused(runner, folder / "missing.db", "no such file")
    assert _listing(folder) == []


def test_directory(runner: CliRunner, folder: Path) -> None:
    (folder / "dir.db").mkdir()
    _refused(runner, folder / "dir.db", "is a directory")


def test_fifo_is_refused_without_blocking(runner: CliRunner, folder: Path) -> None:
    os.mkfifo(folder / "pipe.db")
    _refused(runner, folder / "pipe.db", "is not a regular file")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04 a zip file, not a database", "is not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x10\x00", "is truncated (18 bytes"),
    ],
)
def test_not_sqlite(runner: CliRunner, folder: Path, content: bytes, reason: str) -> None:
    path = folder / "x.db"
    path.write_bytes(content)
    _refused(runner, path, reason)


def test_truncated_in_half(runner: CliRunner, copy: Path) -> None:
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 2])
    _refused(runner, copy, f"is truncated ({len(data) // 2} of {len(data)} bytes)")


def test_bad_page_size_in_header(runner: CliRunner, copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    data[16:18] = (1000).to_bytes(2, "big")
    copy.write_bytes(bytes(data))
    _refused(runner, copy, "is damaged (its header gives a page size of 1000)")


def test_corrupt_page_of_a_table_is_found_on_open(runner: CliRunner, copy: Path) -> None:
    # The schema still reads; only quick_check can see that the statements' pages are garbage.
    root, size = page_of(copy, "statements")
    data = bytearray(copy.read_bytes())
    start = (root - 1) * size
    data[start : start + size] = bytes(range(256)) * (size // 256)
    copy.write_bytes(bytes(data))
    _refused(runner, copy, "is damaged")


def test_bytes_overwritten_in_the_middle(runner: CliRunner, copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xde\xad\xbe\xef" * 2048
    copy.write_bytes(bytes(data))
    _refused(runner, copy, "is damaged")


def test_a_check_cut_short_opens_with_a_warning(runner: CliRunner, copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real interrupt on a big file is measured in tests/bench; here, what the user sees.
    monkeypatch.setattr(store_connection, "quick_check", lambda conn, path, seconds: False)
    result = runner.invoke(main, ["show", "zakharova", "--db", str(copy)])
    assert result.exit_code == 0
    assert f"dossier: warning: {copy}: checked for damage for 0.25 s only" in result.output
    assert "Maria Zakharova" in result.output


def test_quick_check_of_a_healthy_file_is_complete(copy: Path) -> None:
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True, check_same_thread=False)
    try:
        assert store_connection.quick_check(conn, copy, 30.0) is True
        assert conn.execute("SELECT count(*) FROM actors").fetchone()[0] > 0  # no stray interrupt afterwards
    finally:
        conn.close()


# --------------------------------------------------------------------------- SQLite, but not this dossier


def _edit(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_newer_schema(runner: CliRunner, copy: Path) -> None:
    _edit(copy, "PRAGMA user_version = 9")
    _refused(runner, copy, f"has schema version 9, newer than this Dossier reads ({SCHEMA_VERSION}); upgrade Dossier")


def test_tables_without_a_schema_version(runner: CliRunner, copy: Path) -> None:
    _edit(copy, "PRAGMA user_version = 0")
    _refused(runner, copy, "has a dossier's tables but no schema version (user_version 0)")


def test_a_missing_table(runner: CliRunner, copy: Path) -> None:
    _edit(copy, "DROP TABLE event_actors")
    _refused(runner, copy, "is damaged or not a dossier (no table event_actors)")


def test_another_programs_database(runner: CliRunner, folder: Path) -> None:
    _edit(folder / "other.db", "CREATE TABLE notes (body TEXT)")
    _refused(runner, folder / "other.db", "is an SQLite database but not a dossier")


def test_text_that_is_not_utf8_is_shown_with_replacement_characters(copy: Path) -> None:
    _edit(copy, "UPDATE actors SET name = CAST(x'4d61726961ff' AS TEXT) WHERE slug = 'zakharova'")
    with Store.open(copy) as opened:
        names = [a.name for a in opened.actors_grouped(limit=1000)]
        assert "Maria\ufffd" in names
        assert opened.resolve("zakharova")[0] == "actor"  # and the next query reads normally


# --------------------------------------------------------------------------- locks, journals, WAL


def test_locked_by_a_writer(runner: CliRunner, copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_connection, "READ_BUSY_SECONDS", 0.1)
    monkeypatch.setattr(store_connection, "WRITE_BUSY_SECONDS", 0.1)
    writer = sqlite3.connect(copy, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="is locked by another program"):
            Store.open(copy)
        result = runner.invoke(main, ["show", "zakharova", "--db", str(copy)])
        assert result.exit_code == 1 and result.output.count("\n") == 1
        assert "is locked by another program" in result.output
        bundle = tmp_path / "b.yaml"
        bundle.write_text("actors:\n  - {slug: newcomer, name: New, kind: person}\n", encoding="utf-8")
        result = runner.invoke(main, ["import", str(bundle), "--db", str(copy)])
        assert result.exit_code == 1 and "is locked by another program" in result.output
        assert "Traceback" not in result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with Store.open(copy) as opened:  # once the lock is gone, it opens
        assert opened.resolve("zakharova")[0] == "actor"


def test_locked_while_open_is_a_store_error(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_connection, "READ_BUSY_SECONDS", 0.1)
    with Store.open(copy) as opened:
        opened.conn.execute("PRAGMA busy_timeout = 100")
        writer = sqlite3.connect(copy, isolation_level=None)
        writer.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreError, match="is locked by another program"):
                opened.actors_grouped(limit=5)
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert opened.actors_grouped(limit=5)


def test_a_hot_journal_is_rolled_back_when_the_file_is_next_opened(
    runner: CliRunner, copy: Path, tmp_path: Path
) -> None:
    before = file_hash(copy)
    # A writer that dies mid-transaction, after its changes reached the file.
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"UPDATE statements SET text = text || ' (altered)'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(copy)], check=True)
    assert (copy.parent / f"{copy.name}-journal").exists() and file_hash(copy) != before
    result = runner.invoke(main, ["show", "zakharova", "--db", str(copy)])  # no manual step first
    assert result.exit_code == 0 and "(altered)" not in result.output, result.output
    assert not (copy.parent / f"{copy.name}-journal").exists() and file_hash(copy) == before
    bundle = tmp_path / "b.yaml"
    bundle.write_text("actors:\n  - {slug: newcomer, name: New, kind: person}\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(bundle), "--db", str(copy)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["show", "zakharova", "--db", str(copy)])
    assert result.exit_code == 0 and "(altered)" not in result.output


def _to_wal(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def test_wal_file_without_shm_in_a_read_only_directory(runner: CliRunner, copy: Path, folder: Path) -> None:
    _to_wal(copy)
    before = file_hash(copy)
    os.chmod(copy, 0o444)
    os.chmod(folder, 0o555)
    _browse_everything(copy)
    result = runner.invoke(main, ["show", "zakharova", "--db", str(copy)])
    assert result.exit_code == 0 and "Maria Zakharova" in result.output
    assert _listing(folder) == ["dossier.db"]  # no -wal, no -shm left behind
    assert file_hash(copy) == before


def test_wal_file_with_a_live_writer_shows_its_changes(copy: Path) -> None:
    _to_wal(copy)
    writer = sqlite3.connect(copy, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE actors SET name = 'Maria Z.' WHERE slug = 'zakharova'")
        assert Path(f"{copy}-wal").stat().st_size > 0
        with Store.open(copy) as opened:
            _, actor_id = opened.resolve("zakharova")
            assert opened.actor(actor_id).name == "Maria Z."  # read through the -wal, not past it
    finally:
        writer.close()


# --------------------------------------------------------------------------- read-only, odd names, no change


def test_read_only_file_and_directory_browse_without_a_trace(copy: Path, folder: Path) -> None:
    before = file_hash(copy)
    os.chmod(copy, 0o444)
    os.chmod(folder, 0o555)
    _browse_everything(copy)
    assert _listing(folder) == ["dossier.db"] and file_hash(copy) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_importing_into_a_read_only_file_is_refused(runner: CliRunner, copy: Path, tmp_path: Path) -> None:
    os.chmod(copy, 0o444)
    before = file_hash(copy)
    bundle = tmp_path / "b.yaml"
    bundle.write_text("actors:\n  - {slug: newcomer, name: New, kind: person}\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(bundle), "--db", str(copy)])
    assert result.exit_code == 1 and "is read-only" in result.output and "Traceback" not in result.output
    assert file_hash(copy) == before


def test_browsing_changes_no_byte_and_leaves_no_file(copy: Path, folder: Path) -> None:
    before = file_hash(copy)
    _browse_everything(copy)
    with Store.open(copy) as opened, pytest.raises(sqlite3.OperationalError):
        opened.conn.execute("UPDATE actors SET name = 'x'")
    assert file_hash(copy) == before
    assert _listing(folder) == ["dossier.db"]


@pytest.mark.parametrize(
    "name",
    ["with space.db", "q?mark.db", "hash#tag.db", "100%25.db", "per%cent.db", "ünïcödé 漢字.db", "a&mode=rw.db"],
)
def test_odd_names_open_the_right_file_through_the_cli(runner: CliRunner, copy: Path, folder: Path, name: str) -> None:
    odd = folder / name
    copy.rename(odd)
    result = runner.invoke(main, ["show", "zakharova", "--db", str(odd)])
    assert result.exit_code == 0, result.output
    assert "Maria Zakharova" in result.output
    assert _listing(folder) == [name]
    _refused(runner, folder / f"missing {name}", "no such file")


def test_a_name_that_is_not_utf8(copy: Path, folder: Path) -> None:
    odd = folder / os.fsdecode(b"latin-\xe9.db")
    copy.rename(odd)
    with Store.open(odd) as opened:
        assert opened.summary().counts["actors"] > 0
    assert _listing(folder) == [odd.name]


def test_a_file_truncated_while_open_gives_store_errors(copy: Path) -> None:
    with Store.open(copy) as opened:
        with copy.open("r+b") as handle:
            handle.truncate(4096)
        with pytest.raises(StoreError, match=str(copy)):
            for actor in opened.actors_grouped(limit=1000):
                opened.actor_detail(actor.id)
            opened.export_bundle()

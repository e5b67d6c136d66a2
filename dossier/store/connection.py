"""Opening dossier files: refuse what is not one, open the rest read-only (or for the importer's writes).

Used by the store (`Store.open`) and by the importer (`connect_existing(...,
write=True)`, `check_schema`, `explain`): everything here knows files and
SQLite connections, nothing about the queries of a feature.

A file is opened through a `file:` URI whose path is percent-encoded byte by
byte (`file_uri`), so `?`, `#` and `%` in a name stay part of it, with
`mode=ro` or `mode=rw`: a missing path is never created.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from ..errors import StoreError
from ..schema import DATA_TABLES, SCHEMA_VERSION

_SQLITE_HEADER = b"SQLite format 3\x00"

# Odd files, and how each is met (README "Robustness"): a missing path is never
# created (`mode=ro`/`mode=rw` URIs, never a bare connect); a directory, a
# device, an empty file, a file that is not SQLite, or one shorter than its
# own header says are refused before SQLite sees them; a damaged file is found
# by `PRAGMA quick_check`, bounded in time; a WAL-mode file without its -wal
# is opened `immutable`, so browsing creates no -wal or -shm beside it (and
# works in a read-only directory); a lock held by another program is waited
# for briefly, then reported; a newer schema, or tables without a schema
# version, are refused. Every refusal is one line naming the file.

QUICK_CHECK_SECONDS = 0.25
"""How long opening may spend looking for damage (`PRAGMA quick_check`).

Measured: 0.69 s for a 408 MB dossier of 1M statements (warm cache), so files
up to about 150 MB are checked whole. A bigger file is opened after a partial
check, with a warning in `Store.warnings`, rather than refused or kept waiting:
the browser must show its first screen at once. Damage met later is still
reported as a one-line `StoreError`.
"""
READ_CACHE_KIB = 1024
"""SQLite's page cache per reading connection, in KiB (its default is 2000): the browser's queries
are index walks of a few pages, the file's pages stay in the system's cache, and on 1M statements
half the default kept the peak memory 1 MiB lower with the same key and search times (docs/performance.md)."""
BROWSE_CACHE_KIB = 256
"""The browser's page cache, in KiB: its Down, End and detail queries walk a few pages each, which the
system keeps cached; 1 MiB (`READ_CACHE_KIB`) was 1.0 MiB of the browser's peak memory over an empty
Textual app on 1M statements, with the same key times (docs/performance.md)."""
CHECK_CACHE_KIB = 64
"""The page cache of the connection that looks for damage after the first screen, in KiB: the check
reads each page once, so a bigger cache only held pages it would not read again."""
BROWSE_CHECK_BYTES = 8 * 1024 * 1024
"""`dossier browse` checks a file up to this size on open (a few milliseconds); a bigger one is
checked once its first screen is up, in a thread, and damage found is shown as an error notice."""
READ_BUSY_SECONDS = 2.0
"""How long a reader waits for another program's lock before saying the file is locked."""
WRITE_BUSY_SECONDS = 5.0

_CORE_TABLES = (*DATA_TABLES, "statements_fts", "entities_fts")
"""Tables every dossier of the current schema has."""


class FileHeader(NamedTuple):
    """What the first 100 bytes of an SQLite file say about it (a named tuple: cheaper to define than a dataclass)."""

    page_size: int
    page_count: int | None
    """Pages the header says the file holds, when SQLite vouches for that number."""
    wal: bool
    """The file is in write-ahead-log mode."""


def _check_file(path: Path) -> FileHeader:
    """Refuse what is not an SQLite file before SQLite opens it (and perhaps creates or blocks on it)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file (create one with `dossier init {path}`)") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path}: is a directory, not a dossier database")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise StoreError(f"{path}: is not a regular file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not header:
        raise StoreError(f"{path}: is empty, not a dossier database")
    if not header.startswith(_SQLITE_HEADER):
        raise StoreError(f"{path}: is not an SQLite database")
    if len(header) < 100:
        raise StoreError(f"{path}: is truncated ({len(header)} bytes, shorter than an SQLite header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(f"{path}: is damaged (its header gives a page size of {page_size})")
    # The page count at offset 28 is valid only when the change counter (24) equals
    # the version-valid-for number (92); writers older than SQLite 3.7 leave it stale.
    page_count = int.from_bytes(header[28:32], "big") if header[24:28] == header[92:96] else None
    if page_count and info.st_size < page_count * page_size:
        raise StoreError(f"{path}: is truncated ({info.st_size} of {page_count * page_size} bytes)")
    return FileHeader(page_size=page_size, page_count=page_count, wal=header[18] == 2 or header[19] == 2)


def file_uri(path: Path, **params: str) -> str:
    """A `file:` URI for `path`: every byte of the name percent-encoded, so `?`, `#`, `%` stay in it."""
    name = urllib.parse.quote(os.fsencode(path.absolute()), safe="/")
    return f"file:{name}?" + urllib.parse.urlencode(params)


_WRITE_ERRORS = frozenset(
    f"SQLITE_IOERR_{name}" for name in ("WRITE", "FSYNC", "DIR_FSYNC", "TRUNCATE", "DELETE", "SHMSIZE")
)
"""I/O errors of writing: a full disk often shows as one of these (a file-size limit always does)."""


def explain(path: Path, exc: sqlite3.Error) -> str:
    """A one-line reason for an SQLite error on `path`, in the user's terms."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED") or "database is locked" in str(exc):
        return f"{path}: is locked by another program (an import in progress?); try again when it has finished"
    if code in ("SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY"):
        return (
            f"{path}: an interrupted write left {path.name}-journal beside it, and it cannot be rolled back"
            " here (the file or its folder is read-only); open it once where it can be written"
        )
    if code.startswith("SQLITE_READONLY"):
        return f"{path}: is read-only (the file or its directory), so nothing can be written to it"
    if code.startswith("SQLITE_CORRUPT") or code == "SQLITE_NOTADB":
        return f"{path}: is damaged ({exc})"
    if code.startswith("SQLITE_CANTOPEN"):
        return f"{path}: cannot be opened ({exc})"
    if code in _WRITE_ERRORS:
        return f"{path}: cannot be written ({exc}: is the disk full, or the file over a size limit?)"
    if code.startswith("SQLITE_IOERR"):
        return f"{path}: cannot be read ({exc})"
    if code == "SQLITE_FULL":
        return f"{path}: the disk is full"
    if str(exc).startswith("Could not decode to UTF-8"):
        return f"{path}: holds text that is not UTF-8 ({str(exc).split(' with text')[0]})"
    return f"{path}: {exc}"


def check_schema(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; a non-dossier or a newer schema is refused."""
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        marks = ", ".join("?" * len(_CORE_TABLES))
        found = {
            name
            for (name,) in conn.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", _CORE_TABLES
            )
        }
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    if not {"actors", "statements", "dossier_meta"} <= found:
        raise StoreError(f"{path}: is an SQLite database but not a dossier")
    if version < 1:
        raise StoreError(f"{path}: has a dossier's tables but no schema version (user_version 0): not made by Dossier")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: has schema version {version}, newer than this Dossier reads ({SCHEMA_VERSION}); upgrade Dossier"
        )
    missing = [name for name in _CORE_TABLES if name not in found]
    if version == SCHEMA_VERSION and missing:
        raise StoreError(f"{path}: is damaged or not a dossier (no table {', '.join(missing)})")
    return int(version)


def quick_check(conn: sqlite3.Connection, path: Path, seconds: float) -> bool:
    """Look for damage for at most `seconds`: True if the whole file was checked, False if cut short.

    Damage found is a `StoreError`. `conn.interrupt()` from a timer stops the
    check (a progress handler is not called inside it); the lock makes sure the
    interrupt can only land on the check itself.
    """
    lock = threading.Lock()
    running = [True]

    def stop() -> None:
        with lock:
            if running[0]:
                conn.interrupt()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_INTERRUPT":
            return False
        raise StoreError(explain(path, exc)) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    finally:
        with lock:
            running[0] = False
        timer.cancel()
    if rows != [("ok",)]:
        first = str(rows[0][0]).splitlines()[0] if rows else "no answer"
        raise StoreError(f"{path}: is damaged ({first})")
    return True


def connect_existing(
    path: Path,
    *,
    write: bool = False,
    check_seconds: float = QUICK_CHECK_SECONDS,
    warnings: list[str] | None = None,
    cache_kib: int = READ_CACHE_KIB,
) -> sqlite3.Connection:
    """Open an existing dossier file; never creates one. Read-only unless `write`.

    Reading never changes the file: `mode=ro` plus `PRAGMA query_only`, and a
    WAL-mode file with no -wal beside it is opened `immutable=1`, since a
    read-only connection would otherwise leave -wal and -shm files behind, and
    cannot open at all in a read-only directory. (With a -wal present, another
    program may be writing: the file is opened normally, so its changes are seen.)
    The one exception: a write that died mid-transaction is rolled back first
    (`roll_back_interrupted_write`), as SQLite would on any writable open, and
    before the file's header is checked, which it may contradict until then.
    Warnings (a damage check cut short) are appended to `warnings`. A
    reading connection keeps `cache_kib` KiB of pages.
    """
    path = Path(path)
    roll_back_interrupted_write(path)  # first: a write killed mid-COMMIT leaves the file shorter than its header says
    header = _check_file(path)
    params = {"mode": "rw" if write else "ro"}
    if not write and header.wal and not Path(f"{path}-wal").exists():
        params["immutable"] = "1"
    try:
        conn = sqlite3.connect(file_uri(path, **params), uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(explain(path, exc)) from None
    try:
        if write:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(WRITE_BUSY_SECONDS * 1000)}")
        else:
            conn.execute("PRAGMA query_only = ON")
            conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
            conn.execute(f"PRAGMA busy_timeout = {int(READ_BUSY_SECONDS * 1000)}")
        check_schema(conn, path)
        if check_seconds > 0 and not quick_check(conn, path, check_seconds) and warnings is not None:
            warnings.append(f"{path}: checked for damage for {check_seconds:g} s only (a big file); opened anyway")
    except sqlite3.Error as exc:
        conn.close()
        if header.wal and not write and "unable to open" in str(exc):
            raise StoreError(
                f"{path}: is in WAL mode and its -shm file cannot be made here (a read-only directory?);"
                " copy it with its -wal file to a writable directory"
            ) from None
        raise StoreError(explain(path, exc)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def roll_back_interrupted_write(path: Path) -> None:
    """Put back the last committed state of a file whose writer died mid-transaction (kill -9, power loss).

    Such a writer leaves a "hot" `-journal` beside the file, holding the pages
    it had begun to change. A read-only connection cannot roll it back, so
    without this step the file would not open until something wrote to it.
    Here a writable connection reads one page, which makes SQLite roll the
    journal back: the file then holds exactly what the last finished import
    left, and nothing else is written. A journal still in use by a live
    writer is not hot, so this only waits for that writer like any reader;
    a file that cannot be written here is left as it is, for `explain` to name.
    """
    try:
        if not os.path.exists(f"{path}-journal") or not os.path.isfile(path):
            return
        with open(path, "rb") as handle:  # only an SQLite file: SQLite never sees anything else (`_check_file`)
            if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                return
        conn = sqlite3.connect(file_uri(path, mode="rw"), uri=True, isolation_level=None)
    except (OSError, sqlite3.Error):
        return
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(READ_BUSY_SECONDS * 1000)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # the read-only open that follows meets the same problem and names it
    finally:
        conn.close()


def rolled_back(path: Path, exc: sqlite3.Error) -> bool:
    """True if `exc` is an open reader meeting a write that died mid-transaction, now rolled back: read again."""
    if getattr(exc, "sqlite_errorname", "") != "SQLITE_READONLY_ROLLBACK":
        return False
    roll_back_interrupted_write(path)
    return True


IDENTITY_NAMESPACE = "5d6f6c52-3b1e-4f0a-9a55-0d0551e40001"
"""The UUID namespace of identities derived for files made before schema 2 (`dossier_identity`)."""


def dossier_identity(conn: sqlite3.Connection) -> str:
    """The dossier's stable identity: the UUID in dossier_meta, written at `dossier init` (schema 2).

    A file made before schema 2 has none, and a read-only open must not write
    one, so it gets one derived from what no import changes: its title and the
    slugs of its first actor, measure and statement (point lookups by primary
    key). Migrating the file writes this same value, so what was keyed by it
    before finds the dossier again afterwards.
    """
    row = conn.execute("SELECT value FROM dossier_meta WHERE key = 'identity'").fetchone()
    if row is not None and row[0]:
        return str(row[0])
    parts = [conn.execute("SELECT value FROM dossier_meta WHERE key = 'title'").fetchone()]
    for table in ("actors", "measures", "statements"):
        parts.append(conn.execute(f"SELECT slug FROM {table} ORDER BY id LIMIT 1").fetchone())
    key = "\x1f".join("" if part is None else str(part[0]) for part in parts)
    import uuid  # here: it imports `platform`, which no question needs

    return str(uuid.uuid5(uuid.UUID(IDENTITY_NAMESPACE), key))


@contextmanager
def page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """SQLite's page cache of `conn` at `kib` KiB for a while, then as it was."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")

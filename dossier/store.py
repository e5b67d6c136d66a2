"""The one door to the data: opens dossier databases and runs every read query.

No Textual here. Every function returns models from `dossier.models`, never
rows or cursors, and raises `StoreError` with a one-line reason. Lists are
bounded: each takes a limit and a keyset cursor (or, for short lists, an
offset). The browser opens the file read-only (`mode=ro` URI built with
`Path.as_uri()`, so `?` and `#` in a path stay part of the name, plus
`PRAGMA query_only`), so browsing never changes a byte of it. Writes live in
`dossier.importer`.

`Store` is safe to share with thread workers: one connection, one lock, rows
materialised inside the lock.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .rows import (
    ACTOR_KINDS,
    TIMELINE_KINDS,
    ActorDetail,
    ActorItem,
    ActorRef,
    AliasItem,
    Chain,
    ChainDirection,
    ChainStep,
    ConsequenceItem,
    DossierSummary,
    EventItem,
    FacetValue,
    Filters,
    LinkItem,
    MeasureDetail,
    MeasureItem,
    MeasureRef,
    Relation,
    RelationMeasure,
    RelationSide,
    SearchHit,
    SearchKind,
    SearchOrder,
    SearchPage,
    SourceItem,
    StanceItem,
    StatementAboutItem,
    StatementDetail,
    StatementItem,
    TimelineItem,
    is_partial_date,
)
from .words import UNDATED

if TYPE_CHECKING:
    from .models import Bundle
    from .search import SearchQuery, SubstringPlan, Term

SCHEMA_VERSION = 1
"""The schema this code reads and writes (PRAGMA user_version of db/schema.sql)."""

_SQLITE_HEADER = b"SQLite format 3\x00"
EntityKind = Literal["actor", "statement", "measure", "source", "event", "consequence"]
ENTITY_TABLES: dict[str, str] = {
    "actor": "actors",
    "statement": "statements",
    "measure": "measures",
    "source": "sources",
    "event": "events",
    "consequence": "consequences",
}


class StoreError(Exception):
    """A database that cannot be opened or read, with a one-line reason."""


# --------------------------------------------------------------------------- opening
#
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
half the default kept the peak memory 1 MiB lower with the same key and search times (README, Scale)."""
CHECK_CACHE_KIB = 256
"""The page cache of the connection that looks for damage after the first screen, in KiB."""
BROWSE_CHECK_BYTES = 8 * 1024 * 1024
"""`dossier browse` checks a file up to this size on open (a few milliseconds); a bigger one is
checked once its first screen is up, in a thread, and damage found is shown as an error notice."""
READ_BUSY_SECONDS = 2.0
"""How long a reader waits for another program's lock before saying the file is locked."""
WRITE_BUSY_SECONDS = 5.0

_CORE_TABLES = (
    "dossier_meta",
    "sources",
    "actors",
    "aliases",
    "measures",
    "measure_links",
    "consequences",
    "statements",
    "statement_measures",
    "events",
    "event_actors",
    "statements_fts",
    "entities_fts",
)
"""Tables every dossier of the current schema has."""


@dataclass(frozen=True)
class FileHeader:
    """What the first 100 bytes of an SQLite file say about it."""

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


def _file_uri(path: Path, **params: str) -> str:
    """A `file:` URI for `path`: every byte of the name percent-encoded, so `?`, `#`, `%` stay in it."""
    name = urllib.parse.quote(os.fsencode(path.absolute()), safe="/")
    return f"file:{name}?" + urllib.parse.urlencode(params)


def explain(path: Path, exc: sqlite3.Error) -> str:
    """A one-line reason for an SQLite error on `path`, in the user's terms."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED") or "database is locked" in str(exc):
        return f"{path}: is locked by another program (an import in progress?); try again when it has finished"
    if code in ("SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY"):
        return (
            f"{path}: an interrupted write left {path.name}-journal beside it; it is rolled back"
            " the next time the dossier is opened for writing (dossier import)"
        )
    if code.startswith("SQLITE_READONLY"):
        return f"{path}: is read-only (the file or its directory), so nothing can be written to it"
    if code.startswith("SQLITE_CORRUPT") or code == "SQLITE_NOTADB":
        return f"{path}: is damaged ({exc})"
    if code.startswith("SQLITE_CANTOPEN"):
        return f"{path}: cannot be opened ({exc})"
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
) -> sqlite3.Connection:
    """Open an existing dossier file; never creates one. Read-only unless `write`.

    Reading never changes the file: `mode=ro` plus `PRAGMA query_only`, and a
    WAL-mode file with no -wal beside it is opened `immutable=1`, since a
    read-only connection would otherwise leave -wal and -shm files behind, and
    cannot open at all in a read-only directory. (With a -wal present, another
    program may be writing: the file is opened normally, so its changes are seen.)
    Warnings (a damage check cut short) are appended to `warnings`.
    """
    path = Path(path)
    header = _check_file(path)
    params = {"mode": "rw" if write else "ro"}
    if not write and header.wal and not Path(f"{path}-wal").exists():
        params["immutable"] = "1"
    try:
        conn = sqlite3.connect(_file_uri(path, **params), uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(explain(path, exc)) from None
    try:
        if write:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(WRITE_BUSY_SECONDS * 1000)}")
        else:
            conn.execute("PRAGMA query_only = ON")
            conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
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


def known_slugs(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Slugs a bundle may reference without defining: actors, sources and measures already stored."""
    return {
        section: {slug for (slug,) in conn.execute(f"SELECT slug FROM {section}")}
        for section in ("actors", "sources", "measures")
    }


# --------------------------------------------------------------------------- search helpers


def fts_query(text: str) -> str | None:
    """What a user typed as a safe FTS5 expression for a word index (`dossier.search.word_match`)."""
    from .search import parse_query, word_match

    return word_match(parse_query(text))


def _segments(snippet: str | None) -> tuple[tuple[str, bool], ...]:
    """Split an FTS snippet with U+E000/U+E001 markers into (text, matched) segments."""
    from .search import segments

    return segments(snippet)


# --------------------------------------------------------------------------- the store


def parse_ref(ref: str) -> tuple[str | None, str]:
    """`zakharova` -> (None, 'zakharova'); `actor/zakharova` -> ('actor', 'zakharova')."""
    kind, sep, slug = ref.strip().partition("/")
    if not sep:
        return None, kind
    kind = kind.lower().rstrip("s")
    if kind not in ENTITY_TABLES:
        raise StoreError(f"{ref!r}: unknown kind {kind!r} (use one of {', '.join(ENTITY_TABLES)})")
    return kind, slug


_ACTOR_REF = "{a}.id, {a}.slug, {a}.name"


def _is_decode_error(exc: sqlite3.OperationalError) -> bool:
    return str(exc).startswith("Could not decode to UTF-8")


@contextmanager
def _lenient_text(conn: sqlite3.Connection) -> Iterator[None]:
    """Read text that is not UTF-8 (a file written by another program) with U+FFFD for bad bytes.

    Only for the query that met such text: the C decoder is 2.5x faster than a
    Python text factory (measured on 300k rows), so it stays the default.
    """
    conn.text_factory = functools.partial(str, encoding="utf-8", errors="replace")
    try:
        yield
    finally:
        conn.text_factory = str


# ----------------------------------------------------------------- fast rows
# The list rows every pane page and every report is made of (`ActorRef`,
# `ActorItem`, `StatementItem`, `MeasureItem`, `ConsequenceItem`) are named tuples
# (`dossier.rows`), built without validation: their values come from our own
# database, validated when imported, and validating them again cost more than the query. A file
# written by another program may still hold anything: `_text` turns a stray blob
# or number into text, and an out-of-vocabulary `kind` is shown as it is rather
# than raising.


def _text(value: Any) -> Any:
    """Text from a column as a str (or None): a blob or a number another program stored becomes text."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _ref(row: Sequence[Any], start: int) -> ActorRef:
    return ActorRef(id=row[start], slug=_text(row[start + 1]), name=_text(row[start + 2]))


def _actor_ref(row: Sequence[Any], start: int) -> ActorRef | None:
    if row[start] is None:
        return None
    return _ref(row, start)


class Store:
    """Typed, bounded queries over one open dossier database."""

    def __init__(self, conn: sqlite3.Connection, path: Path, warnings: Sequence[str] = ()) -> None:
        self.conn = conn
        self.path = path
        self.warnings: tuple[str, ...] = tuple(warnings)
        """What the user should know about the file, though it opened (one line each)."""
        self._lock = threading.RLock()
        self._search_conn: sqlite3.Connection | None = None
        self._search_lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | str, *, write: bool = False, check_seconds: float = QUICK_CHECK_SECONDS) -> Store:
        path = Path(path)
        warnings: list[str] = []
        conn = connect_existing(path, write=write, check_seconds=check_seconds, warnings=warnings)
        return cls(conn, path, warnings)

    def check_damage(self, seconds: float = QUICK_CHECK_SECONDS) -> bool:
        """Look for damage (`PRAGMA quick_check`) for at most `seconds`, on a connection of its own.

        For a store opened with `check_seconds=0` (the browser: its first screen
        does not wait for the check): this runs in a thread beside the browser's
        queries without holding their lock. True if the whole file was checked,
        False if cut short; damage is a `StoreError`.
        """
        conn = connect_existing(self.path, check_seconds=0)
        # A small page cache: the check reads each page about once, and SQLite's default
        # 2 MiB, filled by a big file, was most of what the browser's memory grew by on
        # 1M statements (its peak is measured against a 1k dossier's; README, Scale).
        conn.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        try:
            return quick_check(conn, self.path, seconds)
        finally:
            conn.close()

    def close(self) -> None:
        with self._search_lock:
            if self._search_conn is not None:
                self._search_conn.close()
                self._search_conn = None
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _cursor(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.conn
            except sqlite3.DatabaseError as exc:
                raise StoreError(explain(self.path, exc)) from None

    def _all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if not _is_decode_error(exc):
                    raise
                with _lenient_text(conn):
                    return conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple[Any, ...] | None:
        with self._cursor() as conn:
            row: tuple[Any, ...] | None
            try:
                row = conn.execute(sql, params).fetchone()
            except sqlite3.OperationalError as exc:
                if not _is_decode_error(exc):
                    raise
                with _lenient_text(conn):
                    row = conn.execute(sql, params).fetchone()
            return row

    # ----------------------------------------------------------------- summary

    def title(self) -> str:
        """The dossier's title (the file's name when it has none): `summary` without its counts,
        which scan every table (tens of milliseconds on 1M statements, before the first frame)."""
        row = self._one("SELECT value FROM dossier_meta WHERE key = 'title'")
        return _text(row[0]) if row and row[0] is not None else self.path.stem

    def summary(self) -> DossierSummary:
        title = self._one("SELECT value FROM dossier_meta WHERE key = 'title'")
        counts = {}
        for table in ("actors", "statements", "measures", "consequences", "events", "sources"):
            row = self._one(f"SELECT count(*) FROM {table}")
            counts[table] = int(row[0]) if row else 0
        (version,) = self._one("PRAGMA user_version") or (0,)
        return DossierSummary(title=title[0] if title else self.path.stem, schema_version=version, counts=counts)

    def resolve(self, ref: str) -> tuple[str, int]:
        """A REF (`slug` or `kind/slug`) to (kind, id); bare slugs try actor, measure, statement, then the rest."""
        kind, slug = parse_ref(ref)
        kinds = [kind] if kind else ["actor", "measure", "statement", "event", "source", "consequence"]
        for k in kinds:
            row = self._one(f"SELECT id FROM {ENTITY_TABLES[k]} WHERE slug = ?", (slug,))
            if row:
                return k, int(row[0])
        raise StoreError(f"{ref!r}: nothing with that slug in {self.path.name}")

    # ----------------------------------------------------------------- actors

    _ACTOR_COLS = "id, slug, name, kind, role, country"

    @staticmethod
    def _actor_item(row: Sequence[Any]) -> ActorItem:
        return ActorItem(
            id=row[0],
            slug=_text(row[1]),
            name=_text(row[2]),
            kind=_text(row[3]),
            role=_text(row[4]),
            country=_text(row[5]),
        )

    def actors(
        self, *, kind: str | None = None, after: tuple[str, int] | None = None, limit: int = 100
    ) -> list[ActorItem]:
        """Actors in name order, from just after the keyset `(name, id)`."""
        where: list[str] = []
        params: list[Any] = []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if after:
            where.append("(name, id) > (?, ?)")
            params.extend(after)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._all(f"SELECT {self._ACTOR_COLS} FROM actors {clause} ORDER BY name, id LIMIT ?", (*params, limit))
        return [self._actor_item(r) for r in rows]

    def actor_count(self, kind: str | None = None, *, country: str | None = None) -> int:
        where, params = self._actor_filters(kind, country)
        row = self._one("SELECT count(*) FROM actors" + (f" WHERE {where}" if where else ""), params)
        return int(row[0]) if row else 0

    @staticmethod
    def _actor_filters(kind: str | None, country: str | None) -> tuple[str, list[Any]]:
        """The Actors pane's facets as a WHERE clause (`none`: no country)."""
        clauses, params = [], []
        if kind:
            clauses.append("kind = ?")
            params.append(kind)
        if country == "none":
            clauses.append("country IS NULL")
        elif country:
            clauses.append("country = ?")
            params.append(country)
        return " AND ".join(clauses), params

    def actor_facets(self, *, kind: str | None = None, country: str | None = None) -> list[FacetValue]:
        """The Actors pane's facets: kinds (under the country kept) and countries (under the kind kept), counted."""
        out: list[FacetValue] = []
        where, params = self._actor_filters(None, country)
        rows = dict(self._all("SELECT kind, count(*) FROM actors" + (f" WHERE {where}" if where else "")
                              + " GROUP BY kind", params))
        out += [FacetValue("kind", k, k, int(rows[k])) for k in ACTOR_KINDS if rows.get(k)]
        where, params = self._actor_filters(kind, None)
        for code, n in self._all(
            "SELECT country, count(*) FROM actors" + (f" WHERE {where}" if where else "")
            + " GROUP BY country ORDER BY 2 DESC, 1 LIMIT 40",
            params,
        ):
            out.append(FacetValue("country", _text(code) or "none", _text(code) or "no country", int(n)))
        return out

    def actor(self, actor_id: int) -> ActorItem:
        row = self._one(f"SELECT {self._ACTOR_COLS} FROM actors WHERE id = ?", (actor_id,))
        if row is None:
            raise StoreError(f"no actor with id {actor_id}")
        return self._actor_item(row)

    def actor_detail(self, actor_id: int) -> ActorDetail:
        item = self.actor(actor_id)
        row = self._one(
            "SELECT a.description, f.id, f.slug, f.name FROM actors a LEFT JOIN actors f ON f.id = a.affiliation_id"
            " WHERE a.id = ?",
            (actor_id,),
        )
        assert row is not None
        aliases = self._all("SELECT name, lang FROM aliases WHERE actor_id = ? ORDER BY id", (actor_id,))
        members = self._all(
            "SELECT id, slug, name FROM actors WHERE affiliation_id = ? ORDER BY name, id LIMIT 50", (actor_id,)
        )
        events = self._all(
            "SELECT e.id, e.slug, e.title, e.date, e.place, e.description FROM event_actors ea"
            " JOIN events e ON e.id = ea.event_id WHERE ea.actor_id = ? ORDER BY e.date DESC, e.id DESC LIMIT 20",
            (actor_id,),
        )
        return ActorDetail(
            actor=item,
            description=row[0],
            affiliation=_actor_ref(row, 1),
            aliases=tuple(AliasItem(name=n, lang=lang) for n, lang in aliases),
            members=tuple(ActorRef(id=r[0], slug=r[1], name=r[2]) for r in members),
            statement_count=self.statement_count(actor_id),
            events=tuple(self._event_item(r) for r in events),
        )

    # ----------------------------------------------------------------- statements

    _STATEMENT_COLS = "s.id, s.slug, a.id, a.slug, a.name, s.text, s.kind, s.said, s.via"
    _STATEMENT_FROM = "statements s JOIN actors a ON a.id = s.speaker_id"

    @staticmethod
    def _statement_item(row: Sequence[Any]) -> StatementItem:
        return StatementItem(
            id=row[0],
            slug=_text(row[1]),
            speaker=_ref(row, 2),
            text=_text(row[5]),
            kind=_text(row[6]),
            said=_text(row[7]),
            via=_text(row[8]),
        )

    def statements_by(
        self, actor_id: int, *, before: tuple[str, int] | None = None, limit: int = 100
    ) -> list[StatementItem]:
        """An actor's statements, newest first, from just before the keyset `(said, id)`.

        Undated statements sort as the empty string, i.e. after every dated one
        (pass `(s.said or "", s.id)` of the last row to continue). The same
        indexed ranges as the browser's `statements_page`.
        """
        key = None if before is None else (before[0] or None, before[1])
        return self._statements_after(actor_id, key, 0, limit)

    def statement_count(self, actor_id: int, *, filters: Filters = ()) -> int:
        where, params = self._statement_filters(filters)
        row = self._one(f"SELECT count(*) FROM statements s WHERE s.speaker_id = ?{where}", (actor_id, *params))
        return int(row[0]) if row else 0

    def statement(self, statement_id: int) -> StatementItem:
        row = self._one(f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE s.id = ?", (statement_id,))
        if row is None:
            raise StoreError(f"no statement with id {statement_id}")
        return self._statement_item(row)

    def statement_detail(self, statement_id: int) -> StatementDetail:
        item = self.statement(statement_id)
        row = self._one("SELECT speaker_role, lang, source_id FROM statements WHERE id = ?", (statement_id,))
        assert row is not None
        about = self._all(
            "SELECT m.id, m.slug, m.title, sm.stance FROM statement_measures sm JOIN measures m ON m.id = sm.measure_id"
            " WHERE sm.statement_id = ? ORDER BY m.announced, m.id",
            (statement_id,),
        )
        return StatementDetail(
            statement=item,
            speaker_role=row[0],
            lang=row[1],
            source=self.source(row[2]) if row[2] is not None else None,
            about=tuple(StanceItem(measure=MeasureRef(id=r[0], slug=r[1], title=r[2]), stance=r[3]) for r in about),
        )

    # ----------------------------------------------------------------- measures

    _MEASURE_COLS = (
        "m.id, m.slug, m.title, m.kind, i.id, i.slug, i.name, t.id, t.slug, t.name, m.quantity, m.announced, m.status"
    )
    _MEASURE_FROM = "measures m LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id"

    @staticmethod
    def _measure_item(row: Sequence[Any], relation: str | None = None) -> MeasureItem:
        return MeasureItem(
            id=row[0],
            slug=_text(row[1]),
            title=_text(row[2]),
            kind=_text(row[3]),
            imposed_by=_actor_ref(row, 4),
            target=_actor_ref(row, 7),
            quantity=_text(row[10]),
            announced=_text(row[11]),
            status=_text(row[12]),
            relation=_text(relation),
        )

    def measure(self, measure_id: int) -> MeasureItem:
        row = self._one(f"SELECT {self._MEASURE_COLS} FROM {self._MEASURE_FROM} WHERE m.id = ?", (measure_id,))
        if row is None:
            raise StoreError(f"no measure with id {measure_id}")
        return self._measure_item(row)

    def measures_for(self, actor_id: int, *, limit: int = 100, offset: int = 0) -> list[MeasureItem]:
        """Measures involving an actor: imposed by it, aimed at it, or named by its statements.

        Newest first; each marked with how it involves the actor (imposed wins over targeted
        over mentioned). "Mentioned" looks at the actor's newest 1,000 statements, so the
        query stays bounded for an actor with a million. One implementation with the
        browser's pages: see `measures_page` and `_INVOLVED`.
        """
        return self.measures_page(actor_id, limit=limit, offset=offset)

    def measures(self, *, after: tuple[str, int] | None = None, limit: int = 100) -> list[MeasureItem]:
        """All measures, newest first, from just before the keyset `(announced, id)`."""
        clause = ""
        params: list[Any] = []
        if after is not None:
            clause = "WHERE (coalesce(m.announced, ''), m.id) < (?, ?)"
            params.extend(after)
        rows = self._all(
            f"SELECT {self._MEASURE_COLS} FROM {self._MEASURE_FROM} {clause}"
            " ORDER BY coalesce(m.announced, '') DESC, m.id DESC LIMIT ?",
            (*params, limit),
        )
        return [self._measure_item(r) for r in rows]

    def measure_detail(self, measure_id: int) -> MeasureDetail:
        item = self.measure(measure_id)
        row = self._one("SELECT effective, description, source_id FROM measures WHERE id = ?", (measure_id,))
        assert row is not None

        def links(sql: str) -> tuple[LinkItem, ...]:
            return tuple(
                LinkItem(measure=MeasureRef(id=r[0], slug=r[1], title=r[2]), asserted_by=_actor_ref(r, 3))
                for r in self._all(sql, (measure_id,))
            )

        responds_to = links(
            "SELECT m.id, m.slug, m.title, a.id, a.slug, a.name FROM measure_links l"
            " JOIN measures m ON m.id = l.responds_to_id"
            " LEFT JOIN actors a ON a.id = l.asserted_by_id WHERE l.measure_id = ? ORDER BY l.id LIMIT 100"
        )
        answered_by = links(
            "SELECT m.id, m.slug, m.title, a.id, a.slug, a.name FROM measure_links l"
            " JOIN measures m ON m.id = l.measure_id"
            " LEFT JOIN actors a ON a.id = l.asserted_by_id WHERE l.responds_to_id = ? ORDER BY l.id LIMIT 100"
        )
        statements = self._all(
            f"SELECT {self._STATEMENT_COLS}, sm.stance FROM statement_measures sm"
            " JOIN statements s ON s.id = sm.statement_id JOIN actors a ON a.id = s.speaker_id"
            " WHERE sm.measure_id = ?"
            " ORDER BY coalesce(s.said, '') DESC, s.id DESC LIMIT 100",
            (measure_id,),
        )
        return MeasureDetail(
            measure=item,
            effective=row[0],
            description=row[1],
            source=self.source(row[2]) if row[2] is not None else None,
            responds_to=responds_to,
            answered_by=answered_by,
            consequences=tuple(self.consequences_of(measure_id)),
            statements=tuple(StatementAboutItem(statement=self._statement_item(r), stance=r[9]) for r in statements),
        )

    # ----------------------------------------------------------------- consequences, sources, events

    def consequence(self, consequence_id: int) -> ConsequenceItem:
        row = self._one("SELECT measure_id, position FROM consequences WHERE id = ?", (consequence_id,))
        if row is None:
            raise StoreError(f"no consequence with id {consequence_id}")
        return self.consequences_of(row[0], limit=1, offset=row[1] - 1)[0]

    def consequences_of(self, measure_id: int, *, limit: int = 200, offset: int = 0) -> list[ConsequenceItem]:
        rows = self._all(
            "SELECT c.id, c.slug, m.id, m.slug, m.title, c.description, a.id, a.slug, a.name, c.due, c.certainty"
            " FROM consequences c JOIN measures m ON m.id = c.measure_id LEFT JOIN actors a ON a.id = c.affects_id"
            " WHERE c.measure_id = ? ORDER BY c.position LIMIT ? OFFSET ?",
            (measure_id, limit, offset),
        )
        return [
            ConsequenceItem(
                id=r[0],
                slug=_text(r[1]),
                measure=MeasureRef(id=r[2], slug=_text(r[3]), title=_text(r[4])),
                description=_text(r[5]),
                affects=_actor_ref(r, 6),
                due=_text(r[9]),
                certainty=_text(r[10]),
            )
            for r in rows
        ]

    def source(self, source_id: int) -> SourceItem:
        row = self._one("SELECT id, slug, title, outlet, url, published, note FROM sources WHERE id = ?", (source_id,))
        if row is None:
            raise StoreError(f"no source with id {source_id}")
        return SourceItem(
            id=row[0], slug=row[1], title=row[2], outlet=row[3], url=row[4], published=row[5], note=row[6]
        )

    def _event_item(self, row: Sequence[Any]) -> EventItem:
        people = self._all(
            "SELECT a.id, a.slug, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id"
            " WHERE ea.event_id = ? ORDER BY a.name LIMIT 50",
            (row[0],),
        )
        return EventItem(
            id=row[0],
            slug=row[1],
            title=row[2],
            date=row[3],
            place=row[4],
            description=row[5],
            participants=tuple(ActorRef(id=p[0], slug=p[1], name=p[2]) for p in people),
        )

    def event(self, event_id: int) -> EventItem:
        row = self._one("SELECT id, slug, title, date, place, description FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise StoreError(f"no event with id {event_id}")
        return self._event_item(row)

    # ----------------------------------------------------------------- names (palette)

    def find_by_name(self, text: str, *, limit: int = 20) -> list[tuple[str, int, str, str]]:
        """Actors, measures and statements for the command palette: (kind, id, slug, label).

        Slugs that start with `text` come first (the UNIQUE index on slug), then
        what the search index finds for `text` (`search_page`, so names match
        across scripts and as fragments), at most `limit` per kind.
        """
        # A lone surrogate cannot be bound as SQL text; it cannot match stored text either.
        needle = text.encode("utf-8", "ignore").decode("utf-8").strip()
        from .search import parse_query

        if parse_query(needle).empty:
            return []
        found: list[tuple[str, int, str, str]] = []
        seen: set[tuple[str, int]] = set()
        labels = {"actor": "name", "measure": "title", "statement": "text"}
        for kind, column in labels.items():
            table = ENTITY_TABLES[kind]
            rows = self._all(
                f"SELECT id, slug, {column} FROM {table} WHERE slug >= ? AND slug < ? ORDER BY slug LIMIT ?",
                (needle.lower(), needle.lower() + "\U0010ffff", limit),
            )
            for row in rows:
                seen.add((kind, row[0]))
                found.append((kind, row[0], row[1], row[2]))
            page = self.search_page(needle, kind=kind, limit=limit)
            for hit in page.hits:
                if (hit.kind, hit.id) in seen or sum(1 for f in found if f[0] == kind) >= limit:
                    continue
                seen.add((hit.kind, hit.id))
                label = hit.label if kind != "statement" else "".join(part for part, _ in hit.snippet)
                found.append((kind, hit.id, hit.slug, label))
        return found

    # ----------------------------------------------------------------- full-text search

    SEARCH_TIME_LIMIT = 0.5
    """Seconds one `search_page` call may take in "recent" order; then it returns what it has."""
    RANK_TIME_LIMIT = 1.5
    """Seconds the ranking of all matches may take before it falls back to the newest RANK_CANDIDATES."""
    RANK_CANDIDATES = 2000
    """How many of the newest matches are ranked when ranking all of them takes too long."""
    SCAN_WINDOW = 10_000
    """How many of the newest statements are scanned for fragments (text inside words, short CJK words)."""
    PREFIX_SAMPLE = 2000
    """How many of the newest statements are sampled to estimate how common a prefix is."""
    PREFIX_POSTINGS = 100_000
    """Estimated postings above which a prefix is too slow for a first page (~5 ms of FTS5 merging)."""

    def search(
        self,
        query: str,
        kind: str | None = None,
        limit: int = 50,
        **options: Any,
    ) -> list[SearchHit]:
        """Hits for what the user typed (words, never FTS syntax); `search_page` without the page's facts.

        `options` are `search_page`'s keyword arguments (`order`, `after`, ...).
        """
        return list(self.search_page(query, kind=kind, limit=limit, **options).hits)

    def search_page(
        self,
        query: str,
        kind: str | None = None,
        limit: int = 50,
        *,
        order: SearchOrder = "recent",
        after: tuple[str, int] | None = None,
        offset: int = 0,
        time_limit: float | None = None,
        should_stop: Callable[[], bool] | None = None,
        scan_window: int | None = None,
        full_prefixes: bool = False,
    ) -> SearchPage:
        """One page of hits for `query`, never an exception for any text (see dossier/search.py).

        Hits come kind by kind: actors, measures, events, consequences, then
        statements; `kind` keeps one. `limit` bounds the whole page.

        Prefixes: FTS5 merges all the words under a prefix before the first
        row, which for a common prefix on 1M statements (`the*`: the, they,
        their, ...) takes 0.2 s and cannot be interrupted. So unless
        `full_prefixes`, a prefix whose fragment is frequent among the newest
        statements (estimated postings above PREFIX_POSTINGS) matches whole
        words in the statement index; its longer forms are still found by the
        fragment scan of the newest statements, and the page says
        `complete=False`. Pass `full_prefixes=True` to refine such a page in
        a worker (the command line always does).

        * order "recent" (the default, fast on any dossier): newest first
          within a kind (highest id); the next page starts `after` the last
          hit (`page.after`). This is the first page to show.
        * order "rank": by bm25 relevance within each kind, paged by `offset`.
          Ranking all matches of a common word on a big dossier takes about a
          second, so it is given RANK_TIME_LIMIT; past that it ranks the newest
          RANK_CANDIDATES matches instead (`page.ranked` is then False). Run it
          in a worker after showing the "recent" page, to refine it.

        A statement matches by words (prefixes, transliterated Cyrillic), by
        trigrams when it holds CJK text, or, among the newest `scan_window`
        statements, by fragments inside words. Every query on the search
        connection runs under a deadline (`time_limit`) and stops early when
        `should_stop()` turns true (pass the worker's cancellation); what was
        found by then is returned with `page.complete` False.
        """
        from .search import parse_query

        parsed = parse_query(query)
        if parsed.empty or limit <= 0:
            return SearchPage()
        if time_limit is None:
            time_limit = self.SEARCH_TIME_LIMIT if order == "recent" else self.RANK_TIME_LIMIT
        kinds = [k for k in _SEARCH_KINDS if kind in (None, k)]
        if after is not None and after[0] in kinds:
            kinds = kinds[kinds.index(after[0]) :]
        run = _SearchRun(self, parsed, time.monotonic() + time_limit, should_stop, scan_window or self.SCAN_WINDOW)
        run.full_prefixes = full_prefixes
        hits: list[_Found] = []
        ranked = order == "rank"
        skip = max(0, offset)
        for k in kinds:
            before = after[1] if after is not None and after[0] == k else None
            want = limit - len(hits) + (skip if order == "rank" else 0)
            if want <= 0:
                break
            if order == "rank":
                found, all_ranked = run.ranked(k, want)
                ranked = ranked and all_ranked
                taken = found[skip:]
                skip = max(0, skip - len(found))
            else:
                taken = run.recent(k, want, before)
            hits.extend(taken[: limit - len(hits)])
        items = run.hits(hits)
        more = order == "recent" and len(items) >= limit
        return SearchPage(
            hits=tuple(items),
            complete=run.complete and not run.prefixes_limited,
            ranked=ranked and run.complete,
            after=(items[-1].kind, items[-1].id) if more and items else None,
        )

    def _search_connection(self) -> sqlite3.Connection:
        """A second read-only connection for search, so a slow search never holds up the browse queries."""
        if self._search_conn is None:
            # The browse connection checked the file for damage when it opened; a second
            # check here cost the first search 0.25 s on a big dossier (measured 300 ms -> 8 ms).
            self._search_conn = connect_existing(self.path, check_seconds=0)
        return self._search_conn

    # ----------------------------------------------------------------- browser paging
    # The browser's panes page through lists by keyset (the row just before the
    # page) or, for a jump (End, a deep link, a history step), by offset within
    # one actor's or measure's rows; each pane also asks for its count once per
    # selection and for the position of a row it must show selected.

    def actor_kind_counts(self) -> dict[str, int]:
        """How many actors of each kind (every kind present, in `ACTOR_KINDS` order)."""
        rows = dict(self._all("SELECT kind, count(*) FROM actors GROUP BY kind"))
        return {kind: int(rows.get(kind, 0)) for kind in ACTOR_KINDS}

    def actors_grouped(
        self,
        *,
        kind: str | None = None,
        after: tuple[str, str, int] | None = None,
        offset: int = 0,
        limit: int = 100,
        country: str | None = None,
    ) -> list[ActorItem]:
        """Actors grouped by kind (in `ACTOR_KINDS` order), by name within a kind.

        `after` is the keyset `(kind, name, id)` of the row just before the page;
        `offset` skips rows after that. `kind` keeps only actors of that kind.
        Each kind is one indexed range (actors_by_kind_name), so no page sorts the table.
        """
        kinds = [kind] if kind else list(ACTOR_KINDS)
        start = kinds.index(after[0]) if after and after[0] in kinds else 0
        country_where, country_params = self._actor_filters(None, country)
        key: tuple[str, int] | None = (after[1], after[2]) if after else None
        out: list[ActorItem] = []
        for current in kinds[start:]:
            if len(out) >= limit:
                break
            where = "kind = ?" + (f" AND {country_where}" if country_where else "")
            params: list[Any] = [current, *country_params]
            if key is not None:
                where += " AND (name, id) > (?, ?)"
                params.extend(key)
            if offset:
                row = self._one(f"SELECT count(*) FROM actors WHERE {where}", params)
                available = int(row[0]) if row else 0
                if offset >= available:
                    offset -= available
                    key = None
                    continue
            rows = self._all(
                f"SELECT {self._ACTOR_COLS} FROM actors WHERE {where} ORDER BY name, id LIMIT ? OFFSET ?",
                (*params, limit - len(out), offset),
            )
            out += [self._actor_item(r) for r in rows]
            offset, key = 0, None
        return out

    def actor_position(self, actor_id: int, *, kind: str | None = None, country: str | None = None) -> int | None:
        """Where an actor stands in `actors_grouped(kind=kind, country=country)`, or None if it is not there."""
        row = self._one("SELECT kind, name, country FROM actors WHERE id = ?", (actor_id,))
        if row is None or (kind and row[0] != kind):
            return None
        own_kind, name, own_country = row
        if country and (own_country or "none") != country:
            return None
        where, params = self._actor_filters(None, country)
        where = f" AND {where}" if where else ""
        before = 0
        if not kind:
            for other in ACTOR_KINDS[: ACTOR_KINDS.index(own_kind)]:
                counted = self._one(f"SELECT count(*) FROM actors WHERE kind = ?{where}", (other, *params))
                before += int(counted[0]) if counted else 0
        counted = self._one(
            f"SELECT count(*) FROM actors WHERE kind = ? AND (name, id) < (?, ?){where}",
            (own_kind, name, actor_id, *params),
        )
        return before + (int(counted[0]) if counted else 0)

    def statements_page(
        self,
        actor_id: int,
        *,
        after: StatementItem | None = None,
        offset: int = 0,
        limit: int = 100,
        filters: Filters = (),
    ) -> list[StatementItem]:
        """An actor's statements, newest first, undated last, from just after the row `after` (facet `filters` kept)."""
        key = None if after is None else (after.said, after.id)
        return self._statements_after(actor_id, key, offset, limit, filters)

    _STATEMENT_FACETS = ("kind", "stance", "year", "source")
    """The facets counted; `from` and `to` (a date range, both inclusive) filter too."""

    def _statement_filters(self, filters: Filters) -> tuple[str, list[Any]]:
        """The facet filters of the Statements pane as ` AND ...` on `statements s`, and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for name, value in filters:
            if name == "kind":
                clauses.append("s.kind = ?")
                params.append(value)
            elif name == "stance":
                clauses.append(
                    "EXISTS (SELECT 1 FROM statement_measures f WHERE f.statement_id = s.id AND f.stance = ?)"
                )
                params.append(value)
            elif name == "from":
                clauses.append("s.said >= ?")
                params.append(value)
            elif name == "to":  # inclusive, and partial: to=2022-01 keeps all of January
                clauses.append("s.said < ?")
                params.append(value + "~")
            elif name == "year" and value == UNDATED:
                clauses.append("s.said IS NULL")
            elif name == "year":
                clauses.append("s.said >= ? AND s.said < ?")
                params += [value, value + "~"]
            elif name == "source":
                clauses.append("s.source_id IS ?" if value else "s.source_id IS NULL")
                params += [int(value)] if value else []
            else:
                raise StoreError(f"no statement facet {name!r} (use one of {', '.join(self._STATEMENT_FACETS)})")
        return "".join(f" AND {clause}" for clause in clauses), params

    def statement_facets(
        self, actor_id: int, filters: Filters = (), *, only: Collection[str] | None = None
    ) -> list[FacetValue]:
        """Each facet of an actor's statements (under the active `filters`): kind, stance, year, source, with counts.

        Datasette's facets: every value with how many of the rows shown have it,
        the commonest first (years newest first, undated last); sources, the 20
        commonest. One range of the actor's statements per facet; `only` asks for
        some facets (the browser asks for each in turn, the cheapest first: year
        reads the index only, the others each statement row).
        """
        where, params = self._statement_filters(filters)
        args = (actor_id, *params)
        wanted = set(self._STATEMENT_FACETS if only is None else only)

        def counted(select: str, joins: str = "", order: str = "2 DESC, 1") -> list[tuple[Any, ...]]:
            return self._all(
                f"SELECT {select}, count(DISTINCT s.id) FROM statements s {joins}"
                f" WHERE s.speaker_id = ?{where} GROUP BY 1 ORDER BY {order}",
                args,
            )

        out: list[FacetValue] = []
        if "year" in wanted:
            years = counted("substr(s.said, 1, 4)", order="1 DESC")
            out += [FacetValue("year", year, year, int(n)) for year, n in years if year]
            out += [FacetValue("year", UNDATED, UNDATED, int(n)) for year, n in years if not year]
        if "kind" in wanted:
            out += [FacetValue("kind", kind, kind, int(n)) for kind, n in counted("s.kind")]
        if "stance" in wanted:
            joined = "JOIN statement_measures f ON f.statement_id = s.id"
            out += [FacetValue("stance", stance, stance, int(n)) for stance, n in counted("f.stance", joined)]
        if "source" in wanted:
            joined = "LEFT JOIN sources src ON src.id = s.source_id"
            sources = counted("s.source_id, src.title", joined, order="3 DESC, 1 LIMIT 20")
            out += [
                FacetValue("source", str(source or ""), _text(title) or "no source", int(n))
                for source, title, n in sources
            ]
        return out

    def _statements_after(
        self, actor_id: int, key: tuple[str | None, int] | None, offset: int, limit: int, filters: Filters = ()
    ) -> list[StatementItem]:
        """Statements after the keyset `(said, id)` (said None: undated), then `offset` more skipped.

        Two indexed ranges of statements_by_speaker, dated (said, id descending) then
        undated (id descending), so a page never sorts an actor's 20,000 statements.
        """
        out: list[StatementItem] = []
        extra, extra_params = self._statement_filters(filters)
        if key is None or key[0] is not None:
            where = "s.speaker_id = ? AND s.said IS NOT NULL" + extra
            params: list[Any] = [actor_id, *extra_params]
            if key is not None:
                where += " AND (s.said, s.id) < (?, ?)"
                params += [key[0], key[1]]
            rows = self._all(
                f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE {where}"
                " ORDER BY s.said DESC, s.id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            out = [self._statement_item(r) for r in rows]
            if len(out) >= limit:
                return out
            if out:
                offset = 0
            elif offset:
                counted = self._one(f"SELECT count(*) FROM statements s WHERE {where}", params)
                offset = max(0, offset - (int(counted[0]) if counted else 0))
        where, params = "s.speaker_id = ? AND s.said IS NULL" + extra, [actor_id, *extra_params]
        if key is not None and key[0] is None:
            where += " AND s.id < ?"
            params.append(key[1])
        rows = self._all(
            f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE {where}"
            " ORDER BY s.id DESC LIMIT ? OFFSET ?",
            (*params, limit - len(out), offset),
        )
        return out + [self._statement_item(r) for r in rows]

    def statement_position(self, actor_id: int, statement_id: int, *, filters: Filters = ()) -> int | None:
        """Where a statement stands in `statements_page(actor_id, filters=...)`, or None if it is not there."""
        extra, params = self._statement_filters(filters)
        row = self._one(
            f"SELECT s.said FROM statements s WHERE s.id = ? AND s.speaker_id = ?{extra}",
            (statement_id, actor_id, *params),
        )
        if row is None:
            return None
        (said,) = row
        if said is not None:
            counted = self._one(
                "SELECT count(*) FROM statements s WHERE s.speaker_id = ? AND s.said IS NOT NULL"
                f" AND (s.said, s.id) > (?, ?){extra}",
                (actor_id, said, statement_id, *params),
            )
            return int(counted[0]) if counted else 0
        dated = self._one(f"SELECT count(*) FROM statements s WHERE s.speaker_id = ? AND s.said IS NOT NULL{extra}",
                          (actor_id, *params))
        undated = self._one(
            f"SELECT count(*) FROM statements s WHERE s.speaker_id = ? AND s.said IS NULL AND s.id > ?{extra}",
            (actor_id, statement_id, *params),
        )
        return (int(dated[0]) if dated else 0) + (int(undated[0]) if undated else 0)

    _INVOLVED = """
        WITH involved(measure_id, relation, rank) AS (
            SELECT id, 'imposed', 1 FROM measures WHERE imposed_by_id = :actor
            UNION ALL
            SELECT id, 'targeted', 2 FROM measures WHERE target_id = :actor
            UNION ALL
            SELECT sm.measure_id, 'mentioned', 3 FROM (
                SELECT id FROM statements WHERE speaker_id = :actor
                ORDER BY said DESC, id DESC LIMIT 1000
            ) s JOIN statement_measures sm ON sm.statement_id = s.id
        ),
        best AS (SELECT measure_id, relation, min(rank) FROM involved GROUP BY measure_id)
    """
    """The measures `measures_for` lists for an actor (the same bounded rule). The newest 1,000
    statements are read in index order (`said DESC` puts NULL last, as `coalesce(said, '')` does),
    so an actor with 100,000 statements costs no sort."""

    def measures_page(
        self, actor_id: int, *, limit: int = 100, offset: int = 0, filters: Filters = ()
    ) -> list[MeasureItem]:
        """The rows of `measures_for(actor_id)`, in its order, from the index (`_INVOLVED`), facet `filters` kept."""
        where, params = self._measure_filters(filters)
        rows = self._all(
            self._INVOLVED + f"SELECT {self._MEASURE_COLS}, best.relation FROM best"
            " JOIN measures m ON m.id = best.measure_id"
            " LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id"
            f" WHERE 1{where} ORDER BY coalesce(m.announced, '') DESC, m.id DESC LIMIT :limit OFFSET :offset",
            {"actor": actor_id, "limit": limit, "offset": offset, **params},
        )
        return [self._measure_item(r, r[13]) for r in rows]

    @staticmethod
    def _measure_filters(filters: Filters) -> tuple[str, dict[str, Any]]:
        """The Measures pane's facets (kind, status) as ` AND ...` on `measures m`, and their parameters."""
        clauses, params = [], {}
        for index, (name, value) in enumerate(filters):
            if name not in ("kind", "status"):
                raise StoreError(f"no measure facet {name!r} (use kind or status)")
            if value == "none":
                clauses.append(f" AND m.{name} IS NULL")
            else:
                clauses.append(f" AND m.{name} = :f{index}")
                params[f"f{index}"] = value
        return "".join(clauses), params

    def measure_facets(self, actor_id: int, filters: Filters = ()) -> list[FacetValue]:
        """The facets of the measures involving an actor (under the active `filters`): kind and status, counted."""
        where, params = self._measure_filters(filters)
        out: list[FacetValue] = []
        for facet in ("kind", "status"):
            for value, n in self._all(
                self._INVOLVED + f"SELECT m.{facet}, count(*) FROM best JOIN measures m ON m.id = best.measure_id"
                f" WHERE 1{where} GROUP BY 1 ORDER BY 2 DESC, 1",
                {"actor": actor_id, **params},
            ):
                out.append(FacetValue(facet, _text(value) or "none", _text(value) or "none", int(n)))
        return out

    def measures_for_count(self, actor_id: int, *, filters: Filters = ()) -> int:
        """How many measures `measures_for(actor_id)` lists in all (with facet `filters`)."""
        where, params = self._measure_filters(filters)
        row = self._one(
            self._INVOLVED + f"SELECT count(*) FROM best JOIN measures m ON m.id = best.measure_id WHERE 1{where}",
            {"actor": actor_id, **params},
        )
        return int(row[0]) if row else 0

    def measure_position(self, actor_id: int, measure_id: int, *, filters: Filters = ()) -> int | None:
        """Where a measure stands in `measures_for(actor_id)` (with facet `filters`), or None if it is not there."""
        where, params = self._measure_filters(filters)
        row = self._one(
            self._INVOLVED + "SELECT coalesce(m.announced, ''), m.id FROM best"
            f" JOIN measures m ON m.id = best.measure_id WHERE m.id = :measure{where}",
            {"actor": actor_id, "measure": measure_id, **params},
        )
        if row is None:
            return None
        counted = self._one(
            self._INVOLVED + "SELECT count(*) FROM best JOIN measures m ON m.id = best.measure_id"
            f" WHERE (coalesce(m.announced, ''), m.id) > (:announced, :measure){where}",
            {"actor": actor_id, "announced": row[0], "measure": measure_id, **params},
        )
        return int(counted[0]) if counted else 0

    def consequence_count(self, measure_id: int) -> int:
        row = self._one("SELECT count(*) FROM consequences WHERE measure_id = ?", (measure_id,))
        return int(row[0]) if row else 0

    def consequence_position(self, measure_id: int, consequence_id: int) -> int | None:
        """Where a consequence stands in `consequences_of(measure_id)`, or None if it is another's."""
        row = self._one(
            "SELECT count(*) FROM consequences c JOIN consequences own ON own.id = ? AND own.measure_id = ?"
            " WHERE c.measure_id = own.measure_id AND c.position < own.position",
            (consequence_id, measure_id),
        )
        exists = self._one("SELECT 1 FROM consequences WHERE id = ? AND measure_id = ?", (consequence_id, measure_id))
        if exists is None:
            return None
        return int(row[0]) if row else 0

    # ----------------------------------------------------------------- export

    def export_bundle(self) -> Bundle:
        """The whole dossier as a bundle, in insertion order, ready to import elsewhere.

        Export is the one read that walks whole tables: it is what the user asked for.
        """
        from .models import (  # the bundle models (pydantic) only for export: the browser never needs them
            Actor,
            Alias,
            Bundle,
            Consequence,
            DossierInfo,
            Event,
            Measure,
            ResponseLink,
            Source,
            Statement,
            StatementAbout,
        )

        with self._cursor() as conn:
            meta = dict(conn.execute("SELECT key, value FROM dossier_meta").fetchall())
            slug_of: dict[str, dict[int, str]] = {
                table: dict(conn.execute(f"SELECT id, slug FROM {table}").fetchall())
                for table in ("actors", "sources", "measures", "statements", "events")
            }
            actor, source, measure = slug_of["actors"], slug_of["sources"], slug_of["measures"]

            def opt(table: dict[int, str], key: int | None) -> str | None:
                return table[key] if key is not None else None

            def grouped(sql: str) -> dict[int, list[tuple[Any, ...]]]:
                out: dict[int, list[tuple[Any, ...]]] = {}
                for row in conn.execute(sql):
                    out.setdefault(row[0], []).append(tuple(row[1:]))
                return out

            aliases = grouped("SELECT actor_id, name, lang FROM aliases ORDER BY id")
            links = grouped("SELECT measure_id, responds_to_id, asserted_by_id FROM measure_links ORDER BY id")
            consequences = grouped(
                "SELECT measure_id, slug, description, affects_id, due, certainty FROM consequences"
                " ORDER BY measure_id, position"
            )
            abouts = grouped("SELECT statement_id, measure_id, stance FROM statement_measures ORDER BY rowid")
            participants = grouped("SELECT event_id, actor_id FROM event_actors ORDER BY rowid")

            def clean(**fields: Any) -> dict[str, Any]:
                return {k: v for k, v in fields.items() if v is not None}

            sources = [
                Source(**clean(slug=r[0], title=r[1], outlet=r[2], url=r[3], published=r[4], note=r[5]))
                for r in conn.execute("SELECT slug, title, outlet, url, published, note FROM sources ORDER BY id")
            ]
            actors = [
                Actor(
                    **clean(
                        slug=r[1],
                        name=r[2],
                        kind=r[3],
                        role=r[4],
                        affiliation=opt(actor, r[5]),
                        country=r[6],
                        description=r[7],
                        aliases=tuple(Alias(**clean(name=n, lang=lang)) for n, lang in aliases.get(r[0], [])),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, name, kind, role, affiliation_id, country, description FROM actors ORDER BY id"
                )
            ]
            measures = [
                Measure(
                    **clean(
                        slug=r[1],
                        title=r[2],
                        kind=r[3],
                        imposed_by=opt(actor, r[4]),
                        target=opt(actor, r[5]),
                        quantity=r[6],
                        announced=r[7],
                        effective=r[8],
                        status=r[9],
                        description=r[10],
                        source=opt(source, r[11]),
                        in_response_to=tuple(
                            ResponseLink(**clean(measure=measure[to], asserted_by=opt(actor, by)))
                            for to, by in links.get(r[0], [])
                        ),
                        consequences=tuple(
                            Consequence(
                                **clean(slug=c[0], description=c[1], affects=opt(actor, c[2]), due=c[3], certainty=c[4])
                            )
                            for c in consequences.get(r[0], [])
                        ),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, title, kind, imposed_by_id, target_id, quantity, announced, effective, status,"
                    " description, source_id FROM measures ORDER BY id"
                )
            ]
            statements = [
                Statement(
                    **clean(
                        slug=r[1],
                        speaker=actor[r[2]],
                        speaker_role=r[3],
                        text=r[4],
                        kind=r[5],
                        lang=r[6],
                        said=r[7],
                        via=r[8],
                        source=opt(source, r[9]),
                        about=tuple(
                            StatementAbout(measure=measure[m], stance=stance) for m, stance in abouts.get(r[0], [])
                        ),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, speaker_id, speaker_role, text, kind, lang, said, via, source_id"
                    " FROM statements ORDER BY id"
                )
            ]
            events = [
                Event(
                    **clean(
                        slug=r[1],
                        title=r[2],
                        date=r[3],
                        place=r[4],
                        description=r[5],
                        source=opt(source, r[6]),
                        participants=tuple(actor[a] for (a,) in participants.get(r[0], [])),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, title, date, place, description, source_id FROM events ORDER BY id"
                )
            ]
        info = None
        if "title" in meta:
            info = DossierInfo(**clean(title=meta["title"], description=meta.get("description")))
        return Bundle(
            dossier=info,
            sources=tuple(sources),
            actors=tuple(actors),
            measures=tuple(measures),
            statements=tuple(statements),
            events=tuple(events),
        )

    # ----------------------------------------------------------------- chains, timeline, relations
    #
    # The three views of the exchange of measures: the response chain of one
    # measure, the merged timeline, and the pairs of actors. Each query is
    # bounded (a depth and step limit, a keyset and a limit, a limit and an
    # offset) and walks an index; see tests/test_views_store.py for the plans.

    CHAIN_MAX_DEPTH = 100
    """The deepest a chain may be walked, in each direction."""

    def chain(self, measure_id: int, *, depth: int = 12, limit: int = 200) -> Chain:
        """A measure, what it answers and what answers it, recursively, oldest rung first.

        Both directions are walked by a recursive query over `measure_links`,
        at most `depth` links away and at most `limit` steps each way. A cycle
        (A answers B answers A) ends the walk where it closes: the step that
        links back is marked with `loops_to`. A measure reached along several
        paths is listed once, at its shortest distance from the root.
        """
        depth = max(1, min(int(depth), self.CHAIN_MAX_DEPTH))
        limit = max(1, int(limit))
        root = self.measure(measure_id)
        # (node, depth, via, looped) per direction; looped rows are not steps.
        found: dict[str, list[tuple[int, int, int, int]]] = {}
        cap = limit * 20
        truncated = False
        for direction, here, nxt in (
            ("answers", "measure_id", "responds_to_id"),
            ("answered-by", "responds_to_id", "measure_id"),
        ):
            rows = self._all(
                f"""
                WITH RECURSIVE walk(id, depth, via, path, looped) AS (
                    SELECT :root, 0, NULL, '/' || :root || '/', 0
                    UNION
                    SELECT l.{nxt}, w.depth + 1, w.id, w.path || l.{nxt} || '/',
                           instr(w.path, '/' || l.{nxt} || '/') > 0
                    FROM walk w JOIN measure_links l ON l.{here} = w.id
                    WHERE w.looped = 0 AND w.depth <= :depth
                    LIMIT :cap
                )
                SELECT id, depth, via, looped FROM walk WHERE depth > 0
                """,
                {"root": measure_id, "depth": depth, "cap": cap},
            )
            truncated = truncated or len(rows) + 1 >= cap
            found[direction] = [(r[0], r[1], r[2], r[3]) for r in rows]

        # Reduce the walks to steps: the shortest path to each measure, the loops, the depth cut-offs.
        steps: dict[str, dict[int, tuple[int, int]]] = {}
        loops: dict[tuple[str, int], set[int]] = {}
        more: set[tuple[str, int]] = set()
        for direction, rows in found.items():
            best: dict[int, tuple[int, int]] = {}
            for node, d, via, looped in rows:
                if looped:
                    loops.setdefault((direction, via), set()).add(node)
                elif d > depth:
                    more.add((direction, via))
                elif node not in best or d < best[node][0]:
                    best[node] = (d, via)
            steps[direction] = best
        ids = {measure_id} | {n for best in steps.values() for n in best} | {n for ns in loops.values() for n in ns}
        items = self._measures_by_id(ids)
        kept: dict[str, list[int]] = {}
        for direction, best in steps.items():
            order = sorted(
                (n for n in best if n in items),
                key=lambda n: (best[n][0], items[n][0].announced or "", n),
            )
            truncated = truncated or len(order) > limit
            kept[direction] = order[:limit]
        shown = {measure_id} | {n for order in kept.values() for n in order}
        consequences = self._consequences_by_measure(shown)
        asserters = self._link_asserters(shown)

        def ref(node: int) -> MeasureRef:
            item = items[node][0]
            return MeasureRef(id=item.id, slug=item.slug, title=item.title)

        def step(direction: ChainDirection, node: int, d: int, via: int) -> ChainStep:
            link = (via, node) if direction == "answers" else (node, via)
            who = asserters.get(link, ([], False))
            return ChainStep(
                measure=items[node][0],
                effective=items[node][1],
                direction=direction,
                depth=-d if direction == "answers" else d,
                via=ref(via),
                asserted_by=tuple(who[0]),
                unattributed=who[1],
                consequences=tuple(consequences.get(node, ())),
                loops_to=tuple(ref(n) for n in sorted(loops.get((direction, node), ())) if n in items),
                more=(direction, node) in more,
            )

        # Ladder order: the oldest rung (the farthest measure the root answers) first.
        answers = sorted(
            (step("answers", n, *steps["answers"][n]) for n in kept["answers"]),
            key=lambda s: (s.depth, s.measure.announced or "", s.measure.id),
        )
        answered = [step("answered-by", n, *steps["answered-by"][n]) for n in kept["answered-by"]]
        loops_here = loops.get(("answers", measure_id), set()) | loops.get(("answered-by", measure_id), set())
        root_step = ChainStep(
            measure=items[measure_id][0],
            effective=items[measure_id][1],
            direction="root",
            depth=0,
            consequences=tuple(consequences.get(measure_id, ())),
            loops_to=tuple(ref(n) for n in sorted(loops_here) if n in items),
            more=("answers", measure_id) in more or ("answered-by", measure_id) in more,
        )
        return Chain(
            root=MeasureRef(id=root.id, slug=root.slug, title=root.title),
            depth=depth,
            steps=(*answers, root_step, *answered),
            truncated=truncated,
        )

    def _measures_by_id(self, ids: set[int]) -> dict[int, tuple[MeasureItem, str | None]]:
        """Measures (with their effective date) for a bounded set of ids."""
        out: dict[int, tuple[MeasureItem, str | None]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._all(
                f"SELECT {self._MEASURE_COLS}, m.effective FROM {self._MEASURE_FROM} WHERE m.id IN ({marks})", chunk
            ):
                out[r[0]] = (self._measure_item(r), r[13])
        return out

    def _consequences_by_measure(self, ids: set[int], per_measure: int = 20) -> dict[int, list[ConsequenceItem]]:
        """The first consequences of each measure in a bounded set."""
        out: dict[int, list[ConsequenceItem]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._all(
                "SELECT c.id, c.slug, m.id, m.slug, m.title, c.description, a.id, a.slug, a.name, c.due, c.certainty"
                " FROM consequences c JOIN measures m ON m.id = c.measure_id LEFT JOIN actors a ON a.id = c.affects_id"
                f" WHERE c.measure_id IN ({marks}) AND c.position <= ? ORDER BY c.measure_id, c.position",
                (*chunk, per_measure),
            )
            for r in rows:
                out.setdefault(r[2], []).append(
                    ConsequenceItem(
                        id=r[0],
                        slug=r[1],
                        measure=MeasureRef(id=r[2], slug=r[3], title=r[4]),
                        description=r[5],
                        affects=_actor_ref(r, 6),
                        due=r[9],
                        certainty=r[10],
                    )
                )
        return out

    def _link_asserters(self, ids: set[int]) -> dict[tuple[int, int], tuple[list[ActorRef], bool]]:
        """For links between measures of a bounded set: (measure, responds_to) -> (asserters, unattributed)."""
        out: dict[tuple[int, int], tuple[list[ActorRef], bool]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._all(
                "SELECT l.measure_id, l.responds_to_id, a.id, a.slug, a.name FROM measure_links l"
                f" LEFT JOIN actors a ON a.id = l.asserted_by_id WHERE l.measure_id IN ({marks}) ORDER BY l.id LIMIT ?",
                (*chunk, 20 * len(chunk)),
            )
            for r in rows:
                if r[1] not in ids:
                    continue
                who, unattributed = out.setdefault((r[0], r[1]), ([], False))
                actor = _actor_ref(r, 2)
                if actor is None:
                    out[(r[0], r[1])] = (who, True)
                elif actor not in who:
                    who.append(actor)
        return out

    _TIMELINE_MEASURE_COLS = (
        "'measure', m.slug, m.title, m.quantity, i.id, i.slug, i.name, t.id, t.slug, t.name, NULL, NULL, NULL, NULL"
    )
    # The timeline's branches: (kind, date column, FROM, columns, actor filter). Each branch
    # is read in (date, id) order from its own date index and cut at the page size before
    # the branches are merged, so a page costs a few index seeks whatever the dossier's size.
    _TIMELINE_BRANCHES: tuple[tuple[str, str, str, str, str], ...] = (
        (
            "event",
            "e.date",
            "events e",
            "'event', e.slug, e.title, e.place, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
            "e.id IN (SELECT event_id FROM event_actors WHERE actor_id = :actor)",
        ),
        (
            "announced",
            "m.announced",
            "measures m LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id",
            _TIMELINE_MEASURE_COLS,
            "(m.imposed_by_id = :actor OR m.target_id = :actor)",
        ),
        (
            "statement",
            "s.said",
            "statements s JOIN actors a ON a.id = s.speaker_id",
            "'statement', s.slug, substr(s.text, 1, 400), s.via, a.id, a.slug, a.name,"
            " NULL, NULL, NULL, NULL, NULL, NULL, s.kind",
            "s.speaker_id = :actor",
        ),
        (
            "effective",
            "m.effective",
            "measures m LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id",
            _TIMELINE_MEASURE_COLS,
            "(m.imposed_by_id = :actor OR m.target_id = :actor)",
        ),
        (
            "due",
            "c.due",
            "consequences c JOIN measures m ON m.id = c.measure_id LEFT JOIN actors a ON a.id = c.affects_id",
            "'consequence', c.slug, c.description, c.certainty, a.id, a.slug, a.name,"
            " NULL, NULL, NULL, m.id, m.slug, m.title, NULL",
            "(c.affects_id = :actor OR m.imposed_by_id = :actor OR m.target_id = :actor)",
        ),
    )

    def timeline(
        self,
        *,
        actor_id: int | None = None,
        kinds: Collection[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        after: tuple[str, int, int] | None = None,
        limit: int = 100,
    ) -> list[TimelineItem]:
        """Dated statements, measures (announced, effective), due dates and events, merged in date order.

        Dates sort as text, so a partial date comes before the full dates it
        contains: `2022` < `2022-01` < `2022-01-30`. Within one date, events
        come first, then measures announced, statements, measures taking
        effect and due dates (the order of `TIMELINE_KINDS`), each by id.
        Undated items have no place on a timeline and are left out.

        `actor_id` keeps what involves that actor: its statements, measures it
        imposed or was the target of, consequences that affect it or belong to
        such a measure, events it took part in. `date_from` and `date_to` are
        inclusive and may be partial (`date_to='2022-01'` keeps all of January).
        `after` is the keyset of the last item seen (`TimelineItem.cursor`).
        """
        sql, params = self._timeline_sql(
            actor_id=actor_id, kinds=kinds, date_from=date_from, date_to=date_to, after=after, limit=limit
        )
        if not sql:
            return []
        rows = self._all(sql, params)
        events = [r[2] for r in rows if r[1] == 0]
        participants = self._participants(events)
        items: list[TimelineItem] = []
        for r in rows:
            actors = [a for a in (_actor_ref(r, 7), _actor_ref(r, 10)) if a is not None]
            items.append(
                TimelineItem(
                    date=r[0],
                    kind=TIMELINE_KINDS[r[1]],
                    entity=r[3],
                    id=r[2],
                    slug=r[4],
                    summary=r[5],
                    detail=r[6],
                    actors=tuple(participants.get(r[2], ())) if r[1] == 0 else tuple(actors),
                    measure=MeasureRef(id=r[13], slug=r[14], title=r[15]) if r[13] is not None else None,
                    statement_kind=r[16],
                )
            )
        return items

    def _timeline_sql(
        self,
        *,
        actor_id: int | None,
        kinds: Collection[str] | None,
        date_from: str | None,
        date_to: str | None,
        after: tuple[str, int, int] | None,
        limit: int,
    ) -> tuple[str, dict[str, Any]]:
        """The timeline's query: one index-ordered, limited branch per kind, merged (empty when no kind is left)."""
        wanted = set(TIMELINE_KINDS) if kinds is None else set(kinds)
        unknown = wanted - set(TIMELINE_KINDS)
        if unknown:
            raise StoreError(f"unknown timeline kind {sorted(unknown)[0]!r} (use one of {', '.join(TIMELINE_KINDS)})")
        for label, value in (("from", date_from), ("to", date_to)):
            if value is not None and not is_partial_date(value):
                raise StoreError(f"the {label} date {value[:40]!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        limit = max(1, int(limit))
        params: dict[str, Any] = {"limit": limit, "actor": actor_id, "from": date_from}
        # Dates hold only digits and '-', so every date that starts with `date_to` sorts before `date_to + '~'`.
        params["to"] = date_to + "~" if date_to is not None else None
        if after is not None:
            params.update({"after_date": after[0], "after_id": after[2]})
        branches: list[str] = []
        for rank, (kind, date_col, from_, columns, actor_filter) in enumerate(self._TIMELINE_BRANCHES):
            if kind not in wanted:
                continue
            id_col = date_col.split(".")[0] + ".id"
            where = [f"{date_col} IS NOT NULL"]
            if after is not None:
                if rank > after[1]:
                    where.append(f"{date_col} >= :after_date")
                elif rank < after[1]:
                    where.append(f"{date_col} > :after_date")
                else:
                    where.append(f"({date_col}, {id_col}) > (:after_date, :after_id)")
            if date_from is not None:
                where.append(f"{date_col} >= :from")
            if date_to is not None:
                where.append(f"{date_col} < :to")
            if actor_id is not None:
                where.append(actor_filter)
            branches.append(
                f"SELECT * FROM (SELECT {date_col} AS date, {rank} AS rank, {id_col} AS id, {columns}"
                f" FROM {from_} WHERE {' AND '.join(where)} ORDER BY {date_col}, {id_col} LIMIT :limit)"
            )
        if not branches:
            return "", params
        return " UNION ALL ".join(branches) + " ORDER BY 1, 2, 3 LIMIT :limit", params

    def timeline_undated(
        self,
        *,
        actor_id: int | None = None,
        kinds: Collection[str] | None = None,
        after: tuple[int, int] | None = None,
        limit: int = 100,
    ) -> list[TimelineItem]:
        """What has no date, for the timeline's last group: events, measures, statements, due dates, in that order.

        A measure is undated when it has neither an announced nor an effective
        date. Within a kind by id; `after` is `(kind rank, id)` of the last item
        seen (`TimelineItem.cursor[1:]`). Each item's `date` is "". `actor_id`
        and `kinds` as for `timeline`. Each branch reads one index range
        (`<date> IS NULL`, then id), so a page costs the same on any dossier.
        """
        wanted = set(TIMELINE_KINDS) if kinds is None else set(kinds)
        params: dict[str, Any] = {"limit": max(1, int(limit)), "actor": actor_id}
        if after is not None:
            params.update({"after_rank": after[0], "after_id": after[1]})
        branches: list[str] = []
        for rank, (kind, date_col, from_, columns, actor_filter) in enumerate(self._TIMELINE_BRANCHES):
            if kind not in wanted or kind == "effective":
                continue
            if after is not None and rank < after[0]:
                continue
            id_col = date_col.split(".")[0] + ".id"
            where = [f"{date_col} IS NULL"]
            if kind == "announced":
                where.append("m.effective IS NULL")
            if after is not None and rank == after[0]:
                where.append(f"{id_col} > :after_id")
            if actor_id is not None:
                where.append(actor_filter)
            branches.append(
                f"SELECT * FROM (SELECT '' AS date, {rank} AS rank, {id_col} AS id, {columns}"
                f" FROM {from_} WHERE {' AND '.join(where)} ORDER BY {date_col}, {id_col} LIMIT :limit)"
            )
        if not branches:
            return []
        rows = self._all(" UNION ALL ".join(branches) + " ORDER BY 2, 3 LIMIT :limit", params)
        participants = self._participants([r[2] for r in rows if r[1] == 0])
        return [
            TimelineItem(
                date="",
                kind=TIMELINE_KINDS[r[1]],
                entity=r[3],
                id=r[2],
                slug=r[4],
                summary=r[5],
                detail=r[6],
                actors=tuple(participants.get(r[2], ()))
                if r[1] == 0
                else tuple(a for a in (_actor_ref(r, 7), _actor_ref(r, 10)) if a is not None),
                measure=MeasureRef(id=r[13], slug=r[14], title=r[15]) if r[13] is not None else None,
                statement_kind=r[16],
            )
            for r in rows
        ]

    def _participants(self, event_ids: Sequence[int], per_event: int = 5) -> dict[int, list[ActorRef]]:
        """The first few participants (by name) of a bounded list of events."""
        out: dict[int, list[ActorRef]] = {}
        for event_id in event_ids:
            out[event_id] = [
                ActorRef(id=r[0], slug=r[1], name=r[2])
                for r in self._all(
                    "SELECT a.id, a.slug, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id"
                    " WHERE ea.event_id = ? ORDER BY a.name, a.id LIMIT ?",
                    (event_id, per_event),
                )
            ]
        return out

    REPLY_CAP = 1000
    """Replies to one side of a relation are counted up to this many (then shown as "1000+")."""

    def relations(
        self, *, actor_id: int | None = None, limit: int = 20, offset: int = 0, replies: bool = True
    ) -> list[Relation]:
        """Pairs of actors with the measures each took against the other, busiest pair first.

        A pair is two different actors joined by at least one measure with both
        an imposer and a target. `first` is the actor asked about, else the side
        that took more measures. Each side carries its measure count, its newest
        measures with their quantities, its consequence count, and the replies:
        statements about those measures by the target's side (the target itself
        or anyone affiliated with it, directly or through an organisation).
        Without `replies`, the sides come without them (see `relation_side`).

        Finding the pairs groups every measure with both ends, reading the
        covering index `measures_by_pair` once (about 10 ms for 20,000
        measures); everything else is per pair on the page.
        """
        limit, offset = max(1, int(limit)), max(0, int(offset))
        if actor_id is None:
            directed = (
                "SELECT imposed_by_id AS a, target_id AS b, count(*) AS n FROM measures"
                " WHERE imposed_by_id IS NOT NULL AND target_id IS NOT NULL AND imposed_by_id != target_id"
                " GROUP BY imposed_by_id, target_id"
            )
        else:
            directed = (
                "SELECT imposed_by_id AS a, target_id AS b, count(*) AS n FROM measures"
                " WHERE imposed_by_id = :actor AND target_id IS NOT NULL AND target_id != :actor GROUP BY target_id"
                " UNION ALL"
                " SELECT imposed_by_id AS a, target_id AS b, count(*) AS n FROM measures"
                " WHERE target_id = :actor AND imposed_by_id IS NOT NULL AND imposed_by_id != :actor"
                " GROUP BY imposed_by_id"
            )
        pairs = self._all(
            f"""
            WITH directed AS ({directed})
            SELECT min(a, b) AS lo, max(a, b) AS hi, sum(n) AS total,
                   sum(CASE WHEN a < b THEN n ELSE 0 END) AS lo_to_hi
            FROM directed GROUP BY lo, hi ORDER BY total DESC, lo, hi LIMIT :limit OFFSET :offset
            """,
            {"actor": actor_id, "limit": limit, "offset": offset},
        )
        relations: list[Relation] = []
        for lo, hi, total, lo_to_hi in pairs:
            if actor_id is not None:
                first, second = (lo, hi) if lo == actor_id else (hi, lo)
            else:
                first, second = (lo, hi) if lo_to_hi * 2 >= total else (hi, lo)
            forward = self.relation_side(first, second, replies=replies)
            backward = self.relation_side(second, first, replies=replies)
            relations.append(Relation(first=forward.imposer, second=forward.target, forward=forward, backward=backward))
        return relations

    def relation_side(self, imposer_id: int, target_id: int, *, replies: bool = True) -> RelationSide:
        """What `imposer_id` did to `target_id`, and (with `replies`) what the target's side said about it.

        Counting replies reads every statement about the pair's measures (up to
        `REPLY_CAP`), which on a big dossier costs milliseconds per side, so a
        screen asks for the measures first and the replies in a second step.
        """
        names = {
            r[0]: ActorRef(id=r[0], slug=r[1], name=r[2])
            for r in self._all("SELECT id, slug, name FROM actors WHERE id IN (?, ?)", (imposer_id, target_id))
        }
        if imposer_id not in names or target_id not in names:
            raise StoreError(f"no actor with id {imposer_id if imposer_id not in names else target_id}")
        pair = {"a": imposer_id, "b": target_id, "cap": self.REPLY_CAP, "n": 5}
        (count, consequence_count) = self._one(
            "SELECT count(*), coalesce(sum((SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)), 0)"
            " FROM measures m WHERE m.imposed_by_id = :a AND m.target_id = :b",
            pair,
        ) or (0, 0)
        newest = self._all(
            "SELECT m.id, m.slug, m.title, m.quantity, m.announced,"
            " (SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)"
            " FROM measures m WHERE m.imposed_by_id = :a AND m.target_id = :b"
            " ORDER BY m.announced DESC, m.id DESC LIMIT :n",
            pair,
        )
        side = RelationSide(
            imposer=names[imposer_id],
            target=names[target_id],
            measure_count=count,
            measures=tuple(
                RelationMeasure(
                    measure=MeasureRef(id=r[0], slug=r[1], title=r[2]),
                    quantity=r[3],
                    announced=r[4],
                    consequence_count=r[5],
                )
                for r in newest
            ),
            consequence_count=consequence_count,
        )
        return self._with_replies(side) if replies else side

    def _with_replies(self, side: RelationSide, newest: int = 3) -> RelationSide:
        """The side with its replies: statements by the target's side about the imposer's measures."""
        # The target's side: the target and whoever is affiliated with it, however indirectly.
        rows = self._all(
            "WITH RECURSIVE side(id) AS ("
            " SELECT :b UNION SELECT a.id FROM actors a JOIN side ON a.affiliation_id = side.id LIMIT :cap)"
            " SELECT sm.statement_id, sm.stance, coalesce(s.said, '') FROM measures m"
            " JOIN statement_measures sm ON sm.measure_id = m.id JOIN statements s ON s.id = sm.statement_id"
            " WHERE m.imposed_by_id = :a AND m.target_id = :b AND s.speaker_id IN (SELECT id FROM side) LIMIT :cap",
            {"a": side.imposer.id, "b": side.target.id, "cap": self.REPLY_CAP},
        )
        stances: dict[str, int] = {}
        dates: dict[int, str] = {}
        for statement_id, stance, said in rows:
            stances[stance] = stances.get(stance, 0) + 1
            dates[statement_id] = said
        latest = sorted(dates, key=lambda sid: (dates[sid], sid), reverse=True)[:newest]
        replies = [self.statement(sid) for sid in latest]
        return side._replace(
            replies_counted=True,
            reply_count=len(dates),
            reply_capped=len(rows) >= self.REPLY_CAP,
            reply_stances=tuple(sorted(stances.items(), key=lambda kv: (-kv[1], kv[0]))),
            replies=tuple(replies),
        )


# --------------------------------------------------------------------------- search runs

ENTITY_KIND_CODES = {"actor": 1, "measure": 2, "consequence": 3, "event": 4}
"""entities_fts and entities_trigram rowid = entity id * 8 + kind code: a point lookup, never a scan."""

_SEARCH_KINDS: tuple[SearchKind, ...] = ("actor", "measure", "event", "consequence", "statement")
_MARKS = "char(57344), char(57345)"  # dossier.search.MARK_START, MARK_END
_NO_BOUND = 1 << 62
_STEPS = 1000  # SQLite VM steps between deadline checks: well under a millisecond


@dataclass(frozen=True)
class _Found:
    """A hit before it is a `SearchHit`: its kind, id and, when the index made one, its snippet."""

    kind: SearchKind
    id: int
    snippet: tuple[tuple[str, bool], ...] | None = None


class _SearchRun:
    """The queries of one `search_page` call: one parsed query, one deadline, one stop switch.

    Every index query runs on the store's search connection with a progress
    handler that aborts it past the deadline or when `should_stop()` is true;
    an aborted query keeps the rows it produced and marks the run incomplete.
    """

    def __init__(
        self,
        store: Store,
        query: SearchQuery,
        deadline: float,
        should_stop: Callable[[], bool] | None,
        scan_window: int,
    ) -> None:
        from .search import names_match, substring_plan, word_match

        self.store, self.query, self.deadline, self.should_stop = store, query, deadline, should_stop
        self.scan_window = scan_window
        self.complete = True
        self._stopped = False
        entity_parts = [e for e in (word_match(query, "title body"), names_match(query)) if e]
        self.entity_words = " OR ".join(f"({e})" for e in entity_parts) or None
        self.substrings = substring_plan(query)
        self._scan_floor: int | None = None
        self.full_prefixes = False
        self.prefixes_limited = False
        self._statement_words: str | None | bool = False  # computed on first use

    # ------------------------------------------------------------- running one query

    def _handler(self) -> int:
        try:
            stop = time.monotonic() >= self.deadline or bool(self.should_stop and self.should_stop())
        except Exception:  # a broken callback must not turn into an SQLite error for the user
            stop = True
        self._stopped = self._stopped or stop
        return 1 if stop else 0

    @property
    def stopped(self) -> bool:
        return self._handler() == 1

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run one bounded query; if the deadline or the caller stops it, keep what it found."""
        if self.stopped:
            self.complete = False
            return []
        store = self.store
        out: list[tuple[Any, ...]] = []
        with store._search_lock:
            conn = store._search_connection()
            conn.set_progress_handler(self._handler, _STEPS)
            try:
                cursor = conn.execute(sql, params)
                while True:
                    row: Any = cursor.fetchone()  # one at a time: an abort keeps every row before it
                    if row is None:
                        break
                    out.append(tuple(row))
            except sqlite3.OperationalError as exc:
                if not self._stopped:
                    raise StoreError(f"{store.path}: search failed ({exc})") from None
                self.complete = False
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{store.path}: search failed ({exc})") from None
            finally:
                conn.set_progress_handler(None, 0)
        return out

    def _filters(self, column: str, plan: SubstringPlan) -> tuple[str, list[Any]]:
        sql = "".join(f" AND instr(lower({column}), ?) > 0" for _ in plan.contains)
        sql += "".join(f" AND instr(lower({column}), ?) = 0" for _ in plan.lacks)
        return sql, [*plan.contains, *plan.lacks]

    # ------------------------------------------------------------- newest first

    def recent(self, kind: SearchKind, want: int, before: int | None) -> list[_Found]:
        """The newest `want` hits of one kind with an id below `before`."""
        if kind == "statement":
            return self._recent_statements(want, before)
        code = ENTITY_KIND_CODES[kind]
        bound = before * 8 if before is not None else _NO_BOUND
        found: dict[int, _Found] = {}
        if self.entity_words:
            for rowid, title, body in self.rows(
                f"SELECT rowid, highlight(entities_fts, 2, {_MARKS}), snippet(entities_fts, 3, {_MARKS}, '…', 16)"
                " FROM entities_fts WHERE entities_fts MATCH ? AND rowid < ? AND rowid % 8 = ?"
                " ORDER BY rowid DESC LIMIT ?",
                (self.entity_words, bound, code, want),
            ):
                found[rowid] = _Found(kind, rowid // 8, self._entity_snippet(title, body))
        for rowid in self._entity_substrings(code, bound, want):
            found.setdefault(rowid, _Found(kind, rowid // 8))
        return [found[r] for r in sorted(found, reverse=True)[:want]]

    def _entity_substrings(self, code: int, bound: int, want: int) -> list[int]:
        plan = self.substrings
        if plan is None:
            return []
        filters, params = self._filters("text", plan)
        match = "entities_trigram MATCH ? AND " if plan.match else ""
        head = [plan.match] if plan.match else []
        rows = self.rows(
            f"SELECT rowid FROM entities_trigram WHERE {match}rowid < ? AND rowid % 8 = ?{filters}"
            " ORDER BY rowid DESC LIMIT ?",
            (*head, bound, code, *params, want),
        )
        return [r[0] for r in rows]

    def _entity_snippet(self, title: str | None, body: str | None) -> tuple[tuple[str, bool], ...]:
        from .search import mark_folded, segments

        parts = list(segments(title))
        body_parts = segments(body)
        if any(marked for _, marked in body_parts):
            parts = [*parts, (" — ", False), *body_parts] if parts else list(body_parts)
        if not any(marked for _, marked in parts):  # matched by its folded names only
            return mark_folded(title or "", self.query)
        return tuple(parts)

    def statement_words(self) -> str | None:
        """The statement index's expression, with common prefixes as whole words unless `full_prefixes`."""
        if self._statement_words is False:
            from .search import word_match

            whole = frozenset() if self.full_prefixes else frozenset(t for t in self.query.terms if self._common(t))
            # older statements with longer forms of these words are not looked at: the page is not complete
            self.prefixes_limited = bool(whole)
            self._statement_words = word_match(self.query, whole=whole)
        return self._statement_words if isinstance(self._statement_words, str) else None

    def _common(self, term: Term) -> bool:
        """Whether a prefix term is frequent enough that FTS5 would take long to merge its words.

        Estimated from its share of the newest PREFIX_SAMPLE statements (as a
        fragment, which over-counts: the estimate errs on the safe side).
        """
        if not term.prefix:
            return False
        top = self.rows("SELECT max(id) FROM statements", ())
        newest = int(top[0][0] or 0) if top else 0
        if newest <= self.store.PREFIX_POSTINGS:
            return False
        sample = self.store.PREFIX_SAMPLE
        rows = self.rows(
            "SELECT count(*) FROM (SELECT 1 FROM statements WHERE id > ? AND text LIKE ? ESCAPE '\\')",
            (newest - sample, _like_pattern(term.text)),
        )
        share = (rows[0][0] if rows else sample) / sample
        return share * newest > self.store.PREFIX_POSTINGS

    def _recent_statements(self, want: int, before: int | None) -> list[_Found]:
        bound = before if before is not None else _NO_BOUND
        found: dict[int, _Found] = {}
        words = self.statement_words()
        if words:
            for rowid, snippet in self.rows(
                f"SELECT rowid, snippet(statements_fts, 0, {_MARKS}, '…', 16) FROM statements_fts"
                " WHERE statements_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
                (words, bound, want),
            ):
                found[rowid] = _Found("statement", rowid, _segments(snippet))
        for rowid in self._statement_substrings(bound, want):
            found.setdefault(rowid, _Found("statement", rowid))
        return [found[r] for r in sorted(found, reverse=True)[:want]]

    def _statement_substrings(self, bound: int, want: int) -> list[int]:
        """Statements holding every term as a substring: CJK ones by trigrams, the newest ones by a scan."""
        plan = self.substrings
        if plan is None:
            return []
        ids: list[int] = []
        if plan.match and self.query.cjk:
            filters, params = self._filters("text", plan)
            ids += [
                r[0]
                for r in self.rows(
                    f"SELECT rowid FROM statements_cjk WHERE statements_cjk MATCH ? AND rowid < ?{filters}"
                    " ORDER BY rowid DESC LIMIT ?",
                    (plan.match, bound, *params, want),
                )
            ]
        if self._scan_floor is None:
            top = self.rows("SELECT max(id) FROM statements", ())
            self._scan_floor = int(top[0][0] or 0) - self.scan_window if top else 0
        # LIKE, not instr(lower()): the same ASCII-only case folding, three times faster (no copy per row).
        filters = "".join(" AND text LIKE ? ESCAPE '\\'" for _ in plan.contains)
        filters += "".join(" AND text NOT LIKE ? ESCAPE '\\'" for _ in plan.lacks)
        params = [_like_pattern(t) for t in (*plan.contains, *plan.lacks)]
        ids += [
            r[0]
            for r in self.rows(
                f"SELECT id FROM statements WHERE id < ? AND id > ?{filters} ORDER BY id DESC LIMIT ?",
                (bound, self._scan_floor, *params, want),
            )
        ]
        return ids

    # ------------------------------------------------------------- by relevance

    def ranked(self, kind: SearchKind, want: int) -> tuple[list[_Found], bool]:
        """The `want` most relevant hits of one kind, and whether all matches were ranked."""
        if kind == "statement":
            return self._ranked_statements(want)
        code = ENTITY_KIND_CODES[kind]
        found: dict[int, _Found] = {}
        if self.entity_words:
            # names and titles weigh ten times the descriptions
            for rowid, title, body in self.rows(
                f"SELECT rowid, highlight(entities_fts, 2, {_MARKS}), snippet(entities_fts, 3, {_MARKS}, '…', 16)"
                " FROM entities_fts WHERE entities_fts MATCH ? AND rowid % 8 = ?"
                " ORDER BY bm25(entities_fts, 0, 0, 10.0, 1.0, 10.0) LIMIT ?",
                (self.entity_words, code, want),
            ):
                found[rowid] = _Found(kind, rowid // 8, self._entity_snippet(title, body))
        complete = self.complete
        for rowid in self._entity_substrings(code, _NO_BOUND, want):
            found.setdefault(rowid, _Found(kind, rowid // 8))
        return list(found.values())[:want], complete

    def _ranked_statements(self, want: int) -> tuple[list[_Found], bool]:
        ordered: list[int] = []
        all_ranked = False
        words = self.statement_words()
        if words:
            if not self.prefixes_limited:  # a common word: ranking all its matches would only hit the limit
                ordered = [
                    r[0]
                    for r in self.rows(
                        "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rank LIMIT ?",
                        (words, want),
                    )
                ]
                all_ranked = self.complete
            if not all_ranked and not self._stopped_by_caller():
                # Too many matches to rank in time: rank the newest ones instead, under a fresh deadline.
                self.complete, self._stopped = True, False
                self.deadline = time.monotonic() + self.store.SEARCH_TIME_LIMIT
                ordered = [
                    r[0]
                    for r in self.rows(
                        "SELECT id FROM (SELECT rowid AS id, rank AS r FROM statements_fts"
                        " WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY r LIMIT ?",
                        (words, self.store.RANK_CANDIDATES, want),
                    )
                ]
        snippets = self._statement_snippets(ordered)
        found = {i: _Found("statement", i, snippets.get(i)) for i in ordered}
        if len(found) < want:
            for rowid in self._statement_substrings(_NO_BOUND, want):
                found.setdefault(rowid, _Found("statement", rowid))
        return list(found.values())[:want], all_ranked

    def _stopped_by_caller(self) -> bool:
        try:
            return bool(self.should_stop and self.should_stop())
        except Exception:
            return True

    def _statement_snippets(self, ids: Sequence[int]) -> dict[int, tuple[tuple[str, bool], ...]]:
        words = self.statement_words()
        if not ids or not words:
            return {}
        marks = ", ".join("?" * len(ids))
        rows = self.rows(
            f"SELECT rowid, snippet(statements_fts, 0, {_MARKS}, '…', 16) FROM statements_fts"
            f" WHERE statements_fts MATCH ? AND rowid IN ({marks})",
            (words, *ids),
        )
        return {r[0]: _segments(r[1]) for r in rows}

    # ------------------------------------------------------------- hits

    def hits(self, found: Sequence[_Found]) -> list[SearchHit]:
        """The hits as `SearchHit`s, in the order found; point lookups by id on the main connection."""
        from .search import mark_substrings

        by_kind: dict[str, list[int]] = {}
        for f in found:
            by_kind.setdefault(f.kind, []).append(f.id)
        rows: dict[tuple[str, int], tuple[Any, ...]] = {}
        for kind, ids in by_kind.items():
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start : chunk_start + 500]
                marks = ", ".join("?" * len(chunk))
                for fetched in self.store._all(_HIT_SQL[kind].format(marks=marks), chunk):
                    rows[(kind, fetched[0])] = fetched
        hits: list[SearchHit] = []
        for f in found:
            row = rows.get((f.kind, f.id))
            if row is None:  # deleted since it was indexed
                continue
            snippet = f.snippet or mark_substrings(row[4] or row[2] or "", self.query)
            hits.append(SearchHit(kind=f.kind, id=f.id, slug=row[1], label=row[2], snippet=snippet, said=row[3]))
        return hits


def _like_pattern(text: str) -> str:
    """`%text%` for LIKE with its wildcards escaped (ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_HIT_SQL = {
    # id, slug, label, date, text a snippet is cut from when the index made none
    "actor": (
        "SELECT a.id, a.slug, a.name, NULL, a.name || ' ' || coalesce(t.text, '') FROM actors a"
        " LEFT JOIN entities_trigram t ON t.rowid = a.id * 8 + 1 WHERE a.id IN ({marks})"
    ),
    "measure": (
        "SELECT m.id, m.slug, m.title, m.announced, coalesce(t.text, m.title) FROM measures m"
        " LEFT JOIN entities_trigram t ON t.rowid = m.id * 8 + 2 WHERE m.id IN ({marks})"
    ),
    "event": (
        "SELECT e.id, e.slug, e.title, e.date, coalesce(t.text, e.title) FROM events e"
        " LEFT JOIN entities_trigram t ON t.rowid = e.id * 8 + 4 WHERE e.id IN ({marks})"
    ),
    "consequence": (
        "SELECT c.id, c.slug, m.title, c.due, c.description FROM consequences c"
        " JOIN measures m ON m.id = c.measure_id WHERE c.id IN ({marks})"
    ),
    "statement": (
        "SELECT s.id, s.slug, a.name, s.said, s.text FROM statements s"
        " JOIN actors a ON a.id = s.speaker_id WHERE s.id IN ({marks})"
    ),
}

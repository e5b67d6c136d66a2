"""What every part of the store stands on: one connection, one lock, and the rows built from its answers.

`StoreBase` holds the open connection and runs a query under the lock,
materialising its rows inside it, so a `Store` can be shared with thread
workers. A query that meets text which is not UTF-8 (a file written by
another program) is run again reading it leniently. The row builders turn
the columns the queries select into the named tuples of `dossier.rows`.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from ..errors import StoreError
from ..rows import ActorItem, ActorRef, Filters, MeasureItem, StatementItem
from ..words import UNDATED
from .connection import (
    CHECK_CACHE_KIB,
    QUICK_CHECK_SECONDS,
    READ_CACHE_KIB,
    connect_existing,
    explain,
    quick_check,
    rolled_back,
)

ENTITY_TABLES: dict[str, str] = {
    "actor": "actors",
    "statement": "statements",
    "measure": "measures",
    "source": "sources",
    "event": "events",
    "consequence": "consequences",
}
"""The table of each kind of entity a REF may name."""


def parse_ref(ref: str) -> tuple[str | None, str]:
    """`zakharova` -> (None, 'zakharova'); `actor/zakharova` -> ('actor', 'zakharova')."""
    kind, sep, slug = ref.strip().partition("/")
    if not sep:
        return None, kind
    kind = kind.lower().rstrip("s")
    if kind not in ENTITY_TABLES:
        raise StoreError(f"{ref!r}: unknown kind {kind!r} (use one of {', '.join(ENTITY_TABLES)})")
    return kind, slug


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


def _file_id(path: Path) -> tuple[int, int] | None:
    """The (device, inode) the path names now, or None when it names nothing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


class StoreBase:
    """One open dossier database: its connection, its lock, and the helpers every query runs through."""

    def __init__(self, conn: sqlite3.Connection, path: Path, warnings: Sequence[str] = ()) -> None:
        self.conn = conn
        self.path = path
        self.warnings: tuple[str, ...] = tuple(warnings)
        """What the user should know about the file, though it opened (one line each)."""
        self._lock = threading.RLock()
        self._file_id = _file_id(path)
        """The file's (device, inode) when opened: `file_change` tells a file replaced under the store."""
        self._summaries: bool | None = None

    SUMMARY_TRIGGER_COUNT = 16
    """The triggers of db/schema.sql that keep the summaries (their names start with `summary_`)."""

    @property
    def has_summaries(self) -> bool:
        """Whether the file keeps the summaries (schema 4 on, every trigger of theirs in place).

        A file made by an older Dossier, read as it is, has none: every count is
        then read from the data, as that Dossier did (slower on a big dossier, the
        same answers). Asked once per store.
        """
        if self._summaries is None:
            row = self._one(
                "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'summary_pairs'),"
                " (SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'summary!_%' ESCAPE '!')"
            )
            self._summaries = bool(row and row[0] == 1 and row[1] >= self.SUMMARY_TRIGGER_COUNT)
        return self._summaries

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        write: bool = False,
        check_seconds: float = QUICK_CHECK_SECONDS,
        cache_kib: int = READ_CACHE_KIB,
    ) -> Self:
        path = Path(path)
        warnings: list[str] = []
        conn = connect_existing(path, write=write, check_seconds=check_seconds, warnings=warnings, cache_kib=cache_kib)
        return cls(conn, path, warnings)

    def check_damage(self, seconds: float = QUICK_CHECK_SECONDS) -> bool:
        """Look for damage (`PRAGMA quick_check`) for at most `seconds`, on a connection of its own.

        For a store opened with `check_seconds=0` (the browser: its first screen
        does not wait for the check): this runs in a thread beside the browser's
        queries without holding their lock. True if the whole file was checked,
        False if cut short; damage is a `StoreError`.
        """
        # A small page cache: the check reads each page about once, and SQLite's default
        # 2 MiB, filled by a big file, was most of what the browser's memory grew by on
        # 1M statements (its peak is measured against a 1k dossier's; docs/performance.md).
        conn = connect_existing(self.path, check_seconds=0, cache_kib=CHECK_CACHE_KIB)
        try:
            return quick_check(conn, self.path, seconds)
        finally:
            conn.close()

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- another program's writes

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version` on this store's connection: it changes when another connection commits.

        Another process (an import), or another connection of this one (an
        edit's write connection): any commit since the last call gives a new
        number, while this connection's own reads never do. One read of the
        file's change counter under a shared lock: a few microseconds (it
        waits, like any read, while a writer holds the file; see
        `READ_BUSY_SECONDS`). A `StoreError` when the file cannot be read.
        """
        row = self._one("PRAGMA data_version")
        return int(row[0]) if row else 0

    def file_change(self) -> str | None:
        """None while the path still names the file this store opened; else one line saying what became of it.

        The store reads through its open connection, so a file deleted or
        replaced (renamed over: `dossier init --force`) goes on being read as
        it was; the user is told, and may open the path again.
        """
        now = _file_id(self.path)
        if now == self._file_id:
            return None
        if now is None:
            return f"{self.path}: was deleted or moved; showing what was read before (open it again to browse it)"
        return f"{self.path}: was replaced by another file; showing the one opened before (open it again to see it)"

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside the block sees one committed state of the file (one read transaction).

        Holds the store's lock for the block (other threads' reads wait), so
        the panes read again after a change are all of the same commit, never
        half of one. Nested use is one transaction.
        """
        with self._lock:
            if self.conn.in_transaction:
                yield
                return
            try:
                self.conn.execute("BEGIN")
            except sqlite3.DatabaseError as exc:
                raise StoreError(explain(self.path, exc)) from None
            try:
                yield
            finally:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.DatabaseError:
                    pass  # a read transaction has nothing to lose; the next read meets the problem and names it

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
                if rolled_back(self.path, exc):  # another program's write died mid-way: undone, read again
                    return conn.execute(sql, params).fetchall()
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
                if rolled_back(self.path, exc):
                    return conn.execute(sql, params).fetchone()  # type: ignore[no-any-return]
                if not _is_decode_error(exc):
                    raise
                with _lenient_text(conn):
                    row = conn.execute(sql, params).fetchone()
            return row

    # ----------------------------------------------------------------- facet filters

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

    # ----------------------------------------------------------------- rows of the lists

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

"""Bundles into SQLite: validate everything first, then write all or nothing.

The importer is the write side of the store: `dossier.store` opens databases
and runs every read; this module (with `init_database`, the generator and
`dossier.migrations`, which reuse it) is the only code that writes. Writes run
on one plain `sqlite3` connection (`dossier.store.connection` opens an existing
file for writing) with `executemany` (sqlite-utils' `insert_all` was measured
5-8x slower for bulk loads; sqlite-utils serves the schema steps in
`dossier.migrations`), inside one explicit `BEGIN IMMEDIATE` transaction, so a
failure anywhere leaves the file as it was. An older file is first brought to
the current schema (`migrate_for_write`: a backup copy beside it, then
`dossier.migrations.migrate` in its own transaction, after the bundles are
validated and before they are written). Every import that changes something is
one row of the audit trail (`record_edit`), with its counts, in the same
transaction; edits (`dossier.capture`) write through `_write` and record theirs.

Identity is the slug. Importing a bundle upserts by slug: a row whose values
are unchanged is not written at all, so importing the same bundle twice
changes nothing. A parent's children (an actor's aliases, a measure's links
and consequences, a statement's measures, an event's participants) are
replaced by the bundle's when they differ.

Bulk loads (a table that was empty, or many new statements) drop the
full-text triggers, insert with `executemany` and rebuild the index once:
measured 3.85x faster than keeping the index by triggers during the load.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import methodcaller
from pathlib import Path
from typing import Any

from .bundle import LoadedBundle, load_bundles, paused_gc, read_bundle_bytes
from .errors import BundleError, Problem, StoreError
from .fts import rebuild_statement_index
from .migrations import Migration, backup_copy, ensure_index_triggers, ensure_summaries, migrate
from .models import StatementRow
from .rows import consequence_slug
from .schema import ENTITY_KIND_CODES, SCHEMA_VERSION, schema_sql, seed_bundle_bytes
from .store.connection import check_schema, connect_existing, dossier_identity, explain, file_uri, page_cache
from .summaries import refill

BULK_THRESHOLD = 5000
"""New statements above which the full-text index is rebuilt once instead of kept by triggers."""

_CHUNK = 500  # host parameters per IN (...) lookup
_BULK_CACHE = -262144  # KiB: a 256 MiB page cache while writing, so the indexes of a big load stay in memory
_REFILL_CACHE_KIB = 32 * 1024  # 32 MiB while the summaries are refilled after a bulk load (its sorters follow it)


@dataclass
class ImportReport:
    """What an import wrote: rows inserted and updated per table."""

    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    migration: Migration | None = None
    """What the schema step before the import did (`dossier.migrations`), when it did anything."""
    notes: list[str] = field(default_factory=list)
    """What the bundles left out, one line each (FtM entities a dossier has no place for)."""

    def add(self, table: str, inserted: int = 0, updated: int = 0) -> None:
        self.inserted[table] = self.inserted.get(table, 0) + inserted
        self.updated[table] = self.updated.get(table, 0) + updated

    @property
    def changed(self) -> bool:
        return any(self.inserted.values()) or any(self.updated.values())

    def summary(self) -> str:
        parts = []
        for table in sorted(set(self.inserted) | set(self.updated)):
            ins, upd = self.inserted.get(table, 0), self.updated.get(table, 0)
            if ins or upd:
                parts.append(f"{table} +{ins}" + (f" ~{upd}" if upd else ""))
        return ", ".join(parts) if parts else "nothing changed"


# --------------------------------------------------------------------------- files


def _connect_for_write(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(file_uri(path, mode="rw"), uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


@contextmanager
def _new_file(path: Path, *, force: bool) -> Iterator[sqlite3.Connection]:
    """A connection to a new file beside `path` holding the schema, moved into place if the block succeeds.

    An existing file (with `force`) is therefore replaced only by a whole
    dossier, and a failure leaves nothing behind.
    """
    path = Path(path)
    if path.exists() and not force:
        raise StoreError(f"{path} already exists (use --force to replace it)")
    if path.is_dir():
        raise StoreError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent} is not a directory")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file 0600; a dossier gets the mode any new file would (0666 less the umask).
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)
    try:
        conn = _connect_for_write(tmp)
        try:
            conn.executescript(schema_sql())
            yield conn
        finally:
            conn.close()
        with tmp.open("rb+") as handle:  # the data is on disk before the name points at it
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.DatabaseError):  # a full disk: one line naming the file, not SQLite's words
            raise StoreError(explain(path, exc)) from None
        if isinstance(exc, OSError) and not exc.filename:
            raise StoreError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        raise


def init_database(path: Path, *, empty: bool = False, force: bool = False) -> ImportReport:
    """Create a dossier database at `path`: the default dossier, or only the schema.

    The new file is built beside the target and moved into place when complete,
    so an existing file (with `force`) is replaced only by a whole dossier.
    """
    with _new_file(path, force=force) as conn:
        report = ImportReport()
        if not empty:
            loaded = [read_bundle_bytes(seed_bundle_bytes(), "db/seed/dossier.yaml", "yaml")]
            problems = _check(conn, loaded)
            if problems:  # the shipped seed is tested; this guards a broken build
                raise BundleError(problems)
            report = _write(conn, loaded)
        # The seed names its own identity; an empty dossier gets a new one.
        conn.execute("INSERT OR IGNORE INTO dossier_meta (key, value) VALUES ('identity', ?)", (str(uuid.uuid4()),))
    return report


# --------------------------------------------------------------------------- import


def import_files(db_path: Path, bundle_paths: Sequence[Path]) -> ImportReport:
    """Validate the bundles against each other and the database, then write them in one transaction."""
    db_path = Path(db_path)
    conn = connect_existing(db_path, write=True)
    try:
        with paused_gc():
            # Read and validate every file before the database is touched.
            loaded = _load(conn, bundle_paths)
            return import_loaded(conn, db_path, loaded)
    except sqlite3.DatabaseError as exc:  # locked, read-only, disk full: one line, the file as it was
        raise StoreError(explain(db_path, exc)) from None
    finally:
        conn.close()


def known_slugs(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Slugs a bundle may reference without defining: actors, sources and measures already stored."""
    return {
        section: {slug for (slug,) in conn.execute(f"SELECT slug FROM {section}")}
        for section in ("actors", "sources", "measures")
    }


def _load(conn: sqlite3.Connection, bundle_paths: Sequence[Path]) -> list[LoadedBundle]:
    return load_bundles(bundle_paths, known=known_slugs(conn))


def _check(conn: sqlite3.Connection, loaded: list[LoadedBundle]) -> list[Problem]:
    from .bundle import check_references

    return check_references(loaded, known_slugs(conn))


def import_loaded(conn: sqlite3.Connection, db_path: Path, loaded: list[LoadedBundle]) -> ImportReport:
    # A page cache big enough for the statement indexes (the default is 2 MiB): this
    # connection's own setting, gone when it closes, nothing written to the file.
    conn.execute(f"PRAGMA cache_size = {_BULK_CACHE}")
    migration = migrate_for_write(conn, db_path)
    conn.execute("BEGIN IMMEDIATE")
    try:
        triggers = ensure_index_triggers(conn) + ensure_summaries(conn)  # e.g. dropped by a sqlite-utils transform()
        if triggers and migration is None:
            migration = Migration(SCHEMA_VERSION, SCHEMA_VERSION, triggers)
        report = _write(conn, loaded)
        report.migration = migration
        report.notes = [note for item in loaded for note in item.notes]
        record_import(conn, report, [item.file for item in loaded])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return report


def migrate_for_write(conn: sqlite3.Connection, db_path: Path) -> Migration | None:
    """Bring an older file to the current schema before a write, after a backup copy beside it.

    Every write open does this (an import, an edit, `dossier browse --write`);
    a read-only open never does. A newer file is refused (`StoreError`). None
    when the file is already current.
    """
    version = check_schema(conn, db_path)
    if version >= SCHEMA_VERSION:
        return None
    saved = backup_copy(conn, db_path, version)
    migration = migrate(conn, db_path)
    migration.backup = saved
    return migration


def record_import(conn: sqlite3.Connection, report: ImportReport, files: list[str]) -> None:
    """An import's one row of the audit trail, with its counts; none for an import that changed nothing
    (the file, its trail too, stays as it was)."""
    if report.changed:
        record_edit(
            conn,
            origin="import",
            action="import",
            counts=json.dumps({"inserted": report.inserted, "updated": report.updated}, sort_keys=True),
            note=", ".join(files),
        )


def utc_now() -> str:
    """The time an edit is recorded with: UTC, to the second (`2026-12-06T05:01:02Z`)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_edit(
    conn: sqlite3.Connection,
    *,
    origin: str,
    action: str,
    kind: str | None = None,
    slug: str | None = None,
    before: str | None = None,
    after: str | None = None,
    counts: str | None = None,
    note: str | None = None,
) -> int:
    """One row of the audit trail, inside the caller's transaction; returns its number."""
    cursor = conn.execute(
        "INSERT INTO edits (at, origin, action, kind, slug, before, after, counts, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (utc_now(), origin, action, kind, slug, before, after, counts, note),
    )
    return int(cursor.lastrowid or 0)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Table:
    """Upsert rows of one table by slug: insert the new, update only the changed.

    `assign` gives every slug of the bundle its id first (existing or new), so
    rows can reference each other in any order; foreign keys are checked at
    commit (`PRAGMA defer_foreign_keys`).
    """

    def __init__(self, conn: sqlite3.Connection, name: str, columns: Sequence[str], report: ImportReport) -> None:
        self.conn, self.name, self.columns, self.report = conn, name, tuple(columns), report
        self.ids: dict[str, int] = {}
        self.fresh: set[int] = set()
        self.reserved: list[range] = []
        """Ids given by `reserve`: rows new to a table that was empty, whose slugs need no lookup."""
        self._old: dict[str, tuple[Any, ...]] = {}
        (self.next_id,) = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {name}").fetchone()
        self.was_empty = self.next_id == 1

    def assign(self, slugs: Iterable[str]) -> None:
        slugs = [s for s in slugs if s not in self.ids]
        if not self.was_empty:
            cols = ", ".join(self.columns)
            for chunk in _chunks(slugs):
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT id, {cols} FROM {self.name} WHERE slug IN ({marks})"
                for found in self.conn.execute(sql, tuple(chunk)):
                    self.ids[found[1]] = found[0]
                    self._old[found[1]] = tuple(found)
        new = [slug for slug in dict.fromkeys(slugs) if slug not in self.ids]
        ids = range(self.next_id, self.next_id + len(new))
        self.ids.update(zip(new, ids, strict=True))
        self.fresh.update(ids)
        self.next_id += len(new)

    def reserve(self, count: int) -> range:
        """The next `count` ids, for rows that are all new (the table was empty and their slugs are unique)."""
        ids = range(self.next_id, self.next_id + count)
        self.next_id += count
        self.reserved.append(ids)
        return ids

    @property
    def new_count(self) -> int:
        return len(self.fresh) + sum(map(len, self.reserved))

    def is_new(self, row_id: int) -> bool:
        return row_id in self.fresh or any(row_id in ids for ids in self.reserved)

    def id_of(self, slug: str | None) -> int | None:
        """The id of a slug in this bundle or already in the database."""
        if slug is None:
            return None
        if slug not in self.ids:
            found = self.conn.execute(f"SELECT id FROM {self.name} WHERE slug = ?", (slug,)).fetchone()
            if found is None:  # check_references ran before: this is a bug, not bad input
                raise StoreError(f"{self.name}: unknown slug {slug!r}")
            self.ids[slug] = found[0]
        return self.ids[slug]

    def write(self, rows: Iterable[tuple[Any, ...]]) -> list[int]:
        """Rows start with the slug. Returns the ids written (inserted or changed)."""
        if self.was_empty:
            return self._insert_all(rows)
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        for row in rows:
            row_id = self.ids[row[0]]
            if row_id in self.fresh:
                inserts.append((row_id, *row))
            elif self._old[row[0]][1:] != tuple(row):
                updates.append((*row[1:], row_id))
        if inserts:
            self.conn.executemany(_insert_sql(self.name, ("id", *self.columns)), inserts)
        if updates:
            sets = ", ".join(f"{c} = ?" for c in self.columns[1:])
            self.conn.executemany(f"UPDATE {self.name} SET {sets} WHERE id = ?", updates)
        self.report.add(self.name, len(inserts), len(updates))
        return [row[0] for row in inserts] + [row[-1] for row in updates]

    def write_with_ids(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows start with the id `assign` gave, then the slug: into a table that was empty they go
        straight to SQLite, with no second tuple per row (the statements of a first load)."""
        if not self.was_empty:
            self.write(row[1:] for row in rows)
            return
        # rowcount sums the rows of every execution and, unlike total_changes, leaves out what triggers wrote
        cursor = self.conn.executemany(_insert_sql(self.name, ("id", *self.columns)), rows)
        self.report.add(self.name, max(cursor.rowcount, 0))

    def _insert_all(self, rows: Iterable[tuple[Any, ...]]) -> list[int]:
        """Into a table that was empty every row is new: stream them, no list of a million tuples."""
        ids, written = self.ids, []

        def with_ids() -> Iterator[tuple[Any, ...]]:
            for row in rows:
                row_id = ids[row[0]]
                written.append(row_id)
                yield (row_id, *row)

        self.conn.executemany(_insert_sql(self.name, ("id", *self.columns)), with_ids())
        self.report.add(self.name, len(written))
        return written


def _replace_children(
    conn: sqlite3.Connection,
    table: str,
    parent_column: str,
    columns: Sequence[str],
    children: dict[int, list[tuple[Any, ...]]],
    fresh: Callable[[int], bool] | set[int],
    report: ImportReport,
) -> set[int]:
    """Make each parent's children exactly the given rows; returns the parents whose children changed.

    Rows are compared in order, so an unchanged set is not rewritten. `fresh`
    parents were inserted by this import and have no children yet.
    """
    cols = ", ".join(columns)
    changed: set[int] = set()
    deletes: list[tuple[int]] = []
    inserts: list[tuple[Any, ...]] = []
    is_new = fresh.__contains__ if isinstance(fresh, set) else fresh
    for parent, rows in children.items():
        if not is_new(parent):
            sql = f"SELECT {cols} FROM {table} WHERE {parent_column} = ? ORDER BY rowid"
            old = [tuple(r) for r in conn.execute(sql, (parent,))]
            if old == rows:
                continue
            if old:
                deletes.append((parent,))
        elif not rows:
            continue
        changed.add(parent)
        inserts.extend(rows)
    if deletes:
        conn.executemany(f"DELETE FROM {table} WHERE {parent_column} = ?", deletes)
    if inserts:
        conn.executemany(_insert_sql(table, columns), inserts)
    report.add(table, len(inserts), len(deletes))
    return changed


_ACTOR_COLUMNS = ("slug", "name", "kind", "role", "affiliation_id", "country", "description")
_MEASURE_COLUMNS = (
    "slug",
    "title",
    "kind",
    "imposed_by_id",
    "target_id",
    "quantity",
    "announced",
    "effective",
    "status",
    "description",
    "source_id",
)
_STATEMENT_COLUMNS = ("slug", "speaker_id", "speaker_role", "text", "kind", "lang", "said", "via", "source_id")
_CONSEQUENCE_COLUMNS = ("slug", "measure_id", "position", "description", "affects_id", "due", "certainty")


def _write(conn: sqlite3.Connection, loaded: Sequence[LoadedBundle], *, check_all: bool = True) -> ImportReport:
    """Write validated bundles; the caller holds the transaction.

    `check_all=False` (an edit of a few rows) leaves the foreign keys to
    SQLite's own check at COMMIT (`defer_foreign_keys`): `PRAGMA
    foreign_key_check` walks whole tables, most of a second on a million
    statements.
    """
    report = ImportReport()
    conn.execute("PRAGMA defer_foreign_keys = ON")
    sources = _Table(conn, "sources", ("slug", "title", "outlet", "url", "published", "note"), report)
    actors = _Table(conn, "actors", _ACTOR_COLUMNS, report)
    measures = _Table(conn, "measures", _MEASURE_COLUMNS, report)
    consequences = _Table(conn, "consequences", _CONSEQUENCE_COLUMNS, report)
    statements = _Table(conn, "statements", _STATEMENT_COLUMNS, report)
    events = _Table(conn, "events", ("slug", "title", "date", "place", "description", "source_id"), report)

    # Statements held as rows (the fast JSON path) going into an empty table are all new:
    # they get a range of ids, not a dict of a million slugs. Otherwise they become models.
    bulk_ids: dict[int, range] = {}
    for index, item in enumerate(loaded):
        if item.statement_rows is not None and statements.was_empty:
            bulk_ids[index] = statements.reserve(len(item.statement_rows))
        else:
            statements.assign(s.slug for s in item.bundle.statements)
    bundles = [item.head for item in loaded]
    for b in bundles:
        sources.assign(s.slug for s in b.sources)
        actors.assign(a.slug for a in b.actors)
        measures.assign(m.slug for m in b.measures)
        events.assign(e.slug for e in b.events)
        consequences.assign(
            c.slug or consequence_slug(m.slug, n) for m in b.measures for n, c in enumerate(m.consequences, 1)
        )

    # A bundle's identity is taken by a dossier that holds nothing yet (export -> import into a new
    # file keeps it), or has none; merged into a dossier with contents of its own, it is not.
    adopt_identity = all(t.was_empty for t in (sources, actors, measures, statements, events)) or (
        conn.execute("SELECT 1 FROM dossier_meta WHERE key = 'identity'").fetchone() is None
    )
    for b in bundles:
        if b.dossier is not None:
            meta = [(key, value) for key in ("title", "description") if (value := getattr(b.dossier, key))]
            if b.dossier.identity and adopt_identity:
                meta.append(("identity", b.dossier.identity))
                adopt_identity = False
            for key, value in meta:
                old = conn.execute("SELECT value FROM dossier_meta WHERE key = ?", (key,)).fetchone()
                if old is None or old[0] != value:
                    conn.execute("INSERT OR REPLACE INTO dossier_meta (key, value) VALUES (?, ?)", (key, value))
                    report.add("dossier_meta", *((1, 0) if old is None else (0, 1)))

    touched: dict[str, set[int]] = {"actor": set(), "measure": set(), "consequence": set(), "event": set()}
    aliases: dict[int, list[tuple[Any, ...]]] = {}
    links: dict[int, list[tuple[Any, ...]]] = {}
    abouts: dict[int, list[tuple[Any, ...]]] = {}
    participants: dict[int, list[tuple[Any, ...]]] = {}
    kept_consequences: dict[int, list[int]] = {}
    new_statements = statements.new_count
    bulk = new_statements > BULK_THRESHOLD and (statements.was_empty or new_statements > _count(conn, "statements"))
    finish_index = _defer_bulk_indexes(conn) if bulk else None

    for index, b in enumerate(bundles):
        sources.write((s.slug, s.title, s.outlet, s.url, s.published, s.note) for s in b.sources)
        touched["actor"].update(
            actors.write(
                (a.slug, a.name, a.kind, a.role, actors.id_of(a.affiliation), a.country, a.description)
                for a in b.actors
            )
        )
        for a in b.actors:
            aid = actors.ids[a.slug]
            aliases[aid] = [(aid, alias.name, alias.lang) for alias in a.aliases]
        touched["measure"].update(
            measures.write(
                (
                    m.slug,
                    m.title,
                    m.kind,
                    actors.id_of(m.imposed_by),
                    actors.id_of(m.target),
                    m.quantity,
                    m.announced,
                    m.effective,
                    m.status,
                    m.description,
                    sources.id_of(m.source),
                )
                for m in b.measures
            )
        )
        for m in b.measures:
            mid = measures.ids[m.slug]
            links[mid] = [
                (mid, measures.id_of(link.measure), actors.id_of(link.asserted_by)) for link in m.in_response_to
            ]
            kept_consequences[mid] = [
                consequences.ids[c.slug or consequence_slug(m.slug, n)] for n, c in enumerate(m.consequences, 1)
            ]
        # Positions move when consequences are reordered: clear the measures' old ones out of the way first.
        _drop_consequences_not_in(conn, kept_consequences, report)
        touched["consequence"].update(
            consequences.write(
                (
                    c.slug or consequence_slug(m.slug, n),
                    measures.ids[m.slug],
                    n,
                    c.description,
                    actors.id_of(c.affects),
                    c.due,
                    c.certainty,
                )
                for m in b.measures
                for n, c in enumerate(m.consequences, 1)
            )
        )
        if index in bulk_ids:
            rows = loaded[index].statement_rows or []
            _write_statement_rows(rows, bulk_ids[index], statements, actors, sources, measures)
        # The bulk of a big bundle: ids looked up in local dicts first (a million rows).
        actor_ids, source_ids, statement_ids = actors.ids, sources.ids, statements.ids
        statements.write_with_ids(
            (
                statement_ids[s.slug],
                s.slug,
                actor_ids.get(s.speaker) or actors.id_of(s.speaker),
                s.speaker_role,
                s.text,
                s.kind,
                s.lang,
                s.said,
                s.via,
                None if s.source is None else source_ids.get(s.source) or sources.id_of(s.source),
            )
            for s in b.statements
        )
        for s in b.statements:
            sid = statement_ids[s.slug]
            if s.about or sid not in statements.fresh:  # a new statement without measures has nothing to replace
                abouts[sid] = [(sid, measures.id_of(a.measure), a.stance) for a in s.about]
        touched["event"].update(
            events.write((e.slug, e.title, e.date, e.place, e.description, sources.id_of(e.source)) for e in b.events)
        )
        for e in b.events:
            eid = events.ids[e.slug]
            participants[eid] = [(eid, actors.id_of(p)) for p in e.participants]

    touched["actor"] |= _replace_children(
        conn, "aliases", "actor_id", ("actor_id", "name", "lang"), aliases, actors.fresh, report
    )
    _replace_children(
        conn,
        "measure_links",
        "measure_id",
        ("measure_id", "responds_to_id", "asserted_by_id"),
        links,
        measures.fresh,
        report,
    )
    _replace_children(
        conn,
        "statement_measures",
        "statement_id",
        ("statement_id", "measure_id", "stance"),
        abouts,
        statements.is_new,
        report,
    )
    _replace_children(conn, "event_actors", "event_id", ("event_id", "actor_id"), participants, events.fresh, report)

    # SQLite lets go of the GIL while it builds the indexes: meanwhile a second thread
    # frees the million statement dicts (~0.5 s), instead of after the writing.
    written = [released for index in bulk_ids if (released := loaded[index].release_rows())]
    freeing = threading.Thread(target=_free_rows, args=(written,), name="free-rows", daemon=True)
    freeing.start()
    if finish_index is not None:
        finish_index()
    refresh_entity_index(conn, touched)
    problems = _foreign_key_problems(conn, skip=_BULK_TABLES if bulk_ids else ()) if check_all else []
    if problems:  # references were checked before writing; this guards the importer itself
        raise StoreError(f"import would break {len(problems)} references (first: {tuple(problems[0])})")
    freeing.join()
    return report


def _free_rows(lists: list[list[StatementRow]]) -> None:
    for rows in lists:
        rows.clear()


def _write_statement_rows(
    rows: list[StatementRow],
    ids: range,
    statements: _Table,
    actors: _Table,
    sources: _Table,
    measures: _Table,
) -> None:
    """Statements held as dicts (the fast JSON path) into the table that was empty, with the ids reserved.

    One tuple per row straight into `executemany`; the keys a bundle left out
    take the models' defaults.
    """
    actor_ids, source_ids = actors.ids, sources.ids
    statements.write_with_ids(
        (
            sid,
            row["slug"],
            actor_ids.get(row["speaker"]) or actors.id_of(row["speaker"]),
            row.get("speaker_role"),
            row["text"],
            row.get("kind", "quote"),
            row.get("lang"),
            row.get("said"),
            row.get("via"),
            None if (source := row.get("source")) is None else source_ids.get(source) or sources.id_of(source),
        )
        for sid, row in zip(ids, rows, strict=True)
    )
    # Every statement is new, so its measures are inserted as they are: nothing to compare or replace.
    measure_ids = measures.ids
    cursor = statements.conn.executemany(
        _insert_sql("statement_measures", ("statement_id", "measure_id", "stance")),
        (
            (sid, measure_ids.get(a["measure"]) or measures.id_of(a["measure"]), a.get("stance", "comments"))
            for sid, about in zip(ids, map(_GET_ABOUT, rows), strict=True)
            if about
            for a in about
        ),
    )
    statements.report.add("statement_measures", max(cursor.rowcount, 0))


_GET_ABOUT = methodcaller("get", "about")


def _foreign_key_problems(conn: sqlite3.Connection, skip: Sequence[str]) -> list[Any]:
    """`PRAGMA foreign_key_check`, table by table, leaving out `skip`.

    The statement rows of a bulk load are left out: every id in them was
    looked up by the importer itself (an unknown slug raises before a row is
    written), and nothing it does deletes an actor, source or measure. Their
    check costs ~0.8 s a million statements, for no case it could catch.
    """
    problems: list[Any] = []
    for table in ROW_COLUMNS:
        if table not in skip:
            problems.extend(conn.execute(f"PRAGMA foreign_key_check({table})").fetchall())
    return problems


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _drop_consequences_not_in(conn: sqlite3.Connection, kept: dict[int, list[int]], report: ImportReport) -> None:
    stale: list[tuple[int]] = []
    for measure_id, ids in kept.items():
        for (cid,) in conn.execute("SELECT id FROM consequences WHERE measure_id = ?", (measure_id,)):
            if cid not in ids:
                stale.append((cid,))
    if stale:
        conn.executemany("DELETE FROM consequences WHERE id = ?", stale)
        report.add("consequences", updated=len(stale))
    # Park the positions of the consequences that stay, so the rewrite cannot collide.
    moved = [
        (-cid, cid, measure_id, position) for measure_id, ids in kept.items() for position, cid in enumerate(ids, 1)
    ]
    conn.executemany("UPDATE consequences SET position = ? WHERE id = ? AND measure_id = ? AND position != ?", moved)


_BULK_TABLES = ("statements", "statement_measures")
"""The tables a big load fills: their indexes and triggers are built once, after it."""


def _defer_bulk_indexes(conn: sqlite3.Connection, cache_kib: int | None = None) -> Callable[[], None]:
    """Stop keeping statements_fts (by triggers) and the bulk tables' indexes row by row.

    The returned function builds them once, from the loaded tables: measured
    3.85x faster for the full-text index than its triggers, and faster for the
    secondary indexes than inserting a million rows into them in random order.
    Both halves run inside the caller's transaction, so a rollback brings the
    triggers and indexes back too. (UNIQUE and PRIMARY KEY indexes stay: they
    are constraints.) With `cache_kib`, the building runs under a page cache
    of that size, which also bounds each of SQLite's sorters (the streamed
    import's 32 MiB: its 128 MiB of writing would let them grow with the file).
    """
    marks = ", ".join("?" * len(_BULK_TABLES))
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master"
        f" WHERE type IN ('trigger', 'index') AND tbl_name IN ({marks}) AND sql IS NOT NULL",
        _BULK_TABLES,
    ).fetchall()
    for kind, name, _ in rows:
        conn.execute(f'DROP {kind.upper()} "{name}"')

    def finish() -> None:
        with page_cache(conn, cache_kib) if cache_kib is not None else nullcontext():
            _build()

    def _build() -> None:
        for kind, _, sql in rows:
            if kind == "index":
                conn.execute(sql)
        # A 16 MiB term buffer for the rebuild (FTS5's default is 1 MiB): fewer segments
        # to write and merge, measured 3.9 s -> 2.3 s for a million statements.
        conn.execute(f"INSERT INTO statements_fts(statements_fts, rank) VALUES ('hashsize', {16 * 2**20})")
        rebuild_statement_index(conn)  # the word index, and the trigram index of CJK statements
        conn.execute(f"INSERT INTO statements_fts(statements_fts, rank) VALUES ('hashsize', {2**20})")
        for kind, _, sql in rows:
            if kind == "trigger":
                conn.execute(sql)
        # The summaries of statements and their links, kept by triggers dropped above: one pass,
        # with a smaller page cache, which also bounds SQLite's sorters for its GROUP BYs (each may
        # hold as much as the cache): 10M statements peaked at 821 MiB with the 128 MiB cache of a
        # streamed load, 110 MiB for this pass alone with 16 MiB.
        with page_cache(conn, _REFILL_CACHE_KIB):
            refill(conn, ("summary_replies", "summary_statement_facets"))

    return finish


# --------------------------------------------------------------------------- bulk rows
# The write path for rows that arrive as tuples (`dossier generate`): no model
# per row, one `executemany` per table fed straight from the caller's stream,
# one transaction, full-text indexes built once at the end.

ROW_COLUMNS: dict[str, tuple[str, ...]] = {
    "dossier_meta": ("key", "value"),
    "sources": ("id", "slug", "title", "outlet", "url", "published", "note"),
    "actors": ("id", *_ACTOR_COLUMNS),
    "aliases": ("actor_id", "name", "lang"),
    "measures": ("id", *_MEASURE_COLUMNS),
    "measure_links": ("measure_id", "responds_to_id", "asserted_by_id"),
    "consequences": ("id", *_CONSEQUENCE_COLUMNS),
    "statements": ("id", *_STATEMENT_COLUMNS),
    "statement_measures": ("statement_id", "measure_id", "stance"),
    "events": ("id", "slug", "title", "date", "place", "description", "source_id"),
    "event_actors": ("event_id", "actor_id"),
}
"""The columns of each table's rows for `build_database`, in order; the caller gives the ids."""

Rows = Iterable[tuple[Any, ...]]


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def insert_rows(conn: sqlite3.Connection, table: str, rows: Rows, report: ImportReport) -> int:
    """Insert a stream of rows (tuples in `ROW_COLUMNS[table]` order) with one `executemany`.

    The iterable is consumed lazily by SQLite, so a generator of a million rows
    is never held in memory. Returns the number of rows inserted.
    """
    count = max(conn.executemany(_insert_sql(table, ROW_COLUMNS[table]), rows).rowcount, 0)
    report.add(table, count)
    return count


def build_database(path: Path, tables: Iterable[tuple[str, Rows]], *, force: bool = False) -> ImportReport:
    """A new dossier at `path` from streams of rows, in one transaction, search indexes built once.

    `tables` yields (table, rows) pairs in any order: foreign keys are checked
    once, at the end, for the whole load (`PRAGMA foreign_key_check`), and a
    broken reference refuses it all. The schema's CHECK, NOT NULL and UNIQUE
    constraints hold row by row as usual.

    The file is new and built beside `path` (see `_new_file`), so during the
    load the rollback journal is off and writes are not synced: a failure, or
    a crash, leaves only the temporary file, which is removed or never named.
    The finished file is synced before it is moved into place.
    """
    report = ImportReport()
    with _new_file(path, force=force) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")  # checked once below, not row by row
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"PRAGMA cache_size = {_BULK_CACHE}")
        conn.execute("BEGIN IMMEDIATE")
        finish_index = _defer_bulk_indexes(conn)
        for table, rows in tables:
            insert_rows(conn, table, rows, report)
        finish_index()
        rebuild_entity_index(conn)
        # Rows carry no identity of their own: one derived from the title and first slugs, so the
        # same seed gives the same dossier (dossier_identity).
        identity = dossier_identity(conn)
        conn.execute("INSERT OR IGNORE INTO dossier_meta (key, value) VALUES ('identity', ?)", (identity,))
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise StoreError(f"the rows break {len(problems)} references (first: {tuple(problems[0])})")
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = DELETE")
    return report


# --------------------------------------------------------------------------- search indexes

FOLD_FUNCTION = "dossier_fold"
"""The SQL name of `dossier.search.fold_name`, registered on the write connection for the entity index."""

_ENTITY_SQL = {
    "actor": (
        "SELECT id * 8 + 1, 'actor', id, name,"
        " coalesce((SELECT group_concat(name, ' ') FROM aliases WHERE actor_id = actors.id), '')"
        " || ' ' || coalesce(role, ''),"
        f" {FOLD_FUNCTION}(name || ' '"
        " || coalesce((SELECT group_concat(name, ' ') FROM aliases WHERE actor_id = actors.id), ''))"
        " FROM actors"
    ),
    "measure": (
        "SELECT id * 8 + 2, 'measure', id, title,"
        " coalesce(description, '') || ' ' || coalesce(quantity, ''), '' FROM measures"
    ),
    "consequence": "SELECT id * 8 + 3, 'consequence', id, '', description, '' FROM consequences",
    "event": (
        "SELECT id * 8 + 4, 'event', id, title, coalesce(description, '') || ' ' || coalesce(place, ''), '' FROM events"
    ),
}
_ENTITY_INSERT = "INSERT INTO entities_fts (rowid, kind, entity_id, title, body, names) "
_TRIGRAM_INSERT = "INSERT INTO entities_trigram (rowid, text) SELECT rowid, title || ' ' || body FROM entities_fts "


def _register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the index statements call; pure Python, so cheap to register on every write."""
    from .search import fold_name

    conn.create_function(
        FOLD_FUNCTION, 1, lambda text: fold_name(text) if isinstance(text, str) else "", deterministic=True
    )


def refresh_entity_index(conn: sqlite3.Connection, touched: Mapping[str, Collection[int]]) -> None:
    """Re-index the given entities in entities_fts and entities_trigram (all of a kind when many changed)."""
    _register_functions(conn)
    for kind, ids in touched.items():
        if not ids:
            continue
        code = ENTITY_KIND_CODES[kind]
        if len(ids) > 2000:
            conn.execute("DELETE FROM entities_fts WHERE rowid % 8 = ?", (code,))
            conn.execute("DELETE FROM entities_trigram WHERE rowid % 8 = ?", (code,))
            conn.execute(_ENTITY_INSERT + _ENTITY_SQL[kind])
            conn.execute(_TRIGRAM_INSERT + "WHERE rowid % 8 = ?", (code,))
            continue
        for chunk in _chunks(sorted(ids)):
            marks = ", ".join("?" * len(chunk))
            rowids = [i * 8 + code for i in chunk]
            conn.execute(f"DELETE FROM entities_fts WHERE rowid IN ({marks})", rowids)
            conn.execute(f"DELETE FROM entities_trigram WHERE rowid IN ({marks})", rowids)
            conn.execute(_ENTITY_INSERT + _ENTITY_SQL[kind] + f" WHERE id IN ({marks})", tuple(chunk))
            conn.execute(_TRIGRAM_INSERT + f"WHERE rowid IN ({marks})", rowids)


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Rebuild every full-text index from the tables (used after bulk writes)."""
    rebuild_statement_index(conn)
    rebuild_entity_index(conn)


def rebuild_entity_index(conn: sqlite3.Connection) -> None:
    """Rebuild entities_fts and entities_trigram (actors, measures, consequences, events) from the tables."""
    _register_functions(conn)
    conn.execute("DELETE FROM entities_fts")
    conn.execute("DELETE FROM entities_trigram")
    for kind in _ENTITY_SQL:
        conn.execute(_ENTITY_INSERT + _ENTITY_SQL[kind])
    conn.execute(_TRIGRAM_INSERT)

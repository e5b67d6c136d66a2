"""Bundles into SQLite: validate everything first, then write all or nothing.

The importer is the write side of the store: `store.py` opens databases and
runs every read; this module (with `init_database` and the generator, which
reuse it) is the only code that writes. Writes go through one
`sqlite_utils.Database` on our own connection, inside one explicit
`BEGIN IMMEDIATE` transaction, so a failure anywhere leaves the file as it was.

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

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import store
from .bundle import BundleError, LoadedBundle, Problem, load_bundles, read_bundle_bytes
from .models import Bundle, consequence_slug

BULK_THRESHOLD = 5000
"""New statements above which the full-text index is rebuilt once instead of kept by triggers."""

_CHUNK = 500  # host parameters per IN (...) lookup


@dataclass
class ImportReport:
    """What an import wrote: rows inserted and updated per table."""

    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

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


# --------------------------------------------------------------------------- schema


def _data_file(name: str) -> bytes:
    """A file of `db/`: from the checkout when run from one, else as shipped inside the package.

    The wheel carries `db/` as `dossier/data/` (see pyproject.toml), so an
    installed `dossier` works outside the checkout.
    """
    checkout = Path(__file__).resolve().parent.parent / "db" / name
    if checkout.is_file():
        return checkout.read_bytes()
    return resources.files("dossier").joinpath("data", *name.split("/")).read_bytes()


def schema_sql() -> str:
    """The schema (db/schema.sql)."""
    return _data_file("schema.sql").decode("utf-8")


def seed_bundle_bytes() -> bytes:
    """The default dossier (db/seed/dossier.yaml), the source of truth for `dossier init`."""
    return _data_file("seed/dossier.yaml")


def _connect_for_write(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path.as_uri() + "?mode=rw", uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def init_database(path: Path, *, empty: bool = False, force: bool = False) -> ImportReport:
    """Create a dossier database at `path`: the default dossier, or only the schema.

    The new file is built beside the target and moved into place when complete,
    so an existing file (with `force`) is replaced only by a whole dossier.
    """
    path = Path(path)
    if path.exists() and not force:
        raise store.StoreError(f"{path} already exists (use --force to replace it)")
    if path.is_dir():
        raise store.StoreError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise store.StoreError(f"{path.parent} is not a directory")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = _connect_for_write(tmp)
        try:
            conn.executescript(schema_sql())
            report = ImportReport()
            if not empty:
                loaded = [read_bundle_bytes(seed_bundle_bytes(), "db/seed/dossier.yaml", "yaml")]
                problems = _check(conn, loaded)
                if problems:  # the shipped seed is tested; this guards a broken build
                    raise BundleError(problems)
                report = _write(conn, [item.bundle for item in loaded])
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return report


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring an older dossier to the current schema; refuse a newer one (store.check_schema)."""
    version = store.check_schema(conn, path)
    if version < store.SCHEMA_VERSION:
        # Version 1 is the first; later versions add their steps here, each idempotent.
        conn.executescript(schema_sql())


# --------------------------------------------------------------------------- import


def import_files(db_path: Path, bundle_paths: Sequence[Path]) -> ImportReport:
    """Validate the bundles against each other and the database, then write them in one transaction."""
    conn = store.connect_existing(Path(db_path), write=True)
    try:
        # Read and validate every file before the database is touched.
        loaded = _load(conn, bundle_paths)
        return import_loaded(conn, Path(db_path), loaded)
    except sqlite3.DatabaseError as exc:  # locked, read-only, disk full: one line, the file as it was
        raise store.StoreError(store.explain(Path(db_path), exc)) from None
    finally:
        conn.close()


def _load(conn: sqlite3.Connection, bundle_paths: Sequence[Path]) -> list[LoadedBundle]:
    return load_bundles(bundle_paths, known=store.known_slugs(conn))


def _check(conn: sqlite3.Connection, loaded: list[LoadedBundle]) -> list[Problem]:
    from .bundle import check_references

    return check_references(loaded, store.known_slugs(conn))


def import_loaded(conn: sqlite3.Connection, db_path: Path, loaded: list[LoadedBundle]) -> ImportReport:
    conn.execute("BEGIN IMMEDIATE")
    try:
        _migrate(conn, db_path)
        report = _write(conn, [item.bundle for item in loaded])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return report


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
        for slug in slugs:
            if slug not in self.ids:
                self.ids[slug] = self.next_id
                self.fresh.add(self.next_id)
                self.next_id += 1

    def id_of(self, slug: str | None) -> int | None:
        """The id of a slug in this bundle or already in the database."""
        if slug is None:
            return None
        if slug not in self.ids:
            found = self.conn.execute(f"SELECT id FROM {self.name} WHERE slug = ?", (slug,)).fetchone()
            if found is None:  # check_references ran before: this is a bug, not bad input
                raise store.StoreError(f"{self.name}: unknown slug {slug!r}")
            self.ids[slug] = found[0]
        return self.ids[slug]

    def write(self, rows: Iterable[tuple[Any, ...]]) -> list[int]:
        """Rows start with the slug. Returns the ids written (inserted or changed)."""
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        for row in rows:
            row_id = self.ids[row[0]]
            if row_id in self.fresh:
                inserts.append((row_id, *row))
            elif self._old[row[0]][1:] != tuple(row):
                updates.append((*row[1:], row_id))
        if inserts:
            cols = ", ".join(self.columns)
            marks = ", ".join("?" * (len(self.columns) + 1))
            self.conn.executemany(f"INSERT INTO {self.name} (id, {cols}) VALUES ({marks})", inserts)
        if updates:
            sets = ", ".join(f"{c} = ?" for c in self.columns[1:])
            self.conn.executemany(f"UPDATE {self.name} SET {sets} WHERE id = ?", updates)
        self.report.add(self.name, len(inserts), len(updates))
        return [row[0] for row in inserts] + [row[-1] for row in updates]


def _replace_children(
    conn: sqlite3.Connection,
    table: str,
    parent_column: str,
    columns: Sequence[str],
    children: dict[int, list[tuple[Any, ...]]],
    fresh: set[int],
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
    for parent, rows in children.items():
        if parent not in fresh:
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
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", inserts)
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


def _write(conn: sqlite3.Connection, bundles: Sequence[Bundle]) -> ImportReport:
    """Write validated bundles; the caller holds the transaction."""
    report = ImportReport()
    conn.execute("PRAGMA defer_foreign_keys = ON")
    sources = _Table(conn, "sources", ("slug", "title", "outlet", "url", "published", "note"), report)
    actors = _Table(conn, "actors", _ACTOR_COLUMNS, report)
    measures = _Table(conn, "measures", _MEASURE_COLUMNS, report)
    consequences = _Table(conn, "consequences", _CONSEQUENCE_COLUMNS, report)
    statements = _Table(conn, "statements", _STATEMENT_COLUMNS, report)
    events = _Table(conn, "events", ("slug", "title", "date", "place", "description", "source_id"), report)

    for b in bundles:
        sources.assign(s.slug for s in b.sources)
        actors.assign(a.slug for a in b.actors)
        measures.assign(m.slug for m in b.measures)
        statements.assign(s.slug for s in b.statements)
        events.assign(e.slug for e in b.events)
        consequences.assign(
            c.slug or consequence_slug(m.slug, n) for m in b.measures for n, c in enumerate(m.consequences, 1)
        )

    for b in bundles:
        if b.dossier is not None:
            meta = [("title", b.dossier.title)]
            if b.dossier.description:
                meta.append(("description", b.dossier.description))
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
    new_statements = len(statements.fresh)
    bulk = new_statements > BULK_THRESHOLD and (statements.was_empty or new_statements > _count(conn, "statements"))
    trigger_sql = _drop_statement_triggers(conn) if bulk else []

    for b in bundles:
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
        statements.write(
            (
                s.slug,
                actors.ids[s.speaker] if s.speaker in actors.ids else actors.id_of(s.speaker),
                s.speaker_role,
                s.text,
                s.kind,
                s.lang,
                s.said,
                s.via,
                sources.id_of(s.source),
            )
            for s in b.statements
        )
        for s in b.statements:
            sid = statements.ids[s.slug]
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
        statements.fresh,
        report,
    )
    _replace_children(conn, "event_actors", "event_id", ("event_id", "actor_id"), participants, events.fresh, report)

    if bulk:
        rebuild_statement_index(conn)
        for sql in trigger_sql:
            conn.execute(sql)
    refresh_entity_index(conn, touched)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:  # references were checked before writing; this guards the importer itself
        raise store.StoreError(f"import would break {len(problems)} references (first: {tuple(problems[0])})")
    return report


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


def _drop_statement_triggers(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'statements'"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [sql for _, sql in rows]


# --------------------------------------------------------------------------- search indexes

ENTITY_KIND_CODES = store.ENTITY_KIND_CODES
"""entities_fts rowid = entity id * 8 + kind code: a point lookup, never a scan."""

CJK_FUNCTION = "dossier_has_cjk"
"""The SQL name of `dossier.search.has_cjk`, registered for the bulk rebuild of statements_cjk."""
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


def refresh_entity_index(conn: sqlite3.Connection, touched: dict[str, set[int]]) -> None:
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


def rebuild_statement_index(conn: sqlite3.Connection) -> None:
    """Rebuild the statement indexes from the table: words for all, trigrams for those with CJK text."""
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    rebuild_cjk_index(conn)


def rebuild_cjk_index(conn: sqlite3.Connection) -> None:
    """Index the statements that hold CJK text by trigrams (statements_cjk), all at once.

    The triggers test each new row with the schema's GLOB; over a whole table
    that GLOB costs more than the word index rebuild (a character class tried at
    every position), so here a statement is first skipped unless it has at least
    two more UTF-8 bytes than characters (pure ASCII costs nothing), then tested
    by `dossier.search.has_cjk` in Python, ten times faster than the GLOB.
    """
    from .search import has_cjk

    conn.create_function(CJK_FUNCTION, 1, lambda text: isinstance(text, str) and has_cjk(text), deterministic=True)
    conn.execute("INSERT INTO statements_cjk(statements_cjk) VALUES ('delete-all')")
    conn.execute(
        "INSERT INTO statements_cjk(rowid, text) SELECT id, text FROM statements"
        f" WHERE length(CAST(text AS BLOB)) - length(text) >= 2 AND {CJK_FUNCTION}(text)"
    )


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Rebuild every full-text index from the tables (used after bulk writes)."""
    rebuild_statement_index(conn)
    _register_functions(conn)
    conn.execute("DELETE FROM entities_fts")
    conn.execute("DELETE FROM entities_trigram")
    for kind in _ENTITY_SQL:
        conn.execute(_ENTITY_INSERT + _ENTITY_SQL[kind])
    conn.execute(_TRIGRAM_INSERT)

"""The importer's streaming path: JSON Lines bundles written as they are read, in one transaction.

`dossier import` takes this path when a bundle is JSON Lines (`dossier.jsonl`).
Memory does not grow with the number of statements: lines are read and
validated in batches, each batch is written at once with `executemany`, and
nothing keeps a statement once its batch is written. What is kept:

* slug -> id maps of the sources, actors, measures, consequences and events
  (about 1.6 % of the entities of a generated dossier: ~20 MiB at 10M
  statements), with the line that defined each, for the messages;
* references to an entity not yet defined (a later line, another file): the
  row is written with a negative placeholder id, one per slug, and the
  placeholders are replaced in SQL (one `UPDATE` per referring column) once
  the last line is read; a slug never defined is refused with the line of
  its first reference, before the commit;
* no map of statement slugs: a statement's id is the next one, and a slug
  given twice is caught by the table's UNIQUE index; only then is the file
  read again to name the line that gave it first.

A problem anywhere stops the writing; the reader goes on validating, so one
refusal lists the problems of the whole file (up to `jsonl.MAX_PROBLEMS`),
and the transaction is rolled back: the file is as it was. YAML, JSON and FtM
bundles given in the same command are validated in memory, as ever, and then
written through the same path, so references may cross between them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import importer
from .bundle import LoadedBundle, _is_ftm, paused_gc, read_bundle
from .errors import BundleError, Problem, StoreError
from .jsonl import KIND_OF_MODEL, MAX_PROBLEMS, LineReader, entity_problems, find_definition, is_jsonl
from .migrations import Migration, ensure_index_triggers, ensure_summaries
from .rows import consequence_slug
from .schema import SCHEMA_VERSION
from .store.connection import connect_existing, explain

Item = tuple[int | None, Any]
"""(line, entity) of one entity to write: a model, or a dict for a statement."""

_REFERRERS = {
    "actor": (
        ("actors", "affiliation_id"),
        ("measures", "imposed_by_id"),
        ("measures", "target_id"),
        ("measure_links", "asserted_by_id"),
        ("consequences", "affects_id"),
        ("statements", "speaker_id"),
        ("event_actors", "actor_id"),
    ),
    "source": (("measures", "source_id"), ("statements", "source_id"), ("events", "source_id")),
    "measure": (("measure_links", "responds_to_id"), ("statement_measures", "measure_id")),
}
"""The columns that may hold a placeholder for a reference to each kind."""

_STATEMENT_COLUMNS = ("id", "slug", *importer._STATEMENT_COLUMNS[1:])

STREAM_CACHE_KIB = -128 * 1024
"""SQLite's page cache while the lines are written (128 MiB): what the UNIQUE slug indexes of a big load
need to stay in memory."""

FINISH_CACHE_KIB = 32 * 1024
"""SQLite's page cache once the last line is written (32 MiB), while the statement indexes, the full-text
index and the summaries are built: each of SQLite's sorters may take as much memory as the page cache,
so under the 128 MiB of the writing a 10M import peaked at 389 MiB, and the peak grew with the file
(301 MiB at 1M); with this, 240 MiB at 1M and at 3M, 258 MiB at 10M (docs/performance.md)."""


def streamed(path: Path | str) -> bool:
    """A JSON Lines bundle of ours, by its name (`.jsonl`), unless its first line is a FollowTheMoney entity."""
    if not is_jsonl(path):
        return False
    try:
        with Path(path).open("rb") as handle:
            first = handle.read(1 << 20)
    except OSError:
        return True  # the streaming path says why it cannot be read
    return not _is_ftm(first)


def import_paths(db_path: Path, bundle_paths: Sequence[Path]) -> importer.ImportReport:
    """Validate and write the bundles (at least one JSON Lines) in one transaction: all or nothing."""
    db_path = Path(db_path)
    conn = connect_existing(db_path, write=True)
    try:
        with paused_gc():
            problems: list[Problem] = []
            loaded: list[LoadedBundle] = []
            for path in bundle_paths:
                if streamed(path):
                    problems.extend(_openable(Path(path)))
                    continue
                try:
                    loaded.append(read_bundle(path))
                except BundleError as exc:
                    problems.extend(exc.problems)
            if problems:
                raise BundleError(problems)
            return _import(conn, db_path, loaded, [Path(p) for p in bundle_paths if streamed(p)])
    except sqlite3.DatabaseError as exc:  # locked, read-only, disk full: one line, the file as it was
        raise StoreError(explain(db_path, exc)) from None
    finally:
        conn.close()


def _openable(path: Path) -> list[Problem]:
    file = str(path)
    if path.is_dir():
        return [Problem(file, None, "", "is a directory, not a bundle file")]
    try:
        with path.open("rb"):
            return []
    except FileNotFoundError:
        return [Problem(file, None, "", "no such file")]
    except OSError as exc:
        return [Problem(file, None, "", f"cannot be read: {exc.strerror or exc}")]


def _import(
    conn: sqlite3.Connection, db_path: Path, loaded: list[LoadedBundle], streams: list[Path]
) -> importer.ImportReport:
    conn.execute(f"PRAGMA cache_size = {STREAM_CACHE_KIB}")
    migration = importer.migrate_for_write(conn, db_path)  # a newer file is refused here; an older one backed up
    # Into a dossier without statements, every reference of the bulk rows is resolved by the writer itself
    # (or refused); their foreign keys are not checked row by row, and the rest are checked before COMMIT.
    bulk = conn.execute("SELECT 1 FROM statements LIMIT 1").fetchone() is None
    if bulk:
        conn.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction does this take effect
    conn.execute("BEGIN IMMEDIATE")
    try:
        triggers = ensure_index_triggers(conn) + ensure_summaries(conn)  # e.g. dropped by a sqlite-utils transform()
        if triggers and migration is None:
            migration = Migration(SCHEMA_VERSION, SCHEMA_VERSION, triggers)
        report = importer.ImportReport(migration=migration)
        writer = StreamWriter(conn, report)
        for item in loaded:
            writer.files.append((item.file, None))
            writer.take(item.file, _items_of(item))
            report.notes.extend(item.notes)
        for path in streams:
            file = str(path)
            writer.files.append((file, path))
            with path.open("rb") as handle:
                for batch in LineReader(handle, file, writer.problems).batches():
                    writer.take(file, zip(batch.lines, batch.entities, strict=True))
        if not writer.problems:
            writer.finish()
        if writer.problems:
            raise BundleError(_listed(writer.problems))
        importer.record_import(conn, report, [file for file, _ in writer.files])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return report


def _listed(problems: list[Problem]) -> list[Problem]:
    if len(problems) > MAX_PROBLEMS + 1:
        return [*problems[:MAX_PROBLEMS], Problem(problems[0].file, None, "", "and more problems, not listed")]
    return problems


def _items_of(item: LoadedBundle) -> Iterable[Item]:
    """A bundle read whole (YAML, JSON, FtM), entity by entity, in the order of its sections."""
    b = item.head
    if b.dossier is not None:
        yield item.line_of(("dossier",)), b.dossier
    for section in ("sources", "actors", "measures"):
        for index, entity in enumerate(getattr(b, section)):
            yield item.line_of((section, index, "slug")), entity
    rows: Iterable[Any] = (
        item.statement_rows
        if item.statement_rows is not None
        else (s.model_dump(exclude_none=True) for s in item.bundle.statements)
    )
    for index, data in enumerate(rows):
        yield item.line_of(("statements", index, "slug")), data
    for index, event in enumerate(b.events):
        yield item.line_of(("events", index, "slug")), event


class _Kind:
    """One table of entities that are few beside the statements.

    A kind that others refer to (sources, actors, measures) keeps slug -> id
    in memory (~140 bytes an entity); consequences and events, which nothing
    refers to, keep nothing when their table was empty: a slug given twice is
    then caught by the table's UNIQUE index.
    """

    def __init__(self, writer: StreamWriter, table: str, noun: str, columns: Sequence[str], referred: bool) -> None:
        self.writer, self.conn, self.table, self.noun = writer, writer.conn, table, noun
        self.columns = tuple(columns)  # slug first
        (self.next_id,) = self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
        self.first_new: int = self.next_id
        self.was_empty = self.next_id == 1
        self.keeps_ids = referred or not self.was_empty
        self.ids: dict[str, int] = {}
        """Slugs defined by this import, and (into a table that had rows) slugs found in the database."""
        self.redefined: set[int] = set()
        """Rows that were in the database and that this import defines (updated or not)."""
        self.pending: dict[str, tuple[int, str, int | None, str]] = {}
        """Slugs referred to before they were defined: placeholder, file, line, path."""
        self.inserts: list[tuple[Any, ...]] = []
        self.insert_lines: list[int | None] = []
        self.updates: list[tuple[Any, ...]] = []
        self.touched: set[int] = set()
        """Rows inserted or changed (not kept for a table that was empty: all of it is new)."""
        self._select = f"SELECT id, {', '.join(self.columns)} FROM {table} WHERE slug = ?"

    def is_new(self, row_id: int) -> bool:
        return row_id >= self.first_new

    def touched_ids(self) -> Collection[int]:
        return range(self.first_new, self.next_id) if self.was_empty else self.touched

    def ref(self, slug: str | None, file: str, line: int | None, path: str) -> int | None:
        """The id of `slug`: known, in the database, or a placeholder until it is defined."""
        if slug is None:
            return None
        found = self.ids.get(slug)
        if found is not None:
            return found
        if not self.was_empty:
            row = self.conn.execute(f"SELECT id FROM {self.table} WHERE slug = ?", (slug,)).fetchone()
            if row is not None:
                self.ids[slug] = row[0]
                return int(row[0])
        waiting = self.pending.get(slug)
        if waiting is None:
            waiting = self.pending[slug] = (-(len(self.pending) + 1), file, line, path)
        return waiting[0]

    def dangling(self) -> Iterator[Problem]:
        for slug, (_, file, line, path) in self.pending.items():
            if slug not in self.ids:
                yield Problem(file, line, path, f"unknown {self.noun} {slug!r}")

    def define(self, row: tuple[Any, ...], file: str, line: int | None) -> int | None:
        """Insert or update the entity whose row (slug first) is given; None when its slug came before."""
        slug = row[0]
        known = self.ids.get(slug)
        if known is not None and (known >= self.first_new or known in self.redefined):
            self.writer.duplicate(self.noun, slug, file, line)
            return None
        old = None if self.was_empty else self.conn.execute(self._select, (slug,)).fetchone()
        if old is None:
            row_id = self.next_id
            self.next_id += 1
            self.inserts.append((row_id, *row))
            self.insert_lines.append(line)
            if not self.was_empty:
                self.touched.add(row_id)
        else:
            row_id = old[0]
            self.redefined.add(row_id)
            if tuple(old[1:]) != row:
                self.updates.append((*row[1:], row_id))
                self.touched.add(row_id)
        if self.keeps_ids:
            self.ids[slug] = row_id
        return int(row_id)

    def flush(self, file: str) -> None:
        report = self.writer.report
        if self.inserts:
            try:
                self.conn.executemany(importer._insert_sql(self.table, ("id", *self.columns)), self.inserts)
            except sqlite3.IntegrityError:  # a slug given twice (only a table that was empty keeps no ids)
                self.writer.find_duplicate(self.table, self.noun, file, self.inserts, self.insert_lines)
                return
        if self.updates:
            sets = ", ".join(f"{c} = ?" for c in self.columns[1:])
            self.conn.executemany(f"UPDATE {self.table} SET {sets} WHERE id = ?", self.updates)
        report.add(self.table, len(self.inserts), len(self.updates))
        self.inserts, self.insert_lines, self.updates = [], [], []


class StreamWriter:
    """Writes entities as they come (in batches), inside the caller's transaction; `finish` before COMMIT."""

    def __init__(self, conn: sqlite3.Connection, report: importer.ImportReport) -> None:
        self.conn, self.report = conn, report
        self.problems: list[Problem] = []
        self.files: list[tuple[str, Path | None]] = []
        conn.execute("PRAGMA defer_foreign_keys = ON")
        source_columns = ("slug", "title", "outlet", "url", "published", "note")
        self.sources = _Kind(self, "sources", "source", source_columns, referred=True)
        self.actors = _Kind(self, "actors", "actor", importer._ACTOR_COLUMNS, referred=True)
        self.measures = _Kind(self, "measures", "measure", importer._MEASURE_COLUMNS, referred=True)
        self.consequences = _Kind(self, "consequences", "consequence", importer._CONSEQUENCE_COLUMNS, referred=False)
        event_columns = ("slug", "title", "date", "place", "description", "source_id")
        self.events = _Kind(self, "events", "event", event_columns, referred=False)
        (self.next_statement,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM statements").fetchone()
        self.first_statement: int = self.next_statement
        self.statements_were_empty = self.next_statement == 1
        self.existing_statements = 0 if self.statements_were_empty else importer._count(conn, "statements")
        self.updated_statements: set[int] = set()
        self.new_statements = 0
        self.all_empty = (
            all(k.was_empty for k in (self.sources, self.actors, self.measures, self.events))
            and self.statements_were_empty
        )
        self.finish_index: Callable[[], None] | None = None
        if self.statements_were_empty:
            self.finish_index = importer._defer_bulk_indexes(conn, FINISH_CACHE_KIB)
        self.touched_parents: dict[str, set[int]] = {"actor": set(), "measure": set(), "event": set()}

    # ----------------------------------------------------------------- problems

    def problem(self, file: str, line: int | None, path: str, message: str) -> None:
        self.problems.append(Problem(file, line, path, message))

    def duplicate(self, noun: str, slug: str, file: str, line: int | None) -> None:
        """A slug given a second time: named with the line that gave it first, found by reading the files again."""
        where = "an earlier line"
        for name, path in self.files:
            if path is None:
                continue
            found = find_definition(path, noun, slug, before=line if name == file else None)
            if found is not None:
                where = f"{name}:{found}"
                break
        self.problem(file, line, "slug", f"duplicate {noun} slug {slug!r} (first at {where})")

    def find_duplicate(
        self, table: str, noun: str, file: str, rows: list[tuple[Any, ...]], lines: list[int | None]
    ) -> None:
        """The UNIQUE index refused a slug in `rows` (id, slug, ...): find which one."""
        for row, line in zip(rows, lines, strict=True):
            found = self.conn.execute(f"SELECT id FROM {table} WHERE slug = ?", (row[1],)).fetchone()
            if found is not None and found[0] != row[0]:
                self.duplicate(noun, row[1], file, line)
                return
        raise StoreError(f"{table}: a row was refused for no reason the importer knows")  # a bug, not bad input

    # ----------------------------------------------------------------- entities

    def take(self, file: str, items: Iterable[Item]) -> None:
        """Write one batch: the few entities in order, then its statements at once."""
        if self.problems:
            return
        statements: list[tuple[int | None, dict[str, Any]]] = []
        aliases: dict[int, list[tuple[Any, ...]]] = {}
        links: dict[int, list[tuple[Any, ...]]] = {}
        participants: dict[int, list[tuple[Any, ...]]] = {}
        kept: list[int] = []
        consequence_rows: list[tuple[tuple[Any, ...], int | None]] = []
        actors, sources, measures = self.actors, self.sources, self.measures
        for line, e in items:
            if type(e) is dict:
                statements.append((line, e))
                continue
            kind = KIND_OF_MODEL[type(e)]
            if kind != "dossier":
                for path, message in entity_problems(kind, e):
                    self.problem(file, line, path, message)
            if kind == "source":
                sources.define((e.slug, e.title, e.outlet, e.url, e.published, e.note), file, line)
            elif kind == "actor":
                aid = actors.define(
                    (
                        e.slug,
                        e.name,
                        e.kind,
                        e.role,
                        actors.ref(e.affiliation, file, line, "affiliation"),
                        e.country,
                        e.description,
                    ),
                    file,
                    line,
                )
                if aid is not None:
                    aliases[aid] = [(aid, alias.name, alias.lang) for alias in e.aliases]
            elif kind == "measure":
                mid = measures.define(
                    (
                        e.slug,
                        e.title,
                        e.kind,
                        actors.ref(e.imposed_by, file, line, "imposed_by"),
                        actors.ref(e.target, file, line, "target"),
                        e.quantity,
                        e.announced,
                        e.effective,
                        e.status,
                        e.description,
                        sources.ref(e.source, file, line, "source"),
                    ),
                    file,
                    line,
                )
                if mid is None:
                    continue
                links[mid] = [
                    (
                        mid,
                        measures.ref(link.measure, file, line, f"in_response_to.{j}.measure"),
                        actors.ref(link.asserted_by, file, line, f"in_response_to.{j}.asserted_by"),
                    )
                    for j, link in enumerate(e.in_response_to)
                ]
                for n, c in enumerate(e.consequences, 1):
                    affects = actors.ref(c.affects, file, line, f"consequences.{n - 1}.affects")
                    row = (c.slug or consequence_slug(e.slug, n), mid, n, c.description, affects, c.due, c.certainty)
                    consequence_rows.append((row, line))
                kept.append(mid)
            elif kind == "event":
                eid = self.events.define(
                    (e.slug, e.title, e.date, e.place, e.description, sources.ref(e.source, file, line, "source")),
                    file,
                    line,
                )
                if eid is not None:
                    participants[eid] = [
                        (eid, actors.ref(p, file, line, f"participants.{j}")) for j, p in enumerate(e.participants)
                    ]
            elif kind == "dossier":
                self._meta(e)
        if self.problems:
            return
        # Positions move when consequences are reordered: the measures' old ones are cleared out of the way first.
        existing: dict[int, list[int]] = {mid: [] for mid in kept if not measures.is_new(mid)}
        for row, line in consequence_rows:
            cid = self.consequences.define(row, file, line)
            if cid is not None and row[1] in existing:
                existing[row[1]].append(cid)
        if existing:
            importer._drop_consequences_not_in(self.conn, existing, self.report)
        for table in (self.sources, self.actors, self.measures, self.consequences, self.events):
            table.flush(file)
        if self.problems:
            return
        replace = importer._replace_children
        changed = replace(
            self.conn, "aliases", "actor_id", ("actor_id", "name", "lang"), aliases, actors.is_new, self.report
        )
        self.touched_parents["actor"] |= changed
        link_columns = ("measure_id", "responds_to_id", "asserted_by_id")
        replace(self.conn, "measure_links", "measure_id", link_columns, links, measures.is_new, self.report)
        participant_columns = ("event_id", "actor_id")
        replace(
            self.conn, "event_actors", "event_id", participant_columns, participants, self.events.is_new, self.report
        )
        if statements:
            self._statements(file, statements)

    def _meta(self, info: Any) -> None:
        """The `dossier` line: title and description; the identity only into a dossier that holds nothing yet
        or has none (as `importer._write` does)."""
        conn = self.conn
        meta = [(key, value) for key in ("title", "description") if (value := getattr(info, key))]
        if info.identity and (
            self.all_empty or conn.execute("SELECT 1 FROM dossier_meta WHERE key = 'identity'").fetchone() is None
        ):
            meta.append(("identity", info.identity))
        for key, value in meta:
            old = conn.execute("SELECT value FROM dossier_meta WHERE key = ?", (key,)).fetchone()
            if old is None or old[0] != value:
                conn.execute("INSERT OR REPLACE INTO dossier_meta (key, value) VALUES (?, ?)", (key, value))
                self.report.add("dossier_meta", *((1, 0) if old is None else (0, 1)))

    # ----------------------------------------------------------------- statements

    def _statements(self, file: str, batch: list[tuple[int | None, dict[str, Any]]]) -> None:
        actor_ids, source_ids, measure_ids = self.actors.ids, self.sources.ids, self.measures.ids
        actor_ref, source_ref, measure_ref = self.actors.ref, self.sources.ref, self.measures.ref
        rows: list[tuple[Any, ...]] = []
        abouts: list[Any] = []
        lines: list[int | None] = []
        for line, s in batch:
            speaker = s["speaker"]
            source = s.get("source")
            rows.append(
                (
                    s["slug"],
                    actor_ids.get(speaker) or actor_ref(speaker, file, line, "speaker"),
                    s.get("speaker_role"),
                    s["text"],
                    s.get("kind", "quote"),
                    s.get("lang"),
                    s.get("said"),
                    s.get("via"),
                    None if source is None else source_ids.get(source) or source_ref(source, file, line, "source"),
                )
            )
            lines.append(line)
            about = s.get("about")
            if not about:
                abouts.append(())
                continue
            if len(about) > 1:
                for path, message in entity_problems("statement", s):
                    self.problem(file, line, path, message)
            abouts.append(
                [
                    (
                        measure_ids.get(a["measure"]) or measure_ref(a["measure"], file, line, f"about.{j}.measure"),
                        a.get("stance", "comments"),
                    )
                    for j, a in enumerate(about)
                ]
            )
        if self.problems:
            return
        if self.statements_were_empty:
            self._insert_statements(file, rows, abouts, lines)
        else:
            self._upsert_statements(file, rows, abouts, lines)

    def _insert_statements(
        self, file: str, rows: list[tuple[Any, ...]], abouts: list[Any], lines: list[int | None]
    ) -> None:
        """Into a table that was empty: every statement is new, its id the next one."""
        first = self.next_statement
        with_ids = [(sid, *row) for sid, row in enumerate(rows, first)]
        try:
            self.conn.executemany(importer._insert_sql("statements", _STATEMENT_COLUMNS), with_ids)
        except sqlite3.IntegrityError:
            self.find_duplicate("statements", "statement", file, with_ids, lines)
            return
        self.next_statement += len(rows)
        self.new_statements += len(rows)
        self.report.add("statements", len(rows))
        measures = [(sid, mid, stance) for sid, about in enumerate(abouts, first) for mid, stance in about]
        if measures:
            self.conn.executemany(
                importer._insert_sql("statement_measures", ("statement_id", "measure_id", "stance")), measures
            )
            self.report.add("statement_measures", len(measures))

    def _upsert_statements(
        self, file: str, rows: list[tuple[Any, ...]], abouts: list[Any], lines: list[int | None]
    ) -> None:
        """Into a dossier that has statements: found by slug, updated when changed, else inserted."""
        conn = self.conn
        old: dict[str, tuple[Any, ...]] = {}
        cols = ", ".join(_STATEMENT_COLUMNS)
        slugs = [row[0] for row in rows]
        for start in range(0, len(slugs), importer._CHUNK):
            chunk = slugs[start : start + importer._CHUNK]
            sql = f"SELECT {cols} FROM statements WHERE slug IN ({', '.join('?' * len(chunk))})"
            for found in conn.execute(sql, chunk):
                old[found[1]] = tuple(found)
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        children: dict[int, list[tuple[Any, ...]]] = {}
        seen: dict[str, int | None] = {}
        for row, about, line in zip(rows, abouts, lines, strict=True):
            slug = row[0]
            before = old.get(slug)
            again = before is not None and (before[0] >= self.first_statement or before[0] in self.updated_statements)
            if slug in seen or again:
                self.duplicate("statement", slug, file, line)
                return
            seen[slug] = line
            if before is None:
                sid = self.next_statement
                self.next_statement += 1
                inserts.append((sid, *row))
                if about:
                    children[sid] = [(sid, mid, stance) for mid, stance in about]
            else:
                sid = before[0]
                self.updated_statements.add(sid)
                if before[1:] != row:
                    updates.append((*row[1:], sid))
                children[sid] = [(sid, mid, stance) for mid, stance in about]
        if inserts:
            conn.executemany(importer._insert_sql("statements", _STATEMENT_COLUMNS), inserts)
        if updates:
            sets = ", ".join(f"{c} = ?" for c in _STATEMENT_COLUMNS[2:])
            conn.executemany(f"UPDATE statements SET {sets} WHERE id = ?", updates)
        self.report.add("statements", len(inserts), len(updates))
        self.new_statements += len(inserts)
        importer._replace_children(
            conn,
            "statement_measures",
            "statement_id",
            ("statement_id", "measure_id", "stance"),
            children,
            lambda sid: sid >= self.first_statement,
            self.report,
        )
        if (
            self.finish_index is None
            and self.new_statements > importer.BULK_THRESHOLD
            and self.new_statements > self.existing_statements
        ):
            # Many new statements: the index is built once at the end, not kept row by row (rebuilt whole).
            self.finish_index = importer._defer_bulk_indexes(conn, FINISH_CACHE_KIB)

    # ----------------------------------------------------------------- the end

    def finish(self) -> None:
        """Every reference resolved (or refused with its line), indexes built, foreign keys checked."""
        kinds = {"actor": self.actors, "source": self.sources, "measure": self.measures}
        dangling = [problem for kind in kinds.values() for problem in kind.dangling()]
        if dangling:
            order = {name: n for n, (name, _) in enumerate(self.files)}
            self.problems.extend(sorted(dangling, key=lambda p: (order.get(p.file, 0), p.line or 0)))
            return
        conn = self.conn
        for name, kind in kinds.items():
            if not kind.pending:
                continue
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS dossier_placeholders (placeholder INTEGER PRIMARY KEY, id)")
            conn.execute("DELETE FROM temp.dossier_placeholders")
            conn.executemany(
                "INSERT INTO temp.dossier_placeholders VALUES (?, ?)",
                ((placeholder, kind.ids[slug]) for slug, (placeholder, *_) in kind.pending.items()),
            )
            for table, column in _REFERRERS[name]:
                conn.execute(
                    f"UPDATE {table} SET {column} = (SELECT id FROM temp.dossier_placeholders"
                    f" WHERE placeholder = {table}.{column}) WHERE {column} < 0"
                )
            conn.execute("DROP TABLE temp.dossier_placeholders")
        bulk = self.finish_index is not None
        if self.finish_index is not None:
            self.finish_index()
        actors = self.actors.touched_ids()
        touched = {
            "actor": actors if self.actors.was_empty else {*actors, *self.touched_parents["actor"]},
            "measure": self.measures.touched_ids(),
            "consequence": self.consequences.touched_ids(),
            "event": self.events.touched_ids(),
        }
        importer.refresh_entity_index(conn, touched)
        problems = importer._foreign_key_problems(conn, skip=importer._BULK_TABLES if bulk else ())
        if problems:  # references were resolved above; this guards the importer itself
            raise StoreError(f"import would break {len(problems)} references (first: {tuple(problems[0])})")

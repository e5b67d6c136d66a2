"""The whole dossier as a bundle (`dossier export`), in insertion order, ready to import elsewhere.

Export is the one read that walks whole tables: it is what the user asked
for. It builds the bundle models of `dossier.models` (pydantic), imported here
only when an export runs: the browser never needs them.

Every export reads inside one read transaction (`Store.snapshot`): from its
first read to its last line it sees one committed state of the file, even
when another program commits an import while the lines are being written.
(In WAL mode that program commits and the export goes on reading the state
before; in the default rollback-journal mode it waits for the export.)
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..rows import CHILD_FIELDS, LINE_FIELDS, consequence_slug
from .base import StoreBase
from .connection import dossier_identity, page_cache

if TYPE_CHECKING:
    from ..models import Bundle


class ExportQueries(StoreBase):
    """`export_bundle`."""

    def export_bundle(self) -> Bundle:
        """The whole dossier as a bundle, in insertion order, ready to import elsewhere."""
        from ..models import (  # the bundle models (pydantic) only for export: the browser never needs them
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

        with self.snapshot(), self._cursor() as conn:  # one read transaction: one state of the file
            meta = dict(conn.execute("SELECT key, value FROM dossier_meta").fetchall())
            meta["identity"] = dossier_identity(conn)  # a file made before schema 2: the derived one
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
        info = DossierInfo(
            **clean(identity=meta["identity"], title=meta.get("title"), description=meta.get("description"))
        )
        return Bundle(
            dossier=info,
            sources=tuple(sources),
            actors=tuple(actors),
            measures=tuple(measures),
            statements=tuple(statements),
            events=tuple(events),
        )

    def export_lines(self) -> Iterator[dict[str, Any]]:
        """The whole dossier entity by entity as dicts, `type` first: what a JSON Lines bundle holds."""
        for kind, values in self.export_rows():
            line: dict[str, Any] = {"type": kind}
            for name, value in zip(LINE_FIELDS[kind], values, strict=True):
                if value is None or value == []:
                    continue
                if name in CHILD_FIELDS:
                    fields = CHILD_FIELDS[name]
                    value = [{k: v for k, v in zip(fields, child, strict=True) if v is not None} for child in value]
                line[name] = value
            yield line

    def export_rows(self, statement_lines: bool = False) -> Iterator[tuple[str, Any]]:
        """The whole dossier entity by entity, in memory that does not grow with it: (kind, values).

        The same entities, order and fields as `export_bundle`: values in the
        order of `LINE_FIELDS[kind]`, children as lists of tuples in the order
        of `CHILD_FIELDS` (participants as slugs), None where the bundle leaves a
        field out. Read by cursors, not into lists: each parent table is walked
        by id beside its children's table walked by parent id (a merge), and
        references are slugs joined in SQL.

        With `statement_lines`, the statements (the bulk of a dossier) come
        instead as ("statements", (text, beyond_ascii)), a batch of lines at a
        time: `text` their JSON Lines as UTF-8, each line written by SQLite
        (`_statement_lines`), and `beyond_ascii` those of its lines that are
        not ASCII, decoded (every character a writer escapes but DEL is beyond
        ASCII: it need not look anywhere else).
        """
        # One read transaction from the first read to the last line (`snapshot`): every table is read
        # in the state of one commit, even if another program commits while the lines are written.
        with self.snapshot(), self._cursor() as conn, page_cache(conn, EXPORT_CACHE_KIB):
            meta = dict(conn.execute("SELECT key, value FROM dossier_meta").fetchall())
            yield "dossier", (dossier_identity(conn), meta.get("title"), meta.get("description"))
            for r in conn.execute("SELECT slug, title, outlet, url, published, note FROM sources ORDER BY id"):
                yield "source", tuple(r)
            aliases = _children(conn, "SELECT actor_id, name, lang FROM aliases ORDER BY actor_id, id")
            for r in conn.execute(
                "SELECT a.id, a.slug, a.name, a.kind, a.role, f.slug, a.country, a.description"
                " FROM actors a LEFT JOIN actors f ON f.id = a.affiliation_id ORDER BY a.id"
            ):
                yield "actor", (*r[1:], aliases.of(r[0]))
            links = _children(
                conn,
                "SELECT l.measure_id, m.slug, a.slug FROM measure_links l JOIN measures m ON m.id = l.responds_to_id"
                " LEFT JOIN actors a ON a.id = l.asserted_by_id ORDER BY l.measure_id, l.id",
            )
            consequences = _children(
                conn,
                "SELECT c.measure_id, c.description, c.slug, a.slug, c.due, c.certainty FROM consequences c"
                " LEFT JOIN actors a ON a.id = c.affects_id ORDER BY c.measure_id, c.position",
            )
            for r in conn.execute(
                "SELECT m.id, m.slug, m.title, m.kind, i.slug, t.slug, m.quantity, m.announced, m.effective, m.status,"
                " m.description, s.slug FROM measures m LEFT JOIN actors i ON i.id = m.imposed_by_id"
                " LEFT JOIN actors t ON t.id = m.target_id LEFT JOIN sources s ON s.id = m.source_id ORDER BY m.id"
            ):
                slug = r[1]
                # a default consequence slug is left out again, as the bundle writer does
                kept = [
                    (c[0], None if c[1] == consequence_slug(slug, n) else c[1], *c[2:])
                    for n, c in enumerate(consequences.of(r[0]), 1)
                ]
                yield "measure", (*r[1:], links.of(r[0]), kept)
            if statement_lines and _sqlite_quotes_as_json_does(conn):
                for batch in _statement_lines(conn, self.path):
                    yield "statements", batch
            else:
                for values in _statement_rows(conn):
                    yield "statement", values
            participants = _children(
                conn,
                "SELECT ea.event_id, a.slug FROM event_actors ea JOIN actors a ON a.id = ea.actor_id"
                " ORDER BY ea.event_id, ea.rowid",
            )
            for r in conn.execute(
                "SELECT e.id, e.slug, e.title, e.date, e.place, e.description, s.slug FROM events e"
                " LEFT JOIN sources s ON s.id = e.source_id ORDER BY e.id"
            ):
                yield "event", (*r[1:], [slug for (slug,) in participants.of(r[0])])


EXPORT_CACHE_KIB = 16 * 1024
"""SQLite's page cache while `export_rows` runs (16 MiB, against the default 2).

The actors, sources and measures each statement line looks up stay in it
while the statements stream past: measured on 2M statements of a 10M
dossier, 0.3 s of system time where the default cache took 1.3 s.
"""


def _statement_rows(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """The values of each statement (`LINE_FIELDS["statement"]`), its measures merged in beside it."""
    abouts = conn.execute(
        "SELECT sm.statement_id, m.slug, sm.stance FROM statement_measures sm"
        " JOIN measures m ON m.id = sm.measure_id ORDER BY sm.statement_id, sm.rowid"
    )
    # The bulk of the dossier: the merge with the measures is written out here, not as a call a row.
    about = next(abouts, None)
    for r in conn.execute(
        "SELECT s.id, s.slug, a.slug, s.text, s.kind, s.speaker_role, s.lang, s.said, s.via, src.slug"
        " FROM statements s JOIN actors a ON a.id = s.speaker_id LEFT JOIN sources src ON src.id = s.source_id"
        " ORDER BY s.id"
    ):
        sid = r[0]
        found: list[tuple[Any, ...]] = []
        while about is not None and about[0] <= sid:
            if about[0] == sid:
                found.append(about[1:])
            about = next(abouts, None)
        yield (*r[1:], found)


# --------------------------------------------------------------------------- statements as JSON Lines, by SQLite
# The statements are nearly all of a big dossier's lines: SQLite writes each of them
# (`json_object` escapes a string exactly as Python's json does, checked on every export by
# `_sqlite_quotes_as_json_does`; if it did not, Python would write them, `_statement_rows`),
# so Python only merges in the measures and joins the lines. Measured at 1M statements:
# 4.4 s of CPU for the whole export, against 8.1 s when Python built each line.

STATEMENT_BATCH = 4096
"""Statement lines fetched from SQLite at a time."""

_STATEMENT_JSON = {
    "type": "'statement'",
    "slug": "s.slug",
    "speaker": "a.slug",
    "text": "s.text",
    "kind": "s.kind",
    "speaker_role": "s.speaker_role",
    "lang": "s.lang",
    "said": "s.said",
    "via": "s.via",
    "source": "src.slug",
}
"""The SQL of each key of a statement line, in order, but `about` (the last: `_statement_lines` adds it)."""

_NEVER_NULL = frozenset({"type", "slug", "speaker", "text"})
"""Keys always written, as `dump_rows` does (a literal, NOT NULL, or a slug joined by an inner join)."""

_QUOTE_PROBE = "".join(map(chr, range(1, 0x80))) + "\x80\x9b\xa0\xe9\u2028\u202e\ufeff\U0001f600"
"""Every ASCII character but NUL (which text cannot hold) and a few others, quoted by both to compare."""


def _sqlite_quotes_as_json_does(conn: sqlite3.Connection) -> bool:
    """Whether SQLite's `json_object` writes a string exactly as Python's `json` (`ensure_ascii=False`) does."""
    import json  # here: the browser imports this module (the store's mixins) but never exports

    row = conn.execute("SELECT json_object('k', ?)", (_QUOTE_PROBE,)).fetchone()
    return bool(row[0] == '{"k":' + json.encoder.encode_basestring(_QUOTE_PROBE) + "}")


def _json_object_sql(keys: dict[str, str]) -> str:
    """SQL of a JSON object of `keys` (key: SQL of its value) in order, a NULL value's key left out, as `dump_rows`.

    `json_object` writes a NULL as `null`, and taking a key out again would
    read the object once more: instead there is one `json_object` call for
    each combination of NULL values, chosen by CASE on a bit a value that may
    be NULL (64 calls for a statement's 6). It costs less than joining the
    key-value pairs with `||`, each a new string (measured: 2.5 s of CPU
    against 3.2 for 1M statements).
    """
    nullable = [key for key in keys if key not in _NEVER_NULL]
    calls = []
    for mask in range(1 << len(nullable)):
        left_out = {key for bit, key in enumerate(nullable) if mask >> bit & 1}
        pairs = ", ".join(f"'{key}', {sql}" for key, sql in keys.items() if key not in left_out)
        calls.append(f"json_object({pairs})")
    if not nullable:
        return calls[0]
    bits = " | ".join(f"(({keys[key]} IS NULL) << {bit})" for bit, key in enumerate(nullable))
    return f"CASE {bits} " + " ".join(f"WHEN {mask} THEN {call}" for mask, call in enumerate(calls)) + " END"


def _statement_lines(conn: sqlite3.Connection, path: Path) -> Iterator[tuple[bytes, str]]:
    """The statements as JSON Lines, a batch at a time: what `dump_rows` writes for `_statement_rows`, unescaped.

    SQLite writes each line but its `about`; the measures, a line for each
    statement that has any, come from a second cursor walked beside the first
    by statement id (a merge) and are put before the line's closing brace.
    The lines stay the UTF-8 bytes SQLite holds, never decoded and encoded
    again, but those that are not ASCII, which are decoded (`(text,
    beyond_ascii)`, see `export_rows`): text that is not UTF-8 is refused as
    when read as str.
    """
    assert tuple(_STATEMENT_JSON)[1:] + ("about",) == LINE_FIELDS["statement"]
    assert CHILD_FIELDS["about"] == ("measure", "stance")
    conn.text_factory = bytes  # every cursor of the connection, until the last batch (the lock is held till then)
    try:
        abouts = _about_texts(conn)
        no_more = (math.inf, b"")  # after the last statement with measures: an id above every statement's
        next_id, about = next(abouts, no_more)
        cursor = conn.execute(
            f"SELECT s.id, {_json_object_sql(_STATEMENT_JSON)} || char(10) FROM statements s"
            " JOIN actors a ON a.id = s.speaker_id LEFT JOIN sources src ON src.id = s.source_id ORDER BY s.id"
        )
        while rows := cursor.fetchmany(STATEMENT_BATCH):
            ids, batch = zip(*rows, strict=True)
            last = ids[-1]
            lines: list[bytes] | tuple[bytes, ...] = batch
            if next_id <= last:
                lines = list(batch)
                while next_id <= last:  # found by bisection: the work is a statement with measures, not a line
                    i = bisect.bisect_left(ids, next_id)
                    if ids[i] == next_id:  # else measures of a statement that is not there: left out, as ever
                        lines[i] = batch[i][:-2] + about
                    next_id, about = next(abouts, no_more)
            beyond = list(itertools.filterfalse(bytes.isascii, lines))  # a loop in C: 0.25 µs a line less
            try:
                beyond_ascii = b"".join(beyond).decode("utf-8")
            except UnicodeDecodeError:
                raise StoreError(f"{path}: holds text that is not UTF-8 ({_undecodable(beyond)})") from None
            yield b"".join(lines), beyond_ascii
    finally:
        conn.text_factory = str


def _about_texts(conn: sqlite3.Connection) -> Iterator[tuple[int, bytes]]:
    """(statement id, `,"about":[...]}` and the newline) for each statement with measures, by statement id.

    The measures' slugs come from a map of id -> `{"measure":"<slug>"` made
    once (a measure's JSON as SQLite writes it), not from a join a row: at
    10M statements the 100,000 measures (19 MB of pages) did not stay in the
    page cache beside the statements streaming through it, and each miss was
    read again, for the speakers' and sources' joins too. A row whose measure
    is not there is left out, as the join left it out.
    """
    head = {
        mid: text[:-1] + b',"stance":'
        for mid, text in conn.execute("SELECT id, json_object('measure', slug) FROM measures")
    }
    rows = conn.execute(
        "SELECT statement_id, measure_id, json_quote(stance) FROM statement_measures ORDER BY statement_id, rowid"
    )
    for sid, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        found = [head[mid] + stance for _, mid, stance in group if mid in head]
        if found:
            yield sid, b',"about":[' + b"},".join(found) + b"}]}\n"


def _undecodable(lines: list[bytes]) -> str:
    """Which statement of these lines holds bytes that are not UTF-8: for the refusal."""
    import json

    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            slug = json.loads(line.decode("utf-8", errors="replace"))["slug"]
            return f"the statement {slug!r}"
    return "a statement"


class _children:  # noqa: N801 - read as a function: the children of each parent, in turn
    """A child table walked beside its parents: `of(parent_id)` gives that parent's children, for ids asked in order."""

    def __init__(self, conn: sqlite3.Connection, sql: str) -> None:
        self._rows = iter(conn.execute(sql))
        self._next: tuple[Any, ...] | None = next(self._rows, None)

    def of(self, parent: int) -> list[Any]:
        found: list[Any] = []
        row = self._next
        while row is not None and row[0] <= parent:
            if row[0] == parent:
                found.append(row[1:])
            row = next(self._rows, None)
        self._next = row
        return found

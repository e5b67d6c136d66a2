"""The whole dossier as a bundle (`dossier export`), in insertion order, ready to import elsewhere.

Export is the one read that walks whole tables: it is what the user asked
for. It builds the bundle models of `dossier.models` (pydantic), imported here
only when an export runs: the browser never needs them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..rows import CHILD_FIELDS, LINE_FIELDS
from .base import StoreBase
from .connection import dossier_identity

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

        with self._cursor() as conn:
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
                    value = [
                        {k: v for k, v in zip(fields, child, strict=True) if v is not None} for child in value
                    ]
                line[name] = value
            yield line

    def export_rows(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """The whole dossier entity by entity, in memory that does not grow with it: (kind, values).

        The same entities, order and fields as `export_bundle`: values in the
        order of `LINE_FIELDS[kind]`, children as lists of tuples in the order
        of `CHILD_FIELDS` (participants as slugs), None where the bundle leaves a
        field out. Read by cursors, not into lists: each parent table is walked
        by id beside its children's table walked by parent id (a merge), and
        references are slugs joined in SQL.
        """
        from ..models import consequence_slug

        with self._cursor() as conn:
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
            abouts = _children(
                conn,
                "SELECT sm.statement_id, m.slug, sm.stance FROM statement_measures sm"
                " JOIN measures m ON m.id = sm.measure_id ORDER BY sm.statement_id, sm.rowid",
            )
            # The bulk of the dossier: the merge with the measures is written out here, not as a call a row.
            rows = iter(abouts._rows)
            about = abouts._next
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
                    about = next(rows, None)
                yield "statement", (*r[1:], found)
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

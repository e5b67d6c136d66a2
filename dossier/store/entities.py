"""One entity at a time: the getters the detail pane, `dossier show` and the views call.

Each getter returns a row of `dossier.rows` or raises `StoreError` for an id
that is not there; the details bound every list they hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from ..rows import (
    ACTOR_KINDS,
    ActorDetail,
    ActorItem,
    ActorRef,
    AliasItem,
    ConsequenceItem,
    DossierSummary,
    EventItem,
    FacetValue,
    Filters,
    LinkItem,
    MeasureDetail,
    MeasureItem,
    MeasureRef,
    SourceItem,
    StanceItem,
    StatementAboutItem,
    StatementDetail,
    StatementItem,
)
from ..words import UNDATED
from .base import ENTITY_TABLES, StoreBase, _actor_ref, _text, parse_ref
from .connection import dossier_identity


class EntityQueries(StoreBase):
    """The dossier's title and counts, REFs resolved, and every kind of entity by id."""

    # ----------------------------------------------------------------- summary

    def title(self) -> str:
        """The dossier's title (the file's name when it has none): `summary` without its counts,
        which scan every table (tens of milliseconds on 1M statements, before the first frame)."""
        row = self._one("SELECT value FROM dossier_meta WHERE key = 'title'")
        return _text(row[0]) if row and row[0] is not None else self.path.stem

    def identity(self) -> str:
        """The dossier's stable identity (`dossier_identity`): kept by export and import."""
        with self._cursor() as conn:
            return dossier_identity(conn)

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

    def find(self, kind: str, slug: str) -> int | None:
        """The id of the entity of `kind` with this slug now, or None (an index lookup): a row known by its identity."""
        row = self._one(f"SELECT id FROM {ENTITY_TABLES[kind]} WHERE slug = ?", (slug,))
        return int(row[0]) if row else None

    def missing_slugs(self, refs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (kind, slug) pairs name nothing in this dossier (the notebook's orphans); by index lookups."""
        missing: set[tuple[str, str]] = set()
        by_kind: dict[str, list[str]] = {}
        for kind, slug in refs:
            if kind in ENTITY_TABLES:
                by_kind.setdefault(kind, []).append(slug)
            else:
                missing.add((kind, slug))
        for kind, slugs in by_kind.items():
            found: set[str] = set()
            for start in range(0, len(slugs), 500):
                chunk = slugs[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT slug FROM {ENTITY_TABLES[kind]} WHERE slug IN ({marks})"
                found.update(str(row[0]) for row in self._all(sql, chunk))
            missing.update((kind, slug) for slug in slugs if slug not in found)
        return missing

    # ----------------------------------------------------------------- actors

    def actor_count(self, kind: str | None = None, *, country: str | None = None) -> int:
        if self.has_summaries:
            where, params = self._summary_actor_filters(kind, country)
            row = self._one(f"SELECT coalesce(sum(n), 0) FROM summary_actors WHERE n > 0{where}", params)
            return int(row[0]) if row else 0
        where, params = self._actor_filters(kind, country)
        row = self._one("SELECT count(*) FROM actors" + (f" WHERE {where}" if where else ""), params)
        return int(row[0]) if row else 0

    @staticmethod
    def _summary_actor_filters(kind: str | None, country: str | None) -> tuple[str, list[Any]]:
        """The Actors pane's facets as ` AND ...` on `summary_actors` (`none`: no country, kept as '')."""
        clauses, params = "", []
        if kind:
            clauses += " AND kind = ?"
            params.append(kind)
        if country:
            clauses += " AND country = ?"
            params.append("" if country == "none" else country)
        return clauses, params

    def actor_facets(self, *, kind: str | None = None, country: str | None = None) -> list[FacetValue]:
        """The Actors pane's facets: kinds (under the country kept) and countries (under the kind kept), counted."""
        out: list[FacetValue] = []
        if self.has_summaries:  # a table of (kind, country) counts: a few hundred rows whatever the size
            where, params = self._summary_actor_filters(None, country)
            kinds = dict(self._all(f"SELECT kind, sum(n) FROM summary_actors WHERE n > 0{where} GROUP BY kind", params))
            out += [FacetValue("kind", k, k, int(kinds[k])) for k in ACTOR_KINDS if kinds.get(k)]
            where, params = self._summary_actor_filters(kind, None)
            for code, n in self._all(
                f"SELECT country, sum(n) FROM summary_actors WHERE n > 0{where} GROUP BY country"
                " ORDER BY 2 DESC, 1 LIMIT 40",
                params,
            ):
                out.append(FacetValue("country", _text(code) or "none", _text(code) or "no country", int(n)))
            return out
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

    def statement_count(self, actor_id: int, *, filters: Filters = ()) -> int:
        """How many statements an actor has (under the facet `filters`): from the summaries when they say."""
        if self.has_summaries and len(filters) <= 1:
            facet, value = filters[0] if filters else ("kind", None)
            summary = {"kind": value, "stance": value, "source": value, "year": "" if value == UNDATED else value}
            if facet in summary:
                row = self._one(
                    "SELECT coalesce(sum(n), 0) FROM summary_statement_facets WHERE speaker_id = ? AND facet = ?"
                    + ("" if value is None else " AND value = ?"),
                    (actor_id, facet) + (() if value is None else (summary[facet],)),
                )
                return int(row[0]) if row else 0
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

    def measure(self, measure_id: int) -> MeasureItem:
        row = self._one(f"SELECT {self._MEASURE_COLS} FROM {self._MEASURE_FROM} WHERE m.id = ?", (measure_id,))
        if row is None:
            raise StoreError(f"no measure with id {measure_id}")
        return self._measure_item(row)

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

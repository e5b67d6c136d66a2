"""The browser's panes, page by page: actors by kind, an actor's statements and measures, a measure's consequences.

A pane pages by keyset (the row just before the page) or, for a jump (End, a
deep link, a history step), by offset within one actor's or measure's rows;
it asks for its count once per selection and for the position of a row it
must show selected. Every page is one or two indexed ranges, so no page sorts
a table, whatever the dossier's size. `dossier show` reads the same pages.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..errors import StoreError
from ..rows import ACTOR_KINDS, ActorItem, FacetValue, Filters, MeasureItem, StatementItem
from ..words import UNDATED
from .base import _text
from .entities import EntityQueries


class PagingQueries(EntityQueries):
    """Pages, counts and positions of the lists the browser shows."""

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
        wanted = set(self._STATEMENT_FACETS if only is None else only)
        if not filters and self.has_summaries:
            return self._summary_statement_facets(actor_id, wanted)
        where, params = self._statement_filters(filters)
        args = (actor_id, *params)

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

    def _summary_statement_facets(self, actor_id: int, wanted: set[str]) -> list[FacetValue]:
        """`statement_facets` without filters, read from `summary_statement_facets`: one short index range each."""

        def counted(facet: str, order: str) -> list[tuple[Any, ...]]:
            return self._all(
                "SELECT value, n FROM summary_statement_facets WHERE speaker_id = ? AND facet = ? AND n > 0"
                f" ORDER BY {order}",
                (actor_id, facet),
            )

        out: list[FacetValue] = []
        if "year" in wanted:
            years = counted("year", "value DESC")
            out += [FacetValue("year", year, year, int(n)) for year, n in years if year]
            out += [FacetValue("year", UNDATED, UNDATED, int(n)) for year, n in years if not year]
        for facet in ("kind", "stance"):
            if facet in wanted:
                out += [FacetValue(facet, value, value, int(n)) for value, n in counted(facet, "n DESC, value")]
        if "source" in wanted:
            # '' (no source) sorts as 0, before every id, as NULL did in the query over the statements
            sources = counted("source", "n DESC, CAST(value AS INTEGER) LIMIT 20")
            ids = [int(value) for value, _ in sources if value]
            marks = ", ".join("?" * len(ids))
            titles = dict(self._all(f"SELECT id, title FROM sources WHERE id IN ({marks})", ids)) if ids else {}
            for value, n in sources:
                title = _text(titles.get(int(value))) if value else None
                out.append(FacetValue("source", value, title or "no source", int(n)))
        return out

    END_JUMP = 5000
    """From this offset on, a page is read backwards from the end of an actor's statements when that is nearer
    (End on 350,000 statements: ~100 rows read, not 350,000 skipped)."""

    def _statements_after(
        self, actor_id: int, key: tuple[str | None, int] | None, offset: int, limit: int, filters: Filters = ()
    ) -> list[StatementItem]:
        """Statements after the keyset `(said, id)` (said None: undated), then `offset` more skipped.

        Two indexed ranges of statements_by_speaker, dated (said, id descending) then
        undated (id descending), so a page never sorts an actor's 20,000 statements.
        """
        if key is None and offset >= self.END_JUMP:
            total = self.statement_count(actor_id, filters=filters)
            if offset * 2 > total:
                return self._statements_from_end(actor_id, total - offset, limit, filters)
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

    def _statements_from_end(self, actor_id: int, left: int, limit: int, filters: Filters) -> list[StatementItem]:
        """The page of `_statements_after` that starts `left` rows before the end, read backwards.

        The two index ranges of `_statements_after` in reverse (undated by id, then
        dated by said and id, ascending), skipping what lies after the page: for End,
        a few rows, not the whole actor.
        """
        take = max(0, min(limit, left))
        skip = max(0, left - limit)
        if take == 0:
            return []
        extra, extra_params = self._statement_filters(filters)
        where, params = "s.speaker_id = ? AND s.said IS NULL" + extra, [actor_id, *extra_params]
        rows = self._all(
            f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE {where} ORDER BY s.id LIMIT ? OFFSET ?",
            (*params, take, skip),
        )
        out = [self._statement_item(r) for r in rows]
        if len(out) < take:
            if out:
                skip = 0
            elif skip:
                counted = self._one(f"SELECT count(*) FROM statements s WHERE {where}", params)
                skip = max(0, skip - (int(counted[0]) if counted else 0))
            where = "s.speaker_id = ? AND s.said IS NOT NULL" + extra
            rows = self._all(
                f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE {where}"
                " ORDER BY s.said, s.id LIMIT ? OFFSET ?",
                (*params, take - len(out), skip),
            )
            out += [self._statement_item(r) for r in rows]
        out.reverse()
        return out

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
    """The measures that involve an actor (see `measures_page`). The newest 1,000 statements are
    read in index order (`said DESC` puts NULL last, as `coalesce(said, '')` does), so an actor with
    100,000 statements costs no sort."""

    def measures_page(
        self, actor_id: int, *, limit: int = 100, offset: int = 0, filters: Filters = ()
    ) -> list[MeasureItem]:
        """Measures involving an actor: imposed by it, aimed at it, or named by its statements.

        Newest first; each marked with how it involves the actor (imposed wins over targeted
        over mentioned). "Mentioned" looks at the actor's newest 1,000 statements, so the
        query stays bounded for an actor with a million (`_INVOLVED`). Facet `filters` kept.
        """
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
        """How many measures `measures_page(actor_id)` lists in all (with facet `filters`)."""
        where, params = self._measure_filters(filters)
        row = self._one(
            self._INVOLVED + f"SELECT count(*) FROM best JOIN measures m ON m.id = best.measure_id WHERE 1{where}",
            {"actor": actor_id, **params},
        )
        return int(row[0]) if row else 0

    def measure_position(self, actor_id: int, measure_id: int, *, filters: Filters = ()) -> int | None:
        """Where a measure stands in `measures_page(actor_id)` (with facet `filters`), or None if it is not there."""
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

"""The merged timeline: dated statements, measures, due dates and events in date order, page by page.

Each kind is one branch read in (date, id) order from its own date index and
cut at the page size before the branches are merged, so a page costs a few
index seeks whatever the dossier's size. Used by the timeline screen and
`dossier timeline`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from ..errors import StoreError
from ..rows import TIMELINE_KINDS, ActorRef, MeasureRef, TimelineItem, is_partial_date
from .base import StoreBase, _actor_ref


class TimelineQueries(StoreBase):
    """`timeline`: one keyset page of the merged timeline, optionally of one actor or a date range."""

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
        return self._timeline_items(self._all(sql, params))

    def _timeline_items(self, rows: Sequence[Sequence[Any]]) -> list[TimelineItem]:
        """Rows of the timeline's query as items, with their events' first participants (one query per event)."""
        participants = self._participants([r[2] for r in rows if r[1] == 0])
        return [
            TimelineItem(
                date=r[0],
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
            filters = [actor_filter] if actor_id is not None else [""]
            if actor_id is not None and kind == "due" and not self._dense_actor(actor_id, limit):
                # Few measures: the actor's consequences by id, not a walk of every due date checking each.
                filters = [
                    "c.id IN (SELECT id FROM consequences WHERE affects_id = :actor UNION ALL"
                    " SELECT id FROM consequences WHERE measure_id IN"
                    " (SELECT id FROM measures WHERE imposed_by_id = :actor UNION ALL"
                    " SELECT id FROM measures WHERE target_id = :actor))"
                ]
            if actor_id is not None and kind in ("announced", "effective"):
                # Measures it imposed, then those aimed at it (not twice): each read in order from its own
                # index (measures_by_imposer, measures_by_target, or their `_effective` twins), however
                # many measures the actor has.
                filters = ["m.imposed_by_id = :actor", "m.target_id = :actor AND m.imposed_by_id IS NOT :actor"]
            for extra in filters:
                clauses = [*where, extra] if extra else where
                branches.append(
                    f"SELECT * FROM (SELECT {date_col} AS date, {rank} AS rank, {id_col} AS id, {columns}"
                    f" FROM {from_} WHERE {' AND '.join(clauses)} ORDER BY {date_col}, {id_col} LIMIT :limit)"
                )
        if not branches:
            return "", params
        return " UNION ALL ".join(branches) + " ORDER BY 1, 2, 3 LIMIT :limit", params

    def _dense_actor(self, actor_id: int, limit: int) -> bool:
        """Whether walking the due dates in order meets `limit` of the actor's consequences sooner than
        sorting all of them: an actor with n of the dossier's N measures meets one in about N / n, so the
        walk costs about limit * N / n rows against about n for the sort."""
        row = self._one(
            "SELECT (SELECT count(*) FROM measures WHERE imposed_by_id = :actor)"
            " + (SELECT count(*) FROM measures WHERE target_id = :actor), (SELECT max(id) FROM measures)",
            {"actor": actor_id},
        )
        if not row or not row[0] or not row[1]:
            return False
        mine, everyone = int(row[0]), int(row[1])
        return mine * mine >= limit * everyone

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
        # Every branch selects '' AS date: these items are undated.
        return self._timeline_items(self._all(" UNION ALL ".join(branches) + " ORDER BY 2, 3 LIMIT :limit", params))

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

"""The pairs of actors: who took measures against whom, with the consequences and the replies.

Used by the relations screen and `dossier relations`. The pairs and the
replies are read from the summaries (`dossier/summaries.py`), so a page costs
the same on any dossier; everything else is read for the whole page at once,
each kind of row by one query (a compound of one index range per side), so a
page of pairs is a handful of queries however many pairs and speakers it has.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from ..rows import ActorRef, MeasureRef, Relation, RelationMeasure, RelationSide, StatementItem
from .entities import EntityQueries


class RelationQueries(EntityQueries):
    """`relations`, `with_replies` and `relation_side`: one page of pairs, its replies, or one side of a pair."""

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

        The pairs come from the summary `summary_pairs` (an index in busiest-first
        order; a file older than schema 4 groups every measure with both ends
        instead); everything else is read for the page's pairs together.
        """
        limit, offset = max(1, int(limit)), max(0, int(offset))
        params = {"actor": actor_id, "limit": limit, "offset": offset}
        if self.has_summaries:
            pairs = self._all(
                "SELECT lo, hi, total, lo_to_hi FROM summary_pairs WHERE total > 0"
                " ORDER BY total DESC, lo, hi LIMIT :limit OFFSET :offset"
                if actor_id is None
                else "SELECT lo, hi, total, lo_to_hi FROM summary_pairs WHERE lo = :actor AND total > 0 UNION ALL"
                " SELECT lo, hi, total, lo_to_hi FROM summary_pairs WHERE hi = :actor AND total > 0"
                " ORDER BY 3 DESC, 1, 2 LIMIT :limit OFFSET :offset",
                params,
            )
        else:
            pairs = self._all(self._pairs_sql(actor_id), params)
        directions = []
        for lo, hi, total, lo_to_hi in pairs:
            if actor_id is not None:
                directions.append((lo, hi) if lo == actor_id else (hi, lo))
            else:
                directions.append((lo, hi) if lo_to_hi * 2 >= total else (hi, lo))
        sides = self._relation_sides(
            [side for first, second in directions for side in ((first, second), (second, first))], replies=replies
        )
        return [
            Relation(first=forward.imposer, second=forward.target, forward=forward, backward=backward)
            for forward, backward in zip(sides[::2], sides[1::2], strict=True)
        ]

    @staticmethod
    def _pairs_sql(actor_id: int | None) -> str:
        """The pairs grouped from the measures themselves: for a file without summaries (older than schema 4)."""
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
        return f"""
            WITH directed AS ({directed})
            SELECT min(a, b) AS lo, max(a, b) AS hi, sum(n) AS total,
                   sum(CASE WHEN a < b THEN n ELSE 0 END) AS lo_to_hi
            FROM directed GROUP BY lo, hi ORDER BY total DESC, lo, hi LIMIT :limit OFFSET :offset
            """

    def relation_side(self, imposer_id: int, target_id: int, *, replies: bool = True) -> RelationSide:
        """What `imposer_id` did to `target_id`, and (with `replies`) what the target's side said about it.

        Replies are read from `summary_replies`, one index range per speaker of
        the target's side, up to `REPLY_CAP` (a file older than schema 4 reads
        every statement about the pair's measures instead, which on a big
        dossier costs milliseconds per side, so a screen asks for the measures
        first and the replies in a second step: `with_replies`).
        """
        return self._relation_sides([(imposer_id, target_id)], replies=replies)[0]

    def with_replies(self, relations: Sequence[Relation]) -> list[Relation]:
        """The pairs (read without their replies) with the replies of both sides: a page in a few queries."""
        sides = self._relation_sides(
            [(side.imposer.id, side.target.id) for r in relations for side in (r.forward, r.backward)], replies=True
        )
        return [
            relation._replace(forward=forward, backward=backward)
            for relation, forward, backward in zip(relations, sides[::2], sides[1::2], strict=True)
        ]

    _SIDES_PER_QUERY = 100
    """Sides read by one compound query (SQLite allows 500 terms in one)."""

    def _relation_sides(self, keys: Sequence[tuple[int, int]], *, replies: bool) -> list[RelationSide]:
        """`relation_side` for each (imposer, target) of `keys`, in order, in a handful of queries for them all.

        Each kind of row (the actors' names, each side's counts, its newest
        measures, its replies, the newest replies as statements) is read for
        up to `_SIDES_PER_QUERY` sides by one query, a compound of one index
        range per side: the same reads, and the same answers, as the query per
        side (and per reply) it replaces, without ~9 round trips per side.
        """
        out: list[RelationSide] = []
        for start in range(0, len(keys), self._SIDES_PER_QUERY):
            chunk = keys[start : start + self._SIDES_PER_QUERY]
            sides = self._sides_without_replies(chunk)
            out += self._with_replies(sides) if replies else sides
        return out

    def _sides_without_replies(self, keys: Sequence[tuple[int, int]]) -> list[RelationSide]:
        ids = sorted({actor for key in keys for actor in key})
        names = {
            r[0]: ActorRef(id=r[0], slug=r[1], name=r[2])
            for r in self._all(f"SELECT id, slug, name FROM actors WHERE id IN ({', '.join('?' * len(ids))})", ids)
        }
        for actor in (actor for key in keys for actor in key):
            if actor not in names:
                raise StoreError(f"no actor with id {actor}")
        if self.has_summaries:
            term = "SELECT ? AS k, measures, consequences FROM summary_sides WHERE imposed_by_id = ? AND target_id = ?"
        else:
            term = (
                "SELECT ? AS k, count(*),"
                " coalesce(sum((SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)), 0)"
                " FROM measures m WHERE m.imposed_by_id = ? AND m.target_id = ?"
            )
        counts = {r[0]: (r[1], r[2]) for r in self._compound(term, keys)}
        newest: dict[int, list[RelationMeasure]] = {}
        for r in self._compound(
            "SELECT * FROM (SELECT ? AS k, m.id, m.slug, m.title, m.quantity, m.announced,"
            " (SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)"
            " FROM measures m WHERE m.imposed_by_id = ? AND m.target_id = ?"
            " ORDER BY m.announced DESC, m.id DESC LIMIT 5)",
            keys,
        ):
            newest.setdefault(r[0], []).append(
                RelationMeasure(
                    measure=MeasureRef(id=r[1], slug=r[2], title=r[3]),
                    quantity=r[4],
                    announced=r[5],
                    consequence_count=r[6],
                )
            )
        return [
            RelationSide(
                imposer=names[imposer],
                target=names[target],
                measure_count=counts.get(index, (0, 0))[0],
                measures=tuple(newest.get(index, ())),
                consequence_count=counts.get(index, (0, 0))[1],
            )
            for index, (imposer, target) in enumerate(keys)
        ]

    def _compound(self, term: str, keys: Sequence[tuple[int, int]]) -> list[tuple[Any, ...]]:
        """`term` (its parameters: a side's index, imposer and target) for every side, as one UNION ALL query."""
        if not keys:
            return []
        return self._all(
            " UNION ALL ".join([term] * len(keys)),
            [value for index, (imposer, target) in enumerate(keys) for value in (index, imposer, target)],
        )

    def _with_replies(self, sides: Sequence[RelationSide], newest: int = 3) -> list[RelationSide]:
        """The sides with their replies: statements by each target's side about its imposer's measures.

        One query for them all: a table per target of the target and whoever is
        affiliated with it, however indirectly, up to `REPLY_CAP` (read once
        however many sides share it: recursively the first time, then from the
        members kept, passed as one JSON array), then each side's replies up to
        `REPLY_CAP`. With the summaries a side's replies are one index range of
        `summary_replies` per speaker of the target's side; without them (a file
        older than schema 4) every statement about the pair's measures is read.
        A second query reads the newest few replies of every side.
        """
        if not sides:
            return []
        targets = list(dict.fromkeys(side.target.id for side in sides))
        table = {target: n for n, target in enumerate(targets)}
        kept = self._kept_sides(targets)
        members = ", ".join(
            f"side{n}(id) AS (SELECT value FROM json_each(?))"
            if target in kept
            else f"side{n}(id) AS (SELECT ? UNION"
            f" SELECT a.id FROM actors a JOIN side{n} ON a.affiliation_id = side{n}.id LIMIT ?)"
            for n, target in enumerate(targets)
        )
        params: list[Any] = []
        for target in targets:  # a kept side as a JSON array: `[1, 2, 3]`, what json.dumps writes
            params += [f"[{', '.join(map(str, kept[target]))}]"] if target in kept else [target, self.REPLY_CAP]
        if self.has_summaries:
            term = (
                "SELECT * FROM (SELECT ? AS k, statement_id, stance, said FROM summary_replies"
                " WHERE imposed_by_id = ? AND target_id = ? AND speaker_id IN side{n} LIMIT ?)"
            )
        else:
            term = (
                "SELECT * FROM (SELECT ? AS k, sm.statement_id, sm.stance, coalesce(s.said, '') FROM measures m"
                " JOIN statement_measures sm ON sm.measure_id = m.id JOIN statements s ON s.id = sm.statement_id"
                " WHERE m.imposed_by_id = ? AND m.target_id = ? AND s.speaker_id IN side{n} LIMIT ?)"
            )
        terms = [term.format(n=table[side.target.id]) for side in sides]
        for index, side in enumerate(sides):
            params += [index, side.imposer.id, side.target.id, self.REPLY_CAP]
        # The sides read now come back too (k < 0), to be kept for the next question.
        fresh = [target for target in targets if target not in kept]
        terms += [f"SELECT ?, id, NULL, NULL FROM side{table[target]}" for target in fresh]
        params += [-1 - table[target] for target in fresh]
        rows: list[list[tuple[Any, ...]]] = [[] for _ in sides]
        read: dict[int, list[int]] = {target: [] for target in fresh}
        for row in self._all(f"WITH RECURSIVE {members} {' UNION ALL '.join(terms)}", params):
            if row[0] >= 0:  # (side, statement id, stance, said)
                rows[row[0]].append(row)
            else:  # (-1 - target's table, member, NULL, NULL)
                read[targets[-1 - row[0]]].append(row[1])
        self._keep_sides(read)
        counted = []
        for side_rows in rows:
            stances = Counter(row[2] for row in side_rows)
            dates = {row[1]: row[3] for row in side_rows}
            latest = [sid for _said, sid in heapq.nlargest(newest, zip(dates.values(), dates, strict=True))]
            counted.append((dates, stances, latest))
        statements = self._statements_by_id(sorted({sid for *_, latest in counted for sid in latest}))
        return [
            side._replace(
                replies_counted=True,
                reply_count=len(dates),
                reply_capped=len(side_rows) >= self.REPLY_CAP,
                reply_stances=tuple(sorted(stances.items(), key=lambda kv: (-kv[1], kv[0]))),
                replies=tuple(statements[sid] for sid in latest),
            )
            for side, side_rows, (dates, stances, latest) in zip(sides, rows, counted, strict=True)
        ]

    def _kept_sides(self, targets: Sequence[int]) -> dict[int, list[int]]:
        """The sides of these targets read before, while the file has not changed since.

        The same few actors are the targets of many pairs, and a big side costs
        a thousand index look-ups to read, so sides are kept until the file
        changes (`PRAGMA data_version`, which moves when another connection commits).
        """
        version = (self._one("PRAGMA data_version"), self.REPLY_CAP)
        with self._lock:
            if version != getattr(self, "_sides_version", None):
                self._sides: dict[int, list[int]] = {}
                self._sides_version = version
            return {target: self._sides[target] for target in targets if target in self._sides}

    def _keep_sides(self, read: dict[int, list[int]]) -> None:
        with self._lock:
            if len(self._sides) + len(read) > 256:
                self._sides.clear()
            self._sides.update(read)

    def _statements_by_id(self, ids: Sequence[int]) -> dict[int, StatementItem]:
        """The statements with these ids, by id (one query); an id that names none is a `StoreError`."""
        if not ids:
            return {}
        sql = f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE s.id IN ({', '.join('?' * len(ids))})"
        found = {row[0]: self._statement_item(row) for row in self._all(sql, ids)}
        missing = next((sid for sid in ids if sid not in found), None)
        if missing is not None:
            raise StoreError(f"no statement with id {missing}")
        return found

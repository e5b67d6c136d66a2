"""The pairs of actors: who took measures against whom, with the consequences and the replies.

Used by the relations screen and `dossier relations`. The pairs and the
replies are read from the summaries (`dossier/summaries.py`), so a page costs
the same on any dossier; everything else is per pair on the page.
"""

from __future__ import annotations

from ..errors import StoreError
from ..rows import ActorRef, MeasureRef, Relation, RelationMeasure, RelationSide
from .entities import EntityQueries


class RelationQueries(EntityQueries):
    """`relations` and `relation_side`: one page of pairs, or one side of a pair."""

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
        instead); everything else is per pair on the page.
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
        relations: list[Relation] = []
        for lo, hi, total, lo_to_hi in pairs:
            if actor_id is not None:
                first, second = (lo, hi) if lo == actor_id else (hi, lo)
            else:
                first, second = (lo, hi) if lo_to_hi * 2 >= total else (hi, lo)
            forward = self.relation_side(first, second, replies=replies)
            backward = self.relation_side(second, first, replies=replies)
            relations.append(Relation(first=forward.imposer, second=forward.target, forward=forward, backward=backward))
        return relations

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
        first and the replies in a second step).
        """
        names = {
            r[0]: ActorRef(id=r[0], slug=r[1], name=r[2])
            for r in self._all("SELECT id, slug, name FROM actors WHERE id IN (?, ?)", (imposer_id, target_id))
        }
        if imposer_id not in names or target_id not in names:
            raise StoreError(f"no actor with id {imposer_id if imposer_id not in names else target_id}")
        pair = {"a": imposer_id, "b": target_id, "cap": self.REPLY_CAP, "n": 5}
        if self.has_summaries:
            (count, consequence_count) = self._one(
                "SELECT measures, consequences FROM summary_sides WHERE imposed_by_id = :a AND target_id = :b", pair
            ) or (0, 0)
        else:
            (count, consequence_count) = self._one(
                "SELECT count(*), coalesce(sum((SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)), 0)"
                " FROM measures m WHERE m.imposed_by_id = :a AND m.target_id = :b",
                pair,
            ) or (0, 0)
        newest = self._all(
            "SELECT m.id, m.slug, m.title, m.quantity, m.announced,"
            " (SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)"
            " FROM measures m WHERE m.imposed_by_id = :a AND m.target_id = :b"
            " ORDER BY m.announced DESC, m.id DESC LIMIT :n",
            pair,
        )
        side = RelationSide(
            imposer=names[imposer_id],
            target=names[target_id],
            measure_count=count,
            measures=tuple(
                RelationMeasure(
                    measure=MeasureRef(id=r[0], slug=r[1], title=r[2]),
                    quantity=r[3],
                    announced=r[4],
                    consequence_count=r[5],
                )
                for r in newest
            ),
            consequence_count=consequence_count,
        )
        return self._with_replies(side) if replies else side

    def _side_of(self, actor_id: int) -> tuple[int, ...]:
        """An actor and whoever is affiliated with it, however indirectly (up to `REPLY_CAP`).

        The same few actors are the sides of many pairs, and a big side costs a
        thousand index look-ups, so sides are kept until the file changes
        (`PRAGMA data_version`, which moves when another connection commits).
        """
        version = self._one("PRAGMA data_version")
        with self._lock:
            if version != getattr(self, "_sides_version", None):
                self._sides: dict[int, tuple[int, ...]] = {}
                self._sides_version = version
            kept = self._sides.get(actor_id)
        if kept is None:
            kept = tuple(
                r[0]
                for r in self._all(
                    "WITH RECURSIVE side(id) AS ("
                    " SELECT :b UNION SELECT a.id FROM actors a JOIN side ON a.affiliation_id = side.id LIMIT :cap)"
                    " SELECT id FROM side",
                    {"b": actor_id, "cap": self.REPLY_CAP},
                )
            )
            with self._lock:
                if len(self._sides) >= 256:
                    self._sides.clear()
                self._sides[actor_id] = kept
        return kept

    def _with_replies(self, side: RelationSide, newest: int = 3) -> RelationSide:
        """The side with its replies: statements by the target's side about the imposer's measures."""
        if self.has_summaries:  # one index range per speaker of the side: only the replies are read
            members = self._side_of(side.target.id)
            marks = ", ".join("?" * len(members))
            rows = self._all(
                "SELECT statement_id, stance, said FROM summary_replies WHERE imposed_by_id = ? AND target_id = ?"
                f" AND speaker_id IN ({marks}) LIMIT ?",
                (side.imposer.id, side.target.id, *members, self.REPLY_CAP),
            )
        else:  # every statement about the pair's measures is read
            rows = self._all(
                "WITH RECURSIVE side(id) AS ("
                " SELECT :b UNION SELECT a.id FROM actors a JOIN side ON a.affiliation_id = side.id LIMIT :cap)"
                " SELECT sm.statement_id, sm.stance, coalesce(s.said, '') FROM measures m"
                " JOIN statement_measures sm ON sm.measure_id = m.id JOIN statements s ON s.id = sm.statement_id"
                " WHERE m.imposed_by_id = :a AND m.target_id = :b AND s.speaker_id IN (SELECT id FROM side) LIMIT :cap",
                {"a": side.imposer.id, "b": side.target.id, "cap": self.REPLY_CAP},
            )
        stances: dict[str, int] = {}
        dates: dict[int, str] = {}
        for statement_id, stance, said in rows:
            stances[stance] = stances.get(stance, 0) + 1
            dates[statement_id] = said
        latest = sorted(dates, key=lambda sid: (dates[sid], sid), reverse=True)[:newest]
        replies = [self.statement(sid) for sid in latest]
        return side._replace(
            replies_counted=True,
            reply_count=len(dates),
            reply_capped=len(rows) >= self.REPLY_CAP,
            reply_stances=tuple(sorted(stances.items(), key=lambda kv: (-kv[1], kv[0]))),
            replies=tuple(replies),
        )

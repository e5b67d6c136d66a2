"""The response chain of one measure: what it answers and what answers it, rung by rung.

The walk is a recursive query over `measure_links` in each direction, bounded
by a depth and a number of steps, and cut where a cycle closes (see
tests/store/test_views_store.py for the plans). Used by the chain screen and
`dossier chain`.
"""

from __future__ import annotations

from ..rows import ActorRef, Chain, ChainDirection, ChainStep, ConsequenceItem, MeasureItem, MeasureRef
from .base import _actor_ref
from .entities import EntityQueries


class ChainQueries(EntityQueries):
    """`chain`, and the bounded look-ups it makes for the measures it reaches."""

    CHAIN_MAX_DEPTH = 100
    """The deepest a chain may be walked, in each direction."""

    def chain(self, measure_id: int, *, depth: int = 12, limit: int = 200) -> Chain:
        """A measure, what it answers and what answers it, recursively, oldest rung first.

        Both directions are walked by a recursive query over `measure_links`,
        at most `depth` links away and at most `limit` steps each way. A cycle
        (A answers B answers A) ends the walk where it closes: the step that
        links back is marked with `loops_to`. A measure reached along several
        paths is listed once, at its shortest distance from the root.
        """
        depth = max(1, min(int(depth), self.CHAIN_MAX_DEPTH))
        limit = max(1, int(limit))
        root = self.measure(measure_id)
        # (node, depth, via, looped) per direction; looped rows are not steps.
        found: dict[str, list[tuple[int, int, int, int]]] = {}
        cap = limit * 20
        truncated = False
        for direction, here, nxt in (
            ("answers", "measure_id", "responds_to_id"),
            ("answered-by", "responds_to_id", "measure_id"),
        ):
            rows = self._all(
                f"""
                WITH RECURSIVE walk(id, depth, via, path, looped) AS (
                    SELECT :root, 0, NULL, '/' || :root || '/', 0
                    UNION
                    SELECT l.{nxt}, w.depth + 1, w.id, w.path || l.{nxt} || '/',
                           instr(w.path, '/' || l.{nxt} || '/') > 0
                    FROM walk w JOIN measure_links l ON l.{here} = w.id
                    WHERE w.looped = 0 AND w.depth <= :depth
                    LIMIT :cap
                )
                SELECT id, depth, via, looped FROM walk WHERE depth > 0
                """,
                {"root": measure_id, "depth": depth, "cap": cap},
            )
            truncated = truncated or len(rows) + 1 >= cap
            found[direction] = [(r[0], r[1], r[2], r[3]) for r in rows]

        # Reduce the walks to steps: the shortest path to each measure, the loops, the depth cut-offs.
        steps: dict[str, dict[int, tuple[int, int]]] = {}
        loops: dict[tuple[str, int], set[int]] = {}
        more: set[tuple[str, int]] = set()
        for direction, rows in found.items():
            best: dict[int, tuple[int, int]] = {}
            for node, d, via, looped in rows:
                if looped:
                    loops.setdefault((direction, via), set()).add(node)
                elif d > depth:
                    more.add((direction, via))
                elif node not in best or d < best[node][0]:
                    best[node] = (d, via)
            steps[direction] = best
        ids = {measure_id} | {n for best in steps.values() for n in best} | {n for ns in loops.values() for n in ns}
        items = self._measures_by_id(ids)
        kept: dict[str, list[int]] = {}
        for direction, best in steps.items():
            order = sorted(
                (n for n in best if n in items),
                key=lambda n: (best[n][0], items[n][0].announced or "", n),
            )
            truncated = truncated or len(order) > limit
            kept[direction] = order[:limit]
        shown = {measure_id} | {n for order in kept.values() for n in order}
        consequences = self._consequences_by_measure(shown)
        asserters = self._link_asserters(shown)

        def ref(node: int) -> MeasureRef:
            item = items[node][0]
            return MeasureRef(id=item.id, slug=item.slug, title=item.title)

        def step(direction: ChainDirection, node: int, d: int, via: int) -> ChainStep:
            link = (via, node) if direction == "answers" else (node, via)
            who = asserters.get(link, ([], False))
            return ChainStep(
                measure=items[node][0],
                effective=items[node][1],
                direction=direction,
                depth=-d if direction == "answers" else d,
                via=ref(via),
                asserted_by=tuple(who[0]),
                unattributed=who[1],
                consequences=tuple(consequences.get(node, ())),
                loops_to=tuple(ref(n) for n in sorted(loops.get((direction, node), ())) if n in items),
                more=(direction, node) in more,
            )

        # Ladder order: the oldest rung (the farthest measure the root answers) first.
        answers = sorted(
            (step("answers", n, *steps["answers"][n]) for n in kept["answers"]),
            key=lambda s: (s.depth, s.measure.announced or "", s.measure.id),
        )
        answered = [step("answered-by", n, *steps["answered-by"][n]) for n in kept["answered-by"]]
        loops_here = loops.get(("answers", measure_id), set()) | loops.get(("answered-by", measure_id), set())
        root_step = ChainStep(
            measure=items[measure_id][0],
            effective=items[measure_id][1],
            direction="root",
            depth=0,
            consequences=tuple(consequences.get(measure_id, ())),
            loops_to=tuple(ref(n) for n in sorted(loops_here) if n in items),
            more=("answers", measure_id) in more or ("answered-by", measure_id) in more,
        )
        return Chain(
            root=MeasureRef(id=root.id, slug=root.slug, title=root.title),
            depth=depth,
            steps=(*answers, root_step, *answered),
            truncated=truncated,
        )

    def _measures_by_id(self, ids: set[int]) -> dict[int, tuple[MeasureItem, str | None]]:
        """Measures (with their effective date) for a bounded set of ids."""
        out: dict[int, tuple[MeasureItem, str | None]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._all(
                f"SELECT {self._MEASURE_COLS}, m.effective FROM {self._MEASURE_FROM} WHERE m.id IN ({marks})", chunk
            ):
                out[r[0]] = (self._measure_item(r), r[13])
        return out

    def _consequences_by_measure(self, ids: set[int], per_measure: int = 20) -> dict[int, list[ConsequenceItem]]:
        """The first consequences of each measure in a bounded set."""
        out: dict[int, list[ConsequenceItem]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._all(
                "SELECT c.id, c.slug, m.id, m.slug, m.title, c.description, a.id, a.slug, a.name, c.due, c.certainty"
                " FROM consequences c JOIN measures m ON m.id = c.measure_id LEFT JOIN actors a ON a.id = c.affects_id"
                f" WHERE c.measure_id IN ({marks}) AND c.position <= ? ORDER BY c.measure_id, c.position",
                (*chunk, per_measure),
            )
            for r in rows:
                out.setdefault(r[2], []).append(
                    ConsequenceItem(
                        id=r[0],
                        slug=r[1],
                        measure=MeasureRef(id=r[2], slug=r[3], title=r[4]),
                        description=r[5],
                        affects=_actor_ref(r, 6),
                        due=r[9],
                        certainty=r[10],
                    )
                )
        return out

    def _link_asserters(self, ids: set[int]) -> dict[tuple[int, int], tuple[list[ActorRef], bool]]:
        """For links between measures of a bounded set: (measure, responds_to) -> (asserters, unattributed)."""
        out: dict[tuple[int, int], tuple[list[ActorRef], bool]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._all(
                "SELECT l.measure_id, l.responds_to_id, a.id, a.slug, a.name FROM measure_links l"
                f" LEFT JOIN actors a ON a.id = l.asserted_by_id WHERE l.measure_id IN ({marks}) ORDER BY l.id LIMIT ?",
                (*chunk, 20 * len(chunk)),
            )
            for r in rows:
                if r[1] not in ids:
                    continue
                who, unattributed = out.setdefault((r[0], r[1]), ([], False))
                actor = _actor_ref(r, 2)
                if actor is None:
                    out[(r[0], r[1])] = (who, True)
                elif actor not in who:
                    who.append(actor)
        return out

"""A page of relations is a few queries for all its pairs, and says what a query per side (and per reply) said.

The reference below is how `Store.relations` read a side before: one query
for the names, one for the counts, one for the newest measures, one for the
target's side, one for its replies, and one per reply shown. The store now
reads each kind of row for the whole page at once; every answer must stay the
same, on the seed, a generated dossier, with the reply cap reached, and on a
file older than the summaries.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dossier import generate
from dossier.cli import main
from dossier.rows import ActorRef, MeasureRef, Relation, RelationMeasure, RelationSide
from dossier.store import Store
from dossier.views import plain, relation_rows
from tests.store.test_summaries_kept import as_v3


def _side(store: Store, imposer: int, target: int) -> RelationSide:
    """One side as the store read it before: a query per kind of row, a query per reply shown."""
    pair = {"a": imposer, "b": target, "cap": store.REPLY_CAP}
    names = {r[0]: ActorRef(*r) for r in store._all("SELECT id, slug, name FROM actors WHERE id IN (:a, :b)", pair)}
    if store.has_summaries:
        counts = store._one(
            "SELECT measures, consequences FROM summary_sides WHERE imposed_by_id = :a AND target_id = :b", pair
        )
    else:
        counts = store._one(
            "SELECT count(*), coalesce(sum((SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)), 0)"
            " FROM measures m WHERE m.imposed_by_id = :a AND m.target_id = :b",
            pair,
        )
    newest = store._all(
        "SELECT m.id, m.slug, m.title, m.quantity, m.announced,"
        " (SELECT count(*) FROM consequences c WHERE c.measure_id = m.id)"
        " FROM measures m WHERE m.imposed_by_id = :a AND m.target_id = :b"
        " ORDER BY m.announced DESC, m.id DESC LIMIT 5",
        pair,
    )
    members = [
        r[0]
        for r in store._all(
            "WITH RECURSIVE side(id) AS ("
            " SELECT :b UNION SELECT a.id FROM actors a JOIN side ON a.affiliation_id = side.id LIMIT :cap)"
            " SELECT id FROM side",
            pair,
        )
    ]
    rows: list[Any]
    if store.has_summaries:
        rows = store._all(
            "SELECT statement_id, stance, said FROM summary_replies WHERE imposed_by_id = ? AND target_id = ?"
            f" AND speaker_id IN ({', '.join('?' * len(members))}) LIMIT ?",
            (imposer, target, *members, store.REPLY_CAP),
        )
    else:
        rows = store._all(
            "WITH RECURSIVE side(id) AS ("
            " SELECT :b UNION SELECT a.id FROM actors a JOIN side ON a.affiliation_id = side.id LIMIT :cap)"
            " SELECT sm.statement_id, sm.stance, coalesce(s.said, '') FROM measures m"
            " JOIN statement_measures sm ON sm.measure_id = m.id JOIN statements s ON s.id = sm.statement_id"
            " WHERE m.imposed_by_id = :a AND m.target_id = :b AND s.speaker_id IN (SELECT id FROM side) LIMIT :cap",
            pair,
        )
    stances: dict[str, int] = {}
    dates: dict[int, str] = {}
    for statement_id, stance, said in rows:
        stances[stance] = stances.get(stance, 0) + 1
        dates[statement_id] = said
    latest = sorted(dates, key=lambda sid: (dates[sid], sid), reverse=True)[:3]
    return RelationSide(
        imposer=names[imposer],
        target=names[target],
        measure_count=(counts or (0, 0))[0],
        measures=tuple(
            RelationMeasure(MeasureRef(*r[:3]), quantity=r[3], announced=r[4], consequence_count=r[5]) for r in newest
        ),
        consequence_count=(counts or (0, 0))[1],
        replies_counted=True,
        reply_count=len(dates),
        reply_capped=len(rows) >= store.REPLY_CAP,
        reply_stances=tuple(sorted(stances.items(), key=lambda kv: (-kv[1], kv[0]))),
        replies=tuple(store.statement(sid) for sid in latest),
    )


def _reference(store: Store, pairs: list[Relation]) -> list[Relation]:
    return [
        Relation(
            first=pair.first,
            second=pair.second,
            forward=_side(store, pair.first.id, pair.second.id),
            backward=_side(store, pair.second.id, pair.first.id),
        )
        for pair in pairs
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("relations") / "gen.db"
    generate.generate(path, statements=6000, actors=120, measures=600, seed=5)  # 97 pairs
    return path


def _assert_as_before(store: Store) -> int:
    """Every page and side this store gives equals the reference; returns how many sides reached the cap."""
    capped = 0
    everyone = store.relations(limit=60)
    assert everyone, "no pairs to compare"
    assert everyone == _reference(store, store.relations(limit=60, replies=False))
    assert store.relations(limit=7, offset=3) == everyone[3:10]
    assert store.with_replies(store.relations(limit=60, replies=False)) == everyone
    for actor in {everyone[0].first.id, everyone[0].second.id, everyone[-1].second.id}:
        mine = store.relations(actor_id=actor, limit=30)
        assert mine == _reference(store, store.relations(actor_id=actor, limit=30, replies=False))
        assert all(pair.first.id == actor for pair in mine)
    for pair in everyone[:5]:
        assert store.relation_side(pair.first.id, pair.second.id) == pair.forward
        assert store.relation_side(pair.second.id, pair.first.id, replies=False) == pair.backward._replace(
            replies_counted=False, reply_count=0, reply_capped=False, reply_stances=(), replies=()
        )
    capped += sum(side.reply_capped for pair in everyone for side in (pair.forward, pair.backward))
    return capped


@pytest.mark.parametrize("cap", [1000, 3])
def test_a_page_says_what_a_query_per_side_said(seed_db: Path, generated: Path, cap: int) -> None:
    for path in (seed_db, generated):
        with Store.open(path) as store:
            store.REPLY_CAP = cap  # 3: some sides of the generated dossier reach the cap
            capped = _assert_as_before(store)
            if cap == 3 and path == generated:
                assert capped >= 3


def test_a_file_older_than_the_summaries_says_the_same(generated: Path, tmp_path: Path) -> None:
    old = as_v3(Path(shutil.copy(generated, tmp_path / "v3.db")))
    with Store.open(old) as store:
        assert not store.has_summaries
        _assert_as_before(store)
        store.REPLY_CAP = 3
        assert _assert_as_before(store) >= 3


def test_a_page_is_a_few_queries_however_many_pairs(generated: Path) -> None:
    with Store.open(generated) as store:
        asked: list[str] = []
        store.relations(limit=1)  # what the store asks once (whether the file has summaries)
        store.conn.set_trace_callback(asked.append)
        try:
            for limit in (1, 10, 50):
                asked.clear()
                pairs = store.relations(limit=limit)
                assert len(pairs) == limit
                # the pairs, the names, the counts, the newest measures, whether the file changed
                # (sides read before are kept until it does), the replies, the replies shown
                assert len(asked) == 7, (limit, asked)
            asked.clear()
            assert len(store.relations(limit=60)) == 60  # 120 sides: two rounds of 100 and 20 sides
            assert len(asked) <= 13
        finally:
            store.conn.set_trace_callback(None)


def test_dossier_relations_prints_what_it_printed_before(generated: Path) -> None:
    with Store.open(generated) as store:
        before = _reference(store, store.relations(limit=20, replies=False))
    expected = "\n\n".join("\n".join(plain(line) for line, _ in relation_rows(pair)) for pair in before) + "\n"
    result = CliRunner().invoke(main, ["relations", "--limit", "20", "--db", str(generated)])
    assert result.exit_code == 0, result.output
    assert result.output == expected

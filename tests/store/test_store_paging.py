"""The store's paging for the browser: pages chained by keyset equal one ordered list; positions agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.importer import import_files, init_database
from dossier.rows import ACTOR_KINDS
from dossier.store import Store


@pytest.fixture
def paged(tmp_path: Path) -> Store:
    db = tmp_path / "paged.db"
    init_database(db)
    statements = [
        {
            "slug": f"extra-{n}",
            "speaker": "zakharova",
            "text": f"Extra statement {n}",
            **({"said": f"2021-{1 + n % 12:02d}-{1 + n % 5:02d}"} if n % 7 else {}),
            **({"about": [{"measure": "us-expels-27-russian-diplomats"}]} if n % 10 == 0 else {}),
        }
        for n in range(60)
    ]
    bundle = tmp_path / "extra.json"
    bundle.write_text(json.dumps({"statements": statements}), encoding="utf-8")
    import_files(db, [bundle])
    return Store.open(db)


def test_statement_pages_by_keyset_and_offset_match_one_ordered_list(paged: Store) -> None:
    _, actor = paged.resolve("zakharova")
    everything = paged.statements_page(actor, limit=1000)
    # the order, worked out apart from the store: newest first, undated last, ties by id
    expected = paged.conn.execute(
        "SELECT id FROM statements WHERE speaker_id = ? ORDER BY said IS NULL, said DESC, id DESC", (actor,)
    ).fetchall()
    assert [s.id for s in everything] == [i for (i,) in expected]
    assert len(everything) == paged.statement_count(actor) == 63
    chained, after = [], None
    while True:
        page = paged.statements_page(actor, after=after, limit=7)
        if not page:
            break
        chained += page
        after = page[-1]
    assert [s.id for s in chained] == [s.id for s in everything]
    for start in (0, 5, 50, 55, 62, 63, 70):
        assert [s.id for s in paged.statements_page(actor, offset=start, limit=9)] == [
            s.id for s in everything[start : start + 9]
        ]
    for index, statement in enumerate(everything):
        assert paged.statement_position(actor, statement.id) == index
    assert paged.statement_position(actor + 1, everything[0].id) is None


def test_actors_grouped_by_kind_page_and_position(store: Store) -> None:
    grouped = store.actors_grouped(limit=100)
    assert len(grouped) == store.actor_count() == 14
    ranks = [ACTOR_KINDS.index(actor.kind) for actor in grouped]
    assert ranks == sorted(ranks)
    chained, after = [], None
    while page := store.actors_grouped(after=after, limit=3):
        chained += page
        after = (page[-1].kind, page[-1].name, page[-1].id)
    assert chained == grouped
    for start in range(16):
        assert store.actors_grouped(offset=start, limit=4) == grouped[start : start + 4]
    for index, actor in enumerate(grouped):
        assert store.actor_position(actor.id) == index
    states = store.actors_grouped(kind="state")
    assert [a.name for a in states] == ["Russia", "Ukraine", "United States"]
    assert store.actor_position(states[1].id, kind="state") == 1
    assert store.actor_position(grouped[0].id, kind="state") is None


def test_measure_and_consequence_counts_and_positions(store: Store) -> None:
    for slug in ("zakharova", "russia", "united-states", "ukraine"):
        _, actor = store.resolve(slug)
        measures = store.measures_page(actor, limit=1000)
        assert store.measures_for_count(actor) == len(measures)
        assert store.measures_page(actor, limit=2, offset=1) == measures[1:3]
        for index, measure in enumerate(measures):
            assert store.measure_position(actor, measure.id) == index
    _, ukraine = store.resolve("ukraine")
    _, measure = store.resolve("us-expels-27-russian-diplomats")
    assert store.measure_position(ukraine, measure) is None
    consequences = store.consequences_of(measure)
    assert store.consequence_count(measure) == len(consequences) == 3
    for index, consequence in enumerate(consequences):
        assert store.consequence_position(measure, consequence.id) == index
    _, other = store.resolve("russia-orders-us-diplomats-out")
    assert store.consequence_position(other, consequences[0].id) is None

"""Store queries behind the chain, timeline and relations views: order, paging, cycles, bounds, plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.rows import TimelineItem
from dossier.store import Store, StoreError
from tests.views_bundle import import_ladder


@pytest.fixture
def ladder(seed_db: Path, tmp_path: Path) -> Store:
    import_ladder(seed_db, tmp_path)
    return Store.open(seed_db)


def _id(store: Store, slug: str) -> int:
    return store.resolve(f"measure/{slug}")[1]


# --------------------------------------------------------------------------- chain


def test_chain_from_russias_measure_reaches_the_us_measure_and_back(store: Store) -> None:
    russia = _id(store, "russia-orders-us-diplomats-out")
    us = _id(store, "us-expels-27-russian-diplomats")
    chain = store.chain(russia)
    assert [(s.depth, s.measure.slug) for s in chain.steps] == [
        (-1, "us-expels-27-russian-diplomats"),
        (0, "russia-orders-us-diplomats-out"),
    ]
    answered = chain.steps[0]
    assert answered.direction == "answers" and answered.via is not None and answered.via.id == russia
    assert [a.slug for a in answered.asserted_by] == ["zakharova"]
    assert answered.measure.imposed_by is not None and answered.measure.imposed_by.slug == "united-states"
    assert answered.measure.target is not None and answered.measure.target.slug == "russia"
    assert {c.due for c in answered.consequences} == {"2022-01-30", "2022", None}
    back = store.chain(us)
    assert [(s.depth, s.direction, s.measure.slug) for s in back.steps] == [
        (0, "root", "us-expels-27-russian-diplomats"),
        (1, "answered-by", "russia-orders-us-diplomats-out"),
    ]
    assert [c.due for c in back.steps[1].consequences] == ["2022-01-31", None]


def test_chain_of_a_measure_without_links_is_the_measure_alone(store: Store) -> None:
    chain = store.chain(_id(store, "us-limitations-on-russian-diplomats"))
    assert [s.direction for s in chain.steps] == ["root"] and not chain.truncated


def test_chain_lists_every_asserter_of_a_link(ladder: Store) -> None:
    chain = ladder.chain(_id(ladder, "rung-2"))
    assert [(s.depth, s.measure.slug) for s in chain.steps] == [(-1, "rung-1"), (0, "rung-2"), (1, "rung-3")]
    rung3 = chain.steps[2]
    assert [a.slug for a in rung3.asserted_by] == ["alpha-speaker", "beta-speaker"]
    assert rung3.unattributed  # the third link names nobody
    assert chain.steps[0].asserted_by[0].slug == "beta-speaker" and not chain.steps[0].unattributed


def test_a_cycle_terminates_and_is_marked_where_it_closes(ladder: Store) -> None:
    one = _id(ladder, "cycle-1")
    chain = ladder.chain(one, depth=50)
    slugs = [(s.depth, s.measure.slug) for s in chain.steps]
    assert slugs == [(-2, "cycle-2"), (-1, "cycle-3"), (0, "cycle-1"), (1, "cycle-2"), (2, "cycle-3")]
    closing = [s for s in chain.steps if s.loops_to]
    assert {(s.depth, s.loops_to[0].slug) for s in closing} == {(-2, "cycle-1"), (2, "cycle-1")}
    assert not any(s.more for s in chain.steps)


def test_a_diamond_lists_each_measure_once_at_its_shortest_distance(ladder: Store) -> None:
    chain = ladder.chain(_id(ladder, "diamond-top"))
    assert [(s.depth, s.measure.slug) for s in chain.steps] == [
        (0, "diamond-top"),
        (1, "diamond-left"),
        (1, "diamond-right"),
        (2, "diamond-bottom"),
    ]


def test_the_depth_limit_stops_the_walk_and_says_so(ladder: Store) -> None:
    chain = ladder.chain(_id(ladder, "rung-3"), depth=1)
    assert [(s.depth, s.measure.slug, s.more) for s in chain.steps] == [(-1, "rung-2", True), (0, "rung-3", False)]
    assert [s.measure.slug for s in ladder.chain(_id(ladder, "rung-3"), depth=2).steps] == [
        "rung-1",
        "rung-2",
        "rung-3",
    ]


def test_the_step_limit_truncates(ladder: Store) -> None:
    chain = ladder.chain(_id(ladder, "diamond-top"), limit=1)
    assert [s.measure.slug for s in chain.steps] == ["diamond-top", "diamond-left"]
    assert chain.truncated


def test_chain_of_an_unknown_measure_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no measure with id 999999"):
        store.chain(999999)


# --------------------------------------------------------------------------- timeline


def _whole(store: Store, page: int, **filters: object) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    after = None
    for _ in range(1000):
        got = store.timeline(after=after, limit=page, **filters)
        items += got
        if len(got) < page:
            return items
        after = got[-1].cursor
    raise AssertionError("paging did not end")


def test_timeline_puts_the_seed_dates_in_order(store: Store) -> None:
    items = store.timeline(limit=100)
    dates = [i.date for i in items]
    assert dates == sorted(dates)
    firsts = [dates.index(d) for d in ("2021-12-01", "2021-12-02", "2022-01-30", "2022-01-31")]
    assert firsts == sorted(firsts)
    osce = next(i for i in items if i.date == "2021-12-02")
    assert (osce.kind, osce.entity, osce.slug) == ("event", "event", "osce-stockholm-blinken-lavrov")
    assert [a.slug for a in osce.actors] == ["blinken", "lavrov"] and osce.detail == "Stockholm"
    due = [(i.date, i.entity, i.measure.slug if i.measure else None) for i in items if i.kind == "due"]
    assert due == [
        ("2022", "consequence", "us-expels-27-russian-diplomats"),
        ("2022-01-30", "consequence", "us-expels-27-russian-diplomats"),
        ("2022-01-31", "consequence", "russia-orders-us-diplomats-out"),
    ]
    # Undated statements have no place on the timeline.
    assert "state-department-visas-expiring" not in {i.slug for i in items}


def test_a_partial_date_sorts_before_the_full_dates_it_contains(ladder: Store) -> None:
    items = ladder.timeline(date_from="2014", date_to="2015", limit=100)
    assert [(i.date, i.kind, i.slug) for i in items] == [
        ("2014", "event", "russia-annexes-crimea"),
        ("2014-03", "announced", "rung-1"),
        ("2014-03-05", "statement", "beta-condemns"),
        ("2014-03-05", "statement", "alpha-justifies"),
        ("2014-04", "statement", "alpha-replies"),
        ("2014-04-02", "event", "summit"),
        ("2014-04-02", "announced", "rung-2"),
        ("2015", "announced", "rung-3"),
        ("2015-06-01", "effective", "rung-3"),
        ("2015-07-01", "due", "rung-3-c1"),
    ]


@pytest.mark.parametrize("page", [1, 2, 3, 7])
def test_paging_by_keyset_gives_the_same_items_as_one_page(ladder: Store, page: int) -> None:
    everything = ladder.timeline(limit=1000)
    assert len(everything) > 20
    assert _whole(ladder, page) == everything
    beta = ladder.resolve("actor/beta")[1]
    assert _whole(ladder, page, actor_id=beta) == ladder.timeline(actor_id=beta, limit=1000)


def test_timeline_filters_by_kind_actor_and_dates(ladder: Store) -> None:
    only = ladder.timeline(kinds=["due", "effective"], limit=100)
    assert {i.kind for i in only} == {"due", "effective"}
    assert ladder.timeline(kinds=[], limit=10) == []
    alpha = ladder.resolve("actor/alpha-speaker")[1]
    assert [i.slug for i in ladder.timeline(actor_id=alpha, limit=100)] == ["alpha-justifies", "alpha-replies"]
    beta = ladder.resolve("actor/beta")[1]
    involving = {(i.kind, i.slug) for i in ladder.timeline(actor_id=beta, limit=100)}
    assert {("announced", "rung-1"), ("announced", "rung-2"), ("due", "rung-3-c1"), ("event", "summit")} <= involving
    assert not any(kind == "statement" for kind, _ in involving)  # Beta itself said nothing
    january = ladder.timeline(date_from="2022-01", date_to="2022-01", limit=100)
    assert [i.date for i in january] == ["2022-01-30", "2022-01-31"]
    assert ladder.timeline(date_from="2022-01-31", limit=100)[0].date == "2022-01-31"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"date_from": "2022-13"}, "the from date '2022-13' is not a date"),
        ({"date_to": "last week"}, "the to date 'last week' is not a date"),
        ({"kinds": ["gossip"]}, "unknown timeline kind 'gossip'"),
    ],
)
def test_timeline_refuses_bad_filters(store: Store, filters: dict[str, object], message: str) -> None:
    with pytest.raises(StoreError, match=message):
        store.timeline(**filters)


def test_timeline_reads_each_kind_from_its_date_index(store: Store) -> None:
    for after in (None, ("2021-12-01", 2, 3)):
        sql, params = store._timeline_sql(
            actor_id=None, kinds=None, date_from=None, date_to=None, after=after, limit=100
        )
        plan = "\n".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        for index in (
            "events_by_date",
            "measures_by_announced",
            "statements_by_said",
            "measures_by_effective",
            "consequences_by_due",
        ):
            assert f"USING INDEX {index}" in plan, (index, plan)
        for alias in ("e", "m", "s", "c"):
            assert f"SCAN {alias}\n" not in plan + "\n", plan
    actor = store.resolve("actor/zakharova")[1]
    sql, params = store._timeline_sql(
        actor_id=actor, kinds=["statement"], date_from=None, date_to=None, after=None, limit=100
    )
    plan = "\n".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "USING INDEX statements_by_speaker" in plan, plan


# --------------------------------------------------------------------------- relations


def test_relations_show_both_directions_for_the_united_states_and_russia(store: Store) -> None:
    relations = store.relations()
    assert len(relations) == 1
    pair = relations[0]
    assert (pair.first.slug, pair.second.slug) == ("united-states", "russia")
    forward, backward = pair.forward, pair.backward
    assert (forward.imposer.slug, forward.target.slug, forward.measure_count) == ("united-states", "russia", 2)
    assert (backward.imposer.slug, backward.target.slug, backward.measure_count) == ("russia", "united-states", 1)
    assert "27 diplomats" in (forward.measures[-1].quantity or "")
    assert "more than three years" in (backward.measures[0].quantity or "")
    assert (forward.consequence_count, backward.consequence_count) == (3, 2)
    # Russia's side (its ministry, its spokespeople, its ambassador) on the US measures.
    assert forward.replies_counted and forward.reply_count == 10 and not forward.reply_capped
    assert dict(forward.reply_stances) == {"condemns": 6, "comments": 2, "demands": 2}
    assert {s.speaker.slug for s in forward.replies} <= {"zakharova", "ryabkov", "antonov", "al-jazeera"}
    assert len(forward.replies) == 3
    assert backward.reply_count == 0 and backward.replies == ()


def test_relations_without_replies_leave_them_for_later(store: Store) -> None:
    pair = store.relations(replies=False)[0]
    assert not pair.forward.replies_counted and pair.forward.reply_count == 0
    assert pair.forward.measure_count == 2
    side = store.relation_side(pair.first.id, pair.second.id)
    assert side.replies_counted and side.reply_count == 10


def test_relations_of_one_actor_put_it_first_and_page(ladder: Store) -> None:
    beta = ladder.resolve("actor/beta")[1]
    pairs = ladder.relations(actor_id=beta)
    assert [(p.first.slug, p.second.slug) for p in pairs] == [("beta", "alpha")]
    assert (pairs[0].forward.measure_count, pairs[0].backward.measure_count) == (2, 4)
    assert [r.slug for r in pairs[0].backward.replies] == ["beta-condemns"]  # Alpha Speaker justifies its own
    everyone = ladder.relations(limit=10)
    assert [(p.first.slug, p.second.slug) for p in everyone] == [("alpha", "beta"), ("united-states", "russia")]
    assert ladder.relations(limit=1, offset=1) == everyone[1:]
    assert ladder.relations(limit=5, offset=5) == []

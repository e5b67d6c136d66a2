"""The chain, timeline and relations screens driven through Pilot in a tiny host app on real dossiers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from dossier.screens._view import GUTTER, ViewScreen
from dossier.screens.chain import ChainScreen
from dossier.screens.relations import RelationsScreen
from dossier.screens.timeline import TimelineScreen
from dossier.store import Store
from tests.views_bundle import import_ladder

Target = tuple[str, int] | None


class Host(App[None]):
    """Pushes one screen and records what it is dismissed with."""

    def __init__(self, make: Callable[[], Screen[Target]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Target] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), callback=self.results.append)


@pytest.fixture
def ladder(seed_db: Path, tmp_path: Path) -> Iterator[Store]:
    import_ladder(seed_db, tmp_path)
    with Store.open(seed_db) as opened:
        yield opened


async def settle(pilot: Pilot[None]) -> None:
    """Let the workers finish and their results reach the screen (a result may start another worker)."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def view(pilot: Pilot[None]) -> ViewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ViewScreen)
    return screen


def rows(pilot: Pilot[None]) -> list[str]:
    """Each row's text without the mark's gutter (GUTTER, or MARK on a marked row) in front of its lines."""
    return [
        "\n".join(line[len(GUTTER) :] for line in option.prompt.plain.split("\n"))  # type: ignore[union-attr]
        for option in view(pilot).rows.options
    ]


def highlighted(pilot: Pilot[None]) -> str:
    screen = view(pilot)
    index = screen.rows.highlighted
    assert index is not None
    return rows(pilot)[index]


def current(pilot: Pilot[None]) -> Target:
    """What Enter would open on the highlighted row."""
    screen = view(pilot)
    option = screen.rows.highlighted_option
    assert option is not None
    return screen.target_of(option)


def measure_id(store: Store, slug: str) -> int:
    return store.resolve(f"measure/{slug}")[1]


# --------------------------------------------------------------------------- chain


async def test_chain_from_russias_measure_shows_the_us_measure_it_answers(store: Store) -> None:
    russia = measure_id(store, "russia-orders-us-diplomats-out")
    us = measure_id(store, "us-expels-27-russian-diplomats")
    app = Host(lambda: ChainScreen(store, russia))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = rows(pilot)
        assert len(shown) == 2
        assert shown[0].lstrip().startswith("-1") and "27 Russian diplomats and their families must leave" in shown[0]
        assert "[measure/" not in shown[0]  # references are for the command line; Enter opens the row
        assert "United States → Russia" in shown[0] and "asserted by Maria Zakharova" in shown[0]
        assert "2022-01-30" in shown[0]
        assert shown[1].lstrip().startswith("root") and "2022-01-31" in shown[1]
        assert current(pilot) == ("measure", russia)  # the cursor starts on the measure asked about
        await pilot.press("k")
        assert current(pilot) == ("measure", us)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("measure", us)]


async def test_chain_from_the_us_measure_goes_back_to_russias(store: Store) -> None:
    russia = measure_id(store, "russia-orders-us-diplomats-out")
    us = measure_id(store, "us-expels-27-russian-diplomats")
    app = Host(lambda: ChainScreen(store, us))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "+1" in rows(pilot)[1] and "answers 27 Russian diplomats" in rows(pilot)[1]
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.results == [("measure", russia)]


async def test_escape_closes_a_view_with_no_target(store: Store) -> None:
    app = Host(lambda: ChainScreen(store, measure_id(store, "us-expels-27-russian-diplomats")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ViewScreen)
    assert app.results == [None]


async def test_chain_reads_further_at_an_end_that_goes_on(ladder: Store) -> None:
    app = Host(lambda: ChainScreen(ladder, measure_id(ladder, "rung-3"), depth=1))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(rows(pilot)) == 2 and "goes on beyond the depth limit" in rows(pilot)[0]
        await pilot.press("up")  # onto the cut-off end: the chain is read deeper
        await settle(pilot)
        shown = rows(pilot)
        assert ["Alpha expels five" in shown[0], "Beta expels five" in shown[1], "consulate" in shown[2]] == [True] * 3
        assert current(pilot) == ("measure", measure_id(ladder, "rung-2"))  # the cursor stays on the same measure


async def test_chain_with_a_cycle_ends_and_says_so(ladder: Store) -> None:
    app = Host(lambda: ChainScreen(ladder, measure_id(ladder, "cycle-1")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = rows(pilot)
        assert len(shown) == 5
        assert sum("↺ links back to Cycle one" in row for row in shown) == 2
        status = view(pilot).query_one("#view-status").render()
        assert "a cycle" in str(status)


async def test_views_show_markup_in_the_data_as_text(ladder: Store) -> None:
    app = Host(lambda: ChainScreen(ladder, measure_id(ladder, "rung-3")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("Alpha closes a consulate [bold]not markup[/bold]" in row for row in rows(pilot))
    app = Host(lambda: TimelineScreen(ladder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("We condemn [@click=app.quit]this[/]" in row for row in rows(pilot))
        await pilot.click("#view-list")  # clicking the row does not run the "link"
        await pilot.pause()
        assert app.is_running


# --------------------------------------------------------------------------- timeline


async def test_timeline_groups_the_seed_by_day_in_order(store: Store) -> None:
    app = Host(lambda: TimelineScreen(store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = view(pilot)
        headings = [o.prompt.plain[len(GUTTER) :] for o in screen.rows.options if o.disabled]  # type: ignore[union-attr]
        assert headings == [
            "2014, year only",
            "2021-12-01",
            "2021-12-02",
            "2022, year only",
            "2022-01-30",
            "2022-01-31",
            "undated",  # the undated items, in a group of their own at the end
        ]
        shown = rows(pilot)
        assert "Blinken and Lavrov" in shown[shown.index("2021-12-02") + 1]
        assert "must depart Russia by January 31" in shown[shown.index("undated") - 1]
        assert "Crimean" in highlighted(pilot)  # the first item, not its heading
        await pilot.press("G")
        last = store.timeline_undated(limit=1000)[-1]
        assert last.summary[:20] in highlighted(pilot)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(last.entity, last.id)]


async def test_timeline_reads_page_after_page_as_the_cursor_goes_down(ladder: Store) -> None:
    everything = ladder.timeline(limit=1000) + ladder.timeline_undated(limit=1000)

    def small_pages() -> TimelineScreen:
        screen = TimelineScreen(ladder)
        screen.PAGE, screen.PREFETCH = 4, 2
        return screen

    app = Host(small_pages)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = [r for r in rows(pilot) if r.startswith("  ")]
        assert len(first) == 4
        for _ in range(len(everything)):
            if "the end of the timeline" in str(view(pilot).query_one("#view-status").render()):
                break
            await pilot.press("G")
            await settle(pilot)
        items = [r for r in rows(pilot) if r.startswith("  ")]
        assert len(items) == len(everything)
        screen = view(pilot)
        targets = [screen.target_of(o) for o in screen.rows.options if not o.disabled]
        assert targets == [(e.entity, e.id) for e in everything]
        assert "the end of the timeline" in str(view(pilot).query_one("#view-status").render())


async def test_timeline_filter_key_cycles_kinds(store: Store) -> None:
    app = Host(lambda: TimelineScreen(store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        items = [r for r in rows(pilot) if r.startswith("  ")]
        statements = len(store.timeline(kinds=["statement"])) + len(store.timeline_undated(kinds=["statement"]))
        assert len(items) == statements and all(r.startswith("  statement") for r in items)
        await pilot.press("f", "f")  # measures, then due dates
        await settle(pilot)
        items = [r for r in rows(pilot) if r.startswith("  ")]
        due = len(store.timeline(kinds=["due"])) + len(store.timeline_undated(kinds=["due"]))
        assert len(items) == due and all(r.startswith("  due") for r in items)
        assert "due dates" in str(view(pilot).query_one("#view-title").render())


async def test_timeline_of_one_actor(store: Store) -> None:
    zakharova = store.resolve("actor/zakharova")[1]
    app = Host(lambda: TimelineScreen(store, zakharova))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        items = [r for r in rows(pilot) if r.startswith("  ")]
        assert len(items) == 3 and all("Maria Zakharova:" in r for r in items)
        assert "Timeline of Maria Zakharova" in str(view(pilot).query_one("#view-title").render())


# --------------------------------------------------------------------------- relations


async def test_relations_show_both_directions_for_the_united_states_and_russia(store: Store) -> None:
    app = Host(lambda: RelationsScreen(store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = rows(pilot)
        assert shown[0] == "United States ⇄ Russia"
        assert any(r.startswith("  United States → Russia: 2 measures — ") and "27 diplomats" in r for r in shown)
        assert any(r.startswith("  Russia → United States: 1 measure — ") for r in shown)
        assert any("replies from the Russia side: 10 statements (condemns 6" in r for r in shown)
        assert any("replies from the United States side: no statements" in r for r in shown)
        assert not any("counting…" in r for r in shown)
        await pilot.press("down", "down")  # the pair heading, the US side, its newest measure
        assert "Other mutual limitations on Russian diplomats" in highlighted(pilot)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("measure", measure_id(store, "us-limitations-on-russian-diplomats"))]


async def test_relations_read_the_next_pairs_near_the_end(ladder: Store) -> None:
    def one_pair_per_page() -> RelationsScreen:
        screen = RelationsScreen(ladder)
        screen.PAGE, screen.PREFETCH = 1, 1
        return screen

    app = Host(one_pair_per_page)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [r for r in rows(pilot) if "⇄" in r] == ["Alpha ⇄ Beta"]
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert [r for r in rows(pilot) if "⇄" in r] == ["Alpha ⇄ Beta", "United States ⇄ Russia"]
        assert not any("counting…" in r for r in rows(pilot))

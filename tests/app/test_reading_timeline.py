"""Issue 13, the timeline: go to a date, a year or a range, one actor's timeline, the undated last, reopened as left."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from dossier import generate
from dossier.app import DossierApp
from dossier.screens.timeline import TimelineScreen, parse_dates
from dossier.store import Store
from tests.pilot_helpers import settle


def test_the_date_box_reads_a_date_a_year_or_a_range() -> None:
    assert parse_dates("2022") == ("2022", None)
    assert parse_dates(" 2021-12-01 ") == ("2021-12-01", None)
    assert parse_dates("2022-01 .. 2021-12") == ("2021-12", "2022-01")
    assert parse_dates("2021-12 to 2022-01-31") == ("2021-12", "2022-01-31")
    assert parse_dates("") == (None, None)
    assert parse_dates("next week") is None


def shown_items(screen: TimelineScreen) -> list[object]:
    return [item for _, item in sorted(screen._items.items(), key=lambda pair: int(pair[0].split("-")[1]))]


async def test_undated_items_come_last_in_their_own_group(store: Store) -> None:
    app = DossierApp(store, ref="antonov")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("T")  # the actor at hand: Antonov, all of whose statements are undated
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen) and screen.actor_id == store.resolve("antonov")[1]
        items = shown_items(screen)
        assert len(items) == 3 and all(item.date == "" for item in items)  # type: ignore[attr-defined]
        assert "undated" in str(screen.rows.get_option_at_index(0).prompt)
        await pilot.press("escape", "t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen) and screen.actor_id is None
        await pilot.press("end")
        for _ in range(5):
            await pilot.press("end")
            await settle(pilot)
        dates = [item.date for item in shown_items(screen)]  # type: ignore[attr-defined]
        assert "" in dates and dates.index("") > 0 and set(dates[dates.index(""):]) == {""}
        assert dates[: dates.index("")] == sorted(dates[: dates.index("")])


async def test_go_to_a_date_a_year_or_a_range_and_reopen_where_it_was_left(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        await pilot.press("d", *"2022", "enter")  # from 2022 on
        await settle(pilot)
        dates = [item.date for item in shown_items(screen)]  # type: ignore[attr-defined]
        assert dates and all(date >= "2022" for date in dates if date)
        await pilot.press("d")
        box = screen.query_one("#date-box", Input)
        assert app.focused is box and box.value == "2022"
        await pilot.press("q")  # a letter in the box, not Close
        assert isinstance(app.screen, TimelineScreen) and box.value.endswith("q")
        await pilot.press("escape")  # closes the box, not the timeline
        await settle(pilot)
        assert app.screen is screen and app.focused is screen.rows
        await pilot.press("d", *"2021-12-01 2021-12-02", "enter")
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        dates = {item.date for item in shown_items(screen)}  # type: ignore[attr-defined]
        assert dates and dates <= {"2021-12-01", "2021-12-02"}
        await pilot.press("j", "j")
        await settle(pilot)
        left = screen.state.at
        assert left is not None
        await pilot.press("escape", "t")  # reopens with the range and the cursor where they were
        await settle(pilot)
        again = app.screen
        assert isinstance(again, TimelineScreen) and again is not screen
        highlighted = again.rows.highlighted
        assert highlighted is not None
        item = again._items[again.rows.get_option_at_index(highlighted).id or ""]
        assert item.cursor == left


async def test_reaching_a_date_on_a_big_timeline(tmp_path: Path) -> None:
    made = generate.generate(tmp_path / "g.db", statements=5000, seed=2)
    with Store.open(made.path) as store:
        app = DossierApp(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TimelineScreen)
            await pilot.press("d", *"2020-06", "enter")
            await settle(pilot)
            first = shown_items(screen)[0]
            assert first.date >= "2020-06"  # type: ignore[attr-defined]

"""Keys c, t and r in the browser: the chain, timeline and relations screens, and back again."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from dossier.app import DossierApp
from dossier.screens._view import ViewScreen
from dossier.screens.browse import BrowseScreen
from dossier.screens.chain import ChainScreen
from dossier.screens.relations import RelationsScreen
from dossier.screens.timeline import TimelineScreen
from dossier.store import Store
from tests.pilot_helpers import notifications, settle, shown

SIZE = (120, 40)


def rows(app: DossierApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ViewScreen)
    return [option.prompt.plain for option in screen.rows.options]  # type: ignore[union-attr]


async def move_to(pilot: Pilot[Any], app: DossierApp, text: str) -> None:
    """Press j until the highlighted row of the view screen contains `text`."""
    screen = app.screen
    assert isinstance(screen, ViewScreen)
    for _ in range(60):
        option = screen.rows.highlighted_option
        if option is not None and text in option.prompt.plain:  # type: ignore[union-attr]
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(f"no row with {text!r}: {rows(app)}")


async def test_c_on_russias_measure_shows_the_us_measure_it_answers(store: Store) -> None:
    _, russia_measure = store.resolve("russia-orders-us-diplomats-out")
    _, us_measure = store.resolve("us-expels-27-russian-diplomats")
    app = DossierApp(store, ref="measure/russia-orders-us-diplomats-out")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        assert browser.detail_ref == ("measure", russia_measure)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChainScreen)
        text = "\n".join(rows(app))
        assert "27 Russian diplomats and their families must leave the US by January 30" in text
        assert "Maria Zakharova" in text  # who asserts the link
        await move_to(pilot, app, "27 Russian diplomats and their families must leave the US")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert browser.detail_ref == ("measure", us_measure)
        assert "must leave the US by January 30" in " ".join(shown(browser.detail).split())
        await pilot.press("backspace")  # following the chain was a step in the history
        await settle(pilot)
        assert browser.detail_ref == ("measure", russia_measure)


async def test_c_on_a_quote_shows_the_chain_of_its_measure(store: Store) -> None:
    app = DossierApp(store, ref="statement/zakharova-ria-three-year-bar")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChainScreen)
        text = "\n".join(rows(app))
        assert "US diplomats in Russia over three years must leave by January 31" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.browser.detail_ref == ("statement", store.resolve("zakharova-ria-three-year-bar")[1])


async def test_c_without_a_measure_says_why(empty_db: Any) -> None:
    with Store.open(empty_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, BrowseScreen)
            assert any("No measure here" in str(n.message) for n in notifications(app))


async def test_t_shows_the_timeline_with_both_january_deadlines(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        text = "\n".join(rows(app))
        days = [day for day in ("2021-12-01", "2021-12-02", "2022-01-30", "2022-01-31") if day in text]
        assert days == ["2021-12-01", "2021-12-02", "2022-01-30", "2022-01-31"]
        assert [text.index(day) for day in days] == sorted(text.index(day) for day in days)
        await move_to(pilot, app, "must depart Russia by January 31")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.browser.detail_ref == ("consequence", store.resolve("russia-us-diplomats-depart-by-2022-01-31")[1])


async def test_r_shows_relations_both_ways(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RelationsScreen)
        text = "\n".join(rows(app))
        assert "United States → Russia" in text and "Russia → United States" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)

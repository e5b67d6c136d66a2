"""Issue 13, the layout: every quote readable at every terminal size (Pilot, on the seed dossier)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from dossier.app import DossierApp
from dossier.screens.chain import ChainScreen
from dossier.store import Store
from dossier.widgets.virtual_list import VirtualList
from tests.pilot_helpers import lines, row_text, screen_lines, settle


def words(text: str) -> str:
    return " ".join(text.replace("“", " ").replace("”", " ").split())


async def walk(pilot: Pilot[Any], pane: VirtualList[Any]) -> list[tuple[Any, str]]:
    """Every row of a list with its text as drawn, moving the cursor down with j."""
    pilot.app.screen.set_focus(pane)
    await settle(pilot)
    seen = []
    for _ in range(pane.count or 0):
        item = pane.highlighted
        seen.append((item, row_text(pane, pane.cursor)))
        await pilot.press("j")
        await settle(pilot)
    return seen


async def test_at_80x24_quotes_names_and_consequences_are_readable(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.browser
        # The first screen: the highlighted statement's first 60 characters, without opening anything.
        first = browser.statements.highlighted
        assert first is not None
        assert words(first.text)[:60] in words(row_text(browser.statements, 0)).rstrip("…")
        # Every actor's name in full; the Statements of each, the first 60 characters of every one.
        quotes = 0
        for actor, row in await walk(pilot, browser.actors):
            assert actor.name in row, row
        for index in range(browser.actors.count or 0):
            browser.actors.cursor = index
            await settle(pilot)
            for statement, row in await walk(pilot, browser.statements):
                assert words(statement.text)[:60] in words(row), (statement.text, row)
                quotes += 1
        assert quotes == 14
        # A consequence shows its text (the Russian measure: two consequences).
        await pilot.press("2")
        browser.open_ref("measure", store.resolve("us-expels-27-russian-diplomats")[1])
        await settle(pilot)
        consequences = await walk(pilot, browser.consequences)
        assert len(consequences) == 3
        for consequence, row in consequences:
            assert words(consequence.description)[:30] in words(row), row


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_chain_shows_who_asserts_each_link(store: Store, size: tuple[int, int]) -> None:
    app = DossierApp(store, ref="measure/russia-orders-us-diplomats-out")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChainScreen)
        await pilot.press("home")
        await settle(pilot)
        text = " ".join(" ".join(screen_lines(app)).split())
        assert "answered by US diplomats in Russia over three years must leave by January 31, asserted by Maria" in text


async def test_at_200x50_no_list_cuts_text_beside_blank_columns(store: Store) -> None:
    app = DossierApp(store, ref="actor/ryabkov")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        browser = app.browser
        for pane in (browser.actors, browser.statements, browser.measures, browser.consequences):
            width = pane.scrollable_content_region.width
            for line in lines(pane):
                if line.endswith("…"):  # a cut line reaches the last two columns of the pane
                    assert len(line) >= width - 2, (pane.id, line)


async def test_the_layout_has_two_columns_when_narrow_and_three_when_wide(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.browser
        assert browser.detail.region.y > browser.actors.region.y  # the Detail under the Actors
        assert browser.detail.region.x == browser.actors.region.x
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        xs = sorted({browser.actors.region.x, browser.statements.region.x, browser.detail.region.x})
        assert len(xs) == 3 and browser.detail.region.x == xs[-1]
        assert browser.statements.region.x == browser.measures.region.x == browser.consequences.region.x


async def test_a_key_press_at_80x24_is_one_frame(store: Store) -> None:
    """The Detail pane's scrollbar goes out with the move (it changes with each statement in a short pane).

    The frame is held until the linked panes are in step or HOLD_SECONDS (12 ms) have passed: on a loaded
    machine the Detail pane's load can take longer, and the deadline would paint the move alone. The hold
    is given seconds here, so what is checked is the release when the panes are in step, whatever the load.
    """
    from tests.pilot_helpers import each_frame

    app = DossierApp(store, ref="actor/ryabkov")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hold = app.browser.statements.frame_hold
        assert hold is not None
        hold.seconds = 5.0
        await pilot.press("2")
        await settle(pilot)
        frames: list[int] = []
        painted: list[object] = []
        for _ in range(4):
            painted.clear()
            with each_frame(app, lambda screen, renderable: painted.append(renderable)):
                await pilot.press("j")
                await settle(pilot)
                assert not hold.active  # released by the panes in step, long before its deadline
            frames.append(len([p for p in painted if p is not None]))
        assert max(frames) == 1, frames


async def test_at_80x24_enter_on_a_statement_keeps_its_text_in_view_above_the_speaker(store: Store) -> None:
    """Enter moves into the Detail pane, onto its first reference: scrolled just enough, not to the top.

    Zakharova's first statement is a long paraphrase: its speaker's reference is
    below the pane's 12 lines. Scrolled to put the reference at the top, the
    text went out of view; now the reference is at the bottom, the text above.
    """
    app = DossierApp(store, ref="actor/zakharova")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.browser
        for index in range(browser.statements.count or 0):
            await pilot.press("2")
            browser.statements.cursor = index
            await settle(pilot)
            statement = browser.statements.highlighted
            assert statement is not None
            await pilot.press("enter")
            await settle(pilot)
            assert app.focused is browser.detail
            seen = words(" ".join(lines(browser.detail)))
            assert "Speaker → Maria Zakharova" in seen, seen
            assert words(statement.text).split()[-1] in seen, (statement.text, seen)
            if index == 0:
                assert browser.detail.scroll_y > 0  # the long paraphrase: scrolled, by just enough
                assert " ".join(words(statement.text).split()[-8:]) in seen, seen

"""Issue 13, discoverability: the palette lists every view and command, the footer the view keys when there is
room, help scrolls at 80×24, Textual's Maximize and Keys are left out, Back restores the Detail pane's scroll."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from dossier.app import DossierApp
from dossier.commands import key_commands
from dossier.keys import KEYS
from dossier.screens.help import HelpScreen
from dossier.screens.relations import RelationsScreen
from dossier.store import Store
from tests.pilot_helpers import screen_lines, settle


def test_the_palette_offers_every_view_and_command_with_its_key() -> None:
    titles = {title: keys for title, keys, _, _ in key_commands()}
    for title, key in (("Search", "/"), ("Chain", "c"), ("Timeline", "t"), ("Relations", "r"), ("Facets", "f"),
                       ("Clear filters", "x"), ("Actor's timeline", "T"), ("Help", "?"), ("Copy slug", "s"),
                       ("Back", "Backspace Alt+←"), ("Forward", "Alt+→"), ("Statements pane", "2")):
        assert titles.get(title) == key, (title, titles.get(title))
    offered = {(owner, action) for _, _, owner, action in key_commands()}
    for key in KEYS:  # every command of the browser's own keys, less moving about and the palette itself
        if key.owner == "browse" and key.action != "focus_previous_pane":
            assert (key.owner, key.action) in offered, key


async def test_a_view_opens_from_the_palette_and_misbehaving_entries_are_left_out(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Maximize" not in titles and "Keys" not in titles and "Minimize" not in titles
        await pilot.press("ctrl+p", *"relations")
        await pilot.pause(0.4)
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RelationsScreen)


@pytest.mark.parametrize(("width", "shown"), [(80, False), (120, True), (200, True)])
async def test_the_footer_shows_the_view_keys_when_there_is_room(store: Store, width: int, shown: bool) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert ("t Timeline" in footer and "r Relations" in footer and "c Chain" in footer) == shown, footer
        assert "? Help" in footer and "q Quit" in footer
        await pilot.press("t")  # the key works at every width
        await settle(pilot)
        assert app.screen is not app.browser


async def test_help_scrolls_at_80x24_with_a_scrollbar(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0 and body.show_vertical_scrollbar
        await pilot.press("pagedown", "end")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        assert "Draft item" in "\n".join(screen_lines(app))  # the last section, scrolled to


async def test_back_restores_the_detail_panes_scroll(store: Store) -> None:
    app = DossierApp(store, ref="measure/us-expels-27-russian-diplomats")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.browser
        await pilot.press("5", "pagedown")
        await settle(pilot)
        scrolled = int(browser.detail.scroll_y)
        assert scrolled > 0 and browser.detail.ref is not None
        here = browser.detail_ref
        await pilot.press("enter")  # follow a reference
        await settle(pilot)
        assert browser.detail_ref != here
        await pilot.press("backspace")
        await settle(pilot)
        assert browser.detail_ref == here
        assert int(browser.detail.scroll_y) == scrolled

"""Issue 13, keys and words: keys typed in a burst, following to what is already highlighted, q and Escape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dossier.app import DossierApp
from dossier.store import Store
from tests.pilot_helpers import burst, settle, shown

SIZE = (120, 40)


@pytest.fixture
def app(store: Store) -> Iterator[DossierApp]:
    yield DossierApp(store)


async def test_a_key_that_moves_focus_takes_effect_before_the_next_key(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        actor = browser.actors.highlighted_id
        first = browser.statements.highlighted_id
        burst(app, "2", "j")  # one write: no pause between the two keys
        await settle(pilot)
        assert browser.actors.highlighted_id == actor  # the Actors cursor stayed
        assert app.focused is browser.statements
        assert browser.statements.cursor == 1 and browser.statements.highlighted_id != first
        burst(app, "1", "j", "j", "tab", "j", "j")  # Maria Zakharova, then her third statement
        await settle(pilot)
        assert browser.actors.cursor == 2
        assert app.focused is browser.statements and browser.statements.cursor == 2


async def test_enter_then_a_move_moves_in_what_enter_opened(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        burst(app, "2", "enter", "j")
        await settle(pilot)
        assert app.focused is browser.detail
        assert browser.statements.cursor == 0
        assert browser.detail.cursor >= 0


async def test_a_key_after_following_a_link_acts_where_the_link_led(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        await pilot.press("2", "enter")
        await settle(pilot)
        assert browser.detail.ref is not None and browser.detail.ref[0] == "actor"  # the speaker
        # Enter follows the speaker (the Actors pane), then j moves there, not in the Detail pane
        burst(app, "enter", "j")
        await settle(pilot)
        assert app.focused is browser.actors
        assert browser.actors.cursor == 1


async def test_following_to_the_highlighted_row_updates_the_detail_pane(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        speaker = browser.actors.highlighted
        assert speaker is not None
        await pilot.press("2", "enter")  # the statement in the Detail pane, its first reference: the speaker
        await settle(pilot)
        assert browser.detail.ref == ("actor", speaker.id)
        await pilot.press("enter")  # the speaker is the highlighted actor already
        await settle(pilot)
        assert app.focused is browser.actors
        assert browser.detail_ref == ("actor", speaker.id)
        assert shown(browser.detail).splitlines()[0].strip() == speaker.name

        # a measure the statement concerns, already highlighted in the Measures pane
        await pilot.press("3")
        await settle(pilot)
        measure = browser.measures.highlighted
        assert measure is not None
        await pilot.press("2", "enter")
        await settle(pilot)
        browser.detail.select_ref(("measure", measure.id))
        if browser.detail.ref != ("measure", measure.id):
            pytest.skip("the first statement does not concern the first measure")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is browser.measures
        assert browser.detail_ref == ("measure", measure.id)
        assert measure.title in " ".join(shown(browser.detail).split())


@pytest.mark.parametrize("key", ["q", "escape"])
async def test_q_and_escape_close_every_view_and_q_quits_only_from_the_browser(app: DossierApp, key: str) -> None:
    from textual.widgets import Input

    from dossier.screens.chain import ChainScreen
    from dossier.screens.help import HelpScreen
    from dossier.screens.relations import RelationsScreen
    from dossier.screens.search import SearchScreen
    from dossier.screens.timeline import TimelineScreen

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        await pilot.press("3")  # a measure at hand, for the chain
        await settle(pilot)
        for opener, screen_type in (("c", ChainScreen), ("t", TimelineScreen), ("r", RelationsScreen),
                                    ("question_mark", HelpScreen)):
            await pilot.press(opener)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is browser and app.is_running, opener
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("q")  # in the box, a letter
        assert app.screen.query_one("#query", Input).value == "q"
        await pilot.click("#results")  # the results take the focus (Tab shows one kind of hit)
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is browser and app.is_running
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running and app.return_code == 0

"""The browser driven with Pilot on the seed dossier: linked panes, history, keys, search, palette."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from dossier.app import DossierApp
from dossier.keys import KEYS, key_rows
from dossier.screens.chain import ChainScreen
from dossier.screens.help import HelpScreen
from dossier.screens.relations import RelationsScreen
from dossier.screens.search import SearchScreen
from dossier.screens.timeline import TimelineScreen
from dossier.store import Store
from tests.pilot_helpers import notifications, rows_shown, settle, shown, subtitle, title

SIZE = (120, 40)
QUOTE = "We regard the US demand as an expulsion and will respond accordingly."


@pytest.fixture
def app(store: Store) -> Iterator[DossierApp]:
    yield DossierApp(store)


async def select_actor(pilot: Pilot[Any], app: DossierApp, name: str) -> None:
    """Move the Actors cursor down to `name` with j, as a user would."""
    browser = app.browser
    browser.actors.focus()
    for _ in range(20):
        item = browser.actors.highlighted
        if item is not None and item.name == name:
            await settle(pilot)
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(f"{name} not found in the Actors pane")


async def test_first_screen_shows_actors_grouped_by_kind(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        assert title(browser.actors) == "Actors · 14"
        text = shown(browser.actors)
        assert text.splitlines()[0].startswith("person Anatoly Antonov")
        # each kind is named once, at the top of its group, in the order of ACTOR_KINDS
        kinds = [line.split()[0] for line in text.splitlines() if line and not line.startswith(" ")]
        assert kinds == ["person", "org", "state", "media", "group"]
        assert app.focused is browser.actors
        assert "Detail" in title(browser.detail)
        assert "Anatoly Antonov" in shown(browser.detail)


async def test_selecting_zakharova_shows_her_quote(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_actor(pilot, app, "Maria Zakharova")
        browser = app.browser
        assert title(browser.statements) == "Statements · 3"
        assert subtitle(browser.statements) == "Maria Zakharova"
        assert "“We regard the US demand as an" in shown(browser.statements)
        # quote vs paraphrase is visible, and dates line up in one column
        rows = rows_shown(browser.statements)
        assert {row[:10] for row in rows} == {"2021-12-01"}
        # a quote is in quotation marks, a paraphrase not (a wide pane has a column for it too)
        assert any(row.startswith("2021-12-01 “We regard") for row in rows)
        assert any(row.startswith("2021-12-01 ") and "“" not in row[:12] for row in rows)
        await pilot.press("2")
        while browser.statements.highlighted is None or browser.statements.highlighted.kind != "quote":
            await pilot.press("j")
            await settle(pilot)
        assert f"“{QUOTE}”" in " ".join(shown(browser.detail).split())  # whole, wrapped


async def test_following_a_quotes_measure_shows_consequences_and_back_returns(app: DossierApp, store: Store) -> None:
    _, quote_id = store.resolve("zakharova-respond-accordingly")
    _, measure_id = store.resolve("us-expels-27-russian-diplomats")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_actor(pilot, app, "Maria Zakharova")
        browser = app.browser
        await pilot.press("tab")
        while browser.statements.highlighted_id != quote_id:
            await pilot.press("j")
            await settle(pilot)
        # the quote highlighted: the detail shows it whole, the measures it concerns are marked
        assert QUOTE in " ".join(shown(browser.detail).split())
        assert browser.measures.marked == {measure_id, store.resolve("russia-orders-us-diplomats-out")[1]}
        await pilot.press("enter")  # open the quote: focus goes to its references
        await settle(pilot)
        assert app.focused is browser.detail
        while browser.detail.ref != ("measure", measure_id):
            await pilot.press("j")
            await settle(pilot)
        assert not browser.can_go_back
        await pilot.press("enter")  # follow the measure it concerns
        await settle(pilot)
        assert app.focused is browser.measures
        assert browser.measures.highlighted_id == measure_id
        assert title(browser.consequences) == "Consequences · 3"
        rows = rows_shown(browser.consequences)
        assert rows[0].startswith("2022-01-30 Russia: 27 Russian diplomats")
        assert rows[1].startswith("2022       Russia: An equivalent")
        assert rows[2].startswith("undated    Russia: Diplomats departing")
        assert browser.can_go_back

        await pilot.press("backspace")
        await settle(pilot)
        assert browser.actors.highlighted is not None
        assert browser.actors.highlighted.name == "Maria Zakharova"
        assert browser.statements.highlighted_id == quote_id
        assert app.focused is browser.detail  # the same pane as before the jump
        assert browser.detail.subject == ("statement", quote_id)
        assert browser.can_go_forward

        await pilot.press("alt+right")
        await settle(pilot)
        assert browser.measures.highlighted_id == measure_id
        assert app.focused is browser.measures


async def test_moving_updates_the_linked_panes_at_once(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_actor(pilot, app, "Sergei Ryabkov")
        browser = app.browser
        assert title(browser.statements) == "Statements · 5"
        assert subtitle(browser.statements) == "Sergei Ryabkov"
        assert title(browser.measures) == "Measures · 2"
        await pilot.press("3")  # the Measures pane: highlight (not Enter) shows consequences
        await settle(pilot)
        first = browser.measures.highlighted
        assert first is not None
        assert browser.detail.subject == ("measure", first.id)
        assert title(browser.consequences) == f"Consequences · {store.consequence_count(first.id)}"
        await pilot.press("j")
        await settle(pilot)
        second = browser.measures.highlighted
        assert second is not None and second.id != first.id
        assert browser.consequences.subject == second.title
        assert browser.detail.subject == ("measure", second.id)
        # each measure says how it involves the actor
        assert "mentions" in shown(browser.measures)


async def test_back_and_forward_are_greyed_out_without_history(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        assert browser.check_action("go_back", ()) is None
        assert browser.check_action("go_forward", ()) is None
        await pilot.press("backspace", "alt+left", "alt+right")  # nowhere to go: nothing happens
        await settle(pilot)
        assert browser.actors.highlighted is not None and browser.actors.highlighted.name == "Anatoly Antonov"
        browser.open_ref("actor", store.resolve("lavrov")[1])
        await settle(pilot)
        assert browser.check_action("go_back", ()) is True
        assert browser.actors.highlighted is not None and browser.actors.highlighted.name == "Sergey Lavrov"


async def test_deep_link_opens_with_the_ref_selected(store: Store) -> None:
    app = DossierApp(store, ref="measure/russia-orders-us-diplomats-out")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        assert browser.measures.highlighted is not None
        assert browser.measures.highlighted.slug == "russia-orders-us-diplomats-out"
        assert app.focused is browser.measures
        assert title(browser.consequences) == "Consequences · 2"
        assert not browser.can_go_back  # the first screen is not a step


async def test_open_ref_reaches_every_kind(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        _, event_id = store.resolve("event/osce-stockholm-blinken-lavrov")
        browser.open_ref("event", event_id)
        await settle(pilot)
        assert app.focused is browser.detail
        assert "Blinken and Lavrov" in shown(browser.detail)
        _, consequence_id = store.resolve("consequence/russia-plan-halted-if-us-follows-suit")
        browser.open_ref("consequence", consequence_id)
        await settle(pilot)
        assert app.focused is browser.consequences
        assert browser.consequences.highlighted_id == consequence_id
        assert "conditional" in shown(browser.detail)
        await pilot.press("enter", "j")  # open it, then its second reference: the measure
        await settle(pilot)
        assert browser.detail.ref is not None and browser.detail.ref[0] == "measure"
        with pytest.raises(ValueError):
            browser.open_ref("source", 1)


async def test_search_screen_groups_hits_and_opens_one(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"diplomat")
        await pilot.pause(0.3)  # the debounce
        await settle(pilot)
        results = app.screen.results
        text = shown(results)
        assert "Measures · " in text and "Statements · " in text
        assert text.index("Measures") < text.index("Statements")
        # the cursor starts on the first hit, never on a heading
        assert results.highlighted is not None and results.highlighted.hit is not None
        await pilot.press("down", "down", "up")
        await settle(pilot)
        chosen = results.highlighted
        assert chosen is not None and chosen.hit is not None
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.browser
        assert app.browser.can_go_back
        assert app.browser.detail_ref == (chosen.hit.kind, chosen.hit.id) or app.browser.location().focus != "actors"
        # Escape returns without a step
        await pilot.press("slash", *"zzzz")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "No matches" in shown(app.screen.results)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.browser


async def test_search_drops_stale_results(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"lavrov")
        await pilot.pause(0.3)
        await settle(pilot)
        screen.query_text = "something else"  # as if the user typed on while the query ran
        screen._search("lavrov", None, 10)
        await settle(pilot)
        assert screen.results.highlighted is not None  # the lavrov results stay
        screen.query_text = "lavrov"
        screen.post_message(SearchScreen._Hits("old query", []))
        await settle(pilot)
        assert "Sergey Lavrov" in shown(screen.results)


async def test_palette_finds_a_person_by_name_and_opens_their_quotes(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Ryabkov")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        browser = app.browser
        assert app.screen is browser
        assert browser.actors.highlighted is not None and browser.actors.highlighted.name == "Sergei Ryabkov"
        assert "head-on" in shown(browser.statements)
        assert browser.can_go_back
        await pilot.press("backspace")
        await settle(pilot)
        assert browser.actors.highlighted is not None and browser.actors.highlighted.name == "Anatoly Antonov"


async def test_palette_finds_by_slug_and_filters_actor_kinds(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(Input).value = "us-limitations-on-russian-diplomats"  # a slug, pasted
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        browser = app.browser
        assert browser.measures.highlighted is not None
        assert browser.measures.highlighted.slug == "us-limitations-on-russian-diplomats"
        await pilot.press("ctrl+p", *"only state")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert title(browser.actors) == "Actors · 3 · kind=state"
        assert [row.split(" · ")[0] for row in rows_shown(browser.actors)] == [
            "state  Russia RU",
            "Ukraine UA",
            "United States US",
        ]
        browser.show_actor_kind(None)
        await settle(pilot)
        assert title(browser.actors) == "Actors · 14"


async def test_help_lists_every_key_and_escape_closes_it(app: DossierApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = "\n".join(str(column.render()) for column in app.screen.query("#help-columns Static"))
        for row in key_rows():
            assert row.description in table
            assert " ".join(row.keys) in table
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.browser


async def test_every_binding_is_pressed(store: Store, tmp_path: Path) -> None:
    """Press every key of every binding once, checking what each does."""
    pressed: set[str] = set()
    app = DossierApp(store, notebook=tmp_path / "notebook.db")

    async def press(pilot: Pilot[Any], *keys: str) -> None:
        pressed.update(keys)
        await pilot.press(*keys)
        await settle(pilot)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        actors = browser.actors
        await press(pilot, "j")
        assert actors.cursor == 1
        await press(pilot, "k")
        assert actors.cursor == 0
        await press(pilot, "down")
        assert actors.cursor == 1
        await press(pilot, "up")
        assert actors.cursor == 0
        await press(pilot, "pagedown")
        assert actors.cursor == 13
        await press(pilot, "pageup")
        assert actors.cursor == 0
        await press(pilot, "G")
        assert actors.cursor == 13
        await press(pilot, "g")
        assert actors.cursor == 0
        await press(pilot, "end")
        assert actors.cursor == 13
        await press(pilot, "home")
        assert actors.cursor == 0
        await press(pilot, "tab")
        assert app.focused is browser.statements
        await press(pilot, "shift+tab")
        assert app.focused is actors
        for key, pane in (("2", "statements"), ("3", "measures"), ("4", "consequences"), ("5", "detail")):
            await press(pilot, key)
            assert app.focused is not None and app.focused.id == pane
        await press(pilot, "1")
        assert app.focused is actors

        # a measure's detail has many references to move between
        _, measure_id = store.resolve("russia-orders-us-diplomats-out")
        browser.open_ref("measure", measure_id)
        await settle(pilot)
        await press(pilot, "enter")  # Enter on a row opens it in the detail pane
        detail = browser.detail
        assert app.focused is detail and detail.cursor == 0
        last = len(detail.references) - 1
        await press(pilot, "G")
        assert detail.cursor == last
        await press(pilot, "g")
        assert detail.cursor == 0
        await press(pilot, "end")
        assert detail.cursor == last
        await press(pilot, "home")
        assert detail.cursor == 0
        await press(pilot, "j")
        assert detail.cursor == 1
        await press(pilot, "k")
        assert detail.cursor == 0
        await press(pilot, "down")
        assert detail.cursor == 1
        await press(pilot, "up")
        assert detail.cursor == 0
        await press(pilot, "pagedown")
        await press(pilot, "pageup")
        assert detail.scroll_y == 0
        await press(pilot, "s")
        assert app.clipboard.startswith("measure/")
        await press(pilot, "home")
        assert detail.ref is not None and detail.ref[0] == "actor"  # imposed by Russia
        await press(pilot, "enter")
        assert actors.highlighted is not None and actors.highlighted.name == "Russia"
        await press(pilot, "backspace")
        assert browser.measures.highlighted_id == measure_id
        await press(pilot, "alt+right")
        assert actors.highlighted is not None and actors.highlighted.name == "Russia"
        await press(pilot, "alt+left")
        assert browser.measures.highlighted_id == measure_id

        await press(pilot, "slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"lavrov")
        await pilot.pause(0.3)
        await settle(pilot)
        await press(pilot, "down", "up")
        await press(pilot, "enter")
        assert app.screen is browser
        assert actors.highlighted is not None and actors.highlighted.name == "Sergey Lavrov"
        await press(pilot, "slash")
        await press(pilot, "escape")
        assert app.screen is browser

        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert app.screen is browser
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        await settle(pilot)

        # the three views: chain of the measure at hand, the timeline, relations
        browser.open_ref("measure", measure_id)
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, ChainScreen)
        await press(pilot, "escape")
        assert app.screen is browser
        await press(pilot, "t")
        assert isinstance(app.screen, TimelineScreen)
        timeline = app.screen.rows
        await press(pilot, "G")
        last_row = timeline.highlighted
        await press(pilot, "g")
        first_row = timeline.highlighted
        assert last_row is not None and first_row is not None and last_row > first_row
        await press(pilot, "j")
        assert timeline.highlighted is not None and timeline.highlighted > first_row
        await press(pilot, "k")
        assert timeline.highlighted == first_row
        before = len(timeline.options)
        await press(pilot, "f")  # statements only
        assert 0 < len(timeline.options) < before
        await press(pilot, "d")  # go to a date: the box
        await pilot.press(*"2022", "enter")
        await settle(pilot)
        await press(pilot, "escape")
        await press(pilot, "escape")
        await press(pilot, "f")  # the facets of the focused pane
        await press(pilot, "enter")  # keep its first value
        await press(pilot, "x")  # and clear it
        await press(pilot, "T")  # the timeline of the actor at hand
        assert isinstance(app.screen, TimelineScreen) and app.screen.actor_id == browser.actor_id
        await press(pilot, "escape")
        await press(pilot, "r")
        assert isinstance(app.screen, RelationsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is browser

        # the notebook (tests/notebook has the details): mark, note, tags, the notebook, citations
        await press(pilot, "1")
        await press(pilot, "m")
        assert browser.actors.notebook_marks
        await press(pilot, "n")
        await pilot.press(*"a note")
        await press(pilot, "ctrl+s")
        assert "Your note" in shown(browser.detail)
        await press(pilot, "number_sign")
        await press(pilot, "escape")
        await press(pilot, "b")
        assert type(app.screen).__name__ == "NotebookScreen"
        await press(pilot, "escape")
        await press(pilot, "y")
        assert app.clipboard == "Russia, state, RU"
        await press(pilot, "Y")
        assert app.clipboard == "**Russia**, state, RU"
        assert app.screen is browser
        for key in ("e", "a", "D"):  # capture: read-only without --write, and they say so
            await press(pilot, key)
            assert app.screen is browser
            assert "open it with `dossier browse PATH --write`" in str(notifications(app)[-1].message)

        await press(pilot, "q")
        assert app.return_code == 0
        assert not app.is_running

    # The draft review's keys need a dossier open for writing and a draft: they are pressed, each one, in
    # tests/draft/test_draft_review_write.py.
    every_key = {name for key in KEYS if key.owner not in ("review", "review-item") for name in key.key_list}
    assert every_key - pressed == set()


async def test_an_empty_dossier_says_why_its_panes_are_empty(empty_db: Path) -> None:
    with Store.open(empty_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            assert title(browser.actors) == "Actors · 0"
            assert "This dossier has no actors" in shown(browser.actors)
            assert "No actor selected" in shown(browser.statements)
            assert "Select a measure" in shown(browser.consequences)
            for key in ("j", "G", "enter", "tab", "enter", "backspace"):
                await pilot.press(key)
            await settle(pilot)
            assert app.is_running


async def test_small_terminal(app: DossierApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await select_actor(pilot, app, "Maria Zakharova")
        assert "Statements · 3" in title(app.browser.statements)
        await pilot.resize_terminal(40, 12)
        await settle(pilot)
        await pilot.press("j", "tab", "j")
        await settle(pilot)
        assert app.is_running


async def test_the_palette_offers_no_screenshot(app: DossierApp) -> None:
    """A served dossier must not let a visitor write files on the server."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme" in titles and "Quit" in titles
        assert "Screenshot" not in titles

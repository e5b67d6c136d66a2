"""The browse screen's state: one owner for the selection, typed history steps, no query on the UI thread."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from dossier.app import DossierApp
from dossier.history import Location
from dossier.screens.browse import BrowseScreen, PendingRows
from dossier.store import Store
from tests.pilot_helpers import lines, settle

SIZE = (120, 40)


def record_ui_thread_queries(store: Store) -> list[str]:
    """Wrap every public method of `store` so that calls made on the UI (main) thread are listed."""
    on_ui: list[str] = []
    main = threading.main_thread()

    def wrap(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is main:
                on_ui.append(name)
            return method(*args, **kwargs)

        return recorded

    for name in dir(store):
        method = getattr(store, name)
        if not name.startswith("_") and inspect.ismethod(method) and name != "close":
            setattr(store, name, wrap(name, method))
    return on_ui


async def test_after_the_first_screen_no_key_queries_on_the_ui_thread(store: Store) -> None:
    app = DossierApp(store, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on_ui = record_ui_thread_queries(store)
        keys = [
            "j", "k", "2", "j", "3", "j", "4", "5", "1", "tab", "shift+tab", "G", "g", "pagedown", "pageup",
            "2", "enter", "j", "enter", "backspace", "alt+right", "alt+left",
            "c", "escape", "3", "c", "escape", "t", "j", "escape", "r", "j", "escape",
            "slash", "l", "a", "v", "escape", "question_mark", "escape",
        ]  # fmt: skip
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running
        assert on_ui == [], f"queried on the UI thread: {sorted(set(on_ui))}"


async def test_the_selection_is_the_lists_own(store: Store) -> None:
    """The screen reads the lists' selection; it keeps no copy that could fall behind."""
    app = DossierApp(store, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        await pilot.press("2", "j")
        await settle(pilot)
        assert browser.statement_id == browser.statements.highlighted_id is not None
        browser.statements.cursor = 0  # moved by anyone, not only by a key
        await settle(pilot)
        assert browser.statement_id == browser.statements.highlighted_id
        assert browser.location().statement_id == browser.statements.highlighted_id
        assert browser.detail.subject == ("statement", browser.statement_id)
        for name in ("actor_id", "statement_id", "measure_id", "consequence_id"):
            assert isinstance(getattr(BrowseScreen, name), property), name


async def test_a_history_step_selects_a_consequence_under_its_measure(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        measure_id = store.resolve("measure/us-expels-27-russian-diplomats")[1]
        consequences = store.consequences_of(measure_id, limit=10)
        assert len(consequences) >= 2
        target = consequences[-1].id
        browser.open_ref("consequence", target)
        await settle(pilot)
        assert (browser.measure_id, browser.consequence_id) == (measure_id, target)
        assert app.focused is browser.consequences
        assert browser._pending == PendingRows(actor_id=browser.actor_id)  # every pending row was selected
        here = browser.location()
        assert here == Location(
            browser.actor_id,
            statement_id=browser.statement_id,
            measure_id=measure_id,
            consequence_id=target,
            focus="consequences",
            detail=("consequence", target),
        )
        lavrov = store.resolve("lavrov")[1]
        browser.open_ref("actor", lavrov)
        await settle(pilot)
        assert browser.actor_id == lavrov and browser.consequence_id != target
        await pilot.press("backspace")
        await settle(pilot)
        assert browser.location() == here  # every pane as it was, the consequence under its measure
        await pilot.press("alt+right")
        await settle(pilot)
        assert browser.actor_id == lavrov
        await pilot.press("alt+left")
        await settle(pilot)
        assert browser.location() == here


async def test_a_click_puts_the_cursor_on_the_row_and_focuses_the_pane(store: Store) -> None:
    app = DossierApp(store, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        assert app.focused is browser.actors and (browser.statements.count or 0) >= 3
        row = browser.statements.line_height
        await pilot.click(browser.statements, offset=(20, 1 + 2 * row))  # the third row (+ the border)
        await settle(pilot)
        assert app.focused is browser.statements
        assert browser.statements.cursor == 2
        assert browser.detail.subject == ("statement", browser.statement_id)
        references = [y for y, line in enumerate(lines(browser.detail)) if "→" in line]
        assert len(references) >= 2
        followed = browser.detail.references[1]
        await pilot.click(browser.detail, offset=(4, references[1] + 1))  # a click on a reference follows it
        await settle(pilot)
        assert browser.detail_ref == followed
        assert browser.can_go_back


async def test_following_the_speaker_already_selected_shows_the_speaker(store: Store) -> None:
    """No row moves (the actor is already highlighted), yet the Detail pane must show where the link led."""
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        actor = browser.actor_id
        await pilot.press("tab", "enter")  # open the first statement: its references, the speaker first
        await settle(pilot)
        assert app.focused is browser.detail and browser.detail.ref == ("actor", actor)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is browser.actors and browser.actor_id == actor
        assert browser.detail.subject == ("actor", actor)
        await pilot.press("backspace")
        await settle(pilot)
        assert app.focused is browser.detail
        assert browser.detail.subject == ("statement", browser.statement_id)

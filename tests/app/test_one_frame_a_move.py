"""A move between actors is one frame: the lists, the Consequences and the Detail pane go out together.

In the SSH lecture hall every frame is CPU that many browsers share, and a
move between actors loaded the Statements and Measures, then (after the
Measures) the Consequences, and the Detail pane: a linked list's load let the
held frame go before the rest had arrived, so one press drew two frames
(docs/serving.md, "The hall").
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from dossier.app import DossierApp
from dossier.store import Store
from dossier.widgets import virtual_list
from tests.pilot_helpers import each_frame, screen_lines, settle


async def _held(pilot: Any) -> tuple[Any, Any]:
    """The settled browser and its frame hold, given 5 s: a release checked is the panes' own, whatever the load."""
    await settle(pilot)
    browser = pilot.app.browser
    hold = browser.actors.frame_hold
    assert hold is not None
    hold.seconds = 5.0
    return browser, hold


async def test_a_move_between_actors_is_one_frame_with_every_pane(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        browser, hold = await _held(pilot)
        painted: list[Any] = []
        seen_consequences: set[int | None] = set()
        for key in ["j", "k", "j", "j", "k", "k"]:
            painted.clear()
            with each_frame(app, lambda screen, renderable: painted.append(renderable)):
                await pilot.press(key)
                await settle(pilot)
                assert not hold.active  # released by the panes in step, long before its deadline
            frames = [p for p in painted if p is not None]
            assert len(frames) == 1, (key, len(frames))
            actor = browser.actors.highlighted
            assert actor is not None
            assert browser.statements.rows_of == actor.id == browser.measures.rows_of
            assert browser.detail_ref == ("actor", actor.id)
            measure = browser.measures.highlighted
            assert browser.consequences.rows_of == (measure.id if measure is not None else None)
            seen_consequences.add(browser.consequences.rows_of)
            assert any(actor.name in line for line in screen_lines(app))
        # Both kinds of move were met: to an actor with measures and to one without (an empty Consequences pane).
        assert None in seen_consequences and len(seen_consequences) >= 2


def _top_border(app: DossierApp, pane: Any) -> str:
    """The pane's top border as drawn: its title."""
    region = pane.region
    return screen_lines(app)[region.y][region.x : region.right]


async def test_a_move_makes_each_list_title_once_and_a_frame_before_the_rows_shows_no_old_count(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str | None] = []
    original = virtual_list.set_border_titles

    def counting(widget: Any, title: Any, subtitle: Any) -> None:
        made.append(widget.id)
        original(widget, title, subtitle)

    monkeypatch.setattr(virtual_list, "set_border_titles", counting)
    app = DossierApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        browser, hold = await _held(pilot)
        for key in ["j", "k", "j"]:
            made.clear()
            await pilot.press(key)
            await settle(pilot)
            # The title is made when the rows (and their count) are there, not also blank at the load before.
            assert made.count("statements") == 1 and made.count("measures") == 1, made
            count = browser.statements.count
            assert count is not None and f"Statements · {count:,}" in _top_border(app, browser.statements)

        # Rows that come after the held frame has gone: that frame's title has no count, not the last actor's.
        gate = threading.Event()
        page = store.statements_page

        def slow(*args: Any, **kwargs: Any) -> Any:
            gate.wait(10)
            return page(*args, **kwargs)

        monkeypatch.setattr(store, "statements_page", slow)
        hold.seconds = 0.05
        before = browser.statements.count
        await pilot.press("j")
        deadline = time.monotonic() + 5
        while hold.active and time.monotonic() < deadline:
            await pilot.pause(0.02)
        await pilot.pause(0.05)
        assert browser.statements.count is None
        title = _top_border(app, browser.statements)
        assert "Statements" in title and f"· {before:,}" not in title, title
        gate.set()
        await settle(pilot)
        count = browser.statements.count
        assert count is not None and f"Statements · {count:,}" in _top_border(app, browser.statements)

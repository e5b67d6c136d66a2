"""Marks in the chain, timeline and relations views: drawn from the browser's marks, and `m` there marks too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from dossier.app import DossierApp
from dossier.notebook import OFF_MESSAGE, Notebook
from dossier.screens._view import GUTTER, MARK, ViewScreen
from dossier.store import Store
from tests.pilot_helpers import notifications, settle, shown

SIZE = (120, 40)


def view(app: DossierApp) -> ViewScreen:
    assert isinstance(app.screen, ViewScreen)
    return app.screen


def prompts(app: DossierApp) -> list[str]:
    return [str(option.prompt) for option in view(app).rows.options]


def highlighted_prompt(app: DossierApp) -> str:
    option = view(app).rows.highlighted_option
    assert option is not None
    return str(option.prompt)


async def move_to(pilot: Pilot[Any], app: DossierApp, text: str) -> None:
    for _ in range(80):
        if text in highlighted_prompt(app):
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(f"no row with {text!r}")


def marked_slugs(notebook: Path, store: Store) -> set[str]:
    with Notebook.open(notebook) as book:
        return {f"{e.kind}/{e.slug}" for e in book.entries(store.identity()) if e.marked}


def lines_line_up(app: DossierApp) -> None:
    """Every line of every row starts with the mark or its room: the rows' text lines up."""
    for prompt in prompts(app):
        for line in prompt.split("\n"):
            assert line.startswith((MARK, GUTTER)), line


async def test_m_in_the_timeline_marks_the_row_and_the_browser_draws_it(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    app = DossierApp(store, notebook=notebook, notebook_off=OFF_MESSAGE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await move_to(pilot, app, "ultimatums")
        assert highlighted_prompt(app).startswith(GUTTER)
        await pilot.press("m")
        await settle(pilot)
        assert highlighted_prompt(app).startswith(MARK)
        assert sum(prompt.startswith(MARK) for prompt in prompts(app)) == 1
        lines_line_up(app)
        assert marked_slugs(notebook, store) == {"statement/ryabkov-language-of-ultimatums"}
        await pilot.press("escape")
        await settle(pilot)
        assert "ryabkov-language-of-ultimatums" in app.browser.statements.notebook_marks
        await pilot.press("t")  # opened again where it was left, the mark drawn from memory
        await settle(pilot)
        assert highlighted_prompt(app).startswith(MARK)
        await pilot.press("m")  # unmark
        await settle(pilot)
        assert not any(prompt.startswith(MARK) for prompt in prompts(app))
        assert marked_slugs(notebook, store) == set()


async def test_a_mark_made_in_the_browser_is_drawn_in_the_chain(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    app = DossierApp(store, notebook=notebook, notebook_off=OFF_MESSAGE, ref="measure/russia-orders-us-diplomats-out")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        measure = app.browser.measures.highlighted
        assert measure is not None
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        marked = [prompt for prompt in prompts(app) if prompt.startswith(MARK)]
        assert len(marked) == 1 and measure.title[:30] in marked[0]
        lines_line_up(app)
        await move_to(pilot, app, "27 Russian diplomats")  # the measure it answers: m there marks it too
        await pilot.press("m")
        await settle(pilot)
        assert sum(prompt.startswith(MARK) for prompt in prompts(app)) == 2
        assert len(marked_slugs(notebook, store)) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.browser.measures.notebook_marks) == 2


async def test_m_in_the_relations_marks_an_actor_shown_in_the_actors_pane(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    app = DossierApp(store, notebook=notebook, notebook_off=OFF_MESSAGE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await move_to(pilot, app, "United States ⇄ Russia")
        await pilot.press("m")
        await settle(pilot)
        assert highlighted_prompt(app).startswith(MARK)
        lines_line_up(app)
        assert marked_slugs(notebook, store) == {"actor/united-states"}
        await pilot.press("escape")
        await settle(pilot)
        assert "united-states" in app.browser.actors.notebook_marks
        assert "● " in shown(app.browser.actors)


async def test_m_in_a_view_without_a_notebook_says_so(store: Store) -> None:
    app = DossierApp(store, notebook=None, notebook_off=OFF_MESSAGE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert str(notifications(app)[-1].message) == OFF_MESSAGE
        assert not any(prompt.startswith(MARK) for prompt in prompts(app))

"""The browser on the hostile fixture: every pane and screen shows its text literally, and nothing acts.

`tests/fixtures/hostile.yaml` is imported into a fresh database and walked as
a user would: j through every actor, Tab into their statements, measures and
consequences, the Detail pane of each, `/` and the palette searched for "sic"
and "click", the chain, timeline and relations screens. On every step the
frame the terminal would receive is checked: the cleaned text is there with
its brackets, nothing in `NEVER_SHOWN` is, no escape character reaches a
segment, no OSC sequence reaches the terminal, and the app still runs.

Then: clicks on text that reads like an action, the app's action allow-list,
terminal sizes down to 1×1 (with a worker running), NO_COLOR, and failures
(a worker that raises, a file damaged while browsing, a handler that raises).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual import events
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Static

from dossier.app import DossierApp
from dossier.cli import main
from dossier.importer import import_files, init_database
from dossier.screens.browse import BrowseScreen
from dossier.screens.chain import ChainScreen
from dossier.screens.relations import RelationsScreen
from dossier.screens.search import SearchScreen
from dossier.screens.timeline import TimelineScreen
from dossier.screens.too_small import TooSmallScreen
from dossier.store import Store, StoreError
from dossier.widgets import render
from dossier.widgets.detail import DetailPane
from dossier.widgets.virtual_list import VirtualList
from tests.fixtures.hostile_expect import HOSTILE_BUNDLE, NEVER_SHOWN, PROBES, VIA, hostile_bundle
from tests.pilot_helpers import (
    counting_layouts,
    exit_renderables,
    lines,
    notifications,
    row_text,
    screen_lines,
    settle,
    shown,
    terminal_bytes,
)

SIZE = (120, 40)
LITERALS = ("[sic]", "[bold]x[/]", "[@click=app.quit]")
"""Bracketed text that markup would eat or act on; each must be drawn as it is somewhere on the walk."""
NEVER_SENT = ("\x1b]", "\x07", "\x9b", "\x9d", "\x90", "\x9c", "pwned", "aGk=")
"""What must never be in the bytes sent to the terminal: no OSC (title, clipboard, hyperlink), no 8-bit
introducers, no payload of a removed sequence. Textual's own output is CSI only."""


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    init_database(path, empty=True)
    import_files(path, [HOSTILE_BUNDLE])
    return path


@pytest.fixture
def hostile(hostile_path: Path) -> Iterator[Store]:
    with Store.open(hostile_path) as store:
        yield store


# --------------------------------------------------------------------------- what the terminal gets


def flat(text: str) -> str:
    """Text without whitespace: wrapping and folding move words across lines, the characters stay."""
    return "".join(text.split())


def check_screen(app: App[Any], where: str) -> str:
    """Everything on screen is safe; returns the screen's text."""
    assert app.is_running, where
    text = "\n".join(screen_lines(app))
    shown_never = [never for never in NEVER_SHOWN if never in text]
    assert shown_never == [], f"{where}: {shown_never!r} on screen"
    sent = terminal_bytes(app)
    sent_never = [never for never in NEVER_SENT if never in sent]
    assert sent_never == [], f"{where}: {sent_never!r} sent to the terminal"
    return text


def drawn(pane: DetailPane | VirtualList[Any]) -> str:
    """What a Line API pane draws, every line of it (scrolled through), without whitespace."""
    return flat(" ".join(lines(pane)))


def detail_drawn(detail: DetailPane) -> str:
    """Every line of the Detail pane as it is drawn, rendering each wrapped line with the pane's own code."""
    detail._layout()
    width = detail.scrollable_content_region.width
    return flat(" ".join(text.plain for _, text in detail._lines)) if width > 0 else ""


# --------------------------------------------------------------------------- the walk


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def walk_list(
    pilot: Pilot[Any], pane: VirtualList[Any], check: Callable[[Any], None], seen: list[str]
) -> list[str]:
    """j from the first row (where a list opens) to the last, checking the Detail pane and the screen on every row."""
    slugs: list[str] = []
    assert pane.cursor == 0
    for _ in range(pane.count or 0):
        item = pane.highlighted
        assert item is not None
        slugs.append(item.slug)
        check(item)
        seen.append(check_screen(pilot.app, f"{pane.id} {item.slug}"))
        if pane.cursor == (pane.count or 0) - 1:
            break
        await press(pilot, "j")
    return slugs


async def test_every_pane_shows_the_hostile_text_literally(hostile: Store) -> None:
    app = DossierApp(hostile)
    bundle = hostile_bundle()
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        detail = browser.detail
        seen.append(check_screen(app, "first screen"))
        # The dossier's title (with an OSC title sequence in it) is in the header, cleaned.
        assert "Hostile [text] dossier" in seen[0].splitlines()[0]

        def shows(slug: str) -> Callable[[Any], None]:
            def check(item: Any) -> None:
                where = detail_drawn(detail)
                if item.slug in PROBES:
                    assert flat(PROBES[item.slug]) in where, (slug, item.slug)
                if item.slug in VIA:
                    assert flat(VIA[item.slug]) in where, (slug, item.slug)

            return check

        actors: list[str] = []
        statements: list[str] = []
        measures: list[str] = []
        consequences: list[str] = []
        for index in range(browser.actors.count or 0):
            if index:
                await press(pilot, "1", "j")
            actor = browser.actors.highlighted
            assert actor is not None and browser.actors.cursor == index
            actors.append(actor.slug)
            shows("actors")(actor)
            row = row_text(browser.actors, index)
            assert flat(PROBES[actor.slug])[:6] in flat(row), (actor.slug, row)
            seen.append(check_screen(app, f"actor {actor.slug}"))
            await press(pilot, "2")
            statements += await walk_list(pilot, browser.statements, shows("statements"), seen)
            listed = [browser.measures.item_at(row) for row in range(browser.measures.count or 0)]
            if all(item is not None and item.slug in measures for item in listed):
                continue  # every measure here was walked under another actor
            await press(pilot, "3")
            for position in range(browser.measures.count or 0):
                measure = browser.measures.highlighted
                assert measure is not None
                shows("measures")(measure)
                seen.append(check_screen(app, f"measure {measure.slug}"))
                if measure.slug not in measures:  # its consequences, each in the Detail pane, once
                    await press(pilot, "4")
                    consequences += await walk_list(pilot, browser.consequences, shows("consequences"), seen)
                    await press(pilot, "3")
                measures.append(measure.slug)
                if position + 1 < (browser.measures.count or 0):
                    await press(pilot, "j")
        assert len(actors) == len(set(actors)) == len(bundle.actors)
        assert set(statements) == {statement.slug for statement in bundle.statements}
        assert {"m-markup", "m-rtl"} <= set(measures)
        assert {"m-markup-c1", "m-markup-c2"} <= set(consequences)

        # Enter in the Detail pane follows a reference (the speaker of a statement about m-markup).
        await press(pilot, "5", "g", "enter")
        assert app.is_running and isinstance(app.screen, BrowseScreen)
        seen.append(check_screen(app, "after following a reference"))

        everything = "\n".join(seen)
        for literal in LITERALS:
            assert literal in everything, literal
        await press(pilot, "q")
    assert app.return_code == 0


async def test_search_for_sic_and_click_shows_hits_literally_and_opens_them(hostile: Store) -> None:
    app = DossierApp(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        for query, expected in (("sic", "[sic]"), ("click", "[@click=")):
            await press(pilot, "slash")
            assert isinstance(app.screen, SearchScreen)
            results = app.screen.results
            await pilot.press(*query)
            await pilot.pause(0.2)  # the search waits 0.15 s after the last key
            await settle(pilot)
            assert results.hit_count, query
            text = check_screen(app, f"search {query}")  # every hit is on the screen at once
            assert expected in text
            assert len(text.splitlines()) > results.hit_count + 2
            await press(pilot, "down", "up", "enter")  # open the first hit
            assert app.screen is browser
            check_screen(app, f"opened a hit for {query}")
            assert browser.detail_ref is not None
        await press(pilot, "slash")
        await pilot.press(*"[@click=app.quit] x[/")  # a query that is markup is only words
        await pilot.pause(0.2)
        await settle(pilot)
        check_screen(app, "markup typed as a query")
        await press(pilot, "escape")
        assert app.screen is browser


async def test_pasted_escapes_never_reach_the_terminal(hostile: Store) -> None:
    """A quote pasted into the search box or the palette loses its escapes before it is drawn."""
    app = DossierApp(hostile)
    pasted = "sic\x1b]0;pwned\x07 \x9b31m[bold]x\x1b[2J"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("slash", "ctrl+p"):
            await press(pilot, key)
            app.post_message(events.Paste(pasted))  # as the terminal's bracketed paste arrives
            await pilot.pause(0.2)
            await settle(pilot)
            typed = app.screen.query_one(Input)
            assert typed.value == "sic [bold]x", key
            check_screen(app, f"pasted into {key}")
            await press(pilot, "escape")
        assert app.screen is app.browser


async def test_palette_finds_sic_and_click_and_shows_them_literally(
    hostile: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a screenshot would land if an action in the text ran
    app = DossierApp(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for query, expected in (("sic", "[sic]"), ("Click", PROBES["a-click"])):
            await press(pilot, "ctrl+p")
            assert isinstance(app.screen, CommandPalette)
            await pilot.press(*query)
            await pilot.pause(0.25)
            await settle(pilot)
            text = check_screen(app, f"palette {query}")
            assert expected in text, query
            # No hit fills the list: a 3,000-letter title is cut on its one line.
            assert sum("Supercalifragilistic" in line for line in text.splitlines()) <= 2
            if query == "sic":
                await press(pilot, "escape")
        await press(pilot, "enter")  # the first hit for "Click": the actor named like an action
        assert app.screen is app.browser
        actor = app.browser.actors.highlighted
        assert actor is not None and actor.slug == "a-click"
        assert PROBES["a-click"] in app.browser.detail.text
    assert list(tmp_path.iterdir()) == []  # no screenshot, nothing written


async def test_chain_timeline_and_relations_show_the_text_literally(hostile: Store) -> None:
    app = DossierApp(hostile)
    _, measure_id = hostile.resolve("measure/m-markup")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.browser.open_ref("measure", measure_id)
        await settle(pilot)
        for key, screen_type, expected in (
            ("c", ChainScreen, PROBES["m-markup"]),
            ("t", TimelineScreen, "[sic]"),
            ("r", RelationsScreen, PROBES["a-markup"]),
        ):
            await press(pilot, key)
            screen = app.screen
            assert isinstance(screen, screen_type)
            text = check_screen(app, key)
            assert expected in text, key
            await press(pilot, "G")  # the rows below the first screenful
            check_screen(app, f"{key}: the last rows")
            await press(pilot, "g", "j", "enter")  # Enter opens a row in the browser
            assert app.screen is app.browser, key
            assert app.browser.detail_ref is not None or app.browser.actor_id is not None
            check_screen(app, f"{key}: opened a row")
            app.browser.open_ref("measure", measure_id)
            await settle(pilot)


# --------------------------------------------------------------------------- actions


async def test_clicking_text_that_names_an_action_does_nothing(hostile: Store, tmp_path: Path) -> None:
    app = DossierApp(hostile)
    _, measure_id = hostile.resolve("measure/m-markup")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        browser.open_ref("measure", measure_id)
        await settle(pilot)
        for pane in (browser.actors, browser.detail):  # `[@click=app.screensh…` and `[@click=app.quit]`
            row_lines = lines(pane)
            y = next(i for i, line in enumerate(row_lines) if "[@click=app." in line)
            x = row_lines[y].index("[@click=app.") + 3
            await pilot.click(pane, offset=(x + 1, y + 1))  # + the border
            await settle(pilot)
            assert app.is_running and app.screen is browser, pane.id
        browser.open_ref("measure", measure_id)
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, ChainScreen)
        title = app.screen.query_one("#view-title", Static)
        text = str(title.render())
        x = text.index("[@click=app.quit]") + 3
        await pilot.click(title, offset=(x + 1, 0))  # + the padding
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, ChainScreen)


class _Leak(Static):
    """What a leak would look like: data read as markup, with an action on a click."""

    def __init__(self) -> None:
        super().__init__(Content.from_markup("[@click=app.quit]QUIT ME[/]"), id="leak")


class _PlainApp(App[None]):
    def compose(self) -> ComposeResult:
        yield _Leak()


async def test_an_action_drawn_in_text_is_refused_even_if_markup_leaked(hostile: Store) -> None:
    # The control: in a plain Textual app the same click quits, so the click below reaches the text.
    plain = _PlainApp()
    async with plain.run_test(size=(40, 5)) as pilot:
        await pilot.click("#leak", offset=(2, 0))
        await pilot.pause()
        assert not plain.is_running
    app = DossierApp(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.browser.mount(_Leak(), before=0)
        await settle(pilot)
        await pilot.click("#leak", offset=(2, 0))
        await settle(pilot)
        assert app.is_running


CONTENT_ACTIONS = ("screenshot", "bell", "push_screen('help')", "notify('x')", "add_class('x')", "suspend_process")
"""App actions that text could name if it ever became markup; none of them may run."""


async def test_the_app_refuses_actions_off_its_allow_list(
    hostile: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a screenshot would be written
    app = DossierApp(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for action in CONTENT_ACTIONS:
            assert await app.run_action(f"app.{action}") is False, action
            await settle(pilot)
            assert app.is_running and app.screen is app.browser, action
        assert notifications(app) == []
        for allowed in ("quit", "command_palette", "show_help", "focus_next", "focus_previous"):
            assert app.check_action(allowed, ())
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- terminal sizes


async def test_any_size_down_to_one_cell_and_back_keeps_the_selection(hostile: Store) -> None:
    app = DossierApp(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        await press(pilot, "j", "j", "2")
        actor, statement = browser.actor_id, browser.statement_id
        assert app.focused is browser.statements and statement is not None
        for width, height in ((40, 12), (39, 12), (40, 11), (10, 3), (1, 1), (30, 8), (2, 50), (200, 1)):
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            small = width < 40 or height < 12
            assert isinstance(app.screen, TooSmallScreen if small else BrowseScreen), (width, height)
            text = check_screen(app, f"{width}x{height}")
            if small and width >= 30 and height >= 3:
                assert flat("Enlarge the terminal (needs at least 40×12)") in flat(text)
            if (width, height) in ((10, 3), (1, 1)):  # only quitting works: no search, palette or help in a cell
                await press(pilot, "slash", "ctrl+p", "question_mark", "j", "tab")
                assert isinstance(app.screen, TooSmallScreen)
            if (width, height) in ((1, 1), (2, 50), (200, 1)):
                # No layout loop: at 1×1 a scroll bar coming and going relaid the screen out 60 times a second.
                assert await layouts_while_idle(pilot) <= 1, (width, height)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert app.screen is browser
        assert (browser.actor_id, browser.statement_id) == (actor, statement)
        assert app.focused is browser.statements
        assert shown(browser.statements).strip()
        await pilot.resize_terminal(1, 1)
        await settle(pilot)
        await press(pilot, "q")
    assert app.return_code == 0


async def layouts_while_idle(pilot: Pilot[Any]) -> int:
    """How many times the screen is laid out in a tenth of a second in which nothing happens."""
    with counting_layouts(pilot.app.screen) as layouts:
        await pilot.pause(0.1)
    return layouts[0]


async def test_resizing_while_a_pane_loads_draws_the_rows_when_enlarged(hostile: Store) -> None:
    app = DossierApp(hostile)
    gate = threading.Event()
    entered = threading.Event()
    statements_page = hostile.statements_page

    def slow_page(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        gate.wait(5)
        return statements_page(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        hostile.statements_page = slow_page  # type: ignore[method-assign]
        await pilot.press("j")
        for _ in range(200):  # until the Statements pane's worker is inside the store
            if entered.is_set():
                break
            await pilot.pause(0.01)
        assert entered.is_set()
        for width, height in ((10, 3), (1, 1), (60, 20), (1, 1)):
            await pilot.resize_terminal(width, height)
        gate.set()
        await settle(pilot)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert app.screen is browser
        actor = browser.actors.highlighted
        assert actor is not None and browser.statements.count
        first = browser.statements.highlighted
        assert first is not None and first.speaker.id == actor.id
        check_screen(app, "after the worker finished under the small screen")


def test_the_enlarge_message_at_30_by_8(snap_compare: Any, hostile: Store) -> None:
    async def settled(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(DossierApp(hostile), terminal_size=(30, 8), run_before=settled)


async def test_no_color_draws_and_the_cursor_is_reversed(hostile: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = DossierApp(hostile)
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        actors = app.browser.actors
        cursor_row = actors.render_line(actors.cursor - int(actors.scroll_y))
        assert any(segment.style is not None and segment.style.reverse for segment in cursor_row)
        check_screen(app, "NO_COLOR")
        await press(pilot, "tab", "j", "q")
    assert app.return_code == 0


# --------------------------------------------------------------------------- failures


async def test_a_worker_that_raises_is_one_notice_and_the_app_goes_on(hostile: Store) -> None:
    app = DossierApp(hostile)
    statements_page = hostile.statements_page

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom \x1b]0;pwned\x07 [bold]x[/]\nand a second line")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hostile.statements_page = broken  # type: ignore[method-assign]
        await press(pilot, "j")
        assert app.is_running
        notices = notifications(app)
        assert [(n.message, n.severity, n.markup) for n in notices] == [
            ("Unexpected RuntimeError: boom  [bold]x[/] (the app goes on)", "error", False)
        ]
        check_screen(app, "after a failed worker")
        hostile.statements_page = statements_page  # type: ignore[method-assign]
        await press(pilot, "j")
        assert app.browser.statements.count and app.browser.statements.highlighted is not None
        await press(pilot, "q")
    assert app.return_code == 0


async def test_a_store_error_in_a_worker_is_its_reason_in_the_pane(hostile: Store) -> None:
    app = DossierApp(hostile)

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("hostile.db: the file is locked by another program")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hostile.statements_page = locked  # type: ignore[method-assign]
        hostile.actor_detail = locked  # type: ignore[method-assign]
        await press(pilot, "j")
        assert app.is_running
        assert flat("hostile.db: the file is locked by another program") in flat(shown(app.browser.statements))
        assert flat("hostile.db: the file is locked by another program") in flat(shown(app.browser.detail))
        await press(pilot, "tab", "j", "q")
    assert app.return_code == 0
    # Where no pane can say it (a page fetched further down a list), the notice says the same.
    assert render.failure(StoreError("hostile.db: the file is locked")) == "hostile.db: the file is locked"


async def test_a_file_damaged_while_browsing_is_a_reason_in_the_pane(hostile_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    path.write_bytes(hostile_path.read_bytes())
    with Store.open(path) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            path.write_bytes(os.urandom(path.stat().st_size))
            await press(pilot, "j")
            assert app.is_running
            assert flat(f"{path}: is damaged (file is not a database)") in flat(shown(app.browser.statements))
            await press(pilot, "tab", "j", "tab", "G", "5", "1", "j")
            assert app.is_running
            check_screen(app, "damaged file")
            await press(pilot, "q")
        assert app.return_code == 0


async def test_an_exception_in_a_handler_ends_the_app_without_a_traceback(
    hostile: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = DossierApp(hostile)

    def broken(self: BrowseScreen) -> None:
        raise RuntimeError("a bug \x1b]0;pwned\x07")

    monkeypatch.setattr(BrowseScreen, "action_open_search", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await settle(pilot)
    assert isinstance(app.failure, RuntimeError)
    assert app.return_code == 1
    assert exit_renderables(app) == []  # Textual's traceback (with local variables) is not printed


# --------------------------------------------------------------------------- another program's writes

ESCAPED = "\x1b]0;pwned\x07\x9b31m"


@pytest.fixture
def written_by_another_program(seed_db: Path) -> Path:
    """The seed dossier after another program put escapes where Dossier never would: dates and slugs."""
    conn = sqlite3.connect(seed_db)
    with conn:
        for table, column in (("statements", "said"), ("measures", "announced"), ("measures", "effective")):
            conn.execute(f"UPDATE {table} SET {column} = {column} || ? WHERE {column} IS NOT NULL", (ESCAPED,))
        conn.execute("UPDATE consequences SET due = due || ? WHERE due IS NOT NULL", (ESCAPED,))
        conn.execute("UPDATE events SET date = date || ?", (ESCAPED,))
        conn.execute("UPDATE measures SET slug = slug || ?", (ESCAPED,))
        conn.execute("UPDATE statements SET slug = slug || ?", (ESCAPED,))
    conn.close()
    return seed_db


async def test_escapes_in_dates_and_slugs_never_reach_the_terminal(written_by_another_program: Path) -> None:
    with Store.open(written_by_another_program) as store:
        _, russia = store.resolve("actor/russia")
        measure_id = store.measures_page(russia, limit=1)[0].id  # a measure with a chain, dates and consequences
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "j", "2", "enter")
            check_screen(app, "statements and a statement's detail")
            app.browser.open_ref("measure", measure_id)
            await settle(pilot)
            for key in ("c", "t", "r"):
                await press(pilot, key)
                assert "pwned" not in terminal_bytes(app)
                check_screen(app, key)
                await press(pilot, "escape")


@pytest.mark.parametrize(
    "command",
    [["timeline"], ["relations"], ["show", "zakharova"], ["search", "diplomats"]],
)
def test_escapes_in_dates_and_slugs_never_reach_the_command_line(
    runner: CliRunner, written_by_another_program: Path, command: list[str]
) -> None:
    result = runner.invoke(main, [*command, "--db", str(written_by_another_program)])
    assert result.exit_code == 0, result.output
    assert "diplomats" in result.output
    assert [never for never in ("\x1b", "\x07", "\x9b", "pwned") if never in result.output] == []


def test_browse_ends_on_a_bug_with_one_line(
    runner: CliRunner, hostile_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dossier browse` reports an exception that ended the app in one line, status 1, no traceback."""

    def broken(self: BrowseScreen) -> None:
        raise RuntimeError("a bug \x1b]0;pwned\x07\nsecond line")

    run = DossierApp.run
    monkeypatch.setattr(BrowseScreen, "on_mount", broken)
    monkeypatch.setattr(DossierApp, "run", lambda self: run(self, headless=True, size=SIZE))  # no terminal here
    result = runner.invoke(main, ["browse", str(hostile_path)])
    assert result.exit_code == 1
    lines_out = result.output.strip().splitlines()
    assert lines_out[-1].startswith("dossier: error: unexpected RuntimeError: a bug")
    assert lines_out[-1].endswith("(run with --debug)")
    assert "Traceback" not in result.output and "\x1b]" not in result.output and "second line" not in result.output

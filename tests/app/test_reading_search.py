"""Issue 13, search: every kind on the first screen, one kind at a time, snippets at 80 columns, kept on reopening."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from dossier import generate
from dossier.app import DossierApp
from dossier.screens.search import (
    KIND_ORDER,
    SearchScreen,
    centred_snippet,
    cut_to,
    newest_first,
    shares,
    title_and_rest,
)
from dossier.store import Store
from tests.pilot_helpers import rows_shown, settle, shown


async def search(pilot: Pilot[Any], words: str) -> SearchScreen:
    await pilot.press("slash", *words)
    await pilot.pause(0.3)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def test_every_kind_has_its_share_of_the_first_screen_at_80x24(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await search(pilot, "russian")
        text = shown(screen.results)
        found = {kind for kind in KIND_ORDER if store.search_page("russian", kind=kind).hits}
        assert len(found) >= 3
        assert len(rows_shown(screen.results)) <= screen.results.scrollable_content_region.height
        for kind in found:  # every kind with hits has its heading on the first screen
            title = {
                "actor": "Actors",
                "measure": "Measures",
                "statement": "Statements",
                "consequence": "Consequences",
                "event": "Events",
            }[kind]
            assert f"{title} · " in text, (kind, text)


def test_shares_give_every_kind_a_row_and_deal_out_the_rest() -> None:
    share = shares({"actor": 2, "statement": 51, "event": 1}, 19)  # how many hits each kind has
    assert share["actor"] == 2 and share["event"] == 1
    # headings 3, actors 2, event 1, statements' "more" row 1: 12 rows left for statements
    assert share["statement"] == 19 - 3 - 2 - 1 - 1


def test_hits_of_one_kind_come_newest_first_and_snippets_show_the_match() -> None:
    from dossier.rows import SearchHit

    dated = [
        SearchHit("statement", 1, "a", "x", said="2021-12-01"),
        SearchHit("statement", 2, "b", "x", said=None),
        SearchHit("statement", 3, "c", "x", said="2022-01"),
    ]
    assert [hit.id for hit in newest_first(dated)] == [3, 1, 2]
    snippet = (("word " * 30, False), ("visa", True), (" and more" * 10, False))
    cut = centred_snippet(snippet, 40)
    before = "".join(text for text, matched in cut[: [m for _, m in cut].index(True)])
    assert cut[0] == ("…", False) and len(before) <= 40 // 3 + 1
    # Near the end of its text, the match stands further right: the row is filled, not cut short.
    ending = (("word " * 30, False), ("visa", True), (" and more", False))
    cut = centred_snippet(ending, 40)
    assert cut[0] == ("…", False) and sum(len(text) for text, _ in cut) == 40
    assert cut[-2:] == (("visa", True), (" and more", False))
    assert centred_snippet(ending, 200) == ending  # it fits: nothing is cut
    # Rows are cut to the list's width before they are drawn, as `render.fit` would cut them.
    assert cut_to(ending, 12) == (("word word w", False), ("…", False))
    assert cut_to((("ab", False), ("cd", True)), 3) == (("ab", False), ("…", False))
    assert cut_to(ending, 500) == ending
    assert cut_to((("Захарова says", False),), 5) is None  # not all one cell a character: left to `render.fit`


def test_a_title_is_drawn_once_its_matched_words_marked() -> None:
    # An entity's snippet begins with its title: the title keeps its marks, the snippet the rest.
    title = "Russia expels 37 diplomats of Australia"
    snippet = (
        ("Russia expels 37 ", False),
        ("diplomats", True),
        (" of Australia — Staff of the ", False),
        ("diplomats", True),
        (" leave", False),
    )
    head, rest = title_and_rest(title, snippet)
    assert head == (("Russia expels 37 ", False), ("diplomats", True), (" of Australia", False))
    assert rest == (("Staff of the ", False), ("diplomats", True), (" leave", False))
    assert title_and_rest(title, snippet[:3][:2] + ((" of Australia", False),)) == (head, ())  # only the title matched
    # A fragment's snippet cut in the title: `…` and the title's end.
    head, rest = title_and_rest(title, (("…37 ", False), ("diplomats", True), (" of Australia staff leave", False)))
    assert "".join(text for text, _ in head) == title and ("diplomats", True) in head
    assert rest == (("staff leave", False),)
    # A description that says the title again goes on from where it differs.
    again = (
        ("Limits on ", False),
        ("diplomats", True),
        (" — Limits on ", False),
        ("diplomats", True),
        (", which Antonov wants lifted", False),
    )
    head, rest = title_and_rest("Limits on diplomats", again)
    assert rest == (("…", False), ("which Antonov wants lifted", False))
    # A statement's snippet is its text, not its speaker's name: kept whole.
    said = (("We expel the ", False), ("diplomats", True))
    assert title_and_rest("Maria Zakharova", said) == ((("Maria Zakharova", False),), said)


@pytest.mark.parametrize("size", [(200, 50), (80, 24)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_titles_take_the_room_they_need_and_snippets_do_not_repeat_them(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    made = generate.generate(tmp_path / "g.db", statements=2000, seed=3)
    with Store.open(made.path) as store:
        app = DossierApp(store)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = await search(pilot, generate.COMMON_WORD)
            results = screen.results
            top = int(results.scroll_y)
            kinds: set[str] = set()
            for y in range(results.scrollable_content_region.height):
                row = results.item_at(top + y)
                if row is None or row.hit is None:
                    continue
                drawn = results.render_line(y).text
                label, blank = row.hit.label, len(drawn) - len(drawn.rstrip())
                assert label in drawn or blank <= 2, drawn  # a title is never cut before blank cells
                assert drawn.count(label) <= 1, drawn  # nor said again by its snippet
                assert generate.COMMON_WORD in drawn.lower(), drawn  # the matched word shows
                if size[0] >= 200:
                    assert label in drawn, drawn  # wide: every title whole
                kinds.add(row.hit.kind)
            assert {"measure", "statement"} <= kinds


async def test_a_snippet_at_80_columns_shows_the_matched_word(tmp_path: Path) -> None:
    made = generate.generate(tmp_path / "g.db", statements=2000, seed=3)
    with Store.open(made.path) as store:
        app = DossierApp(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = await search(pilot, generate.MID_WORD)
            await pilot.press("tab", "tab", "tab")  # only statements
            await pilot.pause(0.2)
            await settle(pilot)
            statement_rows = [row for row in shown(screen.results).splitlines()[1:] if row.strip()]
            statement_rows = [row for row in statement_rows if "more" not in row]
            assert statement_rows
            for row in statement_rows:
                assert generate.MID_WORD in row.lower(), row


async def test_one_kind_pages_through_all_its_hits(tmp_path: Path) -> None:
    made = generate.generate(tmp_path / "g.db", statements=3000, seed=3)
    with Store.open(made.path) as store:
        total = len(store.search_page(generate.COMMON_WORD, kind="statement", limit=10_000).hits)
        assert total > 200
        app = DossierApp(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = await search(pilot, generate.COMMON_WORD)
            assert "every kind" in str(screen.results.border_title)
            assert "more statements" in shown(screen.results)  # the statements' share, and how many more
            await pilot.press("tab", "tab", "tab")  # actors, measures, statements
            await pilot.pause(0.2)
            await settle(pilot)
            assert screen.state.kind == "statement"
            results = screen.results
            assert "only statements" in str(results.border_title)
            assert re.match(r"Results · 100\+ · only statements", str(results.border_title))  # a page of more
            for _ in range(6):  # End, then the "more" row reads the next page
                await pilot.press("end")
                await settle(pilot)
                results.action_cursor_last()
                await settle(pilot)
            assert (results.hit_count or 0) > 300 or results.hit_count == total
            if results.hit_count == total:  # every page read: the count is exact
                assert str(results.border_title).startswith(f"Results · {total:,} · ")
            await pilot.press("shift+tab")  # measures
            await settle(pilot)
            assert screen.state.kind == "measure"


async def test_search_reopens_where_it_was_left_and_back_returns_to_the_results(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        browser = app.browser
        screen = await search(pilot, "diplomat")
        await pilot.press("down", "down")
        await settle(pilot)
        chosen = screen.results.highlighted
        assert chosen is not None and chosen.hit is not None
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")  # the query and the hit under the cursor are kept
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        from textual.widgets import Input

        assert screen.query_one("#query", Input).value == "diplomat"
        assert screen.results.highlighted == chosen
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is browser
        await pilot.press("backspace")  # Back: the results, as they were
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.results.highlighted == chosen
        await pilot.press(*"lavrov")  # the kept query is selected: typing replaces it
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.query_one("#query", Input).value == "lavrov"
        assert "Lavrov" in shown(screen.results)
        await pilot.press("ctrl+u")  # nothing typed: the list says so again
        await pilot.pause(0.3)
        await settle(pilot)
        assert "Type words" in shown(screen.results)


async def _until(pilot: Pilot[Any], done: Any, timeout: float = 10.0) -> None:
    """Pause until `done()` is true (a worker may be held, so `settle` would wait for it)."""
    for _ in range(int(timeout / 0.01)):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("not reached in time")


async def test_counts_arrive_after_the_first_screen_and_never_for_another_query(tmp_path: Path) -> None:
    """The first screen shows every kind's share at once; how many more a kind has (`50+ more`) is counted
    in a worker after it is drawn and filled in where the cursor is; an older query's counts never show."""
    import threading

    made = generate.generate(tmp_path / "g.db", statements=3000, seed=3)
    with Store.open(made.path) as store:
        real_counts = store.search_counts
        gate = threading.Event()
        asked: list[str] = []

        def held_counts(query: str, *args: Any, **kwargs: Any) -> Any:
            asked.append(query)
            gate.wait(10)  # the count takes its time: the screen must not wait for it
            return real_counts(query, *args, **kwargs)

        store.search_counts = held_counts  # type: ignore[method-assign]
        app = DossierApp(store)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await settle(pilot)
                await pilot.press("slash", *generate.COMMON_WORD)
                screen = app.screen
                assert isinstance(screen, SearchScreen)
                await _until(pilot, lambda: "more statements" in shown(screen.results))
                first = shown(screen.results)
                # drawn before any count: every kind's hits, headings and "more" rows without numbers;
                # then counted in a worker (held here)
                await _until(pilot, lambda: asked == [generate.COMMON_WORD])
                assert shown(screen.results) == first
                assert "Statements\n" in first + "\n" and "… more statements" in first, first
                assert "Measures" in first and "every kind" in str(screen.results.border_title)
                # an older query's counts are dropped, however they arrive
                screen.post_message(screen._Counts("yekaterinburg", {"statement": (7, True), "measure": (3, True)}))
                await pilot.pause(0.05)
                assert shown(screen.results) == first
                await pilot.press("down", "down")
                chosen = screen.results.highlighted
                offset = screen.results.cursor_offset
                gate.set()
                await _until(pilot, lambda: "Statements · " in shown(screen.results))
                await settle(pilot)
                counted = shown(screen.results)
                page = store.search_page(generate.COMMON_WORD, kind="statement", limit=51)
                assert len(page.hits) == 51 and "Statements · 51+" in counted, counted
                assert "more statements" in counted and "… more statements" not in counted, counted
                assert screen.results.highlighted == chosen and screen.results.cursor_offset == offset
                # a kind counted only up to its limit makes the whole a lower bound too
                assert re.match(r"Results · [\d,]+\+ · every kind", str(screen.results.border_title))
                # a new query while the old one's count is held: the old count never shows
                gate.clear()
                await pilot.press("ctrl+u", *generate.COMMON_WORD[:6])
                await _until(pilot, lambda: len(asked) == 2)
                await pilot.press("ctrl+u", *generate.MID_WORD)
                await _until(pilot, lambda: generate.MID_WORD in str(screen.query_one("#query", Input).value))
                gate.set()
                await settle(pilot)
                for kind, title in (("statement", "Statements"), ("measure", "Measures")):
                    hits = store.search_page(generate.MID_WORD, kind=kind, limit=51).hits
                    if hits:
                        plus = "+" if len(hits) >= 51 else ""
                        assert f"{title} · {len(hits)}{plus}" in shown(screen.results), shown(screen.results)
        finally:
            gate.set()


async def test_the_search_screen_reads_what_a_first_search_needs_before_a_word_is_typed(tmp_path: Path) -> None:
    """Opening `/` reads the actors' and events' texts in a worker (`Store.prepare_search`); the first search
    typed then reads none, and finds an actor by a fragment inside its name."""
    made = generate.generate(tmp_path / "g.db", statements=2000, seed=4)
    with Store.open(made.path) as store:
        app = DossierApp(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert not store._held
            await pilot.press("slash")
            await _until(pilot, lambda: len(store._held) == len(store.HELD_KINDS))
            held = dict(store._held)
            name = str(store._all("SELECT name FROM actors ORDER BY id DESC LIMIT 1", ())[0][0])
            fragment = name.split()[-1][1:]  # inside its last word: found as a fragment only
            await pilot.press(*fragment)
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            await _until(pilot, lambda: "Actors · " in shown(screen.results))
            assert fragment in shown(screen.results) and "Actors · " in shown(screen.results)
            assert store._held == held and all(store._held[code] is held[code] for code in held)  # read once

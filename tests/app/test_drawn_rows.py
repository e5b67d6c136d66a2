"""Kept rows and lines never show stale: what the screen holds is what a fresh draw gives.

The list panes keep each drawn row, the Detail pane each drawn line, and both
ask Textual to draw again only what changed (a mark, a line of the next
statement). These tests move, scroll, mark, blur, re-theme and resize the
browser on the seed dossier, and after each step compare every line the screen
holds for a pane (Textual redraws only the lines marked dirty) with the same
pane drawn from nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from rich.text import Text
from textual.filter import ANSIToTruecolor
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from dossier import generate
from dossier.app import DossierApp
from dossier.store import Store
from dossier.widgets import render, virtual_list
from dossier.widgets.detail import DetailPane
from dossier.widgets.virtual_list import VirtualList
from tests.pilot_helpers import row_text, rows_shown, settle, shown

SMALL = (120, 20)
"""Two rows of two lines a list pane: Ryabkov's five statements scroll."""


@pytest.fixture
def app(store: Store) -> Iterator[DossierApp]:
    yield DossierApp(store, ref="actor/ryabkov")


def on_screen(widget: Widget) -> list[Strip]:
    """Every line the screen holds for the pane, border included (Textual draws again only dirty lines)."""
    return widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))


def drawn_afresh(widget: Widget) -> list[Strip]:
    """The pane drawn from nothing: our kept rows and lines and Textual's dropped first."""
    widget.notify_style_update()
    if isinstance(widget, VirtualList):
        widget._rows.clear()
    elif isinstance(widget, DetailPane):
        widget._strips.clear()
    widget.refresh()
    return widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))


def assert_truecolor(app: DossierApp, pane: Widget, strips: list[Strip]) -> None:
    """The panes skip Textual's ANSI-to-truecolor filter (`PaintPass.get_line_filters`): it must change nothing."""
    [textual] = [each for each in app._filters if type(each) is ANSIToTruecolor]
    if not textual.enabled:  # an ANSI theme: Textual does not filter either
        return
    _, background = pane.background_colors
    for strip in strips:
        assert textual.apply(list(strip), background) == list(strip), f"#{pane.id} draws a colour the filter changes"


def assert_fresh(app: DossierApp) -> None:
    browser = app.browser
    for pane in (browser.actors, browser.statements, browser.measures, browser.consequences, browser.detail):
        held = on_screen(pane)
        assert held == drawn_afresh(pane), f"#{pane.id} shows a stale line"
        assert_truecolor(app, pane, held)
        if pane.show_vertical_scrollbar:  # its thumb is drawn again only when it moves a cell
            bar = pane.vertical_scrollbar
            assert on_screen(bar) == drawn_afresh(bar), f"#{pane.id}'s scrollbar is stale"


async def press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_moving_and_scrolling_never_leave_a_stale_row(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        browser = app.browser
        statements = browser.statements
        assert statements.line_height == 2  # rows of two lines: line y is row y // 2
        height = statements.scrollable_content_region.height // statements.line_height
        assert statements.count == 5 and height < 5  # the list must scroll
        await press(pilot, "2")
        assert_fresh(app)
        rows = store.statements_page(browser.actor_id, limit=5)  # type: ignore[arg-type]
        for step in range(1, 5):
            await press(pilot, "j")
            assert statements.cursor == step
            assert_fresh(app)
            # the rows shown are the rows at the scroll position, the cursor's among them, whole
            top = int(statements.scroll_y)
            assert top % statements.line_height == 0
            top //= statements.line_height
            assert top <= step < top + height
            for y, row in enumerate(rows_shown(statements)):
                assert rows[top + y].text[:20] in row
            assert browser.detail.subject == ("statement", rows[step].id)
        for _ in range(4):
            await press(pilot, "k")
            assert_fresh(app)
        assert statements.cursor == 0 and statements.scroll_y == 0


async def test_a_long_list_scrolls_without_a_stale_row_or_thumb(tmp_path: Path) -> None:
    """Past a screen of rows, each ↓ scrolls by one; the thumb moves a cell only now and then.

    At 120×40: the Statements pane's bar is tall enough for 40 rows of two lines to move its thumb a cell or two.
    """
    made = generate.generate(tmp_path / "long.db", statements=3000, seed=1)
    assert made.heaviest is not None and made.heaviest.statements > 100
    drawn_bars: list[ScrollBar] = []
    original = ScrollBar.render

    def counting(bar: ScrollBar) -> Any:
        drawn_bars.append(bar)
        return original(bar)

    with Store.open(made.path) as store:
        app = DossierApp(store, ref=f"actor/{made.heaviest.slug}")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            statements = app.browser.statements
            await press(pilot, "2")
            row = statements.line_height
            height = statements.scrollable_content_region.height // row
            for step in range(1, 41):
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr(ScrollBar, "render", counting)
                    await press(pilot, "j")
                assert statements.cursor == step
                assert int(statements.scroll_y) == max(0, step - height + 1) * row
                assert_fresh(app)
            bar = statements.vertical_scrollbar
            assert bar.position == statements.scroll_y
        # drawn when its thumb moved a cell, not for each of the 36 rows scrolled
        assert 0 < drawn_bars.count(bar) < 36


async def test_the_cursor_row_follows_focus_theme_and_width(app: DossierApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        statements = app.browser.statements
        await press(pilot, "2")
        focused = on_screen(statements)
        await press(pilot, "3")  # the cursor row of Statements is now drawn blurred
        blurred = on_screen(statements)
        assert focused[1] != blurred[1]  # the cursor row, under the border
        assert [strip.text for strip in focused[2:]] == [strip.text for strip in blurred[2:]]
        assert_fresh(app)
        await press(pilot, "2")
        assert on_screen(statements) == focused
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        assert on_screen(statements) != focused
        assert_fresh(app)
        await pilot.resize_terminal(100, 22)
        await settle(pilot)
        assert on_screen(statements)[1].cell_length == statements.size.width
        assert_fresh(app)


async def test_marks_follow_the_highlighted_statement(app: DossierApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        browser = app.browser
        await press(pilot, "2")
        seen: set[bool] = set()
        for _ in range(5):
            statement_id = browser.statement_id
            assert statement_id is not None
            about = {about.measure.id for about in store.statement_detail(statement_id).about}
            assert browser.measures.marked == about
            for index in range(browser.measures.count or 0):
                item = browser.measures.item_at(index)
                assert item is not None
                row = row_text(browser.measures, index)
                assert ("◆" in row) == (item.id in about), row
                seen.add(item.id in about)
            assert_fresh(app)
            await press(pilot, "j")
        assert seen == {True, False}  # marks came and went


async def test_kept_rows_are_bounded_and_redrawn_when_dropped(app: DossierApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(virtual_list, "ROW_CACHE", 1)  # a screen's worth: every scroll drops rows
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        statements = app.browser.statements
        assert (statements.count or 0) > statements.size.height
        for key in ("j",) * 4 + ("k",) * 4 + ("G", "g", "pagedown", "pageup"):
            await press(pilot, key)
            assert len(statements._rows) * statements.line_height <= statements.size.height + 2
            assert_fresh(app)


async def test_a_kinds_heading_goes_when_the_row_before_arrives(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pages of three rows: a page's first row shows its kind's heading until the page before is loaded.
    monkeypatch.setattr(virtual_list, "PAGE_SIZE", 3)
    monkeypatch.setattr(virtual_list, "PREFETCH_ROWS", 1)
    app = DossierApp(store, ref="actor/us-state-department")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        actors = app.browser.actors
        assert actors.count is not None and actors.count > 9
        assert_fresh(app)
        for key in ("G", "g", "pagedown", "pageup"):
            await press(pilot, key)
            assert_fresh(app)
        headings = [line.split()[0] for line in shown(actors).splitlines() if line and not line.startswith(" ")]
        assert headings == sorted(set(headings), key=headings.index)  # each kind named once


async def test_the_detail_pane_draws_only_changed_lines_and_none_stale(app: DossierApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        browser = app.browser
        detail = browser.detail
        await press(pilot, "2")
        drawn: list[int] = []
        original = DetailPane.render_line

        def counting(pane: DetailPane, y: int) -> Strip:
            drawn.append(y)
            return original(pane, y)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(DetailPane, "render_line", counting)
            await press(pilot, "j")
        # the next statement of the same speaker: the blank lines below it are not drawn again
        assert drawn and len(drawn) < detail.scrollable_content_region.height
        assert_fresh(app)
        await press(pilot, "5", "j", "j", "k")  # the Detail pane's own cursor
        assert_fresh(app)
        await press(pilot, "3")  # a measure: another title, other lines
        assert detail.subject is not None and detail.subject[0] == "measure"
        assert_fresh(app)


# --------------------------------------------------------------------------- render.fit


def fit_whole(text: Text, width: int) -> Text:
    """`render.fit` as it was: Rich measures and cuts the whole text."""
    if width <= 0:
        return Text(end="")
    row = text.copy()
    row.no_wrap = True
    row.truncate(width, overflow="ellipsis", pad=True)
    return row


TRICKY = [
    "a",
    "b",
    " ",
    "“",
    "”",
    "é",
    "ж",
    "中",
    "文",
    "👍",
    "❤",
    "\u200d",
    "\ufe0f",
    "\u0301",
    "\u200b",
    "ع",
    "\u0e31",
]
"""Single-cell, double-width, zero-width, joiners and variation selectors."""


@pytest.mark.parametrize(
    "value",
    [
        "“" + "The quick brown fox jumps over the lazy dog. " * 40 + "”",
        "中文" * 300,
        "a" + "中" * 300,  # the cut falls inside a double-width character
        "\u0301" * 500 + "abc" * 50,  # no prefix is wide enough: the whole text is cut
        "e\u0301" * 400,
        "👨\u200d👩\u200d👧" * 100,
        "❤\ufe0f" * 200,
        "\u200b" + "x" * 300,
        "short “quote”",
    ],
)
@pytest.mark.parametrize("width", [1, 2, 3, 10, 47, 80])
def test_fit_cuts_a_prefix_as_it_would_the_whole_text(value: str, width: int) -> None:
    text = render.join(render.plain("2021-12-01", Style(color="red")), " ", render.plain(value))
    text.stylize(Style(bold=True), 12, 40)
    expected, got = fit_whole(text, width), render.fit(text, width)
    assert (got.plain, got.spans, len(got)) == (expected.plain, expected.spans, len(expected))


def test_fit_agrees_with_the_whole_text_on_random_tricky_strings() -> None:
    rng = random.Random(0)
    for _ in range(3000):
        value = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 90)))
        text = Text(value, end="")
        for _ in range(rng.randint(0, 3)):
            start = rng.randint(0, len(value))
            text.stylize(Style(italic=True), start, rng.randint(start, len(value)))
        width = rng.randint(0, 40)
        expected, got = fit_whole(text, width), render.fit(text, width)
        assert (got.plain, got.spans) == (expected.plain, expected.spans), (value, width)


def test_line_segments_are_the_segments_rich_would_draw() -> None:
    """`render.line_segments` (the lists' quick way to segments) gives what `Text.render` and
    `Strip.apply_style` give for rows built by appending, on random rows, and declines the rest."""
    from rich.console import Console
    from rich.segment import Segment
    from rich.text import Span

    console = Console(width=200)
    styles = [Style(dim=True), Style(bold=True, color="red"), Style(bgcolor="blue"), Style.null()]
    rng = random.Random(1)
    for _ in range(2000):
        text = Text(end="", no_wrap=True, style=rng.choice([*styles, ""]))
        for _ in range(rng.randint(0, 5)):
            piece = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 12)))
            text.append(piece, style=rng.choice([*styles, "", None]))
        for under in (Style(color="white", bgcolor="black"), Style.null()):
            drawn = list(text.render(console))
            expected = list(Segment.apply_style(drawn, under)) if under else drawn
            assert render.line_segments(text, under) == expected, text
    overlapping = Text("abc", spans=[Span(0, 2, styles[0]), Span(1, 3, styles[1])])
    named = Text("abc", spans=[Span(0, 2, "bold")])
    past_the_end = Text("abc", spans=[Span(1, 9, styles[0])])
    for declined in (overlapping, named, past_the_end):
        assert render.line_segments(declined, styles[2]) is None


# --------------------------------------------------------------------------- rows of several lines


@pytest.mark.parametrize("size", [(80, 24), (200, 50), (100, 30)])
async def test_rows_of_several_lines_are_never_stale_at_any_size(store: Store, size: tuple[int, int]) -> None:
    """Two-line rows in every list, moved, scrolled, marked, blurred and resized: kept lines equal fresh ones."""
    app = DossierApp(store, ref="actor/ryabkov")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        browser = app.browser
        for pane in (browser.actors, browser.statements, browser.measures, browser.consequences):
            assert pane.line_height == 2
        assert_fresh(app)
        for keys in (("2", "j", "j", "j", "k"), ("1", "j", "G", "g", "pagedown"), ("3", "j", "4", "j"), ("5", "j")):
            await press(pilot, *keys)
            assert_fresh(app)
        await pilot.resize_terminal(size[0] - 23, size[1] - 3)
        await settle(pilot)
        assert_fresh(app)


@pytest.mark.parametrize("width", [12, 20, 41, 80, 133])
@pytest.mark.parametrize("height", [1, 2, 3])
def test_wrap_row_fills_exactly_its_lines_and_keeps_the_words_in_order(width: int, height: int) -> None:
    rng = random.Random(width * 10 + height)
    words = ["a", "the", "diplomats", "中文字", "“quote”", "x" * 30, "e\u0301", "👍"]
    for _ in range(200):
        value = " ".join(rng.choice(words) for _ in range(rng.randint(0, 40)))
        text = render.join(render.plain("2021-12-01", Style(color="red")), " ", render.plain(value))
        rows = render.wrap_row(text, width, height, indent=11 if width > 20 else 2)
        assert len(rows) == height
        assert all(row.cell_len == width for row in rows), (value, [row.plain for row in rows])
        shown = "".join(row.plain.strip().rstrip("…") for row in rows).replace(" ", "")
        whole = text.plain.replace(" ", "")
        assert whole.startswith(shown) or shown.rstrip("…") in whole, (value, shown)
        if cell_len_of(text) <= width:
            assert rows[0].plain.rstrip() == text.plain.rstrip()


def cell_len_of(text: Text) -> int:
    return text.cell_len


async def test_no_theme_gives_the_panes_a_colour_the_ansi_filter_would_change(app: DossierApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        themes = sorted(app.available_themes)
        assert len(themes) > 10
        for theme in themes:
            app.theme = theme
            await press(pilot, "j", "2", "j", "3", "tab")  # rows, a blurred cursor, a measure, the Detail pane
            assert_fresh(app)
            await press(pilot, "1", "k")

"""Two shortcuts in drawing a frame, each checked against Textual's own way as the browser is used.

**A frame that repaints part of the screen draws the cells Textual would draw there, and only there.**
The reading screens draw a partial update with `SpanCompositor`, which asks each
widget only for the lines and columns still undrawn under the repainted regions.
Here every such frame of a walk through the browser is drawn both ways: first
by `SpanCompositor`, then, for the same regions, by Textual's own compositor.
Cell by cell (character and style), the two must agree over every repainted
span; and `SpanCompositor` must draw each of those cells exactly once, and
nothing outside them. The walk moves in every pane, opens, goes back, searches,
opens the views, and moves under a notice (a widget in front of the panes).

**A pane's line between its side borders is the line Textual's styles cache would make.** The panes
put a content line together from parts made once a pass (`LineStylesCache`); every line drawn that
way during a walk, under every built-in theme and at two sizes, is drawn by Textual's
`StylesCache.render_line` too, and the two must be equal, segment by segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.strip import Strip

from dossier.app import DossierApp
from dossier.store import Store
from dossier.widgets.textual_compat import LineStylesCache, SpanCompositor, SpanUpdate, _Sides
from dossier.widgets.virtual_list import VirtualList
from tests.pilot_helpers import settle

Cells = dict[tuple[int, int], tuple[str, Style | None]]

WALK = [
    *"jjjkk",
    "tab",
    *"jjj",
    "tab",
    *"jj",
    "tab",
    "j",
    "tab",
    *"jjjj",
    "2",
    "enter",
    "backspace",
    "1",
    *"jjjjjjjjjjjj",
    *"kkk",
    "e",  # read-only: a notice, in front of the panes...
    *"jkjk",  # ...that the moves repaint beneath
    "slash",
    *"expel",
    "enter",
    "escape",
    "c",
    *"jj",
    "escape",
    "t",
    *"jj",
    "escape",
    "r",
    "j",
    "escape",
    "3",
    *"jk",
]


THEME_WALK = ["j", "j", "tab", "j", "k", "tab", "j", "tab", "j", "tab", "j", "tab", "1"]


def cells_of(strip: Strip, x: int, y: int) -> Iterator[tuple[tuple[int, int], tuple[str, Style | None]]]:
    for segment in strip:
        text, style, control = segment
        if control:
            continue
        for character in text:
            width = Segment(character).cell_length
            yield (x, y), (character, style)
            for extra in range(1, width):
                yield (x + extra, y), ("", style)
            x += width


def span_cells(update: SpanUpdate) -> Cells:
    cells: Cells = {}
    for y, pieces in update.lines:
        for x, strip in pieces:
            for at, cell in cells_of(strip, x, y):
                assert at not in cells, f"cell {at} drawn twice"
                cells[at] = cell
    return cells


def textual_cells(update: ChopsUpdate) -> Cells:
    """The cells Textual's update draws inside its spans (its chops may start before a span)."""
    cells: Cells = {}
    for y, x1, x2 in update.spans:
        for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            for at, cell in cells_of(strip, x, y):
                if x1 <= at[0] < min(end, x2):
                    cells[at] = cell
    return cells


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
async def test_each_partial_frame_draws_what_textual_would(
    store: Store, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    frames: list[int] = []
    errors: list[str] = []  # raised inside a frame, an error would end the app and hide the reason
    ours = SpanCompositor.render_partial_update

    def compare(update: SpanUpdate | None, textual: Any) -> None:
        if update is None:
            assert textual is None
            return
        assert isinstance(textual, ChopsUpdate)
        spans = {(x, y) for y, x1, x2 in textual.spans for x in range(x1, x2)}
        drawn = span_cells(update)
        assert set(drawn) == spans, "the frame must draw every repainted cell, and no other"
        expected = textual_cells(textual)
        differ = sorted(at for at in spans if drawn[at] != expected.get(at))
        assert not differ, f"cells {differ[:5]} differ from Textual's: {[drawn[at] for at in differ[:5]]}"
        frames.append(len(spans))

    def both(self: SpanCompositor) -> SpanUpdate | None:
        regions = list(self._dirty_regions)
        update = ours(self)
        self._dirty_regions.update(regions)
        try:
            compare(update, Compositor.render_partial_update(self))
        except AssertionError as error:
            errors.append(f"{type(app.screen).__name__}: {error}")
        return update

    monkeypatch.setattr(SpanCompositor, "render_partial_update", both)
    app = DossierApp(store)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.browser._compositor, SpanCompositor)
        screens: set[str] = set()
        under_notice = 0
        for key in WALK:
            notice = bool(app.screen.query("Toast"))
            await pilot.press(key)
            await settle(pilot)
            screens.add(type(app.screen).__name__)
            under_notice += notice and key in "jk"
        assert {"BrowseScreen", "SearchScreen", "ChainScreen", "TimelineScreen", "RelationsScreen"} <= screens
        assert under_notice >= 4, "the moves beneath a notice"
    assert not errors, errors[:3]
    assert len(frames) > len(WALK) // 2, f"only {len(frames)} partial frames for {len(WALK)} keys"
    assert sum(frames) > 0


def test_spans_are_written_where_they_are(store: Store) -> None:
    """The bytes of an update: each piece goes to its own place, in the order of the lines."""
    strip = Strip([Segment("ab", Style(bold=True))], 2)
    update = SpanUpdate([(1, [(3, strip)]), (4, [(0, strip), (7, strip)])])
    console = DossierApp(store).console
    out = update.render_segments(console)
    assert out.index("\x1b[2;4H") < out.index("\x1b[5;1H") < out.index("\x1b[5;8H")
    assert out.count("ab") == 3
    segments: list[Any] = list(update.__rich_console__(console, None))  # type: ignore[arg-type]
    assert [s.text for s in segments if not s.control] == ["ab", "ab", "ab"]


def check_lines(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[str]]:
    """From now on each line `LineStylesCache` puts together is made by Textual's way too and compared."""
    shortcut: list[int] = []
    errors: list[str] = []
    ours = LineStylesCache.render_line

    def both(self: LineStylesCache, styles: Any, y: int, *args: Any) -> Strip:
        line = ours(self, styles, y, *args)
        sides = self._sides
        if isinstance(sides, _Sides) and sides.top <= y < sides.end:
            shortcut.append(y)
            textual = StylesCache.render_line(self, styles, y, *args)
            if list(line) != list(textual) or line.cell_length != textual.cell_length:
                errors.append(f"line {y}: {line.text!r} {list(line)[:2]} against {list(textual)[:2]}")
        return line

    monkeypatch.setattr(LineStylesCache, "render_line", both)
    return shortcut, errors


async def test_each_pane_line_is_the_line_textual_would_make(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    shortcut, errors = check_lines(monkeypatch)
    app = DossierApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        themes = sorted(app.available_themes)
        assert len(themes) > 5
        for n, theme in enumerate(themes):
            app.theme = theme
            for key in THEME_WALK[n % 3 :]:  # moves in each pane, the focus going round
                await pilot.press(key)
                await settle(pilot)
            if n == len(themes) // 2:
                await pilot.resize_terminal(80, 24)
                await settle(pilot)
    assert not errors, errors[:3]
    assert len(shortcut) > 1000, f"only {len(shortcut)} lines took the shortcut"


class _Styled(App[None]):
    """Two panes styled as Dossier's are not: padding on the sides, and an outline (Textual's own way)."""

    CSS = """
    #padded { border: round red; padding: 1 2 0 3; height: 8; }
    #outlined { border: round red; outline: heavy blue; height: 8; }
    """

    def compose(self) -> ComposeResult:
        yield VirtualList(id="padded")
        yield VirtualList(id="outlined")


async def test_padding_and_the_styles_left_to_textual(monkeypatch: pytest.MonkeyPatch) -> None:
    shortcut, errors = check_lines(monkeypatch)
    app = _Styled()
    async with app.run_test(size=(40, 16)) as pilot:
        await settle(pilot)
        padded, outlined = app.query_one("#padded", VirtualList), app.query_one("#outlined", VirtualList)
        assert isinstance(padded._styles_cache, LineStylesCache)
        for pane in (padded, outlined):
            pane._styles_cache.clear()  # drawn again from nothing, every line
            lines = pane.render_lines(pane.size.region)
        assert outlined._styles_cache._sides is False, "an outline goes through Textual's own"
        assert padded.scrollable_content_region.width == 40 - 2 - 5
        assert padded.render_lines(padded.size.region)[2].text.startswith("│   ")  # the border, then the padding
        assert lines[0].text.startswith("┏")  # the outline
    assert not errors, errors[:3]
    assert shortcut and max(shortcut) < 7  # the padded pane's content lines only: not its borders, not the outlined

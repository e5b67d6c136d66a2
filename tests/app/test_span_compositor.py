"""A frame that repaints part of the screen draws the cells Textual would draw there, and only there.

The reading screens draw a partial update with `SpanCompositor`, which asks each
widget only for the lines and columns still undrawn under the repainted regions.
Here every such frame of a walk through the browser is drawn both ways: first
by `SpanCompositor`, then, for the same regions, by Textual's own compositor.
Cell by cell (character and style), the two must agree over every repainted
span; and `SpanCompositor` must draw each of those cells exactly once, and
nothing outside them. The walk moves in every pane, opens, goes back, searches,
opens the views, and moves under a notice (a widget in front of the panes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor
from textual.strip import Strip

from dossier.app import DossierApp
from dossier.store import Store
from dossier.widgets.textual_compat import SpanCompositor, SpanUpdate
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
    out = update.render_segments(DossierApp(store).console)
    assert out.index("\x1b[2;4H") < out.index("\x1b[5;1H") < out.index("\x1b[5;8H")
    assert out.count("ab") == 3
    segments: list[Any] = list(update.__rich_console__(DossierApp(store).console, None))  # type: ignore[arg-type]
    assert [s.text for s in segments if not s.control] == ["ab", "ab", "ab"]

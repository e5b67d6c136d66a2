"""The panes' scrollbar (`textual_compat.LineScrollBar`) draws exactly the cells Textual's own drawing of it does."""

from __future__ import annotations

from textual.scrollbar import ScrollBar
from textual.strip import Strip

from dossier.app import DossierApp
from dossier.store import Store
from dossier.widgets.textual_compat import LineScrollBar
from tests.pilot_helpers import settle


def textual_lines(bar: ScrollBar) -> list[Strip]:
    """The bar as Textual draws it: its renderable through a Rich console (`Widget._render_content`)."""
    bar._render_content()
    return list(bar._render_cache.lines)


def line_lines(bar: ScrollBar) -> list[Strip]:
    bar.refresh()  # as a change of the bar would: drawn again
    return [bar.render_line(y) for y in range(bar.size.height)]


async def test_the_panes_scrollbars_are_drawn_as_textual_draws_them(store: Store) -> None:
    app = DossierApp(store, ref="actor/ryabkov")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.browser
        compared = thumbs = 0
        for keys in ([], ["2", "end"], ["2", "pageup"], ["3"], ["1", "end"]):
            for key in keys:
                await pilot.press(key)
            await settle(pilot)
            for pane in (browser.actors, browser.statements, browser.detail, browser.measures, browser.consequences):
                bar = pane.vertical_scrollbar
                assert isinstance(bar, LineScrollBar)
                if not bar.display or not bar.size.height:
                    continue
                for hover in (False, True):
                    bar.mouse_over = hover
                    drawn = line_lines(bar)
                    expected = textual_lines(bar)
                    assert [list(strip) for strip in drawn] == [list(strip) for strip in expected], (pane.id, keys)
                    assert all(strip.cell_length == bar.size.width for strip in drawn)
                    compared += 1
                thumbs += any(segment.style and segment.style.reverse for strip in drawn for segment in strip)
                bar.mouse_over = False
        assert compared >= 10 and thumbs >= 3, (compared, thumbs)

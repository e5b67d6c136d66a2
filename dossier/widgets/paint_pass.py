"""A pane drawn line by line: its inner region worked out once a pass, its repaints told to the screen at once,
no ANSI filter on its lines, its lines put between its borders from parts made once a pass
(`textual_compat.LineStylesCache`), and its scrollbar drawn line by line too (`textual_compat.LineScrollBar`).

Textual's `scrollable_content_region` finds the widget in the screen's map
(walking up to the screen first), then takes off the border, padding and
scrollbars, and a pane asked it for every line it drew. While a pass runs
(`render_lines`, or a `paint_pass()` block) nothing lays the widget out, so
the region asked at its start holds for all its lines. What each part of a
pane's work costs a key press: docs/serving.md, "The hall".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from .textual_compat import line_scrollbar, line_styles_cache, repaint_now

# A plain mixin when running: a Widget subclass in the MRO would bring Widget's default CSS under a
# name of its own, ahead of the ScrollView's (the panes lost their `overflow: auto`).
if TYPE_CHECKING:
    _Base = Widget
else:
    _Base = object


class PaintPass(_Base):
    """Mixed in before a Textual widget class (the list panes and the Detail pane)."""

    _pass_region: Region | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line_styles_cache(self)  # its content lines put together from parts made once a pass

    @property
    def inner_region(self) -> Region:
        """`scrollable_content_region`, kept for the length of a pass."""
        region = self._pass_region
        return self.scrollable_content_region if region is None else region

    @contextmanager
    def paint_pass(self) -> Iterator[None]:
        """Inside the block `inner_region` is asked once; the block must not lay the widget out."""
        if self._pass_region is not None:  # nested: the outer pass's region holds
            yield
            return
        self._pass_region = self.scrollable_content_region
        try:
            yield
        finally:
            self._pass_region = None

    def render_lines(self, crop: Region) -> list[Strip]:
        with self.paint_pass():
            return super().render_lines(crop)

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Textual's ANSI-to-truecolor filter (on for every theme but an ANSI one) changes nothing a pane
        # draws: its colours are the theme's, truecolor, and it asks for no `dim` (its "dim" is a colour).
        # Asked per line of every pane drawn, it was ~6 % of a key press. `tests/app/test_drawn_rows.py`
        # passes every line the panes draw through it and checks that nothing changes.
        return [each for each in super().get_line_filters() if not isinstance(each, ANSIToTruecolor)]

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        # A repaint goes to the screen at once (`repaint_now`): a pane repaints several times a key press.
        if repaint and not layout and not recompose and repaint_now(self, *regions):
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scrollbar, drawn line by line without a Rich console (`textual_compat.LineScrollBar`)."""
        return line_scrollbar(self)

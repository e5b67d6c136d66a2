"""The private parts of Textual that Dossier relies on, each behind one small function or hook.

**Supported Textual versions.** Dossier supports exactly the Textual release
pinned in `pyproject.toml` (`textual==8.2.8`), and pins it exactly on purpose:

* a few private names of Textual are used here and only here: `Widget._scroll_update`
  (scrollbars without a layout of the whole screen), `Widget._check_refresh`
  (a repaint in the same frame), `App._broker_event` (the one door through
  which an action drawn in text runs), `App._handle_exception` and, inside it,
  `App._return_code`, `App._exception`, `App._exception_event` and
  `App._close_messages_no_wait` (ending the app on a bug without printing a
  traceback full of dossier text), `App._check_bindings` (a key's binding run
  as the key arrives: `run_key_binding`), `App._background_screens` (no work for
  a screen hidden under an opaque one), `Widget._border_title` and `_border_subtitle`
  (a border title set without repainting the whole widget: `set_border_titles`), `App._refresh_notifications`,
  `App._notifications` and `textual.widgets._toast.ToastRack` (no layout for a
  toast rack with nothing to show), `Message._stop_propagation` (whether a key
  was taken on its way: `key_stopped`), `Message._sender` (a key the app posted
  itself routed as a typed one: `as_typed`), and `Widget._repaint_required` with the
  order Textual runs a screen's handlers in (`OneLayoutScreen`: a screen drawn
  in one frame as it opens), `Widget._vertical_scrollbar`, `Widget._dirty_regions` and
  `App._start_widget` (the panes' scrollbar drawn line by line: `LineScrollBar`),
  and the modules `textual._xterm_parser`, `textual._parser` and `textual._time`
  with a parser's `_timeout_time` and a driver's `_debug` (an input thread that
  sleeps until there is input: `QuietLinuxDriver`) and its `_loop` and `_app`
  (a key handed to the event loop without a task: `QuietLinuxDriver.send_message`), and `Widget._set_dirty`,
  `Widget._layout_cache`, `Widget._rich_style_cache`, `Screen._dirty_widgets`
  and `Screen._compositor` (a repaint told to the screen at once:
  `repaint_now`), and the module `textual._compositor` with its `Compositor`,
  `CompositorUpdate`, `Compositor._dirty_regions`, `_regions_to_spans` and
  `visible_widgets` (a frame that draws only what was repainted: `SpanCompositor`),
  and `Widget._styles_cache` with the module `textual._styles_cache` (its
  `StylesCache`, whose `render` and `render_line` are called with the arguments
  Textual passes, and `get_inner_outer`), `textual._border.get_box` and
  `textual._segment_tools.line_pad` (a pane's line put together from parts made
  once a pass: `LineStylesCache`).
  Private names change without notice.
  (`virtual_list.same_thumb` also asks the public `ScrollBarRender.render_bar`
  with the arguments Textual's scrollbar passes it: a behaviour, not a name,
  guarded by `tests/app/test_drawn_rows.py`);
* the snapshot tests compare SVGs drawn by one release; and the key latency
  (a press repainted in ~13 ms) was measured, frame by frame, on one release.

Moving to a new Textual is one change of the pin, then `make test`:
`tests/house/test_textual_compat.py` fails, naming the name, if any of these
is gone or has changed its signature, and the snapshot and drawn-row tests
say whether the screen is still the same. Then `make bench` for the speed.

Everything else in Dossier uses Textual's public API only.
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import Any, Self, TypeVar

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual import events, messages
from textual._border import get_box
from textual._compositor import Compositor, CompositorUpdate
from textual._parser import ParseError
from textual._segment_tools import line_pad
from textual._styles_cache import StylesCache
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.app import App, ScreenStackError
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import DOMNode, NoScreen
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.widget import Widget
from textual.widgets._toast import ToastRack

ReturnType = TypeVar("ReturnType")

PRIVATE_NAMES: dict[type[Any], tuple[str, ...]] = {
    Widget: ("_scroll_update", "_check_refresh", "_set_dirty"),
    App: (
        "_broker_event",
        "_handle_exception",
        "_close_messages_no_wait",
        "_exception_event",
        "_check_bindings",
        "_background_screens",
        "_refresh_notifications",
        "_start_widget",
    ),
    Message: ("_stop_propagation", "_sender"),
    Compositor: ("_regions_to_spans", "visible_widgets"),
    StylesCache: ("render", "render_line", "get_inner_outer", "render_widget"),
}
"""The private names used here, by the class that has them (checked by a test)."""
PRIVATE_ATTRIBUTES: tuple[str, ...] = ("_return_code", "_exception", "_notifications")
"""Private attributes an App instance has from its `__init__` (checked by a test)."""
WIDGET_ATTRIBUTES: tuple[str, ...] = (
    "_repaint_required",
    "_vertical_scrollbar",
    "_dirty_regions",
    "_border_title",
    "_border_subtitle",
    "_layout_cache",
    "_rich_style_cache",
    "_styles_cache",
)
"""Private attributes a Widget instance has from its `__init__` (checked by a test)."""
SCREEN_ATTRIBUTES: tuple[str, ...] = ("_dirty_widgets", "_compositor")
"""Private attributes a Screen instance has from its `__init__` (checked by a test)."""
COMPOSITOR_ATTRIBUTES: tuple[str, ...] = ("_dirty_regions",)
"""Private attributes a Compositor instance has from its `__init__` (checked by a test)."""
DRIVER_ATTRIBUTES: tuple[str, ...] = ("_loop", "_app", "_debug")
"""Private attributes a Driver instance has from its `__init__` (checked by a test)."""


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """Fit a widget's scrollbars to a new virtual size, without the layout of the whole screen.

    Textual's own step after a resize (`Widget._scroll_update`): it asks for a
    layout itself when a scrollbar appears or goes.
    """
    widget._scroll_update(virtual_size)


def repaint_now(widget: Widget, *regions: Region) -> bool:
    """`widget.refresh(*regions)`, told to the screen at once rather than on the widget's next idle.

    Textual marks the widget, prompts the widget's own message queue, and on
    that idle the widget posts an `Update` to the screen, which notes it and
    prompts its own queue: per repaint two messages and two wakes of asyncio
    tasks. A key press repaints five panes, some twice: ~4 % of its CPU
    (docs/serving.md). Here the widget is marked as
    `refresh` marks it and put straight into the screen's dirty set, as the
    screen's `Update` handler (`Screen._on_update`) would put it. False (and
    nothing done) when the widget is not mounted on a screen: then `refresh`.
    """
    try:
        screen = widget.screen
    except NoScreen:
        return False
    if not widget.is_mounted:
        return False
    widget._layout_cache.clear()
    widget._set_dirty(*regions)
    widget.clear_cached_dimensions()
    widget._rich_style_cache.clear()
    if widget.display and screen in screen._compositor:
        screen._dirty_widgets.add(widget)
        screen.check_idle()
    return True


class SpanUpdate(CompositorUpdate):
    """What changed on the screen: for each line, the pieces of it drawn again, as (x, strip)."""

    def __init__(self, lines: list[tuple[int, list[tuple[int, Strip]]]]) -> None:
        self.lines = lines

    def render_segments(self, console: Console) -> str:
        sequences: list[str] = []
        append = sequences.append
        move_to = Control.move_to
        for y, pieces in self.lines:
            for x, strip in pieces:
                append(move_to(x, y).segment.text)
                append(strip.render(console))
        return "".join(sequences)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        move_to = Control.move_to
        for y, pieces in self.lines:
            for x, strip in pieces:
                yield move_to(x, y).segment
                yield from strip


class SpanCompositor(Compositor):
    """Textual's compositor, but a frame that repaints part of the screen draws only what is under the repaint.

    Textual's partial update (`render_partial_update`) asks every widget that
    overlaps the box around all the repainted regions for all its lines, and cuts
    each of them, on every line with anything repainted, at the edge of every
    widget on that line: a key press in the browser repaints a row of Actors and
    the Detail pane, so the whole screen's lines were cut (~130 cuts, 12 % of the
    press's CPU; docs/serving.md). Here each widget, front to back, is asked only
    for the lines where part of a repainted region is still undrawn, and only
    that part of its line is kept. The cells are those Textual would draw over
    the same regions (a test compares them, cell by cell, after each key of a walk).
    A full update (a layout, a resize) is Textual's own.
    """

    def render_partial_update(self) -> SpanUpdate | None:  # type: ignore[override]
        regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        width, height = self.size
        undrawn: dict[int, list[tuple[int, int]]] = {}
        for y, x1, x2 in self._regions_to_spans(regions):
            x1, x2 = max(0, x1), min(width, x2)
            if 0 <= y < height and x1 < x2:
                undrawn.setdefault(y, []).append((x1, x2))
        if not undrawn:
            return None
        drawn: dict[int, list[tuple[int, Strip]]] = {y: [] for y in undrawn}
        for widget, (region, clip) in self.visible_widgets.items():  # front to back
            if not undrawn:
                break
            left, top, shown_width, shown_height = region.intersection(clip)
            right = left + shown_width
            lines = [
                y
                for y in range(top, top + shown_height)
                if y in undrawn and any(x1 < right and x2 > left for x1, x2 in undrawn[y])
            ]
            if not lines:
                continue
            first = lines[0]
            strips = widget.render_lines(Region(left - region.x, first - region.y, shown_width, lines[-1] + 1 - first))
            for y in lines[: len(strips)]:
                strip = strips[y - first]
                still: list[tuple[int, int]] = []
                for x1, x2 in undrawn[y]:
                    if x1 >= right or x2 <= left:
                        still.append((x1, x2))
                        continue
                    start, end = max(x1, left), min(x2, right)
                    whole = end - start == shown_width
                    drawn[y].append((start, strip if whole else strip.crop(start - left, end - left)))
                    if x1 < start:
                        still.append((x1, start))
                    if end < x2:
                        still.append((end, x2))
                if still:
                    undrawn[y] = still
                else:
                    del undrawn[y]
        return SpanUpdate([(y, sorted(pieces, key=_piece_x)) for y, pieces in sorted(drawn.items())])


def _piece_x(piece: tuple[int, Strip]) -> int:
    return piece[0]


class _Sides:
    """What a pass of `LineStylesCache` needs to put a content line between a pane's borders.

    (A plain class: a dataclass made at import would cost the first frame its making.)"""

    __slots__ = ("top", "end", "content_width", "content_height", "inner", "left", "right", "pad_left", "pad_right")

    def __init__(
        self, top: int, end: int, content: Size, inner: Style, left: Segment, right: Segment, pad: Any
    ) -> None:
        self.top = top
        """The first content line (below the top border and padding)."""
        self.end = end
        """The line after the last content line."""
        self.content_width, self.content_height = content
        self.inner = inner
        self.left = left
        self.right = right
        _, self.pad_right, _, self.pad_left = pad


class LineStylesCache(StylesCache):
    """Textual's styles cache, but a line between a pane's side borders is put together from parts made once a pass.

    Textual's `StylesCache.render_line` works out, for each line it draws, the
    border, outline, padding, hatch, tint and opacity from the styles, and makes
    the side borders' styles again: ~60 % of drawing a pane's line. In one pass
    (`render`: one widget, one frame) none of that can change, so here it is
    worked out at the pass's first line, and each content line is the content,
    padded, between the two border cells. Lines that are not plain content (top
    and bottom borders, padding rows) and styles with an outline, a hatch, a
    tint, or any opacity go through Textual's own. A test compares the two for
    every line of every pane across moves, focus and every built-in theme.
    """

    _sides: _Sides | None | bool = None

    def render(self, *args: Any, **kwargs: Any) -> list[Strip]:
        self._sides = None  # a new pass: the styles may have changed since the last
        return super().render(*args, **kwargs)

    def render_line(
        self,
        styles: Any,
        y: int,
        size: Size,
        content_size: Size,
        padding: Any,
        base_background: Any,
        background: Any,
        render_content_line: Any,
        border_title: Any,
        border_subtitle: Any,
        opacity: float,
        ansi_theme: Any,
        native_ansi: bool,
    ) -> Strip:
        sides = self._sides
        if sides is None:
            sides = self._plain_sides(styles, size, content_size, padding, base_background, background, opacity)
            self._sides = sides
        if not isinstance(sides, _Sides) or not sides.top <= y < sides.end:
            return super().render_line(
                styles,
                y,
                size,
                content_size,
                padding,
                base_background,
                background,
                render_content_line,
                border_title,
                border_subtitle,
                opacity,
                ansi_theme,
                native_ansi,
            )
        content_y = y - sides.top
        if content_y < sides.content_height:
            line = render_content_line(content_y).adjust_cell_length(sides.content_width, sides.inner)
        else:
            line = Strip.blank(sides.content_width, sides.inner)
        if sides.pad_left or sides.pad_right:
            segments = line_pad(line, sides.pad_left, sides.pad_right, sides.inner)
        else:
            segments = list(line)
        return Strip([sides.left, *segments, sides.right], size.width)

    def _plain_sides(
        self,
        styles: Any,
        size: Size,
        content_size: Size,
        padding: Any,
        base_background: Any,
        background: Any,
        opacity: float,
    ) -> _Sides | bool:
        """The parts of a content line for this pass, or False when Textual's own must draw them."""
        (_, _), (border_right, right_color), (_, _), (border_left, left_color) = styles.border
        plain = (
            border_left
            and border_right
            and opacity == 1.0
            and styles.text_opacity == 1.0
            and not styles.tint.a
            and not any(edge for edge, _ in styles.outline)
            and not (styles.has_rule("hatch") and styles.hatch != "none")
        )
        if not plain:
            return False
        inner, outer = self.get_inner_outer(base_background, background)
        gutter = styles.gutter
        left = get_box(border_left, inner, outer, TextualStyle(foreground=base_background + left_color))[1][0]
        right = get_box(border_right, inner, outer, TextualStyle(foreground=base_background + right_color))[1][2]
        return _Sides(gutter.top, size.height - gutter.bottom, content_size, inner.rich_style, left, right, padding)


def line_styles_cache(widget: Widget) -> None:
    """Give a pane the `LineStylesCache` (in its `__init__`, before it is drawn)."""
    widget._styles_cache = LineStylesCache()


def draw_changes_only(screen: Screen[Any]) -> None:
    """Give `screen` the `SpanCompositor` (before it is first laid out: its `__init__`)."""
    screen._compositor = SpanCompositor()


def post_refresh_now(widget: Widget) -> None:
    """Tell the screen now that `widget` needs a repaint (Textual's `Widget._check_refresh`).

    A widget otherwise says so on its own next idle, which comes after the
    screen has painted what was already dirty: a frame too late.
    """
    widget._check_refresh()


class LineScrollBar(ScrollBar):
    """Textual's scrollbar, its vertical bar drawn straight from the bar's own cells, line by line.

    Textual draws a scrollbar as a Rich renderable, through a console: 0.5-1.5 ms
    for one 36 lines high, and the browser's first screen has three. The same
    cells in the same styles (the bar's own over the widget's) are made here from
    `ScrollBarRender.render_bar`, asked as `ScrollBarRender.__rich_console__` asks
    it, once per refresh of the bar. A test compares both, cell by cell.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lines: list[Strip] | None = None

    def render_line(self, y: int) -> Strip:
        if not self.vertical:
            return super().render_line(y)
        if self._dirty_regions or self._lines is None:
            self._lines = self._draw()
            self._dirty_regions.clear()
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _draw(self) -> list[Strip]:
        bar = self.render()
        width, height = self.size
        if not isinstance(bar, ScrollBarRender) or not isinstance(bar.style, Style):
            return [super(LineScrollBar, self).render_line(y) for y in range(height)]
        style = bar.style
        cells = bar.render_bar(
            size=height,
            window_size=bar.window_size,
            virtual_size=bar.virtual_size,
            position=bar.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        base = self.visual_style.rich_style
        return [
            Strip([Segment(cell.text, base + cell.style if cell.style else base)], width) for cell in cells.segments
        ]


def line_scrollbar(widget: Widget) -> ScrollBar:
    """`Widget.vertical_scrollbar` as Textual makes it (created on first use, hidden), but a `LineScrollBar`."""
    if widget._vertical_scrollbar is not None:
        return widget._vertical_scrollbar
    widget._vertical_scrollbar = bar = LineScrollBar(
        vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
    )
    bar.display = False
    widget.app._start_widget(widget, bar)
    return bar


def set_border_titles(widget: Widget, title: Content | None, subtitle: Content | None) -> None:
    """Set a widget's border title and subtitle, repainting only the border lines whose text changed.

    Textual's `border_title` and `border_subtitle` repaint the whole widget on
    every assignment, the same text too (`_BorderTitle.__set__`): a list given
    its rows and its count after a key press drew all its lines again, where
    only the changed rows and its title line needed it. The text is kept as
    Textual keeps it (`_border_title`, `_border_subtitle`).
    """
    changed: list[bool] = []  # for each changed: whether it is the bottom border's
    for name, text, bottom in (("_border_title", title, False), ("_border_subtitle", subtitle, True)):
        kept = None if text is None else widget.render_str(text).expand_tabs(4).split()[0]
        if kept != getattr(widget, name):
            setattr(widget, name, kept)
            changed.append(bottom)
    if changed:  # where the border lines are is worked out only then (~20 µs a call)
        offset = widget.content_offset
        width, height = widget.outer_size
        for bottom in changed:
            widget.refresh(Region(-offset.x, height - 1 - offset.y if bottom else -offset.y, width, 1))


async def run_key_binding(app: App[Any], key: str) -> bool:
    """Run the binding of `key` now, as Textual would after the key has gone round the focused widgets.

    Textual runs a priority binding as the key arrives, but any other only once
    the key has been posted to the focused widget and bubbled back up through
    each container's queue to the App (`App._on_key`). So of two keys in one
    write, a priority key (a list's `j`) runs before the key ahead of it (`2`,
    which moves the focus) has reached its binding. Looked up here with the
    same two passes (`App._check_bindings`: priority from the App down, then the
    rest from the focused widget up), every bound key runs in the order typed.
    Returns whether a binding ran.
    """
    return await app._check_bindings(key, priority=True) or await app._check_bindings(key)


def as_typed(event: events.Key) -> events.Key:
    """The key as a terminal delivers it: sent by no one, so that it goes up to the app like a typed key.

    A key the app posts itself (Pilot's `press`, `App.simulate_key`, a test's
    burst) has the app as its sender. Textual stops such a message at the screen,
    the sender's child (a message does not bubble back to its sender), yet still
    hands it on to the app: `key_stopped` would then say the key was taken while
    its binding at the app is still to run, and the next key would be routed to
    the widget it was about to leave (seen as 'avrov' typed for 'lavrov').
    """
    event._sender = None
    return event


def key_stopped(event: events.Key) -> bool:
    """Whether a key was taken on its way up from the focused widget (`event.stop()`): it goes no further."""
    return bool(event._stop_propagation)


class OneLayoutScreen(Screen[ReturnType]):
    """A screen drawn in one frame as it opens: laid out once, and not drawn again for what that frame drew.

    Textual lays a new screen out and draws it as it is shown (`ScreenResume`),
    then does the same again, and again, for what was asked before or during
    that first layout and arrives after it: the screen's `Resize` to the size
    it was just laid out at (`Screen._on_resize` lays everything out again), the
    layout asked once its widgets have mounted (they were laid out), a repaint
    of the whole screen asked just after the first layout, the repaints its
    widgets asked as they were mounted, styled and filled (each posted to the
    screen after the layout that drew them), and each new scroll bar's own
    layout (a scroll bar is placed by its list's layout, never by its own).
    For the notebook's screen that was two or three frames more over ~60 ms.

    Here each of those stops before Textual's handler; anything asked after the
    first frame, or that changes what is shown (a real resize, new widgets),
    goes on as always. Handlers by Textual's names (`on_resize`, `on_layout`,
    `on_update`) run before Textual's own (`Screen._on_*`) and `prevent_default`
    stops those; `refresh` is the public method. (Breakpoints, `_on_resize`'s
    other work, are not used by Dossier.)
    """

    _drawn_at: float | None = None
    """When the first layout had drawn the screen (Textual's message clock), or None before."""
    _just_drawn = False
    """True from the first layout to the end of the message it came in (`ScreenResume`)."""
    _mounted_layout_skipped = False
    """Whether the layout asked once the widgets had mounted has been let go (once only)."""
    _laid_out_nodes: tuple[int, ...] = ()
    """The widgets the first layout placed (by identity): a layout asked for other widgets goes on."""

    def _nodes_now(self) -> tuple[int, ...]:
        return tuple(id(node) for node in self.walk_children(with_self=False))

    def on_mount(self) -> None:
        self.screen_layout_refresh_signal.subscribe(self, self._laid_out, immediate=True)

    def _laid_out(self, screen: Screen[Any]) -> None:
        if self._drawn_at is None:
            self._drawn_at = Message().time
            self._laid_out_nodes = self._nodes_now()
            self._just_drawn = True
            self.call_next(self._drawn)
            # The first layout drew every widget as it is now: a repaint one of them asked for before
            # or during it (a scroll bar, placed and sized by it) and has not posted yet is done.
            for widget in self.walk_children(Widget, with_self=False):
                widget._repaint_required = False
                if widget.show_vertical_scrollbar:
                    widget.vertical_scrollbar._repaint_required = False
                if widget.show_horizontal_scrollbar:
                    widget.horizontal_scrollbar._repaint_required = False

    def _drawn(self) -> None:
        self._just_drawn = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if not regions and not recompose:
            if self._drawn_at is None:
                return self  # not laid out yet: the first layout is coming (`ScreenResume`) and draws everything
            if self._just_drawn and not layout:
                return self  # Textual's repaint of the whole screen just after its first layout drew it all
            if layout and not self._mounted_layout_skipped and self._nodes_now() == self._laid_out_nodes:
                # The layout Textual asks for once the screen's widgets have mounted: the first did it.
                self._mounted_layout_skipped = True
                return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            event.prevent_default()

    def on_layout(self, message: messages.Layout) -> None:
        if isinstance(message.widget, ScrollBar):
            message.prevent_default()

    def on_update(self, message: messages.Update) -> None:
        if self._drawn_at is not None and message.time <= self._drawn_at:
            message.prevent_default()  # asked before the first layout, which drew it


class GuardedApp(App[ReturnType]):
    """An App whose two private hooks call methods of its own with public names.

    * `drawn_action_allowed(event, namespace)`: Textual runs an action named in
      the style of the text under the mouse (`@click=app.quit`) when that text
      is clicked; it runs only when this says yes (else the event stops here).
    * `unhandled_exception(error)`: every exception no handler caught (a failed
      worker arrives wrapped in `WorkerFailed`). By default Textual's own
      handling: a traceback and the end of the app. `end_without_traceback`
      ends the app as Textual does, less the traceback.
    """

    def drawn_action_allowed(self, event: events.Event, namespace: DOMNode) -> bool:
        return True

    def unhandled_exception(self, error: Exception) -> None:
        self.textual_exception_handling(error)

    def textual_exception_handling(self, error: Exception) -> None:
        """Textual's own handling of an unhandled exception: the traceback is printed and the app ends."""
        super()._handle_exception(error)

    def end_without_traceback(self, error: Exception) -> None:
        """End the app with return code 1 as Textual does for an unhandled exception, printing nothing.

        Under `run_test` the exception is raised again when the test's app ends,
        as Textual does, so a test sees it.
        """
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    async def _broker_event(self, event_name: str, event: events.Event, default_namespace: DOMNode) -> bool:
        # Called by every widget's click and mouse up/down (`Widget.broker_event`); the result is unused.
        if self.drawn_action_allowed(event, default_namespace):
            return await super()._broker_event(event_name, event, default_namespace)
        event.stop()
        return True

    def _handle_exception(self, error: Exception) -> None:
        self.unhandled_exception(error)

    @property
    def _background_screens(self) -> list[Screen[Any]]:
        # Textual counts the screen just under the top one as visible whatever the top one is, so
        # a browser covered by an opaque screen (the notebook, help, search) still lays itself out
        # and repaints (its Footer recomposed as the focus left it), and each of its repaints has
        # the top screen drawn again. Under an opaque screen nothing shows: none is visible. (Only
        # a screen with a translucent background, a modal, draws the one under it: `Screen.render`.)
        stack = self.screen_stack
        if stack and stack[-1].styles.background.a >= 1:
            return []
        return super()._background_screens

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        return QuietLinuxDriver if driver is LinuxDriver else driver

    def _refresh_notifications(self) -> None:
        # Textual hands the notifications to a screen's toast rack as the screen is shown, and the
        # rack sets its own `display` then: with none to show, a layout of the whole screen (and a
        # frame) just after the screen's first, for a rack that stays hidden.
        if not self._notifications:
            try:
                rack = self.screen.get_child_by_type(ToastRack)
            except (NoMatches, ScreenStackError):
                rack = None
            if rack is not None and not rack.display and not rack.children:
                return
        super()._refresh_notifications()


class _WakingEvent(threading.Event):
    """A `threading.Event` that also writes a byte to `wake` when set: the input thread's select returns."""

    def __init__(self, wake: int) -> None:
        super().__init__()
        self._wake = wake

    def set(self) -> None:
        super().set()
        try:
            os.write(self._wake, b"x")
        except OSError:  # the pipe is full (a wake is already pending) or closed with the driver
            pass


class QuietLinuxDriver(LinuxDriver):
    """Textual's Linux driver, whose input thread sleeps until there is input, not ten times a second.

    Textual's input thread asks the terminal for input with a timeout of 0.1 s, so an
    idle browser woke ten times a second: 0.8 ms of CPU a second, ~70 % of all an
    idle browser used, 37 ms a second for the 48 sessions of an SSH lecture hall
    (docs/serving.md). Here it
    waits with no timeout, except while the parser holds a lone Escape (or the
    start of a sequence) that it gives up on after its own short timeout, which
    Textual's parser keeps in `_timeout_time`. Ending the thread (`disable_input`
    sets `exit_event`) writes to a pipe the thread also waits on. When the
    terminal's input ends (its window closed, or it hung up) the app exits
    (`_terminal_gone`), and a key arrives in the event loop without a task
    (`send_message`). Otherwise this is Textual's `LinuxDriver.run_input_thread`,
    line for line.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self.exit_event = _WakingEvent(self._wake_write)

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._wake_read, selectors.EVENT_READ)
        fileno, wake = self.fileno, self._wake_read
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            """Read and parse what came; False when the terminal has gone."""
            for key, mask in events:
                if key.fd == wake:
                    try:
                        os.read(wake, 64)
                    except OSError:
                        pass
                    continue
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(fileno, 1024 * 4)
                    except OSError:  # EIO: the terminal has hung up
                        data = b""
                    if not data:
                        return False
                    for event in parser.feed(decode(data, final=final)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        def timeout() -> float | None:
            due = parser._timeout_time
            return None if due is None else max(0.0, min(0.1, due - get_time()))

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(timeout())):
                    self._terminal_gone()
                    return
            selector.unregister(fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _ in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass

    def _terminal_gone(self) -> None:
        """The terminal's input has ended: its window closed, or it hung up. The app ends.

        Textual's thread went on reading a terminal that had gone, each read
        returning at once with nothing: a browser left behind by a closed
        terminal spun at half a core until killed. Nothing can be typed or
        shown any more, so the app is asked to exit, as `q` would.
        """
        try:
            self._loop.call_soon_threadsafe(self._app.exit)
        except RuntimeError:  # the loop has closed: the app is ending already
            pass

    def send_message(self, message: Message) -> None:
        # Textual's sends each key as `run_coroutine_threadsafe(app._post_message(message))`: a coroutine, a
        # task and two futures a key for what is `app.post_message(message)`, run in the event loop.
        self._loop.call_soon_threadsafe(self._app.post_message, message)

    def close(self) -> None:
        super().close()
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass

"""A list of any length drawn with Textual's Line API: only the visible rows are ever built.

`VirtualList` is a `ScrollView` whose `render_line` draws one row from a small
cache of pages. It never holds a widget per row, nor a model per row that is
not near the screen: rows come from a `Pager` (built by the screen from
`Store` methods) in pages of `PAGE_SIZE`, fetched by the reader thread
(`reader`, one for every pane) as the cursor or the scroll position reaches them, keeping at most `CACHE_PAGES`.

A page that follows a cached one is fetched by keyset (the row just before
it); a jump (End, a deep link, a step back in history) asks for an offset
within this list's rows only, which the store answers from an index. The
count shown in the title is asked once per `load`, in the same read as the
first page. Every result carries the generation of the `load` it belongs to:
results of an older load (the user has moved on) are dropped.

Drawn rows are kept too (`ROW_CACHE` screens' worth), each while its model,
the width, the cursor and focus and the subclass's `row_key` stay the same, so
a scroll by one row draws one new row; the scrollbar is drawn again only when
its thumb moves a cell (`same_thumb`).

A row may take more than one line (`row_height`, from the pane's width): its
text is wrapped at words (`render.wrap_row`), continuation lines indented by
`wrap_indent`, the last cut with an ellipsis. Every row of a list has the same
height at one width, so line `y` is row `y // height`: the list still never
measures a row it does not draw. Scroll positions are in lines, the cursor in rows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from math import ceil
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from .. import keys
from ..errors import StoreError
from . import reader, render
from .frame_hold import FrameHold
from .paint_pass import PaintPass
from .textual_compat import set_border_titles, update_scrollbars

T = TypeVar("T")

PAGE_SIZE = 100
"""Rows fetched at a time: a screen or two, a fraction of a millisecond from an index."""
CACHE_PAGES = 8
"""Pages kept per list; the least recently drawn page goes first."""
PREFETCH_ROWS = PAGE_SIZE // 2
"""A page is fetched once the viewport comes this close to it."""
ROW_CACHE = 2
"""Screens' worth of drawn rows kept per list (the least recently drawn goes first): at least
the rows in view, or a scroll would find none of them; little more, since they cost memory."""


def set_virtual_size(widget: ScrollView, size: Size, *, repaint: bool = True) -> None:
    """Give a Line API widget a new virtual size without a layout of the whole screen.

    `virtual_size` is a `layout=True` reactive: setting it re-lays out every
    widget on the screen (tens of milliseconds), though only the scrollbars
    depend on it. `update_scrollbars` (Textual's own step after a resize)
    updates them, and asks for a layout itself when a scrollbar appears or goes.
    `repaint=False`: the caller repaints the lines that changed itself.
    """
    if size != widget.virtual_size:
        height_only = size.height != widget.virtual_size.height or widget.styles.overflow_x != "hidden"
        widget.set_reactive(ScrollView.virtual_size, size)
        if height_only:  # the width alone moves no scroll bar when there is no horizontal one
            update_scrollbars(widget, size)
        if repaint:
            widget.refresh()


def same_thumb(bar: ScrollBar, old: float, new: float) -> bool:
    """Whether a vertical scrollbar draws the same cells at scroll position `old` as at `new`.

    In a list of 30,000 rows a one-row scroll moves the thumb by a thousandth of
    a cell, yet Textual draws the bar again for every change of position. This
    asks the bar's own renderer (`ScrollBarRender.render_bar`, as
    `ScrollBar._render_bar` calls it in the pinned Textual) for both positions;
    colours do not depend on the position, so they are left out.
    """
    old, new = bar.validate_position(old), bar.validate_position(new)
    if old == new:
        return True
    virtual_size = bar.window_virtual_size
    window_size = bar.window_size if bar.window_size < virtual_size else 0
    height = bar.size.height

    def cells(position: float) -> list[Segment]:
        drawn = bar.renderer.render_bar(
            size=height,
            virtual_size=ceil(virtual_size),
            window_size=ceil(window_size),
            position=position,
            thickness=bar.thickness,
            vertical=True,
        )
        return list(drawn.segments)

    return cells(old) == cells(new)


class Pager(Generic[T]):
    """How a list gets its rows. Built by the screen from `Store` methods; called in thread workers.

    Not changed once made. A plain class, as `Snapshot` and the list's messages: a
    dataclass costs ~0.3-0.8 ms to define, before the first frame (docs/performance.md).
    """

    __slots__ = ("count", "ident", "of", "page", "position")

    def __init__(
        self,
        count: Callable[[], int],
        page: Callable[[T | None, int, int], list[T]],
        ident: Callable[[T], int],
        position: Callable[[int], int | None] = lambda _entity_id: None,
        of: int | None = None,
    ) -> None:
        self.count = count
        """How many rows the list has in all (asked once per load)."""
        self.page = page
        """`page(after, start, limit)`: rows from just after the row `after`, or from row `start` when it is None."""
        self.ident = ident
        """The database id of a row, to select it again later."""
        self.position = position
        """Where the row with this id stands in the list, or None when it is not there."""
        self.of = of
        """Whose rows these are (the actor of a Statements pane, the measure of a Consequences pane), so
        the screen can tell whether a list already shows them (`VirtualList.rows_of`)."""


class Snapshot(Generic[T]):
    """A list's rows read again after the file changed (`read_again`), shown at once by `VirtualList.show_again`."""

    __slots__ = ("count", "index", "pager", "pages")

    def __init__(self, pager: Pager[T], count: int, index: int, pages: dict[int, list[T]]) -> None:
        self.pager = pager
        self.count = count
        self.index = index
        """The cursor's row: the kept row where it still is, else the nearest place."""
        self.pages = pages
        """The pages around the cursor, by page number."""

    @property
    def highlighted(self) -> T | None:
        page = self.pages.get(self.index // PAGE_SIZE, [])
        offset = self.index % PAGE_SIZE
        return page[offset] if self.count and offset < len(page) else None


def read_again(pager: Pager[T], keep_id: int | None, keep_index: int, around: int) -> Snapshot[T]:
    """Read a list as `load` would, with the row `keep_id` under the cursor, or the row at `keep_index` when it is gone.

    In any thread, inside the store's `snapshot()` so that every list read
    again sees one committed state. Reads the pages `around` rows either side
    of the cursor (a screenful), so that the rows shown all come from that state.
    """
    count = pager.count()
    index = pager.position(keep_id) if keep_id is not None else None
    index = max(0, min(keep_index if index is None else index, count - 1))
    pages: dict[int, list[T]] = {}
    if count:
        first, last = max(0, index - around) // PAGE_SIZE, min(count - 1, index + around) // PAGE_SIZE
        for page_no in range(first, last + 1):
            previous = pages.get(page_no - 1)
            after = previous[-1] if previous and len(previous) == PAGE_SIZE else None
            pages[page_no] = list(pager.page(after, page_no * PAGE_SIZE, PAGE_SIZE))
    return Snapshot(pager, count, index, pages)


class VirtualList(PaintPass, ScrollView, Generic[T], can_focus=True):
    """A keyboard-driven list over a `Pager`; subclasses say how one row looks (`render_item`)."""

    # The moves are `priority` bindings: the app runs them as the key arrives, while the
    # list has focus. Otherwise the key goes to the list and bubbles up through every
    # container to the app before its binding is looked up, a hop each (~1 ms a press).
    # Nothing between the list and the app binds these keys, so the same action runs.
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--cursor",
        "virtual-list--cursor-blurred",
        "virtual-list--dim",
        "virtual-list--accent",
        "virtual-list--mark",
        "virtual-list--match",
    }

    cursor: reactive[int] = reactive(0, init=False, repaint=False)
    """The highlighted row's index (a move repaints the two rows it changes, or the pane when it scrolls)."""

    label: ClassVar[str] = "Items"
    """The pane's name in its title (`Statements · 4`)."""
    kind: ClassVar[str] = "item"
    """What one row is (`actor`, `statement`, ...): the kind of the reference the Detail pane opens for it."""

    class _RowMessage(Message):
        """A message about one row: the list, the row's model and its index."""

        def __init__(self, virtual_list: VirtualList[Any], item: Any, index: int) -> None:
            super().__init__()
            self.virtual_list = virtual_list
            self.item = item
            self.index = index

        @property
        def control(self) -> VirtualList[Any]:
            return self.virtual_list

    class Highlighted(_RowMessage, bubble=False):
        """The cursor rests on a row whose model is loaded (or on nothing: an empty list).

        Posted to the list's screen, where the panes are linked, not to the list: a
        message posted to the list waits its turn in the queue of every container on
        the way up (~0.2 ms each, once per key press). It goes on bubbling from the
        screen as any message does; `control` is still the list, so `@on` selectors work.
        """

    class Selected(_RowMessage):
        """Enter was pressed on a row."""

    class _Loaded(Message):
        def __init__(
            self, generation: int, count: int, index: int, page_no: int, rows: list[object], error: str | None = None
        ) -> None:
            super().__init__()
            self.generation = generation
            self.count = count
            self.index = index
            self.page_no = page_no
            self.rows = rows
            self.error = error

    class _PageLoaded(Message):
        def __init__(self, generation: int, page_no: int, rows: list[object]) -> None:
            super().__init__()
            self.generation = generation
            self.page_no = page_no
            self.rows = rows

    def __init__(self, *, empty_message: str = "Nothing here", id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.empty_message = empty_message
        """What the pane says when the list is empty, so an empty pane says why."""
        self.subject: str | None = None
        """What the list is about (an actor's name), shown under the pane as dossier text."""
        self.filter_note: str = ""
        """The facet filters kept (`kind=quote · year=2021`), shown in the title after the count."""
        self._pager: Pager[T] | None = None
        self._count: int | None = None
        self._pages: OrderedDict[int, list[T]] = OrderedDict()
        self._generation = 0
        self._wanted: set[int] = set()
        self._announced: tuple[int, int] | None = None
        self._error: str | None = None
        self._styles: dict[str, Style] = {}
        self._rows: OrderedDict[int, tuple[object, tuple[object, ...], list[Strip]]] = OrderedDict()
        """Drawn rows by index: (the row's model, what else decides its look, a strip a line); see `render_line`."""
        self._empty: tuple[tuple[str, int, Style], list[Text]] | None = None
        """The empty list's message wrapped, with what it was wrapped for (its text, the width, its style)."""
        self._line_height = 1
        """Lines a row takes at the current width (`row_height`)."""
        self._painted: dict[int, Strip] = {}
        """The strip last painted at each line of the pane (from its top), to repaint only lines that change."""
        self._painting = False
        self._title_key: tuple[object, ...] | None = None
        """What the border titles were last made from (`_update_title`)."""
        self._queued_steps = 0
        """Moves typed while the rows were still loading, made once they arrive (keys never go astray)."""
        self.frame_hold: FrameHold | None = None
        """Started when the cursor moves, so the screen can paint the move with what it loads (see frame_hold)."""
        self.notebook_marks: frozenset[str] = frozenset()
        """The rows the researcher has marked (`m`), by `notebook_key`: drawn with a mark in front."""
        self.held: list[Callable[[], None]] | None = None
        """While a list (not None), the reads this list would start in its workers wait in it, in order, for
        `start_held`: the browser's first screen holds them until its first frame is drawn (`BrowseScreen.on_mount`)."""

    # ----------------------------------------------------------------- public

    @property
    def count(self) -> int | None:
        """How many rows the list has, once known."""
        return self._count

    @property
    def highlighted(self) -> T | None:
        """The model under the cursor, if loaded."""
        return self._item(self.cursor)

    @property
    def highlighted_id(self) -> int | None:
        """The database id of the row under the cursor, if loaded: the list's selection."""
        item = self.highlighted
        return None if item is None or self._pager is None else self._pager.ident(item)

    @property
    def rows_of(self) -> int | None:
        """Whose rows the list shows (`Pager.of`); None for an empty list."""
        return None if self._pager is None else self._pager.of

    def load(
        self,
        pager: Pager[T] | None,
        *,
        select_id: int | None = None,
        subject: str | None = None,
        empty_message: str | None = None,
        now: bool = False,
    ) -> None:
        """Show the rows of `pager` (None: an empty list), with the row `select_id` under the cursor.

        The rows are read in a worker; with `now`, here and at once, for the first
        screen only: no key can be waiting yet, and its first frame then shows rows
        instead of empty panes that are drawn again a moment later.
        """
        self._generation += 1
        self._pager = pager
        self._count = None if pager is not None else 0
        self._pages.clear()
        self._rows.clear()
        self._wanted.clear()
        self._announced = None
        self._error = None
        self._queued_steps = 0
        self.subject = subject
        if empty_message is not None:
            self.empty_message = empty_message
        self.set_reactive(VirtualList.cursor, 0)
        if self._fit_line_height():
            self.refresh()
        set_virtual_size(self, Size(self.scrollable_content_region.width, 0), repaint=False)
        self.scroll_to(y=0, animate=False, immediate=True)
        hold = self.frame_hold
        if pager is None or now or hold is None or not hold.before_frame(self, self._repaint_if_pending):
            self._update_title()
            self._repaint()
        if pager is None:
            self._announce()
        elif now:
            self._apply_loaded(self._fetch(self._generation, pager, select_id))
        else:
            self._in_worker(self._generation, self._load_rows, pager, select_id)

    def _in_worker(self, generation: int, read: Callable[..., object], *args: object) -> None:
        """Start `read(generation, *args)` in its worker now, or once `start_held` is called (see `held`).

        A held read of a selection the user has already left is not started: in
        its exclusive group it would cancel the read of the one they are on.
        """
        if self.held is None:
            read(generation, *args)
            return

        def start() -> None:
            if generation == self._generation:
                read(generation, *args)

        self.held.append(start)

    def start_held(self) -> None:
        """Start the reads held so far (see `held`), and from now on start each at once."""
        held, self.held = self.held or [], None
        for start in held:
            start()

    def show_again(self, snapshot: Snapshot[T], *, subject: str | None, offset: int) -> None:
        """Show rows read again (`read_again`) at once, the cursor `offset` rows below the top as it was.

        Like `load`, but nothing is read here and nothing blank is drawn in
        between: the list goes from the old rows to the new in one frame.
        """
        self._generation += 1
        self._pager = snapshot.pager
        self._count = snapshot.count
        self._pages.clear()
        for page_no in sorted(snapshot.pages):
            self._store_page(page_no, snapshot.pages[page_no])  # type: ignore[arg-type]
        self._rows.clear()
        self._wanted.clear()
        self._announced = None
        self._error = None
        self._queued_steps = 0
        self.subject = subject
        self.set_reactive(VirtualList.cursor, snapshot.index)
        set_virtual_size(self, self._virtual_size())
        self.scroll_to(y=max(0, snapshot.index - offset) * self._line_height, animate=False, immediate=True)
        self._scroll_to_cursor()
        self._update_title()
        self.refresh()
        self._request_pages()
        self._announce()

    @property
    def cursor_offset(self) -> int:
        """How many rows below the top of the pane the cursor stands (kept when the rows are read again)."""
        return self.cursor - int(self.scroll_y) // self._line_height

    @property
    def generation(self) -> int:
        """How many times the list has been loaded: a new number for each `load` or `show_again`."""
        return self._generation

    @property
    def rows_pending(self) -> bool:
        """Whether rows asked for have not arrived yet (a first page, or moves waiting for it)."""
        return (self._count is None and self._pager is not None) or bool(self._queued_steps)

    def select_id(self, entity_id: int) -> None:
        """Put the cursor on the row with this id (reloads the list around it)."""
        if self._pager is not None:
            self.load(self._pager, select_id=entity_id, subject=self.subject)

    def notebook_key(self, item: T) -> str | None:
        """What the notebook knows a row by: its slug (a list of one kind); None for a row it cannot mark."""
        slug = getattr(item, "slug", None)
        return slug if isinstance(slug, str) else None

    def set_notebook_marks(self, keys: frozenset[str]) -> None:
        """Mark the rows with these `notebook_key`s; only the visible rows whose mark changes are drawn again."""
        if keys == self.notebook_marks:
            return
        changed = keys ^ self.notebook_marks
        self.notebook_marks = keys
        height = max(1, self._line_height)  # a row may take several lines; its mark is on one of them
        top = int(self.scroll_y) // height
        for index in range(top, top + self.scrollable_content_region.height // height + 2):
            item = self._item(index)
            if item is not None and self.notebook_key(item) in changed:
                self.refresh_row(index)

    def render_item(self, item: T, index: int, width: int) -> Text:
        """One row as Text (built through `render`); subclasses say what a row shows."""
        return render.plain(str(item))

    wrap_indent: ClassVar[int] = 2
    """Cells the second and later lines of a row are indented by."""

    mark_gutter: ClassVar[int] = 0
    """Cells kept in front of every row for the notebook's mark (`● `); 0: rows of two lines or more
    draw it in their second line's hanging indent instead (see `mark_row`)."""

    def mark_row(self, lines: list[Text], marked: bool) -> list[Text]:
        """A row's lines with its mark, placed so that no text moves whether the row is marked or not.

        With a gutter, `● ` (or its room) stands in front of every line. Without
        one, a row of two lines or more draws `● ` in the last two blank cells
        of its second line's hanging indent (`wrap_indent`, 2 cells or more),
        room no text uses: the panes keep every cell for text (at 80×24 the
        highlighted statement shows its first 60 characters, every actor of the
        default dossier its whole name).
        """
        if self.mark_gutter:
            room = " " * self.mark_gutter
            lead = Text("●".ljust(self.mark_gutter), style=self.style("mark")) if marked else Text(room)
            return [render.join(lead if n == 0 else room, line) for n, line in enumerate(lines)]
        if not marked:
            return lines
        if len(lines) >= 2:
            second = lines[1]
            blank = len(second.plain) - len(second.plain.lstrip(" ")) if second.plain.strip() else 2
            if blank >= 2:
                mark = Text("● ", style=self.style("mark"))
                return [lines[0], render.join(" " * (blank - 2), mark, second[blank:]), *lines[2:]]
        return [render.join(Text("● ", style=self.style("mark")), lines[0]), *lines[1:]]

    @property
    def row_width(self) -> int:
        """Cells a row's own text has: the pane's width less the mark's gutter."""
        return max(1, self.scrollable_content_region.width - self.mark_gutter)

    def row_height(self, width: int) -> int:
        """How many lines each row takes in a pane `width` cells wide (the same for every row)."""
        return 1

    def render_row_lines(self, item: T, index: int, width: int, height: int) -> list[Text]:
        """A row as `height` lines of `width` cells: `render_item` wrapped at words (see `render.wrap_row`)."""
        return render.wrap_row(self.render_item(item, index, width), width, height, self.wrap_indent)

    @property
    def line_height(self) -> int:
        """Lines a row takes now."""
        return self._line_height

    def refresh_row(self, index: int) -> None:
        """Repaint the lines of one row."""
        height = self._line_height
        self.refresh_lines(index * height, height)

    def _fit_line_height(self) -> bool:
        """Take the row height for the current width; True when it changed."""
        height = max(1, self.row_height(self.row_width))
        if height == self._line_height:
            return False
        self._line_height = height
        self._rows.clear()
        return True

    def _rows_in_view(self) -> tuple[int, int]:
        """The first row on screen and how many rows the pane shows (a row cut at the bottom counts)."""
        height = self._line_height
        top = int(self.scroll_y)
        lines = max(1, self.scrollable_content_region.height)
        return top // height, max(1, (top + lines - 1) // height - top // height + 1)

    def _virtual_size(self) -> Size:
        return Size(self.scrollable_content_region.width, (self._count or 0) * self._line_height)

    def row_key(self, item: T, index: int) -> object:
        """Whatever else, besides the row's model, width, cursor and focus, decides how a row looks.

        A drawn row is kept and drawn again while this stays equal (see `render_line`):
        a subclass whose rows depend on more (a mark, the row before) must say so here.
        """
        return None

    def is_selectable(self, item: T) -> bool:
        """Whether the cursor may rest on this row (a group heading may not)."""
        return True

    def style(self, name: str) -> Style:
        """A component style (`dim`, `accent`, `mark`, `match`) for building rows, from the theme."""
        if name not in self._styles:
            self._styles[name] = render.foreground(self.get_component_rich_style(f"virtual-list--{name}"))
        return self._styles[name]

    def item_at(self, index: int) -> T | None:
        return self._item(index)

    # ----------------------------------------------------------------- loading

    def _fetch(self, generation: int, pager: Pager[T], select_id: int | None) -> _Loaded:
        """The count, the cursor's place and its page (in any thread); a store error is reported, not raised."""
        try:
            count = pager.count()
            index = 0
            if select_id is not None:
                index = pager.position(select_id) or 0
            index = max(0, min(index, count - 1))
            page_no = index // PAGE_SIZE
            rows = pager.page(None, page_no * PAGE_SIZE, PAGE_SIZE) if count else []
        except StoreError as exc:
            return self._Loaded(generation, 0, 0, 0, [], error=str(exc))
        return self._Loaded(generation, count, index, page_no, list(rows))

    def _load_rows(self, generation: int, pager: Pager[T], select_id: int | None) -> None:
        reader.read(self, "load", lambda: [self._fetch(generation, pager, select_id)])

    def _fetch_pages(self, generation: int, pager: Pager[T], wanted: list[tuple[int, T | None]]) -> None:
        def fetch() -> list[Message]:
            # A StoreError here (the file damaged while browsing) goes to the app's one-line notice.
            return [
                self._PageLoaded(generation, page_no, list(pager.page(after, page_no * PAGE_SIZE, PAGE_SIZE)))
                for page_no, after in wanted
            ]

        reader.read(self, "pages", fetch)

    def _on_virtual_list__loaded(self, message: _Loaded) -> None:
        message.stop()
        self._apply_loaded(message)

    def _apply_loaded(self, message: _Loaded) -> None:
        if message.generation != self._generation:
            return  # an older selection's rows: the user has moved on
        self._count = message.count
        self._error = message.error
        if message.rows:
            self._store_page(message.page_no, message.rows)
        if not self.size and message.count > self.app.size.height and self.styles.overflow_y == "auto":
            # Loaded before its first layout (`load(now=True)`), with more rows than the terminal has
            # lines: the scroll bar is there from that layout, not added by a second one.
            self.set_reactive(Widget.show_vertical_scrollbar, True)
            self.vertical_scrollbar.display = True
        set_virtual_size(self, self._virtual_size(), repaint=False)
        self._update_title()
        self.set_reactive(VirtualList.cursor, message.index)
        if message.index or self.scroll_y:
            # Again once laid out: a scroll bar that comes with these rows takes lines or columns. (The first
            # row at the top stays in view whatever the layout does: no second look, ~0.1 ms a list a move.)
            self.call_after_refresh(self._scroll_to_cursor, True)
        self._scroll_to_cursor(center=True)
        self._repaint()
        self._request_pages()
        self._announce()
        if self._queued_steps:
            steps, self._queued_steps = self._queued_steps, 0
            self._step(steps)

    def _on_virtual_list__page_loaded(self, message: _PageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._wanted.discard(message.page_no)
        self._store_page(message.page_no, message.rows)
        self._repaint()
        self._announce()

    def _store_page(self, page_no: int, rows: list[object]) -> None:
        self._pages[page_no] = rows  # type: ignore[assignment]
        self._pages.move_to_end(page_no)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)

    def _item(self, index: int) -> T | None:
        if self._count is None or not 0 <= index < self._count:
            return None
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def _request_pages(self) -> None:
        """Fetch the pages under the viewport and the cursor that are not cached."""
        if self._pager is None or not self._count:
            return
        top, shown = self._rows_in_view()
        bottom = min(self._count - 1, top + shown)
        needed = set(range(top // PAGE_SIZE, bottom // PAGE_SIZE + 1)) | {self.cursor // PAGE_SIZE}
        # Half a page ahead in both directions, so ↓ or ↑ held never meets a row still loading.
        needed |= {max(0, top - PREFETCH_ROWS) // PAGE_SIZE, min(self._count - 1, bottom + PREFETCH_ROWS) // PAGE_SIZE}
        for page_no in needed & self._pages.keys():
            self._pages.move_to_end(page_no)
        missing = sorted(page_no for page_no in needed if page_no not in self._pages)
        if not missing or set(missing) <= self._wanted:
            return
        self._wanted = set(missing)
        wanted: list[tuple[int, T | None]] = []
        for page_no in missing:
            previous = self._pages.get(page_no - 1)
            wanted.append((page_no, previous[-1] if previous and len(previous) == PAGE_SIZE else None))
        self._in_worker(self._generation, self._fetch_pages, self._pager, wanted)

    def _announce(self) -> None:
        """Tell the screen what is under the cursor, once per row (when its model has arrived)."""
        if self._count is None:
            return
        if self._count == 0:
            key = (self._generation, -1)
            if self._announced != key:
                self._announced = key
                self._post_highlighted(None, -1)
            return
        item = self._item(self.cursor)
        key = (self._generation, self.cursor)
        if item is not None and self._announced != key:
            self._announced = key
            self._post_highlighted(item, self.cursor)

    def _post_highlighted(self, item: T | None, index: int) -> None:
        try:
            target: MessagePump = self.screen
        except NoScreen:
            target = self
        target.post_message(self.Highlighted(self, item, index))

    def _update_title(self) -> None:
        # What the titles are made of: making them (Content, then Textual's markup pass) is ~0.2 ms,
        # and a move asks twice (the load, then its rows), most often for the same text.
        key = (self.label, self._count, self.filter_note, self.subject)
        if key == self._title_key:
            return
        self._title_key = key
        set_border_titles(
            self,
            render.pane_title(self.label, self._count, self.filter_note or None),
            render.content(self.subject) if self.subject else None,
        )

    # ----------------------------------------------------------------- cursor and scrolling

    def validate_cursor(self, cursor: int) -> int:
        if not self._count:
            return 0
        return max(0, min(cursor, self._count - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        if self.frame_hold is not None:
            self.frame_hold.start()
        top = self.scroll_y
        self._scroll_to_cursor()
        if self.scroll_y == top:  # a scroll repaints the whole pane itself (watch_scroll_y)
            self.refresh_row(old)
            self.refresh_row(new)
        self._request_pages()
        self._announce()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        bar = self.vertical_scrollbar if self.show_vertical_scrollbar else None
        if bar is not None and same_thumb(bar, old_value, new_value):
            # `ScrollView.watch_scroll_y` without the scrollbar's repaint (~0.5 ms a press
            # in a long list): it would draw the same cells. Its position is still kept.
            bar.set_reactive(ScrollBar.position, bar.validate_position(new_value))
            if round(old_value) != round(new_value):
                self.refresh(self.size.region)
        else:
            super().watch_scroll_y(old_value, new_value)
        self._request_pages()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        """Scroll so that the cursor's row is in view, whole when it fits; the top is always a row's first line."""
        lines = self.scrollable_content_region.height
        if lines <= 0:
            return
        row = self._line_height
        rows = max(1, lines // row)
        first, last = self.cursor * row, self.cursor * row + row - 1
        top = int(self.scroll_y)
        if center and not (top <= first and last < top + lines):
            self.scroll_to(y=max(0, self.cursor - (rows - 1) // 2) * row, animate=False, immediate=True)
        elif first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + lines:
            self.scroll_to(y=max(0, self.cursor - rows + 1) * row, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        changed = self._fit_line_height()
        # A new size is drawn in full by the layout that gave it; only rows of a new height need drawing again.
        set_virtual_size(self, self._virtual_size(), repaint=False)
        if changed:
            self.refresh()
        self._scroll_to_cursor()
        self._request_pages()

    def _step(self, delta: int) -> None:
        if self._count is None and self._pager is not None:
            self._queued_steps += delta  # the rows are on their way: move once they are here
            return
        if not self._count:
            return
        target = max(0, min(self.cursor + delta, self._count - 1))
        step = 1 if delta > 0 else -1
        # Skip rows the cursor may not rest on (group headings), when they are loaded.
        while 0 <= target < self._count:
            item = self._item(target)
            if item is None or self.is_selectable(item):
                self.cursor = target
                return
            target += step

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def _page_rows(self) -> int:
        """Rows a page moves: a screenful less one, so the row at the edge stays in view."""
        return max(1, self.scrollable_content_region.height // self._line_height - 1)

    def action_page_up(self) -> None:
        self._step(-self._page_rows())

    def action_page_down(self) -> None:
        self._step(self._page_rows())

    def action_cursor_first(self) -> None:
        self.cursor = 0
        first = self._item(0)
        if first is not None and not self.is_selectable(first):
            self._step(1)

    def action_cursor_last(self) -> None:
        if self._count:
            self.cursor = self._count - 1

    def action_select_row(self) -> None:
        item = self.highlighted
        if item is not None:
            self.post_message(self.Selected(self, item, self.cursor))

    async def on_click(self, event: events.Click) -> None:
        event.prevent_default()  # Textual's own click (text selection, actions in the text) is not wanted here
        offset = event.get_content_offset(self)
        if offset is not None and self._count:
            index = (int(self.scroll_y) + offset.y) // self._line_height
            if index < self._count:
                self.cursor = index
        self.focus()

    def on_focus(self) -> None:
        self._styles.pop("", None)
        self._rows.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._styles.pop("", None)
        self._rows.clear()
        self.refresh()

    # ----------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._rows.clear()

    def base_style(self) -> Style:
        """The pane's own style (`rich_style`), kept until the styles change: Textual works it out
        from every ancestor on each call, a fifth of the time of drawing a frame when asked per line."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _repaint(self) -> None:
        """Repaint the lines that now draw differently from what is on the screen (in place of `refresh()`).

        After a key press a list is given new rows, yet many of its lines draw
        as before: the blank lines under the last row, an empty list's message,
        a row at the same place. Each line Textual paints costs it ~60-85 µs
        beyond drawing the row (`docs/serving.md`): only the changed are painted.
        Before the first paint this is `refresh()`.
        """
        painted = self._painted
        height = self.scrollable_content_region.height
        if not painted or not height:
            self.refresh()
            return
        width = self.outer_size.width
        start = None
        with self.paint_pass():
            for y in range(height + 1):
                changed = y < height and painted.get(y) != self._line(y)
                if changed and start is None:
                    start = y
                elif not changed and start is not None:
                    self.refresh(Region(0, start, width, y - start))
                    start = None

    def _repaint_if_pending(self) -> None:
        """The frame held for this load goes (`load`): its rows have not arrived yet, so the lines are blank.

        Its title, too, is made only now: most often the rows came first and gave it its count (~55 µs a title).
        """
        if self.rows_pending:
            self._update_title()
            self._repaint()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._painting = True
        try:
            return super().render_lines(crop)
        finally:
            self._painting = False

    def render_line(self, y: int) -> Strip:
        strip = self._line(y)
        if self._painting:  # what is on the screen now (`_repaint`); not a line read by anyone else
            self._painted[y] = strip
        return strip

    def _line(self, y: int) -> Strip:
        width = self.inner_region.width
        base = self.base_style()
        line = int(self.scroll_y) + y
        if self._count == 0:
            # Wrapped, not cut: a reason such as "<path>: is damaged (...)" says what matters last.
            # Wrapped once for all its lines (a pane of 9 lines wrapped it 9 times a frame).
            dim = self.style("dim")
            why = (self._error or self.empty_message, width, dim)
            if self._empty is None or self._empty[0] != why:
                wrapped = render.wrap(render.plain(why[0], dim), max(1, width - 1))
                self._empty = (why, [render.join(" ", words) for words in wrapped])
            texts = self._empty[1]
            return self._strip(texts[y] if y < len(texts) else Text(), width, base)
        height = self._line_height
        index, part = divmod(line, height)
        if self._count is None or index >= self._count:
            return Strip.blank(width, base)
        item = self._item(index)
        if item is None:
            if part:
                return Strip.blank(width, base)
            return self._strip(render.plain(" …", self.style("dim")), width, base)
        # A drawn row is kept while nothing that decides its look has changed, so a
        # scroll by one row draws one new row, not the pane (~150 µs a row). The
        # styles are not in the key: the cache is emptied when they change (a theme,
        # focus, `notify_style_update`), as it is by `load`.
        on_cursor = index == self.cursor
        marked = bool(self.notebook_marks) and self.notebook_key(item) in self.notebook_marks
        key = (width, height, on_cursor, on_cursor and self.has_focus, marked, self.row_key(item, index))
        rows = self._rows
        cached = rows.get(index)
        if cached is not None and cached[0] is item and cached[1] == key:
            rows.move_to_end(index)
            return cached[2][part]
        inner = max(1, width - self.mark_gutter)
        if height > 1:
            texts = self.render_row_lines(item, index, inner, height)
        else:
            texts = [self.render_item(item, index, inner)]
        texts = self.mark_row(texts, marked)
        style = base
        if on_cursor:
            cursor = "virtual-list--cursor" if self.has_focus else "virtual-list--cursor-blurred"
            kept = self._styles.get(cursor)  # kept as `base_style` is, until the styles change
            if kept is None:
                kept = self._styles[cursor] = base + self.get_component_rich_style(cursor)
            style = kept
        strips = [self._strip(texts[n] if n < len(texts) else Text(), width, style) for n in range(height)]
        rows[index] = (item, key, strips)
        rows.move_to_end(index)
        while len(rows) > ROW_CACHE * max(1, self.size.height // height + 1):
            rows.popitem(last=False)
        return strips[part]

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        row = render.fit(text, width)
        segments = render.line_segments(row, style)  # Rich's render, less its general machinery
        if segments is not None:
            return Strip(segments, width)
        return Strip(list(row.render(self.app.console)), width).apply_style(style)

"""The timeline: statements, measures, due dates and events merged in date order, grouped by day.

Items are read a page at a time by keyset (`Store.timeline(after=...)`) in a
thread worker; the next page is asked for when the cursor comes within
`PREFETCH` rows of the end, so the screen never holds more than what was
scrolled through. Day headings are disabled rows the cursor steps over.
After the last dated item come the undated ones (`Store.timeline_undated`),
under their own heading. `f` cycles the kind filter (everything, statements,
measures, due dates, events); `d` opens a box to go to a date or a year, or
to keep a range (`2021-12 2022-01`); both start the timeline afresh. Enter
dismisses the screen with the item's `(kind, id)`.

What the screen shows (the filter, the range, the item under the cursor) is
a `TimelineState` the browser keeps, so `t` reopens the timeline where it was
left: from the day of that item, with the cursor on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from .. import keys
from ..filters import parse_dates
from ..rows import TimelineItem
from ..store import Store, StoreError
from ..views import one_line, timeline_day, timeline_line
from ..words import UNDATED, plural
from ._view import ViewMarks, ViewScreen

KIND_FILTERS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("everything", None),
    ("statements", ("statement",)),
    ("measures", ("announced", "effective")),
    ("due dates", ("due",)),
    ("events", ("event",)),
)
"""What `f` cycles through: a label and the timeline kinds it keeps (None: all)."""

@dataclass
class TimelineState:
    """What the timeline shows, kept by the browser so that the timeline reopens where it was left."""

    filter_index: int = 0
    date_from: str | None = None
    date_to: str | None = None
    at: tuple[str, int, int] | None = None
    """The item under the cursor (`TimelineItem.cursor`); reopening starts from its day."""


class TimelineScreen(ViewScreen):
    """The merged timeline of the dossier, or of one actor."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("timeline")

    PAGE = 100
    """Items read per page."""
    PREFETCH = 30
    """Read the next page when the cursor is this close to the last row."""

    DEFAULT_CSS = """
    TimelineScreen > #date-box {
        display: none;
        dock: bottom;
        margin-bottom: 2;
    }
    TimelineScreen > #date-box.-open {
        display: block;
    }
    """

    def __init__(
        self,
        store: Store,
        actor_id: int | None = None,
        state: TimelineState | None = None,
        *,
        marks: ViewMarks | None = None,
    ) -> None:
        super().__init__(store, marks)
        self.actor_id = actor_id
        self.state = state if state is not None else TimelineState()
        self._after: tuple[str, int, int] | None = None
        self._undated_after: tuple[int, int] | None = None
        self._undated = False
        """Reading the undated items now (the dated ones are all shown)."""
        self._resume_from: str | None = None
        self._day: str | None = None
        self._count = 0
        self._loading = False
        self._exhausted = False
        self._actor_name: str | None = None
        self._items: dict[str, TimelineItem] = {}

    @property
    def filter_index(self) -> int:
        return self.state.filter_index

    def compose(self) -> ComposeResult:
        yield from super().compose()
        hint = "A year or a date (2022, 2021-12-01), a range (2021-12 2022-01); empty: all"
        yield Input(placeholder=hint, id="date-box")

    def on_mount(self) -> None:
        self.start(resume=self.state.at is not None)

    def start(self, *, resume: bool = False) -> None:
        """Show the timeline afresh with the current filter and range (from the item left, with `resume`)."""
        self._generation += 1
        self._after, self._day, self._count = None, None, 0
        self._undated, self._undated_after = False, None
        self._exhausted = False
        self._targets.clear()
        self._marks.clear()
        self._items.clear()
        self.rows.clear_options()
        self._loading = True
        at = self.state.at if resume else None
        if at is not None and at[0] == "":  # left among the undated items: start with them
            self._undated = True
            self._undated_after = (at[1], at[2] - 1)
        self._resume_from = at[0] if at is not None and at[0] else None
        if not resume:
            self.state.at = None
        self._load(None)

    @property
    def kinds(self) -> tuple[str, ...] | None:
        return KIND_FILTERS[self.state.filter_index][1]

    def _load(self, after: tuple[str, int, int] | None) -> None:
        if self._undated:
            self.load_undated(self._generation, self._undated_after)
        else:
            self.load_page(self._generation, after)

    @work(thread=True, exclusive=True, group="timeline")
    def load_page(self, generation: int, after: tuple[str, int, int] | None) -> None:
        state = self.state
        try:
            if self.actor_id is not None and self._actor_name is None:
                self._actor_name = self.store.actor(self.actor_id).name
            start = state.date_from
            if after is None and self._resume_from is not None:
                start = max(start or "", self._resume_from) or None
            page: list[TimelineItem] | str = self.store.timeline(
                actor_id=self.actor_id,
                kinds=self.kinds,
                date_from=start,
                date_to=state.date_to,
                after=after,
                limit=self.PAGE,
            )
        except StoreError as exc:
            page = str(exc)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_page, page, generation)

    @work(thread=True, exclusive=True, group="timeline-undated")  # started from the dated page's own worker
    def load_undated(self, generation: int, after: tuple[int, int] | None) -> None:
        try:
            if self.actor_id is not None and self._actor_name is None:
                self._actor_name = self.store.actor(self.actor_id).name
            page: list[TimelineItem] | str = self.store.timeline_undated(
                actor_id=self.actor_id, kinds=self.kinds, after=after, limit=self.PAGE
            )
        except StoreError as exc:
            page = str(exc)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_page, page, generation)

    def show_page(self, page: list[TimelineItem] | str, generation: int) -> None:
        if generation != self._generation or not self.is_attached:
            return  # the filter changed meanwhile, or the screen is gone
        self._loading = False
        if isinstance(page, str):
            self.set_status(page)
            return
        options: list[Option] = []
        for item in page:
            if item.date != self._day:
                self._day = item.date
                options.append(self.option(f"day-{self._count}", [timeline_day(item.date)], None))
            option_id = f"item-{self._count}"
            self._items[option_id] = item
            mark = (item.entity, item.id, item.slug, item.summary)
            options.append(self.option(option_id, [timeline_line(item)], (item.entity, item.id), mark))
            self._count += 1
        rows = self.rows
        first_page = rows.option_count == 0
        rows.add_options(options)
        done = len(page) < self.PAGE
        if self._undated:
            if page:
                self._undated_after = page[-1].cursor[1:]
            self._exhausted = done
        else:
            if page:
                self._after = page[-1].cursor
            # The dated items are all shown: the undated ones follow (none when a range is kept).
            if done and self.state.date_from is None and self.state.date_to is None:
                self._undated = True
                self._loading = True
                self.load_undated(self._generation, None)
            else:
                self._exhausted = done
        if first_page and options:
            self._highlight_resumed()
        self.show_status()

    def _highlight_resumed(self) -> None:
        rows = self.rows
        at = self.state.at
        for index in range(rows.option_count):
            item = self._items.get(rows.get_option_at_index(index).id or "")
            if item is not None and (at is None or item.cursor == at):
                rows.highlighted = index
                rows.scroll_to_highlight()
                return
        rows.action_first()

    def show_status(self) -> None:
        who = f" of {one_line(self._actor_name)}" if self._actor_name else ""
        what = KIND_FILTERS[self.state.filter_index][0]
        span = ""
        if self.state.date_from or self.state.date_to:
            span = f" · {self.state.date_from or '…'} to {self.state.date_to or 'the end'}"
        self.set_title([[(f"Timeline{who}: {what}{span}", "")]])
        if self._count == 0 and self._exhausted:
            self.set_status("nothing dated to show · f: next filter · d: go to a date")
            return
        end = "the end of the timeline" if self._exhausted else "more below"
        undated = f" · then the {UNDATED} items" if self._undated and not self._exhausted else ""
        self.set_status(f"{plural(self._count, 'item')} shown · {end}{undated} · f: filter ({what}) · d: go to a date")

    @on(OptionList.OptionHighlighted)
    def read_ahead(self, event: OptionList.OptionHighlighted) -> None:
        """Remember the item under the cursor; near the last row, read the next page (one page at a time)."""
        item = self._items.get(event.option.id or "")
        if item is not None:
            self.state.at = item.cursor
        if self._loading or self._exhausted:
            return
        if event.option_index >= self.rows.option_count - self.PREFETCH:
            self._loading = True
            self._load(self._after)

    def action_next_filter(self) -> None:
        self.state.filter_index = (self.state.filter_index + 1) % len(KIND_FILTERS)
        self.start()

    # ----------------------------------------------------------------- going to a date

    @property
    def date_box(self) -> Input:
        return self.query_one("#date-box", Input)

    def action_go_to_date(self) -> None:
        """Open the box: type a date, a year or a range; Enter goes there, Escape closes the box."""
        box = self.date_box
        box.add_class("-open")
        box.value = " ".join(value for value in (self.state.date_from, self.state.date_to) if value)
        self.set_focus(box)

    @on(Input.Submitted, "#date-box")
    def _go_to_typed_date(self, event: Input.Submitted) -> None:
        event.stop()
        dates = parse_dates(event.value)
        if dates is None:
            self.set_status(f"not a date: {one_line(event.value, 40)} (a year, 2021-12 or 2021-12-01; two for a range)")
            return
        self.state.date_from, self.state.date_to = dates
        self._close_date_box()
        self.start()

    def _close_date_box(self) -> None:
        self.date_box.remove_class("-open")
        self.set_focus(self.rows)

    def action_close(self) -> None:
        if self.date_box.has_class("-open"):
            self._close_date_box()  # Escape in the box closes the box, not the timeline
            return
        super().action_close()

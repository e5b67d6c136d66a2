"""The timeline: statements, measures, due dates and events merged in date order, grouped by day.

Items are read a page at a time by keyset (`Store.timeline(after=...)`) in a
thread worker; the next page is asked for when the cursor comes within
`PREFETCH` rows of the end, so the screen never holds more than what was
scrolled through. Day headings are disabled rows the cursor steps over.
`f` cycles the kind filter (everything, statements, measures, due dates,
events), which starts the timeline afresh. Enter dismisses the screen with
the item's `(kind, id)`: `statement`, `measure`, `consequence` or `event`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from .. import keys
from ..rows import TimelineItem
from ..store import Store, StoreError
from ..views import one_line, timeline_day, timeline_line
from ..words import plural
from ._view import ViewScreen

KIND_FILTERS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("everything", None),
    ("statements", ("statement",)),
    ("measures", ("announced", "effective")),
    ("due dates", ("due",)),
    ("events", ("event",)),
)
"""What `f` cycles through: a label and the timeline kinds it keeps (None: all)."""


class TimelineScreen(ViewScreen):
    """The merged timeline of the dossier, or of one actor."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("timeline")

    PAGE = 100
    """Items read per page."""
    PREFETCH = 30
    """Read the next page when the cursor is this close to the last row."""

    def __init__(self, store: Store, actor_id: int | None = None) -> None:
        super().__init__(store)
        self.actor_id = actor_id
        self.filter_index = 0
        self._after: tuple[str, int, int] | None = None
        self._day: str | None = None
        self._count = 0
        self._loading = False
        self._exhausted = False
        self._actor_name: str | None = None

    def on_mount(self) -> None:
        self.start()

    def start(self) -> None:
        """Show the timeline afresh (from its first date) with the current filter."""
        self._generation += 1
        self._after, self._day, self._count = None, None, 0
        self._exhausted = False
        self._targets.clear()
        self.rows.clear_options()
        self._loading = True
        self.load_page(self._generation, None)

    @property
    def kinds(self) -> tuple[str, ...] | None:
        return KIND_FILTERS[self.filter_index][1]

    @work(thread=True, exclusive=True, group="timeline")
    def load_page(self, generation: int, after: tuple[str, int, int] | None) -> None:
        try:
            if self.actor_id is not None and self._actor_name is None:
                self._actor_name = self.store.actor(self.actor_id).name
            page: list[TimelineItem] | str = self.store.timeline(
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
            options.append(self.option(f"item-{self._count}", [timeline_line(item)], (item.entity, item.id)))
            self._count += 1
        rows = self.rows
        first_page = self._after is None
        rows.add_options(options)
        if page:
            self._after = page[-1].cursor
        self._exhausted = len(page) < self.PAGE
        if first_page and page:
            rows.action_first()
        self.show_status()

    def show_status(self) -> None:
        who = f" of {one_line(self._actor_name)}" if self._actor_name else ""
        what = KIND_FILTERS[self.filter_index][0]
        if self._count == 0 and self._exhausted:
            self.set_title([[(f"Timeline{who}: {what}", "")]])
            self.set_status("nothing dated to show · f: next filter")
            return
        self.set_title([[(f"Timeline{who}: {what}", "")]])
        end = "the end of the timeline" if self._exhausted else "more below"
        self.set_status(f"{plural(self._count, 'item')} shown · {end} · f: filter kind ({what})")

    @on(OptionList.OptionHighlighted)
    def read_ahead(self, event: OptionList.OptionHighlighted) -> None:
        """Near the last row, read the next page (one page at a time)."""
        if self._loading or self._exhausted or self._after is None:
            return
        if event.option_index >= self.rows.option_count - self.PREFETCH:
            self._loading = True
            self.load_page(self._generation, self._after)

    def action_next_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(KIND_FILTERS)
        self.start()

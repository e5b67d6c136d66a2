"""Facets (`f` in the browser), in the spirit of Datasette's: each value of a pane's facets with its count.

For the pane at hand: the Actors pane's kinds and countries, the actor's
Statements by kind, stance, year and source, its Measures by kind and status,
each counted among the rows the pane shows now (its filters kept). The counts
are read in a thread worker, a facet at a time, the cheapest first, and shown
as they arrive, so a key is never kept waiting on a big dossier. Enter on a
value dismisses the screen with `(facet, value)`, which the browser adds to the
pane's filters (or takes away, when it is already kept: its row says so).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from .. import keys
from ..filters import FACETS, parse_dates
from ..rows import FacetValue, Filters
from ..store import Store, StoreError
from ..text import clean_text
from ..widgets import render
from ._view import ViewList


def _heading(facet: str) -> Content:
    """A facet's name over its values (our own word)."""
    return Content.styled(facet, "bold $text-accent")


def _value_row(value: FacetValue, kept: bool) -> Content:
    """One value (dossier text, cleaned, never markup) with its count; ✓ when the pane keeps it."""
    label = clean_text(value.label, keep_newlines=False)[:50]
    return Content(f"{'✓ ' if kept else '  '}{label}  ") + Content.styled(f"{value.rows:,}", "$text-muted")


class FacetScreen(ModalScreen[tuple[str, str] | None]):
    """One pane's facets and their counts; Enter keeps a value (or lets it go), Escape or q closes."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("facets")
    KEYS_AT_ONCE: ClassVar[bool] = True
    """Bound keys run as they arrive, in the order typed (`DossierApp.on_event`, `DossierApp._hold_key`)."""

    DEFAULT_CSS = """
    FacetScreen {
        align: center middle;
        background: $background 60%;
        & > #facets {
            width: 70;
            max-width: 100%;
            height: 80%;
            border: round $accent;
            border-title-color: $accent;
            background: $surface;
            & > ViewList { height: 1fr; border: none; }
            & > #facets-status { height: auto; color: $text-muted; padding: 0 1; }
            & > #date-range { display: none; }
            & > #date-range.-open { display: block; }
        }
    }
    """

    def __init__(self, store: Store, pane: str, *, actor_id: int | None, filters: Filters, title: str) -> None:
        super().__init__()
        self.store = store
        self.pane = pane
        self.actor_id = actor_id
        self.filters = filters
        self.title_text = title
        self._values: dict[str, FacetValue] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="facets") as box:
            box.border_title = render.content(self.title_text)
            yield ViewList(id="facet-list")
            yield Input(placeholder="From, or from and to: 2019 2021-06 (both kept whole); empty: any date",
                        id="date-range")
            yield Static(Content("counting…"), id="facets-status")

    def action_date_range(self) -> None:
        """A box for a date range of the statements (`d`); Enter keeps it, Escape closes the box."""
        if self.pane != "statements":
            self._show_status("A date range is for the Statements pane")
            return
        box = self.query_one("#date-range", Input)
        box.add_class("-open")
        kept = dict(self.filters)
        box.value = " ".join(value for value in (kept.get("from"), kept.get("to")) if value)
        self.set_focus(box)

    @on(Input.Submitted, "#date-range")
    def _keep_dates(self, event: Input.Submitted) -> None:
        event.stop()
        dates = parse_dates(event.value)
        if dates is None:
            self._show_status("Not a date: a year, 2021-12 or 2021-12-01; two for a range")
            return
        self.dismiss(("dates", " ".join(value or "" for value in dates)))

    def on_mount(self) -> None:
        self.set_focus(self.query_one(ViewList))
        self.count_facets()

    @work(thread=True, exclusive=True, group="facets")
    def count_facets(self) -> None:
        """Each facet in turn, posted as it is counted (a slow one never holds up those before it)."""
        worker = get_current_worker()
        for facet in FACETS[self.pane]:
            try:
                values = self._count(facet)
            except StoreError as exc:
                self.app.call_from_thread(self._show_status, str(exc))
                return
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._show_facet, facet, values)
        self.app.call_from_thread(self._show_status, "Enter keeps a value, or lets it go · Escape closes")

    def _count(self, facet: str) -> list[FacetValue]:
        store, filters = self.store, self.filters
        if self.pane == "actors":
            kept = dict(filters)
            values = store.actor_facets(kind=kept.get("kind"), country=kept.get("country"))
        elif self.actor_id is None:
            return []
        elif self.pane == "statements":
            return store.statement_facets(self.actor_id, filters, only=[facet])
        else:
            values = store.measure_facets(self.actor_id, filters)
        return [value for value in values if value.facet == facet]

    def _show_facet(self, facet: str, values: list[FacetValue]) -> None:
        if not self.is_attached:
            return
        rows = self.query_one(ViewList)
        options = [Option(_heading(facet), disabled=True)]
        for value in values:
            key = f"{facet}:{len(self._values)}"
            self._values[key] = value
            kept = (value.facet, value.value) in self.filters
            options.append(Option(_value_row(value, kept), id=key))
        if not values:
            options.append(Option(Content("  (none)"), disabled=True))
        first = rows.option_count == 0
        rows.add_options(options)
        if first:
            rows.highlighted = 1 if len(options) > 1 and values else None

    def _show_status(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#facets-status", Static).update(Content(clean_text(text, keep_newlines=False)))

    @on(OptionList.OptionSelected)
    def _keep_value(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        value = self._values.get(event.option.id or "")
        if value is not None:
            self.dismiss((value.facet, value.value))

    def action_close(self) -> None:
        box = self.query_one("#date-range", Input)
        if box.has_class("-open"):  # Escape in the box closes the box
            box.remove_class("-open")
            self.set_focus(self.query_one(ViewList))
            return
        self.dismiss(None)

"""The search screen (`/`): full-text search over everything, results while typing.

Each change of the query waits `DEBOUNCE` seconds for the next key, then asks
`Store.search_page` in an exclusive thread worker; a result for a query that is no
longer the one typed is dropped, so a slow query never blocks a key and never
shows late. Hits are grouped by kind with counts, each with a snippet whose
matched words are styled (from `SearchHit.snippet` segments, never markup).
Enter opens the highlighted hit in the browser as a history step; Escape
returns to the browser unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from .. import keys
from ..history import Ref
from ..rows import SearchHit
from ..store import Store, StoreError
from ..widgets import render
from ..widgets.virtual_list import Pager, VirtualList

DEBOUNCE = 0.15
"""Seconds to wait after a key before searching: typing a word costs one query, not one per letter."""
LIMIT = 50
"""Hits asked per kind; a kind with this many shows `50+`."""
KIND_ORDER = ("actor", "measure", "statement", "consequence", "event")
KIND_TITLES = {
    "actor": "Actors",
    "measure": "Measures",
    "statement": "Statements",
    "consequence": "Consequences",
    "event": "Events",
}
_LABEL_WIDTH = 22


@dataclass(frozen=True)
class ResultRow:
    """A row of the results: a kind's heading (`hit` None) or one hit."""

    kind: str
    hit: SearchHit | None = None
    count: int = 0


def group_hits(hits: list[SearchHit], limit: int = LIMIT) -> list[ResultRow]:
    """Hits grouped by kind (actors, measures, statements, consequences, events), each group under a heading."""
    rows: list[ResultRow] = []
    for kind in KIND_ORDER:
        of_kind = [hit for hit in hits if hit.kind == kind]
        if of_kind:
            rows.append(ResultRow(kind, count=len(of_kind)))
            rows.extend(ResultRow(kind, hit) for hit in of_kind)
    return rows


class SearchResults(VirtualList[ResultRow]):
    """Search hits under their kind's heading; the cursor rests on hits only."""

    label = "Results"
    hit_count: int | None = None
    """How many hits the rows hold (the headings are not counted in the title)."""

    def _update_title(self) -> None:
        self.border_title = render.pane_title(self.label, self.hit_count if self.count else self.count)

    def is_selectable(self, item: ResultRow) -> bool:
        return item.hit is not None

    def notebook_key(self, item: ResultRow) -> str | None:
        # Hits of every kind: marked by kind/slug (`NotebookState.marked_refs`).
        return None if item.hit is None else f"{item.hit.kind}/{item.hit.slug}"

    def render_item(self, item: ResultRow, index: int, width: int) -> Text:
        if item.hit is None:
            more = "+" if item.count >= LIMIT else ""
            return Text(f"{KIND_TITLES[item.kind]} · {item.count:,}{more}", style=self.style("accent"))
        hit = item.hit
        row = render.join("  ", render.fit(render.plain(hit.label), _LABEL_WIDTH), " ")
        if hit.kind == "statement":
            row.append(render.date(hit.said, self.style("dim")))
            row.append(" ")
        row.append(render.snippet(hit.snippet, self.style("match")))
        return row


class SearchScreen(Screen[Ref | None]):
    """Type words; hits appear while typing; Enter opens one in the browser."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("search")

    @dataclass
    class _Hits(Message):
        query: str
        hits: list[SearchHit]
        error: str | None = None

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.query_text = ""
        """What is typed now; results for anything else are stale."""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search statements, actors, measures, consequences, events…", id="query")
        yield SearchResults(id="results", empty_message="Type words to search the whole dossier")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        query = self.query_one("#query", Input)
        query.cursor_blink = False if self.app.is_headless else query.cursor_blink
        query.focus()
        self.results.load(None, empty_message="Type words to search the whole dossier")

    @property
    def results(self) -> SearchResults:
        return self.query_one("#results", SearchResults)

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._start_search)

    def _start_search(self) -> None:
        self._timer = None
        if not self.query_text.strip():
            self.results.load(None, empty_message="Type words to search the whole dossier")
            return
        self._search(self.query_text)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        try:
            hits = list(self.store.search_page(query, limit=LIMIT).hits)
        except StoreError as exc:
            self.post_message(self._Hits(query, [], error=str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._Hits(query, hits))

    @on(_Hits)
    def _show_hits(self, message: _Hits) -> None:
        if message.query != self.query_text:
            return  # typed on since: a newer search is coming
        rows = group_hits(message.hits)
        self.results.hit_count = len(message.hits)
        if not rows:
            empty = message.error or f"No matches for “{render.plain(message.query).plain}”"
            self.results.load(None, empty_message=empty)
            return
        self.results.load(
            Pager(
                count=lambda: len(rows),
                page=lambda after, start, limit: rows[start : start + limit],
                ident=lambda row: row.hit.id if row.hit else -1,
                position=lambda _entity_id: 1,
            ),
            select_id=1,
        )

    def action_previous_hit(self) -> None:
        self.results.action_cursor_up()

    def action_next_hit(self) -> None:
        self.results.action_cursor_down()

    def action_open_hit(self) -> None:
        row = self.results.highlighted
        if row is not None and row.hit is not None:
            self.dismiss((row.hit.kind, row.hit.id))

    @on(VirtualList.Selected, "#results")
    def _open_clicked(self, message: VirtualList.Selected) -> None:
        message.stop()
        self.action_open_hit()

    @on(VirtualList.Highlighted, "#results")
    def _keep_highlight(self, message: VirtualList.Highlighted) -> None:
        message.stop()

    def action_close_search(self) -> None:
        self.dismiss(None)

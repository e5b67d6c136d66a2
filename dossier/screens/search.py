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

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from .. import keys
from ..history import Ref
from ..rows import SearchHit
from ..store import Store, StoreError
from ..widgets import render
from ..widgets.footer import KeysFooter
from ..widgets.virtual_list import Pager, VirtualList

DEBOUNCE = 0.15
"""Seconds to wait after a key before searching: typing a word costs one query, not one per letter."""
PROBE = 51
"""Hits asked per kind for the first screen: enough for every share, and to say `50+ more`."""
PAGE = 100
"""Hits read at a time when one kind is shown (Tab), as the cursor nears the end."""
KIND_ORDER = ("actor", "measure", "statement", "consequence", "event")
KIND_TITLES = {
    "actor": "Actors",
    "measure": "Measures",
    "statement": "Statements",
    "consequence": "Consequences",
    "event": "Events",
}
_LABEL_WIDTH = 22


@dataclass
class SearchState:
    """What the search screen shows, kept by the browser so that `/` reopens it where it was left."""

    query: str = ""
    kind: str | None = None
    """Only this kind, all of its hits (None: every kind, each its share of the screen)."""
    cursor: Ref | None = None
    """The hit under the cursor."""


@dataclass(frozen=True)
class ResultRow:
    """A row of the results: a kind's heading (`hit` None, `more` 0), a hit, or how many more (`more` > 0)."""

    kind: str
    hit: SearchHit | None = None
    count: int = 0
    more: int = 0
    """Hits of this kind not shown (`more_plus`: at least that many)."""
    more_plus: bool = False


def newest_first(hits: list[SearchHit]) -> list[SearchHit]:
    """Hits of one kind by date, newest first (undated last), the newest added first among equal dates."""
    return sorted(hits, key=lambda hit: (hit.said or "", hit.id), reverse=True)


def shares(found: dict[str, list[SearchHit]], rows: int) -> dict[str, int]:
    """How many hits of each kind fit on a first screen of `rows` rows: each kind gets its share.

    Every kind with hits gets a heading and at least one hit (and a "more" row
    when it has more); the rest of the screen is dealt out one hit at a time,
    kind after kind, so a kind with few hits leaves its room to the others.
    """
    kinds = [kind for kind in KIND_ORDER if found.get(kind)]
    share = dict.fromkeys(kinds, 1)

    def used() -> int:
        return sum(1 + share[k] + (1 if share[k] < len(found[k]) else 0) for k in kinds)

    grown = True
    while grown:
        grown = False
        for kind in kinds:
            if share[kind] < len(found[kind]):
                share[kind] += 1
                if used() > rows:
                    share[kind] -= 1
                else:
                    grown = True
    return share


def first_screen_rows(found: dict[str, list[SearchHit]], rows: int, complete: dict[str, bool]) -> list[ResultRow]:
    """Every kind with hits under its heading, each its share, then how many more (see `shares`)."""
    share = shares(found, rows)
    out: list[ResultRow] = []
    for kind in KIND_ORDER:
        hits = newest_first(found.get(kind, []))
        if not hits:
            continue
        plus = len(hits) >= PROBE or not complete.get(kind, True)
        out.append(ResultRow(kind, count=len(hits), more_plus=plus))
        out.extend(ResultRow(kind, hit) for hit in hits[: share[kind]])
        if len(hits) > share[kind]:
            out.append(ResultRow(kind, more=len(hits) - share[kind], more_plus=plus))
    return out


def group_hits(hits: list[SearchHit], limit: int = PROBE) -> list[ResultRow]:
    """Hits grouped by kind under headings, every hit shown (the command line's and the tests' view)."""
    found: dict[str, list[SearchHit]] = {}
    for hit in hits:
        found.setdefault(hit.kind, []).append(hit)
    return first_screen_rows(found, rows=10**9, complete={})


def centred_snippet(snippet: tuple[tuple[str, bool], ...], width: int) -> tuple[tuple[str, bool], ...]:
    """The snippet cut at its start so that its first matched word stands in the first third of `width`."""
    before = 0
    for index, (text, matched) in enumerate(snippet):
        if matched:
            lead = max(0, width // 3)
            if before <= lead:
                return snippet
            drop = before - lead
            out: list[tuple[str, bool]] = [("…", False)]
            for piece, was_matched in snippet[:index]:
                if drop >= len(piece):
                    drop -= len(piece)
                    continue
                out.append((piece[drop:], was_matched))
                drop = 0
            out.extend(snippet[index:])
            return tuple(out)
        before += len(text)
    return snippet


class SearchResults(VirtualList[ResultRow]):
    """Search hits under their kind's heading; the cursor rests on hits (and on "more" rows)."""

    label = "Results"
    mark_gutter: ClassVar[int] = 2
    """One line a hit: the mark's room is kept in front of every row, so marked hits line up with the rest."""
    hit_count: int | None = None
    """How many hits the rows hold (the headings are not counted in the title)."""
    title_note: str = ""
    """What the title says after the count (the kind shown, `50+`)."""

    def _update_title(self) -> None:
        note = self.title_note if self.count else None
        self.border_title = render.pane_title(self.label, self.hit_count if self.count else self.count, note)

    def is_selectable(self, item: ResultRow) -> bool:
        return item.hit is not None or item.more > 0

    def notebook_key(self, item: ResultRow) -> str | None:
        # Hits of every kind: marked by kind/slug (`NotebookState.marked_refs`).
        return None if item.hit is None else f"{item.hit.kind}/{item.hit.slug}"

    def render_item(self, item: ResultRow, index: int, width: int) -> Text:
        if item.more:
            more = f"{item.more:,}{'+' if item.more_plus else ''}"
            what = KIND_TITLES[item.kind].lower()
            return Text(f"  … {more} more {what} · Enter or Tab shows only them", style=self.style("dim"))
        if item.hit is None:
            plus = "+" if item.more_plus else ""
            return Text(f"{KIND_TITLES[item.kind]} · {item.count:,}{plus}", style=self.style("accent"))
        hit = item.hit
        label_width = max(8, min(_LABEL_WIDTH, width // 4))
        row = render.join("  ", render.fit(render.plain(hit.label), label_width), " ")
        if hit.said or hit.kind != "actor":
            row.append(render.date(hit.said, self.style("dim")))
            row.append(" ")
        room = max(1, width - row.cell_len)
        row.append(render.snippet(centred_snippet(hit.snippet, room), self.style("match")))
        return row


class SearchScreen(Screen[Ref | None]):
    """Type words; hits appear while typing; Enter opens one in the browser.

    Every kind with hits is on the first screen, each with its share of the
    rows and how many more it has; Tab (Shift+Tab) shows only one kind, all
    of it, read a page at a time as the cursor nears the end. The query, the
    kind and the hit under the cursor are kept in a `SearchState` that the
    browser hands to the next search screen, so `/` reopens it where it was
    left (the query selected: typing replaces it).
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("search")

    @dataclass
    class _Hits(Message):
        query: str
        hits: list[SearchHit]
        error: str | None = None
        kind: str | None = None
        complete: dict[str, bool] = field(default_factory=dict)
        after: tuple[str, int] | None = None
        """Where the next page of the one kind shown starts (None: no more)."""
        appended: bool = False
        """A further page of the one kind shown, to add to the rows."""

    def __init__(self, store: Store, state: SearchState | None = None) -> None:
        super().__init__()
        self.store = store
        self.state = state if state is not None else SearchState()
        """Kept by the browser: the query, the kind shown and the hit under the cursor."""
        self.query_text = self.state.query
        """What is typed now; results for anything else are stale."""
        self._timer: Timer | None = None
        self._kind_hits: list[SearchHit] = []
        self._after: tuple[str, int] | None = None
        self._reading = False

    def compose(self) -> ComposeResult:
        yield Input(
            value=self.state.query,
            placeholder="Search statements, actors, measures, consequences, events…",
            id="query",
        )
        yield SearchResults(id="results", empty_message="Type words to search the whole dossier")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        query = self.query_one("#query", Input)
        query.cursor_blink = False if self.app.is_headless else query.cursor_blink
        query.focus()
        self.results.load(None, empty_message="Type words to search the whole dossier")
        if self.state.query.strip():
            query.select_all()  # kept from last time: typing replaces it, Enter or ↓ goes on with it
            self._start_search()

    @property
    def results(self) -> SearchResults:
        return self.query_one("#results", SearchResults)

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        if event.value == self.query_text:
            return  # the kept query, set when the screen was built: nothing typed
        self.query_text = self.state.query = event.value
        self.state.cursor = None
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._start_search)

    def _start_search(self) -> None:
        self._timer = None
        if not self.query_text.strip():
            self.results.load(None, empty_message="Type words to search the whole dossier")
            return
        height = max(3, self.results.scrollable_content_region.height or self.app.size.height - 5)
        self._search(self.query_text, self.state.kind, height)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, kind: str | None, rows: int) -> None:
        """The first screen: each kind's newest hits (`PROBE`), or one kind's first page."""
        worker = get_current_worker()
        try:
            if kind is not None:
                page = self.store.search_page(query, kind=kind, limit=PAGE, should_stop=lambda: worker.is_cancelled)
                message = self._Hits(query, list(page.hits), kind=kind, after=page.after)
            else:
                hits: list[SearchHit] = []
                complete: dict[str, bool] = {}
                for each in KIND_ORDER:
                    page = self.store.search_page(
                        query, kind=each, limit=PROBE, should_stop=lambda: worker.is_cancelled
                    )
                    hits.extend(page.hits)
                    complete[each] = page.complete and page.after is None
                message = self._Hits(query, hits, complete=complete)
        except StoreError as exc:
            message = self._Hits(query, [], error=str(exc), kind=kind)
        if not worker.is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="search-more")
    def _read_more(self, query: str, kind: str, after: tuple[str, int]) -> None:
        """The next page of the one kind shown."""
        try:
            page = self.store.search_page(query, kind=kind, limit=PAGE, after=after)
        except StoreError:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._Hits(query, list(page.hits), kind=kind, after=page.after, appended=True))

    @on(_Hits)
    def _show_hits(self, message: _Hits) -> None:
        if message.query != self.query_text or message.kind != self.state.kind:
            return  # typed on, or another kind asked for since: a newer search is coming
        results = self.results
        if message.kind is None:
            found: dict[str, list[SearchHit]] = {}
            for hit in message.hits:
                found.setdefault(hit.kind, []).append(hit)
            height = max(3, results.scrollable_content_region.height)
            rows = first_screen_rows(found, height, message.complete)
            results.hit_count = len(message.hits)
            results.title_note = "every kind · Tab: one kind"
        else:
            self._reading = False
            hits = newest_first(message.hits) if not message.appended else message.hits
            self._kind_hits = [*self._kind_hits, *hits] if message.appended else hits
            self._after = message.after
            rows = [ResultRow(message.kind, count=len(self._kind_hits), more_plus=message.after is not None)]
            rows += [ResultRow(message.kind, hit) for hit in self._kind_hits]
            if message.after is not None:
                rows.append(ResultRow(message.kind, more=PAGE, more_plus=True))
            results.hit_count = len(self._kind_hits)
            results.title_note = f"only {KIND_TITLES[message.kind].lower()} · Tab: next kind"
        if not rows:
            empty = message.error or f"No matches for “{render.plain(message.query).plain}”"
            if message.kind is not None:
                empty += f" among {KIND_TITLES[message.kind].lower()} · Tab: next kind"
            results.load(None, empty_message=empty)
            return
        keep = self.state.cursor
        if message.appended and results.highlighted is not None and results.highlighted.hit is not None:
            keep = (results.highlighted.hit.kind, results.highlighted.hit.id)
        index = next(
            (i for i, row in enumerate(rows) if row.hit is not None and (row.hit.kind, row.hit.id) == keep),
            next((i for i, row in enumerate(rows) if row.hit is not None), 0),
        )
        if message.appended:
            index = max(index, len(rows) - 1 - PAGE - (1 if message.after is not None else 0))
        results.load(
            Pager(
                count=lambda: len(rows),
                page=lambda after, start, limit: rows[start : start + limit],
                ident=lambda row: rows.index(row),
                position=lambda wanted: wanted,
            ),
            select_id=index,
        )

    # ----------------------------------------------------------------- one kind at a time

    def action_next_kind(self) -> None:
        self._step_kind(1)

    def action_previous_kind(self) -> None:
        self._step_kind(-1)

    def _step_kind(self, step: int) -> None:
        """Every kind → actors → measures → ... → events → every kind again (Tab); Shift+Tab goes back."""
        cycle: list[str | None] = [None, *KIND_ORDER]
        self._show_kind(cycle[(cycle.index(self.state.kind) + step) % len(cycle)])

    def _show_kind(self, kind: str | None) -> None:
        self.state.kind = kind
        self._kind_hits, self._after = [], None
        if self.query_text.strip():
            self._start_search()

    # ----------------------------------------------------------------- moving and opening

    def action_previous_hit(self) -> None:
        self.results.action_cursor_up()

    def action_next_hit(self) -> None:
        self.results.action_cursor_down()

    def action_open_hit(self) -> None:
        row = self.results.highlighted
        if row is None:
            return
        if row.more:
            if self.state.kind is None:
                self._show_kind(row.kind)  # every hit of this kind
            return
        if row.hit is not None:
            self.state.cursor = (row.hit.kind, row.hit.id)
            self.dismiss((row.hit.kind, row.hit.id))

    @on(VirtualList.Selected, "#results")
    def _open_clicked(self, message: VirtualList.Selected) -> None:
        message.stop()
        self.action_open_hit()

    @on(VirtualList.Highlighted, "#results")
    def _keep_highlight(self, message: VirtualList.Highlighted) -> None:
        message.stop()
        row = message.item
        if row is None:
            return
        if row.hit is not None:
            self.state.cursor = (row.hit.kind, row.hit.id)
        elif row.more and self.state.kind is not None and self._after is not None and not self._reading:
            self._reading = True  # the end of one kind's pages: read the next
            self._read_more(self.query_text, self.state.kind, self._after)

    def action_close_search(self) -> None:
        self.dismiss(None)

"""The search screen (`/`): full-text search over everything, results while typing.

Each change of the query starts an exclusive thread worker that waits `DEBOUNCE`
seconds (from the key's arrival) for the next key, which cancels it, then asks
`Store.search_page`; a result for a query that is no longer the one typed is
dropped, so a slow query never blocks a key and never shows late. Hits are
grouped by kind with counts, each row its date, its title and a snippet whose
matched words are styled (from `SearchHit.snippet` segments, never markup).
A kind with more hits than its share read says "… more" without a number
until a second worker, started once the results are drawn, has counted them
(`Store.search_counts`); a newer query cancels it, and counts for any query
but the one typed are dropped.
Enter opens the highlighted hit in the browser as a history step; Escape
returns to the browser unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, get_current_worker

from .. import keys
from ..history import Ref
from ..rows import KindHits, SearchHit, SearchKind
from ..store import Store, StoreError
from ..text import clean_text
from ..widgets import render
from ..widgets.footer import KeysFooter
from ..widgets.textual_compat import draw_changes_only
from ..widgets.virtual_list import Pager, VirtualList, read_again

DEBOUNCE = 0.15
"""Seconds to wait after a key before searching: typing a word costs one query, not one per letter."""
PROBE = 51
"""Hits asked per kind for the first screen: enough for every share, and to say `50+ more`."""
PAGE = 100
"""Hits read at a time when one kind is shown (Tab), as the cursor nears the end."""
COUNT_AFTER = 0.05
"""Seconds after the first screen's rows are handed to the list before its counts are read: a thread
started at once shared the interpreter with the drawing of those rows and made it take twice as long."""
KIND_ORDER: tuple[SearchKind, ...] = ("actor", "measure", "statement", "consequence", "event")
KIND_TITLES = {
    "actor": "Actors",
    "measure": "Measures",
    "statement": "Statements",
    "consequence": "Consequences",
    "event": "Events",
}
_TITLE_SHARE = 0.4
"""The part of a row, after its date, that a kind's title column takes at most while snippets need the rest."""
_MIN_TITLE = 8
"""Cells a title column keeps however narrow the list is."""
_GAP = "  "
"""Between a hit's title and its snippet."""

Segments = tuple[tuple[str, bool], ...]


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
    column: int = 0
    """A hit's row: the cells of the widest title among the rows of its kind (its kind's title column)."""
    counted: bool = True
    """False while how many hits the kind has is not known yet: its heading and "more" row say no number."""


def newest_first(hits: list[SearchHit]) -> list[SearchHit]:
    """Hits of one kind by date, newest first (undated last), the newest added first among equal dates."""
    return sorted(hits, key=lambda hit: (hit.said or "", hit.id), reverse=True)


def shares(found: Mapping[str, int], rows: int) -> dict[str, int]:
    """How many hits of each kind fit on a first screen of `rows` rows, given how many each has: its share.

    Every kind with hits gets a heading and at least one hit (and a "more" row
    when it has more); the rest of the screen is dealt out one hit at a time,
    kind after kind, so a kind with few hits leaves its room to the others.
    """
    kinds = [kind for kind in KIND_ORDER if found.get(kind)]
    share: dict[str, int] = dict.fromkeys(kinds, 1)

    def used() -> int:
        return sum(1 + share[k] + (1 if share[k] < found[k] else 0) for k in kinds)

    grown = True
    while grown:
        grown = False
        for kind in kinds:
            if share[kind] < found[kind]:
                share[kind] += 1
                if used() > rows:
                    share[kind] -= 1
                else:
                    grown = True
    return share


def title_width(hits: list[SearchHit]) -> int:
    """Cells of the widest title (label) among `hits`, as drawn: the title column of their rows."""
    return max((cell_len(clean_text(hit.label or "", keep_newlines=False)) for hit in hits), default=0)


def hit_rows(kind: str, hits: list[SearchHit]) -> list[ResultRow]:
    """The rows of hits of one kind, sharing one title column."""
    column = title_width(hits)
    return [ResultRow(kind, hit, column=column) for hit in hits]


def at_least(each: KindHits) -> bool:
    """Whether a kind's `found` is a lower bound: its count stopped at the limit, or its query was cut short."""
    return each.found >= PROBE or not each.complete


def first_screen_rows(found: Mapping[str, KindHits | list[SearchHit]], rows: int) -> list[ResultRow]:
    """Every kind with hits under its heading, each its share, then how many more (see `shares`).

    A kind's hits are a `KindHits` (its first hits, and how many were found) or all its hits.
    """
    kinds = {
        kind: each if isinstance(each, KindHits) else KindHits(tuple(each), len(each)) for kind, each in found.items()
    }
    share = shares({kind: each.found for kind, each in kinds.items()}, rows)
    out: list[ResultRow] = []
    for kind in KIND_ORDER:
        each = kinds.get(kind)
        if each is None or not each.found:
            continue
        hits = newest_first(list(each.hits))[: share[kind]]
        plus = at_least(each)
        out.append(ResultRow(kind, count=each.found, more_plus=plus, counted=each.counted))
        out.extend(hit_rows(kind, hits))
        if each.found > len(hits):
            out.append(ResultRow(kind, more=each.found - len(hits), more_plus=plus, counted=each.counted))
    return out


def group_hits(hits: list[SearchHit], limit: int = PROBE) -> list[ResultRow]:
    """Hits grouped by kind under headings, every hit shown (the command line's and the tests' view)."""
    found: dict[str, list[SearchHit]] = {}
    for hit in hits:
        found.setdefault(hit.kind, []).append(hit)
    return first_screen_rows(found, rows=10**9)


def centred_snippet(snippet: Segments, width: int) -> Segments:
    """The snippet cut at its start so that its first matched word stands in the first third of `width`.

    No more is cut than the row needs: a snippet that fits in `width` is shown
    whole, and one whose end is near is cut only so far that its end meets the
    row's end (the matched word then stands further right, still in view).
    """
    total = sum(len(text) for text, _ in snippet)
    before = 0
    for index, (text, matched) in enumerate(snippet):
        if matched:
            lead = max(0, width // 3)
            drop = min(before - lead, total + 1 - width)  # the "…" in front takes a cell
            if drop <= 0:
                return snippet
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


def _narrow(text: str) -> bool:
    """Whether every character of `text` takes one cell (ASCII and `…`): then characters are cells."""
    return text.isascii() or text.replace("…", "").isascii()


def cut_to(segments: Segments, cells: int) -> Segments | None:
    """Segments of narrow text (`_narrow`) cut to `cells`, the last one an ellipsis when cut; None for other text.

    What `render.fit` does, without Rich measuring and splitting the row's
    graphemes again (`…` alone sends it down its slow path): the rows come
    out no wider than the list, so drawing them cuts nothing.
    """
    if not _narrow("".join(text for text, _ in segments)):
        return None
    out: list[tuple[str, bool]] = []
    for text, matched in segments:
        if len(text) <= cells:
            out.append((text, matched))
            cells -= len(text)
            continue
        if cells > 1:
            out.append((text[: cells - 1], matched))
        if cells > 0:
            out.append(("…", False))
        return tuple(out)
    return tuple(out)


def _has_match(segments: Segments) -> bool:
    return any(matched for _, matched in segments)


def _split(snippet: Segments, at: int) -> tuple[Segments, Segments]:
    """The segments of the first `at` characters of a snippet, and of the rest."""
    head: list[tuple[str, bool]] = []
    tail: list[tuple[str, bool]] = []
    for text, matched in snippet:
        if at >= len(text):
            head.append((text, matched))
            at -= len(text)
        elif at > 0:
            head.append((text[:at], matched))
            tail.append((text[at:], matched))
            at = 0
        else:
            tail.append((text, matched))
    return tuple(head), tuple(tail)


def _after_title(label: str, rest: Segments) -> Segments:
    """What follows a title in a snippet, without the " — " (or spaces) that joined it to the title.

    A description that begins by saying the title again (`Other limitations
    on diplomats, which ...`) is shown from where it goes on (`…which ...`).
    """
    plain = "".join(text for text, _ in rest)
    rest = _split(rest, len(plain) - len(plain.lstrip(" —")))[1]
    plain = plain.lstrip(" —")
    if label and plain.startswith(label):
        more = plain[len(label) :]
        if not more.strip(_JOINERS):
            return ()
        return (("…", False), *_split(rest, len(plain) - len(more.lstrip(_JOINERS)))[1])
    return rest


_JOINERS = " ,;:.—-"
"""What may stand between a title said again at the start of a description and the rest of it."""
_TITLE_END = 6
"""Characters of a title's end a cut snippet must begin with (after its "…") to be taken for that title's end."""


def title_and_rest(label: str, snippet: Segments) -> tuple[Segments, Segments]:
    """A hit's title as segments, its matched words marked, and what its snippet says besides the title.

    An entity's snippet begins with its title (`title — body`; a fragment's:
    `title body`, or `…` and the title's end when the match is further in):
    that part is drawn once, as the title, with its matched words marked,
    and the snippet keeps the rest (nothing, when only the title matched).
    A statement's snippet (its text) and a consequence's (its description) do
    not begin with their label (a speaker, a measure's title): kept whole.
    """
    plain = "".join(text for text, _ in snippet)
    if label and plain.startswith(label):
        title, rest = _split(snippet, len(label))
        return title, _after_title(label, rest)
    if label and plain.startswith("…"):
        cut = plain[1:]
        for size in range(min(len(cut), len(label) - 1), _TITLE_END - 1, -1):
            if (size == len(cut) or cut[size] == " ") and label.endswith(cut[:size]):
                end, rest = _split(snippet, 1 + size)
                return ((label[: len(label) - size], False), *_split(end, 1)[1]), _after_title(label, rest)
    return ((label, False),), snippet


class SearchResults(VirtualList[ResultRow]):
    """Search hits under their kind's heading; the cursor rests on hits (and on "more" rows)."""

    label = "Results"
    mark_gutter: ClassVar[int] = 2
    """One line a hit: the mark's room is kept in front of every row, so marked hits line up with the rest."""
    hit_count: int | None = None
    """How many hits the rows hold (the headings are not counted in the title)."""
    hit_count_at_least: bool = False
    """Whether `hit_count` is a lower bound: a kind has more hits than were counted (its heading says `51+`)."""
    title_note: str = ""
    """What the title says after the count (the kind shown, `50+`)."""

    def count_kinds(self, kinds: Mapping[str, KindHits]) -> None:
        """The title's count for a first screen of every kind: the kinds added up (none while one is uncounted)."""
        counted = all(each.counted for each in kinds.values())
        self.hit_count = sum(each.found for each in kinds.values()) if counted else None
        self.hit_count_at_least = any(at_least(each) for each in kinds.values())

    def _update_title(self) -> None:
        note = self.title_note if self.count else None
        self.border_title = render.pane_title(
            self.label, self.hit_count if self.count else self.count, note, at_least=self.hit_count_at_least
        )

    def is_selectable(self, item: ResultRow) -> bool:
        return item.hit is not None or item.more > 0

    def notebook_key(self, item: ResultRow) -> str | None:
        # Hits of every kind: marked by kind/slug (`NotebookState.marked_refs`).
        return None if item.hit is None else f"{item.hit.kind}/{item.hit.slug}"

    def render_item(self, item: ResultRow, index: int, width: int) -> Text:
        if item.more:
            more = f"{item.more:,}{'+' if item.more_plus else ''} " if item.counted else ""
            what = KIND_TITLES[item.kind].lower()
            return Text(f"  … {more}more {what} · Enter or Tab shows only them", style=self.style("dim"))
        if item.hit is None:
            plus = "+" if item.more_plus else ""
            count = f" · {item.count:,}{plus}" if item.counted else ""
            return Text(f"{KIND_TITLES[item.kind]}{count}", style=self.style("accent"))
        return self.render_hit(item.hit, item.column, width)

    def render_hit(self, hit: SearchHit, column: int, width: int) -> Text:
        """`  date  title  snippet`: dates line up; the title takes the room it needs up to its kind's column.

        The titles of a kind share a column as wide as the widest of them, up to
        `_TITLE_SHARE` of the row when the snippets need the rest; a longer
        title is cut there only when its snippet fills the row, else it takes
        the room the snippet leaves (never a cut title before blank cells).
        A title whose snippet adds nothing (only the title matched) takes the row,
        cut, when it must be, so that its matched word shows.
        """
        match = self.style("match")
        title_segments, rest = title_and_rest(hit.label or "", hit.snippet)
        row = Text("  ", end="", no_wrap=True)
        if hit.said or hit.kind != "actor":
            row.append_text(render.date(hit.said, self.style("dim")))
            row.append(" ")
        room = max(1, width - row.cell_len)

        def segments(parts: Segments, cells: int) -> Text:
            """`parts` drawn in `cells` at most (cut with an ellipsis), matched words marked."""
            cut = cut_to(parts, cells)
            return render.snippet(cut, match) if cut is not None else render.fit(render.snippet(parts, match), cells)

        title = render.snippet(title_segments, match)
        need = title.cell_len
        if not _has_match(rest) and (_has_match(title_segments) or not rest):
            # Only the title matched: it takes the row, cut so that its matched word shows;
            # what follows it in the snippet (unmatched context) gets what room is left.
            if need > room:
                row.append_text(segments(centred_snippet(title_segments, room), room))
                return row
            row.append_text(title)
            if rest and room - need > len(_GAP):
                row.append(_GAP)
                row.append_text(segments(rest, room - need - len(_GAP)))
            return row
        column = min(max(column, need) if column else need, max(_MIN_TITLE, int(room * _TITLE_SHARE)))
        if need <= column:
            take = column
        else:
            said = cell_len(clean_text("".join(text for text, _ in rest), keep_newlines=False))
            take = min(need, max(column, room - len(_GAP) - said))
        row.append_text(render.fit(title, take) if need != take else title)
        row.append(_GAP)
        room -= take + len(_GAP)
        row.append_text(segments(centred_snippet(rest, max(1, room)), room))
        return row


def _pager(rows: list[ResultRow]) -> Pager[ResultRow]:
    """The rows of a search, all in memory, for the results' list (a row's id is its index)."""
    return Pager(
        count=lambda: len(rows),
        page=lambda after, start, limit: rows[start : start + limit],
        ident=lambda row: rows.index(row),
        position=lambda wanted: wanted,
    )


class QueryInput(Input):
    """The query box; it notes when the key that changed it arrived, the wait for the next is counted from there."""

    typed_at: float | None = None
    """When the last key arrived (`time.monotonic`), or None when no key is recent (a paste)."""

    def on_key(self, event: events.Key) -> None:
        # Called before Input's own handler. The event was made as the key arrived; waiting
        # from there, not from when the key's turn came, keeps the wait to `DEBOUNCE`.
        # Only a stamp of this clock, under `DEBOUNCE` old, is taken (else: now).
        age = time.monotonic() - event.time
        self.typed_at = event.time if 0 <= age < DEBOUNCE else None

    def on_paste(self, event: events.Paste) -> None:
        self.typed_at = None  # called before Input's own handler, which pastes


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
    class _Counts(Message):
        """How many hits the kinds left uncounted on the first screen have (`Store.search_counts`)."""

        query: str
        counts: dict[str, tuple[int, bool]]

    @dataclass
    class _Hits(Message):
        query: str
        hits: list[SearchHit]
        error: str | None = None
        kind: str | None = None
        kinds: dict[str, KindHits] | None = None
        """Every kind: its first hits (as many as its share of the screen) and how many it has."""
        after: tuple[str, int] | None = None
        """Where the next page of the one kind shown starts (None: no more)."""
        appended: bool = False
        """A further page of the one kind shown, to add to the rows."""

    def __init__(self, store: Store, state: SearchState | None = None) -> None:
        super().__init__()
        draw_changes_only(self)
        self.store = store
        self.state = state if state is not None else SearchState()
        """Kept by the browser: the query, the kind shown and the hit under the cursor."""
        self.query_text = self.state.query
        """What is typed now; results for anything else are stale."""
        self._kind_hits: list[SearchHit] = []
        self._kinds: dict[str, KindHits] = {}
        """The first screen's hits of every kind, as shown (their counts are filled in when they arrive)."""
        self._count_timer: Timer | None = None
        self._after: tuple[str, int] | None = None
        self._reading = False

    def compose(self) -> ComposeResult:
        yield QueryInput(
            value=self.state.query,
            placeholder="Search statements, actors, measures, consequences, events…",
            id="query",
        )
        yield SearchResults(id="results", empty_message="Type words to search the whole dossier")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        query = self.query_one("#query", QueryInput)
        query.cursor_blink = False if self.app.is_headless else query.cursor_blink
        query.focus()
        self.results.load(None, empty_message="Type words to search the whole dossier")
        self._prepare()
        if self.state.query.strip():
            query.select_all()  # kept from last time: typing replaces it, Enter or ↓ goes on with it
            self._start_search()

    @work(thread=True, group="search-prepare")
    def _prepare(self) -> None:
        """What the first search would read before its queries (`Store.prepare_search`), read while a word is typed."""
        worker = get_current_worker()
        try:
            self.store.prepare_search(should_stop=lambda: worker.is_cancelled)
        except StoreError:
            pass  # the search itself says what is wrong

    @property
    def results(self) -> SearchResults:
        return self.query_one("#results", SearchResults)

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        if event.value == self.query_text:
            return  # the kept query, set when the screen was built: nothing typed
        self.query_text = self.state.query = event.value
        self.state.cursor = None
        typed = self.query_one("#query", QueryInput).typed_at
        self._start_search(wait_from=typed if typed is not None else time.monotonic())

    def _start_search(self, wait_from: float | None = None) -> None:
        """Search for what is typed, `DEBOUNCE` after `wait_from` (None: at once), in a worker.

        The wait is spent in the worker itself, which a newer key cancels: when
        it is over the queries start there and then, with no timer to fire on
        the screen first and no worker to start (a few milliseconds a search).
        """
        height = self._rows()
        deadline = 0.0 if wait_from is None else wait_from + DEBOUNCE
        self.workers.cancel_group(self, "search-counts")  # an older query's: never shown for this one
        if self._count_timer is not None:
            self._count_timer.stop()
        self._search(self.query_text, self.state.kind, height, deadline)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, kind: str | None, rows: int, deadline: float = 0.0) -> None:
        """The first screen: each kind's newest hits (`PROBE`), or one kind's first page; first waits until `deadline`.

        A key typed meanwhile starts a new search, which cancels this one (`exclusive`): the wait ends then.
        `deadline` is a `time.monotonic()` (0: search at once).
        """
        worker = get_current_worker()
        wait = deadline - time.monotonic()
        if wait > 0 and worker.cancelled_event.wait(wait):
            return  # typed on: the newer search has its own wait
        if not query.strip():
            message = self._Hits(query, [], kind=kind)
        else:
            try:
                message = self._first_screen(query, kind, rows, worker)
            except StoreError as exc:
                message = self._Hits(query, [], error=str(exc), kind=kind)
        if not worker.is_cancelled:
            self.post_message(message)

    def _rows(self) -> int:
        """Rows of the results' list (before it is laid out: the terminal's height less the rest)."""
        return max(3, self.results.scrollable_content_region.height or self.app.size.height - 5)

    def _first_screen(self, query: str, kind: str | None, rows: int, worker: Worker[None]) -> _Hits:
        """The hits of a first screen (in the worker): each kind's newest `PROBE`, or one kind's first `PAGE`.

        Every kind: how many hits each has (up to `PROBE`) decides its share of
        the `rows`, and only the hits that share shows are read whole (`Store.search_kinds`).
        """
        stop = lambda: worker.is_cancelled  # noqa: E731
        if kind is not None:
            page = self.store.search_page(query, kind=kind, limit=PAGE, should_stop=stop)
            return self._Hits(query, list(page.hits), kind=kind, after=page.after)
        found = self.store.search_kinds(
            query, PROBE, lambda counts: shares(counts, rows), first=max(2, rows // 3), should_stop=stop
        )
        return self._Hits(query, [hit for each in found.values() for hit in each.hits], kinds=dict(found))

    @work(thread=True, exclusive=True, group="search-counts")
    def _count_kinds(self, query: str, kinds: list[SearchKind]) -> None:
        """How many hits the first screen's uncounted kinds have, asked once it is drawn."""
        worker = get_current_worker()
        if worker.is_cancelled or query != self.query_text:
            return
        try:
            counts = self.store.search_counts(query, kinds, PROBE, should_stop=lambda: worker.is_cancelled)
        except StoreError:
            return
        if not worker.is_cancelled:
            self.post_message(self._Counts(query, dict(counts)))

    @on(_Counts)
    def _show_counts(self, message: _Counts) -> None:
        """The counts in the headings and "more" rows, the rows and the cursor where they were."""
        if message.query != self.query_text or self.state.kind is not None or not self._kinds:
            return  # typed on, or one kind shown since: these counts are another screen's
        for kind, (count, complete) in message.counts.items():
            each = self._kinds.get(kind)
            if each is not None and not each.counted:
                found = max(count, len(each.hits))
                self._kinds[kind] = each._replace(found=found, complete=each.complete and complete, counted=True)
        results = self.results
        rows = first_screen_rows(self._kinds, self._rows())
        results.count_kinds(self._kinds)
        around = max(1, results.size.height)
        snapshot = read_again(_pager(rows), None, results.cursor, around)
        results.show_again(snapshot, subject=None, offset=results.cursor_offset)

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
        if not message.query.strip():
            results.load(None, empty_message="Type words to search the whole dossier")
            return
        self._kinds = {}
        uncounted: list[SearchKind] = []
        if message.kind is None:
            found = message.kinds or {}
            rows = first_screen_rows(found, self._rows())
            uncounted = [kind for kind in KIND_ORDER if kind in found and not found[kind].counted]
            results.count_kinds(found)
            self._kinds = dict(found)
            results.title_note = "every kind · Tab: one kind"
        else:
            self._reading = False
            hits = newest_first(message.hits) if not message.appended else message.hits
            self._kind_hits = [*self._kind_hits, *hits] if message.appended else hits
            self._after = message.after
            rows = [ResultRow(message.kind, count=len(self._kind_hits), more_plus=message.after is not None)]
            rows += hit_rows(message.kind, self._kind_hits)
            if message.after is not None:
                rows.append(ResultRow(message.kind, more=PAGE, more_plus=True))
            results.hit_count = len(self._kind_hits)
            results.hit_count_at_least = message.after is not None  # more pages to read: at least this many
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
        results.load(_pager(rows), select_id=index, now=True)
        if uncounted:
            query = message.query
            self._count_timer = self.set_timer(COUNT_AFTER, lambda: self._count_kinds(query, uncounted))

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

"""Full-text search over a dossier: `search_page` and the queries of one search run.

What the user typed is parsed by `dossier.search` (words, prefixes, fragments,
transliteration); this module runs the parsed query against the indexes the
importer keeps (`statements_fts`, `entities_fts`, the trigram tables) on a
second read-only connection, so a slow search never holds up the browser's
queries, and under a deadline, so it never runs on past what the screen can
wait for.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..rows import KindHits, SearchHit, SearchKind, SearchOrder, SearchPage
from ..schema import ENTITY_KIND_CODES
from .base import StoreBase
from .connection import connect_existing

if TYPE_CHECKING:
    from .search_run import _Found, _HeldTexts, _SearchRun


class SearchQueries(StoreBase):
    """`search_page`, with the search connection it opens on first use."""

    SEARCH_TIME_LIMIT = 0.5
    """Seconds one `search_page` call may take in "recent" order; then it returns what it has."""
    RANK_TIME_LIMIT = 1.5
    """Seconds the ranking of all matches may take before it falls back to the newest RANK_CANDIDATES."""
    RANK_CANDIDATES = 2000
    """How many of the newest matches are ranked when ranking all of them takes too long."""
    SCAN_WINDOW = 10_000
    """How many of the newest statements are scanned for fragments (text inside words, short CJK words)."""
    PREFIX_SAMPLE = 2000
    """How many of the newest statements are sampled to estimate how common a prefix is."""
    PREFIX_POSTINGS = 100_000
    """Estimated postings above which a prefix is too slow for a first page (~5 ms of FTS5 merging)."""
    PROBE_MATCHES = 2000
    """How many of a word's matching statements are read to tell how common it is (0.5 ms on 1M)."""
    SORT_MATCHES = 1000
    """Up to this many matching statements are read whole and sorted by date; more walk the date index."""
    PREFIX_WORDS = 16
    """A prefix standing for at most this many words of an index is searched as those words (`Expand`)."""
    HELD_KINDS: tuple[SearchKind, ...] = ("actor", "event")
    """Entity kinds whose fragments are found in their text held in memory (`_HeldTexts`), once the search
    screen has read it (`prepare_search`); until then, and after the file changed, by the trigram index."""

    def __init__(self, conn: sqlite3.Connection, path: Path, warnings: Sequence[str] = ()) -> None:
        super().__init__(conn, path, warnings)
        self._search_conn: sqlite3.Connection | None = None
        self._search_lock = threading.RLock()
        self._vocabularies: dict[str, str | None] = {}
        """Each FTS5 table's fts5vocab table on the search connection (temp), None where it cannot be made."""
        self._prefix_words: dict[tuple[str, str, int], tuple[str, ...] | None] = {}
        """Words read for a prefix (`_SearchRun._words_of`), kept while the file is unchanged: the search
        screen asks kind by kind and page by page for the same words."""
        self._prefix_words_version: int | None = None
        self._held: dict[int, _HeldTexts] = {}
        """The text the trigram index holds of each small entity kind (`HELD_KINDS`), by kind code, read once
        and kept while the file is unchanged (`PRAGMA data_version`): its fragments are found in memory."""
        self._held_version: int | None = None

    def close(self) -> None:
        with self._search_lock:
            if self._search_conn is not None:
                self._search_conn.close()
                self._search_conn = None
                self._vocabularies.clear()
                self._prefix_words.clear()
                self._prefix_words_version = None
                self._held.clear()
                self._held_version = None
        super().close()

    def search_page(
        self,
        query: str,
        kind: str | None = None,
        limit: int = 50,
        *,
        order: SearchOrder = "recent",
        after: tuple[str, int] | None = None,
        offset: int = 0,
        time_limit: float | None = None,
        should_stop: Callable[[], bool] | None = None,
        scan_window: int | None = None,
        full_prefixes: bool = False,
    ) -> SearchPage:
        """One page of hits for `query`, never an exception for any text (see dossier/search.py).

        Hits come kind by kind: actors, measures, events, consequences, then
        statements; `kind` keeps one. `limit` bounds the whole page.

        Prefixes: FTS5 merges all the words under a prefix before the first
        row, which for a common prefix on 1M statements (`the*`: the, they,
        their, ...) takes 0.2 s and cannot be interrupted. So unless
        `full_prefixes`, a prefix whose fragment is frequent among the newest
        statements (estimated postings above PREFIX_POSTINGS) matches whole
        words in the statement index; its longer forms are still found by the
        fragment scan of the newest statements, and the page says
        `complete=False`. Pass `full_prefixes=True` to refine such a page in
        a worker (the command line always does).

        * order "recent" (the default, fast on any dossier): newest first
          within a kind by date over all its matches (then by id; undated
          last; actors by id); the next page starts `after` the last hit
          (`page.after`, a keyset on its date and id). This is the first page
          to show.
        * order "rank": by bm25 relevance within each kind, paged by `offset`.
          Ranking all matches of a common word on a big dossier takes about a
          second, so it is given RANK_TIME_LIMIT; past that it ranks the newest
          RANK_CANDIDATES matches instead (`page.ranked` is then False). Run it
          in a worker after showing the "recent" page, to refine it.

        A statement matches by words (prefixes, transliterated Cyrillic), by
        trigrams when it holds CJK text, or, among the newest `scan_window`
        statements, by fragments inside words. Every query on the search
        connection runs under a deadline (`time_limit`) and stops early when
        `should_stop()` turns true (pass the worker's cancellation); what was
        found by then is returned with `page.complete` False.
        """
        from ..search import parse_query
        from .search_run import _SEARCH_KINDS, _SearchRun

        parsed = parse_query(query)
        if parsed.empty or limit <= 0:
            return SearchPage()
        if time_limit is None:
            time_limit = self.SEARCH_TIME_LIMIT if order == "recent" else self.RANK_TIME_LIMIT
        kinds = [k for k in _SEARCH_KINDS if kind in (None, k)]
        if after is not None and after[0] in kinds:
            kinds = kinds[kinds.index(after[0]) :]
        run = _SearchRun(self, parsed, time.monotonic() + time_limit, should_stop, scan_window or self.SCAN_WINDOW)
        run.full_prefixes = full_prefixes
        hits: list[_Found] = []
        ranked = order == "rank"
        skip = max(0, offset)
        for k in kinds:
            before = after[1] if after is not None and after[0] == k else None
            want = limit - len(hits) + (skip if order == "rank" else 0)
            if want <= 0:
                break
            if order == "rank":
                found, all_ranked = run.ranked(k, want)
                ranked = ranked and all_ranked
                taken = found[skip:]
                skip = max(0, skip - len(found))
            else:
                taken = run.recent(k, want, before)
            hits.extend(taken[: limit - len(hits)])
        items = run.hits(hits)
        more = order == "recent" and len(items) >= limit
        return SearchPage(
            hits=tuple(items),
            complete=run.complete and not run.prefixes_limited,
            ranked=ranked and run.complete,
            after=(items[-1].kind, items[-1].id) if more and items else None,
        )

    def search_kinds(
        self,
        query: str,
        limit: int = 50,
        shown: Callable[[dict[str, int]], Mapping[str, int]] | None = None,
        *,
        first: int | None = None,
        time_limit: float | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> dict[str, KindHits]:
        """The newest hits of every kind for a first screen, snippets only for the hits shown.

        The same hits, kind by kind, as `search_page(query, kind=k, limit=limit)`
        gives, found by one run (the query parsed once, its words read once).
        `shown` is told how many hits of each kind there are (up to `limit`) and
        says how many of each are shown (default: all): only those are read
        whole, their snippet made by the index (one FTS5 lookup each, 0.1 to
        0.5 ms on 10M statements, most of the time of a first screen for a
        common word).

        With `first`, each kind is searched for its newest `first` hits only
        (the last, statements, for as many as its share shows, and one, given
        what the others have); a kind that has that many is told to `shown` as having `limit`, and is
        searched on for as many more as its share then shows, and one (to know
        there are more). Its `KindHits.counted` is then False: how many hits it
        has is left to `search_counts`, asked after the screen is drawn. A
        common word on 10M statements walks a quarter of the rows it walked.
        Each kind has `time_limit` (default SEARCH_TIME_LIMIT) of its own.
        """
        from .search_run import _SEARCH_KINDS

        budget = self.SEARCH_TIME_LIMIT if time_limit is None else time_limit
        run = self._kinds_run(query, budget, should_stop) if limit > 0 else None
        if run is None:
            return {}
        run.fragment_window = limit
        want = min(limit, first) if first else limit
        found: dict[SearchKind, list[_Found]] = {}
        complete: dict[SearchKind, bool] = {}
        uncounted: set[SearchKind] = set()

        def search(kind: SearchKind, count: int) -> None:
            run.next_kind(budget)
            before = found[kind][-1].id if found.get(kind) else None
            more = run.recent(kind, count, before, snippets=False)
            found[kind] = [*found.get(kind, []), *more]
            complete[kind] = complete.get(kind, True) and run.kind_complete(kind)
            if len(more) < count or len(found[kind]) >= limit:
                uncounted.discard(kind)  # every hit (up to `limit`) read: counted
            else:
                uncounted.add(kind)

        for kind in _SEARCH_KINDS:
            count = want
            if want < limit and shown is not None and kind == _SEARCH_KINDS[-1]:
                # the last kind's share is known from the others': read as many as it shows, and one
                known: dict[str, int] = {k: limit if k in uncounted else len(hits) for k, hits in found.items()}
                count = min(limit, max(1, shown({**known, kind: limit}).get(kind, 0)) + 1)
            search(kind, count)
        while True:
            counts: dict[str, int] = {kind: limit if kind in uncounted else len(hits) for kind, hits in found.items()}
            wanted = {kind: max(0, n) for kind, n in (shown(counts) if shown is not None else counts).items()}
            short = [kind for kind in uncounted if len(found[kind]) < min(limit, wanted.get(kind, 0) + 1)]
            if not short:
                break
            for kind in short:  # its share shows more than was read: read on, one more than it shows
                search(kind, min(limit, wanted[kind] + 1) - len(found[kind]))
        picked: list[_Found] = []
        for kind, hits in found.items():
            run.next_kind(budget)
            picked += run.with_snippets(kind, hits[: wanted.get(kind, 0)])
            complete[kind] = complete[kind] and run.complete
        by_kind: dict[str, list[SearchHit]] = {}
        for hit in run.hits(picked):
            by_kind.setdefault(hit.kind, []).append(hit)
        out: dict[str, KindHits] = {
            kind: KindHits(tuple(by_kind.get(kind, ())), len(found[kind]), complete[kind], kind not in uncounted)
            for kind in _SEARCH_KINDS
            if found[kind]
        }
        return out

    def search_counts(
        self,
        query: str,
        kinds: Sequence[SearchKind],
        limit: int = 50,
        *,
        time_limit: float | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> dict[str, tuple[int, bool]]:
        """How many hits each of `kinds` has, up to `limit`, and whether that was searched in full (`complete`).

        What `search_kinds` leaves uncounted: the same hits are found (newest
        first, up to `limit`), only none is read whole.
        """
        budget = self.SEARCH_TIME_LIMIT if time_limit is None else time_limit
        run = self._kinds_run(query, budget, should_stop) if limit > 0 else None
        if run is None:
            return {}
        out: dict[str, tuple[int, bool]] = {}
        for kind in kinds:
            run.next_kind(budget)
            count = len(run.recent(kind, limit, None, snippets=False))
            out[kind] = (count, run.kind_complete(kind))
        return out

    def prepare_search(self, should_stop: Callable[[], bool] | None = None) -> None:
        """Open the search connection and read the texts of the `HELD_KINDS`, if not held for the file as it is.

        The search screen calls it as it opens, in a worker, while a word is
        typed: the actors' of 10M statements take about 0.1 s to read. A search
        never reads them itself (cut short by its deadline, it would try again
        on every key); the command line, which searches once, never holds them.
        """
        from ..search import parse_query
        from .search_run import _DATED, _SearchRun

        run = _SearchRun(self, parse_query(""), time.monotonic() + 4 * self.SEARCH_TIME_LIMIT, should_stop, 0)
        for kind in self.HELD_KINDS:
            table, _ = _DATED[kind]
            first, last = run._id_range(table)
            if last:
                run._held(ENTITY_KIND_CODES[kind], first, last, read=True)

    def _kinds_run(self, query: str, seconds: float, should_stop: Callable[[], bool] | None) -> _SearchRun | None:
        """A run of `query` for `search_kinds` and `search_counts` (each kind then has `seconds`); None when empty."""
        from ..search import parse_query
        from .search_run import _SearchRun

        parsed = parse_query(query)
        if parsed.empty:
            return None
        return _SearchRun(self, parsed, time.monotonic() + seconds, should_stop, self.SCAN_WINDOW)

    def _search_connection(self) -> sqlite3.Connection:
        """A second read-only connection for search, so a slow search never holds up the browse queries."""
        if self._search_conn is None:
            # The browse connection checked the file for damage when it opened; a second
            # check here cost the first search 0.25 s on a big dossier (measured 300 ms -> 8 ms).
            self._search_conn = connect_existing(self.path, check_seconds=0)
        return self._search_conn

    def _known_prefix_words(self, version: int) -> dict[tuple[str, str, int], tuple[str, ...] | None]:
        """The prefixes' words read so far, emptied when the file changed (`PRAGMA data_version` on the search
        connection moves with every commit of another connection)."""
        with self._search_lock:
            if version != self._prefix_words_version or len(self._prefix_words) > 1000:
                self._prefix_words.clear()
                self._prefix_words_version = version
            return self._prefix_words

    def _held_texts(self, version: int) -> dict[int, _HeldTexts]:
        """The entity kinds' texts held so far (`_HeldTexts`), emptied when the file changed."""
        with self._search_lock:
            if version != self._held_version:
                self._held.clear()
                self._held_version = version
            return self._held

    def _vocabulary_table(self, index: str) -> str | None:
        """The name of a temp fts5vocab table over the FTS5 table `index` (made on first use), or None.

        Temp tables live in the connection's own temporary database, never in
        the file: the main database stays read-only (`mode=ro`); only
        `query_only`, which forbids the temp table too, is lifted around it.
        """
        with self._search_lock:
            if index not in self._vocabularies:
                conn = self._search_connection()
                name: str | None = f"temp.dossier_vocabulary_{index}"
                try:
                    conn.execute("PRAGMA query_only = OFF")
                    try:
                        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5vocab(main, {index}, row)")
                    finally:
                        conn.execute("PRAGMA query_only = ON")
                except sqlite3.Error:
                    name = None
                self._vocabularies[index] = name
            return self._vocabularies[index]


# --------------------------------------------------------------------------- search runs

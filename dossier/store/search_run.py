"""The queries of one search run (`_SearchRun`), imported by `SearchQueries` on its first search.

Kept out of `dossier.store.search` so that opening the browser, which never
searches before its first screen, does not load them (about 2 ms of imports
on the first screen's path, docs/performance.md).
"""

from __future__ import annotations

import bisect
import sqlite3
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import StoreError
from ..rows import SearchHit, SearchKind
from ..schema import ENTITY_KIND_CODES

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path

    from ..search import Expand, SearchQuery, SubstringPlan, Term


class _SearchStore(Protocol):
    """What a search run uses of its store (`SearchQueries`, which imports this module on its first search)."""

    HELD_KINDS: tuple[SearchKind, ...]
    PREFIX_POSTINGS: int
    PREFIX_SAMPLE: int
    PREFIX_WORDS: int
    PROBE_MATCHES: int
    RANK_CANDIDATES: int
    SEARCH_TIME_LIMIT: float
    SORT_MATCHES: int
    path: Path

    @property
    def _search_lock(self) -> AbstractContextManager[Any]: ...
    def _all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]: ...
    def _search_connection(self) -> sqlite3.Connection: ...
    def _vocabulary_table(self, index: str) -> str | None: ...
    def _known_prefix_words(self, version: int) -> dict[tuple[str, str, int], tuple[str, ...] | None]: ...
    def _held_texts(self, version: int) -> dict[int, _HeldTexts]: ...


_SEARCH_KINDS: tuple[SearchKind, ...] = ("actor", "measure", "event", "consequence", "statement")
_MARKS = "char(57344), char(57345)"  # dossier.search.MARK_START, MARK_END
_NO_BOUND = 1 << 62
_STEPS = 1000  # SQLite VM steps between deadline checks: well under a millisecond


@dataclass(frozen=True)
class _Found:
    """A hit before it is a `SearchHit`: its kind, id and, when the index made one, its snippet."""

    kind: SearchKind
    id: int
    snippet: tuple[tuple[str, bool], ...] | None = None


class _SearchRun:
    """The queries of one `search_page` call: one parsed query, one deadline, one stop switch.

    Every index query runs on the store's search connection with a progress
    handler that aborts it past the deadline or when `should_stop()` is true;
    an aborted query keeps the rows it produced and marks the run incomplete.
    """

    def __init__(
        self,
        store: _SearchStore,
        query: SearchQuery,
        deadline: float,
        should_stop: Callable[[], bool] | None,
        scan_window: int,
    ) -> None:
        from ..search import names_match, substring_plan, word_match

        self.store, self.query, self.deadline, self.should_stop = store, query, deadline, should_stop
        self.scan_window = scan_window
        self.complete = True
        self._stopped = False
        entity_parts = [e for e in (word_match(query, "title body"), names_match(query)) if e]
        self.entity_words = " OR ".join(f"({e})" for e in entity_parts) or None
        self.substrings = substring_plan(query)
        self._scan_floor: int | None = None
        self.full_prefixes = False
        self.prefixes_limited = False
        self._statement_words: str | None | bool = False  # computed on first use
        self._whole: frozenset[Term] = frozenset()
        self._matches: dict[str, int] = {}
        """How many rows each FTS5 table's MATCH has, as estimated by `_newest`."""
        self._index_words: dict[tuple[str, str], tuple[str, ...] | None] = {}
        self._known: dict[tuple[str, str, int], tuple[str, ...] | None] | None | bool = False
        self._version: int | None | bool = False
        self._expressions: dict[tuple[str, bool], str | None] = {}
        self._id_ranges: dict[str, tuple[int, int]] = {}
        self._walked_dates = False
        """Whether the statements' words were found by a short walk of their date index (`_newest`)."""
        self.fragment_window = 0
        """At least this many of an entity kind's newest (by id) entities holding a fragment are read: a
        page of fewer hits then holds the first hits of a page of this many (`Store.search_kinds`)."""

    def next_kind(self, seconds: float) -> None:
        """Start on another kind (`Store.search_kinds`, `search_counts`): complete again, `seconds` of its own."""
        self.complete, self._stopped, self.deadline = True, False, time.monotonic() + seconds

    def kind_complete(self, kind: SearchKind) -> bool:
        """Whether the kind searched since `next_kind` was searched in full (a statement's common prefix was
        searched as its whole word: not in full)."""
        return self.complete and not (kind == "statement" and self.prefixes_limited)

    # ------------------------------------------------------------- running one query

    def _handler(self) -> int:
        try:
            stop = time.monotonic() >= self.deadline or bool(self.should_stop and self.should_stop())
        except Exception:  # a broken callback must not turn into an SQLite error for the user
            stop = True
        self._stopped = self._stopped or stop
        return 1 if stop else 0

    @property
    def stopped(self) -> bool:
        return self._handler() == 1

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run one bounded query; if the deadline or the caller stops it, keep what it found."""
        if self.stopped:
            self.complete = False
            return []
        store = self.store
        out: list[tuple[Any, ...]] = []
        with store._search_lock:
            conn = store._search_connection()
            conn.set_progress_handler(self._handler, _STEPS)
            try:
                cursor = conn.execute(sql, params)
                while True:
                    row: Any = cursor.fetchone()  # one at a time: an abort keeps every row before it
                    if row is None:
                        break
                    out.append(tuple(row))
            except sqlite3.OperationalError as exc:
                if not self._stopped:
                    raise StoreError(f"{store.path}: search failed ({exc})") from None
                self.complete = False
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{store.path}: search failed ({exc})") from None
            finally:
                conn.set_progress_handler(None, 0)
        return out

    def _filters(self, column: str, plan: SubstringPlan) -> tuple[str, list[Any]]:
        sql = "".join(f" AND instr(lower({column}), ?) > 0" for _ in plan.contains)
        sql += "".join(f" AND instr(lower({column}), ?) = 0" for _ in plan.lacks)
        return sql, [*plan.contains, *plan.lacks]

    # ------------------------------------------------------------- expressions

    def _words_of(self, index: str, prefix: str) -> tuple[str, ...] | None:
        """The words of the FTS5 table `index` that begin with `prefix`; None if more than PREFIX_WORDS or unknown.

        Read from its vocabulary (fts5vocab), which reads the postings of each
        word it passes: as much as FTS5 merges for the prefix on one query.
        """
        key = (index, prefix)
        if key not in self._index_words:
            limit = self.store.PREFIX_WORDS
            known = self._known_words()
            if known is not None and (index, prefix, limit) in known:
                self._index_words[key] = known[index, prefix, limit]
                return self._index_words[key]
            found: tuple[str, ...] | None = None
            table = self.store._vocabulary_table(index)
            if table is not None:
                try:
                    rows = self.rows(
                        f"SELECT term FROM {table} WHERE term >= ? AND term < ? LIMIT ?",
                        (prefix, prefix + "\U0010ffff", limit + 1),
                    )
                except StoreError:
                    rows = None
                if rows is not None and not self._stopped:  # a read cut short names some words only: unknown
                    found = tuple(str(r[0]) for r in rows) if len(rows) <= limit else None
                    if known is not None:
                        known[index, prefix, limit] = found
            self._index_words[key] = found
        return self._index_words[key]

    def _data_version(self) -> int | None:
        """`PRAGMA data_version` of the search connection (asked once a run): moves when the file changed."""
        if self._version is False:
            version = self.rows("PRAGMA data_version", ())
            self._version = int(version[0][0]) if version else None
        return self._version if isinstance(self._version, int) else None

    def _known_words(self) -> dict[tuple[str, str, int], tuple[str, ...] | None] | None:
        """The store's prefixes' words for the file as it is now (asked once a run), None if not known."""
        if self._known is False:
            version = self._data_version()
            self._known = self.store._known_prefix_words(version) if version is not None else None
        return self._known if isinstance(self._known, dict) else None

    def _expand(self, index: str, one_word: bool) -> Expand:
        """`Expand` for `index`: a prefix as its words; with `one_word`, only a prefix that stands for one word."""

        def expand(prefix: str) -> Sequence[str] | None:
            found = self._words_of(index, prefix)
            return found if found is not None and (not one_word or len(found) == 1) else None

        return expand

    def entity_match(self, snippet: bool = False, names: bool = True) -> str | None:
        """`entity_words` with prefixes named as their words; for a snippet, only those that stand for one word.

        Without `names`, for the kinds whose `names` column is empty (all but
        actors, `importer._ENTITY_SQL`): the same rows match, and a lookup by
        rowid seeks one phrase fewer (9 snippets of consequences for a common
        word on 10M statements: 1.5-1.7 -> 0.8 ms at load 6).
        """
        key = ("entities_fts" if names else "entities_fts/no names", snippet)
        if key not in self._expressions:
            from ..search import names_match, word_match

            expand = self._expand("entities_fts", one_word=snippet)
            parts = [word_match(self.query, "title body", expand=expand)]
            if names:
                parts.append(names_match(self.query, expand=expand))
            expression = " OR ".join(f"({e})" for e in parts if e) or None
            anywhere = word_match(self.query, expand=expand)
            one_term = len(self.query.terms) == 1 and not self.query.excluded
            if not snippet and one_term and names and parts[1] == f"names : {anywhere}":
                # one term whose folded name is the word itself: in title, body or names is in any column (all
                # three are the indexed ones), and FTS5 reads one phrase where it read two (actors, common word:
                # 5.5 -> 3.2 ms on 10M). A snippet keeps both: its score counts phrases.
                expression = anywhere
            self._expressions[key] = expression if self.entity_words else None
        return self._expressions[key]

    def statement_match(self, snippet: bool = False) -> str | None:
        """`statement_words()` with prefixes named as their words (as `entity_match`)."""
        key = ("statements_fts", snippet)
        if key not in self._expressions:
            from ..search import word_match

            words = self.statement_words()
            expand = self._expand("statements_fts", one_word=snippet)
            self._expressions[key] = word_match(self.query, whole=self._whole, expand=expand) if words else None
        return self._expressions[key]

    def _id_range(self, table: str) -> tuple[int, int]:
        """The lowest and highest id of `table` (0, 0 when empty): two lookups at the ends of its rowid."""
        if table not in self._id_ranges:
            low = self.rows(f"SELECT min(id) FROM {table}", ())  # min and max in one query scan the table
            high = self.rows(f"SELECT max(id) FROM {table}", ())
            self._id_ranges[table] = (int(low[0][0] or 0) if low else 0, int(high[0][0] or 0) if high else 0)
        return self._id_ranges[table]

    # ------------------------------------------------------------- newest first

    def recent(self, kind: SearchKind, want: int, before: int | None, snippets: bool = True) -> list[_Found]:
        """The newest `want` hits of one kind (by date, then id; undated last) after the hit `before`.

        Without `snippets`, only which hits (kind and id): `with_snippets` reads
        the snippets of those that will be shown.
        """
        cursor = self._cursor(kind, before)
        found = (
            self._recent_statements(want, cursor) if kind == "statement" else self._recent_entities(kind, want, cursor)
        )
        return self.with_snippets(kind, found) if snippets else found

    def with_snippets(self, kind: SearchKind, found: Sequence[_Found]) -> list[_Found]:
        """`found` (hits of one kind) with the snippets the index makes for them (one FTS5 lookup each)."""
        ids = [f.id for f in found]
        if kind == "statement":
            snippets = self._statement_snippets(ids) if self.statement_match() else {}
        else:
            snippets = self._entity_snippets(kind, ids)
        return [_Found(kind, f.id, snippets.get(f.id, f.snippet)) for f in found]

    def _recent_entities(self, kind: SearchKind, want: int, cursor: _Cursor | None) -> list[_Found]:
        code = ENTITY_KIND_CODES[kind]
        order: dict[int, _Key] = {}
        words = self.entity_match()
        if words and kind == "actor":  # no date: newest added first, read in the index's order
            first, last = self._id_range("actors")
            below = min(cursor[1] if cursor is not None else _NO_BOUND, last + 1)
            # within the actors' band of rowids: the other kinds' matches above it are never read
            for (rowid,) in self.rows(
                "SELECT rowid FROM entities_fts WHERE entities_fts MATCH ? AND rowid < ? AND rowid >= ?"
                " AND rowid % 8 = ? ORDER BY rowid DESC LIMIT ?",
                (words, below * 8, first * 8, code, want),
            ):
                order[rowid // 8] = _key(None, rowid // 8)
        elif words:
            for entity_id, date in self._newest(kind, "entities_fts", words, want, cursor):
                order[entity_id] = _key(date, entity_id)
        fragments = self._entity_fragments(code, max(want, self.fragment_window))
        if fragments:  # fragments inside words: the newest `want` entities (by id), put in date order
            table, column = _DATED[kind]
            keyset, keys = _keyset(cursor, "e", column)
            ids = _json_ids(rowid // 8 for rowid in fragments)
            for entity_id, date in self.rows(
                f"SELECT e.id, {_date_sql('e', column)} FROM json_each(?) j CROSS JOIN {table} e ON e.id = j.value"
                f" WHERE 1{keyset}",
                (ids, *keys),
            ):
                order.setdefault(entity_id, _key(date, entity_id))
        newest = sorted(order, key=order.__getitem__, reverse=True)[:want]
        return [_Found(kind, i) for i in newest]

    def _entity_snippets(self, kind: SearchKind, ids: Sequence[int]) -> dict[int, tuple[tuple[str, bool], ...]]:
        code = ENTITY_KIND_CODES[kind]
        snippets: dict[int, tuple[tuple[str, bool], ...]] = {}
        marked = self.entity_match(snippet=True, names=kind == "actor")
        if marked and ids:
            marks = ", ".join("?" * len(ids))
            pick = self._by_rowid("entities_fts", marked, len(ids))
            for rowid, title, body in self.rows(
                f"SELECT rowid, highlight(entities_fts, 2, {_MARKS}), snippet(entities_fts, 3, {_MARKS}, '…', 16)"
                f" FROM entities_fts WHERE entities_fts MATCH ? AND {pick} IN ({marks})",
                (marked, *(i * 8 + code for i in ids)),
            ):
                snippets[rowid // 8] = self._entity_snippet(title, body)
        return snippets

    def _by_rowid(self, index: str, match: str, count: int) -> str:
        """How to pick `count` rows of a MATCH by rowid: `rowid IN` (one FTS5 lookup each) or `+rowid IN`.

        FTS5 runs the whole MATCH again for each rowid it is handed (~25 µs
        a word, but a prefix merges all its words again each time); when the
        MATCH has few rows, reading them all and keeping the wanted ones
        (`+rowid`) is cheaper. Not knowing how many: a prefix reads them all.
        """
        matches = self._matches.get(index)
        if matches is None:
            return "+rowid" if "*" in match else "rowid"
        return "rowid" if count * _lookup_cost(match, matches) < matches * _COST_MATCH_ROW else "+rowid"

    def _cursor(self, kind: SearchKind, before: int | None) -> _Cursor | None:
        """The keyset after the hit `before`: its date (read again by id) and its id."""
        if before is None:
            return None
        table, column = _DATED[kind]
        if column is None:
            return (None, before)
        rows = self.rows(f"SELECT {column} FROM {table} WHERE id = ?", (before,))
        return (rows[0][0] if rows else None, before)  # gone since: go on among the undated

    def _newest(
        self, kind: SearchKind, index: str, match: str, want: int, cursor: _Cursor | None
    ) -> list[tuple[int, str | None]]:
        """(id, date) of the newest `want` rows of `kind` that `match` finds in the FTS5 table `index`, after `cursor`.

        Newest over ALL matches, by one of three plans chosen by how many rows
        match (see docs/search.md): a few (up to SORT_MATCHES) are read whole
        and sorted by date; more are kept in a set while the kind's date index
        is walked newest first (`id IN (SELECT rowid ...)`); a word in a large
        share of the rows is tested row by row as the date index is walked
        (each test an FTS5 lookup by rowid, ~25 µs for a word on 10M
        statements, and only about want / share rows are walked).

        An entity kind reads only its band of the index's rowids (id * 8 +
        code, from its lowest id to its highest), so that the matches of the
        other kinds above and below it are never read.
        """
        table, column = _DATED[kind]
        code = ENTITY_KIND_CODES.get(kind)
        first, last = self._id_range(table)
        if last == 0:
            return []
        rowid = "e.id" if code is None else f"e.id * 8 + {code}"
        band = ""
        if code is not None:
            band = f" AND rowid BETWEEN {first * 8 + code} AND {last * 8 + code} AND rowid % 8 = {code}"
        probe = self.rows(
            f"SELECT rowid FROM {index} WHERE {index} MATCH ?{band} ORDER BY rowid LIMIT ?",
            (match, self.store.PROBE_MATCHES + 1),
        )
        self._matches[index] = max(self._matches.get(index, 0), len(probe))
        if len(probe) <= self.store.SORT_MATCHES:
            keyset, keys = _keyset(cursor, "e", column)
            ids = _json_ids(r[0] if code is None else r[0] // 8 for r in probe)
            return [
                (r[0], r[1])
                for r in self.rows(
                    f"SELECT e.id, {_date_sql('e', column)} FROM json_each(?) j CROSS JOIN {table} e ON e.id = j.value"
                    f" WHERE 1{keyset} ORDER BY {_order_sql('e', column)} LIMIT ?",
                    (ids, *keys, want),
                )
            ]
        span = max(1, last - first + 1)
        last_probed = probe[-1][0] if code is None else probe[-1][0] // 8
        share = len(probe) / (span if len(probe) <= self.store.PROBE_MATCHES else max(1, last_probed - first + 1))
        walked = want / max(share, 1e-9)
        matches = round(share * span)
        # A snippet by `+rowid`, and the set below, read the matches of every entity kind in the band
        # (guessed: as many as this one's, each).
        in_band = matches * (len(ENTITY_KIND_CODES) if code else 1)
        self._matches[index] = max(self._matches[index], in_band)
        in_set = in_band * _COST_SET_ROW + walked * _COST_INDEX_ROW
        lookup = _lookup_cost(match, matches)
        text = _INDEXED_TEXT.get(kind) if index in ("statements_fts", "entities_fts") else None
        if text is not None and code is not None and self._ascii_words():
            # a LIKE first, then a lookup for the rows (about `share` of them) whose text holds every word;
            # a statement's text is read from far in the file (its cost is left to _COST_FTS_LOOKUP)
            lookup = _COST_LIKE_ROW + min(1.0, share) * lookup
        params: list[Any] = [match]
        if walked * lookup < in_set:
            test = f"EXISTS (SELECT 1 FROM {index} WHERE {index} MATCH ? AND rowid = {rowid})"
            if text is not None:
                test, params = self._ascii_prefilter(text, test, params)
        else:
            test = f"{rowid} IN (SELECT rowid FROM {index} WHERE {index} MATCH ?{band})"
        if index == "statements_fts":
            self._walked_dates = walked * 4 < self.scan_window
        return self._walk(kind, test, params, want, cursor)

    def _ascii_words(self) -> tuple[str, ...] | None:
        from ..search import ascii_words

        return ascii_words(self.query)

    def _ascii_prefilter(self, text: str, test: str, params: list[Any]) -> tuple[str, list[Any]]:
        """`test` (an FTS5 lookup of a row of table `e`) skipped for ASCII texts that lack one of the query's words.

        An FTS5 lookup costs ~25 µs; reading the row and a LIKE, ~3 µs. For a
        query of ASCII words (`ascii_words`), an ASCII text without one of them
        cannot match, so three in four lookups of a word in a quarter of the
        statements are never made. Other texts are looked up as before. `text`
        is the SQL of what the index holds of the row (`_INDEXED_TEXT`).
        """
        words = self._ascii_words()
        if not words:
            return test, params
        likes = " AND ".join(f"{text} LIKE ? ESCAPE '\\'" for _ in words)
        ascii_text = f"length(CAST({text} AS BLOB)) = length({text})"  # one byte a character: ASCII (and no NUL)
        return f"(NOT {ascii_text} OR ({likes})) AND {test}", [*(_like_pattern(w) for w in words), *params]

    def _walk(
        self, kind: SearchKind, test: str, params: Sequence[Any], want: int, cursor: _Cursor | None
    ) -> list[tuple[int, str | None]]:
        """(id, date) of the newest `want` rows of `kind` passing `test`, walking its date index down from `cursor`."""
        table, column = _DATED[kind]
        if column is None:  # actors: newest added first
            below = cursor[1] if cursor is not None else _NO_BOUND
            return [
                (r[0], None)
                for r in self.rows(
                    f"SELECT e.id FROM {table} e WHERE e.id < ? AND {test} ORDER BY e.id DESC LIMIT ?",
                    (below, *params, want),
                )
            ]
        by_date = _DATE_INDEX[kind]
        found: list[tuple[int, str | None]] = []
        if cursor is None or cursor[0] is not None:  # the dated rows first
            date, below = cursor if cursor is not None else (_TOP_DATE, _NO_BOUND)
            found += [
                (r[0], r[1])
                for r in self.rows(
                    f"SELECT e.id, e.{column} FROM {table} e INDEXED BY {by_date}"
                    f" WHERE e.{column} IS NOT NULL AND (e.{column}, e.id) < (?, ?) AND {test}"
                    f" ORDER BY e.{column} DESC, e.id DESC LIMIT ?",
                    (date, below, *params, want),
                )
            ]
        if len(found) < want and not self._stopped:  # then the undated ones
            below = cursor[1] if cursor is not None and cursor[0] is None else _NO_BOUND
            found += [
                (r[0], None)
                for r in self.rows(
                    f"SELECT e.id FROM {table} e INDEXED BY {by_date}"
                    f" WHERE e.{column} IS NULL AND e.id < ? AND {test} ORDER BY e.id DESC LIMIT ?",
                    (below, *params, want - len(found)),
                )
            ]
        return found

    def _checked(
        self,
        kind: SearchKind,
        index: str,
        plan: SubstringPlan,
        want: int,
        cursor: _Cursor | None,
        rowids: Callable[[list[int]], list[int]],
    ) -> list[tuple[int, str | None]]:
        """The newest `want` rows the trigram index `index` finds for `plan.match`, each checked for every fragment.

        The trigram MATCH already holds the long fragments (case folded); the
        check (`instr(lower(text))`, and what must be left out) is run on the
        candidates only, a batch at a time, as a filter inside the walk would
        fetch the text of every row walked past.
        """
        assert plan.match is not None
        found: list[tuple[int, str | None]] = []
        while len(found) < want and not self._stopped:
            batch = self._newest(kind, index, plan.match, want, cursor)
            if not batch:
                break
            filters, params = self._filters("text", plan)
            ids = rowids([i for i, _ in batch])
            marks = ", ".join("?" * len(ids))
            checked = self.rows(f"SELECT rowid FROM {index} WHERE rowid IN ({marks}){filters}", (*ids, *params))
            kept = {r[0] for r in checked}
            found += [row for row, rid in zip(batch, ids, strict=True) if rid in kept]
            if len(batch) < want:
                break
            cursor = (batch[-1][1], batch[-1][0])
        return found[:want]

    def _entity_snippet(self, title: str | None, body: str | None) -> tuple[tuple[str, bool], ...]:
        from ..search import mark_folded, segments

        parts = list(segments(title))
        body_parts = segments(body)
        if any(marked for _, marked in body_parts):
            parts = [*parts, (" — ", False), *body_parts] if parts else list(body_parts)
        if not any(marked for _, marked in parts):  # matched by its folded names only
            return mark_folded(title or "", self.query)
        return tuple(parts)

    def statement_words(self) -> str | None:
        """The statement index's expression, with common prefixes as whole words unless `full_prefixes`."""
        if self._statement_words is False:
            from ..search import word_match

            whole = frozenset() if self.full_prefixes else frozenset(t for t in self.query.terms if self._common(t))
            # older statements with longer forms of these words are not looked at: the page is not complete
            self.prefixes_limited = bool(whole)
            self._whole = whole
            self._statement_words = word_match(self.query, whole=whole)
        return self._statement_words if isinstance(self._statement_words, str) else None

    def _common(self, term: Term) -> bool:
        """Whether a prefix term is frequent enough that FTS5 would take long to merge its words.

        Estimated from its share of the newest PREFIX_SAMPLE statements (as a
        fragment, which over-counts: the estimate errs on the safe side).
        """
        if not term.prefix:
            return False
        top = self.rows("SELECT max(id) FROM statements", ())
        newest = int(top[0][0] or 0) if top else 0
        if newest <= self.store.PREFIX_POSTINGS:
            return False
        sample = self.store.PREFIX_SAMPLE
        rows = self.rows(
            "SELECT count(*) FROM (SELECT 1 FROM statements WHERE id > ? AND text LIKE ? ESCAPE '\\')",
            (newest - sample, _like_pattern(term.text)),
        )
        share = (rows[0][0] if rows else sample) / sample
        return share * newest > self.store.PREFIX_POSTINGS

    def _recent_statements(self, want: int, cursor: _Cursor | None) -> list[_Found]:
        """The newest `want` statements that match (by date, then id; undated last) after `cursor`."""
        order: dict[int, _Key] = {}
        words = self.statement_match()
        if words:
            for rowid, date in self._newest("statement", "statements_fts", words, want, cursor):
                order[rowid] = _key(date, rowid)
        # With `want` hits by words, a fragment older than the last of them cannot be on the page.
        above = sorted(order.values(), reverse=True)[want - 1] if len(order) >= want else None
        for rowid, date in self._statement_substrings(cursor, want, above, by_date=self._walked_dates):
            order.setdefault(rowid, _key(date, rowid))
        newest = sorted(order, key=order.__getitem__, reverse=True)[:want]
        return [_Found("statement", i) for i in newest]

    def _statement_substrings(
        self, cursor: _Cursor | None, want: int, above: _Key | None = None, by_date: bool = False
    ) -> list[tuple[int, str | None]]:
        """(id, said) of statements holding every term as a substring: CJK ones by trigrams, the newest by a scan.

        The scan leaves out the statements that come after `above` in date order
        (the caller's last hit of a full page), before it reads their text.
        With `by_date` (the caller walked the date index from `cursor` down to
        `above`, a short way), it walks that same stretch of the index instead
        of the newest rows: for a common word, a few hundred entries, not
        SCAN_WINDOW rows.
        """
        plan = self.substrings
        if plan is None:
            return []
        found: list[tuple[int, str | None]] = []
        if plan.match and self.query.cjk:
            found += self._checked("statement", "statements_cjk", plan, want, cursor, lambda ids: ids)
        if self._scan_floor is None:
            top = self.rows("SELECT max(id) FROM statements", ())
            self._scan_floor = int(top[0][0] or 0) - self.scan_window if top else 0
        # LIKE, not instr(lower()): the same ASCII-only case folding, three times faster (no copy per row).
        filters = "".join(" AND s.text LIKE ? ESCAPE '\\'" for _ in plan.contains)
        filters += "".join(" AND s.text NOT LIKE ? ESCAPE '\\'" for _ in plan.lacks)
        params = [_like_pattern(t) for t in (*plan.contains, *plan.lacks)]
        if by_date and above is not None and above[0]:
            # the same rows as the scan below: dated, between `above` and `cursor`, among the newest by id
            upper = cursor if cursor is not None else (_TOP_DATE, _NO_BOUND)
            found += [
                (r[0], r[1])
                for r in self.rows(
                    "SELECT s.id, s.said FROM statements s INDEXED BY statements_by_said"
                    " WHERE s.said IS NOT NULL AND (s.said, s.id) > (?, ?) AND (s.said, s.id) < (?, ?)"
                    f" AND s.id > ?{filters} ORDER BY s.said DESC, s.id DESC LIMIT ?",
                    (above[1], above[2], *upper, self._scan_floor, *params, want),
                )
            ]
            return found
        keyset, keys = _keyset(cursor, "s", "said")
        newer, bounds = _newer_than(above, "s", "said")
        # NOT INDEXED: by the id range, then sorted; the date index would walk every statement.
        # The dates are tested before the text (SQLite tests the terms in the order written).
        found += [
            (r[0], r[1])
            for r in self.rows(
                f"SELECT s.id, s.said FROM statements s NOT INDEXED WHERE s.id > ?{keyset}{newer}{filters}"
                f" ORDER BY {_order_sql('s', 'said')} LIMIT ?",
                (self._scan_floor, *keys, *bounds, *params, want),
            )
        ]
        return found

    # ------------------------------------------------------------- by relevance

    def ranked(self, kind: SearchKind, want: int) -> tuple[list[_Found], bool]:
        """The `want` most relevant hits of one kind, and whether all matches were ranked."""
        if kind == "statement":
            return self._ranked_statements(want)
        code = ENTITY_KIND_CODES[kind]
        found: dict[int, _Found] = {}
        if self.entity_words:
            # names and titles weigh ten times the descriptions
            for rowid, title, body in self.rows(
                f"SELECT rowid, highlight(entities_fts, 2, {_MARKS}), snippet(entities_fts, 3, {_MARKS}, '…', 16)"
                " FROM entities_fts WHERE entities_fts MATCH ? AND rowid % 8 = ?"
                " ORDER BY bm25(entities_fts, 0, 0, 10.0, 1.0, 10.0) LIMIT ?",
                (self.entity_words, code, want),
            ):
                found[rowid] = _Found(kind, rowid // 8, self._entity_snippet(title, body))
        complete = self.complete
        for rowid in self._entity_fragments(code, want):
            found.setdefault(rowid, _Found(kind, rowid // 8))
        return list(found.values())[:want], complete

    def _ranked_statements(self, want: int) -> tuple[list[_Found], bool]:
        ordered: list[int] = []
        all_ranked = False
        words = self.statement_words()
        if words:
            if not self.prefixes_limited:  # a common word: ranking all its matches would only hit the limit
                ordered = [
                    r[0]
                    for r in self.rows(
                        "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rank LIMIT ?",
                        (words, want),
                    )
                ]
                all_ranked = self.complete
            if not all_ranked and not self._stopped_by_caller():
                # Too many matches to rank in time: rank the newest ones instead, under a fresh deadline.
                self.complete, self._stopped = True, False
                self.deadline = time.monotonic() + self.store.SEARCH_TIME_LIMIT
                ordered = [
                    r[0]
                    for r in self.rows(
                        "SELECT id FROM (SELECT rowid AS id, rank AS r FROM statements_fts"
                        " WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY r LIMIT ?",
                        (words, self.store.RANK_CANDIDATES, want),
                    )
                ]
        snippets = self._statement_snippets(ordered)
        found = {i: _Found("statement", i, snippets.get(i)) for i in ordered}
        if len(found) < want:
            for rowid, _date in self._statement_substrings(None, want):
                found.setdefault(rowid, _Found("statement", rowid))
        return list(found.values())[:want], all_ranked

    def _entity_fragments(self, code: int, want: int) -> list[int]:
        """Rowids of up to `want` entities of one kind holding every term as a fragment (the ranked order's extra)."""
        plan = self.substrings
        if plan is None:
            return []
        first, last = self._id_range(_TABLE_OF_CODE[code])
        if last == 0:
            return []
        if _KIND_OF_CODE[code] in self.store.HELD_KINDS:
            held = self._held(code, first, last)
            if held is not None:
                return held.newest(plan, want)
        filters, params = self._filters("text", plan)
        # every row is tested for each fragment (`filters`): the MATCH only has to narrow them down cheaply
        match = "entities_trigram MATCH ? AND " if plan.candidates else ""
        head = [plan.candidates] if plan.candidates else []
        # within the kind's band of rowids, as in `_newest`
        rows = self.rows(
            f"SELECT rowid FROM entities_trigram WHERE {match}rowid BETWEEN ? AND ? AND rowid % 8 = ?{filters}"
            " ORDER BY rowid DESC LIMIT ?",
            (*head, first * 8 + code, last * 8 + code, code, *params, want),
        )
        return [r[0] for r in rows]

    def _held(self, code: int, first: int, last: int, read: bool = False) -> _HeldTexts | None:
        """The texts of one entity kind (`_HeldTexts`) if held for the file as it is, else None (the trigram
        index is asked instead); with `read`, read now if not (`Store.prepare_search`: None if cut short)."""
        version = self._data_version()
        if version is None:
            return None
        held = self.store._held_texts(version)
        if code in held or not read:
            return held.get(code)
        with self.store._search_lock:  # two screens opened in turn read them once
            if code not in held:
                rows = self.rows(
                    "SELECT rowid, text FROM entities_trigram WHERE rowid BETWEEN ? AND ? AND rowid % 8 = ?"
                    " ORDER BY rowid",
                    (first * 8 + code, last * 8 + code, code),
                )
                if self._stopped:
                    return None
                held[code] = _HeldTexts(rows)
            return held[code]

    def _stopped_by_caller(self) -> bool:
        try:
            return bool(self.should_stop and self.should_stop())
        except Exception:
            return True

    def _statement_snippets(self, ids: Sequence[int]) -> dict[int, tuple[tuple[str, bool], ...]]:
        words = self.statement_match(snippet=True)
        if not ids or not words:
            return {}
        marks = ", ".join("?" * len(ids))
        rows = self.rows(
            f"SELECT rowid, snippet(statements_fts, 0, {_MARKS}, '…', 16) FROM statements_fts"
            f" WHERE statements_fts MATCH ? AND {self._by_rowid('statements_fts', words, len(ids))} IN ({marks})",
            (words, *ids),
        )
        return {r[0]: _segments(r[1]) for r in rows}

    # ------------------------------------------------------------- hits

    def hits(self, found: Sequence[_Found]) -> list[SearchHit]:
        """The hits as `SearchHit`s, in the order found; point lookups by id on the main connection."""
        from ..search import mark_substrings

        by_kind: dict[str, list[int]] = {}
        for f in found:
            by_kind.setdefault(f.kind, []).append(f.id)
        rows: dict[tuple[str, int], tuple[Any, ...]] = {}
        for kind, ids in by_kind.items():
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start : chunk_start + 500]
                marks = ", ".join("?" * len(chunk))
                for fetched in self.store._all(_HIT_SQL[kind].format(marks=marks), chunk):
                    rows[(kind, fetched[0])] = fetched
        hits: list[SearchHit] = []
        for f in found:
            row = rows.get((f.kind, f.id))
            if row is None:  # deleted since it was indexed
                continue
            snippet = f.snippet or mark_substrings(row[4] or row[2] or "", self.query)
            hits.append(SearchHit(kind=f.kind, id=f.id, slug=row[1], label=row[2], snippet=snippet, said=row[3]))
        return hits


class _HeldTexts:
    """What the trigram index holds of each entity of one kind, in memory: its fragments found without the index.

    The kinds share the trigram index (rowid id * 8 + kind): the actors' band
    of rowids holds every event and about half the measures and consequences,
    so telling that no actor holds a common fragment reads every entity in
    the band that does (8 to 13 ms for `diplomats` on 10M statements). The
    actors' text is 2 MB there, read once in about 50 ms; a fragment is found
    in it in about a millisecond (`bytes.rfind`, from the newest entity).

    A row matches as the index's query would have it: every `contains` in its
    text lowered as SQLite's `lower()` lowers (ASCII letters only: the UTF-8
    bytes' `lower()`), no `lacks`. An occurrence is looked for in the whole
    text, then told to its row by its offset.
    """

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        parts: list[bytes] = []
        # arrays of machine integers: 8 bytes an entity where a list of ints took 36
        self.rowids = array("q")
        self.starts = array("q")
        self.ends = array("q")
        at = 0
        for rowid, text in rows:
            if text is None:  # `instr(lower(NULL), ?)` is NULL: such a row never matches
                continue
            data = str(text).encode("utf-8", "surrogatepass").lower()
            self.rowids.append(int(rowid))
            self.starts.append(at)
            self.ends.append(at + len(data))
            parts.append(data)
            at += len(data) + 1
        self.text = b"\0".join(parts)

    def newest(self, plan: SubstringPlan, want: int) -> list[int]:
        """Rowids of the newest `want` rows (by rowid) with every term of `plan.contains`, none of `plan.lacks`."""
        contains = [t.encode("utf-8", "surrogatepass") for t in plan.contains]
        lacks = [t.encode("utf-8", "surrogatepass") for t in plan.lacks]
        if not contains or want <= 0:
            return []
        needle = max(contains, key=len)
        text, starts, ends = self.text, self.starts, self.ends
        found: list[int] = []
        end = len(text)
        while len(found) < want:
            at = text.rfind(needle, 0, end)
            if at < 0:
                break
            row = bisect.bisect_right(starts, at) - 1
            if at + len(needle) > ends[row]:  # across the end of its row: not in it
                end = at + len(needle) - 1
                continue
            own = text[starts[row] : ends[row]]
            if all(t in own for t in contains) and not any(t in own for t in lacks):
                found.append(self.rowids[row])
            end = starts[row]
        return found


_Cursor = tuple[str | None, int]
"""Where a page of one kind goes on: the date and id of the last hit (date None: among the undated)."""
_Key = tuple[bool, str, int]
"""A hit's place in date order, compared in reverse: dated before undated, then the date, then the id."""
_TOP_DATE = "\uffff"
"""Above every ISO date: the keyset of a first page."""
# Costs in microseconds, measured on 10M statements (CPU time, one thread; see docs/search.md).
_COST_SET_ROW = 0.15
"""To put one match in the set of `id IN (SELECT rowid ...)`."""
_COST_INDEX_ROW = 0.3
"""To walk one entry of the date index and look it up in that set."""
_COST_FTS_LOOKUP = 25.0
"""To test one row against one phrase of a MATCH (FTS5 by rowid; a common word's or a rare one's)."""
_COST_PREFIX_LOOKUP = 3000.0
"""At least, to test one row against a MATCH that still holds a prefix: FTS5 merges its words first."""
_COST_PREFIX_ROW = 0.05
"""Per row a prefix's MATCH has, to merge its words again on each test."""
_COST_MATCH_ROW = 0.1
"""To read one row of a MATCH."""
_COST_LIKE_ROW = 1.0
"""To read an entity's text (short, in its row) and test it with a LIKE for each word (`_ascii_prefilter`)."""


def _lookup_cost(match: str, matches: int) -> float:
    """Microseconds of one FTS5 lookup by rowid: each phrase is a seek; a prefix merges all its words again."""
    cost = _COST_FTS_LOOKUP * max(1, match.count('"') // 2)
    if "*" in match:
        cost += max(_COST_PREFIX_LOOKUP, matches * _COST_PREFIX_ROW)
    return cost


_DATED: dict[str, tuple[str, str | None]] = {
    "actor": ("actors", None),
    "measure": ("measures", "announced"),
    "event": ("events", "date"),
    "consequence": ("consequences", "due"),
    "statement": ("statements", "said"),
}
"""Each kind's table and the date that orders its hits (actors have none: newest added first)."""
_TABLE_OF_CODE = {code: _DATED[kind][0] for kind, code in ENTITY_KIND_CODES.items()}
"""Each entity kind's table by its code in the entity indexes' rowids."""
_KIND_OF_CODE = {code: kind for kind, code in ENTITY_KIND_CODES.items()}
"""Each entity kind by its code in the entity indexes' rowids."""
_INDEXED_TEXT = {
    # All the text the word index holds of a row of each kind, from its own table (alias `e`): a row
    # whose ASCII text lacks a word of the query cannot match (`_ascii_prefilter`). The entities' as
    # the importer indexes them (`importer._ENTITY_SQL`: title, then body; their names are empty).
    "statement": "e.text",
    "measure": "(e.title || ' ' || coalesce(e.description, '') || ' ' || coalesce(e.quantity, ''))",
    "event": "(e.title || ' ' || coalesce(e.description, '') || ' ' || coalesce(e.place, ''))",
    "consequence": "e.description",
}
"""What the word index holds of a row of each dated kind, as SQL over its table (actors are not walked by date)."""
_DATE_INDEX = {
    "measure": "measures_by_announced",
    "event": "events_by_date",
    "consequence": "consequences_by_due",
    "statement": "statements_by_said",
}
"""The index on (date, id) of each dated kind (db/schema.sql), walked newest first."""


def _key(date: str | None, row_id: int) -> _Key:
    return (date is not None, date or "", row_id)


def _date_sql(alias: str, column: str | None) -> str:
    return "NULL" if column is None else f"{alias}.{column}"


def _order_sql(alias: str, column: str | None) -> str:
    """Newest first: by date (NULL sorts lowest, so the undated come last), then by id."""
    return f"{alias}.id DESC" if column is None else f"{alias}.{column} DESC, {alias}.id DESC"


def _keyset(cursor: _Cursor | None, alias: str, column: str | None) -> tuple[str, list[Any]]:
    """The condition (` AND ...`) and its parameters that keep the rows after `cursor` in date order."""
    if cursor is None:
        return "", []
    date, below = cursor
    if column is None:
        return f" AND {alias}.id < ?", [below]
    if date is None:
        return f" AND {alias}.{column} IS NULL AND {alias}.id < ?", [below]
    return f" AND ({alias}.{column} IS NULL OR ({alias}.{column}, {alias}.id) < (?, ?))", [date, below]


def _newer_than(key: _Key | None, alias: str, column: str) -> tuple[str, list[Any]]:
    """The condition (` AND ...`) and its parameters that keep the rows before `key` in date order (newer)."""
    if key is None:
        return "", []
    dated, date, below = key
    if not dated:
        return f" AND ({alias}.{column} IS NOT NULL OR {alias}.id > ?)", [below]
    return f" AND ({alias}.{column} > ? OR ({alias}.{column} = ? AND {alias}.id > ?))", [date, date, below]


def _json_ids(ids: Any) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _like_pattern(text: str) -> str:
    """`%text%` for LIKE with its wildcards escaped (ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_HIT_SQL = {
    # id, slug, label, date, text a snippet is cut from when the index made none
    "actor": (
        "SELECT a.id, a.slug, a.name, NULL, a.name || ' ' || coalesce(t.text, '') FROM actors a"
        " LEFT JOIN entities_trigram t ON t.rowid = a.id * 8 + 1 WHERE a.id IN ({marks})"
    ),
    "measure": (
        "SELECT m.id, m.slug, m.title, m.announced, coalesce(t.text, m.title) FROM measures m"
        " LEFT JOIN entities_trigram t ON t.rowid = m.id * 8 + 2 WHERE m.id IN ({marks})"
    ),
    "event": (
        "SELECT e.id, e.slug, e.title, e.date, coalesce(t.text, e.title) FROM events e"
        " LEFT JOIN entities_trigram t ON t.rowid = e.id * 8 + 4 WHERE e.id IN ({marks})"
    ),
    "consequence": (
        "SELECT c.id, c.slug, m.title, c.due, c.description FROM consequences c"
        " JOIN measures m ON m.id = c.measure_id WHERE c.id IN ({marks})"
    ),
    "statement": (
        "SELECT s.id, s.slug, a.name, s.said, s.text FROM statements s"
        " JOIN actors a ON a.id = s.speaker_id WHERE s.id IN ({marks})"
    ),
}


def _segments(snippet: str | None) -> tuple[tuple[str, bool], ...]:
    """Split an FTS snippet with U+E000/U+E001 markers into (text, matched) segments."""
    from ..search import segments

    return segments(snippet)

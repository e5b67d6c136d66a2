"""Search plans: whichever plan the store picks, a page holds what the straightforward query gives.

The store picks how to find the newest hits of a kind by how many rows
match (sort them all, walk the date index against their set, walk it testing
each row by FTS5 lookup with a LIKE before it for ASCII text), names a
prefix's words one by one where the index has few (its vocabulary), narrows
the trigram search of entities by three-character pieces, and reads only an
entity kind's band of rowids. None of that may change a page: here every
plan, forced by its costs, is compared with a reference that reads every
match in full with the plain expressions (`word_match`, `names_match`, the
trigram phrase) and sorts by hand, page by page, kind by kind, with the same
rules for fragments (the newest by id of an entity kind, the newest
`SCAN_WINDOW` statements) that `Store.search_page` documents.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dossier import generate
from dossier.importer import refresh_entity_index
from dossier.search import names_match, parse_query, substring_plan, word_match
from dossier.store import Store, search_run

KINDS = ("actor", "measure", "event", "consequence", "statement")
CODES = {"actor": 1, "measure": 2, "consequence": 3, "event": 4}
DATED = {
    "actor": ("actors", None),
    "measure": ("measures", "announced"),
    "event": ("events", "date"),
    "consequence": ("consequences", "due"),
    "statement": ("statements", "said"),
}

# Texts put on the newest statements, so that they land on first pages: case, diacritics (not ASCII, so
# the LIKE before a lookup must let it through), a word only inside a longer one, a longer form of the
# common word (a prefix with two words), both forms in one text (a snippet's score counts phrases),
# Cyrillic, CJK, a rare word, undated rows and equal dates.
_NEWEST = [
    ("DIPLOMATS SHOUTED IN ASCII.", "2099-01-03"),
    ("Les diplomàts du quai, with a diacritic.", "2099-01-03"),
    ("The superdiplomats are only a fragment here.", "2099-01-03"),
    ("Diplomatsx is a longer form of the word.", "2099-01-02"),
    ("Diplomats met diplomatsx and diplomats again, far apart in a long line of words that goes on.", "2099-01-02"),
    ("Дипломаты покинули Москву, quillwort7 too.", "2099-01-02"),
    ("外交官 diplomats 外交", "2099-01-01"),
    ("A quillwort7 file, and quillwort71.", "2099-01-01"),
    ("quillwort7 without a date", None),
    ("quillwort7 without a date, again; diplomats too.", None),
    ("Yekaterinburg-on-sea, yekaterinburgers and quillwort7.", "2099-01-01"),
]

_NEWEST_ENTITIES: list[tuple[str, str, list[tuple[dict[str, str | None], str | None]]]] = [
    (
        "measures",
        "announced",
        [
            ({"title": "Quota set", "description": None, "quantity": "12 diplomats"}, "2099-02-02"),
            ({"title": "DIPLOMATS OUT", "description": "Yekaterinburg consulate", "quantity": None}, "2099-02-01"),
            ({"title": "Les diplomàts", "description": None, "quantity": None}, "2099-02-01"),
        ],
    ),
    (
        "events",
        "date",
        [
            ({"title": "A meeting", "description": None, "place": "Diplomats' club"}, "2099-02-02"),
            ({"title": "Talks", "description": "yekaterinburg*", "place": None}, None),
        ],
    ),
    (
        "consequences",
        "due",
        [
            ({"description": "DIPLOMATS leave Yekaterinburg"}, "2099-02-02"),
            ({"description": "Les diplomàts partent"}, None),
        ],
    ),
]

QUERIES = [
    generate.COMMON_WORD,
    generate.MID_WORD,
    "quillwort7",
    "diplomat",
    "dipl",
    "diplomatsx",
    "plomats",
    "superdiplomats",
    "diplomats -expelled",
    "diplomats yekaterinburg",
    '"the diplomats"',
    "diplomats, again",
    "yekaterinburg*",
    "Дипломаты",
    "Diplomaty",
    "外交",
    "ULTIMATUM",
    "-diplomats",
    "expel",
    "of",
    "zz",
    "😀",
    'NEAR( "a',
]


@pytest.fixture(scope="module")
def dossier_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "plans.db"
    generate.generate(path, statements=20_000, seed=3)
    conn = sqlite3.connect(path)
    try:
        top = conn.execute("SELECT max(id) FROM statements").fetchone()[0]
        for offset, (text, said) in enumerate(_NEWEST):
            # the triggers keep statements_fts and statements_cjk in step
            conn.execute("UPDATE statements SET text = ?, said = ? WHERE id = ?", (text, said, top - 40 * offset))
        # equal dates for a run of the common word's statements, so that ties are broken by id
        conn.execute(
            "UPDATE statements SET said = '2098-06-06' WHERE id IN"
            " (SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'diplomats' LIMIT 30)"
        )
        # entities on top of their kinds whose words stand only in one of their indexed columns, in capitals
        # or with a diacritic (the LIKE before a lookup reads the same text the index holds)
        for table, column, sets in _NEWEST_ENTITIES:
            for offset, (values, date) in enumerate(sets):
                row = conn.execute(f"SELECT max(id) - {7 * offset} FROM {table}").fetchone()[0]
                names = ", ".join(f"{name} = ?" for name in values)
                conn.execute(f"UPDATE {table} SET {names}, {column} = ? WHERE id = ?", (*values.values(), date, row))
        touched = {
            kind: [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id DESC LIMIT 50")]
            for kind, table in (("measure", "measures"), ("event", "events"), ("consequence", "consequences"))
        }
        refresh_entity_index(conn, touched)
        conn.commit()
    finally:
        conn.close()
    return path


# --------------------------------------------------------------------------- the straightforward query


def _key(date: str | None, row_id: int) -> tuple[bool, str, int]:
    return (date is not None, date or "", row_id)


class Reference:
    """`search_page` in "recent" order, by reading every match in full and sorting it by hand."""

    def __init__(self, path: Path, scan_window: int) -> None:
        self.conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        self.scan_window = scan_window
        self.dates = {
            kind: dict(self.conn.execute(f"SELECT id, {column or 'NULL'} FROM {table}").fetchall())
            for kind, (table, column) in DATED.items()
        }
        self.texts = dict(self.conn.execute("SELECT id, text FROM statements").fetchall())
        self.trigrams = self.conn.execute("SELECT rowid, text FROM entities_trigram").fetchall()
        self._statement_rows = list(self.texts.items())
        self._found: dict[Any, Any] = {}

    def close(self) -> None:
        self.conn.close()

    def _rowids(self, index: str, match: str | None) -> list[int]:
        if not match:
            return []
        if (index, match) not in self._found:
            rows = self.conn.execute(f"SELECT rowid FROM {index} WHERE {index} MATCH ?", (match,))
            self._found[index, match] = [r[0] for r in rows]
        return self._found[index, match]

    def _holding(self, rows: Any, contains: tuple[str, ...], lacks: tuple[str, ...]) -> list[int]:
        """The ids of `rows` (id, text) whose text, lower-cased as SQLite lowers (ASCII), has every fragment."""
        key = (id(rows), contains, lacks)
        if key not in self._found:
            self._found[key] = [
                i
                for i, body in rows
                if all(t in body.translate(_ASCII_LOWER) for t in contains)
                and not any(t in body.translate(_ASCII_LOWER) for t in lacks)
            ]
        return self._found[key]

    def page(self, text: str, kind: str | None, limit: int, after: tuple[str, int] | None) -> list[tuple[str, int]]:
        query = parse_query(text)
        if query.empty:
            return []
        kinds = [k for k in KINDS if kind in (None, k)]
        if after is not None and after[0] in kinds:
            kinds = kinds[kinds.index(after[0]) :]
        hits: list[tuple[str, int]] = []
        for k in kinds:
            want = limit - len(hits)
            if want <= 0:
                break
            before = after[1] if after is not None and after[0] == k else None
            hits += [(k, i) for i in self.recent(query, k, want, before)]
        return hits

    def recent(self, query: Any, kind: str, want: int, before: int | None) -> list[int]:
        dates = self.dates[kind]
        if before is None:
            cursor = None
        elif kind == "actor":
            cursor = _key(None, before)
        else:
            cursor = _key(dates.get(before), before)

        def key(row_id: int) -> tuple[bool, str, int]:
            return _key(None, row_id) if kind == "actor" else _key(dates[row_id], row_id)

        def kept(ids: Any) -> list[int]:
            return [i for i in ids if cursor is None or key(i) < cursor]

        def newest(ids: Any, n: int) -> list[int]:
            return sorted(kept(ids), key=key, reverse=True)[:n]

        plan = substring_plan(query)
        order: dict[int, tuple[bool, str, int]] = {}
        if kind == "statement":
            words = word_match(query)
            for i in kept(self._rowids("statements_fts", words)):
                order[i] = key(i)
            if plan is not None:
                holding = set(self._holding(self._statement_rows, plan.contains, plan.lacks))
                if plan.match and query.cjk:
                    for i in newest([i for i in self._rowids("statements_cjk", plan.match) if i in holding], want):
                        order.setdefault(i, key(i))
                floor = max(self.texts) - self.scan_window
                for i in newest([i for i in holding if i > floor], want):
                    order.setdefault(i, key(i))
        else:
            code = CODES[kind]
            parts = [word_match(query, "title body"), names_match(query)]
            entity_words = " OR ".join(f"({e})" for e in parts if e) or None
            for rowid in self._rowids("entities_fts", entity_words):
                if rowid % 8 == code and (cursor is None or key(rowid // 8) < cursor):
                    order[rowid // 8] = key(rowid // 8)
            if plan is not None:
                holding = self._holding(self.trigrams, plan.contains, plan.lacks)
                matched = set(self._rowids("entities_trigram", plan.match)) if plan.match else None
                fragments = sorted(
                    (r for r in holding if r % 8 == code and (matched is None or r in matched)), reverse=True
                )[:want]
                for i in kept(r // 8 for r in fragments):
                    order.setdefault(i, key(i))
        return sorted(order, key=order.__getitem__, reverse=True)[:want]


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _pages(store: Store, text: str, kind: str | None, limit: int, **options: Any) -> Iterator[Any]:
    after = None
    for _ in range(4):
        page = store.search_page(text, kind=kind, limit=limit, after=after, time_limit=60, **options)
        yield after, page
        if page.after is None:
            return
        after = page.after


# --------------------------------------------------------------------------- the plans


PLANS = {
    "as chosen": {},
    "sort every match": {"SORT_MATCHES": 10**6, "PROBE_MATCHES": 10**6},
    "walk against the set": {"SORT_MATCHES": 5, "PROBE_MATCHES": 10, "_COST_FTS_LOOKUP": 1e9},
    "walk with lookups": {
        "SORT_MATCHES": 5,
        "PROBE_MATCHES": 10,
        "_COST_FTS_LOOKUP": 0.0,
        "_COST_LIKE_ROW": 0.0,
        "_COST_PREFIX_LOOKUP": 0.0,
        "_COST_PREFIX_ROW": 0.0,
    },
    "prefixes left to FTS5": {"PREFIX_WORDS": 0},
}


@contextmanager
def _plan(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[None]:
    with monkeypatch.context() as patch:
        for attribute, value in PLANS[name].items():
            patch.setattr(search_run if attribute.startswith("_") else Store, attribute, value)
        yield


@pytest.mark.parametrize(
    ("plan", "scan_window"), [(plan, 300) for plan in PLANS] + [("as chosen", 10_000), ("walk with lookups", 10_000)]
)
def test_every_plan_gives_the_pages_of_the_straightforward_query(
    dossier_file: Path, monkeypatch: pytest.MonkeyPatch, plan: str, scan_window: int
) -> None:
    reference = Reference(dossier_file, scan_window)
    try:
        with _plan(monkeypatch, plan), Store.open(dossier_file) as store:
            store.SCAN_WINDOW = scan_window
            for text in QUERIES:
                for kind in (None, *KINDS):
                    for limit in (3, 50):
                        for after, page in _pages(store, text, kind, limit):
                            expected = reference.page(text, kind, limit, after)
                            got = [(h.kind, h.id) for h in page.hits]
                            assert got == expected, (text, kind, limit, after)
                            assert page.complete, (text, kind, limit, after)
                            assert page.after == (got[-1] if len(got) >= limit else None)
    finally:
        reference.close()


def _everything(store: Store, text: str) -> dict[str | None, list[Any]]:
    """Every page of every kind, with snippets, and the ranked page."""
    out: dict[str | None, list[Any]] = {}
    for kind in (None, *KINDS):
        out[kind] = [(page.hits, page.complete, page.after) for _after, page in _pages(store, text, kind, 9)]
    out["rank"] = [store.search_page(text, order="rank", limit=30, time_limit=60).hits]
    return out


def test_the_plans_give_the_same_hits_and_snippets(dossier_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Snippets too: FTS5 scores a snippet by the phrases it meets, so a prefix of two words stays a prefix there."""
    found: dict[str, dict[str, dict[str | None, list[Any]]]] = {}
    for plan in PLANS:
        with _plan(monkeypatch, plan), Store.open(dossier_file) as store:
            store.SCAN_WINDOW = 300
            found[plan] = {text: _everything(store, text) for text in QUERIES}
    first = found["prefixes left to FTS5"]
    for plan, pages in found.items():
        for text in QUERIES:
            assert pages[text] == first[text], (plan, text)
    # the texts put on top are found, with their marks
    hits = first[generate.COMMON_WORD]["statement"][0][0]
    snippets = {h.id: h.snippet for h in hits}
    assert any(("DIPLOMATS", True) in s for s in snippets.values())
    assert any(("diplomàts", True) in s for s in snippets.values())


def test_a_prefix_is_named_as_its_words_only_where_the_index_has_few(dossier_file: Path) -> None:
    with Store.open(dossier_file) as store:
        run = search_run._SearchRun(
            store, parse_query("diplomat"), deadline=float("inf"), should_stop=None, scan_window=0
        )
        assert run.statement_match() == '(("diplomatic" OR "diplomats" OR "diplomatsx"))'
        assert run.statement_match(snippet=True) == '("diplomat"*)'  # three words: a snippet keeps the prefix
        one = search_run._SearchRun(store, parse_query("yekaterinburgers"), float("inf"), None, 0)
        assert one.statement_match(snippet=True) == '("yekaterinburgers")'
        none = search_run._SearchRun(store, parse_query("zzzzz"), float("inf"), None, 0)
        assert none.statement_match() == '("zzzzz"*)'  # no such word: the prefix, which finds nothing
        accented = search_run._SearchRun(store, parse_query("diplomàt"), float("inf"), None, 0)
        assert accented.statement_match() == '("diplomàt"*)'  # folded by the tokenizer: left to FTS5
        store.PREFIX_WORDS = 2
        many = search_run._SearchRun(store, parse_query("diplomat"), float("inf"), None, 0)
        assert many.statement_match() == '("diplomat"*)'


# --------------------------------------------------------------------------- deadline and stop


def test_a_search_stopped_at_any_point_shows_only_true_hits(dossier_file: Path) -> None:
    """Stopped after n progress checks, for every n up to a whole run: never a wrong hit, and
    `complete` only when the page is the straightforward one (a vocabulary read cut short must not
    leave a prefix named by some of its words)."""
    reference = Reference(dossier_file, 10_000)
    try:
        with Store.open(dossier_file) as store:
            for text in (generate.COMMON_WORD, "diplomat", generate.MID_WORD, "quillwort7"):
                expected = reference.page(text, None, 20, None)
                every = set(reference.page(text, None, 10**6, None))
                calls = 0
                while True:
                    calls += 1
                    count = [0]

                    def stop(limit: int = calls, count: list[int] = count) -> bool:
                        count[0] += 1
                        return count[0] > limit

                    page = store.search_page(text, limit=20, should_stop=stop)
                    got = [(h.kind, h.id) for h in page.hits]
                    assert set(got) <= every, (text, calls)
                    if page.complete:
                        assert got == expected, (text, calls)
                        break
                    assert calls < 5000
    finally:
        reference.close()


def test_the_deadline_and_a_broken_stop_still_end_the_search(dossier_file: Path) -> None:
    with Store.open(dossier_file) as store:
        assert not store.search_page("diplomat", time_limit=0).complete
        assert store.search_page("diplomat", should_stop=lambda: True).hits == ()

        def broken() -> bool:
            raise RuntimeError("callback bug")

        assert not store.search_page("diplomat", should_stop=broken).complete
        assert store.search_page("diplomat", time_limit=60).complete


def test_a_failing_index_is_one_line_and_no_search_writes_the_file(dossier_file: Path, tmp_path: Path) -> None:
    before = dossier_file.read_bytes()
    with Store.open(dossier_file) as store:
        store.search_page("diplomat")
        conn = store._search_connection()
        assert conn.execute("PRAGMA query_only").fetchone() == (1,)
    assert dossier_file.read_bytes() == before
    broken = tmp_path / "broken.db"
    broken.write_bytes(before)
    conn = sqlite3.connect(broken)
    conn.execute("DROP TABLE statements_fts")
    conn.execute("CREATE TABLE statements_fts (text TEXT)")  # not an FTS5 table: MATCH fails
    conn.commit()
    conn.close()
    from dossier.errors import StoreError

    with Store.open(broken) as store, pytest.raises(StoreError) as raised:
        store.search_page("diplomat", kind="statement")
    assert "\n" not in str(raised.value) and "search failed" in str(raised.value)


def test_a_prefix_s_new_word_is_found_after_another_program_adds_it(dossier_file: Path, tmp_path: Path) -> None:
    """The words read for a prefix are kept between searches only while the file is unchanged."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(dossier_file.read_bytes())
    with Store.open(copy) as store:
        store.SCAN_WINDOW = 1  # found by its word, not by the scan of the newest rows for fragments
        first = store.search_page("diplomat", kind="statement", limit=5)
        assert "diplomatsz" not in str(first.hits)
        writer = sqlite3.connect(copy)
        older = writer.execute("SELECT max(id) - 5 FROM statements").fetchone()[0]  # not the newest: no fragment scan
        writer.execute(
            "UPDATE statements SET text = 'Diplomatsz, a new word.', said = '2100-01-01' WHERE id = ?", (older,)
        )
        writer.commit()
        writer.close()
        again = store.search_page("diplomat", kind="statement", limit=5)
        assert again.hits[0].id == older
        assert ("Diplomatsz", True) in again.hits[0].snippet


# --------------------------------------------------------------------------- the first screen of every kind


@pytest.mark.parametrize("rows", [5, 19, 35, 200])
def test_the_first_screen_of_every_kind_holds_the_first_hits_of_each_page(dossier_file: Path, rows: int) -> None:
    """`search_kinds` (one run, snippets for the shown hits only, a few hits a kind read first) shows the
    first hits of each kind's own page, with their snippets, and says how many each has or that it has
    more, which `search_counts` then counts as the page does."""
    from dossier.screens.search import PROBE, shares

    with Store.open(dossier_file) as store:
        store.SCAN_WINDOW = 300
        for text in QUERIES:
            pages = {kind: store.search_page(text, kind=kind, limit=PROBE, time_limit=60) for kind in KINDS}
            counts = {kind: len(page.hits) for kind, page in pages.items() if page.hits}
            share = shares(counts, rows)
            for first in (None, 2, max(2, rows // 3)):
                found = store.search_kinds(text, PROBE, lambda c: shares(c, rows), first=first, time_limit=60)
                assert set(found) == set(counts), (text, first)
                for kind, each in found.items():
                    assert each.hits == pages[kind].hits[: share[kind]], (text, first, kind)  # snippets too
                    if each.counted:
                        assert each.found == counts[kind], (text, first, kind)
                        assert each.complete == pages[kind].complete, (text, first, kind)
                    else:
                        assert first is not None and share[kind] < each.found <= counts[kind], (text, kind)
                uncounted = [kind for kind, each in found.items() if not each.counted]
                later = store.search_counts(text, uncounted, PROBE, time_limit=60)  # type: ignore[arg-type]
                assert later == {kind: (counts[kind], pages[kind].complete) for kind in uncounted}, (text, first)

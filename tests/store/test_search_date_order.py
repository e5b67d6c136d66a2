"""Search order: each kind's hits newest first by date over ALL its matches, paged by keyset, undated last.

On a generated dossier whose ids do not follow the dates, every plan the
store can choose (sort the few matches, walk the date index against the set
of matches, walk it testing each row) must give the same order as sorting
every match by hand.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dossier import generate
from dossier.rows import SearchHit
from dossier.store import Store


@pytest.fixture(scope="module")
def dossier_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("order") / "order.db"
    generate.generate(path, statements=6000, seed=3)
    return path


def _expected(path: Path, word: str, table: str, column: str, fts: str, code: int | None) -> list[int]:
    """Every match of `word` sorted by hand: dated newest first (then id), then the undated by id."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rowids = [r[0] for r in conn.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?", (f'"{word}"*',))]
        ids = {r // 8 for r in rowids if r % 8 == code} if code is not None else set(rowids)
        dates = dict(conn.execute(f"SELECT id, {column} FROM {table}").fetchall())
    finally:
        conn.close()
    return sorted(ids, key=lambda i: (dates[i] is not None, dates[i] or "", i), reverse=True)


def _all_pages(store: Store, word: str, kind: str, limit: int) -> list[SearchHit]:
    hits: list[SearchHit] = []
    after = None
    while True:
        page = store.search_page(word, kind=kind, limit=limit, after=after, time_limit=30)
        assert page.complete
        hits.extend(page.hits)
        if page.after is None:
            return hits
        after = page.after


@pytest.mark.parametrize(
    ("sort_matches", "probe_matches", "lookup"),
    [(10**6, 10**6, None), (10, 20, 10**9), (10, 20, 0.0)],
    ids=["sort-all", "walk-with-set", "walk-testing-rows"],
)
def test_statements_come_by_date_over_every_match_in_every_plan(
    dossier_file: Path, monkeypatch: pytest.MonkeyPatch, sort_matches: int, probe_matches: int, lookup: float | None
) -> None:
    from dossier.store import search_run

    monkeypatch.setattr(Store, "SORT_MATCHES", sort_matches)
    monkeypatch.setattr(Store, "PROBE_MATCHES", probe_matches)
    if lookup is not None:
        monkeypatch.setattr(search_run, "_COST_FTS_LOOKUP", lookup)
    word = generate.MID_WORD
    expected = _expected(dossier_file, word, "statements", "said", "statements_fts", None)
    assert len(expected) > 20
    with Store.open(dossier_file) as store:
        store.SCAN_WINDOW = 1  # fragments inside words come only from the newest rows: leave them out here
        hits = _all_pages(store, word, "statement", limit=7)
        assert [h.id for h in hits] == expected
        dated = [h.said for h in hits if h.said is not None]
        assert dated == sorted(dated, reverse=True)
        first = store.search_page(word, kind="statement", limit=5).hits
        assert [h.id for h in first] == expected[:5]


def test_undated_statements_come_after_the_dated_ones(dossier_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "undated.db"
    copy.write_bytes(dossier_file.read_bytes())
    conn = sqlite3.connect(copy)
    matches = conn.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?", (generate.MID_WORD,))
    ids = [r[0] for r in matches]
    conn.executemany("UPDATE statements SET said = NULL WHERE id = ?", [(i,) for i in ids[:3]])
    conn.commit()
    conn.close()
    with Store.open(copy) as store:
        store.SCAN_WINDOW = 1
        hits = _all_pages(store, generate.MID_WORD, "statement", limit=4)
    assert [h.said for h in hits[-3:]] == [None, None, None]
    assert sorted(h.id for h in hits[-3:]) == sorted(ids[:3])
    assert all(h.said is not None for h in hits[:-3])


@pytest.mark.parametrize(
    ("kind", "table", "column", "code"),
    [("measure", "measures", "announced", 2), ("consequence", "consequences", "due", 3)],
)
def test_measures_and_consequences_come_by_date_over_every_match(
    dossier_file: Path, kind: str, table: str, column: str, code: int
) -> None:
    word = generate.COMMON_WORD
    expected = _expected(dossier_file, word, table, column, "entities_fts", code)
    assert len(expected) > 10
    with Store.open(dossier_file) as store:
        hits = _all_pages(store, word, kind, limit=6)
    # fragments inside longer words may add hits; the word's own matches keep the date order
    assert [h.id for h in hits if h.id in set(expected)] == expected
    dated = [h.said for h in hits if h.said is not None]
    assert dated == sorted(dated, reverse=True)

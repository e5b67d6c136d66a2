"""Search: the query language, transliteration, fragments and CJK, time limits, on the real seed dossier."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import importer
from dossier.importer import import_files, schema_sql
from dossier.search import (
    CJK_GLOB,
    SearchQuery,
    Term,
    fold_name,
    has_cjk,
    names_match,
    parse_query,
    substring_plan,
    word_match,
)
from dossier.store import Store

HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "AND",
    "OR NOT",
    "NEAR(",
    "NEAR(a b, 3)",
    "*",
    "a*",
    "-",
    "--",
    "-x",
    ":",
    "title:x",
    "{title body}: x",
    "^",
    "^start",
    "(",
    ")",
    "[x]",
    "{",
    "😀",
    "🇺🇦 flag",
    "\x00",
    "\x1b[31mred",
    "\ud800",
    "a\udfffb",
    "x" * 10_000,
    "word " * 2_000,
    "",
    "   ",
    "\u202e reversed",
    "'; DROP TABLE statements; --",
    "%",
    "_",
    "\\",
    "e\u0301",
]


def _slugs(store: Store, query: str, **options: object) -> list[str]:
    return [hit.slug for hit in store.search_page(query, **options).hits]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the query language (pure)


def test_words_become_quoted_prefixes_and_syntax_stays_text() -> None:
    query = parse_query('ultimat AND NEAR( "exact phrase" -visas')
    assert query.terms == (Term("ultimat"), Term("AND"), Term("NEAR("), Term("exact phrase", phrase=True))
    assert query.excluded == (Term("visas"),)
    expression = word_match(query)
    assert expression == '("ultimat"* AND "AND"* AND "NEAR"* AND "exact phrase") NOT ("visas"*)'


def test_short_words_are_whole_words_and_punctuation_joins_a_phrase() -> None:
    assert word_match(parse_query("us")) == '("us")'
    assert word_match(parse_query("head-on")) == '("head on"*)'
    assert word_match(parse_query("U.S.")) == '("U S")'


def test_only_exclusions_search_for_those_words() -> None:
    assert parse_query("-x") == SearchQuery(terms=(Term("x"),))
    assert parse_query('-"a b"') == SearchQuery(terms=(Term("a b", phrase=True),))


def test_nothing_searchable_is_an_empty_query() -> None:
    for text in ("", "   ", '"', "*", "--", "()", ":", "\x00\x01", "\ud800"):
        assert parse_query(text).empty, repr(text)


def test_symbols_beside_words_are_dropped_and_alone_are_searched_as_text() -> None:
    assert parse_query("diplomats +").terms == (Term("diplomats"),)
    alone = parse_query("😀")
    assert alone.terms == (Term("😀"),) and word_match(alone) is None
    assert substring_plan(alone) is not None


def test_cyrillic_words_also_match_their_romanisation() -> None:
    assert word_match(parse_query("Захарова")) == '(("Захарова"* OR "Zakharova"*))'


@pytest.mark.parametrize(
    "spellings",
    [
        ("Захарова", "Zakharova", "Zaharova", "ZAKHAROVA"),
        ("Рябков", "Ryabkov", "Riabkov", "Rjabkov"),
        ("Лавров", "Lavrov", "Lawrow"),
        ("Сергей", "Sergey", "Sergei", "Sergej"),
        ("Мария", "Maria", "Mariya", "Marija"),
        ("Юрий", "Yuri", "Yuriy", "Iurii", "Yury"),
        ("Наталья", "Natalya", "Natalia", "Nataliya"),
        ("Ельцин", "Yeltsin", "Eltsin"),
        ("Алексей", "Alexei", "Aleksey", "Aleksei"),
        ("Ryabkóv", "Ryabkov"),
    ],
)
def test_romanisations_fold_to_one_spelling(spellings: tuple[str, ...]) -> None:
    folded = {fold_name(s) for s in spellings}
    assert len(folded) == 1, folded


def test_folding_keeps_different_names_apart() -> None:
    assert fold_name("Lavrov") != fold_name("Ryabkov")
    assert not fold_name("a" * 1000).startswith("a ") and fold_name("a" * 1000) != "a"


def test_the_schema_and_the_code_agree_on_cjk() -> None:
    assert f"GLOB '{CJK_GLOB}'" in schema_sql()


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None, exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40))
def test_has_cjk_agrees_with_the_schema_glob(text: str) -> None:
    # (a dossier's text never holds NUL: the models refuse it, and GLOB stops at it)
    conn = sqlite3.connect(":memory:")
    (globbed,) = conn.execute("SELECT ? GLOB ?", (text, CJK_GLOB)).fetchone()
    assert bool(globbed) == has_cjk(text)


_ANY_TEXT = st.one_of(
    st.text(st.characters(codec=None), max_size=200),  # every code point, lone surrogates included
    st.lists(st.sampled_from([*HOSTILE[:40], "diplomats", "Захарова", "外交部", " ", "-", '"']), max_size=12).map(
        "".join
    ),
)


@settings(max_examples=400, deadline=None)
@given(_ANY_TEXT)
def test_the_query_builder_takes_any_text_and_fts5_accepts_what_it_builds(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE w USING fts5(title, body, names, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='trigram')")
    conn.execute("INSERT INTO w VALUES ('diplomats', 'Захарова', 'zaharova')")
    query = parse_query(text)
    for expression in (word_match(query), word_match(query, "title body"), names_match(query)):
        if expression is not None:
            conn.execute("SELECT rowid FROM w WHERE w MATCH ?", (expression,)).fetchall()
    plan = substring_plan(query)
    if plan is not None and plan.match is not None:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (plan.match,)).fetchall()


# --------------------------------------------------------------------------- the seed dossier


@pytest.mark.parametrize(
    ("query", "kind", "slug"),
    [
        ("ultimat", "statement", "ryabkov-language-of-ultimatums"),
        ("ULTIMATUMS", "statement", "ryabkov-language-of-ultimatums"),
        ("Захарова", "actor", "zakharova"),
        ("Zaharova", "actor", "zakharova"),
        ("Рябков", "actor", "ryabkov"),
        ("Riabkov", "actor", "ryabkov"),
        ("Lavrov", "actor", "lavrov"),
        ("Лавров", "actor", "lavrov"),
        ("Sergei Lavrov", "actor", "lavrov"),
        ("xpuls", "statement", "zakharova-respond-accordingly"),
        ("plomatic missi", "statement", "ryabkov-destruction-of-diplomatic-missions"),
        ('"destruction of diplomatic"', "statement", "ryabkov-destruction-of-diplomatic-missions"),
        ("head-on", "statement", "ryabkov-head-on-pressure"),
        ("U.S.", "consequence", "russia-us-diplomats-depart-by-2022-01-31"),
        ("renewed -nothing", "statement", "antonov-visas-could-have-been-renewed"),
        ("Stockholm", "event", "osce-stockholm-blinken-lavrov"),
        ("relocation", "consequence", "russia-plan-halted-if-us-follows-suit"),
        ("mutual limitations", "measure", "us-limitations-on-russian-diplomats"),
        ("الجزيرة", "actor", "al-jazeera"),
        ("МИД", "actor", "russian-mfa"),
        ("-ultimatums", "statement", "ryabkov-language-of-ultimatums"),
    ],
)
def test_queries_find_the_expected_hit_on_the_seed(store: Store, query: str, kind: str, slug: str) -> None:
    hits = store.search_page(query).hits
    assert (kind, slug) in [(h.kind, h.slug) for h in hits], [(h.kind, h.slug) for h in hits]
    hit = next(h for h in hits if h.slug == slug)
    assert any(matched for _, matched in hit.snippet), hit.snippet


def test_a_phrase_must_be_in_order_and_exclusions_leave_hits_out(store: Store) -> None:
    assert _slugs(store, '"diplomatic destruction"') == []
    with_visas = set(_slugs(store, "visas", kind="statement"))
    assert "state-department-visas-expiring" in with_visas
    assert "state-department-visas-expiring" not in _slugs(store, "visas -expire", kind="statement")


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_hits_or_nothing(store: Store, query: str) -> None:
    page = store.search_page(query)
    assert isinstance(page.hits, tuple)
    assert store.search_page(query, order="rank").hits is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_ANY_TEXT)
def test_any_text_searches_without_an_exception(store: Store, text: str) -> None:
    for order in ("recent", "rank"):
        page = store.search_page(text, order=order)  # type: ignore[arg-type]
        assert all(hit.slug for hit in page.hits)


def test_statement_hits_carry_speaker_date_and_a_marked_snippet(store: Store) -> None:
    (hit,) = store.search_page("ultimatums").hits
    assert hit.kind == "statement" and hit.label == "Sergei Ryabkov" and hit.said == "2021-12-01"
    assert ("ultimatums", True) in hit.snippet


def test_kind_limit_and_keyset_pages(store: Store) -> None:
    every = store.search_page("diplomats", limit=500).hits
    assert len({(h.kind, h.id) for h in every}) == len(every) > 6
    assert [h.kind for h in store.search_page("diplomats", kind="measure").hits] == ["measure"] * 3
    pages, after = [], None
    while True:
        page = store.search_page("diplomats", limit=4, after=after)
        assert len(page.hits) <= 4
        pages.extend(page.hits)
        if page.after is None:
            break
        after = page.after
    assert [(h.kind, h.id) for h in pages] == [(h.kind, h.id) for h in every]


def test_ranked_order_puts_the_name_first(store: Store) -> None:
    page = store.search_page("Lavrov", order="rank", kind="event")
    assert page.ranked and page.complete
    ranked = store.search_page("diplomats", order="rank", kind="statement", limit=3)
    assert ranked.ranked and len(ranked.hits) == 3
    assert store.search_page("diplomats", order="rank", kind="statement", limit=3, offset=3).hits[0] not in ranked.hits


def test_a_stopped_search_returns_what_it_has(store: Store) -> None:
    page = store.search_page("diplomats", should_stop=lambda: True)
    assert page.hits == () and not page.complete
    assert not store.search_page("diplomats", time_limit=0).complete

    def broken() -> bool:
        raise RuntimeError("callback bug")

    assert not store.search_page("diplomats", should_stop=broken).complete
    # the store still works afterwards
    assert store.search_page("diplomats").complete


# --------------------------------------------------------------------------- transliteration without aliases

_NO_ALIASES = """\
actors:
  - {slug: zakharova, name: Maria Zakharova, kind: person}
  - {slug: ryabkov, name: Sergei Ryabkov, kind: person}
  - {slug: lavrov, name: Сергей Лавров, kind: person}
"""


def test_names_match_across_scripts_without_a_stored_alias(seed_db: Path, tmp_path: Path) -> None:
    import_files(seed_db, [_write(tmp_path / "b.yaml", _NO_ALIASES)])
    with Store.open(seed_db) as store:
        assert "zakharova" in _slugs(store, "Захарова", kind="actor")
        assert "ryabkov" in _slugs(store, "Рябков", kind="actor")
        assert "lavrov" in _slugs(store, "Lavrov", kind="actor")
        assert "lavrov" in _slugs(store, "Lavr", kind="actor")
        assert "zakharova" in _slugs(store, "Мария Захарова", kind="actor")
        assert "ryabkov" not in _slugs(store, "Лавров", kind="actor")
        (hit,) = store.search_page("Lavrov", kind="actor").hits
        assert ("Лавров", True) in hit.snippet


# --------------------------------------------------------------------------- CJK and the indexes


_CJK = """\
actors:
  - {slug: mfa-cn, name: 中华人民共和国外交部, kind: organization}
statements:
  - {slug: cn-1, speaker: mfa-cn, text: 中国外交部发言人表示坚决反对驱逐外交官}
  - {slug: jp-1, speaker: zakharova, text: ロシア外務省は対抗措置を発表した}
  - {slug: latin-1, speaker: zakharova, text: Nothing Chinese here}
"""


def test_chinese_and_japanese_are_found_by_fragments(seed_db: Path, tmp_path: Path) -> None:
    import_files(seed_db, [_write(tmp_path / "b.yaml", _CJK)])
    with Store.open(seed_db) as store:
        assert _slugs(store, "外交部发言人", kind="statement") == ["cn-1"]
        assert _slugs(store, "外交", kind="statement") == ["cn-1"]
        assert _slugs(store, "外務省", kind="statement") == ["jp-1"]
        assert _slugs(store, "外交部", kind="actor") == ["mfa-cn"]
        (hit,) = store.search_page("驱逐", kind="statement").hits
        assert ("驱逐", True) in hit.snippet
    conn = sqlite3.connect(seed_db)
    assert conn.execute("SELECT count(*) FROM statements_cjk_docsize").fetchone() == (2,)  # only the CJK statements
    conn.close()


def test_the_cjk_index_follows_updates_and_deletes(seed_db: Path, tmp_path: Path) -> None:
    import_files(seed_db, [_write(tmp_path / "a.yaml", _CJK)])
    changed = _CJK.replace("中国外交部发言人表示坚决反对驱逐外交官", "No longer Chinese").replace(
        "Nothing Chinese here", "今天外交部"
    )
    import_files(seed_db, [_write(tmp_path / "b.yaml", changed)])
    with Store.open(seed_db) as store:
        assert _slugs(store, "外交部", kind="statement") == ["latin-1"]
    conn = sqlite3.connect(seed_db)
    conn.execute("DELETE FROM statements WHERE slug = 'latin-1'")
    conn.commit()
    assert conn.execute("INSERT INTO statements_cjk(statements_cjk) VALUES ('integrity-check')").fetchall() == []
    assert conn.execute("SELECT count(*) FROM statements_cjk WHERE statements_cjk MATCH '外交部'").fetchone() == (0,)
    conn.close()


def test_a_bulk_load_indexes_cjk_statements_once(
    empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 10)
    lines = ["actors:", "  - {slug: a, name: Андрей Громыко, kind: person}", "statements:"]
    lines += [f"  - {{slug: s{i}, speaker: a, text: 'common 外交{i}'}}" for i in range(40)]
    lines += [f"  - {{slug: t{i}, speaker: a, text: 'plain text {i}'}}" for i in range(40)]
    import_files(empty_db, [_write(tmp_path / "b.yaml", "\n".join(lines) + "\n")])
    conn = sqlite3.connect(empty_db)
    assert conn.execute("SELECT count(*) FROM statements_cjk_docsize").fetchone() == (40,)
    assert conn.execute("INSERT INTO statements_cjk(statements_cjk) VALUES ('integrity-check')").fetchall() == []
    conn.close()
    with Store.open(empty_db) as store:
        assert len(store.search_page("外交", kind="statement", limit=100).hits) == 40
        assert _slugs(store, "Gromyko", kind="actor") == ["a"]

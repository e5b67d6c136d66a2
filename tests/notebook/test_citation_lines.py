"""Citations (`y`, `Y`, the brief): what each kind of row becomes, plain and Markdown, hostile text kept literal."""

from __future__ import annotations

from dossier import citation
from dossier.rows import (
    ActorDetail,
    ActorItem,
    ActorRef,
    ConsequenceItem,
    EventItem,
    MeasureDetail,
    MeasureItem,
    MeasureRef,
    SourceItem,
    StatementDetail,
    StatementItem,
)
from dossier.store import Store

SPEAKER = ActorRef(1, "zakharova", "Maria Zakharova")
SOURCE = SourceItem(
    1, "art", "Russia orders US diplomats out", outlet="RIA", url="https://example.org/a b", published="2021-12-01"
)


def quote(text: str, kind: str = "quote") -> StatementDetail:
    item = StatementItem(1, "s", SPEAKER, text, kind, said="2021-12-01", via="RIA")  # type: ignore[arg-type]
    return StatementDetail(item, speaker_role="Foreign Ministry spokesperson", source=SOURCE)


def test_a_statement_names_speaker_role_date_via_and_source() -> None:
    line = citation.statement(quote("We will respond accordingly."))
    assert line == (
        "“We will respond accordingly.” — Maria Zakharova (Foreign Ministry spokesperson), 2021-12-01, RIA, "
        "Russia orders US diplomats out (RIA, 2021-12-01)"
    )


def test_a_statement_in_markdown_links_its_source_and_escapes_the_text() -> None:
    line = citation.statement(quote("[click](javascript:x) *bold*"), "markdown")
    assert line.startswith("“\\[click\\]\\(javascript:x\\) \\*bold\\*” — **Maria Zakharova**")
    assert "[Russia orders US diplomats out](<https://example.org/a%20b>)" in line


def test_hostile_text_loses_its_control_characters_and_newlines() -> None:
    line = citation.statement(quote("a\x1b[31mred\u202e\nnext"))
    assert "\x1b" not in line and "\u202e" not in line and "\n" not in line


def test_a_paraphrase_is_not_put_in_quotation_marks() -> None:
    assert citation.statement(quote("They will leave.", "paraphrase")).startswith("They will leave. (paraphrase) — ")


def test_measure_consequence_actor_and_event_have_their_own_lines() -> None:
    russia, us = ActorRef(2, "russia", "Russia"), ActorRef(3, "us", "United States")
    item = MeasureItem(5, "m", "US diplomats must leave", "expulsion", russia, us, "all", "2021-12-01", "announced")
    detail = MeasureDetail(item, source=SOURCE)
    assert citation.measure(detail) == (
        "US diplomats must leave — imposed by Russia on United States, announced 2021-12-01, announced, all; "
        "Russia orders US diplomats out (RIA, 2021-12-01)"
    )
    effect = ConsequenceItem(7, "c", MeasureRef(5, "m", item.title), "Embassy closes", "stated", us, "2022-01-31")
    assert citation.cite(effect, measure_of=detail).startswith(
        "Embassy closes — affects United States, due 2022-01-31, stated; of the measure US diplomats must leave; "
    )
    person = ActorDetail(
        ActorItem(1, "zakharova", "Maria Zakharova", "person", "Spokesperson", "RU"), affiliation=russia
    )
    assert citation.cite(person) == "Maria Zakharova (Spokesperson), person, RU; of Russia"
    meeting = EventItem(9, "e", "OSCE meeting", "2021-12-02", "Stockholm", participants=(russia, us))
    assert citation.cite(meeting, "markdown") == "**OSCE meeting** — 2021-12-02, Stockholm; with Russia, United States"


def test_every_kind_of_the_seed_can_be_cited_from_the_store(store: Store) -> None:
    for kind, table in [
        ("statement", "statements"),
        ("measure", "measures"),
        ("consequence", "consequences"),
        ("actor", "actors"),
        ("event", "events"),
    ]:
        first = store._one(f"SELECT min(id) FROM {table}")
        assert first is not None
        for style in ("plain", "markdown"):
            line = citation.load_and_cite(store, kind, first[0], style)
            assert line and "\n" not in line

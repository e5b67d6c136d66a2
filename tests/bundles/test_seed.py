"""The default dossier against its article, fact by fact: every quote with its true speaker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier.bundle import read_bundle
from dossier.models import Bundle
from tests.conftest import ARTICLE

SEED = Path(__file__).resolve().parents[2] / "db" / "seed" / "dossier.yaml"


@pytest.fixture(scope="module")
def seed() -> Bundle:
    return read_bundle(SEED).bundle


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


# Every passage in quotation marks in the article, and who said it.
QUOTES = {
    "We regard the US demand as an expulsion and will respond accordingly": "zakharova",
    "return to normal diplomatic mission operations": "antonov",
    "destruction of diplomatic missions": "ryabkov",
    "They basically go head-on, trying to exert pressure": "ryabkov",
    "We reject the American language of ultimatums, which they also employ in other areas of our relationship. "
    "We shall return the favor": "ryabkov",
}


def _norm(text: str) -> str:
    return text.strip().rstrip(".,").replace("’", "'")


def test_the_table_above_is_every_quote_of_the_article(article: str) -> None:
    quoted = {_norm(q) for q in re.findall(r"“([^”]+)”", article)}
    assert quoted == {_norm(q) for q in QUOTES}


def test_every_quote_is_in_the_seed_with_its_true_speaker(seed: Bundle) -> None:
    quotes = {_norm(s.text): s.speaker for s in seed.statements if s.kind == "quote"}
    for text, speaker in QUOTES.items():
        assert quotes.get(_norm(text)) == speaker, text


def test_quotes_are_the_articles_words(seed: Bundle, article: str) -> None:
    flat = article.replace("’", "'")
    for s in seed.statements:
        if s.kind == "quote":
            assert _norm(s.text).replace("’", "'") in flat, s.slug


@pytest.mark.parametrize(
    ("speaker", "words"),
    [
        ("zakharova", "barred from functioning as diplomats for three years"),
        ("zakharova", "in response to a US statement"),
        ("us-state-department", "visas are about to expire"),
        ("antonov", "could have renewed the visas"),
        ("antonov", "lift other mutual limitations"),
        ("ryabkov", "would be halted"),
        ("al-jazeera", "one day before"),
        ("russian-officials", "more than three years"),
    ],
)
def test_every_paraphrase_has_its_speaker(seed: Bundle, speaker: str, words: str) -> None:
    assert any(s.kind == "paraphrase" and s.speaker == speaker and words in s.text for s in seed.statements), (
        speaker,
        words,
    )


def test_channels_and_dates(seed: Bundle) -> None:
    by_slug = {s.slug: s for s in seed.statements}
    ria = [s for s in seed.statements if s.via == "RIA"]
    assert ria and all(s.speaker == "zakharova" for s in ria)
    assert by_slug["ryabkov-destruction-of-diplomatic-missions"].said == "2021-12-01"  # "on Wednesday"
    assert all(s.source == "article-2021-12-01" for s in seed.statements)


def test_people_have_roles_and_russian_aliases(seed: Bundle) -> None:
    actors = {a.slug: a for a in seed.actors}
    for slug, name, role in [
        ("zakharova", "Maria Zakharova", "spokesperson"),
        ("antonov", "Anatoly Antonov", "ambassador"),
        ("ryabkov", "Sergei Ryabkov", "Deputy Foreign Minister"),
        ("lavrov", "Sergey Lavrov", "Foreign Minister"),
        ("blinken", "Antony Blinken", "Secretary of State"),
    ]:
        assert actors[slug].name == name
        assert role.lower() in (actors[slug].role or "").lower()
    for slug in ("zakharova", "antonov", "ryabkov", "lavrov"):
        assert any(alias.lang == "ru" and re.search("[а-яА-Я]", alias.name) for alias in actors[slug].aliases)
    for outlet in ("ria", "al-jazeera"):
        assert actors[outlet].kind == "media"


def test_both_measures_with_deadlines_and_the_response_link(seed: Bundle) -> None:
    measures = {m.slug: m for m in seed.measures}
    us = measures["us-expels-27-russian-diplomats"]
    ru = measures["russia-orders-us-diplomats-out"]
    assert (us.imposed_by, us.target) == ("united-states", "russia")
    assert (ru.imposed_by, ru.target) == ("russia", "united-states")
    assert "27" in (us.quantity or "")
    assert "2022-01-30" in [c.due for c in us.consequences]
    assert "2022-01-31" in [c.due for c in ru.consequences]
    assert any(c.certainty == "conditional" for c in ru.consequences)
    assert any(c.certainty == "reported" and "three years" in c.description for c in us.consequences)
    assert [(link.measure, link.asserted_by) for link in ru.in_response_to] == [
        ("us-expels-27-russian-diplomats", "zakharova")
    ]


def test_the_osce_meeting_and_the_background(seed: Bundle) -> None:
    events = {e.slug: e for e in seed.events}
    meeting = next(e for e in events.values() if e.place == "Stockholm")
    assert meeting.date == "2021-12-02" and set(meeting.participants) == {"blinken", "lavrov"}
    assert any("2014" == e.date for e in events.values())
    assert any("expulsions" in (e.description or "") for e in events.values())

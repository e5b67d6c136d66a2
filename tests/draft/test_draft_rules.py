"""The drafting rules, one failure pattern of real news at a time (issue: quotes, speakers, paraphrases)."""

from __future__ import annotations

import pytest

from dossier.draft import Draft, DraftStatement, draft_text

HEAD = "Diplomats expelled\ndate 2021-12-01\n\n"
"""A title and a date line (2021-12-01 was a Wednesday) before each case's paragraphs."""


def draft(body: str) -> Draft:
    return draft_text((HEAD + body).encode("utf-8"), "case.txt")


def quotes(made: Draft) -> list[DraftStatement]:
    return [s for s in made.statements if s.kind == "quote"]


def speaker_name(made: Draft, statement: DraftStatement) -> str:
    return next(a.name for a in made.actors if a.slug == statement.speaker)


def pairs(made: Draft) -> list[tuple[str, str]]:
    return [(speaker_name(made, s), s.text) for s in quotes(made)]


def test_a_possessive_apostrophe_is_not_a_quotation_mark() -> None:
    made = draft(
        "The Baltic countries’ embassies were told to cut staff, Lithuanian Foreign Minister Gabrielius Landsbergis "
        "said. ‘We will not be intimidated,’ Landsbergis said.\n\n"
        "‘This is the end of the affair,’ he added."
    )
    assert pairs(made) == [
        ("Gabrielius Landsbergis", "We will not be intimidated."),
        ("Gabrielius Landsbergis", "This is the end of the affair."),
    ]


def test_a_possessive_inside_a_single_quoted_fragment_does_not_end_it() -> None:
    made = draft("Landsbergis called it ‘an attack on the countries’ sovereignty’ on Wednesday.")
    assert [s.text for s in quotes(made)] == ["an attack on the countries’ sovereignty"]


def test_a_quote_under_four_words_with_its_speaker_is_kept() -> None:
    made = draft("“We will respond,” Russian Foreign Minister Sergey Lavrov said.")
    assert pairs(made) == [("Sergey Lavrov", "We will respond")]


def test_a_term_in_quotation_marks_with_no_speaker_is_not_a_quote() -> None:
    made = draft("Russia declared them “persona non grata” on Monday after the so-called “spy row”.")
    assert quotes(made) == []


def test_a_pronoun_speaker_is_the_last_person_named() -> None:
    made = draft(
        "Russian Deputy Foreign Minister Sergei Ryabkov met the envoy on Tuesday.\n\n"
        "“They basically go head-on, trying to exert pressure,” he said."
    )
    assert pairs(made) == [("Sergei Ryabkov", "They basically go head-on, trying to exert pressure.")]


def test_a_pronoun_far_from_the_name_is_low_confidence() -> None:
    made = draft(
        "Russian Deputy Foreign Minister Sergei Ryabkov met the envoy on Tuesday.\n\n"
        "The talks lasted an hour.\n\nNo statement followed.\n\n"
        "“They basically go head-on, trying to exert pressure,” he said."
    )
    (statement,) = quotes(made)
    assert statement.confidence == "low"
    assert "pronoun 'he'" in statement.reasons[0]


def test_a_follow_on_quote_has_the_speaker_of_the_quote_before() -> None:
    made = draft(
        "Sergei Ryabkov, Russia’s Deputy Foreign Minister, spoke on Wednesday.\n\n"
        "“They basically go head-on, trying to exert pressure,” he added of the United States. "
        "“We reject the American language of ultimatums. We shall return the favor.”"
    )
    assert pairs(made) == [
        ("Sergei Ryabkov", "They basically go head-on, trying to exert pressure."),
        ("Sergei Ryabkov", "We reject the American language of ultimatums. We shall return the favor."),
    ]
    assert all(s.confidence == "high" for s in quotes(made))


def test_a_quote_running_over_paragraphs_without_a_closing_mark_is_one_quote() -> None:
    made = draft(
        "Lithuanian Foreign Minister Gabrielius Landsbergis said: “The first part of what I say runs on.\n\n"
        "“And the second part ends here,” he said."
    )
    assert pairs(made) == [
        ("Gabrielius Landsbergis", "The first part of what I say runs on. And the second part ends here.")
    ]


def test_a_quote_never_closed_ends_with_its_paragraph_and_says_so() -> None:
    made = draft(
        "Russia denied the allegations in a statement stating “Similar, baseless allegations have been made.\n\n"
        "The embassy was closed on Friday."
    )
    (statement,) = quotes(made)
    assert speaker_name(made, statement) == "Russia"
    assert statement.text == "Similar, baseless allegations have been made."
    assert "no closing quotation mark" in statement.reasons[0]


def test_relayed_speech_has_the_original_speaker_and_the_agency_as_via() -> None:
    made = draft(
        "RIA quoted Russian Foreign Ministry spokeswoman Maria Zakharova as saying “Moscow will respond to this "
        "hostile step”.\n\n"
        "“The American side was told very firmly,” Zakharova said, according to TASS."
    )
    assert pairs(made) == [
        ("Maria Zakharova", "Moscow will respond to this hostile step"),
        ("Maria Zakharova", "The American side was told very firmly."),
    ]
    assert [s.via for s in quotes(made)] == ["RIA", "TASS"]


def test_an_agency_is_the_speaker_of_its_own_words() -> None:
    made = draft("“Any hostile actions would provoke a decisive response,” the agency Interfax said.")
    assert pairs(made) == [("Interfax", "Any hostile actions would provoke a decisive response.")]


def test_a_ministry_and_its_spokesperson() -> None:
    made = draft(
        "The Polish Ministry of Foreign Affairs summoned the ambassador on Wednesday.\n\n"
        "“The minister demanded immediate detailed explanations,” the ministry said in a statement."
    )
    assert pairs(made) == [
        ("Polish Ministry of Foreign Affairs", "The minister demanded immediate detailed explanations.")
    ]


def test_a_job_title_is_not_a_name() -> None:
    made = draft(
        "“We can confirm that the embassy received a list of diplomats,” a State Department spokesman said.\n\n"
        "The Department spokesman gave no names."
    )
    names = {a.name for a in made.actors}
    assert "Department spokesman" not in names and "State Department spokesman" not in names
    (statement,) = quotes(made)
    assert speaker_name(made, statement) == "State Department"
    assert statement.confidence == "low"
    assert "unnamed spokesperson" in statement.reasons[0]


def test_an_unnamed_spokesman_is_also_the_he_that_follows() -> None:
    made = draft(
        "A State Department spokesman said: “We can confirm that the embassy received a list of diplomats.”\n\n"
        "“This is Russia’s latest unproductive move,” he said."
    )
    assert [name for name, _ in pairs(made)] == ["State Department", "State Department"]


def test_x_said_that_is_a_paraphrase() -> None:
    made = draft(
        "Sergei Ryabkov, Russia’s Deputy Foreign Minister, stated that if the United States followed suit, "
        "Russia’s diplomat relocation plan would be halted."
    )
    (statement,) = made.statements
    assert statement.kind == "paraphrase"
    assert statement.text == "If the United States followed suit, Russia’s diplomat relocation plan would be halted."
    assert speaker_name(made, statement) == "Sergei Ryabkov"


def test_according_to_is_a_paraphrase_with_the_clause_joined_up() -> None:
    made = draft(
        "The Russian diplomats must depart, according to the US State Department, since their visas are about to "
        "expire."
    )
    (statement,) = made.statements
    assert (statement.kind, statement.text) == (
        "paraphrase",
        "The Russian diplomats must depart since their visas are about to expire.",
    )
    assert speaker_name(made, statement) == "US State Department"


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("on Wednesday", "2021-12-01"),  # the article's own day
        ("on Monday", "2021-11-29"),
        ("on Thursday", "2021-11-25"),  # a statement is in the past: the Thursday before
        ("yesterday", "2021-11-30"),
        ("on November 12", "2021-11-12"),
    ],
)
def test_a_relative_day_is_resolved_against_the_article_date(words: str, said: str) -> None:
    made = draft(f"Ryabkov condemned Washington’s action as “the destruction of diplomatic missions” {words}.")
    (statement,) = quotes(made)
    assert statement.said == said
    assert statement.said_note is None


def test_with_no_day_in_the_sentence_the_article_date_is_used_and_said_so() -> None:
    made = draft("“We will respond,” Russian Foreign Minister Sergey Lavrov said.")
    (statement,) = quotes(made)
    assert statement.said == "2021-12-01"
    assert statement.said_note is not None


def test_every_item_carries_its_sentence() -> None:
    made = draft("The talks failed. “We will respond,” Russian Foreign Minister Sergey Lavrov said. Nothing followed.")
    (statement,) = quotes(made)
    assert statement.sentence == "“We will respond,” Russian Foreign Minister Sergey Lavrov said."
    lavrov = next(a for a in made.actors if a.name == "Sergey Lavrov")
    assert lavrov.role == "Russian Foreign Minister"
    assert lavrov.sentence == statement.sentence


def test_people_organisations_and_states_with_the_roles_the_article_gives() -> None:
    made = draft(
        "Anatoly Antonov, the Russian ambassador to Washington, disagreed, claiming that Washington officials could "
        "have renewed the visas.\n\nAt the OSCE conference, US Secretary of State Antony Blinken and Russian Foreign "
        "Minister Sergey Lavrov are expected to meet."
    )
    actors = {a.name: a for a in made.actors}
    assert actors["Anatoly Antonov"].role == "Russian ambassador to Washington"
    assert actors["Anatoly Antonov"].country == "RU"
    assert actors["Antony Blinken"].role == "US Secretary of State"
    assert actors["Sergey Lavrov"].role == "Russian Foreign Minister"
    assert actors["Russia"].kind == "state" and actors["United States"].kind == "state"
    assert actors["OSCE"].kind == "organization"


def test_page_clutter_is_left_out() -> None:
    made = draft_text(
        (
            "Russia expels diplomats\nBy Jane Doe\nPublished: December 1, 2021\n\n"
            "Photo: Reuters/Getty Images\n\n"
            "MOSCOW (Reuters) - “We will respond,” Russian Foreign Minister Sergey Lavrov said.\n\n"
            "Read more: Ten things to know\n"
        ).encode(),
        "clutter.txt",
    )
    (source,) = made.sources
    assert source.data["title"] == "Russia expels diplomats"
    assert source.data["published"] == "2021-12-01"
    assert source.data["outlet"] == "Reuters"
    text = source.data["note"]
    assert "Photo:" not in text and "Read more" not in text and "By Jane Doe" not in text
    assert "MOSCOW (Reuters)" not in text
    assert pairs(made) == [("Sergey Lavrov", "We will respond")]


def test_an_outlet_and_a_date_line_under_a_title_are_heading_lines_not_a_name() -> None:
    """A title set apart, then the outlet and "Published ..." on two lines of one block: two heading lines."""
    made = draft_text(
        (
            "Russia expels a diplomat\n\nAnadolu Agency\nPublished April 12, 2024\n\n"
            "The ministry said it had summoned the ambassador.\n\n"
            "“We consider this an unfriendly step,” Foreign Ministry spokeswoman Maria Zakharova said.\n"
        ).encode(),
        "heading.txt",
    )
    (source,) = made.sources
    assert source.data["title"] == "Russia expels a diplomat"
    assert source.data["published"] == "2024-04-12"
    assert source.data["outlet"] == "Anadolu Agency"
    assert not any("Published" in actor.name or "Agency" in actor.name for actor in made.actors)
    (quote,) = quotes(made)
    assert quote.said == "2024-04-12"


def test_a_short_block_that_is_not_a_heading_stays_one_paragraph() -> None:
    """Two short lines with no date line nor byline are wrapped text, joined as before."""
    made = draft_text(
        (
            "Russia expels a diplomat\n\nThe envoy was told to leave\nwithin 72 hours, officials\n\n"
            "“We will respond,” Russian Foreign Minister Sergey Lavrov said.\n"
        ).encode(),
        "wrapped.txt",
    )
    (source,) = made.sources
    assert "The envoy was told to leave within 72 hours, officials" in source.data["note"]
    assert "published" not in source.data


def test_html_is_reduced_to_its_text() -> None:
    page = (
        "<!doctype html><html><head><title>Site | Russia expels diplomats</title>"
        '<meta property="og:site_name" content="The Daily"><meta property="article:published_time" '
        'content="2021-12-01T10:00:00Z"><style>p { color: red }</style><script>var x = "“a quote”";</script></head>'
        "<body><nav>Home “News”</nav><h1>Russia expels diplomats</h1><figure><img src=x>"
        "<figcaption>“A caption quote,” said nobody.</figcaption></figure>"
        "<p>“We will respond,” Russian Foreign Minister Sergey Lavrov said.</p>"
        "<footer>© The Daily</footer></body></html>"
    )
    made = draft_text(page.encode(), "page.html")
    (source,) = made.sources
    assert (source.data["title"], source.data["outlet"], source.data["published"]) == (
        "Russia expels diplomats",
        "The Daily",
        "2021-12-01",
    )
    assert pairs(made) == [("Sergey Lavrov", "We will respond")]
    assert "caption" not in source.data["note"] and "color" not in source.data["note"]


def test_a_quote_whose_opening_mark_was_lost_starts_with_its_paragraph() -> None:
    made = draft(
        "Russia expelled 60 diplomats on Thursday.\n\n"
        "We will retaliate in kind. These include the expulsion of the same number of diplomats,” Russian Foreign "
        "Minister Sergei Lavrov told journalists on Thursday."
    )
    (statement,) = quotes(made)
    assert speaker_name(made, statement) == "Sergei Lavrov"
    assert statement.text == "We will retaliate in kind. These include the expulsion of the same number of diplomats."
    assert statement.reasons == ["no opening quotation mark: the quote is taken to start with its paragraph"]


def test_a_closing_mark_typed_the_wrong_way_round_still_closes() -> None:
    made = draft(
        "“The initiators of the escalation will be informed about further steps “, Russian Foreign Minister Sergey "
        "Lavrov said.\n\n"
        '“Washington has brought ties to a standstill in recent years, "the agency Interfax quoted Maria Zakharova '
        "as saying."
    )
    assert pairs(made) == [
        ("Sergey Lavrov", "The initiators of the escalation will be informed about further steps"),
        ("Maria Zakharova", "Washington has brought ties to a standstill in recent years."),
    ]


def test_an_international_organisation_keeps_its_name_after_a_possessive() -> None:
    made = draft("The United States expelled 12 diplomats from Russia’s UN mission on Monday.")
    names = {a.name for a in made.actors}
    assert "United Nations" in names and "Russian United Nations" not in names

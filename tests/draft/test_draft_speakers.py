"""Speaker rules learnt from the enlarged tuning set: relayed words, documents, clauses that point back."""

from __future__ import annotations

from .made_up import draft, pairs, quotes


def test_a_noun_before_a_name_is_not_a_verb_before_its_speaker() -> None:
    made = draft(
        "The Norwegian Foreign Ministry said it would protest over what it said were “wholly unfounded” "
        "remarks made by Finnish Foreign Minister Anna Virtanen."
    )
    assert [(who, text) for who, text, _ in pairs(made)] == [("Norwegian Foreign Ministry", "wholly unfounded")]


def test_relayed_words_belong_to_the_one_quoted_as_telling() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen met her counterpart on Monday. The Finnish Foreign Ministry "
        "quoted Virtanen as telling her counterpart that “Finland will not be pressured by anyone”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Anna Virtanen"]


def test_a_participle_after_an_attribution_keeps_its_speaker() -> None:
    made = draft(
        "Oslo considers the move “a gross breach of the consular convention,” the Norwegian Foreign Ministry "
        "said, adding that this is a “hostile act against our citizens and our embassy.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry", "Norwegian Foreign Ministry"]


def test_the_statement_read_belongs_to_who_spoke_in_a_statement() -> None:
    made = draft(
        "“We have informed the embassy of our decision this morning,” the Norwegian Foreign Ministry said in a "
        "statement.\n\n"
        "“This act is unacceptable and will not go without an answer,” the statement read."
    )
    assert pairs(made) == [
        ("Norwegian Foreign Ministry", "We have informed the embassy of our decision this morning.", "high"),
        ("Norwegian Foreign Ministry", "This act is unacceptable and will not go without an answer.", "high"),
    ]


def test_the_statement_with_no_one_issuing_it_is_the_last_organisation_s_and_low() -> None:
    made = draft(
        "The Finnish envoy was summoned to the Norwegian Foreign Ministry on Monday.\n\n"
        "“The envoy was handed a note of protest over the incident,” reads the statement."
    )
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Norwegian Foreign Ministry", "low")
    assert any("the statement" in r for r in quotes(made)[0].reasons)


def test_the_diplomats_who_speak_after_their_ministry_are_the_ministry_with_a_reason() -> None:
    made = draft(
        "“We condemn these actions of Oslo in the strongest terms,” the Finnish Foreign Ministry said.\n\n"
        "“The Norwegian side has decided to expel four of our staff without any reason,” the diplomats said."
    )
    assert [who for who, _, _ in pairs(made)] == ["Finnish Foreign Ministry", "Finnish Foreign Ministry"]
    assert quotes(made)[1].reasons == ["'the diplomats' taken for Finnish Foreign Ministry, the last speaker"]


def test_a_day_after_an_organisation_is_no_part_of_its_name_and_a_city_is_a_place() -> None:
    made = draft(
        "The Norwegian Foreign Ministry on Monday summoned the envoy to a meeting in Helsinki.\n\n"
        "“The envoy was told of our strong protest,” the ministry said."
    )
    names = {a.name for a in made.actors}
    assert "Norwegian Foreign Ministry" in names
    assert not any("Monday" in name for name in names)
    assert "Finland" not in names  # "in Helsinki" is where, not who
    assert pairs(made)[0][0] == "Norwegian Foreign Ministry"


def test_a_ministry_by_another_name_is_the_ministry() -> None:
    made = draft(
        "Oslo expelled a Finnish diplomat, the Oslo Foreign Office said on Monday.\n\n"
        "“The diplomat was asked to leave within a week for acts against our security,” the ministry said."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Office"]


def test_a_foreign_ministry_in_lower_case_is_an_organisation_of_its_state() -> None:
    made = draft(
        "Norway on Monday summoned the envoys of Finland and Sweden, its foreign ministry said.\n\n"
        "The envoys were told to stop “interfering in our internal affairs”, the ministry said in a statement.\n\n"
        "In Helsinki, the Finnish foreign ministry confirmed that “our envoy was summoned by Oslo today”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry", "Finnish Foreign Ministry"]


def test_a_short_quote_in_a_sentence_its_end_attributes_is_kept() -> None:
    made = draft(
        "Norway summoned the Finnish envoy over his attendance at an “unlawful” rally held in the centre of the "
        "capital on Saturday evening, the Norwegian Foreign Ministry said."
    )
    assert [(who, text) for who, text, _ in pairs(made)] == [("Norwegian Foreign Ministry", "unlawful")]
    # With no one saying it, a term in quotation marks is still no quote.
    assert quotes(draft("The so-called “spy row” has worsened ties between the two countries for months.")) == []


def test_the_representative_of_an_organisation_is_its_person_named_before() -> None:
    made = draft(
        "“We will answer every step,” Norwegian Foreign Ministry spokeswoman Kari Nordmann said on Monday.\n\n"
        "The representative of the Norwegian foreign ministry also noted on her page that “the answer will be "
        "firm and quick.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Kari Nordmann", "Kari Nordmann"]


def test_a_quote_running_into_a_paragraph_that_only_closes_it_is_one_quote() -> None:
    made = draft(
        "Norwegian Foreign Minister Kari Nordmann added: “If any country makes it impossible for us to work there, "
        "it cannot expect to keep its embassy here.\n\n"
        "It is a step that brings our relations to their lowest level.”\n\n"
        "The embassy was closed on Tuesday."
    )
    [quote] = quotes(made)
    assert quote.text.endswith("It is a step that brings our relations to their lowest level.")
    assert quote.text.startswith("If any country")
    assert quote.confidence == "high"


def test_the_foreign_ministry_of_a_sentence_is_its_state_s_and_a_dateline_is_none() -> None:
    made = draft(
        "OSLO (Agency News - 6th April) Finland has declared a Norwegian diplomat persona non grata, the foreign "
        "ministry said on Wednesday.\n\n"
        "“The diplomat acted against the security interests of our country,” the ministry said in a statement."
    )
    assert [who for who, _, _ in pairs(made)] == ["Finnish Foreign Ministry"]
    [paraphrase] = [s for s in made.statements if s.kind == "paraphrase"]
    assert paraphrase.text.startswith("Finland has declared")


def test_a_statement_issued_by_an_organisation_and_a_title_of_two_words() -> None:
    made = draft(
        "Norway declared the envoy “persona non grata,” according to a statement issued Tuesday by the Norwegian "
        "Foreign Ministry.\n\n"
        "The Finnish Secretary of Foreign Relations, Anna Virtanen, described the decision as “unfounded and "
        "regrettable.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry", "Anna Virtanen"]


def test_an_embassy_in_lower_case_and_its_unnamed_spokesman() -> None:
    made = draft(
        "A Norwegian embassy spokesman confirmed that the envoy had returned to Oslo, but described the trip as "
        "“just a normal duty.”\n\n"
        "“He has to go back every year many times to report; that is normal,” said the spokesman."
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [
        ("Norwegian Embassy", "low"),
        ("Norwegian Embassy", "low"),
    ]


def test_an_acronym_defined_after_an_organisation_names_it_later() -> None:
    made = draft(
        "The decision was announced by the Ministry of External Affairs (MEA) on Tuesday.\n\n"
        "The MEA stated, “The official has been asked to leave the country within 24 hours.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Ministry of External Affairs"]


def test_with_a_spokeswoman_saying_and_a_second_verb_of_the_subject() -> None:
    made = draft(
        "Finland responded with Kari Nordmann, a spokeswoman for Finnish Foreign Minister Anna Virtanen, saying "
        "Helsinki was “seriously concerned” by the move.\n\n"
        "The Norwegian Foreign Ministry said the envoy had 24 hours to leave, and announced the “freezing of all "
        "new trade and investment” with Helsinki."
    )
    assert [who for who, _, _ in pairs(made)] == ["Kari Nordmann", "Norwegian Foreign Ministry"]


def test_the_minister_with_no_minister_named_is_the_last_person_named_and_low() -> None:
    made = draft(
        "Kari Nordmann has censured the Finnish envoy for his remarks.\n\n"
        "“Some of the comments are very much out of line and regrettable,” the interior minister told the radio."
    )
    [quote] = quotes(made)
    assert (pairs(made)[0][0], quote.confidence) == ("Kari Nordmann", "low")
    assert quote.reasons == ["'the minister' taken for Kari Nordmann, the last person named"]


def test_a_subject_chosen_among_others_of_its_kind_is_low_and_says_which() -> None:
    made = draft("Norway expelled a diplomat after Finland did, saying it acted over “espionage activities”.")
    [quote] = quotes(made)
    assert quote.confidence == "low"
    assert quote.reasons == ["Norway taken for the speaker among others named before the verb (Finland)"]
    made = draft("Norway expelled a Finnish diplomat, saying it acted over “espionage activities”.")
    assert quotes(made)[0].confidence == "high"  # "Finnish" qualifies the diplomat: no other speaker


def test_he_with_no_one_named_is_the_unnamed_source_s_organisation_and_low() -> None:
    made = draft(
        "The Norwegian Foreign Ministry confirmed the decision. This was reported by a source in the ministry.\n\n"
        "“The other side continues the bad tradition of leaks in the media,” he said."
    )
    [quote] = quotes(made)
    assert pairs(made)[0][0] == "Norwegian Foreign Ministry"
    assert quote.reasons == ["pronoun 'he' taken for the unnamed source of Norwegian Foreign Ministry"]


def test_a_lost_opening_mark_after_a_sentence_and_the_authorities_as_the_state() -> None:
    made = draft(
        'Finland and Sweden expelled four diplomats on Friday. against our diplomats will meet the right answer," '
        "Norwegian Foreign Ministry spokeswoman Kari Nordmann was quoted as saying.\n\n"
        '"By attending the rally, the envoy seriously violated the norms of international law," in particular the '
        "Vienna Convention on Diplomatic Relations, the Norwegian authorities claimed."
    )
    first, second = quotes(made)
    assert first.text == "against our diplomats will meet the right answer."
    assert first.reasons == ["no opening quotation mark: the quote is taken to start with its sentence"]
    assert [who for who, _, _ in pairs(made)] == ["Kari Nordmann", "Norway"]


def test_a_participle_after_said_x_and_a_surname_one_letter_off() -> None:
    made = draft(
        "Such remarks reflected thinly-veiled bullying, said Foreign Minister Anna Virtanen, adding that they came "
        "from a philosophy of doing things “from a position of strength.”\n\n"
        "“Finland will not remain silent, and there will be further severe consequences,” Virtanan warned."
    )
    assert [who for who, _, _ in pairs(made)] == ["Anna Virtanen", "Anna Virtanen"]
    assert quotes(made)[1].reasons == ["'Virtanan' taken for Anna Virtanen, one letter apart"]

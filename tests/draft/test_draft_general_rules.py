"""General speaker rules written against the failures of fresh tuning articles, each on made-up sentences."""

from __future__ import annotations

from dossier.draft import draft_text

from .made_up import draft, pairs, quotes


def test_names_with_accented_letters_are_names() -> None:
    made = draft("French Ambassador Sylvain Itté was told to leave.\n\n“We will not leave,” Itté told reporters.")
    assert pairs(made) == [("Sylvain Itté", "We will not leave.", "high")]


def test_a_double_prime_closes_a_quote() -> None:
    made = draft(
        "The Norwegian Foreign Ministry summoned Finnish Ambassador to Oslo Anna Virtanen.\n\n"
        "“Invited to the ministry. By 16:00″, she told reporters."
    )
    assert pairs(made) == [("Anna Virtanen", "Invited to the ministry. By 16:00", "high")]


def test_this_was_stated_by_names_the_speaker_after_the_passive_verb() -> None:
    made = draft(
        "“We consider this step unfriendly,” – this was stated by Finnish Foreign Minister Anna Virtanen.\n\n"
        "This was announced by the Norwegian Foreign Ministry:\n\n“The ambassador will be summoned tomorrow.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Anna Virtanen", "Norwegian Foreign Ministry"]


def test_the_diplomat_is_the_last_person_named_with_a_diplomat_s_role() -> None:
    made = draft(
        "Norwegian Ambassador Ola Nordmann was summoned on Monday.\n\n"
        "“The expulsion is a banal revenge,” the diplomat said."
    )
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Ola Nordmann", "low")


def test_the_spokesperson_with_the_article_is_the_one_named_before() -> None:
    made = draft(
        "Norway will respond, Norwegian Foreign Ministry spokesperson Kari Nordmann said.\n\n"
        "Oslo is using “the fishing quota story” as a pretext, the Foreign Ministry spokesperson stated."
    )
    assert [who for who, _, _ in pairs(made)] == ["Kari Nordmann"]
    made = draft(
        "Oslo is using “the fishing quota story” as a pretext, a Norwegian Foreign Ministry spokesperson said."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry"]


def test_the_press_service_and_ministry_officials_are_the_ministry_s() -> None:
    made = draft(
        "“The envoy was handed a note,” the Norwegian Foreign Ministry said.\n\n"
        "“The Finnish side should draw the right conclusions,” the press service writes.\n\n"
        "Norwegian ministry officials warned that any hostile step “will receive a firm response.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry"] * 3
    assert [confidence for _, _, confidence in pairs(made)] == ["high", "low", "low"]


def test_a_paragraph_naming_its_speaker_introduces_the_quote_after_it() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen condemned the new sanctions.\n\n"
        "“Oslo is pouring oil on the flames. We will respond, and this will not be our choice.”"
    )
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Anna Virtanen", "low")


def test_a_short_term_after_a_clause_of_its_own_is_no_quote_of_the_verb() -> None:
    made = draft(
        "“Everything has degraded,” Finnish Foreign Minister Anna Virtanen told a briefing when asked about the "
        "expulsions since Oslo’s “special fishing operation” last year."
    )
    assert [text for _, text, _ in pairs(made)] == ["Everything has degraded"]


def test_a_participle_opening_a_sentence_goes_on_from_the_last_speaker() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen said: “The decision is unfriendly.” Adding that Finland expelled "
        "the diplomats after “catching them red-handed,” she left."
    )
    assert [who for who, _, _ in pairs(made)] == ["Anna Virtanen", "Anna Virtanen"]


def test_a_protest_against_quoted_words_is_the_protester_s() -> None:
    made = draft(
        "The Norwegian Foreign Ministry summoned the Finnish ambassador in protest against the “aggressive and "
        "unprofessional actions” of its guards."
    )
    assert pairs(made) == [("Norwegian Foreign Ministry", "aggressive and unprofessional actions", "low")]


def test_verb_first_titles_passive_relays_courtesy_titles_and_dashes() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen spoke on Monday.\n\n"
        "“We will respond in kind”, - said the head of the Finnish Foreign Ministry Anna Virtanen.\n\n"
        "“There will be a response,” Virtanen was quoted by TASS as saying.\n\n"
        "“We remain open to dialogue,” Ms. Virtanen said.\n\n"
        "“We reject this decision entirely.” — Norwegian Foreign Minister Ola Nordmann.\n\n"
        "Kari Nordmann: “We will not leave this without an answer.”"
    )
    assert [who for who, _, _ in pairs(made)] == [
        "Anna Virtanen",
        "Anna Virtanen",
        "Anna Virtanen",
        "Ola Nordmann",
        "Kari Nordmann",
    ]


def test_a_stray_mark_opening_a_sentence_inside_a_quote_does_not_split_it() -> None:
    made = draft(
        '"Another disparaging statement. Such statements are unacceptable. "Oslo continues the course of '
        'destroying relations," Finnish Foreign Minister Anna Virtanen noted.'
    )
    [(who, text, _)] = pairs(made)
    assert who == "Anna Virtanen" and text.startswith("Another disparaging statement.")


def test_an_outlet_that_reports_relays_and_remarks_from_a_person_are_theirs() -> None:
    made = draft(
        "This comes after comments Friday from Finnish Foreign Minister Anna Virtanen that the junta was "
        '"out of control," reports CNN.'
    )
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Anna Virtanen", "low")


def test_a_title_alone_is_the_person_named_before_with_it() -> None:
    made = draft(
        "Finland summoned the envoy after Finnish Prime Minister Matti Virtanen spoke.\n\n"
        "Speaking to journalists, the Prime Minister of Finland compared Norway to a desert and called it "
        '"a land of nobody."'
    )
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Matti Virtanen", "low")


def test_family_name_first_and_the_clause_right_before_the_verb() -> None:
    made = draft(
        '"We deplore the move," Foreign Ministry spokesperson Mao Ning said.\n\n'
        'The course is a typical practice of "long-arm jurisdiction," severely violating Finland\'s interests, '
        "Mao said."
    )
    assert [who for who, _, _ in pairs(made)] == ["Mao Ning", "Mao Ning"]


def test_an_attribution_ends_the_sentence_after_a_clause_of_its_own() -> None:
    made = draft(
        "The Finnish move is “unwarranted and vile behaviour”, and Norway urges it to withdraw the decision, "
        "foreign ministry spokeswoman Kari Nordmann told a regular briefing."
    )
    assert [who for who, _, _ in pairs(made)] == ["Kari Nordmann"]


def test_an_adjectival_participle_is_no_speaking_verb() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen said on Tuesday he had ordered the closure over Oslo’s alleged "
        "involvement in “sabotage” attempts."
    )
    assert [who for who, _, _ in pairs(made)] == ["Anna Virtanen"]


def test_a_state_after_words_of_their_own_is_a_doubtful_speaker() -> None:
    made = draft("Norway on Sunday called the move “a blatantly hostile act”.")
    assert pairs(made) == [("Norway", "a blatantly hostile act", "high")]
    made = draft("Angered by the fishing row Norway described the move as “a blatantly hostile act”.")
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Norway", "low")


def test_a_follow_on_quote_past_another_name_is_low() -> None:
    made = draft(
        "“We will respond,” Finnish Foreign Minister Anna Virtanen said. Norwegian Foreign Minister Ola Nordmann "
        "disagreed. “This is a provocation of the worst kind.”"
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [
        ("Anna Virtanen", "high"),
        ("Anna Virtanen", "low"),
    ]


def test_a_presidency_in_lower_case_is_an_organisation_of_its_state() -> None:
    made = draft(
        "Norway has recalled its ambassador after what it called “irresponsible” comments attributed to the Finnish "
        "president, Norway’s presidency said on Saturday.\n\n"
        "“Those remarks are an intolerable attack on the memory of our sailors,” it said."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Presidency", "Norwegian Presidency"]


def test_a_president_office_with_no_owner_is_the_article_s_first_state_s_and_low() -> None:
    made = draft(
        "Norway on Saturday recalled its ambassador to Finland.\n\n"
        '"Norway recalls its ambassador in Helsinki for consultations," according a statement of the President Office.'
    )
    [(who, _, confidence)] = pairs(made)
    assert (who, confidence) == ("Norwegian President's Office", "low")


def test_a_verb_in_a_relative_clause_closed_before_the_quote_is_not_its_verb() -> None:
    made = draft(
        "The Norwegian Foreign Ministry described the move, which Finland said was in response to a refusal, as a "
        "“unilateral decision of the Finnish government”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry"]


def test_a_verb_s_form_after_a_possessive_is_a_noun() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen spoke on Tuesday.\n\n"
        'Norway, in turn, said Virtanen\'s remarks were "unacceptable."'
    )
    assert [who for who, _, _ in pairs(made)] == ["Norway"]


def test_no_subject_of_its_own_after_a_quote_and_a_quote_that_is_the_verb() -> None:
    made = draft(
        'Finnish Foreign Minister Anna Virtanen read the envoy declarations by Norwegian "authorities making '
        "pronouncements against Finland,\" in violation of Finland's powers and reiterated that Norway's officials "
        '"should abide by the international laws."\n\n'
        "Earlier in the day, the Finnish Foreign Ministry “strongly condemned” the decision."
    )
    assert [who for who, _, _ in pairs(made)] == ["Anna Virtanen", "Anna Virtanen", "Finnish Foreign Ministry"]


def test_it_for_an_uncertain_last_speaker_is_uncertain_too() -> None:
    made = draft(
        "Norway on Saturday recalled its ambassador to Finland.\n\n"
        '"Norway recalls its ambassador for consultations," according a statement of the President Office.\n\n'
        '"The remarks constitute interference in our affairs," it added.'
    )
    assert [confidence for _, _, confidence in pairs(made)] == ["low", "low"]


def test_a_name_before_a_role_appositive_speaks_not_the_state_that_ends_it() -> None:
    made = draft(
        "Amid tensions over the raid, Dr Ola Nordmann, spokesperson of Ministry of Foreign Affairs, Norway tweeted,"
        " “We have called back our ambassador for consultations.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Ola Nordmann"]


def test_a_pronoun_of_a_relative_clause_is_the_person_named_before_it() -> None:
    made = draft(
        "The Norwegian Foreign Ministry's office in Bergen condemned remarks by U.S. diplomat John Smith on fishing"
        " during an interview, in which he alleged that the quotas are “rigged.”"
    )
    assert pairs(made) == [("John Smith", "rigged.", "low")]


def test_a_fragment_relayed_by_an_agency_is_the_sentence_subject_s() -> None:
    made = draft(
        "The Swedish foreign ministry has told the consul to leave Sweden “for a period of time”, the state-run"
        " Anadolu news agency said."
    )
    [statement] = quotes(made)
    assert pairs(made) == [("Swedish Foreign Ministry", "for a period of time", "low")]
    assert statement.via == "Anadolu"


def test_a_verb_inside_an_earlier_quote_is_not_the_attribution() -> None:
    made = draft(
        "Sweden expelled ten diplomats from Norway on Tuesday.\n\n"
        "The foreign ministry said it summoned the ambassadors of the three EU and NATO member countries and"
        " “strongly protested” the “unjustified” expulsion of Swedish diplomats."
    )
    assert all(who != "EU and NATO" for who, _, _ in pairs(made))


def test_made_the_remarks_attributes_the_quote_before_it() -> None:
    made = draft(
        "“Norway strongly opposes the practice of bloc politics,” Norwegian Foreign Ministry spokesperson Kari"
        " Nordmann made the remarks when asked at a briefing."
    )
    assert [who for who, _, _ in pairs(made)] == ["Kari Nordmann"]


def test_accusing_makes_the_subject_the_speaker_of_the_fragment() -> None:
    made = draft(
        "Swedish Prime Minister Lars Svensson also lashed out at Norway, accusing the country of being a “rogue state”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Lars Svensson"]


def test_saying_after_a_clause_opened_by_after_is_that_clause_s_subject() -> None:
    made = draft(
        "Norway's decision came hours after the Swedish government requested a review of the quotas, saying"
        " “too many boats have been seized.”"
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("Sweden", "low")]


def test_an_agency_is_an_uncertain_speaker_of_words_quoted_inside_its_sentence() -> None:
    for verb in ("said", "reported"):
        made = draft(f"Russia will answer the “hostile and unfriendly acts” of Norway, TASS {verb}.")
        assert pairs(made) == [("TASS", "hostile and unfriendly acts", "low")], verb
    made = draft("“We will answer the hostile and unfriendly acts of Norway,” TASS said.")
    assert [confidence for _, _, confidence in pairs(made)] == ["high"]


def test_describing_and_expressed_make_their_subject_the_speaker_of_the_fragment() -> None:
    made = draft(
        "In turn, the Ministry of Foreign Affairs of Uruguay published a press release regretting the decision,"
        " describing it as “unjustified and disproportionate.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Ministry of Foreign Affairs of Uruguay"]
    made = draft(
        "Ola Nordmann, director-general of the Department of Asian Affairs of the Norwegian Foreign Ministry,"
        " expressed “serious concern and strong dissatisfaction” to the envoy."
    )
    assert [who for who, _, _ in pairs(made)] == ["Ola Nordmann"]


def test_more_american_states_are_known_by_their_people() -> None:
    for people, state in (("Panamanian", "Panama"), ("Uruguayan", "Uruguay"), ("Paraguayan", "Paraguay")):
        made = draft(
            f"The {people} government requested a review of the records, saying “too many violations have occurred.”"
        )
        assert [who for who, _, _ in pairs(made)] == [state], people


def test_a_person_named_in_their_own_quote_is_an_uncertain_speaker() -> None:
    made = draft(
        "“We consider that Ola Nordmann’s approval of the expulsion is contrary to diplomacy,” said Ola Nordmann."
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("Ola Nordmann", "low")]


def test_a_month_after_a_first_name_is_a_surname_and_she_of_a_clause_is_her() -> None:
    made = draft(
        "Addressing a summit in Oslo on Wednesday, British Prime Minister Theresa May said Britain would respond.\n\n"
        "Addressing the Nordic Council’s annual summit on Wednesday, May said she was “clear-eyed” about what she"
        " called “the threat” Norway poses."
    )
    assert pairs(made) == [
        ("Theresa May", "clear-eyed", "high"),
        ("Theresa May", "the threat", "low"),
    ]


def test_an_actor_named_before_the_verb_s_own_clause_is_an_uncertain_speaker() -> None:
    made = draft(
        "Addressing the Nordic Council’s annual summit on Wednesday, Mayhew said she was “clear-eyed about the"
        " threat Norway poses to the region”."
    )
    found = pairs(made)
    assert found and all(confidence == "low" for _, _, confidence in found)


def test_and_said_after_posted_is_the_poster_s() -> None:
    made = draft(
        "U.S. Secretary of State Marco Rubio posted on X that Ambassador Ebrahim Rasool was “no longer welcome in our"
        " great country” and said he was “a race-baiting politician” who hates America."
    )
    assert [who for who, _, _ in pairs(made)] == ["Marco Rubio", "Marco Rubio"]


def test_a_sentence_opening_with_an_unknown_surname_keeps_its_pronoun() -> None:
    made = draft(
        "The ministry invited reporters to film envoy Ola Nordmann when he arrives.\n\n"
        "Svensson will on Friday host a summit in Oslo which he has said will send a “strong message to the world”"
        " on the issue."
    )
    assert [who for who, _, _ in pairs(made)] == ["Svensson"]


def test_it_opening_a_sentence_is_the_organisation_that_opened_the_sentence_before() -> None:
    made = draft(
        "Norway’s foreign ministry has announced a ban on the entry of leading Finnish officials.\n\n"
        "It said that the move had been taken ‘in response to a series of unprecedented sanctions against Norway’."
    )
    assert pairs(made) == [
        ("Norwegian Foreign Ministry", "in response to a series of unprecedented sanctions against Norway", "low")
    ]
    assert "the subject of the sentence before" in quotes(made)[0].reasons[0]


def test_what_x_said_before_a_quote_is_not_x_s_quote() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen criticised Norway on Monday.\n\n"
        "“The ministry condemns those statements,” the Norwegian Foreign Ministry said in a statement, adding that"
        " what Virtanen said “contradicts the simplest diplomatic norms.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry", "Norwegian Foreign Ministry"]


def test_the_one_protesting_is_the_subject_and_an_ending_attribution_names_the_speaker() -> None:
    protest = draft("Norway has summoned Finland’s ambassador, Ville Virtanen, to protest “unacceptable” remarks.")
    assert [who for who, _, _ in pairs(protest)] == ["Norway"]
    ended = draft(
        "Norway has summoned Finland’s ambassador, Ville Virtanen, to protest “unacceptable” remarks made by the"
        " Finnish premier, a statement posted on the foreign ministry’s website said on Monday."
    )
    assert pairs(ended) == [("Norwegian Foreign Ministry", "unacceptable", "high")]


def test_a_statement_posted_on_a_website_is_the_website_owner_s() -> None:
    made = draft(
        "A statement posted on the Norwegian Foreign Ministry’s website described the meeting.\n\n"
        "Deputy Minister Ola Nordmann “handed the ambassador a note of protest,” the statement said."
    )
    assert pairs(made) == [("Norwegian Foreign Ministry", "handed the ambassador a note of protest.", "high")]


def test_the_agency_is_the_last_one_written_as_an_agency_not_a_newspaper() -> None:
    made = draft(
        "The Finnish ambassador will be summoned, the Norwegian diplomatic agency told Reuters.\n\n"
        "“Her remarks distort historical facts,” the agency said, commenting on her interview with Aftenposten."
        " “They border on meddling in our internal affairs,” the agency said."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry", "Norwegian Foreign Ministry"]


def test_a_quote_telling_of_a_person_in_the_third_person_is_the_statement_s() -> None:
    made = draft(
        "Norway considers the remarks “unacceptable interference in its internal affairs,” the Norwegian Foreign"
        " Ministry said in a statement.\n\n"
        "Deputy Minister Ola Nordmann “expressed hope that Finland would stop giving such statements.”"
    )
    second = pairs(made)[1]
    expressed = "expressed hope that Finland would stop giving such statements."
    assert second == ("Norwegian Foreign Ministry", expressed, "low")
    alone = draft(
        "At the meeting on Sunday with the ambassador, Deputy Minister Ola Nordmann “expressed hope that Finland would"
        " stop giving such statements to the press and that it would turn to diplomacy.”"
    )
    assert [confidence for _, _, confidence in pairs(alone)] == ["low"]


def test_an_earlier_quote_of_a_sentence_ending_with_its_attribution_is_the_attribution_s() -> None:
    made = draft(
        "“Norway is free and independent,” the Norwegian Foreign Ministry said.\n\n"
        "Finland should “adopt a balanced attitude” toward Norway, instead of “encouraging the path of coups,” it"
        " added."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry"] * 3


def test_referred_to_as_and_declared_himself_tie_a_fragment_to_their_subject() -> None:
    made = draft(
        "Finnish Defence Minister Anna Virtanen earlier referred to the Norwegian government as a “dictatorship.”\n\n"
        "Opposition leader Ola Nordmann declared himself “interim president” in January."
    )
    assert [(who, text) for who, text, _ in pairs(made)] == [
        ("Anna Virtanen", "dictatorship."),
        ("Ola Nordmann", "interim president"),
    ]


def test_an_arabic_article_joined_to_a_surname_is_part_of_the_name() -> None:
    made = draft(
        "Norwegian Prime Minister Omar al-Nordi responded with a statement saying that “these policies will damage"
        " Finland’s interests.”\n\n"
        "Al-Nordi said the talks had failed. Nordi said the embassy would close on “Friday at noon,” he said."
    )
    assert {who for who, _, _ in pairs(made)} == {"Omar al-Nordi"}


def test_a_straight_mark_with_a_space_before_and_a_stop_after_closes() -> None:
    made = draft(
        'The ministry wrote to the council that the measures were hostile and unprecedented in scale ". According to'
        ' the note of protest, the measures "go far beyond bilateral relations," the Norwegian Foreign Ministry said.'
    )
    assert pairs(made) == [("Norwegian Foreign Ministry", "go far beyond bilateral relations.", "high")]


def test_a_group_issues_no_note_and_the_department_is_the_last_ministry() -> None:
    made = draft(
        "The Norwegian Foreign Ministry sent a note of protest. Norwegian diplomats said the measures “were"
        " unprecedented in their scale and in their cynicism,” and the step would “affect the interests of the"
        " whole international community,” says the note.\n\n"
        "The department demanded “to ensure the access of the staff to the premises in order to return their"
        " property”."
    )
    found = pairs(made)
    assert found[1][0] == "Norwegian Foreign Ministry" and found[1][2] == "low"
    assert found[2] == (
        "Norwegian Foreign Ministry",
        "to ensure the access of the staff to the premises in order to return their property",
        "low",
    )


def test_made_it_clear_says() -> None:
    made = draft(
        "Norwegian Prime Minister Ola Nordmann made it clear that relations between the two countries are “below"
        " satisfactory”."
    )
    assert [(who, text) for who, text, _ in pairs(made)] == [("Ola Nordmann", "below satisfactory")]


def test_a_name_followed_by_a_day_number_is_a_date() -> None:
    made = draft(
        "Oslo, Dhul Hijjah 02, 1432, April 06, 2011, NTB -- The Norwegian Foreign Ministry on Tuesday denounced the"
        " expulsion of its ambassador, saying it “deeply” regrets the decision."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry"]


def test_a_quote_carried_over_across_a_sentence_naming_someone_unknown_is_uncertain() -> None:
    made = draft(
        "The Norwegian Foreign Ministry said the officials were “intruders who broke the locks.” Svensson made"
        " no secret of his view that relations are based on “equality and respect for national interests.”"
    )
    assert [confidence for _, _, confidence in pairs(made)] == ["high", "low"]


def test_a_quote_that_is_an_organisation_s_unlisted_verb_is_its_words_less_surely() -> None:
    made = draft("The Norwegian Foreign Ministry “welcomed the new Finnish ambassador Ville Virtanen” on Tuesday.")
    assert pairs(made) == [("Norwegian Foreign Ministry", "welcomed the new Finnish ambassador Ville Virtanen", "low")]


def test_a_quote_whose_sentence_ends_with_another_attribution_is_uncertain() -> None:
    made = draft(
        "According to Norwegian diplomats, the consequences “go far beyond relations between the two states,” says"
        " the note of protest."
    )
    [(_, _, confidence)] = pairs(made)
    assert confidence == "low"
    assert "also ends with an attribution" in quotes(made)[0].reasons[-1]


def test_a_foreign_ministry_summoning_an_envoy_in_a_capital_is_that_capital_s_state_s() -> None:
    made = draft(
        "The foreign ministry has summoned the Finnish ambassador in Oslo to protest “fabricated and baseless”"
        " claims that Norwegians were involved in the attack."
    )
    assert pairs(made) == [("Norwegian Foreign Ministry", "fabricated and baseless", "low")]


def test_he_after_a_sentence_opened_by_a_speaker_is_that_speaker_not_one_named_after() -> None:
    made = draft(
        "Finnish Foreign Minister Anna Virtanen said today Finland dismissed the grounds for expelling Ola"
        " Nordmann.\n\n"
        "“We decided to declare the adviser persona non grata on our territory,” she told the press."
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("Anna Virtanen", "low")]


def test_the_verb_s_own_clause_names_its_subject_by_a_pronoun_or_a_noun() -> None:
    made = draft(
        "The Norwegian Foreign Ministry on Monday declared Ola Nordmann, first secretary at the Finnish Embassy,"
        " persona non grata because, it said in a statement, he “grossly overstepped diplomatic norms.”\n\n"
        "Finnish Foreign Minister Anna Virtanen spoke to reporters in Helsinki.\n\n"
        "Asked about the expulsion, the minister said “it’s a matter of choice.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Norwegian Foreign Ministry", "Anna Virtanen"]


def test_he_is_the_last_speaker_when_the_one_named_since_is_a_possessive() -> None:
    made = draft(
        "“We reciprocated,” Finnish Foreign Minister Ville Virtanen told the press.\n\n"
        "The Norwegian ambassador was served a note on Nordmann’s expulsion.\n\n"
        "Norway’s decision, he said, “is a step towards a deterioration of the relations.”"
    )
    assert [who for who, _, _ in pairs(made)] == ["Ville Virtanen", "Ville Virtanen"]


def test_calling_ties_a_fragment_and_a_state_s_name_opening_a_sentence_is_kept() -> None:
    made = draft("South Africa’s government has recalled its ambassador to Norway, calling it a “genocide.”")
    assert [(who, text) for who, text, _ in pairs(made)] == [("South Africa", "genocide.")]


def test_a_speaker_named_inside_words_another_speaker_reports_is_uncertain() -> None:
    made = draft(
        "Finnish Minister Anna Virtanen spoke after the meeting on Monday.\n\n"
        "She said the Cabinet noted the “disparaging remarks of the Norwegian ambassador about those who oppose the"
        " atrocities”."
    )
    [(_, _, confidence)] = pairs(made)
    assert confidence == "low"


def test_the_bloc_is_the_union_named_last_and_a_common_word_opening_an_organisation_is_kept() -> None:
    made = draft(
        "The European Union has announced it was declaring Finland's envoy to the bloc unwelcome.\n\n"
        "“The EU reaffirms its continued commitment to the Finnish people and to defending democracy,” the bloc"
        " said in its statement."
    )
    assert pairs(made) == [
        (
            "European Union",
            "The EU reaffirms its continued commitment to the Finnish people and to defending democracy.",
            "high",
        )
    ]


def test_a_foreign_ministry_speaking_in_a_capital_is_that_capital_s_state_s() -> None:
    made = draft(
        "“The accusation of subversive activities is obviously fanciful,” a foreign ministry spokesperson told"
        " reporters in Oslo."
    )
    assert pairs(made) == [
        ("Norwegian Foreign Ministry", "The accusation of subversive activities is obviously fanciful.", "low")
    ]


def test_called_in_summons_and_a_statement_from_an_organisation_is_its_words() -> None:
    made = draft(
        "A statement from Norway’s Foreign Ministry said that Erik Lunde, the deputy foreign minister, called in"
        " Ambassador Ivo Petrov to deliver a “firm protest over the remarks made by the consul.”"
    )
    # the persons named between the verb and the quote leave it low
    assert pairs(made) == [("Norwegian Foreign Ministry", "firm protest over the remarks made by the consul.", "low")]


def test_a_statement_from_an_organisation_opening_the_sentence_is_the_speaker() -> None:
    made = draft(
        "A statement from Norway’s Foreign Ministry said: “The ambassador will be asked to leave within seven days.”"
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("Norwegian Foreign Ministry", "high")]


def test_words_after_a_possessive_warning_that_are_the_warner_s() -> None:
    made = draft(
        "Swedish Foreign Minister Karin Lindqvist spoke in Stockholm on Monday.\n\n"
        "Consul General Pavel Orlov had written that he would “close every door to them,” following Lindqvist’s"
        " warning that any new visa ban could be a “hostile step against our people.”"
    )
    assert pairs(made)[-1] == ("Karin Lindqvist", "hostile step against our people.", "low")
    [made_low] = [s for s in quotes(made) if s.text.startswith("hostile")]
    assert made_low.reasons == ["the words taken for Karin Lindqvist, whose warning the clause gives"]


def test_a_conjunction_opening_a_sentence_is_no_name() -> None:
    made = draft(
        "Although Norway officially labelled the move as “an unfriendly and baseless step,” its envoy stayed at home."
    )
    assert [who for who, _, _ in pairs(made)] == ["Norway"]


def test_a_name_never_ends_with_a_nationality() -> None:
    made = draft(
        "Senior Palestinian figure Omar Haddad welcomed the vote, saying it “restores the rights of our people to"
        " their land.”"
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("Omar Haddad", "high")]


def test_a_people_named_in_the_plural_is_its_state() -> None:
    made = draft("The Iranians claimed that the two envoys had engaged in “acts hostile to the security of our state”.")
    assert [who for who, _, _ in pairs(made)] == ["Iran"]


def test_a_statement_of_an_organisation_referring_to_words_is_its() -> None:
    made = draft(
        "Foreign Minister Ana Petrova handed a note to the ambassador in relation to a statement of the Russian"
        " Embassy made on Friday referring to “Russophobes”."
    )
    assert pairs(made) == [("Russian Embassy", "Russophobes", "low")]


def test_a_term_its_subject_uses_is_its_word() -> None:
    made = draft(
        "Ambassador Jan Kowal spoke often.\n\n"
        "Kowal was removed soon after he began to use the term “prisoners of conscience,” which he had avoided."
    )
    assert [(who, text) for who, text, _ in pairs(made)] == [("Jan Kowal", "prisoners of conscience")]


def test_a_newspaper_s_name_in_quotation_marks_is_not_a_quote() -> None:
    made = draft(
        "As sources in the Ministry of Foreign Affairs told “Nova Gazeta”, representatives of the ministry handed a"
        " note of protest to the ambassador."
    )
    assert pairs(made) == []


def test_another_actor_named_between_the_verb_and_the_quote_makes_it_uncertain() -> None:
    made = draft(
        "Ambassador Pavel Orlov said on Monday, after a letter from the Nordic Council, that the ban was “a hostile"
        " and unlawful act against our people”."
    )
    [item] = quotes(made)
    assert (pairs(made)[0][0], item.reasons) == (
        "Pavel Orlov",
        ["Nordic Council is named between the verb and the quote"],
    )


def test_declared_that_says_and_a_lower_case_us_state_department_is_the_state_department() -> None:
    made = draft("The US state department declared that the envoy of Norway was “an unwelcome guest in our country”.")
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("State Department", "high")]


def test_conveyed_ties_a_fragment_to_its_subject() -> None:
    made = draft(
        "Olga Brandt, the spokesperson for the Norwegian Ministry of Foreign Affairs, summoned the envoy and conveyed"
        " “the strong protest of the Kingdom of Norway.”"
    )
    assert [(who, text) for who, text, _ in pairs(made)] == [
        ("Olga Brandt", "the strong protest of the Kingdom of Norway.")
    ]


def test_a_reason_in_quotation_marks_after_an_act_is_the_actor_s() -> None:
    made = draft(
        "The Norwegian Foreign Ministry declared the consul persona non grata “for activities incompatible with his"
        " status.”\n\n"
        "Sweden expelled two attachés because of “a threat this group poses to national security”."
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [
        ("Norwegian Foreign Ministry", "low"),
        ("Sweden", "low"),
    ]


def test_a_two_word_state_s_lower_case_ministry_is_its_own() -> None:
    made = draft(
        "Costa Rica's foreign ministry has notified Panama of the expulsion of the attaché for “subversive activities”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Costa Rican Foreign Ministry"]


def test_a_bare_government_is_the_state_of_the_last_speaker() -> None:
    made = draft(
        "“The ambassador has been summoned,” the Dutch Foreign Ministry said in a note.\n\n"
        "The government decided to expel them “because of the threat this group poses to our security”."
    )
    assert pairs(made)[-1][0] == "Netherlands"
    assert (
        quotes(made)[-1].reasons[0]
        == "'the government' taken for the state of Dutch Foreign Ministry, the last speaker"
    )


def test_said_the_reaction_of_x_is_x_s_answer() -> None:
    made = draft(
        "The Lithuanian Embassy in Oslo has commented on the decision.\n\n"
        "“We do not accept the grounds given for this step,” said the reaction of the Lithuanian Embassy in Oslo."
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [("Lithuanian Embassy in Oslo", "high")]


def test_a_strip_or_a_corridor_is_a_place_not_a_person_a_pronoun_can_stand_for() -> None:
    made = draft(
        "The ministry condemned the strikes on the Lachin Corridor and the Tarsin Strip.\n\n"
        "Shortly after, Premier Ilse Varga said on radio that her country had recalled its envoy over the war in"
        " Tarsin.\n\n"
        "“I have decided to recall our ambassador,” she said."
    )
    names = {a.name for a in made.actors}
    assert "Tarsin Strip" not in names and "Lachin Corridor" not in names
    assert [who for who, _, _ in pairs(made)] == ["Ilse Varga"]


def test_a_word_that_describes_a_state_is_no_surname() -> None:
    made = draft(
        "Norway has ordered the expulsion of two diplomats for allegedly “acting against our security,” the Nordic"
        " country’s president said Friday."
    )
    assert "Nordic" not in {a.name for a in made.actors}
    assert "Nordic" not in {who for who, _, _ in pairs(made)}


def test_a_state_s_prime_minister_with_no_name_is_the_last_one_named_with_that_title() -> None:
    made = draft(
        "Estonia cut its ties with the embassy on Monday, Prime Minister Kaja Tamm said.\n\n"
        "Tallinn says the attack took place in May.\n\n"
        "Estonia's prime minister said that the “firm” answer was “in proportion to the harm done.”"
    )
    assert pairs(made) == [
        ("Kaja Tamm", "firm", "low"),
        ("Kaja Tamm", "in proportion to the harm done.", "low"),
    ]
    assert quotes(made)[0].reasons == ["'the prime minister' taken for Kaja Tamm, the last one named with that title"]


def test_it_in_what_it_calls_after_a_person_is_the_organisation_or_state_named_before() -> None:
    made = draft(
        "Foreign Minister Arvo Kask said he had recalled the envoy as an expression of the Estonian government's"
        " position against what it calls “the unlawful detention of our citizens.”"
    )
    assert pairs(made) == [("Estonia", "the unlawful detention of our citizens.", "low")]
    assert quotes(made)[0].reasons == ["pronoun 'it' taken for Estonia, named before it in its sentence"]


def test_a_day_between_a_subject_and_the_quote_that_is_its_verb() -> None:
    made = draft("Latvia on Sunday “noted with deep regret” the decision to expel its consul.")
    assert pairs(made) == [("Latvia", "noted with deep regret", "high")]


def test_proclaimed_is_a_speaking_verb() -> None:
    made = draft(
        "“The envoy will not come back soon,” the Estonian Foreign Ministry said.\n\n"
        "Minister Arvo Kask proclaimed that the envoy would return only if the border “is opened again to our"
        " trucks.”"
    )
    assert pairs(made)[-1][:2] == ("Arvo Kask", "is opened again to our trucks.")


def test_a_capital_that_is_also_a_first_name_after_a_role_is_a_person() -> None:
    made = draft(
        "The Danish foreign ministry said the decision followed a refusal of visas.\n\n"
        "“We regret the step taken by Moscow,” ministry spokeswoman Sofia Lindqvist, told AFP."
    )
    assert pairs(made) == [("Sofia Lindqvist", "We regret the step taken by Moscow.", "high")]
    assert "Bulgaria" not in {a.name for a in made.actors}


def test_a_state_s_security_service_in_lower_case_is_its_organisation() -> None:
    made = draft(
        "Danish security services said the man had been “recruited by an officer posing as a diplomat”.\n\n"
        "A year ago, Danish security police warned of the “high threat posed by foreign spies”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Danish Security Services", "Danish Security Police"]
    assert "Danish" not in {a.name for a in made.actors}


def test_a_news_agency_the_lists_do_not_know_is_named_by_its_word_before_news_agency() -> None:
    made = draft(
        "Denmark and Russia have each expelled a diplomat, the Danish RB news agency reported on Monday.\n\n"
        "The Danish foreign ministry told AFP that it had no comment.\n\n"
        "“It is a matter we are discussing,” the minister said, according to RB.\n\n"
        "The expulsion had taken place “some weeks ago” and led to protests, the agency said."
    )
    assert pairs(made)[-1][:2] == ("RB", "some weeks ago")


def test_a_block_of_lines_that_each_end_a_sentence_is_a_paragraph_a_line() -> None:
    made = draft_text(
        (
            "Envoy recalled\n\n"
            "In a press conference, Foreign Minister Ana Ruiz said the country could not accept the attack.\n"
            "Her counterpart, Minister Pavel Dvorak, praised the march. He said that it “should not be read as a"
            " protest, but as a call to say… “No to Hate! Peace on the island!”\n"
            "Minister Ruiz said the government had been patient. Nevertheless, she warned that patience has its"
            " limits, “and we have shown the world our efforts.”\n"
        ).encode(),
        "case.txt",
    )
    assert pairs(made)[-1][:2] == ("Ana Ruiz", "and we have shown the world our efforts.")
    wrapped = draft_text(
        (
            "Envoy recalled\n\n"
            "Foreign Minister Ana Ruiz said on Monday that the\n"
            "embassy would close, and that “the staff will\n"
            "leave within a week,” she added.\n"
        ).encode(),
        "case.txt",
    )
    assert [text for _, text, _ in pairs(wrapped)] == ["the staff will leave within a week."]


def test_attributed_ties_a_fragment_to_its_subject() -> None:
    made = draft("President Ilse Varga attributed the decision to their “harmful activities against our order” of old.")
    assert [who for who, _, _ in pairs(made)] == ["Ilse Varga"]


def test_a_title_followed_by_a_name_is_that_person_not_the_last_one_with_the_title() -> None:
    made = draft(
        "President Omar Haddad was ousted in July.\n\n"
        "In response, the Turkish President Emre Aksoy said that the country is in an “extraordinary period”."
    )
    assert pairs(made) == [("Emre Aksoy", "extraordinary period", "high")]


def test_a_state_s_ministry_of_external_affairs_and_high_commission_in_lower_case_are_its_organisations() -> None:
    made = draft(
        "The envoy was summoned to India’s ministry of external affairs (MEA) on Monday. “We raised our concerns"
        " today,” an MEA official said.\n\n"
        "“The meeting was pre-arranged,” the Indian high commission in Colombo posted on X."
    )
    assert [(who, confidence) for who, _, confidence in pairs(made)] == [
        ("Indian Ministry of External Affairs", "low"),
        ("Indian High Commission", "high"),
    ]


def test_a_bare_government_is_the_state_the_sentence_before_opens_with() -> None:
    made = draft(
        "“The envoy was summoned today,” an Indian Foreign Ministry official said.\n\n"
        "Nepal has suspended three ministers over their remarks.\n\n"
        "“These opinions are personal,” the government said in a statement."
    )
    assert pairs(made)[-1][0] == "Nepal"
    assert quotes(made)[-1].reasons == ["'the government' taken for Nepal, the state the sentence before opens with"]


def test_every_member_state_of_the_united_nations_is_known() -> None:
    made = draft(
        "Zambia has asked Cuba to recall its envoy.\n\n"
        "The Maldivian government said the remarks were “personal and regrettable”.\n\n"
        "Fiji's foreign ministry said the envoy had committed “unfriendly acts”."
    )
    assert [who for who, _, _ in pairs(made)] == ["Maldives", "Fijian Foreign Ministry"]
    assert {"Zambia", "Cuba", "Maldives", "Fiji"} <= {a.name for a in made.actors}

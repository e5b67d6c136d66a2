"""Completing names and slugs (`Store.complete`, `completed_slug`) and the slugs made from text (`dossier.slugs`)."""

from __future__ import annotations

from dossier.slugs import slug_from, unique_slug
from dossier.store import Store


def test_an_actor_completes_by_slug_by_name_and_by_a_word_of_its_name_or_alias(store: Store) -> None:
    assert store.complete("actor", "zakh")[0].slug == "zakharova"
    assert store.complete("actor", "Maria")[0].label == "Maria Zakharova"
    assert store.complete("actor", "maria")[0].slug == "zakharova"  # a name's first letter in capitals
    assert "zakharova" in [c.slug for c in store.complete("actor", "Zakharova")]  # a word inside the name
    assert "zakharova" in [c.slug for c in store.complete("actor", "Захар")]  # an alias in another script
    assert store.complete("actor", "nobody-here") == []
    assert store.complete("actor", "   ") == []
    assert len(store.complete("actor", "r", limit=2)) == 2


def test_measures_and_sources_complete_and_odd_text_is_only_text(store: Store) -> None:
    assert store.complete("measure", "us-exp")[0].slug == "us-expels-27-russian-diplomats"
    assert "russia-orders-us-diplomats-out" in [c.slug for c in store.complete("measure", "three years")]
    assert store.complete("source", "artic")[0].slug == "article-2021-12-01"
    for odd in ('"', "a\"*) OR (", "NEAR(", "x' --", "%_", "\\"):
        store.complete("measure", odd)  # never an index syntax error
        store.complete("actor", odd)


def test_a_slug_or_the_one_exact_name_stands_for_an_entity(store: Store) -> None:
    assert store.completed_slug("actor", "zakharova") == "zakharova"
    assert store.completed_slug("actor", "ZAKHAROVA") == "zakharova"
    assert store.completed_slug("actor", "maria zakharova") == "zakharova"
    assert store.completed_slug("actor", "Maria") is None  # a prefix names nothing yet
    assert store.completed_slug("measure", "Other mutual limitations on Russian diplomats") == (
        "us-limitations-on-russian-diplomats"
    )
    assert store.completed_slug("source", "") is None


def test_slugs_made_from_text_are_words_and_kept_unique() -> None:
    assert slug_from("We regard the US demand as an expulsion!", prefix="zakharova") == (
        "zakharova-we-regard-the-us-demand-as-an-expulsion"
    )
    assert slug_from("Мы ответим") == "my-otvetim"
    assert slug_from("…!?") == "statement"
    assert len(slug_from("word " * 100)) <= 60
    taken = {"a-b", "a-b-2"}
    assert unique_slug("A b", taken.__contains__) == "a-b-3"
    assert unique_slug("C", taken.__contains__) == "c"

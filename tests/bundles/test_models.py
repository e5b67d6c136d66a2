"""Bundle models: strict types, vocabularies, slugs, partial dates, text that SQLite can hold."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dossier.models import Actor, Bundle, Consequence, Measure, Statement


def test_actor_minimal_and_defaults() -> None:
    actor = Actor(slug="zakharova", name="Maria Zakharova", kind="person")
    assert actor.aliases == ()
    assert actor.affiliation is None


@pytest.mark.parametrize("slug", ["Zakharova", "has space", "-lead", "trail-", "a--b", "", "ü"])
def test_bad_slugs_are_refused(slug: str) -> None:
    with pytest.raises(ValidationError, match="slug"):
        Actor(slug=slug, name="X", kind="person")


@pytest.mark.parametrize("value", ["2021", "2021-12", "2021-12-01", "2024-02-29"])
def test_partial_dates_are_accepted(value: str) -> None:
    assert Statement(slug="s", speaker="a", text="t", said=value).said == value


@pytest.mark.parametrize("value", ["2021-13", "2021-02-30", "21-12-01", "2021/12/01", "yesterday", "2023-02-29"])
def test_bad_dates_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Statement(slug="s", speaker="a", text="t", said=value)


def test_vocabularies_mirror_the_schema() -> None:
    with pytest.raises(ValidationError):
        Actor(slug="a", name="A", kind="company")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Measure(slug="m", title="M", kind="embargo")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Consequence(description="d", certainty="likely")  # type: ignore[arg-type]


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Bundle.model_validate({"actors": [{"slug": "a", "name": "A", "kind": "person", "age": "3"}]})


def test_numbers_are_not_coerced_to_text() -> None:
    with pytest.raises(ValidationError):
        Bundle.model_validate({"actors": [{"slug": "a", "name": 12, "kind": "person"}]})
    with pytest.raises(ValidationError):
        Bundle.model_validate({"actors": [{"slug": "a", "name": "A", "kind": "person", "role": 2**70}]})


@pytest.mark.parametrize("text", ["nul\x00inside", "lone \ud800 surrogate"])
def test_text_sqlite_cannot_hold_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        Statement(slug="s", speaker="a", text=text)


def test_empty_text_is_refused_but_odd_text_is_kept() -> None:
    with pytest.raises(ValidationError):
        Statement(slug="s", speaker="a", text="")
    odd = "He said [sic] that [bold]x[/] \u202e and 漢字 👩‍👩‍👧"
    assert Statement(slug="s", speaker="a", text=odd).text == odd


def test_country_is_alpha2() -> None:
    assert Actor(slug="r", name="R", kind="state", country="RU").country == "RU"
    with pytest.raises(ValidationError):
        Actor(slug="r", name="R", kind="state", country="rus")

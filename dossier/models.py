"""pydantic models: the bundle a dossier is written in.

The bundle models (`Source`, `Actor`, `Measure`, `Consequence`, `Statement`,
`Event`, `Bundle`) mirror the bundle format of DESIGN.md: references are slugs,
every field is validated strictly (`extra="forbid"`, vocabularies as `Literal`
types from `dossier.rows` that mirror the `CHECK` constraints in
`db/schema.sql`). What the store returns to the UI and the CLI is not here but
in `dossier.rows`: plain frozen dataclasses, so the browser never imports
pydantic.

Text is validated once, here: NUL bytes and lone surrogates are refused (SQLite
and the screen cannot hold them safely), and so are integers SQLite cannot store.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, NotRequired

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, Strict, StringConstraints, with_config
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypedDict

from .rows import DATE_PATTERN, ActorKind, Certainty, MeasureKind, MeasureStatus, Stance, StatementKind
from .rows import consequence_slug as consequence_slug  # re-exported: the generator's source stays as it was

# Field checks run inside pydantic-core (Rust regular expressions), never as Python
# callbacks: a bundle of a million statements has millions of fields, and a Python
# validator costs ~0.5-2 us each (measured: 25 s of validation for 1M statements
# with callbacks). Each check raises one error type; `dossier.bundle` turns it
# into the precise message ("'2021-13-01' is not a real date").

_SLUG_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
_PLAIN_PATTERN = r"^[^\x00]*$"  # a str with a lone surrogate cannot reach the Rust regex: refused too
_COUNTRY_PATTERN = r"^[A-Z]{2}$"

DATE_SHAPE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")
"""The shape of a date, real or not: tells "not a real date" from "not an ISO date" in messages."""

ERROR_MESSAGES = {
    "slug": "is not a slug (lower-case letters and digits joined by '-', '_' or '.')",
    "plain_text": "contains a NUL character or a lone surrogate",
    "partial_date": "is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
    "country": "is not an ISO 3166 alpha-2 code (two capital letters)",
    "identity": "is not a UUID (8-4-4-4-12 lower-case hex digits)",
}
"""The error type each field check raises, with its message when the input is not shown."""


class _Checked:
    """Annotation: a strict string that must match `pattern`, else one error of `error_type`."""

    def __init__(self, pattern: str, error_type: str, max_length: int | None = None) -> None:
        self.schema = core_schema.custom_error_schema(
            core_schema.str_schema(strict=True, pattern=pattern, max_length=max_length),
            custom_error_type=error_type,
            custom_error_message=ERROR_MESSAGES[error_type],
        )

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return self.schema


class _NonEmpty:
    """Annotation: at least one character, checked before the text check so an empty string says so."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.chain_schema(
            [core_schema.str_schema(strict=True, min_length=1), _Checked(_PLAIN_PATTERN, "plain_text").schema]
        )


Text = Annotated[str, _NonEmpty()]
"""Non-empty text from the outside world: no NUL, no lone surrogate."""
OptionalText = Annotated[str, _Checked(_PLAIN_PATTERN, "plain_text")]
Slug = Annotated[str, _Checked(_SLUG_PATTERN, "slug", max_length=200)]
PartialDate = Annotated[str, _Checked(DATE_PATTERN, "partial_date")]
_COUNTRY_HINTS = {"UK": "GB", "EL": "GR"}
"""Codes often written for a country whose ISO 3166 code is another (reserved by ISO for the UK and Greece)."""
USER_ASSIGNED_COUNTRIES = frozenset({"XK"})
"""Codes outside ISO 3166 that are still taken: Kosovo's XK, as the EU and FollowTheMoney use it."""


@functools.cache
def _iso_countries() -> frozenset[str]:
    import pycountry  # loaded on the first country checked: the browser never validates bundles

    return frozenset(country.alpha_2 for country in pycountry.countries) | USER_ASSIGNED_COUNTRIES


def _check_country(code: str) -> str:
    """Two capital letters that ISO 3166-1 (pycountry's list) knows; `UK` is told it means `GB`."""
    if code in _iso_countries():
        return code
    if code in _COUNTRY_HINTS:
        meant = _COUNTRY_HINTS[code]
        raise PydanticCustomError("country", f"is not an ISO 3166 country code (ISO gives {meant})")
    raise PydanticCustomError("country", "is not an ISO 3166 country code")


class _Country:
    """Annotation: the country pattern (in Rust), then the ISO 3166 list (in Python: actors are few)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            _check_country, _Checked(_COUNTRY_PATTERN, "country").schema
        )


Country = Annotated[str, _Country()]
Lang = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]


class _Strict(BaseModel):
    """Bundle entities: unknown fields are errors; text fields take strings only, never coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- bundle


Identity = Annotated[str, _Checked(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", "identity")]
"""A dossier's stable identity: a UUID in its canonical lower-case form."""


class DossierInfo(_Strict):
    """The `dossier:` block. `identity` is the dossier's own (written at `dossier init`); an import
    gives it to a dossier that has none of its own yet or holds nothing yet, so export -> import keeps it."""

    identity: Identity | None = None
    title: Text | None = None
    description: OptionalText | None = None


class Source(_Strict):
    slug: Slug
    title: Text
    outlet: OptionalText | None = None
    url: OptionalText | None = None
    published: PartialDate | None = None
    note: OptionalText | None = None


class Alias(_Strict):
    name: Text
    lang: Lang | None = None


class Actor(_Strict):
    slug: Slug
    name: Text
    kind: ActorKind
    role: OptionalText | None = None
    affiliation: Slug | None = None
    country: Country | None = None
    description: OptionalText | None = None
    aliases: tuple[Alias, ...] = ()


class ResponseLink(_Strict):
    """A claim that this measure answers another: who asserts it, not a fact."""

    measure: Slug
    asserted_by: Slug | None = None


class Consequence(_Strict):
    description: Text
    slug: Slug | None = None
    affects: Slug | None = None
    due: PartialDate | None = None
    certainty: Certainty = "stated"


class Measure(_Strict):
    slug: Slug
    title: Text
    kind: MeasureKind
    imposed_by: Slug | None = None
    target: Slug | None = None
    quantity: OptionalText | None = None
    announced: PartialDate | None = None
    effective: PartialDate | None = None
    status: MeasureStatus | None = None
    description: OptionalText | None = None
    source: Slug | None = None
    in_response_to: tuple[ResponseLink, ...] = ()
    consequences: tuple[Consequence, ...] = ()


class StatementAbout(_Strict):
    measure: Slug
    stance: Stance = "comments"


class Statement(_Strict):
    slug: Slug
    speaker: Slug
    text: Text
    kind: StatementKind = "quote"
    speaker_role: OptionalText | None = None
    lang: Lang | None = None
    said: PartialDate | None = None
    via: OptionalText | None = None
    source: Slug | None = None
    about: tuple[StatementAbout, ...] = ()


class Event(_Strict):
    slug: Slug
    title: Text
    date: PartialDate | None = None
    place: OptionalText | None = None
    description: OptionalText | None = None
    source: Slug | None = None
    participants: tuple[Slug, ...] = ()


class Bundle(_Strict):
    """One bundle document: everything is optional so that a bundle can add to a dossier."""

    dossier: DossierInfo | None = None
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...] = ()
    measures: tuple[Measure, ...] = ()
    statements: tuple[Statement, ...] = ()
    events: tuple[Event, ...] = ()


# --------------------------------------------------------------------------- bulk statement rows
# The fast JSON path (`dossier.bundle`) validates the statements of a big bundle
# into plain dicts instead of `Statement` models: no model instance per row, and
# the same dicts feed the reference check and SQLite. They must accept exactly
# what `Statement` accepts (same field types, unknown keys refused); a key left
# out stays out, so `len(row)` is the number of keys the document gave.


@with_config(ConfigDict(extra="forbid"))
class StatementAboutRow(TypedDict):
    """`StatementAbout` as a dict."""

    measure: Slug
    stance: NotRequired[Stance]


@with_config(ConfigDict(extra="forbid"))
class StatementRow(TypedDict):
    """`Statement` as a dict; optional fields are absent when the bundle leaves them out."""

    slug: Slug
    speaker: Slug
    text: Text
    kind: NotRequired[StatementKind]
    speaker_role: NotRequired[OptionalText | None]
    lang: NotRequired[Lang | None]
    said: NotRequired[PartialDate | None]
    via: NotRequired[OptionalText | None]
    source: NotRequired[Slug | None]
    about: NotRequired[list[StatementAboutRow]]


@with_config(ConfigDict(extra="forbid"))
class BundleRows(TypedDict):
    """`Bundle` with its statements as `StatementRow` dicts and every other section as models."""

    dossier: NotRequired[DossierInfo | None]
    sources: NotRequired[tuple[Source, ...]]
    actors: NotRequired[tuple[Actor, ...]]
    measures: NotRequired[tuple[Measure, ...]]
    statements: NotRequired[list[StatementRow]]
    events: NotRequired[tuple[Event, ...]]


# The text fields of statement rows are not checked for NUL here: the fast path
# (`dossier.bundle._read_json_fast`) looks once for the only way JSON can write
# one, the escape `\u0000`, in the bytes, instead of a pattern per field
# (measured ~0.9 s for 1M statements). Lone surrogates never get that far: the
# JSON parser refuses a lone surrogate escape, and raw controls, by itself.
LooseText = Annotated[str, Strict(), StringConstraints(min_length=1)]
"""`Text` whose NUL check is left to the caller."""
LooseOptionalText = Annotated[str, Strict()]
"""`OptionalText` whose NUL check is left to the caller."""


@with_config(ConfigDict(extra="forbid"))
class LooseStatementRow(TypedDict):
    """`StatementRow` with `text`, `speaker_role` and `via` not yet checked for NUL."""

    slug: Slug
    speaker: Slug
    text: LooseText
    kind: NotRequired[StatementKind]
    speaker_role: NotRequired[LooseOptionalText | None]
    lang: NotRequired[Lang | None]
    said: NotRequired[PartialDate | None]
    via: NotRequired[LooseOptionalText | None]
    source: NotRequired[Slug | None]
    about: NotRequired[list[StatementAboutRow]]


@with_config(ConfigDict(extra="forbid"))
class LooseBundleRows(TypedDict):
    """`BundleRows` whose statement rows are `LooseStatementRow`."""

    dossier: NotRequired[DossierInfo | None]
    sources: NotRequired[tuple[Source, ...]]
    actors: NotRequired[tuple[Actor, ...]]
    measures: NotRequired[tuple[Measure, ...]]
    statements: NotRequired[list[LooseStatementRow]]
    events: NotRequired[tuple[Event, ...]]

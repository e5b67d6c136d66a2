"""pydantic models: the bundle a dossier is written in, and the rows the store returns.

Two families live here:

* **Bundle models** (`Source`, `Actor`, `Measure`, `Consequence`, `Statement`,
  `Event`, `Bundle`) mirror the bundle format of DESIGN.md: references are
  slugs, every field is validated strictly (`extra="forbid"`, vocabularies as
  `Literal` types that mirror the `CHECK` constraints in `db/schema.sql`).
* **Store models** (`ActorItem`, `StatementItem`, ...) are what `dossier.store`
  returns to the UI and the CLI: frozen, carrying database ids and the names
  of what they reference, so a widget never needs a second query.

Text is validated once, here: NUL bytes and lone surrogates are refused (SQLite
and the screen cannot hold them safely), and so are integers SQLite cannot store.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, Strict, StringConstraints, with_config
from pydantic_core import core_schema
from typing_extensions import TypedDict

ActorKind = Literal["person", "organization", "state", "media", "group"]
MeasureKind = Literal["expulsion", "visa", "travel-ban", "sanction", "closure", "demand", "other"]
MeasureStatus = Literal["announced", "in-force", "halted", "lifted", "threatened"]
Certainty = Literal["stated", "reported", "conditional"]
StatementKind = Literal["quote", "paraphrase"]
Stance = Literal["announces", "justifies", "condemns", "threatens", "demands", "comments"]

ACTOR_KINDS: tuple[str, ...] = ActorKind.__args__  # type: ignore[attr-defined]
MEASURE_KINDS: tuple[str, ...] = MeasureKind.__args__  # type: ignore[attr-defined]

# Field checks run inside pydantic-core (Rust regular expressions), never as Python
# callbacks: a bundle of a million statements has millions of fields, and a Python
# validator costs ~0.5-2 us each (measured: 25 s of validation for 1M statements
# with callbacks). Each check raises one error type; `dossier.bundle` turns it
# into the precise message ("'2021-13-01' is not a real date").

_SLUG_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
_PLAIN_PATTERN = r"^[^\x00]*$"  # a str with a lone surrogate cannot reach the Rust regex: refused too
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"  # 0001-9999
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    r"(?:0[1-9]|1[0-2])"  # a month alone
    r"|(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8])"
)
_DATE_PATTERN = rf"^(?:{_YEAR}(?:-(?:{_MONTH_DAY}))?|{_LEAP_YEAR}-02-29)$"
"""A real date of the proleptic Gregorian calendar, year 1 to 9999, possibly partial: YYYY, YYYY-MM, YYYY-MM-DD."""
_COUNTRY_PATTERN = r"^[A-Z]{2}$"

DATE_SHAPE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")
"""The shape of a date, real or not: tells "not a real date" from "not an ISO date" in messages."""

ERROR_MESSAGES = {
    "slug": "is not a slug (lower-case letters and digits joined by '-', '_' or '.')",
    "plain_text": "contains a NUL character or a lone surrogate",
    "partial_date": "is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
    "country": "is not an ISO 3166 alpha-2 code (two capital letters)",
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
PartialDate = Annotated[str, _Checked(_DATE_PATTERN, "partial_date")]
Country = Annotated[str, _Checked(_COUNTRY_PATTERN, "country")]
Lang = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]


class _Strict(BaseModel):
    """Bundle entities: unknown fields are errors; text fields take strings only, never coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- bundle


class DossierInfo(_Strict):
    title: Text
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


# The text fields of statement rows are checked for NUL after validation, by the
# fast path's colon count (`dossier.bundle._colons_expected`), which joins them
# anyway: one scan of the joined text instead of a pattern per field (measured
# ~0.9 s for 1M statements). Lone surrogates never get that far: the JSON parser
# refuses a lone surrogate escape, and raw controls, by itself.
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


def consequence_slug(measure_slug: str, position: int) -> str:
    """The slug a consequence gets when the bundle names none: `<measure>-c<n>` (1-based)."""
    return f"{measure_slug}-c{position}"


# --------------------------------------------------------------------------- store rows


class _Row(BaseModel):
    """What the store returns: frozen, no validation beyond construction."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class ActorRef(_Row):
    """Just enough of an actor to show and follow it."""

    id: int
    slug: str
    name: str


class MeasureRef(_Row):
    id: int
    slug: str
    title: str


class ActorItem(_Row):
    id: int
    slug: str
    name: str
    kind: ActorKind
    role: str | None = None
    country: str | None = None


class StatementItem(_Row):
    id: int
    slug: str
    speaker: ActorRef
    text: str
    kind: StatementKind
    said: str | None = None
    via: str | None = None


MeasureRelation = Literal["imposed", "targeted", "mentioned"]


class MeasureItem(_Row):
    id: int
    slug: str
    title: str
    kind: MeasureKind
    imposed_by: ActorRef | None = None
    target: ActorRef | None = None
    quantity: str | None = None
    announced: str | None = None
    status: MeasureStatus | None = None
    relation: MeasureRelation | None = None
    """How the measure involves the actor it was listed for, when listed for one."""


class ConsequenceItem(_Row):
    id: int
    slug: str
    measure: MeasureRef
    description: str
    affects: ActorRef | None = None
    due: str | None = None
    certainty: Certainty


class SourceItem(_Row):
    id: int
    slug: str
    title: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    note: str | None = None


class AliasItem(_Row):
    name: str
    lang: str | None = None


class EventItem(_Row):
    id: int
    slug: str
    title: str
    date: str | None = None
    place: str | None = None
    description: str | None = None
    participants: tuple[ActorRef, ...] = ()


class ActorDetail(_Row):
    actor: ActorItem
    description: str | None = None
    affiliation: ActorRef | None = None
    aliases: tuple[AliasItem, ...] = ()
    members: tuple[ActorRef, ...] = ()
    statement_count: int = 0
    events: tuple[EventItem, ...] = ()


class StanceItem(_Row):
    measure: MeasureRef
    stance: Stance


class StatementDetail(_Row):
    statement: StatementItem
    speaker_role: str | None = None
    lang: str | None = None
    source: SourceItem | None = None
    about: tuple[StanceItem, ...] = ()


class LinkItem(_Row):
    """One response link seen from a measure: the other measure and who asserts the link."""

    measure: MeasureRef
    asserted_by: ActorRef | None = None


class StatementAboutItem(_Row):
    statement: StatementItem
    stance: Stance


class MeasureDetail(_Row):
    measure: MeasureItem
    effective: str | None = None
    description: str | None = None
    source: SourceItem | None = None
    responds_to: tuple[LinkItem, ...] = ()
    answered_by: tuple[LinkItem, ...] = ()
    consequences: tuple[ConsequenceItem, ...] = ()
    statements: tuple[StatementAboutItem, ...] = ()


SearchKind = Literal["actor", "statement", "measure", "consequence", "event"]


class SearchHit(_Row):
    """One full-text match: what it is, how to show it, and which words matched."""

    kind: SearchKind
    id: int
    slug: str
    label: str
    """The actor's name, the measure's or event's title, a statement's speaker, a consequence's measure."""
    snippet: tuple[tuple[str, bool], ...] = ()
    """The matched text around the hit as segments; True marks a matched word."""
    said: str | None = None
    """The date that orders it (said, announced, due, date), when it has one."""


class DossierSummary(_Row):
    title: str
    schema_version: int
    counts: dict[str, int]


# --------------------------------------------------------------------------- chains, timeline, relations

ChainDirection = Literal["root", "answers", "answered-by"]


class ChainStep(_Row):
    """One measure in a response chain, with where it stands relative to the measure asked about.

    `depth` is signed: negative steps are what the root answers (-1 directly,
    -2 what that answers, ...), positive steps answer it, 0 is the root itself.
    """

    measure: MeasureItem
    effective: str | None = None
    direction: ChainDirection
    depth: int
    via: MeasureRef | None = None
    """The neighbour one step nearer the root, through which this step was reached."""
    asserted_by: tuple[ActorRef, ...] = ()
    """Who claims the link between this step and `via` (a claim, not a fact)."""
    unattributed: bool = False
    """True when at least one link between this step and `via` names nobody as its source."""
    consequences: tuple[ConsequenceItem, ...] = ()
    loops_to: tuple[MeasureRef, ...] = ()
    """Measures already on this step's path that it links on to: the cycle the walk stopped at."""
    more: bool = False
    """True when the depth limit stopped the walk here although the chain goes on."""


class Chain(_Row):
    """A measure with what it answers and what answers it, recursively, in ladder order (oldest rung first)."""

    root: MeasureRef
    depth: int
    """The depth limit the chain was walked with, in each direction."""
    steps: tuple[ChainStep, ...]
    truncated: bool = False
    """True when the step limit cut the chain short (the depth limit is reported per step as `more`)."""


TimelineKind = Literal["event", "announced", "statement", "effective", "due"]
TIMELINE_KINDS: tuple[str, ...] = TimelineKind.__args__  # type: ignore[attr-defined]
"""Timeline kinds in the order they sort within one date."""


class TimelineItem(_Row):
    """One dated thing on the timeline: a statement, a measure announced or taking effect, a due date, an event."""

    date: str
    kind: TimelineKind
    entity: SearchKind
    """What Enter opens: `statement`, `measure`, `consequence` or `event`."""
    id: int
    slug: str
    summary: str
    """The statement's text, the measure's title, the consequence's description, the event's title (raw text)."""
    actors: tuple[ActorRef, ...] = ()
    """Speaker; imposer and target; the actor affected; an event's participants (first few, by name)."""
    detail: str | None = None
    """A second line of context: a statement's outlet, a measure's quantity, an event's place (raw text)."""
    measure: MeasureRef | None = None
    """The measure a consequence belongs to."""
    statement_kind: StatementKind | None = None

    @property
    def cursor(self) -> tuple[str, int, int]:
        """The keyset that pages on from just after this item: (date, kind rank, id)."""
        return (self.date, TIMELINE_KINDS.index(self.kind), self.id)


class RelationMeasure(_Row):
    measure: MeasureRef
    quantity: str | None = None
    announced: str | None = None
    consequence_count: int = 0


class RelationSide(_Row):
    """The measures one actor took against another, and what the other side said about them."""

    imposer: ActorRef
    target: ActorRef
    measure_count: int = 0
    measures: tuple[RelationMeasure, ...] = ()
    """The newest few measures, with their quantities."""
    consequence_count: int = 0
    replies_counted: bool = False
    """False when the side was read without its replies (the reply fields are then empty)."""
    reply_count: int = 0
    """Statements by the target's side (the target or anyone affiliated with it) about these measures."""
    reply_capped: bool = False
    """True when `reply_count` stopped counting at its cap."""
    reply_stances: tuple[tuple[str, int], ...] = ()
    """The replies counted by stance, most frequent first."""
    replies: tuple[StatementItem, ...] = ()
    """The newest few replies."""


class Relation(_Row):
    """A pair of actors and the measures each took against the other: the reciprocity of an exchange."""

    first: ActorRef
    second: ActorRef
    forward: RelationSide
    """`first` → `second`."""
    backward: RelationSide
    """`second` → `first` (possibly no measures at all)."""


def is_partial_date(value: str) -> bool:
    """True for an ISO date that may be partial ('2021-12-01', '2021-12', '2021') and is a real date."""
    return "\n" not in value and re.match(_DATE_PATTERN, value) is not None


# --------------------------------------------------------------------------- search pages

SearchOrder = Literal["recent", "rank"]


class SearchPage(_Row):
    """One page of search hits and what the caller needs to know about it (see `Store.search_page`)."""

    hits: tuple[SearchHit, ...] = ()
    complete: bool = True
    """False when the time limit (or the caller) stopped a query: the page may lack hits."""
    ranked: bool = False
    """True when the hits are ordered by relevance among all matches, not only the newest ones."""
    after: tuple[SearchKind, int] | None = None
    """The keyset for the next page in "recent" order (kind and id of the last hit), None at the end."""

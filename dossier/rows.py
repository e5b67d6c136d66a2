"""What the store returns: frozen rows, and the vocabularies shared with the bundle format.

The browser is built from these and nothing heavier: they are named tuples,
so opening a dossier imports neither pydantic nor the bundle models
(`dossier.models`), defining them costs ~3 ms (frozen dataclasses: ~25 ms of
the first screen), and a row costs a tuple. The module has no `from __future__
import annotations`: `typing.NamedTuple` compiles each field's annotation when
it is a string, ~0.8 ms of the first screen for these 28 classes. Build them
with keywords; they compare as the tuples they are, so compare rows of one
kind only.

Their values come from our own database, validated when imported; a file
written by another program may still hold anything, and the store turns stray
values into text rather than raising (`dossier.store.base._text`).

The vocabularies (`ActorKind`, `MeasureKind`, ...) mirror the `CHECK`
constraints in `db/schema.sql`; `dossier.models` validates bundles against
them. `to_json` gives the plain data the command line prints as JSON.
"""

import re
from typing import Any, Literal, NamedTuple

ActorKind = Literal["person", "organization", "state", "media", "group"]
MeasureKind = Literal["expulsion", "visa", "travel-ban", "sanction", "closure", "demand", "other"]
MeasureStatus = Literal["announced", "in-force", "halted", "lifted", "threatened"]
Certainty = Literal["stated", "reported", "conditional"]
StatementKind = Literal["quote", "paraphrase"]
Stance = Literal["announces", "justifies", "condemns", "threatens", "demands", "comments"]

ACTOR_KINDS: tuple[str, ...] = ActorKind.__args__  # type: ignore[attr-defined]
MEASURE_KINDS: tuple[str, ...] = MeasureKind.__args__  # type: ignore[attr-defined]

_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"  # 0001-9999
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    r"(?:0[1-9]|1[0-2])"  # a month alone
    r"|(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8])"
)
DATE_PATTERN = rf"^(?:{_YEAR}(?:-(?:{_MONTH_DAY}))?|{_LEAP_YEAR}-02-29)$"
"""A real date of the proleptic Gregorian calendar, year 1 to 9999, possibly partial: YYYY, YYYY-MM, YYYY-MM-DD."""


# --------------------------------------------------------------------------- store rows


class ActorRef(NamedTuple):
    """Just enough of an actor to show and follow it."""

    id: int
    slug: str
    name: str


class MeasureRef(NamedTuple):
    id: int
    slug: str
    title: str


class ActorItem(NamedTuple):
    id: int
    slug: str
    name: str
    kind: ActorKind
    role: str | None = None
    country: str | None = None


class StatementItem(NamedTuple):
    id: int
    slug: str
    speaker: ActorRef
    text: str
    kind: StatementKind
    said: str | None = None
    via: str | None = None


MeasureRelation = Literal["imposed", "targeted", "mentioned"]


class MeasureItem(NamedTuple):
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


class ConsequenceItem(NamedTuple):
    id: int
    slug: str
    measure: MeasureRef
    description: str
    certainty: Certainty
    affects: ActorRef | None = None
    due: str | None = None


class SourceItem(NamedTuple):
    id: int
    slug: str
    title: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    note: str | None = None


class AliasItem(NamedTuple):
    name: str
    lang: str | None = None


class EventItem(NamedTuple):
    id: int
    slug: str
    title: str
    date: str | None = None
    place: str | None = None
    description: str | None = None
    participants: tuple[ActorRef, ...] = ()


class ActorDetail(NamedTuple):
    actor: ActorItem
    description: str | None = None
    affiliation: ActorRef | None = None
    aliases: tuple[AliasItem, ...] = ()
    members: tuple[ActorRef, ...] = ()
    statement_count: int = 0
    events: tuple[EventItem, ...] = ()


class StanceItem(NamedTuple):
    measure: MeasureRef
    stance: Stance


class StatementDetail(NamedTuple):
    statement: StatementItem
    speaker_role: str | None = None
    lang: str | None = None
    source: SourceItem | None = None
    about: tuple[StanceItem, ...] = ()


class LinkItem(NamedTuple):
    """One response link seen from a measure: the other measure and who asserts the link."""

    measure: MeasureRef
    asserted_by: ActorRef | None = None


class StatementAboutItem(NamedTuple):
    statement: StatementItem
    stance: Stance


class MeasureDetail(NamedTuple):
    measure: MeasureItem
    effective: str | None = None
    description: str | None = None
    source: SourceItem | None = None
    responds_to: tuple[LinkItem, ...] = ()
    answered_by: tuple[LinkItem, ...] = ()
    consequences: tuple[ConsequenceItem, ...] = ()
    statements: tuple[StatementAboutItem, ...] = ()


SearchKind = Literal["actor", "statement", "measure", "consequence", "event"]


class SearchHit(NamedTuple):
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


CompletionKind = Literal["actor", "measure", "source"]
"""What the add-statement form completes (`Store.complete`)."""


class Completion(NamedTuple):
    """One entity offered while a name or slug is typed (`Store.complete`): its slug and what it is called."""

    slug: str
    label: str


class FacetValue(NamedTuple):
    """One value of a facet and how many rows have it (`Store.statement_facets` and the like)."""

    facet: str
    """`kind`, `stance`, `year`, `source`, `country`, `status`."""
    value: str
    """What a filter on it holds (a source's id as text; `undated` for no year, `none` for no country)."""
    label: str
    """How it is shown (a source's title)."""
    rows: int
    """How many rows have it."""


Filters = tuple[tuple[str, str], ...]
"""Active facet filters of one pane, as (facet, value) pairs in the order they were chosen."""


class DossierSummary(NamedTuple):
    title: str
    schema_version: int
    counts: dict[str, int]


# --------------------------------------------------------------------------- chains, timeline, relations

ChainDirection = Literal["root", "answers", "answered-by"]


class ChainStep(NamedTuple):
    """One measure in a response chain, with where it stands relative to the measure asked about.

    `depth` is signed: negative steps are what the root answers (-1 directly,
    -2 what that answers, ...), positive steps answer it, 0 is the root itself.
    """

    measure: MeasureItem
    direction: ChainDirection
    depth: int
    effective: str | None = None
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


class Chain(NamedTuple):
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


class TimelineItem(NamedTuple):
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


class RelationMeasure(NamedTuple):
    measure: MeasureRef
    quantity: str | None = None
    announced: str | None = None
    consequence_count: int = 0


class RelationSide(NamedTuple):
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


class Relation(NamedTuple):
    """A pair of actors and the measures each took against the other: the reciprocity of an exchange."""

    first: ActorRef
    second: ActorRef
    forward: RelationSide
    """`first` → `second`."""
    backward: RelationSide
    """`second` → `first` (possibly no measures at all)."""


def is_partial_date(value: str) -> bool:
    """True for an ISO date that may be partial ('2021-12-01', '2021-12', '2021') and is a real date."""
    return "\n" not in value and re.match(DATE_PATTERN, value) is not None


# --------------------------------------------------------------------------- search pages

SearchOrder = Literal["recent", "rank"]


class SearchPage(NamedTuple):
    """One page of search hits and what the caller needs to know about it (see `Store.search_page`)."""

    hits: tuple[SearchHit, ...] = ()
    complete: bool = True
    """False when the time limit (or the caller) stopped a query: the page may lack hits."""
    ranked: bool = False
    """True when the hits are ordered by relevance among all matches, not only the newest ones."""
    after: tuple[SearchKind, int] | None = None
    """The keyset for the next page in "recent" order (kind and id of the last hit), None at the end."""


class KindHits(NamedTuple):
    """The newest hits of one kind for a first screen (see `Store.search_kinds`)."""

    hits: tuple[SearchHit, ...] = ()
    """The first hits of the kind, newest first: as many as the screen shows."""
    found: int = 0
    """How many hits were found, up to the `limit` asked (the hits shown are the first of them)."""
    complete: bool = True
    """False when the time limit (or the caller) stopped a query of this kind, or a common prefix was
    searched as a whole word: there may be more."""
    counted: bool = True
    """False when the kind has more hits than `found` and how many (up to the `limit`) is not known yet
    (`Store.search_counts` tells)."""


def to_json(row: Any) -> Any:
    """A row (or a list of rows) as plain JSON data: rows become objects, tuples become lists."""
    if isinstance(row, tuple) and hasattr(row, "_fields"):
        return {name: to_json(value) for name, value in zip(row._fields, row, strict=True)}
    if isinstance(row, (tuple, list)):
        return [to_json(item) for item in row]
    if isinstance(row, dict):
        return {key: to_json(value) for key, value in row.items()}
    return row


class EditItem(NamedTuple):
    """One entry of the audit trail (`edits`): an edit, a revert, or an import with its counts."""

    id: int
    at: str
    """When, in UTC: `2026-12-06T05:01:02Z`."""
    origin: str
    """browser, edit, revert or import."""
    action: str
    """add, change, delete or import."""
    kind: str | None
    slug: str | None
    before: str | None
    """The entities as they were, a bundle in JSON (None: they did not exist)."""
    after: str | None
    """The entities as written, a bundle in JSON (None: deleted)."""
    counts: str | None
    """An import's rows inserted and updated per table, in JSON."""
    note: str | None


# --------------------------------------------------------------------------- export rows


def consequence_slug(measure_slug: str, position: int) -> str:
    """The slug a consequence gets when the bundle names none: `<measure>-c<n>` (1-based)."""
    return f"{measure_slug}-c{position}"


# `Store.export_rows` gives each entity as (kind, values) in this order; `dossier.jsonl_write` writes them.

LINE_FIELDS: dict[str, tuple[str, ...]] = {
    "dossier": ("identity", "title", "description"),
    "source": ("slug", "title", "outlet", "url", "published", "note"),
    "actor": ("slug", "name", "kind", "role", "affiliation", "country", "description", "aliases"),
    "measure": (
        "slug",
        "title",
        "kind",
        "imposed_by",
        "target",
        "quantity",
        "announced",
        "effective",
        "status",
        "description",
        "source",
        "in_response_to",
        "consequences",
    ),
    "statement": ("slug", "speaker", "text", "kind", "speaker_role", "lang", "said", "via", "source", "about"),
    "event": ("slug", "title", "date", "place", "description", "source", "participants"),
}
"""The fields of each kind of line, in the order of the bundle models (`dossier.models`)."""

CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "aliases": ("name", "lang"),
    "in_response_to": ("measure", "asserted_by"),
    "consequences": ("description", "slug", "affects", "due", "certainty"),
    "about": ("measure", "stance"),
}
"""The fields of the children held in a line (an event's participants are plain slugs)."""

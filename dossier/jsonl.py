"""JSON Lines bundles: one entity a line, read and written in memory that does not grow with the file. No SQL.

A line is one JSON object with a `type` (`dossier`, `source`, `actor`,
`measure`, `statement`, `event`) and the fields of that entity exactly as in a
YAML or JSON bundle (`dossier.models`), children included: an actor's
`aliases`, a measure's `in_response_to` and `consequences`, a statement's
`about`, an event's `participants`. References are slugs and may point to an
entity on a later line (the importer checks them before its commit).

Reading is line by line with a bounded line length (`MAX_LINE_BYTES`): a
longer line is refused by its number without being held. Lines are validated
in batches: jiter parses a batch (refusing a key given twice), pydantic-core
validates it against the line models in Rust; a batch with any problem is read
again line by line, which gives each problem as `file:line: path: message`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Annotated, Any, Literal, NotRequired, Union

import jiter
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from .errors import Problem
from .models import (
    Actor,
    DossierInfo,
    Event,
    Lang,
    LooseOptionalText,
    LooseText,
    Measure,
    OptionalText,
    PartialDate,
    Slug,
    Source,
    StatementAboutRow,
    Text,
)
from .rows import StatementKind, consequence_slug

SUFFIXES = (".jsonl", ".ndjson")
"""File names that are read as JSON Lines bundles (and written by `export --format jsonl`)."""

TYPES = ("dossier", "source", "actor", "measure", "statement", "event")
"""The `type` of each line, in the order `export` writes them."""

MAX_LINE_BYTES = 8 * 2**20
"""The longest line read (8 MiB): a longer one is refused by its number, never held whole."""

BATCH_LINES = 2000
"""Lines validated together on the fast path."""

MAX_PROBLEMS = 100
"""Problems listed before a refusal stops reading (one more line says how it stopped)."""


def is_jsonl(path: Path | str) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


# --------------------------------------------------------------------------- line models
# The bundle's own models with a `type`: a line is validated by the very same field checks.


class DossierLine(DossierInfo):
    type: Literal["dossier"]


class SourceLine(Source):
    type: Literal["source"]


class ActorLine(Actor):
    type: Literal["actor"]


class MeasureLine(Measure):
    type: Literal["measure"]


class EventLine(Event):
    type: Literal["event"]


@with_config(ConfigDict(extra="forbid"))
class StatementLine(TypedDict):
    """`models.StatementRow` with its `type`: statements stay plain dicts, not models (millions of them)."""

    type: Literal["statement"]
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
class LooseStatementLine(TypedDict):
    """`StatementLine` whose text fields are not checked for NUL (the batch's bytes were, once)."""

    type: Literal["statement"]
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


Entity = DossierInfo | Source | Actor | Measure | Event | dict[str, Any]
"""What a line becomes: a model, or a dict for a statement."""

_BATCH: TypeAdapter[list[Any]] = TypeAdapter(
    list[
        Annotated[
            Union[DossierLine, SourceLine, ActorLine, MeasureLine, LooseStatementLine, EventLine],  # noqa: UP007
            Field(discriminator="type"),
        ]
    ],
    config=ConfigDict(cache_strings="keys"),  # texts are seldom repeated: caching them costs more than it saves
)
_ONE: dict[str, TypeAdapter[Any]] = {
    "dossier": TypeAdapter(DossierLine),
    "source": TypeAdapter(SourceLine),
    "actor": TypeAdapter(ActorLine),
    "measure": TypeAdapter(MeasureLine),
    "statement": TypeAdapter(StatementLine),
    "event": TypeAdapter(EventLine),
}


KIND_OF_MODEL: dict[type[Any], str] = {
    DossierInfo: "dossier",
    DossierLine: "dossier",
    Source: "source",
    SourceLine: "source",
    Actor: "actor",
    ActorLine: "actor",
    Measure: "measure",
    MeasureLine: "measure",
    Event: "event",
    EventLine: "event",
}
"""The kind of each entity model, a bundle's or a line's (a statement is a dict)."""


# --------------------------------------------------------------------------- checks within one entity


def entity_problems(kind: str, entity: Entity) -> list[tuple[str, str]]:
    """(path, message) of what one entity gets wrong by itself, beyond its fields (as `bundle` checks)."""
    found: list[tuple[str, str]] = []
    if kind == "statement":
        assert isinstance(entity, dict)
        about = entity.get("about")
        if about and len(about) > 1:
            seen: set[str] = set()
            for j, a in enumerate(about):
                if a["measure"] in seen:
                    found.append((f"about.{j}.measure", f"measure {a['measure']!r} is named twice"))
                seen.add(a["measure"])
    elif kind == "actor":
        assert isinstance(entity, Actor)
        if entity.affiliation is not None and entity.affiliation == entity.slug:
            found.append(("affiliation", "an actor cannot be its own affiliation"))
        names: set[str] = set()
        for j, alias in enumerate(entity.aliases):
            if alias.name in names:
                found.append((f"aliases.{j}.name", f"duplicate alias {alias.name!r}"))
            names.add(alias.name)
    elif kind == "measure":
        assert isinstance(entity, Measure)
        links: set[tuple[str, str | None]] = set()
        for j, link in enumerate(entity.in_response_to):
            if link.measure == entity.slug:
                found.append((f"in_response_to.{j}.measure", "a measure cannot respond to itself"))
            if (link.measure, link.asserted_by) in links:
                found.append((f"in_response_to.{j}.measure", "the same link is given twice"))
            links.add((link.measure, link.asserted_by))
    elif kind == "event" and isinstance(entity, Event) and len(set(entity.participants)) != len(entity.participants):
        found.append(("participants", "a participant is named twice"))
    return found


# --------------------------------------------------------------------------- reading


@dataclass
class Batch:
    """Consecutive entities of one file with the line each came from."""

    file: str
    lines: list[int]
    entities: list[Entity]


class LineReader:
    """The validated entities of one JSON Lines file, batch by batch; problems are collected, not raised.

    After a problem the reader goes on validating (so that one refusal lists
    the problems of the whole file, up to `MAX_PROBLEMS`) but yields nothing more.
    """

    def __init__(self, handle: IO[bytes], file: str, problems: list[Problem]) -> None:
        self.handle, self.file, self.problems = handle, file, problems

    def batches(self) -> Iterator[Batch]:
        numbers: list[int] = []
        raw: list[bytes] = []
        line = 0
        readline = self.handle.readline
        while True:
            data = readline(MAX_LINE_BYTES + 1)
            if not data:
                break
            line += 1
            if line == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
                self._skip_rest()
                self._problem(
                    line, "", f"the line is longer than {MAX_LINE_BYTES // 2**20} MiB, the most a line may be"
                )
                continue
            if not data.endswith(b"\n"):
                self._problem(
                    line,
                    "",
                    "the last line does not end with a line break, so the file may be cut short"
                    " (if it is whole, add one)",
                )
                continue
            if not data.strip():
                continue
            numbers.append(line)
            raw.append(data)
            if len(raw) >= BATCH_LINES:
                yield from self._batch(numbers, raw)
                numbers, raw = [], []
            if len(self.problems) >= MAX_PROBLEMS:
                self.problems.append(Problem(self.file, None, "", f"stopped reading after {MAX_PROBLEMS} problems"))
                return
        if raw:
            yield from self._batch(numbers, raw)

    def _skip_rest(self) -> None:
        while True:
            chunk = self.handle.readline(MAX_LINE_BYTES)
            if not chunk or chunk.endswith(b"\n"):
                return

    def _problem(self, line: int, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, path, message))

    def _batch(self, numbers: list[int], raw: list[bytes]) -> Iterator[Batch]:
        # The checks within an entity (`entity_problems`) are the writer's, which walks each entity anyway.
        entities = _fast(raw)
        if entities is None:
            entities = []
            kept: list[int] = []
            for number, data in zip(numbers, raw, strict=True):
                entity = self._careful(number, data)
                if entity is not None:
                    kept.append(number)
                    entities.append(entity)
            numbers = kept
        if not self.problems:
            yield Batch(self.file, numbers, entities)

    def _careful(self, line: int, data: bytes) -> Entity | None:
        """One line, every problem with its path: the messages of a YAML or JSON bundle."""
        from .bundle import _message, dotted

        if b"\x00" in data:
            self._problem(line, "", "contains a NUL character")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._problem(line, "", f"not UTF-8 text (byte 0x{data[exc.start]:02x} at column {exc.start + 1})")
            return None
        try:
            value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            self._problem(line, "", f"not valid JSON: {exc.msg} (column {exc.colno})")
            return None
        except _DuplicateKey as exc:
            self._problem(line, "", f"the key {str(exc)!r} is given twice")
            return None
        except (RecursionError, ValueError) as exc:
            self._problem(line, "", f"not valid JSON: {exc if not isinstance(exc, RecursionError) else 'too deep'}")
            return None
        if not isinstance(value, dict):
            self._problem(line, "", 'a line must be one JSON object with a "type"')
            return None
        kind = value.get("type")
        if kind is None:
            self._problem(line, "type", "required field is missing")
            return None
        if kind not in _ONE:
            shown = repr(kind[:40]) if isinstance(kind, str) else "not a string"
            self._problem(line, "type", f"unknown type {shown} (one of {', '.join(TYPES)})")
            return None
        try:
            entity: Entity = _ONE[kind].validate_python(value)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                self._problem(line, dotted(error["loc"]), _message(error))
            return None
        found = entity_problems(kind, entity)
        for path, message in found:
            self._problem(line, path, message)
        return None if found else entity


def _fast(raw: list[bytes]) -> list[Entity] | None:
    """The batch validated at once, or None if any line needs the careful path to say what is wrong.

    pydantic-core parses and validates the batch in one call (no Python object
    per JSON value before validation: measured ~1.6x faster than jiter then
    `validate_python`). It keeps the last of two equal keys, so duplicates are
    ruled out another way: every key is followed by `":`, so a batch of
    statements with as many `":` as keys in its validated dicts gave no key
    twice; anything else (text holding `":`, a space before a colon, other
    entities) is parsed once more by jiter, which refuses a key given twice.
    """
    joined = b",".join(raw)
    # JSON holds a NUL only as `\u0000` (or raw, which is not JSON): the loose text fields leave it to this.
    if b"\\u0000" in joined or b"\x00" in joined:
        return None
    body = b"[" + joined + b"]"
    try:
        entities = _BATCH.validate_json(body)
    except ValidationError:
        return None
    # A line holding two objects (`{...}, {...}`) would shift every line after it.
    if len(entities) != len(raw):
        return None
    if set(map(type, entities)) == {dict} and not _SPACE_BEFORE_COLON.search(joined):
        keys = sum(map(len, entities)) + sum(len(a) for e in entities if "about" in e for a in e["about"])
        if joined.count(b'":') == keys:
            return entities
    try:
        jiter.from_json(body, catch_duplicate_keys=True, cache_mode="keys")
    except ValueError:
        return None
    return entities


_SPACE_BEFORE_COLON = re.compile(rb'"[ \t\r]+:')


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def find_definition(path: Path, kind: str, slug: str, before: int | None = None) -> int | None:
    """The first line of `path` (before line `before`) that defines `slug` as a `kind`: for a duplicate's message.

    Only a refusal pays for it: no map of every slug to its line is kept while importing.
    """
    needle = json.dumps(slug).encode("utf-8")
    with path.open("rb") as handle:
        line = 0
        while True:
            data = handle.readline(MAX_LINE_BYTES + 1)
            if not data:
                return None
            line += 1
            if before is not None and line >= before:
                return None
            if needle not in data and not (kind == "consequence" and b'"measure"' in data):
                continue
            try:
                value = json.loads(data)
            except ValueError:
                continue
            if isinstance(value, dict) and value.get("type") == kind and value.get("slug") == slug:
                return line
            if kind == "consequence" and isinstance(value, dict) and value.get("type") == "measure":
                for n, c in enumerate(value.get("consequences") or (), 1):
                    if isinstance(c, dict) and (c.get("slug") or consequence_slug(str(value.get("slug")), n)) == slug:
                        return line


# --------------------------------------------------------------------------- writing

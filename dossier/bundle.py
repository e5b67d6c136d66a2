"""Read, validate and write bundles (YAML or JSON). No UI, no SQL.

A bundle is plain data: mappings, sequences and strings. The YAML reader
therefore resolves no implicit types at all: `2021-12-01`, `NO`, `yes` and
`012` stay the strings they look like, and only a plain `~`, `null` or an
empty value is null. Anchors and aliases, explicit tags and duplicate keys
are refused, which also refuses "billion laughs" alias bombs at once.

Every problem is reported as `file:line: path.to.field: message`; the line is
looked up from the parsed document, for JSON as well as YAML.
"""

from __future__ import annotations

import codecs
import gc
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, compress
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path
from typing import Any

import jiter
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from .errors import BundleError as BundleError  # re-exported: the reader is where callers look for it
from .errors import Problem as Problem
from .jsonl_write import escaped  # one set of escapes for every bundle writer
from .models import (
    DATE_SHAPE,
    ERROR_MESSAGES,
    Bundle,
    BundleRows,
    LooseBundleRows,
    Measure,
    Statement,
    StatementRow,
)
from .rows import consequence_slug

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_PLAIN_TAGS = frozenset(
    {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:null"}
)
MAX_BUNDLE_BYTES = 2 * 1024**3
"""A bundle larger than this is refused before it is read."""

Path_ = tuple[str | int, ...]


class LoadedBundle:
    """A validated bundle with the file it came from and where each field stands in it.

    A big JSON bundle read by the fast path holds its statements as plain dicts
    (`statement_rows`, see `models.StatementRow`) and the rest as models
    (`head`); `bundle` builds the `Statement` models only when something asks
    for them. The importer and the reference check use the rows directly.
    """

    def __init__(
        self,
        file: str,
        bundle: Bundle,
        lines: dict[Path_, int] | None = None,
        text: str | None = None,
        raw: bytes | None = None,
        statement_rows: list[StatementRow] | None = None,
    ) -> None:
        self.file = file
        self.head = bundle
        """The bundle; without its statements when `statement_rows` holds them."""
        self.lines: dict[Path_, int] = lines if lines is not None else {}
        self.text = text
        """The decoded document, kept so that lines can be found lazily for JSON."""
        self.raw = raw
        """The undecoded document (the fast JSON path), decoded only if a line is ever asked for."""
        self.statement_rows = statement_rows
        self._released = False
        self.notes: list[str] = []
        """What was left out of the file, one line each (FtM entities a dossier has no place for)."""

    def release_rows(self) -> list[StatementRow] | None:
        """Hand over the statement rows (the importer frees them once written); `bundle` rebuilds them if asked."""
        rows, self.statement_rows = self.statement_rows, None
        self._released = rows is not None
        return rows

    def __repr__(self) -> str:
        return f"LoadedBundle(file={self.file!r})"

    @property
    def bundle(self) -> Bundle:
        """The whole bundle as models (built from the document on first use when rows hold the statements)."""
        if self.statement_rows is not None or self._released:
            if self.raw is not None:
                body = self.raw[len(codecs.BOM_UTF8) :] if self.raw.startswith(codecs.BOM_UTF8) else self.raw
                self.head = Bundle.model_validate_json(body)
            else:
                statements = _STATEMENT_MODELS.validate_python(self.statement_rows or [])
                self.head = self.head.model_copy(update={"statements": statements})
            self.statement_rows, self._released = None, False
        return self.head

    @bundle.setter
    def bundle(self, value: Bundle) -> None:
        self.head, self.statement_rows, self._released = value, None, False

    def line_of(self, path: Path_) -> int | None:
        if not self.lines and self.text is None and self.raw is not None:
            self.text = self.raw.decode("utf-8-sig", "replace")
        if not self.lines and self.text is not None:
            self.lines = _lines_of(self.text)
        return _nearest_line(self.lines, path)


_STATEMENT_MODELS: TypeAdapter[tuple[Statement, ...]] = TypeAdapter(tuple[Statement, ...])


def dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in path)


def _nearest_line(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of `path`, or of its nearest ancestor that the document has."""
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


# --------------------------------------------------------------------------- reading


_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        for bom, name in _OTHER_BOMS:
            if raw.startswith(bom):
                raise BundleError([Problem(file, None, "", f"is {name} text; save it as UTF-8")]) from None
        line = raw[: exc.start].count(b"\n") + 1
        if exc.end == len(raw) and exc.reason == "unexpected end of data":
            reason = "ends in the middle of a UTF-8 character: the file looks truncated"
        else:
            reason = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        raise BundleError([Problem(file, line, "", reason)]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BundleError([Problem(file, line, "", "contains a NUL character")])
    return text


def _compose(text: str, file: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.CBaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise BundleError([Problem(file, line, "", f"not valid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise BundleError([Problem(file, None, "", f"not valid YAML: {exc}")]) from None


def _plain(node: yaml.Node, file: str, lines: dict[Path_, int]) -> Any:
    """Turn a composed node tree into plain data, recording the line of every path.

    Iterative, so a deeply nested document cannot exhaust the Python stack.
    """
    seen: set[int] = set()
    problems: list[Problem] = []
    root: list[Any] = [None]
    # (node, container, key, path)
    stack: list[tuple[yaml.Node, Any, Any, Path_]] = [(node, root, 0, ())]
    while stack:
        current, parent, key, path = stack.pop()
        line = current.start_mark.line + 1
        lines.setdefault(path, line)
        if id(current) in seen:
            problems.append(Problem(file, line, dotted(path), "anchors and aliases are not allowed"))
            break
        seen.add(id(current))
        if current.tag not in _PLAIN_TAGS:
            problems.append(Problem(file, line, dotted(path), f"tag {current.tag!r} is not allowed"))
            continue
        if isinstance(current, yaml.ScalarNode):
            value = current.value
            # Plain style is None from the Python loader but '' from libyaml's.
            parent[key] = None if not current.style and value in _NULLS else value
        elif isinstance(current, yaml.SequenceNode):
            items: list[Any] = [None] * len(current.value)
            parent[key] = items
            for index, child in reversed(list(enumerate(current.value))):
                stack.append((child, items, index, (*path, index)))
        elif isinstance(current, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            parent[key] = mapping
            pending: list[tuple[yaml.Node, Any, Any, Path_]] = []
            for key_node, value_node in current.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                    problems.append(
                        Problem(file, key_node.start_mark.line + 1, dotted(path), "a key must be a plain string")
                    )
                    continue
                name = key_node.value
                if name in mapping:
                    problems.append(Problem(file, key_node.start_mark.line + 1, dotted((*path, name)), "duplicate key"))
                    continue
                mapping[name] = None
                lines[(*path, name)] = key_node.start_mark.line + 1
                pending.append((value_node, mapping, name, (*path, name)))
            stack.extend(reversed(pending))
    if problems:
        raise BundleError(problems)
    return root[0]


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
"""A JSON escape of a UTF-16 surrogate: paired it is one character, alone it is refused."""


def _refuse_lone_surrogates(data: Any, file: str, text: str) -> None:
    """JSON's `\\ud800` escapes decode to lone surrogates, which no file or terminal can hold."""
    problems: list[Problem] = []
    lines: dict[Path_, int] | None = None
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        children: Iterable[tuple[Any, Any]] = ()
        if isinstance(value, dict):
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        elif isinstance(value, str) and _has_lone_surrogate(value):
            if lines is None:
                lines = _lines_of(text)
            position = next(i for i, char in enumerate(value) if "\ud800" <= char <= "\udfff")
            message = f"contains a lone surrogate at position {position}"
            problems.append(Problem(file, _nearest_line(lines, path), dotted(path), message))
        for key, child in children:
            if isinstance(key, str) and _has_lone_surrogate(key):
                if lines is None:
                    lines = _lines_of(text)
                problems.append(
                    Problem(file, _nearest_line(lines, path), dotted(path), "a key contains a lone surrogate")
                )
                continue
            stack.append((child, (*path, key)))
    if problems:
        raise BundleError(sorted(problems, key=lambda p: p.line or 0))


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _lines_of(text: str) -> dict[Path_, int]:
    """Lines of every path in a JSON or YAML document, or nothing if it cannot be composed."""
    lines: dict[Path_, int] = {}
    # YAML refuses surrogate escapes that JSON allows; lines do not depend on the values.
    text = _SURROGATE_ESCAPE.sub(r"\\ufffd", text)
    try:
        node = yaml.compose(text, Loader=yaml.CBaseLoader)
        if node is not None:
            _plain(node, "", lines)
    except (yaml.YAMLError, BundleError):
        return {}
    return lines


class _DuplicateKey(ValueError):
    """A JSON object gave a key twice (`_duplicate_keys` says where)."""


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey()
    return result


_JITER_LINE = re.compile(r" at line (\d+) column \d+$")


def _duplicate_keys(text: str, file: str) -> list[Problem]:
    """Every key a JSON document gives twice, as `file:line: path: duplicate key`.

    JSON's `json.loads` and jiter both say that a key is given twice, neither
    says on which path; the YAML composer, which reads JSON too, gives each key
    its line and path (`_plain`), as for a YAML bundle. Where it reads the
    document otherwise (a tab before it, a key of more than 1,024 characters),
    jiter still gives the line.
    """
    try:
        node = yaml.compose(_SURROGATE_ESCAPE.sub(r"\\ufffd", text), Loader=yaml.CBaseLoader)
        if node is not None:
            _plain(node, file, {})
    except BundleError as exc:
        found = [problem for problem in exc.problems if problem.message == "duplicate key"]
        if found:
            return found
    except yaml.YAMLError:
        pass
    line = None
    try:
        jiter.from_json(text.encode("utf-8"), catch_duplicate_keys=True)
    except ValueError as exc:
        where = _JITER_LINE.search(str(exc))
        line = int(where.group(1)) if where else None
    return [Problem(file, line, "", "duplicate key")]


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_text(text: str, file: str, fmt: str) -> tuple[Any, dict[Path_, int]]:
    """Parse a decoded document into plain data; YAML also yields the line map."""
    if fmt == "json":
        try:
            data = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_json_constant)
        except json.JSONDecodeError as exc:
            raise BundleError([Problem(file, exc.lineno, "", f"not valid JSON: {exc.msg}")]) from None
        except _DuplicateKey:
            raise BundleError(_duplicate_keys(text, file)) from None
        except RecursionError:
            raise BundleError([Problem(file, None, "", "not valid JSON: nested too deeply")]) from None
        except ValueError as exc:
            raise BundleError([Problem(file, None, "", f"not valid JSON: {exc}")]) from None
        if _SURROGATE_ESCAPE.search(text):
            _refuse_lone_surrogates(data, file, text)
        return data, {}
    lines: dict[Path_, int] = {}
    node = _compose(text, file)
    if node is None:
        return None, lines
    return _plain(node, file, lines), lines


def guess_format(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "yaml"


def _message(error: ErrorDetails) -> str:
    """The one-line message for a field error, naming the bad value where that helps."""
    kind, message, value = error["type"], error["msg"], error["input"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in ERROR_MESSAGES and not isinstance(value, str):
        return "Input should be a valid string"
    if kind in ("plain_text", "string_unicode") and isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        position = next(i for i, char in enumerate(value) if "\ud800" <= char <= "\udfff")
        return f"contains a lone surrogate at position {position}"
    if kind == "partial_date":
        if DATE_SHAPE.match(value):
            return f"{value!r} is not a real date"
        return f"{value[:40]!r} {message}"
    if kind == "slug":
        return f"{value[:60]!r} {message}"
    if kind in ("country", "identity"):
        return f"{value[:10]!r} {message}"
    if message.startswith("Value error, "):
        return message[len("Value error, ") :]
    return message


def _pydantic_problems(exc: ValidationError, loaded: LoadedBundle) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc: Path_ = tuple(error["loc"])
        yield Problem(loaded.file, loaded.line_of(loc), dotted(loc), _message(error))


def validate_data(data: Any, file: str, lines: dict[Path_, int], text: str | None = None) -> LoadedBundle:
    """Validate parsed data as a bundle (field by field; references are checked later)."""
    if data is None:
        raise BundleError([Problem(file, 1, "", "the bundle is empty")])
    if not isinstance(data, dict):
        raise BundleError([Problem(file, 1, "", "a bundle must be a mapping of sections (actors, measures, ...)")])
    loaded = LoadedBundle(file=file, bundle=Bundle.model_construct(), lines=lines, text=text)
    try:
        loaded.bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        raise BundleError(_pydantic_problems(exc, loaded)) from None
    return loaded


def read_bundle(path: Path | str, display: str | None = None) -> LoadedBundle:
    """Read one bundle file (YAML or JSON by its suffix) and validate its fields."""
    path = Path(path)
    file = display or str(path)
    try:
        if path.is_dir():
            raise BundleError([Problem(file, None, "", "is a directory, not a bundle file")])
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError([Problem(file, None, "", f"is {size} bytes, more than a bundle may be")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BundleError([Problem(file, None, "", "no such file")]) from None
    except OSError as exc:
        raise BundleError([Problem(file, None, "", f"cannot be read: {exc.strerror or exc}")]) from None
    if _is_ftm(raw):
        return _read_ftm(raw, file)
    return read_bundle_bytes(raw, file, guess_format(path))


def _is_ftm(raw: bytes) -> bool:
    """FollowTheMoney JSON lines: a first line under 1 MiB that is an entity (`dossier.ftm.looks_like_ftm`)."""
    first = raw[: 1 << 20].lstrip()
    if not first.startswith(b"{") or b'"schema"' not in first.split(b"\n", 1)[0]:
        return False
    from .ftm import looks_like_ftm

    return looks_like_ftm(first)


def _read_ftm(raw: bytes, file: str) -> LoadedBundle:
    from . import ftm

    if not ftm.available():
        raise BundleError([Problem(file, None, "", ftm.MISSING)])
    found = ftm.read_entities(raw, file)
    loaded = validate_data(found.data, file, found.lines)
    loaded.notes = found.skipped
    return loaded


def read_bundle_bytes(raw: bytes, file: str, fmt: str) -> LoadedBundle:
    if fmt == "json":
        fast = _read_json_fast(raw, file)
        if fast is not None:
            return fast
    text = _decode(raw, file)
    if fmt != "json" and text.strip() and not text.endswith(("\n", "\r")):
        # A YAML file cut short is usually still valid YAML, and importing it would
        # replace an entity's children with fewer. Every editor and `export` end a
        # file with a line break; a missing one is the mark of an interrupted copy.
        line = text.count("\n") + 1
        raise BundleError(
            [
                Problem(
                    file, line, "", "does not end with a line break, so it may be cut short (if it is whole, add one)"
                )
            ]
        )
    data, lines = parse_text(text, file, fmt)
    return validate_data(data, file, lines, text if fmt == "json" else None)


# --------------------------------------------------------------------------- the fast JSON path
# A JSON bundle is first parsed by jiter (the Rust parser pydantic-core is built
# on), which refuses a key given twice wherever it stands and however it is
# written (`"a\u0062"` is `"ab"`), then validated by pydantic-core (field checks
# in Rust). Measured on a million statements: 5.6-7.2 s and a 1.38 GiB peak,
# against 6.7-7.3 s and 1.64 GiB for validating the bytes directly and then
# counting colons to find duplicate keys (which an escaped colon could fool).
# Anything refused here goes to the careful path above, which finds every
# problem with its line, so the messages are the same. Statements become dicts,
# not models (`models.StatementRow`): 17.4 s instead of 24.4 s for `dossier
# import` of a million statements, 1.6 GiB instead of 2.5 GiB.


_BUNDLE_ROWS: TypeAdapter[LooseBundleRows] = TypeAdapter(LooseBundleRows)


def _read_json_fast(raw: bytes, file: str) -> LoadedBundle | None:
    """The validated bundle, or None if the careful path must decide (and explain).

    The statements are validated into dicts (`models.StatementRow`), not
    models: measured ~0.6 s less to validate a million statements, and the
    same dicts then serve the reference check and the insert.
    """
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    # JSON can hold a NUL only as the escape `\u0000` (a raw control character is not
    # JSON); the statements' text fields are not checked for it (`models.LooseText`).
    if b"\\u0000" in body:
        return None
    try:
        parsed = jiter.from_json(body, catch_duplicate_keys=True, allow_inf_nan=False)
    except ValueError:  # not JSON, or a key given twice
        return None
    try:
        data: BundleRows = _BUNDLE_ROWS.validate_python(parsed)
    except ValidationError:
        return None
    del parsed
    head = Bundle.model_construct(
        dossier=data.get("dossier"),
        sources=data.get("sources", ()),
        actors=data.get("actors", ()),
        measures=data.get("measures", ()),
        events=data.get("events", ()),
    )
    return LoadedBundle(file=file, bundle=head, raw=raw, statement_rows=data.get("statements"))


# --------------------------------------------------------------------------- references


_SECTIONS = ("sources", "actors", "measures", "statements", "events")

# Getters for the bulk of a big bundle: its statements are walked by C loops (map, set), not one by one.
_SLUG_OF = attrgetter("slug")
_SPEAKER = attrgetter("speaker")
_SOURCE = attrgetter("source")
_ABOUT = attrgetter("about")
_MEASURE = attrgetter("measure")
_SLUG_KEY = itemgetter("slug")
_SPEAKER_KEY = itemgetter("speaker")
_GET_SOURCE = methodcaller("get", "source")
_GET_ABOUT = methodcaller("get", "about")
_MEASURE_KEY = itemgetter("measure")


def check_references(loaded: list[LoadedBundle], known: dict[str, set[str]] | None = None) -> list[Problem]:
    """Every slug unique within its section across all bundles; every reference resolves.

    `known` holds slugs already in the database, per section, which references
    may also name (a bundle may add to a dossier).
    """
    known = known or {}
    if _references_hold(loaded, known):
        return []
    return _reference_problems(loaded, known)


def _references_hold(loaded: list[LoadedBundle], known: dict[str, set[str]]) -> bool:
    """The same rules as `_reference_problems`, only answering yes or no: ~0.5 us a statement.

    A bundle of a million statements is checked in a second this way; only a
    bundle with a problem pays for the paths and lines of the full report.
    """
    defined: dict[str, set[str]] = {section: set() for section in (*_SECTIONS, "consequences")}
    for item in loaded:
        b = item.head
        for section in _SECTIONS:
            entities = getattr(b, section)
            slugs = defined[section]
            before = len(slugs)
            slugs.update(map(_SLUG_OF, entities))
            if len(slugs) - before != len(entities):
                return False
        if item.statement_rows is not None:
            slugs = defined["statements"]
            before = len(slugs)
            slugs.update(map(_SLUG_KEY, item.statement_rows))
            if len(slugs) - before != len(item.statement_rows):
                return False
        slugs = defined["consequences"]
        for measure in b.measures:
            before = len(slugs)
            slugs.update(c.slug or consequence_slug(measure.slug, n) for n, c in enumerate(measure.consequences, 1))
            if len(slugs) - before != len(measure.consequences):
                return False
    # None stands for an optional reference that was left out.
    actors: set[str | None] = {None, *defined["actors"], *known.get("actors", ())}
    sources: set[str | None] = {None, *defined["sources"], *known.get("sources", ())}
    measures: set[str | None] = {*defined["measures"], *known.get("measures", ())}
    for item in loaded:
        b = item.head
        for actor in b.actors:
            if actor.affiliation not in actors or actor.affiliation == actor.slug:
                return False
            if len({alias.name for alias in actor.aliases}) != len(actor.aliases):
                return False
        for m in b.measures:
            if m.imposed_by not in actors or m.target not in actors or m.source not in sources:
                return False
            pairs = {(link.measure, link.asserted_by) for link in m.in_response_to}
            if len(pairs) != len(m.in_response_to):
                return False
            for link in m.in_response_to:
                if link.measure not in measures or link.asserted_by not in actors or link.measure == m.slug:
                    return False
            if any(c.affects not in actors for c in m.consequences):
                return False
        # The statements, by C loops over attribute getters: a million in a fraction of a second.
        if not set(map(_SPEAKER, b.statements)) <= actors or not set(map(_SOURCE, b.statements)) <= sources:
            return False
        for about in filter(None, map(_ABOUT, b.statements)):
            named = set(map(_MEASURE, about))
            if len(named) != len(about) or not named <= measures:
                return False
        rows = item.statement_rows or []
        if not set(map(_SPEAKER_KEY, rows)) <= actors or not set(map(_GET_SOURCE, rows)) <= sources:
            return False
        abouts = list(filter(None, map(_GET_ABOUT, rows)))
        if not set(map(_MEASURE_KEY, chain.from_iterable(abouts))) <= measures:
            return False
        # A measure named twice needs two: only the lists longer than one are looked at.
        for about_rows in compress(abouts, map((1).__lt__, map(len, abouts))):
            if len(set(map(_MEASURE_KEY, about_rows))) != len(about_rows):
                return False
        for event in b.events:
            if event.source not in sources or len(set(event.participants)) != len(event.participants):
                return False
            if any(p not in actors for p in event.participants):
                return False
    return True


def _reference_problems(loaded: list[LoadedBundle], known: dict[str, set[str]]) -> list[Problem]:
    """Every reference problem of the bundles, each with its file, line and path."""
    problems: list[Problem] = []
    defined: dict[str, dict[str, tuple[LoadedBundle, Path_]]] = {s: {} for s in (*_SECTIONS, "consequences")}

    def define(section: str, slug: str, item: LoadedBundle, path: Path_) -> None:
        if slug in defined[section]:
            other, other_path = defined[section][slug]
            first = f"{other.file}:{other.line_of(other_path) or '?'}"
            problems.append(
                Problem(item.file, item.line_of(path), dotted(path), f"duplicate slug {slug!r} (first at {first})")
            )
        else:
            defined[section][slug] = (item, path)

    for item in loaded:
        b = item.bundle
        for section in _SECTIONS:
            for index, entity in enumerate(getattr(b, section)):
                define(section, entity.slug, item, (section, index, "slug"))
        for m_index, measure in enumerate(b.measures):
            for c_index, consequence in enumerate(measure.consequences):
                slug = consequence.slug or consequence_slug(measure.slug, c_index + 1)
                path: Path_ = (
                    "measures",
                    m_index,
                    "consequences",
                    c_index,
                    "slug" if consequence.slug else "description",
                )
                define("consequences", slug, item, path)

    def exists(section: str, slug: str | None) -> bool:
        return slug is None or slug in defined[section] or slug in known.get(section, set())

    def need(section: str, slug: str | None, item: LoadedBundle, path: Path_) -> None:
        if not exists(section, slug):
            noun = section[:-1]
            problems.append(Problem(item.file, item.line_of(path), dotted(path), f"unknown {noun} {slug!r}"))

    for item in loaded:
        b = item.bundle
        for i, actor in enumerate(b.actors):
            need("actors", actor.affiliation, item, ("actors", i, "affiliation"))
            if actor.affiliation == actor.slug:
                problems.append(
                    Problem(
                        item.file,
                        item.line_of(("actors", i, "affiliation")),
                        f"actors.{i}.affiliation",
                        "an actor cannot be its own affiliation",
                    )
                )
            names = [alias.name for alias in actor.aliases]
            for j, name in enumerate(names):
                if name in names[:j]:
                    path = ("actors", i, "aliases", j, "name")
                    problems.append(Problem(item.file, item.line_of(path), dotted(path), f"duplicate alias {name!r}"))
        for i, measure in enumerate(b.measures):
            _check_measure(measure, i, item, need, problems)
        for i, statement in enumerate(b.statements):
            need("actors", statement.speaker, item, ("statements", i, "speaker"))
            need("sources", statement.source, item, ("statements", i, "source"))
            seen: set[str] = set()
            for j, about in enumerate(statement.about):
                path = ("statements", i, "about", j, "measure")
                need("measures", about.measure, item, path)
                if about.measure in seen:
                    problems.append(
                        Problem(
                            item.file, item.line_of(path), dotted(path), f"measure {about.measure!r} is named twice"
                        )
                    )
                seen.add(about.measure)
        for i, event in enumerate(b.events):
            need("sources", event.source, item, ("events", i, "source"))
            for j, participant in enumerate(event.participants):
                need("actors", participant, item, ("events", i, "participants", j))
            if len(set(event.participants)) != len(event.participants):
                path = ("events", i, "participants")
                problems.append(Problem(item.file, item.line_of(path), dotted(path), "a participant is named twice"))
    return problems


def _check_measure(measure: Measure, i: int, item: LoadedBundle, need: Any, problems: list[Problem]) -> None:
    need("actors", measure.imposed_by, item, ("measures", i, "imposed_by"))
    need("actors", measure.target, item, ("measures", i, "target"))
    need("sources", measure.source, item, ("measures", i, "source"))
    links: set[tuple[str, str | None]] = set()
    for j, link in enumerate(measure.in_response_to):
        path: Path_ = ("measures", i, "in_response_to", j, "measure")
        need("measures", link.measure, item, path)
        need("actors", link.asserted_by, item, ("measures", i, "in_response_to", j, "asserted_by"))
        if link.measure == measure.slug:
            problems.append(Problem(item.file, item.line_of(path), dotted(path), "a measure cannot respond to itself"))
        if (link.measure, link.asserted_by) in links:
            problems.append(Problem(item.file, item.line_of(path), dotted(path), "the same link is given twice"))
        links.add((link.measure, link.asserted_by))
    for j, consequence in enumerate(measure.consequences):
        need("actors", consequence.affects, item, ("measures", i, "consequences", j, "affects"))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block without the cyclic garbage collector (bundles hold no cycles).

    Reading a big bundle makes millions of objects that all stay alive, and each
    full collection walks all of them again: measured 25 s to validate a
    million statements with the collector on, 9 s with it paused.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_bundles(paths: Iterable[Path | str], known: dict[str, set[str]] | None = None) -> list[LoadedBundle]:
    """Read and validate several bundles as one: every problem of every file, or none."""
    loaded: list[LoadedBundle] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(read_bundle(path))
        except BundleError as exc:
            problems.extend(exc.problems)
    if not problems:
        problems.extend(check_references(loaded, known))
    if problems:
        raise BundleError(problems)
    return loaded


# --------------------------------------------------------------------------- writing


def _compact(model: BaseModel) -> dict[str, Any]:
    """A model as bundle data: no nulls, no empty lists, fields in declaration order."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None or value == ():
            continue
        if isinstance(value, BaseModel):
            out[name] = _compact(value)
        elif isinstance(value, tuple):
            out[name] = [_compact(v) if isinstance(v, BaseModel) else v for v in value]
        else:
            out[name] = value
    return out


def bundle_data(bundle: Bundle) -> dict[str, Any]:
    """The bundle as plain data, ready for JSON or YAML; default consequence slugs left out."""
    measures = []
    for measure in bundle.measures:
        consequences = tuple(
            c.model_copy(update={"slug": None}) if c.slug == consequence_slug(measure.slug, n) else c
            for n, c in enumerate(measure.consequences, start=1)
        )
        measures.append(measure.model_copy(update={"consequences": consequences}))
    return _compact(bundle.model_copy(update={"measures": tuple(measures)}))


class _Dumper(yaml.SafeDumper):
    """Block style, keys in order, multi-line text as literal blocks."""


# ---- hostile text in exports: escaped, so a bundle printed on a terminal cannot act on it.
# JSON escapes C0 controls itself, and YAML every control but NEL and the line separators
# in double quotes; neither escapes DEL, C1 (JSON), bidi controls or the separators (JSON)
# when writing Unicode. Both formats read `\uXXXX` back as the character, so the bundle
# stays exact.
_UNSAFE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if _UNSAFE_IN_TEXT.search(value):
        style = '"'  # the only YAML style with escapes; what it leaves raw is escaped after dumping
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_bundle(bundle: Bundle, fmt: str) -> str:
    """Write a bundle as JSON or YAML text that `read_bundle` reads back to the same bundle.

    Characters that could act on a terminal or reorder the text around them
    (controls, bidi overrides and isolates, line separators) are written as
    escapes, never raw; keys are ASCII, so they can only stand inside strings.
    """
    data = bundle_data(bundle)
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return escaped(text)

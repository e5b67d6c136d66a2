"""FollowTheMoney (FtM), the data model of Aleph and OpenSanctions: a dossier as FtM entities, and back.

`export_entities` maps a bundle (the whole dossier, `Store.export_bundle`) to
FtM entities, one JSON object a line (`dossier export --format ftm`), or to
FtM statements (`--format ftm-statements`, one property value a line, which
also keeps the language of each alias). Every entity is checked against its
FtM schema before it is written. `read_entities` reads FtM JSON lines of
Person, Organization, PublicBody, LegalEntity and Sanction into a bundle
(`dossier import`), each entity validated by FtM first; what cannot be
mapped is left out with a one-line reason.

docs/ecosystem.md says how each of our entities maps and what FtM cannot
hold. This module imports followthemoney only when called: it is the
optional extra `dossier[ftm]`.

Ids are `<kind>-<slug>` signed with the dossier's identity (FtM's
`Namespace`: `actor-zakharova.<40 hex digits>`), so they are the same in
every export of a dossier and never collide with another dossier's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .errors import BundleError, Problem

if TYPE_CHECKING:
    from followthemoney.schema import ValidationData

    from .models import Actor, Bundle, Measure, Statement

MISSING = "FollowTheMoney support needs the followthemoney package: pip install 'dossier[ftm]'"
"""The one-line reason given when the optional extra is not installed."""

DATASET = "dossier"
"""The FtM dataset name written on exported statements."""

IMPORTED_SCHEMATA = ("Person", "Organization", "PublicBody", "LegalEntity", "Sanction")
"""The FtM schemata `dossier import` maps; every other is left out with a reason."""

_ACTOR_SCHEMA = {"person": "Person", "state": "PublicBody"}
"""Our actor kinds that have an FtM schema of their own; the others are Organizations. The kind
itself is kept in `classification`, so an import gives the actor its kind back."""
_PLAIN_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9]+(-[a-z0-9]+)*)?$")
"""Slugs (or `slug--slug` pairs) that spell an FtM id as they are: no `_`, and no `.`, which ends FtM's
plain id and starts the signature (`Namespace.parse`)."""
_OUR_ID = re.compile(r"^(actor|measure)-([a-z0-9]+(-[a-z0-9]+)*)\.[0-9a-f]{40}$")


def available() -> bool:
    """Whether followthemoney is installed (`dossier[ftm]`)."""
    try:
        import followthemoney  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- export


@dataclass
class Entity:
    """One FtM entity being built: its properties in the order added, and the language of some values."""

    id: str
    schema: str
    properties: dict[str, list[str]] = field(default_factory=dict)
    langs: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, prop: str, value: str | None, lang: str | None = None) -> Entity:
        if value:
            values = self.properties.setdefault(prop, [])
            if value not in values:
                values.append(value)
            if lang:
                self.langs[(prop, value)] = lang
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema, "properties": self.properties}


class _Ids:
    """Entity ids: `<kind>-<slug>` (or a hash of a slug FtM ids cannot spell) signed with the identity."""

    def __init__(self, identity: str) -> None:
        from followthemoney.namespace import Namespace

        self.namespace = Namespace(f"dossier:{identity}")

    def __call__(self, kind: str, slug: str) -> str:
        plain = f"{kind}-{slug}"
        if not _PLAIN_ID.match(slug) or len(plain) > 100:
            plain = f"{kind}-x{hashlib.sha1(slug.encode('utf-8')).hexdigest()[:24]}"
        signed = self.namespace.sign(plain)
        assert signed is not None
        return signed


def export_entities(bundle: Bundle, identity: str, warnings: list[str] | None = None) -> list[Entity]:
    """The dossier as FtM entities, every value checked against its FtM property's type.

    A value FtM would refuse (a `url` that is not a URL FtM accepts, say) is
    left out, with a line in `warnings`; every entity then passes its
    schema's validation (a failure would be a bug here: ValueError).
    """
    from followthemoney import model
    from followthemoney.exc import InvalidData

    ids = _Ids(identity)
    out: list[Entity] = []
    out.extend(_sources(bundle, ids))
    actors = {actor.slug: actor for actor in bundle.actors}
    for actor in bundle.actors:
        out.extend(_actor(actor, actors, ids))
    measures = {measure.slug: measure for measure in bundle.measures}
    for measure in bundle.measures:
        out.extend(_measure(measure, measures, actors, ids))
    for statement in bundle.statements:
        out.extend(_statement(statement, ids))
    for event in bundle.events:
        e = Entity(ids("event", event.slug), "Event")
        e.add("name", event.title).add("date", event.date).add("location", event.place)
        e.add("description", event.description).add("proof", _source_id(ids, event.source))
        for slug in event.participants:
            e.add("involved", ids("actor", slug))
        out.append(e)
    for entity in out:
        schema = model.get(entity.schema)
        assert schema is not None
        for name, values in list(entity.properties.items()):
            prop = schema.get(name)
            assert prop is not None, f"{entity.schema} has no property {name}"
            kept = [value for value in values if prop.type.validate(value)]
            for value in values:
                if value not in kept and warnings is not None:
                    warnings.append(f"{entity.id}: {name} {value[:60]!r} is not a valid FtM {prop.type.name}; left out")
            if kept:
                entity.properties[name] = kept
            else:
                del entity.properties[name]
        try:
            schema.validate(cast("ValidationData", entity.to_dict()))
        except InvalidData as exc:
            raise ValueError(f"{entity.id}: not a valid FtM {entity.schema}: {exc}") from None
    return out


def _source_id(ids: _Ids, slug: str | None) -> str | None:
    return None if slug is None else ids("source", slug)


def _sources(bundle: Bundle, ids: _Ids) -> Iterator[Entity]:
    for source in bundle.sources:
        e = Entity(ids("source", source.slug), "Article")
        e.add("title", source.title).add("publisher", source.outlet).add("sourceUrl", source.url)
        e.add("publishedAt", source.published).add("notes", source.note)
        yield e


def _actor(actor: Actor, actors: dict[str, Actor], ids: _Ids) -> Iterator[Entity]:
    e = Entity(ids("actor", actor.slug), _ACTOR_SCHEMA.get(actor.kind, "Organization"))
    e.add("name", actor.name)
    for alias in actor.aliases:
        e.add("alias", alias.name, alias.lang)
    e.add("country", None if actor.country is None else actor.country.lower())
    e.add("position" if actor.kind == "person" else "description", actor.role)
    if actor.kind == "person":
        e.add("description", actor.description)
    elif actor.description:
        e.add("notes", actor.description)
    if actor.kind != "person":
        e.add("classification", actor.kind)
    yield e
    if actor.affiliation is None:
        return
    other = actors.get(actor.affiliation)
    other_kind = other.kind if other is not None else "organization"
    link_id = ids("affiliation", actor.slug)
    if actor.kind == "person" and other_kind != "person":
        link = Entity(link_id, "Employment").add("employee", e.id).add("employer", ids("actor", actor.affiliation))
        link.add("role", actor.role)
    elif other_kind != "person":
        link = Entity(link_id, "Membership").add("member", e.id).add("organization", ids("actor", actor.affiliation))
    else:
        link = Entity(link_id, "UnknownLink").add("subject", e.id).add("object", ids("actor", actor.affiliation))
        link.add("role", "affiliation")
    yield link


def _measure(measure: Measure, measures: dict[str, Measure], actors: dict[str, Actor], ids: _Ids) -> Iterator[Entity]:
    e = Entity(ids("measure", measure.slug), "Event")
    e.add("name", measure.title).add("date", measure.announced).add("startDate", measure.effective)
    e.add("organizer", None if measure.imposed_by is None else ids("actor", measure.imposed_by))
    e.add("involved", None if measure.target is None else ids("actor", measure.target))
    e.add("summary", measure.quantity).add("description", measure.description)
    e.add("keywords", measure.kind).add("keywords", measure.status)
    e.add("proof", _source_id(ids, measure.source))
    yield e
    if measure.kind == "sanction" and measure.target is not None:
        s = Entity(ids("sanction", measure.slug), "Sanction").add("entity", ids("actor", measure.target))
        imposer = actors.get(measure.imposed_by or "")
        s.add("authority", imposer.name if imposer else None).add("program", measure.title)
        s.add("listingDate", measure.announced).add("startDate", measure.effective)
        s.add("status", measure.status).add("provisions", measure.quantity)
        s.add("description", measure.description).add("proof", _source_id(ids, measure.source))
        yield s
    for link in measure.in_response_to:
        r = Entity(ids("response", f"{measure.slug}--{link.measure}"), "UnknownLink")
        r.add("subject", e.id).add("object", ids("measure", link.measure)).add("role", "responds to")
        claimant = actors.get(link.asserted_by or "")
        r.add("summary", f"asserted by {claimant.name}" if claimant else None)
        yield r
    for n, consequence in enumerate(measure.consequences, 1):
        c = Entity(ids("consequence", consequence.slug or f"{measure.slug}-c{n}"), "Event")
        c.add("name", f"{measure.title}: consequence {n}").add("description", consequence.description)
        c.add("date", consequence.due).add("keywords", consequence.certainty)
        c.add("involved", None if consequence.affects is None else ids("actor", consequence.affects))
        yield c
        of = Entity(ids("consequence-of", consequence.slug or f"{measure.slug}-c{n}"), "UnknownLink")
        yield of.add("subject", c.id).add("object", e.id).add("role", "consequence of")


def _statement(statement: Statement, ids: _Ids) -> Iterator[Entity]:
    e = Entity(ids("statement", statement.slug), "Event")
    e.add("name", statement.slug).add("description", statement.text, statement.lang)
    e.add("date", statement.said).add("organizer", ids("actor", statement.speaker))
    e.add("keywords", statement.kind).add("publisher", statement.via)
    e.add("proof", _source_id(ids, statement.source))
    yield e
    if statement.speaker_role:
        role = Entity(ids("speaker-role", statement.slug), "UnknownLink")
        role.add("subject", ids("actor", statement.speaker)).add("object", e.id)
        yield role.add("role", statement.speaker_role).add("date", statement.said)
    for about in statement.about:
        link = Entity(ids("stance", f"{statement.slug}--{about.measure}"), "UnknownLink")
        link.add("subject", e.id).add("object", ids("measure", about.measure)).add("role", about.stance)
        yield link.add("date", statement.said)


def entity_lines(entities: Iterable[Entity]) -> Iterator[str]:
    """FtM entities as JSON lines, as `ftm` and Aleph read them."""
    for entity in entities:
        yield json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=False)


def statement_lines(entities: Iterable[Entity]) -> Iterator[str]:
    """FtM statements as JSON lines: one value each, with its language where the dossier gives one."""
    from followthemoney import Dataset
    from followthemoney.statement import StatementEntity

    dataset = Dataset.make({"name": DATASET, "title": "Dossier"})
    for entity in entities:
        proxy = StatementEntity(dataset, {"id": entity.id, "schema": entity.schema})
        for prop, values in entity.properties.items():
            for value in values:
                proxy.add(prop, value, lang=entity.langs.get((prop, value)))
        for statement in proxy.statements:
            yield json.dumps(statement.to_dict(), ensure_ascii=False, sort_keys=False)


# --------------------------------------------------------------------------- import


@dataclass
class FtmRead:
    """FtM entities read into bundle data, and a reason for each entity left out."""

    data: dict[str, Any]
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    """The line of each actor and measure in the file, for the messages of the bundle's checks."""
    skipped: list[str] = field(default_factory=list)


def looks_like_ftm(raw: bytes) -> bool:
    """Whether a file's first line is an FtM entity (an object with `schema` and `properties`)."""
    first = raw.lstrip()[:65536].split(b"\n", 1)[0]
    try:
        data = json.loads(first)
    except ValueError:
        return False
    return isinstance(data, dict) and "schema" in data and "properties" in data and "id" in data


def _slug(entity_id: str) -> str:
    """Our own export's id gives its slug back; any other id becomes a slug as near to it as can be."""
    ours = _OUR_ID.match(entity_id)
    if ours:
        return ours.group(2)
    slug = re.sub(r"[^a-z0-9]+", "-", entity_id.lower()).strip("-")
    if not slug or len(slug) > 120:
        slug = "ftm-" + hashlib.sha1(entity_id.encode("utf-8")).hexdigest()[:16]
    return slug


_STATUS = {"active": "in-force", "inactive": "lifted", "expired": "lifted", "suspended": "halted"}


def read_entities(raw: bytes, file: str) -> FtmRead:
    """FtM JSON lines into bundle data (actors and measures), validated by FtM entity by entity.

    An entity that is not valid JSON or not valid for its FtM schema refuses
    the file (every problem with its line, nothing written); an entity of a
    schema the dossier has no place for, or a value it cannot keep, is left
    out with a one-line reason in `skipped`.
    """
    from followthemoney import model
    from followthemoney.exc import InvalidData

    problems: list[Problem] = []
    skipped: list[str] = []
    actors: dict[str, dict[str, Any]] = {}
    actor_lines: list[int] = []
    sanctions: list[tuple[int, str, Any]] = []
    slugs: dict[str, str] = {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError([Problem(file, None, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            problems.append(Problem(file, line_no, "", f"not valid JSON: {exc}"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            problems.append(Problem(file, line_no, "", "not an FtM entity (an object with id, schema, properties)"))
            continue
        schema = model.get(data.get("schema") or "")
        if schema is None:
            problems.append(Problem(file, line_no, "schema", f"{data.get('schema')!r} is not an FtM schema"))
            continue
        try:
            schema.validate(cast("ValidationData", data))  # the values as given, before FtM cleans them
            proxy = model.get_proxy(data, cleaned=False)
        except (InvalidData, TypeError, ValueError, AttributeError) as exc:
            errors = getattr(exc, "errors", None) or {}
            detail = "; ".join(f"{k}: {v}" for k, v in (errors.get("properties") or {}).items()) or str(exc)
            problems.append(Problem(file, line_no, "", f"not a valid FtM {schema.name}: {detail}"))
            continue
        missing = [prop for prop in sorted(schema.required) if not proxy.get(prop, quiet=True)]
        if missing:
            problems.append(Problem(file, line_no, "", f"not a valid FtM {schema.name}: {', '.join(missing)} missing"))
            continue
        where = f"{file}:{line_no}: {schema.name} {data['id']}"
        if schema.name not in IMPORTED_SCHEMATA:
            skipped.append(f"{where}: left out: a dossier has no place for {schema.name} entities")
            continue
        if schema.name == "Sanction":
            sanctions.append((line_no, where, proxy))
            continue
        slug = _slug(proxy.id or "")
        if slug in slugs.values():
            problems.append(Problem(file, line_no, "id", f"{proxy.id!r} gives the slug {slug!r}, as another does"))
            continue
        slugs[proxy.id or ""] = slug
        actors[proxy.id or ""] = _actor_data(proxy, slug, where, skipped)
        actor_lines.append(line_no)
    measures = []
    measure_lines: list[int] = []
    for line_no, where, proxy in sanctions:
        targets = [t for t in proxy.get("entity") if t in slugs]
        if not targets:
            skipped.append(f"{where}: left out: the entity it sanctions is not in the file as a person or organisation")
            continue
        title = (proxy.get("program") or proxy.get("reason") or [f"Sanction on {actors[targets[0]]['name']}"])[0]
        measure: dict[str, Any] = {
            "slug": _slug(proxy.id or ""),
            "title": title,
            "kind": "sanction",
            "target": slugs[targets[0]],
        }
        for key, prop in (("announced", "listingDate"), ("effective", "startDate")):
            dates = proxy.get(prop) or ([] if key == "effective" else proxy.get("startDate"))
            if dates:
                measure[key] = dates[0]
        status = (proxy.get("status") or [""])[0].lower()
        if status in _STATUS:
            measure["status"] = _STATUS[status]
        details = [*proxy.get("authority"), *proxy.get("reason"), *proxy.get("description")]
        if details:
            measure["description"] = "\n".join(details)
        provisions = proxy.get("provisions")
        if provisions:
            measure["quantity"] = "; ".join(provisions)
        measures.append(measure)
        measure_lines.append(line_no)
    if problems:
        raise BundleError(problems)
    bundle: dict[str, Any] = {}
    if actors:
        bundle["actors"] = list(actors.values())
    if measures:
        bundle["measures"] = measures
    lines: dict[tuple[str | int, ...], int] = {("actors", i): n for i, n in enumerate(actor_lines)}
    lines.update({("measures", i): n for i, n in enumerate(measure_lines)})
    return FtmRead(data=bundle, lines=lines, skipped=skipped)


def _actor_data(proxy: Any, slug: str, where: str, skipped: list[str]) -> dict[str, Any]:
    from .models import _iso_countries

    names = proxy.get("name")
    actor: dict[str, Any] = {"slug": slug, "name": names[0]}
    classification = [c for c in proxy.get("classification") if c in ("organization", "state", "media", "group")]
    actor["kind"] = "person" if proxy.schema.name == "Person" else (classification or ["organization"])[0]
    countries = [*proxy.get("country", quiet=True), *proxy.get("nationality", quiet=True)]
    countries += [*proxy.get("jurisdiction", quiet=True), *proxy.get("mainCountry", quiet=True)]
    for code in countries:
        if code.upper() in _iso_countries():
            actor["country"] = code.upper()
            break
        skipped.append(f"{where}: its country {code!r} is not an ISO 3166 code; left out")
    if proxy.schema.name == "Person":
        positions = proxy.get("position")
        if positions:
            actor["role"] = positions[0]
        descriptions = [*proxy.get("description"), *proxy.get("notes")]
    else:
        descriptions = [*proxy.get("notes")]
        if proxy.get("description"):
            actor["role"] = proxy.get("description")[0]
    if descriptions:
        actor["description"] = "\n".join(descriptions)
    aliases = [*names[1:], *proxy.get("alias"), *proxy.get("previousName"), *proxy.get("weakAlias")]
    if aliases:
        actor["aliases"] = [{"name": alias} for alias in dict.fromkeys(aliases) if alias != names[0]]
    return actor


def read_file(path: Path) -> FtmRead:
    """`read_entities` on a file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BundleError([Problem(str(path), None, "", f"cannot be read: {exc.strerror or exc}")]) from None
    return read_entities(raw, str(path))

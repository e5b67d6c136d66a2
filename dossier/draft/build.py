"""From the rules' findings to a draft: slugs, actors tied to the dossier, one source per article.

Slugs are made from names (a person's surname, as in the default dossier) and
from the first words of a statement, and never reuse a slug the dossier
already has: importing a draft adds to a dossier and never overwrites what is
in it. Actors already in the dossier are referenced by their slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii

from ..slugs import slug_from
from .extract import Extraction
from .matching import DossierActors

_STOP = frozenset("the a an and of to in on for that this is are was were be we i it they our".split())


def slugify(text: str, limit: int = 60) -> str:
    """`dossier.slugs.slug_from`, the slugs the browser makes too; "item" for a text with no letter or digit."""
    return slug_from(text, limit=limit) if re.search(r"[a-z0-9]", anyascii(text).lower()) else "item"


@dataclass
class DraftActor:
    slug: str
    name: str
    kind: str
    role: str | None
    country: str | None
    affiliation: str | None
    aliases: list[str]
    sentence: str
    reasons: list[str]
    data: dict[str, Any] | None = None
    """The actor as a draft file holds it (`dossier.draft.load`), hand edits kept; None: drafted here."""


@dataclass
class DraftStatement:
    slug: str
    speaker: str
    kind: str
    text: str
    speaker_role: str | None
    said: str | None
    said_note: str | None
    via: str | None
    source: str
    sentence: str
    reasons: list[str]
    data: dict[str, Any] | None = None
    """The statement as a draft file holds it (`dossier.draft.load`), hand edits kept; None: drafted here."""

    @property
    def confidence(self) -> str:
        return "low" if self.reasons else "high"


@dataclass
class DraftSource:
    slug: str
    data: dict[str, Any]
    dropped: list[str]


@dataclass
class Draft:
    """A draft bundle with its notes: what `render` writes, and what a reviewing program reads."""

    names: list[str]
    sources: list[DraftSource] = field(default_factory=list)
    actors: list[DraftActor] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    statements: list[DraftStatement] = field(default_factory=list)
    unattributed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Slugs:
    def __init__(self, dossier: DossierActors | None) -> None:
        self.dossier = dossier
        self.used: dict[str, set[str]] = {"actor": set(), "statement": set(), "source": set()}
        self.next: dict[tuple[str, str], int] = {}
        """The next number to try after a base slug (a long article repeats a slug many times)."""

    def new(self, kind: str, base: str) -> str:
        slug = base
        n = self.next.get((kind, base), 2)
        while slug in self.used[kind] or (self.dossier is not None and self.dossier.taken(kind, slug)):
            slug = f"{base}-{n}"
            n += 1
        self.next[(kind, base)] = n
        self.used[kind].add(slug)
        return slug


def build(extractions: list[Extraction], dossier: DossierActors | None) -> Draft:
    draft = Draft(names=[e.article.name for e in extractions])
    slugs = _Slugs(dossier)
    actor_slugs: dict[str, str] = {}
    """Actor key (across articles) -> slug, new or in the dossier."""
    by_key: dict[str, DraftActor] = {}
    for extraction in extractions:
        article = extraction.article
        registry = extraction.registry
        title = article.title or article.name
        base = (
            slugify(f"{article.outlet or 'article'}-{article.published}") if article.published else slugify(title, 50)
        )
        source_slug = slugs.new("source", base)
        data: dict[str, Any] = {"slug": source_slug, "title": title}
        if article.outlet:
            data["outlet"] = article.outlet
        if article.url:
            data["url"] = article.url
        if article.published:
            data["published"] = article.published
        data["note"] = f"Drafted from {article.name}. The article's text:\n\n{article.text}"
        draft.sources.append(DraftSource(source_slug, data, article.dropped))

        wanted = _wanted_actors(extraction)
        for key in wanted:
            if key in actor_slugs:
                continue
            actor = registry.actors[key]
            match = dossier.match([actor.name, *actor.aliases], actor.kind) if dossier is not None else None
            if match is not None:
                actor_slugs[key] = match.slug
                draft.matched.append(f"{match.slug}: {match.name} (the article's {actor.name!r}, matched {match.how})")
                continue
            words = actor.name.split()
            base = slugify(words[-1] if actor.kind == "person" else actor.name)
            actor_slugs[key] = slugs.new("actor", base)
        for key in wanted:
            slug = actor_slugs[key]
            if key in by_key or any(m.startswith(f"{slug}:") for m in draft.matched):
                continue
            actor = registry.actors[key]
            drafted = DraftActor(
                slug=slug,
                name=actor.name,
                kind=actor.kind,
                role=actor.role,
                country=actor.country,
                affiliation=actor_slugs.get(actor.affiliation) if actor.affiliation else None,
                aliases=[a for a in dict.fromkeys(actor.aliases) if a != actor.name],
                sentence=actor.sentence,
                reasons=list(actor.reasons),
            )
            if drafted.affiliation == drafted.slug:
                drafted.affiliation = None
            by_key[key] = drafted
            draft.actors.append(drafted)
        for item in extraction.items:
            if item.speaker is None:
                continue
            speaker = actor_slugs[item.speaker]
            words = [w for w in re.findall(r"[A-Za-z0-9]+", anyascii(item.text).lower()) if w not in _STOP][:5]
            slug = slugs.new("statement", slugify(f"{speaker}-{' '.join(words)}", 80))
            draft.statements.append(
                DraftStatement(
                    slug=slug,
                    speaker=speaker,
                    kind=item.kind,
                    text=item.text,
                    speaker_role=item.speaker_role,
                    said=item.said,
                    said_note=item.said_note,
                    via=item.via,
                    source=source_slug,
                    sentence=item.sentence,
                    reasons=list(item.reasons),
                )
            )
        draft.unattributed.extend((item.text, item.sentence) for item in extraction.unattributed)
    return draft


def _wanted_actors(extraction: Extraction) -> list[str]:
    """The actors a draft keeps: speakers, people with a role, organisations, states, and what they belong to."""
    registry = extraction.registry
    keep: list[str] = []
    for key, actor in registry.actors.items():
        if actor.speaks or actor.kind in ("organization", "state") or (actor.kind == "person" and actor.role):
            keep.append(key)
    # What the kept actors belong to must be in the draft too (the bundle refers to it).
    index = 0
    while index < len(keep):
        affiliation = registry.actors[keep[index]].affiliation
        if affiliation and affiliation not in keep and affiliation in registry.actors:
            keep.append(affiliation)
        index += 1
    return keep

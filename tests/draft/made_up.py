"""Drafting made-up sentences under a dated headline, and the (speaker, quote, confidence) of each quote found."""

from __future__ import annotations

from dossier.draft import Draft, DraftStatement, draft_text

HEAD = "Envoy summoned\ndate 2021-12-01\n\n"


def draft(body: str) -> Draft:
    return draft_text((HEAD + body).encode("utf-8"), "case.txt")


def quotes(made: Draft) -> list[DraftStatement]:
    return [s for s in made.statements if s.kind == "quote"]


def pairs(made: Draft) -> list[tuple[str, str, str]]:
    names = {a.slug: a.name for a in made.actors}
    return [(names.get(s.speaker, s.speaker), s.text, s.confidence) for s in quotes(made)]

"""A draft as a bundle: YAML that `dossier import` accepts as it is, with the draft's notes in comments.

Bundles refuse fields they do not know, and the notes that only a draft has
(the sentence an item came from, its confidence and the reasons) are no part
of a dossier, so they are YAML comments above each item:

    # from: “We regard the US demand as an expulsion …,” Zakharova added.
    # confidence: low: pronoun 'he' taken for Sergei Ryabkov, last named 3 paragraphs before
    - slug: ryabkov-we-regard-the-us-demand
      ...

Comments survive hand edits and are ignored by the importer; the same notes
are on the `Draft` objects for a program that reads drafts (`dossier.draft.Draft`).
Actors already in the dossier are referenced by slug and not repeated, so
importing a draft never rewrites them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .build import Draft, DraftActor, DraftStatement

# Written by hand rather than by PyYAML's emitter, which took two thirds of the drafting time:
# a scalar is plain when it obviously can be, else a JSON string (a valid YAML double-quoted
# scalar) with what YAML reads as a line break or refuses escaped; the article text is a literal block.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()’'-]*[A-Za-z0-9.)]|[A-Za-z]")
_YAML_WORDS = frozenset("y n yes no true false on off null".split())
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufffe\uffff]")
_NOT_IN_BLOCK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufffe\uffff]"
)
_NOT_IN_COMMENT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufffe\uffff]"
)


def scalar(value: str) -> str:
    """A string as a YAML scalar that reads back as exactly that string."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS and ": " not in value and " #" not in value:
        return value
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", json.dumps(value, ensure_ascii=False))


def _block(value: str, indent: str) -> str | None:
    """A multi-line string as a literal block, when one can hold it exactly."""
    lines = value.split("\n")
    if _NOT_IN_BLOCK.search(value) or value != value.strip() or any(line[:1].isspace() for line in lines):
        return None
    return "|-\n" + "\n".join(f"{indent}{line}" if line else "" for line in lines)


def _item(data: dict[str, Any]) -> str:
    """One entity as a block sequence item under a section, indented two spaces."""
    out: list[str] = []
    first = True
    for key, value in data.items():
        lead = "  - " if first else "    "
        first = False
        if isinstance(value, list):
            out.append(f"{lead}{key}:")
            for entry in value:
                inner = [f"{k}: {scalar(v)}" for k, v in entry.items()]
                out.append("      - " + inner[0])
                out.extend("        " + line for line in inner[1:])
        elif "\n" in value:
            out.append(f"{lead}{key}: {_block(value, '      ') or scalar(value)}")
        else:
            out.append(f"{lead}{key}: {scalar(value)}")
    return "\n".join(out) + "\n"


def count(n: int, noun: str) -> str:
    """`1 quote`, `2 quotes`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def comment(text: str, width: int = 400) -> str:
    """One comment line's text: no line breaks or controls (they would end the comment), at most `width` characters."""
    flat = " ".join(_NOT_IN_COMMENT.sub(" ", text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _notes(sentence: str, reasons: list[str], extra: list[str] | None = None) -> str:
    lines = [f"  # from: {comment(sentence)}"]
    lines.append("  # confidence: high" if not reasons else f"  # confidence: low: {comment('; '.join(reasons))}")
    for note in extra or []:
        lines.append(f"  # {comment(note)}")
    return "\n".join(lines) + "\n"


def actor_data(actor: DraftActor) -> dict[str, Any]:
    if actor.data is not None:
        return dict(actor.data)
    data: dict[str, Any] = {"slug": actor.slug, "name": actor.name, "kind": actor.kind}
    if actor.role:
        data["role"] = actor.role
    if actor.affiliation:
        data["affiliation"] = actor.affiliation
    if actor.country:
        data["country"] = actor.country
    if actor.aliases:
        data["aliases"] = [{"name": alias} for alias in actor.aliases]
    return data


def statement_data(item: DraftStatement) -> dict[str, Any]:
    if item.data is not None:
        return dict(item.data)
    data: dict[str, Any] = {"slug": item.slug, "speaker": item.speaker, "kind": item.kind, "text": item.text}
    if item.speaker_role:
        data["speaker_role"] = item.speaker_role
    if item.said:
        data["said"] = item.said
    if item.via:
        data["via"] = item.via
    data["source"] = item.source
    return data


def render(draft: Draft) -> str:
    """The draft as YAML bundle text."""
    out: list[str] = []
    quotes = sum(1 for s in draft.statements if s.kind == "quote")
    out.append("# A draft bundle made by `dossier draft`: check every item against its sentence, then import it.")
    out.append(f"# Drafted from: {comment(', '.join(draft.names), 300)}")
    out.append(
        f"# {count(len(draft.statements), 'statement')} ({count(quotes, 'quote')},"
        f" {count(len(draft.statements) - quotes, 'paraphrase')}), {count(len(draft.actors), 'new actor')},"
        f" {count(len(draft.matched), 'actor')} already in the dossier."
    )
    out.append("# Each item's comment gives the sentence it was drafted from and a confidence: high, or low with why.")
    for note in draft.notes:
        out.append(f"# {comment(note)}")
    out.append("")
    out.append("sources:")
    for source in draft.sources:
        if source.dropped:
            out.append(f"  # left out as page clutter: {comment(' | '.join(source.dropped), 300)}")
        out.append(_item(source.data).rstrip("\n"))
    out.append("")
    if draft.actors or draft.matched:
        out.append("actors:")
    else:
        out.append("actors: []")
    if draft.matched:
        out.append("  # Already in the dossier, referenced by slug and not repeated:")
        for match in draft.matched:
            out.append(f"  #   {comment(match)}")
    for actor in draft.actors:
        out.append(_notes(actor.sentence, actor.reasons).rstrip("\n"))
        out.append(_item(actor_data(actor)).rstrip("\n"))
    if draft.matched and not draft.actors:
        out.append("  []")
    out.append("")
    out.append("statements:" if draft.statements else "statements: []")
    for item in draft.statements:
        extra = [f"said: {item.said_note}"] if item.said_note else []
        out.append(_notes(item.sentence, item.reasons, extra).rstrip("\n"))
        out.append(_item(statement_data(item)).rstrip("\n"))
    if draft.unattributed:
        out.append("")
        out.append("# Quotes with no speaker found (not drafted; add them by hand if they are speech):")
        for text, sentence in draft.unattributed:
            out.append(f"#   “{comment(text, 200)}” in: {comment(sentence, 300)}")
    return "\n".join(out) + "\n"

"""A draft file read back for review: the bundle `dossier draft` wrote (perhaps edited since), with its notes.

`read_draft(path)` checks the file as `dossier import` would (a valid bundle,
field by field) and returns a `Draft`: its sources, its new actors and its
statements, each item as the file has it now (hand edits kept, fields the
drafting does not write too), with the notes the drafting put in the comments
above each item read back (`# from:` the sentence, `# confidence: high` or
`low: reasons`, `# said:` how the date was found). An item without them (added
by hand) has an empty sentence and a high confidence.

A file that cannot be reviewed is a `DraftError` with a one-line reason: one
that cannot be read, is too big, is not a valid bundle (its first problem, and
how many more), holds measures or events (not drafted, so not reviewed here:
import them with `dossier import`), or holds no statement to review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .build import Draft, DraftActor, DraftSource, DraftStatement
from .reading import DraftError, read_capped

MAX_DRAFT_BYTES = 50_000_000
"""A draft holds its articles' text: a few articles are a few hundred kilobytes; a file over this is not a draft."""


def read_draft(path: Path) -> Draft:
    """The draft at `path`, checked like an import, its notes read back from the comments (see the docstring)."""
    from ..bundle import parse_text, read_bundle_bytes
    from ..errors import BundleError

    raw = read_capped(path, MAX_DRAFT_BYTES, not_a="a draft", too_big_for="a draft")
    try:
        read_bundle_bytes(raw, path.name, "yaml")  # every check of `dossier import` that needs no dossier
        text = raw.decode("utf-8")
        data, lines = parse_text(text, path.name, "yaml")
    except BundleError as exc:
        first = str(exc.problems[0]) if exc.problems else "not a bundle"
        more = len(exc.problems) - 1
        also = f" (and {more} more problem{'s' if more != 1 else ''}: `dossier import` lists them)" if more else ""
        raise DraftError(f"not a draft to review: {first}{also}") from None
    others = [section for section in ("measures", "events") if data.get(section)]
    if others:
        raise DraftError(
            f"{path.name}: holds {' and '.join(others)}, which a review does not cover"
            " (sources, actors and statements only): import it with `dossier import`"
        )
    if not data.get("statements"):
        raise DraftError(f"{path.name}: no statements to review")
    text_lines = text.splitlines()

    def notes(section: str, index: int) -> dict[str, str]:
        return _notes(text_lines, lines.get((section, index)))

    draft = Draft(names=[path.name])
    for item in data.get("sources") or ():
        draft.sources.append(DraftSource(str(item["slug"]), dict(item), []))
    for index, item in enumerate(data.get("actors") or ()):
        found = notes("actors", index)
        draft.actors.append(
            DraftActor(
                slug=item["slug"],
                name=item["name"],
                kind=item.get("kind", "person"),
                role=item.get("role"),
                country=item.get("country"),
                affiliation=item.get("affiliation"),
                aliases=[alias["name"] for alias in item.get("aliases") or ()],
                sentence=found.get("from", ""),
                reasons=_reasons(found),
                data=dict(item),
            )
        )
    for index, item in enumerate(data["statements"]):
        found = notes("statements", index)
        draft.statements.append(
            DraftStatement(
                slug=item["slug"],
                speaker=item["speaker"],
                kind=item.get("kind", "quote"),
                text=item["text"],
                speaker_role=item.get("speaker_role"),
                said=item.get("said"),
                said_note=found.get("said"),
                via=item.get("via"),
                source=item.get("source") or "",
                sentence=found.get("from", ""),
                reasons=_reasons(found),
                data=dict(item),
            )
        )
    return draft


def _notes(text_lines: list[str], line: int | None) -> dict[str, str]:
    """The drafting's notes in the comment lines just above an item (`line`, 1-based, is the item's first)."""
    found: dict[str, str] = {}
    if line is None:
        return found
    index = line - 2
    while index >= 0 and text_lines[index].strip().startswith("#"):
        note = text_lines[index].strip().lstrip("#").strip()
        name, colon, value = note.partition(": ")
        if colon and name in ("from", "confidence", "said") and name not in found:
            found[name] = value
        index -= 1
    return found


def _reasons(found: dict[str, Any]) -> list[str]:
    """`confidence: low: a; b` gives the reasons a and b; `high` (or no note) gives none."""
    confidence = str(found.get("confidence", "high"))
    if not confidence.startswith("low"):
        return []
    reasons = [reason.strip() for reason in confidence.removeprefix("low").lstrip(":").split("; ")]
    return [reason for reason in reasons if reason] or ["low confidence"]

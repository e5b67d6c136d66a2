"""The notebook beside its dossier: each entry found again by kind and slug, cited, listed or made a brief.

`dossier notes list` and `dossier notes export --format markdown` read the
notebook's entries for one dossier (its identity) and look each one up in the
store by `kind/slug`. An entry whose entity is gone is an orphan: listed and
put in the brief under its own heading, with the label it had, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .citation import Style, load_and_cite
from .errors import StoreError
from .notebook import Entry
from .store import Store
from .text import clean_text


@dataclass(frozen=True)
class Found:
    """An entry and what it is in the dossier now: its citation, or None for an orphan."""

    entry: Entry
    citation: str | None

    @property
    def orphan(self) -> bool:
        return self.citation is None


def find(store: Store, entries: list[Entry], style: Style = "plain") -> list[Found]:
    """Each entry with its citation from the dossier (None when its entity is no longer there)."""
    found = []
    for entry in entries:
        try:
            kind, entity_id = store.resolve(entry.ref)
            text: str | None = load_and_cite(store, kind, entity_id, style) if kind == entry.kind else None
        except StoreError:
            text = None
        found.append(Found(entry, text))
    return found


def list_lines(found: list[Found]) -> Iterator[str]:
    """One line per entry: `kind/slug  ● #tag #tag  citation or label`, and the note's lines indented."""
    for item in found:
        entry = item.entry
        flags = ("●" if entry.marked else " ") + (" orphaned" if item.orphan else "")
        tags = " ".join(f"#{tag}" for tag in entry.tags)
        what = item.citation if item.citation is not None else clean_text(entry.label, keep_newlines=False)
        yield "  ".join(part for part in (entry.ref, flags, tags, what) if part)
        for line in entry.note.splitlines():
            yield f"    {clean_text(line, keep_newlines=False)}"


def _md_note(note: str) -> list[str]:
    """A note as a Markdown block quote, its own Markdown kept (the researcher wrote it), escapes removed."""
    return [f"> {clean_text(line, keep_newlines=False)}".rstrip() for line in note.splitlines()]


def markdown_brief(title: str, found: list[Found]) -> list[str]:
    """A research brief: by tag (an entry under each of its tags), then untagged marks, then orphans."""
    lines = [f"# Research brief: {clean_text(title, keep_newlines=False)}", ""]
    present = [item for item in found if not item.orphan]
    tags = sorted({tag for item in present for tag in item.entry.tags}, key=str.casefold)
    sections: list[tuple[str, list[Found]]] = [
        (f"#{tag}", [item for item in present if tag in item.entry.tags]) for tag in tags
    ]
    sections.append(("Untagged", [item for item in present if not item.entry.tags]))
    sections.append(("Orphaned: no longer in the dossier", [item for item in found if item.orphan]))
    for heading, items in sections:
        if not items:
            continue
        lines += [f"## {clean_text(heading, keep_newlines=False)}", ""]
        for item in items:
            entry = item.entry
            cited = item.citation if item.citation is not None else clean_text(entry.label, keep_newlines=False)
            mark = " (marked)" if entry.marked else ""
            lines.append(f"- {cited or entry.ref}{mark} `{entry.ref}`")
            if entry.note:
                lines.append("")
                lines += ["  " + line for line in _md_note(entry.note)]
            lines.append("")
    if not found:
        lines += ["The notebook holds nothing on this dossier yet.", ""]
    return lines

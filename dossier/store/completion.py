"""Completing a name or slug as it is typed: actors, measures and sources, a few at a time.

What the add-statement form offers under its speaker, source and "about"
fields. Every query is a bounded index walk, whatever the dossier's size:
the slug as a prefix (each table's unique slug index), an actor's name as a
prefix (`actors_by_name`), and a word of a name, an alias or a title that
starts with what was typed (`entities_fts`, a prefix query; names in
another script or spelling through their folded form, `fold_name`). Sources have no name index:
their titles are compared in a scan bounded by `LIMIT`, which stays short
because a dossier has few sources (1,000 in the generated 1M dossier).
"""

from __future__ import annotations

import re

from ..rows import Completion, CompletionKind
from ..schema import ENTITY_KIND_CODES
from .base import StoreBase, _text

_TABLES: dict[str, tuple[str, str]] = {"actor": ("actors", "name"), "measure": ("measures", "title"),
                                        "source": ("sources", "title")}
"""Each kind's table and the column that names a row."""
_TOP = "\U0010ffff"
"""Above every character: `x >= p AND x < p || _TOP` is the range of the values that start with `p`."""
_WORD = re.compile(r"\w+")


class CompletionQueries(StoreBase):
    """`complete`: the entities whose slug or name starts with what was typed."""

    def complete(self, kind: CompletionKind, typed: str, limit: int = 6) -> list[Completion]:
        """Up to `limit` entities of `kind` for `typed`: the slug itself, then slugs, names and words starting with it.

        Case does not matter for slugs (always lower case) or words; a name is
        tried as typed and with its first letter in capitals.
        """
        table, column = _TABLES[kind]
        typed = typed.strip()
        if not typed or limit <= 0:
            return []
        found: dict[str, str] = {}

        def take(rows: list[tuple[object, ...]]) -> None:
            for slug, label in rows:
                if len(found) < limit:
                    found.setdefault(str(_text(slug)), str(_text(label) or ""))

        lower = typed.lower()
        take(self._all(f"SELECT slug, {column} FROM {table} WHERE slug >= ? AND slug < ? ORDER BY slug LIMIT ?",
                       (lower, lower + _TOP, limit)))
        for start in dict.fromkeys((typed, typed[:1].upper() + typed[1:])):
            if len(found) >= limit:
                break
            take(self._all(
                f"SELECT slug, {column} FROM {table} WHERE {column} >= ? AND {column} < ? ORDER BY {column} LIMIT ?",
                (start, start + _TOP, limit),
            ))
        words = _WORD.findall(typed)
        if len(found) < limit and words and kind in ENTITY_KIND_CODES:
            # Every word typed must start a word of the name, an alias or the folded name; the last may be unfinished.
            match = "{title names} : (" + " ".join(f'"{word}"*' for word in words) + ")"
            from ..search import fold_name  # here: anyascii is not loaded at start-up

            folded = _WORD.findall(fold_name(typed))
            if folded and folded != words:  # another script or spelling: the folded names ("Захар" -> "zahar")
                match += " OR names : (" + " ".join(f'"{word}"*' for word in folded) + ")"
            take(self._all(
                f"SELECT t.slug, t.{column} FROM entities_fts f JOIN {table} t ON t.id = f.rowid / 8"
                " WHERE entities_fts MATCH ? AND f.rowid % 8 = ? LIMIT ?",
                (match, ENTITY_KIND_CODES[kind], limit),
            ))
        return [Completion(slug, label) for slug, label in found.items()]

    def completed_slug(self, kind: CompletionKind, typed: str) -> str | None:
        """The slug `typed` stands for: a slug of `kind`, or the one name or title it is exactly (case aside)."""
        typed = typed.strip()
        if not typed:
            return None
        table, column = _TABLES[kind]
        row = self._one(f"SELECT slug FROM {table} WHERE slug = ?", (typed.lower(),))
        if row is not None:
            return str(row[0])
        named = [c.slug for c in self.complete(kind, typed, limit=20) if c.label.casefold() == typed.casefold()]
        return named[0] if len(named) == 1 else None

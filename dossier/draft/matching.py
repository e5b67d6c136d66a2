"""Tying drafted actors to actors already in a dossier: by name, by alias, or by transliteration.

The dossier is only read (`Store.open` without `write`). Each drafted name is
searched with the store's full-text search, which matches names across scripts
(`dossier.search.fold_name`), and a hit counts only when one of its names or
aliases folds to the same words as the drafted name, so "Sergei Ryabkov" meets
"Sergey Ryabkov" and "Рябков", but "Ryabkov" alone never meets "Ryabkova".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..search import fold_name
from ..store import Store, StoreError

_COMPATIBLE = {
    "person": {"person"},
    "organization": {"organization", "media", "group"},
    "media": {"media", "organization"},
    "state": {"state"},
    "group": {"group", "organization"},
}


@dataclass(frozen=True)
class Match:
    slug: str
    name: str
    how: str
    """"by name", "by alias 'X'", "by transliteration of 'X'"."""


class DossierActors:
    """The actors of an open dossier, looked up one drafted name at a time."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def match(self, names: list[str], kind: str) -> Match | None:
        for name in names:
            folded = fold_name(name)
            if not folded:
                continue
            page = self.store.search_page(name, kind="actor", limit=20, order="rank", time_limit=1.0)
            for hit in page.hits:
                detail = self.store.actor_detail(hit.id)
                if detail.actor.kind not in _COMPATIBLE.get(kind, {kind}):
                    continue
                candidates = [(detail.actor.name, "name")] + [(alias.name, "alias") for alias in detail.aliases]
                for known, what in candidates:
                    if known == name:
                        how = "by name" if what == "name" else f"by alias {known!r}"
                        return Match(detail.actor.slug, detail.actor.name, how)
                for known, _what in candidates:
                    if fold_name(known) == folded:
                        return Match(detail.actor.slug, detail.actor.name, f"by transliteration of {known!r}")
        return None

    def taken(self, kind: str, slug: str) -> bool:
        """Whether `slug` already names a `kind` in the dossier (a drafted item must not overwrite it)."""
        try:
            self.store.resolve(f"{kind}/{slug}")
        except StoreError:
            return False
        return True

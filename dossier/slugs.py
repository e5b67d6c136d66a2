"""Slugs made from words: a name or a statement's text turned into a slug, kept unique against what is taken.

Used for what the user leaves without a slug (a new statement from the
add-statement form, `dossier.screens.add_form.new_statement_slug`). No SQL
here: whether a slug is taken is asked of the caller (`taken`), so the store,
the importer or a bundle being built can each answer from what it holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from anyascii import anyascii

SLUG_WORDS_LIMIT = 60
"""Characters of words a made slug keeps (before a `-2` that makes it unique)."""
MAX_TRIES = 10_000
"""Numbers tried after a taken slug before giving up (each try is one index lookup)."""


def slug_from(text: str, *, prefix: str = "", limit: int = SLUG_WORDS_LIMIT) -> str:
    """Lower-case ASCII words of `text` joined by `-`, whole words up to `limit` characters, after `prefix`.

    Any script is written in Latin letters first (anyascii: "Захарова" gives
    "zakharova"); a text with no letter or digit gives "statement".
    """
    words = [word for part in (prefix, text) for word in re.findall(r"[a-z0-9]+", anyascii(part).lower())]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "statement")


def unique_slug(text: str, taken: Callable[[str], bool], *, prefix: str = "") -> str:
    """`slug_from(text, prefix=prefix)`, or with `-2`, `-3`, ... after it: the first that `taken` says is free."""
    base = slug_from(text, prefix=prefix)
    if not taken(base):
        return base
    for number in range(2, MAX_TRIES):
        candidate = f"{base}-{number}"
        if not taken(candidate):
            return candidate
    raise ValueError(f"no free slug after {base!r}-2 … -{MAX_TRIES - 1}")

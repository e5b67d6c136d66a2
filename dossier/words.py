"""The words for the relations between entities, and for a missing date: one word each, everywhere.

The Detail pane, the chain, timeline and relations views, `dossier show` and
the Markdown export all take their words from here, so a link is never
"answers" in one place and "in response to" in another (a test looks for the
old synonyms). Nothing here imports Textual.
"""

from __future__ import annotations

UNDATED = "undated"
"""A statement, measure, event or consequence without a date (never `—` or "no date")."""

ANSWERS = "answers"
"""This measure answers that one (a response link)."""
ANSWERED_BY = "answered by"
"""That measure answers this one."""
ASSERTED_BY = "asserted by"
"""Who claims a response link (a claim, not a fact)."""
IMPOSED_BY = "imposed by"
"""The actor that took a measure."""
AIMED_AT = "aimed at"
"""The actor a measure targets."""
AFFECTS = "affects"
"""The actor a consequence falls on."""
CONCERNS = "concerns"
"""The measures a statement is about."""
SPEAKER = "speaker"
"""Who said a statement."""


def capital(word: str) -> str:
    """A word as a label's first word: `Answered by`."""
    return word[:1].upper() + word[1:]


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`1 statement`, `2 statements`, `1,000 pairs`: the count with its noun, singular when it is one."""
    return f"{count:,} {noun if count == 1 else plural_form or noun + 's'}"

"""Facet filters as plain data: which facets each pane has, how a pane's title says them, how one is toggled.

No Textual here: the browse screen imports this at start-up, the facet screen
(`screens/facets.py`) only when `f` is first pressed.
"""

from __future__ import annotations

import re

from .rows import Filters

FACETS: dict[str, tuple[str, ...]] = {
    "actors": ("kind", "country"),
    "statements": ("year", "kind", "stance", "source"),
    "measures": ("kind", "status"),
}
"""Each pane's facets, in the order they are read and shown (the cheapest first)."""


def filter_note(filters: Filters, labels: dict[tuple[str, str], str] | None = None) -> str:
    """The filters as a pane's title says them: `kind=quote · year=2021`."""
    return " · ".join(f"{name}={(labels or {}).get((name, value), value)}" for name, value in filters)


def with_dates(filters: Filters, date_from: str | None, date_to: str | None) -> Filters:
    """`filters` with the date range `from`..`to` (both inclusive, either may be None) in place of any before."""
    kept = tuple(pair for pair in filters if pair[0] not in ("from", "to", "year"))
    return kept + ((("from", date_from),) if date_from else ()) + ((("to", date_to),) if date_to else ())


def toggled(filters: Filters, facet: str, value: str) -> Filters:
    """`filters` with `facet=value` kept (replacing another value of that facet), or taken away when it was kept."""
    if (facet, value) in filters:
        return tuple(pair for pair in filters if pair != (facet, value))
    return (*(pair for pair in filters if pair[0] != facet), (facet, value))


DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
"""A date as the box takes it: a year, a month or a day."""


def parse_dates(text: str) -> tuple[str | None, str | None] | None:
    """What the date box says: `2022` (from then on), `2021-12-01`, or a range `2021-12 2022-01` (both inclusive).

    Empty: the whole timeline (None, None). Anything else that holds no date: None.
    """
    found = DATE.findall(text)
    if not text.strip():
        return (None, None)
    if not found or len(found) > 2:
        return None
    if len(found) == 1:
        return (found[0], None)
    first, last = sorted(found[:2])
    return (first, last)

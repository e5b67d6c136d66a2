"""Facet filters as plain data: which facets each pane has, how a pane's title says them, how one is toggled.

No Textual here: the browse screen imports this at start-up, the facet screen
(`screens/facets.py`) only when `f` is first pressed.
"""

from __future__ import annotations

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


def toggled(filters: Filters, facet: str, value: str) -> Filters:
    """`filters` with `facet=value` kept (replacing another value of that facet), or taken away when it was kept."""
    if (facet, value) in filters:
        return tuple(pair for pair in filters if pair != (facet, value))
    return (*(pair for pair in filters if pair[0] != facet), (facet, value))

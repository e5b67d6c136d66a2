"""Where the browser is, and the history of the links followed: plain data, no Textual.

A `Location` is everything a step in the history restores: the row selected
in every pane and the focused pane. `History` keeps the steps behind and
ahead of the user, as a web browser does: following a link is `leave(here)`;
Back is `back(here)`, which remembers `here` for Forward. Both are small pure
objects, so they are tested without a terminal (`tests/house/test_history.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Literal, NamedTuple, TypeVar

PaneName = Literal["actors", "statements", "measures", "consequences", "detail"]
"""The browse screen's panes, by their widget ids."""
PANES: tuple[PaneName, ...] = ("actors", "statements", "measures", "consequences", "detail")
"""The panes in Tab order; the number keys 1–5 focus them."""

Ref = tuple[str, int]
"""An entity as `(kind, id)`: `("measure", 12)`."""

HISTORY_LIMIT = 200
"""Steps kept in each direction; the oldest go first."""


class Location(NamedTuple):
    """Everything a history step restores: the row selected in every pane, and the focused pane.

    A named tuple (`_replace` makes a changed copy): a frozen dataclass costs ~0.8 ms
    to define, and this module is imported before the browser's first frame."""

    actor_id: int | None
    statement_id: int | None = None
    measure_id: int | None = None
    consequence_id: int | None = None
    focus: PaneName = "actors"
    detail: Ref | None = None
    """What the Detail pane shows, when it is not simply the focused list's row (an event)."""
    detail_scroll: int = 0
    """How far the Detail pane was scrolled (lines): Back returns to the same place in a long quote."""
    filters: tuple[tuple[str, str, str], ...] = ()
    """The facet filters kept then, as (pane, facet, value): Back and Forward restore them."""
    search: bool = False
    """The step was left by opening a search hit: Back to it reopens the search screen, its results as they were."""


T = TypeVar("T")


class History(Generic[T]):
    """The steps behind and ahead of the user; at most `limit` each way, the oldest dropped first.

    The current place is not kept here: the caller knows it, and hands it in
    whenever it moves (`leave`, `back`, `forward`), so the history can never
    disagree with the screen about where the user is.
    """

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        if limit < 1:
            raise ValueError("a history keeps at least one step")
        self.limit = limit
        self._behind: list[T] = []
        self._ahead: list[T] = []

    @property
    def can_go_back(self) -> bool:
        return bool(self._behind)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._ahead)

    def leave(self, here: T) -> None:
        """The user follows a link from `here`: Back returns to it; what was ahead is forgotten."""
        self._push(self._behind, here)
        self._ahead.clear()

    def back(self, here: T) -> T | None:
        """The step before `here` (None: there is none, and nothing changes); Forward returns to `here`."""
        if not self._behind:
            return None
        self._push(self._ahead, here)
        return self._behind.pop()

    def forward(self, here: T) -> T | None:
        """The step that Back left (None: there is none, and nothing changes); Back returns to `here`."""
        if not self._ahead:
            return None
        self._push(self._behind, here)
        return self._ahead.pop()

    def behind(self) -> Iterator[T]:
        """The steps Back walks through, the nearest first."""
        return reversed(self._behind)

    def ahead(self) -> Iterator[T]:
        """The steps Forward walks through, the nearest first."""
        return reversed(self._ahead)

    def _push(self, steps: list[T], step: T) -> None:
        steps.append(step)
        del steps[: -self.limit]

"""The browser's four list panes: what one row of each looks like. They receive models, never SQL.

Columns line up: dates are padded to one width (`render.DATE_WIDTH`), short
vocabularies (a statement's kind, a measure's relation to the actor, a
consequence's certainty) to the width of their longest word.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text

from ..rows import ActorItem, ConsequenceItem, MeasureItem, StatementItem
from . import render
from .virtual_list import VirtualList

KIND_HEADINGS: dict[str, str] = {
    "person": "person",
    "organization": "org",
    "state": "state",
    "media": "media",
    "group": "group",
}
"""Short names for the actor kinds, shown once at the top of each kind's group."""
_KIND_WIDTH = 7

RELATION_LABELS: dict[str, str] = {"imposed": "imposed", "targeted": "aimed at", "mentioned": "mentions"}
"""How a measure involves the selected actor: imposed by it, aimed at it, or named in its statements."""
_RELATION_WIDTH = 9


class ActorList(VirtualList[ActorItem]):
    """Actors grouped by kind (people, organisations, states, media, groups), by name within a kind."""

    label = "Actors"
    kind = "actor"

    def _kind_before(self, index: int) -> str | None:
        """The kind of the row before (None for the first row, or one not loaded)."""
        previous = self.item_at(index - 1) if index else None
        return None if previous is None else previous.kind

    def row_key(self, item: ActorItem, index: int) -> object:
        # The kind's heading shows on the first row of a kind: it depends on the row before.
        return self._kind_before(index)

    def render_item(self, item: ActorItem, index: int, width: int) -> Text:
        heading = KIND_HEADINGS.get(item.kind, item.kind) if self._kind_before(index) != item.kind else ""
        row = render.join(
            Text(heading.ljust(_KIND_WIDTH), style=self.style("accent")),
            render.plain(item.name),
        )
        if item.role:
            row.append("  ")
            row.append(render.plain(item.role, self.style("dim")))
        return row


class StatementList(VirtualList[StatementItem]):
    """The selected actor's statements, newest first: date, quote or paraphrase, text, channel."""

    label = "Statements"
    kind = "statement"
    VIA_WIDTH: ClassVar[int] = 12
    """The channel column, shown when the pane is wide enough to keep the text readable."""

    def render_item(self, item: StatementItem, index: int, width: int) -> Text:
        quote = item.kind == "quote"
        tag = Text("quote " if quote else "para. ", style=self.style("accent") if quote else self.style("dim"))
        text = render.plain(f"“{item.text}”" if quote else item.text)
        if width < 60:
            return render.join(render.date(item.said, self.style("dim")), " ", tag, text)
        body_width = width - render.DATE_WIDTH - 1 - len(tag) - 1 - self.VIA_WIDTH
        via = render.plain(item.via or "", self.style("dim"))
        return render.join(render.date(item.said, self.style("dim")), " ", tag, render.fit(text, body_width), " ", via)


class MeasureList(VirtualList[MeasureItem]):
    """Measures involving the selected actor, newest first, each marked with how it involves the actor.

    `marked` holds the measures the highlighted statement is about; they carry a mark.
    """

    label = "Measures"
    kind = "measure"

    def __init__(self, *, empty_message: str = "Nothing here", id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(empty_message=empty_message, id=id)
        self.marked: frozenset[int] = frozenset()

    def set_marked(self, measure_ids: frozenset[int]) -> None:
        """Mark these measures; only the visible rows whose mark changes are drawn again."""
        if measure_ids == self.marked:
            return
        changed = measure_ids ^ self.marked
        self.marked = measure_ids
        top = int(self.scroll_y)
        for index in range(top, top + self.scrollable_content_region.height):
            item = self.item_at(index)
            if item is not None and item.id in changed:
                self.refresh_line(index)

    def row_key(self, item: MeasureItem, index: int) -> object:
        return item.id in self.marked

    def render_item(self, item: MeasureItem, index: int, width: int) -> Text:
        relation = RELATION_LABELS.get(item.relation or "", "")
        mark = Text("◆ " if item.id in self.marked else "  ", style=self.style("mark"))
        return render.join(
            render.date(item.announced, self.style("dim")),
            " ",
            Text(relation.ljust(_RELATION_WIDTH), style=self.style("accent")),
            mark,
            render.plain(item.title),
        )


class ConsequenceList(VirtualList[ConsequenceItem]):
    """Consequences of the selected measure: due date, certainty, who is affected, what happens."""

    label = "Consequences"
    kind = "consequence"

    def render_item(self, item: ConsequenceItem, index: int, width: int) -> Text:
        row = render.join(
            render.date(item.due, self.style("dim")),
            " ",
            Text(item.certainty.ljust(12), style=self.style("accent")),
        )
        if item.affects is not None:
            row.append(render.plain(item.affects.name, self.style("mark")))
            row.append(": ")
        row.append(render.plain(item.description))
        return row

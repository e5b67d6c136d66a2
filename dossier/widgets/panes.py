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


def actor_label(item: ActorItem) -> str:
    """What tells an actor from others of the same name (`render.actor_facts`): role · country · slug."""
    return render.actor_facts(item.role, item.country, item.slug)


class ActorList(VirtualList[ActorItem]):
    """Actors grouped by kind (people, organisations, states, media, groups), by name within a kind.

    Each row takes two lines: the name (whole, wrapped when long), then what
    tells it from others of the same name (`actor_label`). In a pane wide
    enough, the kind stands once at the top of its group in a column of its
    own; in a narrow one each row's second line starts with it instead.
    """

    label = "Actors"
    kind = "actor"
    KIND_COLUMN_FROM: ClassVar[int] = 26
    """The narrowest pane (cells inside) with a column for the kind."""

    def row_height(self, width: int) -> int:
        return 2

    @staticmethod
    def _facts(item: ActorItem, room: int) -> str:
        """`actor_label` in `room` cells: the role is shortened first, so the slug (unique) stays whole."""
        facts = actor_label(item)
        if len(facts) <= room:
            return facts
        rest = render.actor_facts(None, item.country, item.slug)
        if len(rest) > room:  # then the country gives way too
            return render.actor_facts(None, None, item.slug)
        space = room - len(rest) - 3  # " · " before the rest
        if space < 4 or not item.role:
            return rest
        return f"{item.role[: space - 1].rstrip()}… · {rest}"

    def _kind_before(self, index: int) -> str | None:
        """The kind of the row before (None for the first row, or one not loaded)."""
        previous = self.item_at(index - 1) if index else None
        return None if previous is None else previous.kind

    def row_key(self, item: ActorItem, index: int) -> object:
        # The kind's heading shows on the first row of a kind: it depends on the row before.
        return self._kind_before(index)

    def render_item(self, item: ActorItem, index: int, width: int) -> Text:
        return render.join(*self.render_row_lines(item, index, width, 1))

    def render_row_lines(self, item: ActorItem, index: int, width: int, height: int) -> list[Text]:
        column = width >= self.KIND_COLUMN_FROM
        name = render.plain(item.name)
        meta = actor_label(item)
        if column:
            heading = KIND_HEADINGS.get(item.kind, item.kind) if self._kind_before(index) != item.kind else ""
            first = render.join(Text(heading.ljust(_KIND_WIDTH), style=self.style("accent")), name)
            indent = _KIND_WIDTH
        else:
            first, indent = name, 2
            meta = " · ".join(value for value in (KIND_HEADINGS.get(item.kind, item.kind), meta) if value)
        dim = render.plain(meta, self.style("dim"))
        if height <= 1:
            return [render.fit(render.join(first, "  ", dim), width)]
        if first.cell_len <= width:  # the name on the first line, what tells it apart on the second
            room = width - indent
            if column:
                meta = self._facts(item, room)
            else:
                kind = KIND_HEADINGS.get(item.kind, item.kind)
                meta = " · ".join(value for value in (kind, self._facts(item, room - len(kind) - 3)) if value)
            second = render.fit(render.plain(meta, self.style("dim")), room)
            return [render.fit(first, width), render.join(" " * indent, second)]
        return render.wrap_row(render.join(first, render.plain(" · ", self.style("dim")), dim), width, height, indent)


class StatementList(VirtualList[StatementItem]):
    """The selected actor's statements, newest first: date, quote or paraphrase, text, channel.

    Two lines a row. A wide pane has a column for the kind (`quote`, `para.`)
    and wraps the text under it; a narrow one gives the text all the room
    after the date (a quote is in quotation marks). The channel follows the text.
    """

    label = "Statements"
    kind = "statement"
    TAG_COLUMN_FROM: ClassVar[int] = 60
    """The narrowest pane (cells inside) with a column for quote or paraphrase."""

    def row_height(self, width: int) -> int:
        return 2

    @property
    def wrap_indent(self) -> int:  # type: ignore[override]
        return render.DATE_WIDTH + 1 + 6 if self.row_width >= self.TAG_COLUMN_FROM else 2

    def render_item(self, item: StatementItem, index: int, width: int) -> Text:
        quote = item.kind == "quote"
        text = render.plain(f"“{item.text}”" if quote else item.text)
        row = render.join(render.date(item.said, self.style("dim")), " ")
        if width >= self.TAG_COLUMN_FROM:
            tag_style = self.style("accent") if quote else self.style("dim")
            row.append(Text("quote " if quote else "para. ", style=tag_style))
        row.append(text)
        if item.via:
            row.append(render.plain(f" · via {item.via}", self.style("dim")))
        return row


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
        top, shown = self._rows_in_view()
        for index in range(top, top + shown):
            item = self.item_at(index)
            if item is not None and item.id in changed:
                self.refresh_row(index)

    COLUMNS_FROM: ClassVar[int] = 60
    """The narrowest pane (cells inside) with columns for the date and the relation; narrower, they follow the title."""

    def row_height(self, width: int) -> int:
        return 2

    @property
    def wrap_indent(self) -> int:  # type: ignore[override]
        wide = self.row_width >= self.COLUMNS_FROM
        return render.DATE_WIDTH + 1 + _RELATION_WIDTH + 2 if wide else 2

    def row_key(self, item: MeasureItem, index: int) -> object:
        return item.id in self.marked

    def render_item(self, item: MeasureItem, index: int, width: int) -> Text:
        relation = RELATION_LABELS.get(item.relation or "", "")
        mark = Text("◆ " if item.id in self.marked else "  ", style=self.style("mark"))
        if width >= self.COLUMNS_FROM:
            return render.join(
                render.date(item.announced, self.style("dim")),
                " ",
                Text(relation.ljust(_RELATION_WIDTH), style=self.style("accent")),
                mark,
                render.plain(item.title),
            )
        facts = " · ".join(value for value in (item.announced or render.MISSING, relation) if value)
        return render.join(mark, render.plain(item.title), render.plain(f" · {facts}", self.style("dim")))


class ConsequenceList(VirtualList[ConsequenceItem]):
    """Consequences of the selected measure: due date, certainty, who is affected, what happens.

    Two lines a row: the text follows the date; who it affects and how
    certain it is stand in columns when the pane is wide, after the text when narrow.
    """

    label = "Consequences"
    kind = "consequence"
    COLUMNS_FROM: ClassVar[int] = 60
    """The narrowest pane (cells inside) with a column for the certainty."""

    def row_height(self, width: int) -> int:
        return 2

    @property
    def wrap_indent(self) -> int:  # type: ignore[override]
        return render.DATE_WIDTH + 1 if self.row_width >= self.COLUMNS_FROM else 2

    def render_item(self, item: ConsequenceItem, index: int, width: int) -> Text:
        row = render.join(render.date(item.due, self.style("dim")), " ")
        wide = width >= self.COLUMNS_FROM
        if wide:
            row.append(Text(item.certainty.ljust(12), style=self.style("accent")))
        if item.affects is not None:  # the actor it affects, then what happens
            row.append(render.plain(item.affects.name, self.style("mark")))
            row.append(": ")
        row.append(render.plain(item.description))
        if not wide:
            row.append(render.plain(f" · {item.certainty}", self.style("dim")))
        return row

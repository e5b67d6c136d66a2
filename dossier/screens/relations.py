"""The relations view: for each pair of actors, the measures each took against the other.

A pair shows as a heading (`United States ⇄ Russia`), then each direction:
the count of measures with their quantities and consequences, the newest
measures, and the replies (what the target's side said about them) with the
newest few statements. Pairs are read a page at a time by offset in a thread
worker, without their replies, which a second worker then counts and fills
in; the next page is read when the cursor nears the end. Enter dismisses the
screen with the row's `(kind, id)`: an actor, a measure or a statement.
"""

from __future__ import annotations

from textual import on, work
from textual.widgets import OptionList
from textual.worker import get_current_worker

from ..rows import Relation
from ..store import Store, StoreError
from ..views import one_line, relation_rows
from ..words import plural
from ._view import Mark, ViewMarks, ViewScreen


def _markable(relation: Relation) -> dict[tuple[str, int], Mark]:
    """What `m` marks on each row of a pair: its actors, measures and replies, by the row's target."""
    found: dict[tuple[str, int], Mark] = {}
    for actor in (relation.first, relation.second):
        found[("actor", actor.id)] = ("actor", actor.id, actor.slug, actor.name)
    for side in (relation.forward, relation.backward):
        for m in side.measures:
            found[("measure", m.measure.id)] = ("measure", m.measure.id, m.measure.slug, m.measure.title)
        for s in side.replies:
            found[("statement", s.id)] = ("statement", s.id, s.slug, s.text)
    return found


class RelationsScreen(ViewScreen):
    """Pairs of actors and the reciprocity of their measures, busiest pair first."""

    PAGE = 10
    """Pairs read per page."""
    PREFETCH = 20
    """Read the next page when the cursor is this close to the last row."""

    def __init__(self, store: Store, actor_id: int | None = None, *, marks: ViewMarks | None = None) -> None:
        super().__init__(store, marks)
        self.actor_id = actor_id
        self.relations: list[Relation] = []
        self._loading = True
        self._exhausted = False
        self._actor_name: str | None = None

    def on_mount(self) -> None:
        self.load_pairs(self._generation, 0)

    @work(thread=True, exclusive=True, group="relations-pairs")
    def load_pairs(self, generation: int, offset: int) -> None:
        try:
            if self.actor_id is not None and self._actor_name is None:
                self._actor_name = self.store.actor(self.actor_id).name
            page: list[Relation] | str = self.store.relations(
                actor_id=self.actor_id, limit=self.PAGE, offset=offset, replies=False
            )
        except StoreError as exc:
            page = str(exc)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_pairs, page, generation, offset)

    @work(thread=True, group="relations-replies")
    def count_replies(self, generation: int, offset: int, page: list[Relation]) -> None:
        """The replies of a page of pairs, which cost more to count than the pairs: one update per page."""
        try:
            counted = self.store.with_replies(page)
        except StoreError:
            return  # the pairs are shown; their replies stay "counting…"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_replies, counted, generation, offset)

    def show_pairs(self, page: list[Relation] | str, generation: int, offset: int) -> None:
        if generation != self._generation or not self.is_attached:
            return
        self._loading = False
        if isinstance(page, str):
            self.set_status(page)
            return
        first_page = not self.relations
        self.relations[offset:] = page
        self._exhausted = len(page) < self.PAGE
        self.render_rows(keep_highlight=not first_page)
        if first_page and page:
            self.rows.action_first()
        if page:
            self.count_replies(generation, offset, page)

    def show_replies(self, counted: list[Relation], generation: int, offset: int) -> None:
        if generation != self._generation or not self.is_attached:
            return
        self.relations[offset : offset + len(counted)] = counted
        self.render_rows(keep_highlight=True)

    def render_rows(self, *, keep_highlight: bool) -> None:
        """(Re)build the rows from the pairs read so far, keeping the cursor on the same row."""
        rows = self.rows
        highlighted = rows.highlighted
        self._targets.clear()
        options = []
        self._marks.clear()
        for pair_index, relation in enumerate(self.relations):
            known = _markable(relation)
            for row_index, (line, target) in enumerate(relation_rows(relation)):
                mark = known.get(target) if target is not None else None
                options.append(self.option(f"pair-{pair_index}-{row_index}", [line], target, mark))
        rows.set_options(options)
        if keep_highlight and highlighted is not None and options:
            rows.highlighted = min(highlighted, len(options) - 1)
        who = f" of {one_line(self._actor_name)}" if self._actor_name else ""
        self.set_title([[(f"Relations{who}: who did what to whom, and what the other side said", "")]])
        if not self.relations:
            self.set_status("no measures between two actors")
        else:
            more = "" if self._exhausted else " · more below"
            self.set_status(f"{plural(len(self.relations), 'pair')}{more}")

    @on(OptionList.OptionHighlighted)
    def read_ahead(self, event: OptionList.OptionHighlighted) -> None:
        if self._loading or self._exhausted:
            return
        if event.option_index >= self.rows.option_count - self.PREFETCH:
            self._loading = True
            self.load_pairs(self._generation, len(self.relations))

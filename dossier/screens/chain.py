"""The response chain of one measure: what it answers and what answers it, oldest rung first.

Each step is one row (date, title; who imposed it on whom, its quantity;
its consequences; the link to its neighbour and who asserts it). The chain
is read in a thread worker at a first depth; when the cursor reaches an end
of the ladder where the walk was cut short, it is read again one depth step
further, keeping the cursor on the same measure. Enter dismisses the screen
with `("measure", id)`.
"""

from __future__ import annotations

from textual import on, work
from textual.widgets import OptionList
from textual.worker import get_current_worker

from ..rows import Chain
from ..store import Store, StoreError
from ..views import chain_step_lines, chain_title
from ._view import ViewMarks, ViewScreen


class ChainScreen(ViewScreen):
    """One measure's response chain, both ways."""

    DEPTH_STEP = 12
    """How much deeper each lazy step reads (and the first depth)."""

    def __init__(
        self, store: Store, measure_id: int, *, depth: int = DEPTH_STEP, marks: ViewMarks | None = None
    ) -> None:
        super().__init__(store, marks)
        self.measure_id = measure_id
        self.depth = depth
        self.chain: Chain | None = None

    def on_mount(self) -> None:
        self.load_chain(self.depth, self._generation, self.measure_id)

    @work(thread=True, exclusive=True, group="chain")
    def load_chain(self, depth: int, generation: int, keep: int) -> None:
        try:
            found: Chain | str = self.store.chain(self.measure_id, depth=depth)
        except StoreError as exc:
            found = str(exc)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_chain, found, generation, keep)

    def show_chain(self, found: Chain | str, generation: int, keep: int) -> None:
        if generation != self._generation or not self.is_attached:
            return  # a newer request is on its way, or the screen is gone
        if isinstance(found, str):
            self.set_status(found)
            return
        self.chain = found
        self.depth = found.depth
        self.set_title([chain_title(found)])
        rows = self.rows
        self._marks.clear()
        rows.set_options(
            self.option(
                f"step-{index}",
                chain_step_lines(step),
                ("measure", step.measure.id),
                ("measure", step.measure.id, step.measure.slug, step.measure.title),
            )
            for index, step in enumerate(found.steps)
        )
        position = next((i for i, step in enumerate(found.steps) if step.measure.id == keep), 0)
        rows.highlighted = position
        rows.scroll_to_highlight()
        earlier = sum(1 for s in found.steps if s.depth < 0)
        later = sum(1 for s in found.steps if s.depth > 0)
        cut = " · more beyond the depth limit: move to that end to read further" if self._has_more() else ""
        loops = " · a cycle" if any(s.loops_to for s in found.steps) else ""
        self.set_status(f"answers {earlier} · answered by {later} · depth {found.depth}{loops}{cut}")

    def _has_more(self) -> bool:
        return (
            self.chain is not None
            and self.depth < Store.CHAIN_MAX_DEPTH
            and any(step.more for step in self.chain.steps)
        )

    @on(OptionList.OptionHighlighted)
    def read_further(self, event: OptionList.OptionHighlighted) -> None:
        """At either end of a chain that goes on, read it one depth step further."""
        if self.chain is None or not self._has_more():
            return
        steps = self.chain.steps
        index = event.option_index
        top = index == 0 and any(s.more for s in steps if s.depth < 0)
        bottom = index == len(steps) - 1 and any(s.more for s in steps if s.depth > 0)
        if top or bottom:
            self._generation += 1
            depth = min(Store.CHAIN_MAX_DEPTH, self.depth + self.DEPTH_STEP)
            self.set_status(f"reading the chain to depth {depth}…")
            self.load_chain(depth, self._generation, steps[index].measure.id)

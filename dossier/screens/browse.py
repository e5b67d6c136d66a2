"""The browse screen: linked panes over one dossier, and the history of the links followed.

The screen owns the selection (`actor_id`, `statement_id`, `measure_id`,
`consequence_id`, `detail_ref`) as reactives and pushes it down: the actor
decides the Statements and Measures panes, the measure the Consequences pane,
the focused pane's row the Detail pane. Every pane's read goes to the one
reader thread (`widgets/reader.py`: a newer read of a pane supersedes an older
one), and results for a selection the user has already left are dropped, so
holding ↓ stays smooth on a dossier of any size.

`open_ref(kind, entity_id)` is the one public way in: the search screen, the
command palette, the Detail pane's references and any other view that wants
to show an entity call it, and it becomes a step in the history (Back and
Forward restore the selection of every pane and the focused pane).

Who owns what: each list owns its selection (its cursor, `highlighted_id`);
the screen's `actor_id`, `statement_id`, ... read the lists, never copy them.
The screen owns what is not in a list: the Detail pane's subject
(`detail_ref`), the actor kind filter, the `History` of `Location`s, and the
rows a history step still has to select (`PendingRows`). A list's
`Highlighted` message is where the linking happens, one handler per pane.

Queries run in the reader thread or workers, never in a handler, except on the first
screen: `on_mount` reads the actors and the first actor's statements at once
(no key can be waiting yet), so the first frame has rows.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import get_current_worker

from .. import keys
from ..filters import filter_note, toggled, with_dates
from ..history import PANES, History, Location, PaneName, Ref
from ..rows import ActorItem, ConsequenceItem, Filters, MeasureItem, StatementItem
from ..store import Store, StoreError
from ..widgets import reader, render
from ..widgets.detail import (
    Block,
    DetailPane,
    DetailStyles,
    actor_blocks,
    consequence_blocks,
    event_blocks,
    measure_blocks,
    statement_blocks,
)
from ..widgets.footer import KeysFooter
from ..widgets.frame_hold import FrameHold
from ..widgets.panes import ActorList, ConsequenceList, MeasureList, StatementList
from ..widgets.textual_compat import draw_changes_only
from ..widgets.title_bar import TitleBar
from ..widgets.virtual_list import Pager, Snapshot, VirtualList, read_again
from .capture_keys import CaptureActions, CaptureKeys
from .notebook_keys import NotebookActions, NotebookKeys

PANE_OF_KIND: dict[str, PaneName] = {
    "actor": "actors",
    "statement": "statements",
    "measure": "measures",
    "consequence": "consequences",
}
REF_KINDS = ("actor", "statement", "measure", "consequence", "event")
"""What `open_ref` can open."""
LISTS = "#actors,#statements,#measures,#consequences"
"""A selector for the four list panes."""


@dataclass(frozen=True)
class PendingRows:
    """The rows a history step still has to select, each once its pane has loaded.

    `statement_id` and `measure_id` are selected when the actor `actor_id` is
    (its panes load then); `consequence_id` when the measure `consequence_of`
    is (its Consequences pane loads then). A field is cleared once its row has
    been asked for, so a later load of the same pane leaves the user's row.
    """

    actor_id: int | None = None
    statement_id: int | None = None
    measure_id: int | None = None
    consequence_id: int | None = None
    consequence_of: int | None = None


def _slug_of(kind: str, model: Any) -> str:
    """The slug of what the Detail pane shows (a detail model carries its entity inside)."""
    inner = {"actor": "actor", "statement": "statement", "measure": "measure"}.get(kind)
    return str(getattr(model, inner).slug if inner else model.slug)


@dataclass(frozen=True)
class Kept:
    """A list's selection when the file changed: its row's identity (slug), the cursor, its place in the pane."""

    slug: str | None
    index: int
    offset: int
    """Rows between the top of the pane and the cursor: the cursor stays there."""
    around: int
    """Rows to read either side of the cursor: a screenful."""


def kept(pane: VirtualList[Any]) -> Kept:
    item = pane.highlighted
    slug = getattr(item, "slug", None) if item is not None else None
    rows = pane.scrollable_content_region.height // max(1, pane.line_height) + 1
    return Kept(slug if isinstance(slug, str) else None, pane.cursor, max(0, pane.cursor_offset), rows)


def live_seconds() -> float:
    """How often the browser looks for another program's changes to its file: `DOSSIER_LIVE_SECONDS`, 0 for never."""
    try:
        seconds = float(os.environ.get("DOSSIER_LIVE_SECONDS", "0.5"))
    except ValueError:
        return 0.5
    return seconds if seconds > 0 else 0.0


def chain_measure(store: Store, ref: Ref | None, highlighted_measure: int | None) -> int | None:
    """The measure whose response chain `c` shows: the one in the Detail pane, or of what is there.

    A measure is itself; a consequence gives its measure; a statement the first
    measure it is about. Otherwise the measure highlighted in the Measures pane.
    Queries the store: call it in a worker.
    """
    if ref is not None:
        kind, entity_id = ref
        if kind == "measure":
            return entity_id
        if kind == "consequence":
            return store.consequence(entity_id).measure.id
        if kind == "statement":
            about = store.statement_detail(entity_id).about
            if about:
                return about[0].measure.id
    return highlighted_measure


class BrowseScreen(CaptureActions, NotebookActions, Screen[None]):
    """Actors, their statements and measures, a measure's consequences, and the detail of what is highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("browse")
    KEYS_AT_ONCE: ClassVar[bool] = True
    """Bound keys run as they arrive, in the order typed (`DossierApp.on_event`, `DossierApp._hold_key`)."""

    # State, not something drawn: `repaint=False`, since a screen reactive that
    # repaints redraws every pane of the screen on every key press (~40 ms at
    # 120x40). Each pane repaints itself when what it shows changes.
    detail_ref: reactive[Ref | None] = reactive(None, init=False, repaint=False)
    """What the Detail pane shows: the focused list's row, or a reference opened into it."""
    actor_kind: reactive[str | None] = reactive(None, init=False, repaint=False)
    """Only actors of this kind in the Actors pane (None: every kind, grouped)."""

    # The screen's own messages are plain classes: a dataclass costs ~0.3 ms to define,
    # before the first frame (docs/performance.md).
    class _Resolved(Message):
        def __init__(self, location: Location | None) -> None:
            super().__init__()
            self.location = location
            """None: the entity could not be found (the notice says why)."""

    class _DetailLoaded(Message, bubble=False):  # handled here: no trip to the app
        def __init__(self, ref: Ref, model: Any, edited: str | None = None) -> None:
            super().__init__()
            self.ref = ref
            self.model = model
            self.edited = edited
            """When the entity was last edited (the audit trail), if ever."""

    class _Marks(Message, bubble=False):
        def __init__(self, statement_id: int, measure_ids: frozenset[int]) -> None:
            super().__init__()
            self.statement_id = statement_id
            self.measure_ids = measure_ids

    class _ChainFound(Message):
        def __init__(self, measure_id: int | None) -> None:
            super().__init__()
            self.measure_id = measure_id

    class _FileChecked(Message):
        def __init__(self, version: int | None, problem: str | None) -> None:
            super().__init__()
            self.version = version
            """The file's `data_version` (None: it could not be read)."""
            self.problem = problem
            """What is wrong with the file (deleted, replaced, unreadable), or None."""

    class _ReadAgain(Message):
        def __init__(
            self,
            stamp: object,
            version: int | None,
            panes: dict[str, Snapshot[Any] | None],
            kept: dict[str, Kept],
            detail: tuple[Ref, Any, str | None] | None,
            error: str | None = None,
        ) -> None:
            super().__init__()
            self.stamp = stamp
            self.version = version
            self.panes = panes
            self.kept = kept
            self.detail = detail
            self.error = error

    def __init__(
        self,
        store: Store,
        *,
        start: Ref | None = None,
        check_seconds: float = 0.0,
        notebook: Path | None = None,
        notebook_off: str | None = None,
        write: Path | None = None,
    ) -> None:
        # The width class is given now, not on mount: no restyle of the screen before its first frame.
        super().__init__(classes="-narrow" if self.app.size.width < self.NARROW_WIDTH else None)
        draw_changes_only(self)
        self.store = store
        self.notebook = NotebookKeys(self, notebook, notebook_off)
        self.capture = CaptureKeys(self, write)
        """`e`, `a`, `D`: writing `write` (`dossier browse --write`); None: read-only, and the keys say so."""
        """The notebook's keys and what it holds on this dossier (loaded after the first frame)."""
        self._start = start
        self._check_seconds = check_seconds
        """Damage check still to run once the first actors are on screen (0: none)."""
        self.history: History[Location] = History()
        """The steps behind and ahead (Back, Forward)."""
        self._pending = PendingRows()
        self._detail_source: PaneName = "actors"
        self._starting = False
        """True while the first screen is read (`on_mount`): panes load at once, not in workers."""
        self._first_drawn = False
        """Whether the first frame has been drawn: until then workers wait (`_first_frame_drawn`)."""
        self._held_detail: Ref | None = None
        """What the Detail pane reads once the first frame is drawn."""
        self._resumed = False
        """Whether the screen has been shown (`ScreenResume`) at least once."""
        self._navigating = False
        """True while a link followed is being resolved (`open_ref`): the keys after it wait for it."""
        self._detail_loading: Ref | None = None
        """What the Detail pane is loading now (None: it shows `detail_ref`)."""
        self._scroll_on_load: tuple[Ref, int] | None = None
        """A history step's Detail scroll position, for when its row has loaded (`_restore_detail_scroll`)."""
        self._cursor_on_load: Ref | None = None
        """Opened with Enter while loading: put the Detail cursor on its first reference when it arrives."""
        self.filters: dict[str, Filters] = {"actors": (), "statements": (), "measures": ()}
        """Each pane's facet filters (the Actors pane's kind is `actor_kind`); see `action_open_facets`."""
        self._filter_labels: dict[tuple[str, str], str] = {}
        """How a filter's value is shown (a source's title for its id)."""
        self._timeline_states: dict[int | None, Any] = {}
        """Each timeline's `TimelineState` (the dossier's under None, an actor's under its id): `t` reopens it."""
        self._search_state: Any = None
        """The search screen's `SearchState` (query, kind, hit), kept so that `/` reopens it where it was left."""
        self._data_version: int | None = None
        """The file's `PRAGMA data_version` when the panes were last read: another commit changes it."""
        self._stale = False
        """The file changed since the panes were read: read them again as soon as nothing else is loading."""
        self._watching = threading.Event()
        """Set when the screen goes: the thread that watches the file stops."""
        self._reading_again = False
        self._file_problem: str | None = None
        """The last problem with the file that a notice told (each is told once)."""
        self._views_told = False
        """An open view has been told that the dossier changed under it (once until the browser is back on top)."""
        # The panes, made here and kept: a lookup by id on every key press costs more than the move.
        self.actors = ActorList(id="actors", empty_message="This dossier has no actors")
        self.statements = StatementList(id="statements", empty_message="No actor selected")
        self.measures = MeasureList(id="measures", empty_message="No actor selected")
        self.consequences = ConsequenceList(id="consequences", empty_message="Select a measure to see its consequences")
        self.detail = DetailPane(id="detail")
        self._panes: dict[PaneName, ActorList | StatementList | MeasureList | ConsequenceList | DetailPane] = {
            "actors": self.actors,
            "statements": self.statements,
            "measures": self.measures,
            "consequences": self.consequences,
            "detail": self.detail,
        }

    def compose(self) -> ComposeResult:
        # The screen is the grid (dossier.tcss), between the title bar docked on top and the keys
        # docked below: no container of its own to style, lay out and draw under the panes. The
        # panes stand in the order the grid fills its cells, so that the same five widgets make
        # three columns on a wide terminal and two on a narrow one (`-narrow`).
        yield TitleBar()
        yield self.actors
        yield self.statements
        yield self.detail
        yield self.measures
        yield self.consequences
        yield KeysFooter(show_command_palette=False)

    NARROW_WIDTH: ClassVar[int] = 100
    """Below this many columns the browser has two columns, not three (see dossier.tcss)."""

    def _fit_layout(self, width: int) -> None:
        self.set_class(width < self.NARROW_WIDTH, "-narrow")

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Shown for the first time: every widget was styled as it was mounted, a moment ago, and the
        # focus restyled what it changed. Textual would style the whole screen again before the first frame.
        if not self._first_drawn and not self._resumed:
            event.refresh_styles = False
        self._resumed = True

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout(event.size.width)
        self.refresh_bindings()  # the footer shows the view keys only when there is room

    FOOTER_VIEWS_WIDTH: ClassVar[int] = 120
    """From this many columns the footer shows the view keys too (c t r): below, they would push Help out."""
    VIEW_KEYS: ClassVar[frozenset[str]] = frozenset({"open-chain", "open-timeline", "open-relations"})

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, less the view keys in the footer when the terminal is narrow.

        Only what the footer (and Textual's key panel) shows reads this; keys are
        looked up along the focus chain, so `c`, `t` and `r` work at every width.
        """
        bindings = super().active_bindings
        if self.app.size.width >= self.FOOTER_VIEWS_WIDTH:
            return bindings
        return {
            key: active._replace(binding=replace(active.binding, show=False))
            if active.binding.id in self.VIEW_KEYS
            else active
            for key, active in bindings.items()
        }

    def on_mount(self) -> None:
        self._hold = FrameHold(self.app)
        for pane in (self.actors, self.statements, self.measures, self.consequences):
            pane.frame_hold = self._hold
            pane.held = []  # its workers start once the first frame is drawn (`_first_frame_drawn`)
        self.set_focus(self.actors)
        for pane in (self.statements, self.measures, self.consequences):
            pane.load(None)  # until the first actor arrives, each pane says why it is empty
        # The first screen is read here, not in workers: no key can be waiting yet, and
        # the first frame then shows the actors and the first actor's statements, not
        # empty panes drawn again a moment later (docs/performance.md). Measures, consequences
        # and the Detail pane follow in workers, as for every later selection.
        try:  # before the first read: a commit between the two is then seen by the first poll
            self._data_version = self.store.data_version()
        except StoreError:
            self._data_version = None
        self._starting = True
        try:
            location = Location(None)
            if self._start is not None:
                try:
                    location = self._locate(*self._start, current_actor=None)
                except StoreError as exc:
                    render.notify(self.app, str(exc), severity="error")
            self._apply(location)
            if self.actors.highlighted is not None:
                # What its Highlighted message will ask for, at once: the first frame has the statements.
                self._show_actor(self.actors.highlighted_id)
        finally:
            self._starting = False
        self.call_after_refresh(self._first_frame_drawn)
        self.call_after_refresh(self.notebook.load)  # the first screen does not wait for the notebook

    def _first_frame_drawn(self) -> None:
        """Start what the first frame did not wait for: the panes' workers, the Detail pane's, the file's watch.

        Until the first frame is drawn, the panes that load in workers (Measures,
        the Detail pane, the pages beyond the first screen's) hold their reads:
        those threads, started while the first screen is laid out and drawn,
        would share the CPU and the interpreter with it, and none of them could
        land in time for that frame anyway. They start here, in the order asked.
        """
        self._first_drawn = True
        for pane in (self.actors, self.statements, self.measures, self.consequences):
            pane.start_held()
        ref, self._held_detail = self._held_detail, None
        if ref is not None and ref == self._detail_loading == self.detail_ref:
            self._load_detail(ref)
        seconds = live_seconds()
        if seconds:
            threading.Thread(target=self._watch_file, args=(seconds,), name="dossier-live", daemon=True).start()

    # ----------------------------------------------------------------- panes and the selection

    def pane(self, name: PaneName) -> ActorList | StatementList | MeasureList | ConsequenceList | DetailPane:
        return self._panes[name]

    @property
    def actor_id(self) -> int | None:
        """The actor highlighted in the Actors pane; decides the Statements and Measures panes."""
        return self.actors.highlighted_id

    @property
    def statement_id(self) -> int | None:
        """The statement highlighted in the Statements pane; its measures are marked in the Measures pane."""
        return self.statements.highlighted_id

    @property
    def measure_id(self) -> int | None:
        """The measure highlighted in the Measures pane; decides the Consequences pane."""
        return self.measures.highlighted_id

    @property
    def consequence_id(self) -> int | None:
        """The consequence highlighted in the Consequences pane."""
        return self.consequences.highlighted_id

    @property
    def focused_pane(self) -> PaneName:
        focused = self.focused
        if focused is not None and focused.id in PANES:
            return focused.id
        return self._detail_source

    # ----------------------------------------------------------------- the one way in

    def open_ref(self, kind: str, entity_id: int, *, from_search: bool = False) -> None:
        """Show any actor, statement, measure, consequence or event, as a step in the history.

        An actor is selected in the Actors pane; a statement in its speaker's
        Statements; a measure among the Measures of the current actor when it
        involves that actor, else of the actor that imposed it (or that it
        targets); a consequence under its measure; an event in the Detail pane,
        beside its first participant. Back returns to where the user was.
        """
        if kind not in REF_KINDS:
            raise ValueError(f"cannot open a {kind!r}; use one of {', '.join(REF_KINDS)}")
        self.history.leave(self.location()._replace(search=from_search))
        self._navigating = True
        self._resolve(kind, entity_id, current_actor=self.actor_id)
        self.refresh_bindings()

    def keys_pending(self) -> bool:
        """Whether a link followed, or the Detail pane the focus is in, is still on its way.

        A key typed after Enter acts where Enter led: in the pane the link
        selects, or among the references of the row Enter opened.
        """
        return self._navigating or (self._detail_loading is not None and self.focused is self.detail)

    def location(self) -> Location:
        """Where the user is now: the row selected in every pane and the focused pane."""
        return Location(
            actor_id=self.actor_id,
            statement_id=self.statement_id,
            measure_id=self.measure_id,
            consequence_id=self.consequence_id,
            focus=self.focused_pane,
            detail=self.detail_ref,
            detail_scroll=int(self.detail.scroll_y),
            filters=self._all_filters("", ()),
        )

    @property
    def can_go_back(self) -> bool:
        return self.history.can_go_back

    @property
    def can_go_forward(self) -> bool:
        return self.history.can_go_forward

    @work(thread=True, exclusive=True, group="navigate")
    def _resolve(self, kind: str, entity_id: int, current_actor: int | None) -> None:
        """Find where an entity is shown (which actor, which pane), off the UI thread."""
        try:
            location: Location | None = self._locate(kind, entity_id, current_actor)
        except StoreError as exc:
            self.app.call_from_thread(render.notify, self.app, str(exc), severity="error")
            location = None
        if not get_current_worker().is_cancelled:
            self.post_message(self._Resolved(location))

    def _locate(self, kind: str, entity_id: int, current_actor: int | None) -> Location:
        store = self.store
        if kind == "actor":
            store.actor(entity_id)
            return Location(entity_id, focus="actors")
        if kind == "statement":
            statement = store.statement(entity_id)
            return Location(statement.speaker.id, statement_id=entity_id, focus="statements")
        if kind == "event":
            event = store.event(entity_id)
            actor = event.participants[0].id if event.participants else current_actor
            return Location(actor, focus="detail", detail=("event", entity_id))
        if kind == "consequence":
            measure_id = store.consequence(entity_id).measure.id
        else:
            measure_id = entity_id
        actor = self._actor_for_measure(measure_id, current_actor)
        if actor is None:  # a measure no actor is linked to: show it in the Detail pane
            return Location(current_actor, focus="detail", detail=(kind, entity_id))
        if kind == "consequence":
            return Location(actor, measure_id=measure_id, consequence_id=entity_id, focus="consequences")
        return Location(actor, measure_id=measure_id, focus="measures")

    def _actor_for_measure(self, measure_id: int, current_actor: int | None) -> int | None:
        store = self.store
        if current_actor is not None and store.measure_position(current_actor, measure_id) is not None:
            return current_actor
        measure = store.measure(measure_id)
        for ref in (measure.imposed_by, measure.target):
            if ref is not None:
                return ref.id
        for about in store.measure_detail(measure_id).statements:
            speaker = about.statement.speaker.id
            if store.measure_position(speaker, measure_id) is not None:
                return speaker
        return None

    @on(_Resolved)
    def _go_to_resolved(self, message: _Resolved) -> None:
        self._navigating = False
        if message.location is not None:
            self._apply(message.location)

    def _apply(self, location: Location) -> None:
        """Select every pane's row as `location` says (rows load in workers) and focus its pane."""
        if location.filters != self._all_filters("", ()) and not self._starting:
            self._set_filters(location.filters)
        self._pending = PendingRows(
            actor_id=location.actor_id,
            statement_id=location.statement_id,
            measure_id=location.measure_id,
            consequence_id=location.consequence_id,
        )
        if location.focus == "detail" and location.detail is not None:
            # A row of a list keeps driving the pane; anything else (an event) stays put.
            self._detail_source = PANE_OF_KIND.get(location.detail[0], "detail")
            self.detail_ref = location.detail
        elif location.focus != "detail":
            self._detail_source = location.focus
        self.set_focus(self.pane(location.focus))
        self._restore_detail_scroll(location)
        self._show_target_now(location)
        if self.actors.count is None and self.actors.highlighted is None and location.actor_id is None:
            self.actors.load(self._actor_pager(), now=self._starting)
        elif location.actor_id is None or location.actor_id != self.actor_id or self.actors.count is None:
            self.actors.load(self._actor_pager(), select_id=location.actor_id, now=self._starting)
        else:
            self._select_children()
        if location.focus != "detail":
            self._show_focused_row(location)

    def _show_focused_row(self, location: Location) -> None:
        """The Detail pane shows the focused list's row at once when that row is already highlighted.

        Otherwise its `Highlighted` message does, once it has loaded. (Following a
        statement's speaker, the actor already selected, would else leave the
        statement in the Detail pane: no row moves, so no message comes.)
        """
        wanted = {
            "actors": location.actor_id,
            "statements": location.statement_id,
            "measures": location.measure_id,
            "consequences": location.consequence_id,
        }.get(location.focus)
        pane = self.pane(location.focus)
        if wanted is not None and isinstance(pane, VirtualList) and pane.highlighted_id == wanted:
            self.detail_ref = (pane.kind, wanted)

    def _restore_detail_scroll(self, location: Location) -> None:
        """Scroll the Detail pane back to where the step had it, now or once its row has loaded."""
        self._scroll_on_load = None
        ids = {
            "actors": location.actor_id,
            "statements": location.statement_id,
            "measures": location.measure_id,
            "consequences": location.consequence_id,
        }
        ref = location.detail
        if ref is None and location.focus in ids and ids[location.focus] is not None:
            ref = (
                {"actors": "actor", "statements": "statement", "measures": "measure", "consequences": "consequence"}[
                    location.focus
                ],
                ids[location.focus],
            )  # type: ignore[assignment]
        if ref is None or not location.detail_scroll:
            return
        if self.detail.subject == ref and self._detail_loading is None:
            self.detail.scroll_to(y=location.detail_scroll, animate=False, immediate=True)
        else:
            self._scroll_on_load = (ref, location.detail_scroll)

    def _show_target_now(self, location: Location) -> None:
        """When the row a step goes to is already highlighted, the Detail pane shows it now.

        Its list will not announce it again (the cursor does not move), and the
        focus may already be there: without this, following a statement's
        speaker who is the highlighted actor left the statement in the Detail pane.
        """
        if location.focus == "detail":
            return
        wanted = {
            "actors": location.actor_id,
            "statements": location.statement_id,
            "measures": location.measure_id,
            "consequences": location.consequence_id,
        }[location.focus]
        pane = self.pane(location.focus)
        if wanted is not None and isinstance(pane, VirtualList) and pane.highlighted_id == wanted:
            if location.focus == "actors" or location.actor_id == self.actor_id:
                self.detail_ref = (pane.kind, wanted)

    def _select_children(self) -> None:
        """The actor is already selected: move its panes to the pending rows."""
        pending = self._pending
        self._pending = replace(pending, statement_id=None, measure_id=None, consequence_id=None)
        statement, measure, consequence = pending.statement_id, pending.measure_id, pending.consequence_id
        if statement is not None and statement != self.statement_id:
            self.statements.select_id(statement)
        if measure is not None and measure != self.measure_id:
            if consequence is not None:  # once the measure's consequences have loaded
                self._pending = replace(self._pending, consequence_of=measure, consequence_id=consequence)
            self.measures.select_id(measure)
        elif consequence is not None and consequence != self.consequence_id:
            self.consequences.select_id(consequence)

    # ----------------------------------------------------------------- another program changed the file

    # Every `live_seconds()` a thread of the screen's own (`_watch_file`) asks the store for the file's
    # `data_version` (SQLite changes it when any other connection commits: an import in another
    # terminal, an edit's own write connection) and whether the path still names the file opened.
    # On a change the panes are read again, all of them in one read transaction, and shown in one
    # frame: never half of a change. Each list keeps its row by its slug where the row is still
    # there, else the cursor stays at its place (clamped to the new count). See docs/browser.md.

    def _watch_file(self, seconds: float) -> None:
        """Every `seconds`, in a thread of its own: has the file changed? Tells the screen only when it has.

        Not a Textual worker and no timer: when nothing changes, the UI thread
        does nothing at all. It reads with the store's lock (a few µs), so it
        waits for a pane's query like any reader, never the other way round.
        """
        known = self._data_version
        told: str | None = None
        while not self._watching.wait(seconds):
            version: int | None = None
            try:
                problem = self.store.file_change()
                version = self.store.data_version()
            except StoreError as exc:
                problem = str(exc)
            except Exception:  # the store was closed under it: the app is ending
                return
            changed = version is not None and version != known
            if changed or problem != told:
                known = version if version is not None else known
                told = problem
                self.post_message(self._FileChecked(version, problem))

    def on_unmount(self) -> None:
        self._watching.set()

    @on(events.ScreenResume)
    def _views_closed(self) -> None:
        self._views_told = False  # the next change under a view is told again

    @on(_FileChecked)
    def _file_checked(self, message: _FileChecked) -> None:
        if message.problem != self._file_problem:
            self._file_problem = message.problem
            if message.problem:
                render.notify(self.app, message.problem, severity="warning")
        if message.version is not None and message.version != self._data_version:
            self._data_version = message.version
            self._stale = True
            self._tell_open_view()
        if self._stale:
            self.refresh_data()

    def _tell_open_view(self) -> None:
        """A view over the browser (chain, timeline, relations, search, facets) keeps what it read: say so, once."""
        screen = self.app.screen
        if screen is self or self._views_told or screen.__class__.__name__ in ("HelpScreen", "TooSmallScreen"):
            return
        self._views_told = True
        render.notify(
            self.app,
            "The dossier changed in another program: the browser's panes show it; this view was read before"
            " (close it and open it again to see the change).",
            severity="information",
        )

    def _refresh_stamp(self) -> object:
        """What the user has selected and loading now: a read again is shown only if this has not changed."""
        lists = (self.actors, self.statements, self.measures, self.consequences)
        return (self.location(), tuple(pane.generation for pane in lists), tuple(pane.cursor for pane in lists))

    def refresh_data(self) -> None:
        """Read every pane again from the file as it is now, keeping each pane's row where it is still there.

        Called when the watching thread has seen another connection commit,
        and by whoever has just written the file and wants it shown at once
        (an edit: `messages.DossierChanged`). While a link is followed or a
        list is loading it tries again a moment later; the Detail pane is read
        again too.
        """
        self._stale = True
        lists: tuple[VirtualList[Any], ...] = (self.actors, self.statements, self.measures, self.consequences)
        if self._reading_again:
            return  # `_show_read_again` reads again when it is done, since `_stale` is set
        if self._navigating or any(pane.rows_pending for pane in lists):
            self.set_timer(self.RETRY_SECONDS, self._refresh_if_stale)
            return
        self._stale = False
        self._reading_again = True
        held = {str(pane.id): kept(pane) for pane in lists}
        self._read_again(self._refresh_stamp(), held, self.actor_id, self.measure_id, self.detail_ref)

    RETRY_SECONDS: ClassVar[float] = 0.05
    """How soon a read again put off (a link being followed, a list loading) is tried again."""

    def _refresh_if_stale(self) -> None:
        if self._stale:
            self.refresh_data()

    @work(thread=True, exclusive=True, group="refresh")
    def _read_again(
        self, stamp: object, held: dict[str, Kept], actor_id: int | None, measure_id: int | None, ref: Ref | None
    ) -> None:
        store = self.store

        def again(pane: str, kind: str, pager: Pager[Any], same: bool) -> Snapshot[Any]:
            keep = held[pane] if same else Kept(None, 0, 0, held[pane].around)
            keep_id = store.find(kind, keep.slug) if keep.slug else None
            return read_again(pager, keep_id, keep.index, keep.around)

        panes: dict[str, Snapshot[Any] | None] = dict.fromkeys(("statements", "measures", "consequences"))
        detail: tuple[Ref, Any, str | None] | None = None
        try:
            with store.snapshot():
                version = store.data_version()
                panes["actors"] = actors = again("actors", "actor", self._actor_pager(), True)
                actor = actors.highlighted
                if actor is not None:
                    same = actor.id == actor_id
                    panes["statements"] = again("statements", "statement", self._statement_pager(actor.id), same)
                    panes["measures"] = measures = again("measures", "measure", self._measure_pager(actor.id), same)
                    measure = measures.highlighted
                    if measure is not None:
                        pager = self._consequence_pager(measure.id)
                        panes["consequences"] = again("consequences", "consequence", pager, measure.id == measure_id)
                if ref is not None:
                    detail = (ref, *self._detail_model(ref))
        except StoreError as exc:
            message = self._ReadAgain(stamp, None, {}, held, None, error=str(exc))
        else:
            message = self._ReadAgain(stamp, version, panes, held, detail)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(_ReadAgain)
    def _show_read_again(self, message: _ReadAgain) -> None:
        self._reading_again = False
        if message.error is not None:
            if message.error != self._file_problem:
                self._file_problem = message.error
                render.notify(self.app, message.error, severity="error")
            return
        if message.stamp != self._refresh_stamp():
            self.refresh_data()  # the user moved meanwhile: read again from where they are now
            return
        if message.version is not None:
            self._data_version = message.version
        panes, held = message.panes, message.kept
        with self.app.batch_update():
            actors = panes["actors"]
            assert actors is not None
            self.actors.show_again(actors, subject=None, offset=held["actors"].offset)
            actor = actors.highlighted
            name = actor.name if actor is not None else None
            for pane, empty in (
                (self.statements, "No statements by this actor"),
                (self.measures, "No measures involve this actor"),
                (self.consequences, "No consequences recorded for this measure"),
            ):
                assert pane.id is not None
                snapshot = panes[pane.id]
                if snapshot is None:
                    none = "No actor selected"
                    if pane is self.consequences:
                        none = "Select a measure to see its consequences"
                    pane.load(None, empty_message=none)
                    continue
                subject = name
                if pane is self.consequences:
                    measure = self.measures.highlighted
                    subject = measure.title if measure is not None else None
                pane.empty_message = empty
                pane.show_again(snapshot, subject=subject, offset=held[pane.id].offset)
            if message.detail is not None and message.detail[0] == self.detail_ref:
                self._show_detail(self._DetailLoaded(*message.detail))
        if self._stale:
            self.refresh_data()

    # ----------------------------------------------------------------- history keys

    def action_go_back(self) -> None:
        """Return to where the user was before the last link followed."""
        location = self.history.back(self.location())
        if location is not None:
            self._apply(location)
            self.refresh_bindings()
            if location.search:  # the step was left for a search hit: back to the results
                self.action_open_search()

    def action_go_forward(self) -> None:
        """Redo the step that Back undid."""
        location = self.history.forward(self.location())
        if location is not None:
            self._apply(location)
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None greys the key out in the footer: there is nowhere to go.
        if action == "go_back":
            return True if self.history.can_go_back else None
        if action == "go_forward":
            return True if self.history.can_go_forward else None
        return True

    # ----------------------------------------------------------------- focus keys

    # Focus moves here at once (`set_focus`), not as `Widget.focus` does, after the keys already
    # queued: `2` then `j` in one write (a paste, SSH, a fast typist) must move the Statements
    # cursor, and `j` is routed by the focus it finds when its turn comes.

    def action_focus_pane(self, name: str) -> None:
        for pane in PANES:
            if pane == name:
                self.set_focus(self.pane(pane))

    def action_focus_next_pane(self) -> None:
        self._focus_step(1)

    def action_focus_previous_pane(self) -> None:
        self._focus_step(-1)

    def _focus_step(self, step: int) -> None:
        current = self.focused.id if self.focused is not None else None
        index = PANES.index(current) if current in PANES else -step
        self.set_focus(self.pane(PANES[(index + step) % len(PANES)]))

    def _open_result(self, ref: Ref | None) -> None:
        """What a search or a view screen was closed with: go there, as a step in the history."""
        if ref is not None:
            self.open_ref(*ref)

    def action_open_search(self) -> None:
        """The search screen, where it was left: the same query, kind and hit (`SearchState`)."""
        from .search import SearchScreen, SearchState

        if self._search_state is None:
            self._search_state = SearchState()
        search = SearchScreen(self.store, self._search_state)
        self.app.push_screen(search, self._open_search_result)
        search.call_after_refresh(lambda: self.notebook.mark_results(search.results))  # marks drawn in the hits

    def _open_search_result(self, ref: Ref | None) -> None:
        """A hit opened from the search: a step in the history that Back takes back to the results."""
        if ref is not None:
            self.open_ref(*ref, from_search=True)

    # ----------------------------------------------------------------- chain, timeline, relations

    def action_open_chain(self) -> None:
        """The response chain of the measure at hand (see `chain_measure`), found in a worker."""
        self._find_chain_measure(self.detail_ref, self.measure_id)

    @work(thread=True, exclusive=True, group="chain")
    def _find_chain_measure(self, ref: Ref | None, highlighted_measure: int | None) -> None:
        try:
            measure_id = chain_measure(self.store, ref, highlighted_measure)
        except StoreError as exc:
            self.app.call_from_thread(render.notify, self.app, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._ChainFound(measure_id))

    @on(_ChainFound)
    def _open_chain(self, message: _ChainFound) -> None:
        if not self.is_current:
            return  # the user has opened another screen meanwhile: do not cover it
        if message.measure_id is None:
            self.notify(
                "No measure here: highlight a measure, or a statement about one, to see its chain.",
                title="Chain",
                severity="warning",
                markup=False,
            )
            return
        from .chain import ChainScreen

        self.app.push_screen(ChainScreen(self.store, message.measure_id, marks=self.notebook), self._open_result)

    def action_open_timeline(self) -> None:
        """Everything in the dossier in date order, where the timeline was left (`TimelineState`)."""
        self._open_timeline(None)

    def action_open_actor_timeline(self) -> None:
        """The timeline of the actor highlighted in the Actors pane, where it was left."""
        if self.actor_id is not None:
            self._open_timeline(self.actor_id)

    def _open_timeline(self, actor_id: int | None) -> None:
        from .timeline import TimelineScreen, TimelineState

        state = self._timeline_states.get(actor_id)
        if state is None:
            if len(self._timeline_states) > 20:  # a few actors' places, not every actor's
                self._timeline_states.clear()
            state = self._timeline_states[actor_id] = TimelineState()
        self.app.push_screen(TimelineScreen(self.store, actor_id, state, marks=self.notebook), self._open_result)

    def action_open_relations(self) -> None:
        """Every pair of actors and the measures each took against the other."""
        from .relations import RelationsScreen

        self.app.push_screen(RelationsScreen(self.store, marks=self.notebook), self._open_result)

    # ----------------------------------------------------------------- actor kind filter (palette)

    def show_actor_kind(self, kind: str | None) -> None:
        """Only actors of `kind` in the Actors pane (None: all, grouped by kind); keeps the actor if it fits."""
        self.actor_kind = kind

    def watch_actor_kind(self, kind: str | None) -> None:
        self.actors.load(self._actor_pager(), select_id=self.actor_id)

    # ----------------------------------------------------------------- pagers (the store, bound to a selection)

    def _actor_pager(self) -> Pager[ActorItem]:
        store, kind = self.store, self.actor_kind
        country = dict(self.filters["actors"]).get("country")
        self.actors.filter_note = filter_note(((("kind", kind),) if kind else ()) + self.filters["actors"])

        def page(after: ActorItem | None, start: int, limit: int) -> list[ActorItem]:
            if after is not None:
                key = (after.kind, after.name, after.id)
                return store.actors_grouped(kind=kind, after=key, limit=limit, country=country)
            return store.actors_grouped(kind=kind, offset=start, limit=limit, country=country)

        return Pager(
            count=lambda: store.actor_count(kind, country=country),
            page=page,
            ident=lambda item: item.id,
            position=lambda actor_id: store.actor_position(actor_id, kind=kind, country=country),
        )

    def _statement_pager(self, actor_id: int) -> Pager[StatementItem]:
        store, kept = self.store, self.filters["statements"]
        self.statements.filter_note = filter_note(kept, self._filter_labels)

        def page(after: StatementItem | None, start: int, limit: int) -> list[StatementItem]:
            return store.statements_page(actor_id, after=after, offset=0 if after else start, limit=limit, filters=kept)

        return Pager(
            count=lambda: store.statement_count(actor_id, filters=kept),
            page=page,
            ident=lambda item: item.id,
            position=lambda statement_id: store.statement_position(actor_id, statement_id, filters=kept),
            of=actor_id,
        )

    def _measure_pager(self, actor_id: int) -> Pager[MeasureItem]:
        store, kept = self.store, self.filters["measures"]
        self.measures.filter_note = filter_note(kept)
        return Pager(
            count=lambda: store.measures_for_count(actor_id, filters=kept),
            page=lambda after, start, limit: store.measures_page(actor_id, limit=limit, offset=start, filters=kept),
            ident=lambda item: item.id,
            position=lambda measure_id: store.measure_position(actor_id, measure_id, filters=kept),
            of=actor_id,
        )

    # ----------------------------------------------------------------- facets

    def action_open_facets(self) -> None:
        """The focused pane's facets and their counts (counted in the facet screen's worker)."""
        from .facets import FacetScreen

        pane = self.focused_pane
        if pane not in ("actors", "statements", "measures"):
            pane = "statements"
        actor = self.actors.highlighted
        if pane != "actors" and actor is None:
            return
        kind = self.actor_kind
        kept = ((("kind", kind),) if kind else ()) + self.filters["actors"] if pane == "actors" else self.filters[pane]
        whose = "" if pane == "actors" or actor is None else f" of {actor.name}"
        title = f"Facets · {pane.capitalize()}{whose}"
        screen = FacetScreen(self.store, pane, actor_id=self.actor_id, filters=kept, title=title)
        self.app.push_screen(screen, lambda chosen: self._keep_facet(pane, chosen, screen))

    def _keep_facet(self, pane: str, chosen: tuple[str, str] | None, screen: Any) -> None:
        """A facet value chosen: kept in the pane's filters (or let go), as a step in the history."""
        if chosen is None:
            return
        facet, value = chosen
        if facet == "dates":  # a date range typed in the facet screen: `from to`, either may be empty
            date_from, _, date_to = value.partition(" ")
            kept = with_dates(self._pane_filters(pane), date_from or None, date_to or None)
        else:
            label = next((v.label for v in screen._values.values() if (v.facet, v.value) == chosen), value)
            self._filter_labels[(facet, value)] = label
            kept = toggled(self._pane_filters(pane), facet, value)
        self.history.leave(self.location())
        self._set_filters(self._all_filters(pane, kept))
        self.refresh_bindings()

    def action_clear_filters(self) -> None:
        """Drop every filter of the focused pane (a step in the history)."""
        pane = self.focused_pane if self.focused_pane in ("actors", "statements", "measures") else "statements"
        if not self._pane_filters(pane):
            return
        self.history.leave(self.location())
        self._set_filters(self._all_filters(pane, ()))
        self.refresh_bindings()

    def _pane_filters(self, pane: str) -> Filters:
        if pane == "actors":
            return ((("kind", self.actor_kind),) if self.actor_kind else ()) + self.filters["actors"]
        return self.filters[pane]

    def _all_filters(self, pane: str, kept: Filters) -> tuple[tuple[str, str, str], ...]:
        """Every pane's filters as a `Location` holds them, with `pane`'s replaced by `kept`."""
        out: list[tuple[str, str, str]] = []
        for name in ("actors", "statements", "measures"):
            filters = kept if name == pane else self._pane_filters(name)
            out += [(name, facet, value) for facet, value in filters]
        return tuple(out)

    def _set_filters(self, filters: tuple[tuple[str, str, str], ...]) -> None:
        """Keep these filters (`Location.filters`) and load again the panes whose filters changed."""
        if filters == self._all_filters("", ()):
            return
        wanted: dict[str, Filters] = {name: () for name in ("actors", "statements", "measures")}
        for pane, facet, value in filters:
            wanted[pane] = (*wanted[pane], (facet, value))
        kind = dict(wanted["actors"]).get("kind")
        actors = tuple(pair for pair in wanted["actors"] if pair[0] != "kind")
        reload_actors = actors != self.filters["actors"] or kind != self.actor_kind
        reload_statements = wanted["statements"] != self.filters["statements"]
        reload_measures = wanted["measures"] != self.filters["measures"]
        self.filters = {"actors": actors, "statements": wanted["statements"], "measures": wanted["measures"]}
        if reload_actors:
            self.set_reactive(BrowseScreen.actor_kind, kind)
            self.actors.load(self._actor_pager(), select_id=self.actor_id)
        actor = self.actors.highlighted
        name = actor.name if actor is not None else None
        if reload_statements and self.actor_id is not None:
            self.statements.load(
                self._statement_pager(self.actor_id),
                select_id=self.statement_id,
                subject=name,
                empty_message="No statements by this actor with these filters (x clears them)",
            )
        if reload_measures and self.actor_id is not None:
            self.measures.load(
                self._measure_pager(self.actor_id),
                select_id=self.measure_id,
                subject=name,
                empty_message="No measures of this actor with these filters (x clears them)",
            )

    def _consequence_pager(self, measure_id: int) -> Pager[ConsequenceItem]:
        store = self.store
        return Pager(
            count=lambda: store.consequence_count(measure_id),
            page=lambda after, start, limit: store.consequences_of(measure_id, limit=limit, offset=start),
            ident=lambda item: item.id,
            position=lambda consequence_id: store.consequence_position(measure_id, consequence_id),
            of=measure_id,
        )

    # ----------------------------------------------------------------- highlights flow down

    # Textual runs every handler that matches, in the order they are written here: the
    # linked panes start loading before the Detail pane follows and the frame is let go.

    @on(VirtualList.Highlighted, "#actors")
    def _show_actor_rows(self, message: VirtualList.Highlighted) -> None:
        self._show_actor(None if message.item is None else message.item.id)
        if self._check_seconds > 0:
            # The first screen has its rows: only now look for damage, in a thread.
            seconds, self._check_seconds = self._check_seconds, 0.0
            self.call_after_refresh(self._check_damage, seconds)

    @on(VirtualList.Highlighted, "#statements")
    def _mark_statement_measures(self, message: VirtualList.Highlighted) -> None:
        if message.item is None:
            self.measures.set_marked(frozenset())
        elif self._detail_source != "statements":
            self._hold.wait(self._Marks)
            self._load_marks(message.item.id)
        # else the Detail pane is about to load this statement: its marks come with it
        # (`_show_detail`), one query and one worker per key press instead of two.

    @on(VirtualList.Highlighted, "#measures")
    def _show_measure_consequences(self, message: VirtualList.Highlighted) -> None:
        self._show_measure(None if message.item is None else message.item.id)

    @on(VirtualList.Highlighted, LISTS)
    def _follow_in_detail(self, message: VirtualList.Highlighted) -> None:
        pane = message.virtual_list
        if pane.id == self._detail_source:
            self.detail_ref = (pane.kind, message.item.id) if message.item is not None else None
        # This pane is in step; the frame goes once the panes it set loading (and the Detail pane) are too.
        self._hold.arrived(pane, pane)

    def _show_actor(self, actor_id: int | None) -> None:
        """Load the actor's Statements and Measures, unless they are the ones shown (and pending rows)."""
        if self.statements.rows_of == actor_id and self.measures.rows_of == actor_id:
            return
        self._hold.wait(self.statements)  # their rows (or why they are empty) go out with the move
        self._hold.wait(self.measures)
        if actor_id is None:
            self.statements.load(None, empty_message="No actor selected")
            self.measures.load(None, empty_message="No actor selected")
            return
        pending = self._pending
        statement = measure = None
        if pending.actor_id == actor_id:
            statement, measure = pending.statement_id, pending.measure_id
            self._pending = replace(
                pending,
                statement_id=None,
                measure_id=None,
                consequence_of=measure if measure is not None and pending.consequence_id is not None else None,
            )
        actor = self.actors.highlighted
        name = actor.name if actor is not None and actor.id == actor_id else None
        self.statements.load(
            self._statement_pager(actor_id),
            select_id=statement,
            subject=name,
            empty_message="No statements by this actor",
            now=self._starting,
        )
        self.measures.load(
            self._measure_pager(actor_id),
            select_id=measure,
            subject=name,
            empty_message="No measures involve this actor",
        )

    def _show_measure(self, measure_id: int | None) -> None:
        """Load the measure's Consequences, unless they are the ones shown (and a pending row)."""
        if self.consequences.rows_of == measure_id:
            return
        self._hold.wait(self.consequences)  # its rows (or why it is empty) go out with the move
        if measure_id is None:
            self.consequences.load(None, empty_message="Select a measure to see its consequences")
            return
        consequence = None
        if self._pending.consequence_of == measure_id:
            consequence = self._pending.consequence_id
            self._pending = replace(self._pending, consequence_of=None, consequence_id=None)
        measure = self.measures.highlighted
        self.consequences.load(
            self._consequence_pager(measure_id),
            select_id=consequence,
            subject=measure.title if measure is not None and measure.id == measure_id else None,
            empty_message="No consequences recorded for this measure",
        )

    def _load_marks(self, statement_id: int) -> None:
        def marks() -> list[Message]:
            try:
                detail = self.store.statement_detail(statement_id)
            except StoreError:
                return []
            return [self._Marks(statement_id, frozenset(about.measure.id for about in detail.about))]

        reader.read(self, "marks", marks)

    @on(_Marks)
    def _mark_measures(self, message: _Marks) -> None:
        if message.statement_id == self.statement_id:
            self.measures.set_marked(message.measure_ids)
            self._hold.arrived(self._Marks, self.measures)

    @work(thread=True, exclusive=True, group="check")
    def _check_damage(self, seconds: float) -> None:
        """`PRAGMA quick_check` after the first screen; damage found is an error notice (see docs/robustness.md)."""
        try:
            self.store.check_damage(seconds)
        except StoreError as exc:
            self.app.call_from_thread(render.notify, self.app, str(exc), severity="error")

    # ----------------------------------------------------------------- the detail pane

    @on(events.DescendantFocus, LISTS)
    def _follow_focused_list(self, event: events.DescendantFocus) -> None:
        """A list took the focus: the Detail pane shows its row from now on."""
        pane = event.widget
        if isinstance(pane, VirtualList) and PANE_OF_KIND[pane.kind] != self._detail_source:
            self._detail_source = PANE_OF_KIND[pane.kind]
            entity_id = pane.highlighted_id
            self.detail_ref = (pane.kind, entity_id) if entity_id is not None else None

    def watch_detail_ref(self, ref: Ref | None) -> None:
        if ref is None:
            empty = {
                "actors": "No actor selected",
                "statements": "No statement selected",
                "measures": "No measure selected",
                "consequences": "No consequence selected",
            }.get(self._detail_source, "Nothing selected")
            self.detail.show(None, [], title="Detail", empty=empty)
            self._hold.arrived(self.detail, self.detail)
            self._detail_loading = None
        else:
            self._detail_loading = ref
            self._hold.wait(self.detail)
            if self._first_drawn:
                self._load_detail(ref)
            else:
                self._held_detail = ref  # read once the first frame is drawn (`_first_frame_drawn`)

    def refresh_detail(self) -> None:
        """Read what the Detail pane shows again (its note or tags changed)."""
        if self.detail_ref is not None:
            self._load_detail(self.detail_ref)

    def _load_detail(self, ref: Ref) -> None:
        reader.read(self, "detail", lambda: [self._DetailLoaded(ref, *self._detail_model(ref))])

    def _detail_model(self, ref: Ref) -> tuple[Any, str | None]:
        """What the Detail pane shows for `ref` and when it was last edited, read from the store (in a worker),
        or the `StoreError` saying why."""
        kind, entity_id = ref
        store = self.store
        try:
            model = {
                "actor": store.actor_detail,
                "statement": store.statement_detail,
                "measure": store.measure_detail,
                "consequence": store.consequence,
                "event": store.event,
            }[kind](entity_id)
            edited = None if kind == "consequence" else store.last_edited(kind, _slug_of(kind, model))
        except StoreError as exc:
            return exc, None
        return model, edited

    @on(_DetailLoaded)
    def _show_detail(self, message: _DetailLoaded) -> None:
        if message.ref != self.detail_ref:
            return  # the user has moved on
        self._detail_loading = None
        kind = message.ref[0]
        if isinstance(message.model, StoreError):
            self.detail.show(message.ref, [], title="Detail", empty=str(message.model))
            self._hold.arrived(self.detail, self.detail)
            return
        styles = self.detail.styles_for_blocks
        builders: dict[str, Callable[[Any, DetailStyles], list[Block]]] = {
            "actor": actor_blocks,
            "statement": statement_blocks,
            "measure": measure_blocks,
            "consequence": consequence_blocks,
            "event": event_blocks,
        }
        blocks: list[Block] = builders[kind](message.model, styles) + self.notebook.detail_blocks(message.model, styles)
        edited = self.capture.edited_line(message.edited)
        if edited is not None:
            blocks.append(Block(render.plain(edited, styles.dim), gap=True))
        slug = _slug_of(kind, message.model)
        self.detail.show(message.ref, blocks, title=f"Detail · {kind}", slug=slug)
        if kind == "statement" and message.ref[1] == self.statement_id:
            self.measures.set_marked(frozenset(about.measure.id for about in message.model.about))
        if self._scroll_on_load is not None and self._scroll_on_load[0] == message.ref:
            self.detail.scroll_to(y=self._scroll_on_load[1], animate=False, immediate=True)  # Back: where it was
            self._scroll_on_load = None
        if self._cursor_on_load == message.ref:  # opened with Enter: the cursor on its first reference
            self._cursor_on_load = None
            self.detail.cursor = 0 if self.detail.references else -1
        # The move and what follows it go out in one frame, the Detail pane's scrollbar too: in a short pane its
        # thumb changes with each statement, and drawn on its own idle it cost a second frame (~25 ms at 80x24).
        bar = [self.detail.vertical_scrollbar] if self.detail.show_vertical_scrollbar else []
        self._hold.arrived(self.detail, self.detail, self.measures, *bar)

    def reload_after_write(self, ref: Ref | None) -> None:
        """Read every pane again after a write (`dossier.screens.capture_keys`), then show `ref` if given.

        The lists keep their rows where those still are; a new or changed entity
        is opened as a history step, so Back returns to where the user was.
        """
        try:  # this write is shown here and now: the watching thread's news of it is not news
            self._data_version = self.store.data_version()
        except StoreError:
            pass  # the next read meets the problem and says so
        self._stale = False
        actor, statement, measure, consequence = self.actor_id, self.statement_id, self.measure_id, self.consequence_id
        # The lists load as the row written is opened: both must select it, whichever lands last.
        if ref is not None and ref[0] == "statement":
            statement = ref[1]
        elif ref is not None and ref[0] == "measure":
            measure = ref[1]
        elif ref is not None and ref[0] == "consequence":
            consequence = ref[1]
        name = self.actors.highlighted.name if self.actors.highlighted is not None else None
        title = self.measures.highlighted.title if self.measures.highlighted is not None else None
        self.actors.load(self._actor_pager(), select_id=actor)
        if actor is not None:
            self.statements.load(self._statement_pager(actor), select_id=statement, subject=name)
            self.measures.load(self._measure_pager(actor), select_id=measure, subject=name)
        if measure is not None:
            self.consequences.load(self._consequence_pager(measure), select_id=consequence, subject=title)
        if ref is not None and ref[0] in REF_KINDS and ref != self.detail_ref:
            self.open_ref(*ref)
        else:
            self.refresh_detail()  # the same entity: its new values, and when it was edited

    # ----------------------------------------------------------------- following references

    @on(DetailPane.LinkFollowed)
    def _follow_detail_link(self, message: DetailPane.LinkFollowed) -> None:
        self.open_ref(*message.ref)

    @on(VirtualList.Selected, LISTS)
    def _open_selected(self, message: VirtualList.Selected) -> None:
        """Enter on a row opens it: the Detail pane shows it with its references to follow."""
        pane = message.virtual_list
        self._detail_source = PANE_OF_KIND[pane.kind]
        self.detail_ref = (pane.kind, message.item.id)
        self.set_focus(self.detail)
        if self._detail_loading == self.detail_ref:
            self._cursor_on_load = self.detail_ref  # its first reference once it has loaded
        else:
            self.detail.cursor = 0 if self.detail.references else -1

"""The notebook's screens: the note editor (`n`), tags (`#`), a note or tags changed elsewhere, and the notebook (`b`).

Notes and tags are the researcher's text: like dossier text they reach the
screen only through the rendering door (`widgets/render.py`), and the editor
and the tag box take them as plain text (a TextArea and an Input never read
markup).

`NotebookScreen` lists every entry on the dossier, grouped by tag (an entry
under each of its tags, then the untagged ones), narrowed by what is typed.
It draws with the browser's `VirtualList` over the entries in memory, so
10,000 entries open as fast as ten; which entries are orphans (their entity
no longer in the dossier) is asked of the store in a worker once it is up.
Enter opens the entry in the browser as a history step.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static, TextArea
from textual.worker import get_current_worker

from .. import keys
from ..errors import StoreError
from ..history import Ref
from ..notebook import Entry, NotebookError, check_note, parse_tags
from ..store import Store
from ..widgets import render
from ..widgets.textual_compat import OneLayoutScreen, draw_changes_only
from ..widgets.virtual_list import Pager, VirtualList
from .text_editor import TextEditorScreen


def _line(text: str) -> Text:
    return render.plain(text)


# ----------------------------------------------------------------------------- n: the note editor


class NoteScreen(TextEditorScreen[str | None]):
    """A note of several lines on one entity: Ctrl+S saves, Escape closes (asking first when it changed)."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("note")

    STATUS = "#note-status"
    WHAT = "note"

    def __init__(self, label: str, note: str) -> None:
        super().__init__(note)
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="notebook-modal") as box:
            box.border_title = render.content(f"Note · {self.label}")
            box.border_subtitle = "Ctrl+S saves · Escape closes"
            yield TextArea(self.original, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static(id="note-status")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save_note(self) -> None:
        try:
            check_note(self.text)
        except NotebookError as exc:
            self.say(f"Not saved: {exc}")
            return
        self.dismiss(self.text)

    def action_close_note(self) -> None:
        self.close_or_ask()


# ----------------------------------------------------------------------------- #: tags


class TagSuggester(Suggester):
    """Completes the tag being typed (after the last comma) from the tags already used."""

    def __init__(self, used: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.used = used

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip().lstrip("#")
        if not typed:
            return None
        for tag in self.used:
            if tag.casefold().startswith(typed.casefold()) and tag != typed:
                return value + tag[len(typed) :]
        return None


class TagsScreen(ModalScreen[tuple[str, ...] | None]):
    """An entity's tags, separated by commas, completing the tags already used (→ takes the completion)."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("tags")

    def __init__(self, label: str, tags: tuple[str, ...], used: list[str]) -> None:
        super().__init__()
        self.label = label
        self.tags = tags
        self.used = used

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box", classes="notebook-modal") as box:
            box.border_title = render.content(f"Tags · {self.label}")
            box.border_subtitle = "Enter saves · → completes · Escape closes"
            yield Input(
                ", ".join(self.tags), placeholder="tags, separated by commas", suggester=TagSuggester(self.used)
            )
            yield Static(
                _line("Used: " + ", ".join(self.used[:12]) if self.used else "No tags used yet."), id="tags-used"
            )
            yield Static(id="tags-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        try:
            tags = parse_tags(event.value)
        except NotebookError as exc:
            self.query_one("#tags-status", Static).update(_line(f"Not saved: {exc}"))
            return
        self.dismiss(tags)

    def action_close_tags(self) -> None:
        self.dismiss(None)


# ----------------------------------------------------------------------------- a note or tags changed elsewhere


def tags_text(tags: tuple[str, ...]) -> str:
    """Tags as the conflict screen shows them: `#a, #b`, or `(no tags)`."""
    return ", ".join(f"#{tag}" for tag in tags) if tags else "(no tags)"


class ConflictScreen(ModalScreen[str | None]):
    """A note or tags saved elsewhere since they were opened: both shown; keep mine, take theirs, or edit again."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("conflict")

    def __init__(self, label: str, mine: str, theirs: str, *, what: str = "note") -> None:
        super().__init__()
        self.label, self.mine, self.theirs = label, mine, theirs
        self.what = what
        """`note` or `tags`: what was changed elsewhere."""

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-box", classes="notebook-modal") as box:
            box.border_title = render.content(f"Changed elsewhere · {self.label}")
            box.border_subtitle = "k keeps mine · t takes theirs · Escape edits again"
            intro = (
                "These tags were saved elsewhere since you opened them."
                if self.what == "tags"
                else "This note was saved elsewhere since you opened it."
            )
            yield Static(_line(intro), id="conflict-intro")
            with Horizontal(id="conflict-sides"):
                mine = Static(render.paragraph(self.mine), id="conflict-mine")
                mine.border_title = "Mine"
                yield mine
                theirs = Static(render.paragraph(self.theirs), id="conflict-theirs")
                theirs.border_title = "Saved elsewhere"
                yield theirs

    def action_keep_mine(self) -> None:
        self.dismiss("mine")

    def action_take_theirs(self) -> None:
        self.dismiss("theirs")

    def action_edit_again(self) -> None:
        self.dismiss(None)


# ----------------------------------------------------------------------------- b: the notebook


class NotebookRow(NamedTuple):
    """One row of the notebook screen: a tag's heading, or an entry under it."""

    id: int
    heading: str | None
    entry: Entry | None = None


class NotebookRows:
    """The notebook screen's rows for one narrowing: entries grouped by tag (an entry under each of its tags),
    untagged ones last, each group under its heading.

    Only the groups are built here (the entries sorted once); a row is made as
    the list asks for its page, so 10,000 entries cost one sort, not 10,000 rows.
    """

    def __init__(self, entries: list[Entry], narrow: str = "") -> None:
        words = narrow.casefold().split()

        def fits(entry: Entry) -> bool:
            text = " ".join((entry.ref, entry.label, entry.note, " ".join(f"#{t}" for t in entry.tags))).casefold()
            return all(word in text for word in words)

        kept = [entry for entry in entries if fits(entry)] if words else list(entries)
        # By label, then by kind/slug: two sorts on one string each (the sort is stable), twice as fast
        # as one on (label, ref) pairs.
        kept.sort(key=lambda e: f"{e.kind}/{e.slug}")
        kept.sort(key=lambda e: e.label.casefold())
        self.entry_count = len(kept)
        """Entries shown (each once, whatever its tags)."""
        groups: dict[str, list[Entry]] = {}
        untagged: list[Entry] = []
        for entry in kept:
            for tag in entry.tags:
                groups.setdefault(tag, []).append(entry)
            if not entry.tags:
                untagged.append(entry)
        self._groups: list[tuple[str, list[Entry]]] = [
            (f"#{tag} · {len(groups[tag]):,}", groups[tag]) for tag in sorted(groups, key=str.casefold)
        ]
        if untagged:
            self._groups.append((f"Untagged · {len(untagged):,}", untagged))
        self._starts: list[int] = []
        """The row of each group's heading."""
        count = 0
        for _heading, members in self._groups:
            self._starts.append(count)
            count += 1 + len(members)
        self.count = count

    @property
    def first_entry(self) -> int | None:
        """The row of the first entry (under the first heading), or None when there is none."""
        return 1 if self.count else None

    def row(self, index: int) -> NotebookRow:
        group = bisect_right(self._starts, index) - 1
        heading, members = self._groups[group]
        offset = index - self._starts[group]
        return NotebookRow(index, heading) if offset == 0 else NotebookRow(index, None, members[offset - 1])

    def page(self, start: int, limit: int) -> list[NotebookRow]:
        return [self.row(index) for index in range(max(0, start), min(self.count, start + limit))]


class NotebookList(VirtualList[NotebookRow]):
    """The notebook's entries under their tags' headings."""

    label = "Notebook"
    kind = "entry"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(
            empty_message="Nothing marked, noted or tagged on this dossier yet (m, n, # in the browser)", id=id
        )
        self.orphans: frozenset[tuple[str, str]] = frozenset()
        self.entry_count = 0
        """Entries shown (each once, whatever its tags): the title counts these, not the rows."""

    def _update_title(self) -> None:
        super()._update_title()
        self.border_title = render.pane_title(self.label, self.entry_count if self.count is not None else None)

    def is_selectable(self, item: NotebookRow) -> bool:
        return item.entry is not None

    def row_key(self, item: NotebookRow, index: int) -> object:
        return item.entry is not None and (item.entry.kind, item.entry.slug) in self.orphans

    def render_item(self, item: NotebookRow, index: int, width: int) -> Text:
        if item.entry is None:
            return render.plain(item.heading, self.style("accent"))
        entry = item.entry
        row = render.join(
            Text("  ● " if entry.marked else "    ", style=self.style("mark")),
            Text(f"{entry.kind:<12}", style=self.style("dim")),
            render.plain(entry.label or entry.slug),
        )
        if (entry.kind, entry.slug) in self.orphans:
            row.append("  orphaned: no longer in the dossier", style=self.style("match"))
        if entry.note:
            row.append("  ")
            row.append(render.plain(entry.note, self.style("dim")))
        return row


KEYS_LINE = "type to narrow · ↑ ↓ · Enter opens · Escape closes"
"""The notebook's keys, under its list: no Footer, whose layout cost a frame of ~100 ms as the screen opened."""


class NotebookScreen(OneLayoutScreen[Ref | None]):
    """Everything marked, noted or tagged on this dossier, by tag; type to narrow, Enter to open.

    Opened in one frame: the rows are made as they are drawn (`NotebookRows`),
    the list's scroll bar is there from the first layout, the screen is laid out
    once (`OneLayoutScreen`), and the orphans are looked for once it is drawn.
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("notebook")

    def __init__(self, store: Store, entries: list[Entry], *, narrow: str = "") -> None:
        super().__init__()
        draw_changes_only(self)
        self.store = store
        self.entries = entries
        self.narrow = narrow
        self.list = NotebookList(id="notebook-list")

    def compose(self) -> ComposeResult:
        yield Input(self.narrow, placeholder="Type to narrow: words, #tag, kind…", id="notebook-narrow")
        yield self.list

    AUTO_FOCUS = "#notebook-narrow"
    """Focused as the screen first shows, in the same frame (a `focus()` from `on_mount` costs one more)."""

    def on_mount(self) -> None:
        self._show(self.narrow, now=True)
        # After the first frame: the worker's thread would take turns with the UI thread meanwhile.
        self.call_after_refresh(self._find_orphans, list(self.entries))

    def _show(self, narrow: str, *, now: bool = False) -> None:
        rows = NotebookRows(self.entries, narrow)
        self.list.entry_count = rows.entry_count
        self.list.load(
            Pager(
                count=lambda: rows.count,
                page=lambda after, start, limit: rows.page(start if after is None else after.id + 1, limit),
                ident=lambda row: row.id,
                position=lambda row_id: row_id,
            ),
            select_id=rows.first_entry,
            now=now,
            subject=KEYS_LINE,
        )

    @on(Input.Changed, "#notebook-narrow")
    def _narrowed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @work(thread=True, exclusive=True, group="orphans")
    def _find_orphans(self, entries: list[Entry]) -> None:
        try:
            missing = self.store.missing_slugs([(entry.kind, entry.slug) for entry in entries])
        except StoreError:
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._mark_orphans, frozenset(missing))

    def _mark_orphans(self, orphans: frozenset[tuple[str, str]]) -> None:
        if orphans == self.list.orphans:
            return  # nothing to draw again (the usual case: every entry still in the dossier)
        self.list.orphans = orphans
        self.list.refresh()

    def action_next_entry(self) -> None:
        self.list.action_cursor_down()

    def action_previous_entry(self) -> None:
        self.list.action_cursor_up()

    def action_open_entry(self) -> None:
        row = self.list.highlighted
        if row is None or row.entry is None:
            return
        self._open(row.entry)

    @on(VirtualList.Selected, "#notebook-list")
    def _selected(self, message: VirtualList.Selected) -> None:
        if message.item.entry is not None:
            self._open(message.item.entry)

    @work(thread=True, exclusive=True, group="open-entry")
    def _open(self, entry: Entry) -> None:
        try:
            kind, entity_id = self.store.resolve(entry.ref)
        except StoreError:
            self.app.call_from_thread(
                render.notify,
                self.app,
                f"{entry.ref} is no longer in the dossier (orphaned): its note is kept here.",
                severity="warning",
            )
            return
        self.app.call_from_thread(self.dismiss, (kind, entity_id))

    def action_close_notebook(self) -> None:
        self.dismiss(None)

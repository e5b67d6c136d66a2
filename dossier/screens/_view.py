"""What the chain, timeline and relations screens share: rows as safe Content, a keyboard list, the frame.

Rows come from `dossier.views` as `(text, role)` segments; `content()` cleans
each (`clean_text`) and turns them into `Content` with a style per role (theme
variables only), so dossier text never passes through markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from .. import keys
from ..store import Store
from ..text import clean_text
from ..views import Line, Role, Target
from ..widgets import render
from ..widgets.footer import KeysFooter
from ..widgets.textual_compat import draw_changes_only

ROLE_STYLES: dict[Role, str] = {
    "": "",
    "date": "$text-accent",
    "actor": "bold",
    "title": "$text-primary",
    "muted": "$text-muted",
    "kind": "italic $text-secondary",
    "ref": "dim",
    "warn": "$text-warning",
}


MARK = "● "
"""Drawn in front of a row the researcher has marked (`m`), as in the browser's lists."""
GUTTER = "  "
"""The mark's room in front of every other row, so that the rows' text lines up."""


def content(lines: list[Line], gutter: str | None = None) -> Content:
    """Lines of segments as one Content, each segment styled by its role; never parsed as markup.

    The `[kind/slug]` references the command line prints are left out: on
    screen, Enter opens the row instead. With a `gutter` (MARK or GUTTER),
    the first line starts with it and the others with the room it takes.
    """
    parts: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        if index:
            parts.append(("\n", ""))
        if gutter is not None:
            parts.append((gutter if index == 0 else GUTTER, "$text-warning" if gutter == MARK and index == 0 else ""))
        # Cleaned again: a date or a count is put in a line as it is, and may come from a database
        # written by another program. Cleaning clean text costs one regex scan.
        parts.extend((clean_text(text, keep_newlines=False), ROLE_STYLES[role]) for text, role in line if role != "ref")
    return Content.assemble(*parts)


Mark = tuple[str, int, str, str]
"""What `m` marks on a row: kind, id, slug and the label kept with the mark."""


class ViewMarks(Protocol):
    """The browser's notebook as the views see it: the marks in memory, `m`, and news of a change."""

    def marked_refs(self) -> frozenset[str]: ...
    def watch_marks(self, redraw: Callable[[], None]) -> Callable[[], None]: ...
    def toggle_mark_of(self, kind: str, entity_id: int, slug: str, label: str) -> None: ...


class ViewList(OptionList):
    """An option list with the keys every pane has: j/k, g/G besides the arrows, Home and End."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("view-list")


class ViewScreen(Screen[Target | None]):
    """A full screen with a title, a list of rows and a status line.

    Enter on a row dismisses the screen with that row's target (`(kind, id)`);
    Escape dismisses it with None. Rows without a target are shown disabled,
    so the cursor steps over them.
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("view")
    KEYS_AT_ONCE: ClassVar[bool] = True
    """Bound keys run as they arrive, in the order typed (`DossierApp.on_event`, `DossierApp._hold_key`)."""

    DEFAULT_CSS = """
    ViewScreen {
        layout: vertical;
        & > #view-title {
            height: auto;
            padding: 0 1;
            background: $panel;
            text-style: bold;
        }
        & > ViewList {
            height: 1fr;
            border: none;
            /* Rows wrap: at 80 columns a chain step still says who asserts its link. */
            text-wrap: wrap;
            text-overflow: fold;
            &:focus {
                border: none;
            }
            & > .option-list--option-disabled {
                color: $text;
            }
        }
        & > #view-status {
            height: auto;
            padding: 0 1;
            color: $text-muted;
        }
    }
    """

    def __init__(self, store: Store, marks: ViewMarks | None = None) -> None:
        super().__init__()
        draw_changes_only(self)
        self.store = store
        self.marks = marks
        """The browser's notebook (None: no marks drawn, `m` says the notebook is off)."""
        self._marked = marks.marked_refs() if marks is not None else frozenset()
        self._marks: dict[str, tuple[Mark, list[Line]]] = {}
        """Each markable row's mark and lines, by option id, to draw it again when its mark changes."""
        self._unwatch: Callable[[], None] | None = None
        self._targets: dict[str, Target] = {}
        self._generation = 0
        """Bumped whenever what the screen shows is asked for anew; older results are dropped."""

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading…"), id="view-title")
        yield ViewList(id="view-list")
        yield Static(Content("Loading…"), id="view-status")
        yield KeysFooter(show_command_palette=False)  # the app binds Ctrl+P itself; once is enough

    def on_mount(self) -> None:
        if self.marks is not None:
            self._unwatch = self.marks.watch_marks(self.redraw_marks)

    def on_unmount(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None

    @property
    def rows(self) -> ViewList:
        return self.query_one(ViewList)

    def set_title(self, lines: list[Line]) -> None:
        self.query_one("#view-title", Static).update(content(lines))

    def set_status(self, text: str) -> None:
        self.query_one("#view-status", Static).update(render.content(text))

    def option(self, option_id: str, lines: list[Line], target: Target | None, mark: Mark | None = None) -> Option:
        """A row: enabled (and openable) with a target, disabled without one; `mark`: what `m` marks."""
        if target is not None:
            self._targets[option_id] = target
        if mark is not None:
            self._marks[option_id] = (mark, lines)
        return Option(content(lines, self._gutter(mark)), id=option_id, disabled=target is None)

    def _gutter(self, mark: Mark | None) -> str:
        return MARK if mark is not None and f"{mark[0]}/{mark[2]}" in self._marked else GUTTER

    def redraw_marks(self) -> None:
        """Draw again the rows whose mark changed (the browser's notebook says when)."""
        if self.marks is None or not self.is_attached:
            return
        marked = self.marks.marked_refs()
        changed, self._marked = marked ^ self._marked, marked
        if not changed:
            return
        rows = self.rows
        for option_id, (mark, lines) in self._marks.items():
            if f"{mark[0]}/{mark[2]}" in changed:
                try:
                    rows.replace_option_prompt(option_id, content(lines, self._gutter(mark)))
                except OptionDoesNotExist:
                    continue  # built anew since (a filter, a date): drawn with its mark then

    def action_toggle_mark(self) -> None:
        """`m`: mark or unmark the row at hand, as in the browser."""
        index = self.rows.highlighted
        option = self.rows.get_option_at_index(index) if index is not None else None
        found = self._marks.get(option.id or "") if option is not None else None
        if self.marks is None:
            render.notify(self.app, "The notebook is off.", severity="warning")
        elif found is None:
            render.notify(self.app, "Nothing here to mark: highlight a row first.", severity="warning")
        else:
            self.marks.toggle_mark_of(*found[0])

    def target_of(self, option: Option) -> Target | None:
        return self._targets.get(option.id or "")

    @on(OptionList.OptionSelected)
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self.target_of(event.option)
        if target is not None:
            self.dismiss(target)

    def action_close(self) -> None:
        self.dismiss(None)

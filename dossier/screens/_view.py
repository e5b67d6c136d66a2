"""What the chain, timeline and relations screens share: rows as safe Content, a keyboard list, the frame.

Rows come from `dossier.views` as `(text, role)` segments; `content()` cleans
each (`clean_text`) and turns them into `Content` with a style per role (theme
variables only), so dossier text never passes through markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from .. import keys
from ..store import Store
from ..text import clean_text
from ..views import Line, Role, Target
from ..widgets import render

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


def content(lines: list[Line]) -> Content:
    """Lines of segments as one Content, each segment styled by its role; never parsed as markup.

    The `[kind/slug]` references the command line prints are left out: on
    screen, Enter opens the row instead.
    """
    parts: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        if index:
            parts.append(("\n", ""))
        # Cleaned again: a date or a count is put in a line as it is, and may come from a database
        # written by another program. Cleaning clean text costs one regex scan.
        parts.extend((clean_text(text, keep_newlines=False), ROLE_STYLES[role]) for text, role in line if role != "ref")
    return Content.assemble(*parts)


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
    """Bound keys run as they arrive, in the order typed (`DossierApp._run_key_at_once`)."""

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

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._targets: dict[str, Target] = {}
        self._generation = 0
        """Bumped whenever what the screen shows is asked for anew; older results are dropped."""

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading…"), id="view-title")
        yield ViewList(id="view-list")
        yield Static(Content("Loading…"), id="view-status")
        yield Footer(show_command_palette=False)  # the app binds Ctrl+P itself; once is enough

    @property
    def rows(self) -> ViewList:
        return self.query_one(ViewList)

    def set_title(self, lines: list[Line]) -> None:
        self.query_one("#view-title", Static).update(content(lines))

    def set_status(self, text: str) -> None:
        self.query_one("#view-status", Static).update(render.content(text))

    def option(self, option_id: str, lines: list[Line], target: Target | None) -> Option:
        """A row: enabled (and openable) with a target, disabled without one."""
        if target is not None:
            self._targets[option_id] = target
        return Option(content(lines), id=option_id, disabled=target is None)

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

"""The help screen (`?`): every key and what it does, read from the bindings themselves.

`key_rows()` is the single list of keys: the help screen shows it, and a test
checks that README.md's key table says the same, so the three cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES: dict[str, str] = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Escape",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "alt+left": "Alt+←",
    "alt+right": "Alt+→",
    "slash": "/",
    "question_mark": "?",
    "ctrl+p": "Ctrl+P",
}
"""How a key is written for people (the help screen and README.md)."""


@dataclass(frozen=True)
class KeyRow:
    """One line of the key table: where it works, the keys, the binding's description."""

    where: str
    keys: tuple[str, ...]
    description: str


def key_name(key: str) -> str:
    return KEY_NAMES.get(key, key)


def key_rows() -> list[KeyRow]:
    """Every binding of the app, grouped by where it works; keys with one description share a row."""
    from ..app import DossierApp
    from ..widgets.detail import DetailPane
    from ..widgets.virtual_list import VirtualList
    from ._view import ViewList, ViewScreen
    from .browse import BrowseScreen
    from .search import SearchScreen
    from .timeline import TimelineScreen

    sections: list[tuple[str, list[BindingType]]] = [
        ("Anywhere", DossierApp.BINDINGS),
        ("Browser", BrowseScreen.BINDINGS),
        ("Lists", VirtualList.BINDINGS),
        ("Detail pane", DetailPane.BINDINGS),
        ("Search", SearchScreen.BINDINGS),
        ("Help", HelpScreen.BINDINGS),
        ("Chain, timeline, relations", [*ViewScreen.BINDINGS, *ViewList.BINDINGS]),
        ("Timeline", TimelineScreen.BINDINGS),
    ]
    rows: list[KeyRow] = []
    for where, bindings in sections:
        merged: dict[str, list[str]] = {}
        for binding in bindings:
            assert isinstance(binding, Binding)
            keys = merged.setdefault(binding.description, [])
            keys.extend(key_name(key.strip()) for key in binding.key.split(","))
        rows.extend(KeyRow(where, tuple(keys), description) for description, keys in merged.items())
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key, and what it does. Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close_help", "Close help", id="close-help"),
    ]

    COLUMNS: ClassVar[tuple[tuple[str, ...], ...]] = (
        ("Anywhere", "Browser", "Search", "Help"),
        ("Lists", "Detail pane", "Chain, timeline, relations", "Timeline"),
    )
    """Which sections stand in which column, so that every key fits on a 40-line screen."""

    def compose(self) -> ComposeResult:
        rows = key_rows()
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Escape closes"
            with Horizontal(id="help-columns"):
                for number, sections in enumerate(self.COLUMNS):
                    yield Static(self._table([row for row in rows if row.where in sections]), id=f"help-{number}")

    @staticmethod
    def _table(rows: list[KeyRow]) -> Text:
        text = Text()
        where = ""
        for row in rows:
            if row.where != where:
                where = row.where
                if text:
                    text.append("\n")
                text.append(f"{where}\n", style="bold")
            text.append(f"  {' '.join(row.keys):<16}", style="bold")
            text.append(f"{row.description}\n")
        text.rstrip()
        return text

    def action_close_help(self) -> None:
        self.dismiss(None)

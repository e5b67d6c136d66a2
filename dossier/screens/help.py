"""The help screen (`?`): every key and what it does, read from the key list (`dossier.keys`).

The App, the screens and the widgets build their bindings from the same list,
and a test checks README.md's key table against it, so the three cannot drift.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .. import keys
from ..keys import KeyRow


class HelpScreen(ModalScreen[None]):
    """Every key, and what it does. Escape closes it."""

    DEFAULT_CSS: ClassVar[str] = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }

    #help-body {
        width: 86;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        border-title-color: $accent;
        background: $surface;
        padding: 0 1;
    }

    #help-columns {
        height: auto;
    }

    #help-columns Static {
        width: 1fr;
    }
    """
    """Parsed when the screen is first shown, not with `dossier.tcss` before the browser's first frame."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("help")
    KEYS_AT_ONCE: ClassVar[bool] = True
    """Bound keys run as they arrive, in the order typed (`DossierApp.on_event`, `DossierApp._hold_key`)."""

    COLUMNS: ClassVar[tuple[tuple[str, ...], ...]] = (
        (
            "Anywhere", "Browser", "Search", "Help", "Changed elsewhere", "Editor", "Add", "Delete?",
            "New statement",
        ),
        (
            "Lists", "Detail pane", "Chain, timeline, relations", "Timeline", "Facets", "Notebook", "Note editor",
            "Tags", "Draft review", "Draft item",
        ),
    )
    """Which sections stand in which column, so that every key fits on a 40-line screen
    (with the notebook's keys, the help scrolls there by a few lines)."""

    def compose(self) -> ComposeResult:
        rows = keys.key_rows()
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "↑ ↓ PgUp PgDn scroll · Escape or q closes"
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

"""The screen shown while the terminal is too small to draw the browser: one centred line, nothing else.

The app pushes it over whatever is open when the terminal shrinks below
`DossierApp.MIN_SIZE` and pops it when the terminal is large enough again.
The screens under it are left as they were (selection, focus, history, a
half-typed search), so enlarging the terminal shows them unchanged; their
workers go on and their results are kept. Only `q` (quit) works meanwhile.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """'Enlarge the terminal (needs at least 40×12)', centred, instead of panes drawn into too few cells."""

    DEFAULT_CSS: ClassVar[str] = """
    TooSmallScreen {
        align: center middle;
        /* At 1×1 the wrapped message is taller than the screen: a scroll bar would take the one column,
           the message would rewrap, the bar go, and the layout loop sixty times a second. */
        overflow: hidden hidden;
    }

    #too-small {
        width: auto;
        max-width: 100%;
        height: auto;
        text-align: center;
        color: $text-warning;
    }
    """
    """Parsed when the screen is first shown, not with `dossier.tcss` before the browser's first frame."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.needed = (width, height)
        """The smallest terminal the browser is drawn in (columns, rows)."""

    def compose(self) -> ComposeResult:
        width, height = self.needed
        yield Static(Content(f"Enlarge the terminal (needs at least {width}×{height})"), id="too-small")

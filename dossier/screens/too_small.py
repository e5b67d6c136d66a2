"""The screen shown while the terminal is too small to draw the browser: one centred line, nothing else.

The app pushes it over whatever is open when the terminal shrinks below
`DossierApp.MIN_SIZE` and pops it when the terminal is large enough again.
The screens under it are left as they were (selection, focus, history, a
half-typed search), so enlarging the terminal shows them unchanged; their
workers go on and their results are kept. Only `q` (quit) works meanwhile.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """'Enlarge the terminal (needs at least 40×12)', centred, instead of panes drawn into too few cells."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.needed = (width, height)
        """The smallest terminal the browser is drawn in (columns, rows)."""

    def compose(self) -> ComposeResult:
        width, height = self.needed
        yield Static(Content(f"Enlarge the terminal (needs at least {width}×{height})"), id="too-small")

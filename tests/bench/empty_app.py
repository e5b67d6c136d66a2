"""The floor: an empty Textual app, timed and measured exactly like `dossier browse`.

It shows one line (the marker the harness waits for) and redraws it on Down,
so a key press has a repaint to time. Run it as a script:
`python -m tests.bench.empty_app`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "Empty Textual app"
"""The text the harness waits for on the first screen."""


class EmptyApp(App[None]):
    """Nothing but a counter of Down presses."""

    BINDINGS = [("q", "quit", "Quit"), ("down", "count", "Count")]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static(f"{MARKER}: 0 presses")

    def action_count(self) -> None:
        self.presses += 1
        self.query_one(Static).update(f"{MARKER}: {self.presses} presses")


if __name__ == "__main__":
    EmptyApp().run()

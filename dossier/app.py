"""The Textual app: a thin shell that wires the store, the screens and the global keys."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from .store import Store


class DossierApp(App[None]):
    """Browse one dossier, read-only."""

    TITLE = "Dossier"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, store: Store, ref: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.ref = ref

    def compose(self) -> ComposeResult:
        summary = self.store.summary()
        yield Header()
        yield Static(f"{summary.title}: {summary.counts}", markup=False)
        yield Footer()

"""App-wide intents: messages any screen or palette provider posts to the App, which carries them out.

A palette provider (`dossier.commands`) or a view posts one of these instead
of calling into the App or the browse screen, so it imports neither: the App
closes what stands above the browser and hands the intent to it.

They are plain classes, not dataclasses: this module is imported before the
browser's first frame, and a dataclass costs ~0.3 ms to define (its methods are
compiled from source as the class is made), a plain class ~0.01 ms
(docs/performance.md).
"""

from __future__ import annotations

from textual.message import Message


class OpenRef(Message):
    """Show this entity in the browser, as a step in the history (`BrowseScreen.open_ref`)."""

    def __init__(self, kind: str, entity_id: int) -> None:
        super().__init__()
        self.kind = kind
        self.entity_id = entity_id


class RunKey(Message):
    """Do what a key of the browser does (`dossier.keys.Key`), as if it were pressed there (the palette)."""

    def __init__(self, owner: str, action: str) -> None:
        super().__init__()
        self.owner = owner
        """The key's owner: `app`, `browse` or `detail`."""
        self.action = action


class ShowActorKind(Message):
    """Only actors of this kind in the Actors pane (None: every kind, grouped)."""

    def __init__(self, kind: str | None) -> None:
        super().__init__()
        self.kind = kind


class OpenNotebook(Message):
    """Open the notebook screen, narrowed by this text (`#tag` for the palette's `Tag: NAME`)."""

    def __init__(self, narrow: str = "") -> None:
        super().__init__()
        self.narrow = narrow


class DossierChanged(Message):
    """The dossier file has just been written (an edit, from this process): read the browser's panes again now.

    Another program's writes are found without it, within `DOSSIER_LIVE_SECONDS` (`BrowseScreen.refresh_data`).
    """

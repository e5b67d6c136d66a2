"""App-wide intents: messages any screen or palette provider posts to the App, which carries them out.

A palette provider (`dossier.commands`) or a view posts one of these instead
of calling into the App or the browse screen, so it imports neither: the App
closes what stands above the browser and hands the intent to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenRef(Message):
    """Show this entity in the browser, as a step in the history (`BrowseScreen.open_ref`)."""

    kind: str
    entity_id: int


@dataclass
class RunKey(Message):
    """Do what a key of the browser does (`dossier.keys.Key`), as if it were pressed there (the palette)."""

    owner: str
    """The key's owner: `app`, `browse` or `detail`."""
    action: str


@dataclass
class ShowActorKind(Message):
    """Only actors of this kind in the Actors pane (None: every kind, grouped)."""

    kind: str | None


@dataclass
class OpenNotebook(Message):
    """Open the notebook screen, narrowed by this text (`#tag` for the palette's `Tag: NAME`)."""

    narrow: str = ""


@dataclass
class DossierChanged(Message):
    """The dossier file has just been written (an edit, from this process): read the browser's panes again now.

    Another program's writes are found without it, within `DOSSIER_LIVE_SECONDS` (`BrowseScreen.refresh_data`).
    """

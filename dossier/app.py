"""The Textual app: a thin shell that wires the store, the screens and the global keys.

The browse screen owns the selection and the history; the app only opens it
(at a REF when one is given), holds the keys that work everywhere (quit,
help, the command palette), and refuses any action that is not on its
allow-list, so that no text on screen can trigger one. The search and help
screens and the palette's providers are imported when first used, to keep
start-up as fast as an empty Textual app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from .screens.browse import BrowseScreen
from .store import Store
from .widgets import render

if TYPE_CHECKING:
    from textual.command import Provider


def _dossier_commands() -> type[Provider]:
    from .commands import DossierCommands

    return DossierCommands


def _actor_kind_commands() -> type[Provider]:
    from .commands import ActorKindCommands

    return ActorKindCommands


class DossierApp(App[None]):
    """Browse one dossier, read-only."""

    CSS_PATH = "dossier.tcss"
    TITLE = "Dossier"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", "Palette", priority=True, id="command-palette"),
        Binding("question_mark", "show_help", "Help", id="show-help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    COMMANDS = App.COMMANDS | {_dossier_commands, _actor_kind_commands}

    ALLOWED_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "quit",
            "help_quit",
            "show_help",
            "command_palette",
            "change_theme",
            "focus_next",
            "focus_previous",
            "bell",
            "screenshot",
            "show_help_panel",
            "hide_help_panel",
        }
    )
    """The app-level actions that may run. Everything else (push_screen, add_class, notify, ...) is
    refused, so a `[@click=app.…]` that somehow reached the screen could do nothing."""

    def __init__(self, store: Store, ref: str | None = None, *, check_seconds: float = 0.0) -> None:
        super().__init__()
        self.store = store
        self.ref = ref
        """Where to open: a slug or kind/slug, resolved before the first screen (cli.py checks it)."""
        self.check_seconds = check_seconds
        """How long to look for damage once the first screen is up (0: the store was checked on open)."""
        self._browser: BrowseScreen | None = None

    def get_default_screen(self) -> BrowseScreen:
        start = self.store.resolve(self.ref) if self.ref else None
        self._browser = BrowseScreen(self.store, start=start, check_seconds=self.check_seconds)
        return self._browser

    def on_mount(self) -> None:
        self.sub_title = render.content(self.store.title()).plain

    @property
    def browser(self) -> BrowseScreen:
        """The browse screen, the bottom of the screen stack."""
        assert self._browser is not None
        return self._browser

    def open_ref(self, kind: str, entity_id: int) -> None:
        """Show an entity in the browser as a history step, closing any screen above it."""
        while len(self.screen_stack) > 1 and self.screen is not self.browser:
            self.pop_screen()
        self.browser.open_ref(kind, entity_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action in self.ALLOWED_ACTIONS

    def action_show_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

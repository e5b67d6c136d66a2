"""The Textual app: a thin shell that wires the store, the screens and the global keys.

The browse screen owns the selection and the history; the app only opens it
(at a REF when one is given), holds the keys that work everywhere (quit,
help, the command palette), and refuses any action that is not on its
allow-list, so that no text on screen can trigger one. The search and help
screens and the palette's providers are imported when first used, to keep
start-up as fast as an empty Textual app.

Hostile input stops here too:

* **Actions.** `check_action` runs only `ALLOWED_ACTIONS` at app level, and
  an action named in what is drawn (a `@click` in a style's meta, which is
  how Textual markup attaches actions to text) runs only for Textual's own
  scroll bars. Dossier text never becomes markup (`widgets/render.py`), so
  this is the second wall, not the first.
* **Workers.** Textual hands a worker's unhandled exception to the app and
  ends it. Here, in one place, a failed worker (ours, or Textual's own, such
  as the palette's search) becomes a one-line error notice and the app goes
  on; a pane that failed to load is loaded again by moving.
* **Anything else** that escapes a handler ends the app as Textual does, but
  without printing a traceback (which would show local variables, dossier
  text among them, on the terminal): `failure` keeps the exception and the
  command line reports it in one line (`--debug` shows the traceback).
* **Paste.** Pasted text is cleaned (`clean_text`) before any widget sees
  it, so an escape sequence in it never reaches the terminal from the
  search box or the palette's input.
* **Keys in order.** On the screens without a text box (`KEYS_AT_ONCE`), a
  bound key runs as it arrives (`run_key_binding`), and only once what the
  keys before it set going has landed (messages still queued on the focused
  widget's way to the screen, a link being followed: `keys_pending`), so
  `2` then `j` in one write moves the Statements cursor, and Enter then `j`
  moves in what Enter opened. Textual would run `j` (a priority binding)
  before `2` had gone round the widgets to its binding. On every screen, a
  key routed to the focused widget (a text box's letters, Tab, Backspace)
  holds the keys after it until it has landed: taken by a widget on its way,
  or back at the app with its binding run (`_route_key`). So Tab then a word
  in one write types the word into the field Tab moved to; Textual would
  type it into the field Tab was leaving, whose binding runs only once the
  key has gone up to the app. A key that must wait waits in a worker
  (`_hold_key`), with the keys after it, so that the app's own messages go
  on meanwhile.
* **Terminal size.** Below `MIN_SIZE` a `TooSmallScreen` covers everything
  ("Enlarge the terminal"); the screens under it keep their state and come
  back as they were when the terminal is large enough.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.worker import Worker, WorkerFailed

from . import keys, messages
from .screens.browse import BrowseScreen
from .store import Store
from .text import clean_text
from .widgets import render
from .widgets.textual_compat import GuardedApp, as_typed, key_stopped, run_key_binding

if TYPE_CHECKING:
    from textual.command import Provider

    from .draft.build import Draft
    from .screens.too_small import TooSmallScreen


def _dossier_commands() -> type[Provider]:
    from .commands import DossierCommands

    return DossierCommands


def _key_commands() -> type[Provider]:
    from .commands import KeyCommands

    return KeyCommands


def _actor_kind_commands() -> type[Provider]:
    from .commands import ActorKindCommands

    return ActorKindCommands


def _notebook_commands() -> type[Provider]:
    from .commands import NotebookCommands

    return NotebookCommands


class DossierApp(GuardedApp[None]):
    """Browse one dossier: read-only, or with `write` the capture keys `e`, `a`, `D` (`dossier browse --write`)."""

    CSS_PATH = "dossier.tcss"
    TITLE = "Dossier"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("app")
    COMMANDS = App.COMMANDS | {_dossier_commands, _key_commands, _actor_kind_commands, _notebook_commands}

    ALLOWED_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "quit",
            "help_quit",
            "show_help",
            "command_palette",
            "change_theme",
            "focus_next",
            "focus_previous",
            "show_help_panel",
            "hide_help_panel",
        }
    )
    """The app-level actions that may run: those of the keys (and Textual's own Tab, Ctrl+Q, Ctrl+C).
    Everything else (screenshot, bell, push_screen, add_class, notify, ...) is refused, so a
    `[@click=app.…]` that somehow reached the screen could do nothing."""

    KEYS_WHEN_TOO_SMALL: ClassVar[frozenset[str]] = frozenset({"quit", "help_quit"})
    """While the terminal is too small only quitting works: nothing else could be seen."""

    MIN_SIZE: ClassVar[tuple[int, int]] = (40, 12)
    """The smallest terminal (columns, rows) the browser is drawn in: at 40×12 every pane still
    shows a row of a few words (at 10 rows the Statements pane has none). Below it the app asks
    for a larger terminal instead."""

    def __init__(
        self,
        store: Store,
        ref: str | None = None,
        *,
        show_tracebacks: bool = False,
        check_seconds: float = 0.0,
        on_first_frame: Callable[[], None] | None = None,
        notebook: Path | None = None,
        notebook_off: str | None = None,
        write: Path | None = None,
        review: Draft | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.write = write
        """The dossier file `e`, `a` and `D` write (`dossier browse --write`); None: read-only."""
        self.review = review
        """A draft to review over the browser once it is up (`dossier browse PATH --write --review DRAFT.yaml`)."""
        self.ref = ref
        """Where to open: a slug or kind/slug, resolved before the first screen (`open_browser` checks it)."""
        self.show_tracebacks = show_tracebacks
        """Let Textual print the traceback of an unexpected exception (`dossier --debug browse`)."""
        self.failure: BaseException | None = None
        """The unexpected exception that ended the app, if one did (the command line reports it)."""
        self.check_seconds = check_seconds
        """How long to look for damage once the first screen is up (0: the store was checked on open)."""
        self.on_first_frame = on_first_frame
        """Called once the first screen has been drawn (`dossier.opening` turns the collector back on)."""
        self.notebook_path = notebook
        """The notebook file (`dossier.notebook`); None: the notebook is off, for the reason `notebook_off`."""
        self.notebook_off = notebook_off
        self._browser: BrowseScreen | None = None
        self._held_keys: deque[events.Key] = deque()
        """Keys waiting, in the order typed, for what the keys before them set going (`_hold_key`)."""
        self._key_runner: Worker[None] | None = None
        self._routed_key: events.Key | None = None
        """The last key routed to the focused widget, until it has landed (`_route_key`)."""
        self._too_small: TooSmallScreen | None = None
        # The title bar draws it with Content(title), never as markup; the text is cleaned here,
        # before the first screen is composed (it is drawn once: a dossier's title does not change).
        self.sub_title = render.content(self.store.title()).plain

    def get_default_screen(self) -> BrowseScreen:
        start = self.store.resolve(self.ref) if self.ref else None
        self._browser = BrowseScreen(
            self.store,
            start=start,
            check_seconds=self.check_seconds,
            notebook=self.notebook_path,
            notebook_off=self.notebook_off,
            write=self.write,
        )
        return self._browser

    def on_mount(self) -> None:
        self._fit_terminal(self.size)
        if self.on_first_frame is not None:
            self.call_after_refresh(self.on_first_frame)
        if self.review is not None:
            self.call_after_refresh(self.browser.capture.review, self.review)

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

    @on(messages.OpenRef)
    def _open_ref_asked(self, message: messages.OpenRef) -> None:
        self.open_ref(message.kind, message.entity_id)

    @on(messages.OpenNotebook)
    def _open_notebook_asked(self, message: messages.OpenNotebook) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self.browser:
            self.pop_screen()
        self.browser.notebook.open_notebook(message.narrow)

    @on(messages.RunKey)
    async def _run_key_asked(self, message: messages.RunKey) -> None:
        """A key's command chosen in the palette: run where the key would, over the browser."""
        while len(self.screen_stack) > 1 and self.screen is not self.browser:
            self.pop_screen()
        target: DOMNode = {"app": self, "detail": self.browser.detail}.get(message.owner, self.browser)
        await self.run_action(message.action, target)

    @on(messages.DossierChanged)
    def _dossier_changed(self, message: messages.DossierChanged) -> None:
        self.browser.refresh_data()

    @on(messages.ShowActorKind)
    def _show_actor_kind_asked(self, message: messages.ShowActorKind) -> None:
        self.browser.show_actor_kind(message.kind)

    KEY_CHARACTERS: ClassVar[dict[str, str]] = {"question_mark": "?", "slash": "/", "number_sign": "#"}
    """The keys named for their character in the footer, and that character."""

    def get_key_display(self, binding: Binding) -> str:
        """What the footer shows for a key: as Textual shows it, without looking the key up by its Unicode name.

        Textual finds a key's character with `unicodedata.lookup` (`format_key`), which
        reads ~0.4 MiB of Python's Unicode name tables into memory for the footer's first
        keys; a letter is itself, and `KEY_CHARACTERS` holds the others the footer shows
        (a test compares every key with Textual's own display).
        """
        key = binding.key
        if not binding.key_display:
            shown = self.KEY_CHARACTERS.get(key) or (key if len(key) == 1 else None)
            if shown is not None:
                return shown
        return super().get_key_display(binding)

    LEFT_OUT_COMMANDS: ClassVar[frozenset[str]] = frozenset({"Screenshot", "Maximize", "Minimize", "Keys"})
    """Textual's palette commands left out: Screenshot writes a file where the app runs (a served dossier must
    not let a visitor write on the server); Maximize clipped the Detail pane without wrapping it again, and
    Keys opened a panel Escape did not close (`?` shows every key instead)."""

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, less `LEFT_OUT_COMMANDS`; the palette's own (`commands.py`) add every key."""
        for command in super().get_system_commands(screen):
            if command.title not in self.LEFT_OUT_COMMANDS:
                yield command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.too_small:
            return action in self.KEYS_WHEN_TOO_SMALL
        return action in self.ALLOWED_ACTIONS

    def drawn_action_allowed(self, event: events.Event, namespace: DOMNode) -> bool:
        # Textual runs an action named in the style of the text under the mouse (`@click=app.quit`).
        # Only scroll bars draw such text on purpose; from anything else the action is dropped.
        if isinstance(namespace, ScrollBar):
            return True
        meta = getattr(getattr(event, "style", None), "meta", None) or {}
        if any(str(key).startswith("@") for key in meta):
            self.log.warning(f"refused an action drawn in {namespace!r}: {meta!r}")
            return False
        return True

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # Pasted text lands in the search box or the palette and is drawn from there: an escape
            # sequence in a quote copied from elsewhere would reach the terminal as it is.
            event.text = clean_text(event.text)
        if isinstance(event, events.Key):
            if event.is_forwarded:
                # A key routed to the focused widget, back at the app: its binding runs now (Textual's
                # `App._on_key`), and with that it has landed.
                await super().on_event(event)
                if event is self._routed_key:
                    self._routed_key = None
                return
            at_once = self._keys_at_once(self.screen)
            if self._held_keys or self._key_in_flight() or (at_once and self._keys_pending(self.screen)):
                self._hold_key(event)  # after the keys before it, in the order typed
                return
            if at_once:
                self.app_focus = True
                if await run_key_binding(self, event.key):
                    return
            await self._route_key(event)
            return
        await super().on_event(event)

    async def _route_key(self, event: events.Key) -> None:
        """Route a key as Textual does: to the focused widget, and its binding on the way back up to the app.

        Until it has landed (taken by a widget on its way, or back at the app and
        its binding run: `_key_in_flight`), the keys after it wait: else they would
        reach the widget that had the focus before a Tab moved it, or a field
        before the Backspace typed ahead of them had deleted.
        """
        self._routed_key = as_typed(event)
        await super().on_event(event)
        if not event.is_forwarded and event is self._routed_key:
            self._routed_key = None  # a priority binding ran it at the app: it went nowhere

    def _key_in_flight(self) -> bool:
        """Whether the last key routed to the focused widget is still on its way (see `_route_key`)."""
        routed = self._routed_key
        if routed is not None and key_stopped(routed):
            self._routed_key = routed = None
        return routed is not None

    KEY_WAIT_SECONDS: ClassVar[float] = 2.0
    """The longest a key waits for what the keys before it set going (a link followed, a pane focused): a bound
    against a hang only, since a key waits just as long as that takes (tens of ms; a few hundred on a loaded
    machine, where a shorter bound would run the key in the pane Enter was leaving)."""

    def _keys_at_once(self, screen: Screen[object]) -> bool:
        """Whether a key on `screen` runs its binding as it arrives (see the docstring), not as Textual routes it."""
        from textual.widgets import Input  # here, not at start-up: the browser's way in has no text box

        # A text box takes its letters (and q) before any binding, as Textual routes them.
        return bool(getattr(screen, "KEYS_AT_ONCE", False)) and not self.too_small and not isinstance(
            screen.focused, Input
        )

    def _hold_key(self, event: events.Key) -> None:
        """Keep the key, after those already kept, until what the keys before it set going has landed.

        The keys wait in a worker of their own, not in this handler: the app's
        messages must go on meanwhile, since what the earlier keys set going may
        need them (a Footer recomposed for the new bindings waits for the app to
        remove and mount its children, and the screen's messages wait behind it).
        """
        self._held_keys.append(event)
        if self._key_runner is None or self._key_runner.is_finished:
            self._key_runner = self.run_worker(self._run_held_keys(), name="held keys", group="keys")

    async def _run_held_keys(self) -> None:
        """Run each kept key in the order typed, once the earlier keys have landed (or KEY_WAIT_SECONDS passed)."""
        while self._held_keys:
            screen = self.screen
            deadline = time.monotonic() + self.KEY_WAIT_SECONDS
            while (
                (self._keys_pending(screen) and self.screen is screen) or self._key_in_flight()
            ) and time.monotonic() < deadline:
                await asyncio.sleep(0.001)
            self._routed_key = None  # landed, or lost on its way (its widget removed): waited for long enough
            event = self._held_keys.popleft()
            if self.screen is screen and self._keys_at_once(screen):
                self.app_focus = True
                if await run_key_binding(self, event.key):
                    continue
            await self._route_key(event)  # (an earlier key opened or closed a screen: routed afresh)

    @staticmethod
    def _keys_pending(screen: Screen[object]) -> bool:
        """Whether messages wait on the way from the focused widget to the screen, or the screen is moving."""
        pending = getattr(screen, "keys_pending", None)
        if pending is not None and pending():
            return True
        node: DOMNode | None = screen.focused
        while node is not None:
            if node.message_queue_size:
                return True
            if node is screen:
                return False
            node = node.parent
        return screen.message_queue_size > 0

    # ----------------------------------------------------------------- failures

    def unhandled_exception(self, error: Exception) -> None:
        # Every unhandled exception comes here: from a worker (wrapped in WorkerFailed, the
        # one place where workers' failures are reported) or from a handler.
        if isinstance(error, WorkerFailed):
            self.log.error(f"worker failed: {error.error!r}")
            render.notify(self, render.failure(error.error), severity="error")
            return
        self.failure = error
        if self.show_tracebacks:
            self.textual_exception_handling(error)
        else:
            # Textual's own handling, less the traceback it would print with its local variables.
            self.end_without_traceback(error)

    # ----------------------------------------------------------------- terminal size

    @property
    def too_small(self) -> bool:
        """Whether the terminal is below `MIN_SIZE` (the "Enlarge the terminal" screen is up)."""
        return self._too_small is not None and self._too_small in self.screen_stack

    def on_resize(self, event: events.Resize) -> None:
        self._fit_terminal(event.size)

    def _fit_terminal(self, size: Size) -> None:
        width, height = self.MIN_SIZE
        fits = size.width >= width and size.height >= height
        if not fits and not self.too_small:
            from .screens.too_small import TooSmallScreen  # here: a terminal big enough never needs it

            self._too_small = TooSmallScreen(width, height)
            self.push_screen(self._too_small)
        elif fits and self.too_small and self.screen is self._too_small:
            self.pop_screen()
            self._too_small = None

    def action_show_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

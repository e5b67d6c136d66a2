"""Hold the next frame for a moment, so a key press and what it loads are painted together.

Textual paints at most once per `1 / TEXTUAL_FPS` (16.7 ms): when a cursor
move is painted at once and the Detail pane's row arrives from its worker a
few milliseconds later, the second frame waits for the next slot, and the
press takes two frames (~35 ms here) to show in full. A `FrameHold` started
by the list when its cursor moves (before anything is painted) suspends
painting (`App.batch_update`) until the screen says the linked panes are in
step, or `seconds` have passed, whichever comes first; the moved cursor and
the linked panes then go out in one frame. A held key still paints at least
every `seconds`, and a load that fails or is dropped cannot keep the screen
frozen.

What the screen waits for is named: each pane a move sets loading (`wait`),
and each says when it is in step (`arrived`); the frame goes once none is
awaited. A pane that loads because another pane loaded (a measure's
Consequences after the Measures) is awaited too, so a move between actors
is one frame, not one for the lists and another for the Detail pane and the
Consequences (in the SSH lecture hall, where every frame is CPU shared by
many browsers, the second frame was about a quarter of a key's CPU:
docs/serving.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from textual.app import App
from textual.widget import Widget

from .textual_compat import post_refresh_now

HOLD_SECONDS = 0.012
"""The longest a frame waits for the linked panes: under one frame period, so a slow load costs at most this."""


class FrameHold:
    """Suspend painting until `release()` or `seconds`; `start()` while held changes nothing."""

    def __init__(self, app: App[Any], seconds: float = HOLD_SECONDS) -> None:
        self.app = app
        self.seconds = seconds
        self._batch: ExitStack | None = None
        """The open `App.batch_update()` while painting is held."""
        self._deadline: asyncio.TimerHandle | None = None
        self._awaited: set[object] = set()
        """What the held frame still waits for (`wait`): panes loading because of the move."""
        self._changed: list[Widget] = []
        """Widgets updated by what arrived while held, to be painted in the frame (`post_refresh_now`)."""
        self._before: list[tuple[Widget, Callable[[], None]]] = []
        """What to run as the frame goes, and the widget it may repaint (`before_frame`)."""

    @property
    def active(self) -> bool:
        return self._batch is not None

    def start(self) -> None:
        if self._batch is not None or self.seconds <= 0:
            return
        self._batch = ExitStack()
        self._batch.enter_context(self.app.batch_update())
        # The deadline is not moved by later presses: a held key still paints every `seconds`.
        # A plain event-loop callback, not `set_timer`: a Textual timer is a task of its
        # own and names its target with `repr(app)`, ~0.2 ms of every key press.
        self._deadline = asyncio.get_running_loop().call_later(self.seconds, self.release)

    def wait(self, what: object) -> None:
        """While held: the frame also waits for `what` (a pane that started loading) to arrive."""
        if self._batch is not None:
            self._awaited.add(what)

    def before_frame(self, widget: Widget, call: Callable[[], None]) -> bool:
        """While held: run `call` as the frame goes, and paint `widget` in it; False (nothing done) when not held.

        A list given new rows to read repaints as the frame goes, not at once: by
        then its rows have usually arrived, and the lines it would have blanked
        meanwhile are not painted twice (once blank, once again with the rows).
        """
        if self._batch is None:
            return False
        self._before.append((widget, call))
        return True

    def arrived(self, what: object, *changed: Widget) -> None:
        """`what` is in step (`changed` were just updated): paint, unless something else is still awaited."""
        if self._batch is None:
            return
        self._awaited.discard(what)
        if self._awaited:
            self._changed.extend(changed)
            return
        self.release(*changed)

    def release(self, *changed: Widget) -> None:
        """Paint again; `changed` are widgets just updated that must be in the same frame.

        A widget tells the screen it needs a repaint on its own next idle, which
        comes after the screen has painted what was already dirty: for `changed`
        that is done now (`post_refresh_now`).
        """
        batch, self._batch = self._batch, None
        if batch is None:
            return
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._awaited.clear()
        before, self._before = self._before, []
        for _, call in before:
            call()
        changed = (*self._changed, *changed, *(widget for widget, _ in before))
        self._changed.clear()
        for widget in changed:
            post_refresh_now(widget)
        batch.close()
        # Painting resumes on the screen's next idle: prompt it, since nothing else may be queued.
        self.app.screen.check_idle()

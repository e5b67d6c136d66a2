"""Helpers for driving the app with Pilot: wait for its workers, read what a pane shows.

The last part, "Textual's insides", is the one place where the tests read
Textual's private state (what is queued, held, notified, painted): each is one
small function, and `tests/house/test_textual_compat.py` fails naming the
name when a Textual release changes one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.app import App
from textual.dom import DOMNode
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import WorkerCancelled

from dossier.app import DossierApp
from dossier.screens.browse import BrowseScreen
from dossier.widgets import reader
from dossier.widgets.detail import DetailPane
from dossier.widgets.virtual_list import VirtualList


async def settle(pilot: Pilot[Any], rounds: int = 200) -> None:
    """Let every worker and every read of the reader thread finish, and every message they posted be handled
    (and those they caused).

    A thread's message reaches the loop through `call_soon_threadsafe`, so
    each round also sleeps a moment; the app is settled after three quiet rounds.
    """
    app = pilot.app
    quiet = 0
    for _ in range(rounds):
        await pilot.pause(0)
        with contextlib.suppress(WorkerCancelled):  # an exclusive worker replaced by a newer one
            await app.workers.wait_for_complete()
        await asyncio.sleep(0.002)
        nodes = [app, *app.screen.walk_children(with_self=True)]
        busy = (
            any(not worker.is_finished for worker in app.workers)
            or reader.pending()  # the panes' reads (widgets/reader.py)
            or any(has_messages(node) for node in nodes)
            or batch_depth(app) > 0  # a frame held for the linked panes (widgets/frame_hold.py)
        )
        quiet = 0 if busy else quiet + 1
        if quiet == 3:
            return


def browser(app: DossierApp) -> BrowseScreen:
    return app.browser


def lines(widget: VirtualList[Any] | DetailPane) -> list[str]:
    """The text of every visible line of a Line API pane, as drawn."""
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


def shown(widget: VirtualList[Any] | DetailPane) -> str:
    return "\n".join(lines(widget))


def rows_shown(widget: VirtualList[Any]) -> list[str]:
    """The visible rows of a list, each its lines as drawn joined by a space (a row may take several lines)."""
    height = widget.line_height
    top = int(widget.scroll_y)
    rows: dict[int, list[str]] = {}
    for y, line in enumerate(lines(widget)):
        if line.strip():
            rows.setdefault((top + y) // height, []).append(line.strip())
    return [" ".join(parts) for _, parts in sorted(rows.items())]


def row_text(widget: VirtualList[Any], index: int) -> str:
    """Row `index` as drawn, its visible lines joined by a space ("" when it is not on screen)."""
    height = widget.line_height
    top = int(widget.scroll_y)
    drawn = []
    for part in range(height):
        y = index * height + part - top
        if 0 <= y < widget.scrollable_content_region.height:
            drawn.append(widget.render_line(y).text.strip())
    return " ".join(line for line in drawn if line)


def title(widget: VirtualList[Any] | DetailPane) -> str:
    text = border_text(widget)
    assert text is not None
    return text


def subtitle(widget: VirtualList[Any] | DetailPane) -> str:
    return border_text(widget, subtitle=True) or ""


# --------------------------------------------------------------------------- Textual's insides

PRIVATE_NAMES: dict[str, tuple[type[Any], ...]] = {
    "_message_queue": (DOMNode,),
    "_batch_count": (App,),
    "_border_title": (Widget,),
    "_border_subtitle": (Widget,),
    "_notifications": (App,),
    "_display": (App,),
    "_compositor": (Screen,),
    "_background_screens": (App,),
    "_refresh_layout": (Screen,),
    "_exit_renderables": (App,),
    "_toggle_cursor": (Input,),
}
"""Every private name of Textual read by the tests, and the classes whose instances have it."""


def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text boxes keep their cursor shown: no frame twice a second from a blink (to count a screen's frames)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def has_messages(node: DOMNode) -> bool:
    """Whether messages wait in the node's queue."""
    return not node._message_queue.empty()


def batch_depth(app: App[Any]) -> int:
    """How many `batch_update`s hold painting now (0: painting goes on)."""
    return app._batch_count


def border_text(widget: Widget, *, subtitle: bool = False) -> str | None:
    """A border's title (or subtitle) as plain text, as drawn (the public getter gives markup)."""
    content = widget._border_subtitle if subtitle else widget._border_title
    return None if content is None else content.plain


def notifications(app: App[Any]) -> list[Notification]:
    """The notices shown now (`notify`), oldest first."""
    return list(app._notifications)


@contextlib.contextmanager
def each_frame(app: App[Any], seen: Callable[[Any, Any], None]) -> Iterator[None]:
    """Call `seen(screen, renderable)` as each frame is painted (renderable None: nothing to paint)."""
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        seen(screen, renderable)
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    try:
        yield
    finally:
        app._display = original  # type: ignore[method-assign]


def terminal_bytes(app: App[Any]) -> str:
    """A full redraw of the screen as the driver would write it to the terminal."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert update is not None
    return update.render_segments(app.console)


def screen_lines(app: App[Any]) -> list[str]:
    """The text of every line of the screen, as drawn (segment by segment)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


@contextlib.contextmanager
def counting_layouts(screen: Screen[Any]) -> Iterator[list[int]]:
    """Count the screen's layouts while the block runs: the list's one number grows."""
    relayout = screen._refresh_layout
    count = [0]

    def counted(*args: Any, **kwargs: Any) -> None:
        count[0] += 1
        relayout(*args, **kwargs)

    screen._refresh_layout = counted  # type: ignore[method-assign]
    try:
        yield count
    finally:
        del screen._refresh_layout


def exit_renderables(app: App[Any]) -> list[Any]:
    """What Textual prints when the app ends (a traceback, after an unhandled exception)."""
    return list(app._exit_renderables)


def burst(app: App[Any], *keys: str) -> None:
    """Post these keys to the app in one go, as one terminal write delivers them (no wait between)."""
    from textual import events

    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)

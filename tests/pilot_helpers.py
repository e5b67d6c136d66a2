"""Helpers for driving the app with Pilot: wait for its workers, read what a pane shows."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from dossier.app import DossierApp
from dossier.screens.browse import BrowseScreen
from dossier.widgets.detail import DetailPane
from dossier.widgets.virtual_list import VirtualList


async def settle(pilot: Pilot[Any], rounds: int = 200) -> None:
    """Let every worker finish and every message it posted be handled (and those they caused).

    A thread worker's message reaches the loop through `call_soon_threadsafe`, so
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
            or any(not node._message_queue.empty() for node in nodes)
            or app._batch_count > 0  # a frame held for the linked panes (widgets/frame_hold.py)
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


def title(widget: VirtualList[Any] | DetailPane) -> str:
    assert widget._border_title is not None
    return widget._border_title.plain


def subtitle(widget: VirtualList[Any] | DetailPane) -> str:
    return widget._border_subtitle.plain if widget._border_subtitle is not None else ""

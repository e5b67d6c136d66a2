"""The private parts of Textual that Dossier relies on, each behind one small function or hook.

**Supported Textual versions.** Dossier supports exactly the Textual release
pinned in `pyproject.toml` (`textual==8.2.8`), and pins it exactly on purpose:

* a few private names of Textual are used here and only here: `Widget._scroll_update`
  (scrollbars without a layout of the whole screen), `Widget._check_refresh`
  (a repaint in the same frame), `App._broker_event` (the one door through
  which an action drawn in text runs), `App._handle_exception` and, inside it,
  `App._return_code`, `App._exception`, `App._exception_event` and
  `App._close_messages_no_wait` (ending the app on a bug without printing a
  traceback full of dossier text), `App._check_bindings` (a key's binding run
  as the key arrives: `run_key_binding`). Private names change without notice.
  (`virtual_list.same_thumb` also asks the public `ScrollBarRender.render_bar`
  with the arguments Textual's scrollbar passes it: a behaviour, not a name,
  guarded by `tests/app/test_drawn_rows.py`);
* the snapshot tests compare SVGs drawn by one release; and the key latency
  (a press repainted in ~13 ms) was measured, frame by frame, on one release.

Moving to a new Textual is one change of the pin, then `make test`:
`tests/house/test_textual_compat.py` fails, naming the name, if any of these
is gone or has changed its signature, and the snapshot and drawn-row tests
say whether the screen is still the same. Then `make bench` for the speed.

Everything else in Dossier uses Textual's public API only.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.geometry import Size
from textual.widget import Widget

ReturnType = TypeVar("ReturnType")

PRIVATE_NAMES: dict[type[Any], tuple[str, ...]] = {
    Widget: ("_scroll_update", "_check_refresh"),
    App: ("_broker_event", "_handle_exception", "_close_messages_no_wait", "_exception_event", "_check_bindings"),
}
"""The private names used here, by the class that has them (checked by a test)."""
PRIVATE_ATTRIBUTES: tuple[str, ...] = ("_return_code", "_exception")
"""Private attributes an App instance has from its `__init__` (checked by a test)."""


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """Fit a widget's scrollbars to a new virtual size, without the layout of the whole screen.

    Textual's own step after a resize (`Widget._scroll_update`): it asks for a
    layout itself when a scrollbar appears or goes.
    """
    widget._scroll_update(virtual_size)


def post_refresh_now(widget: Widget) -> None:
    """Tell the screen now that `widget` needs a repaint (Textual's `Widget._check_refresh`).

    A widget otherwise says so on its own next idle, which comes after the
    screen has painted what was already dirty: a frame too late.
    """
    widget._check_refresh()


async def run_key_binding(app: App[Any], key: str) -> bool:
    """Run the binding of `key` now, as Textual would after the key has gone round the focused widgets.

    Textual runs a priority binding as the key arrives, but any other only once
    the key has been posted to the focused widget and bubbled back up through
    each container's queue to the App (`App._on_key`). So of two keys in one
    write, a priority key (a list's `j`) runs before the key ahead of it (`2`,
    which moves the focus) has reached its binding. Looked up here with the
    same two passes (`App._check_bindings`: priority from the App down, then the
    rest from the focused widget up), every bound key runs in the order typed.
    Returns whether a binding ran.
    """
    return await app._check_bindings(key, priority=True) or await app._check_bindings(key)


class GuardedApp(App[ReturnType]):
    """An App whose two private hooks call methods of its own with public names.

    * `drawn_action_allowed(event, namespace)`: Textual runs an action named in
      the style of the text under the mouse (`@click=app.quit`) when that text
      is clicked; it runs only when this says yes (else the event stops here).
    * `unhandled_exception(error)`: every exception no handler caught (a failed
      worker arrives wrapped in `WorkerFailed`). By default Textual's own
      handling: a traceback and the end of the app. `end_without_traceback`
      ends the app as Textual does, less the traceback.
    """

    def drawn_action_allowed(self, event: events.Event, namespace: DOMNode) -> bool:
        return True

    def unhandled_exception(self, error: Exception) -> None:
        self.textual_exception_handling(error)

    def textual_exception_handling(self, error: Exception) -> None:
        """Textual's own handling of an unhandled exception: the traceback is printed and the app ends."""
        super()._handle_exception(error)

    def end_without_traceback(self, error: Exception) -> None:
        """End the app with return code 1 as Textual does for an unhandled exception, printing nothing.

        Under `run_test` the exception is raised again when the test's app ends,
        as Textual does, so a test sees it.
        """
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    async def _broker_event(self, event_name: str, event: events.Event, default_namespace: DOMNode) -> bool:
        # Called by every widget's click and mouse up/down (`Widget.broker_event`); the result is unused.
        if self.drawn_action_allowed(event, default_namespace):
            return await super()._broker_event(event_name, event, default_namespace)
        event.stop()
        return True

    def _handle_exception(self, error: Exception) -> None:
        self.unhandled_exception(error)

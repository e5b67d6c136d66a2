"""The keys line at the bottom of the browser and the views: Textual's `Footer`, rebuilt only when it would change.

Textual's `Footer` removes and mounts all its keys (a dozen widgets, then a
layout of the screen) whenever its screen says its bindings may have changed:
each time the focus moves, and each time a screen is opened over it or closed.
Opening the notebook over the browser rebuilt the browser's footer, hidden
under the notebook, just after the notebook's first frame (~20–40 ms, and a
layout), and closing it rebuilt it again with the same keys. `KeysFooter`
rebuilds only when the keys it would show differ from those it shows, and
never while its screen is covered: the screen says so again when it is back
on top, and the footer catches up then.

The rebuild is still scheduled by Textual's `Footer.bindings_changed`
(`call_after_refresh`, in the footer's own queue); only `recompose` decides.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeysFooter(Footer):
    """A `Footer` that recomposes only when the keys it shows change, and only while its screen is on top."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[object, ...] | None = None
        """What the keys were built from last time (None: not built yet)."""

    def shown_keys(self) -> tuple[object, ...]:
        """Everything `Footer.compose` builds the keys from: the bindings shown, whether each is enabled, and how."""
        bindings = tuple(
            (binding, enabled, tooltip)
            for (_namespace, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (bindings, self.compact, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        if self.screen is not self.app.screen:
            return  # covered: rebuilt, if need be, when the screen is back on top (it says so then)
        shown = self.shown_keys()
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()

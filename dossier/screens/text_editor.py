"""A modal text area that asks once before a changed text is thrown away: the note editor and the capture's editor."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from ..widgets import render

ResultT = TypeVar("ResultT")


class TextEditorScreen(ModalScreen[ResultT]):
    """One `TextArea` and one status line (`STATUS`): Escape on a changed text asks first, a second Escape closes.

    Subclasses compose the area and the status line, and bind Escape to an
    action that calls `close_or_ask`.
    """

    STATUS: ClassVar[str]
    """The selector of the status line (a `Static`)."""
    WHAT: ClassVar[str] = "text"
    """What is edited, as the question names it: "The note has changed…"."""

    def __init__(self, original: str) -> None:
        super().__init__()
        self.original = original
        self._asked = False
        """Escape was pressed once on a changed text: the next Escape throws the change away."""

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def say(self, line: str) -> None:
        self.query_one(self.STATUS, Static).update(render.plain(line))

    def close_or_ask(self) -> None:
        if self.text != self.original and not self._asked:
            self._asked = True
            self.say(f"The {self.WHAT} has changed: Escape again throws the change away, Ctrl+S saves it.")
            return
        self.dismiss(None)

    @on(TextArea.Changed)
    def _changed(self) -> None:
        if self._asked:
            self._asked = False
            self.say("")

"""The capture screens: the in-app editor (`e`, `a` with no $VISUAL or $EDITOR), what `a` adds, `D`'s confirmation.

The editor is a TextArea over the entity's bundle YAML. It saves through a
callback (the browser's `CaptureKeys` runs the save in a worker) and stays
open until the save lands: a refused document comes back into it with each
problem as a comment at the top (`dossier.editing.with_problems`), a file that
cannot be written says why on its status line. YAML highlighting needs the
tree-sitter packages (`textual[syntax]`), which Dossier does not install: with
them the text is highlighted, without them it is plain.

Dossier text reaches these screens only as plain text: a TextArea never reads
markup, and titles go through `widgets/render.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from .. import keys
from ..widgets import render
from .text_editor import TextEditorScreen


def yaml_highlighting() -> str | None:
    """"yaml" when Textual can highlight it (the `textual[syntax]` packages are installed), else None (plain)."""
    from importlib.util import find_spec

    return "yaml" if find_spec("tree_sitter") and find_spec("tree_sitter_yaml") else None


class EditorScreen(TextEditorScreen[object]):
    """A document in a text area: Ctrl+S saves (through `save`), Escape closes (asking first when it changed).

    `save(screen, text)` starts the save; the caller then calls `refused`,
    `failed` or `dismiss` with what was saved. Saving the text unchanged or
    empty closes the screen with None: nothing to write.
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("editor")

    STATUS = "#editor-status"

    def __init__(self, title: str, text: str, save: Callable[[EditorScreen, str], None]) -> None:
        super().__init__(text)
        self.title_text = title
        self._save = save
        self.saving = False
        """A save is on its way: keys wait for it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-box", classes="notebook-modal") as box:
            box.border_title = render.content(self.title_text)
            box.border_subtitle = "Ctrl+S saves · Escape closes"
            yield TextArea(
                self.original, id="editor-text", language=yaml_highlighting(), soft_wrap=True, show_line_numbers=True
            )
            yield Static(id="editor-status")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save_document(self) -> None:
        if self.saving:
            return
        text = self.text
        if not text.strip() or text == self.original:
            self.dismiss(None)  # saving it unchanged or empty cancels
            return
        self.saving = True
        self.say("Saving…")
        self._save(self, text)

    def refused(self, text: str, count: int) -> None:
        """The save was refused: the text again, the problems on top."""
        self.saving = False
        self.original = text  # saving it as shown now cancels, as in an outside editor
        area = self.query_one(TextArea)
        area.load_text(text)
        area.move_cursor((0, 0))
        self.say(f"Not saved: {count} problem{'s' if count != 1 else ''}, listed at the top. Fix and save again.")

    def failed(self, reason: str) -> None:
        """The file could not be written (busy, read-only, a full disk): the text stays, the reason is shown."""
        self.saving = False
        self.say(f"Not saved: {reason}")

    def action_close_editor(self) -> None:
        self.close_or_ask()


class AddScreen(ModalScreen[str | None]):
    """What `a` adds: a statement by the actor at hand, an actor, a measure, a consequence, an event, a source."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("add")

    def __init__(self, choices: list[tuple[str, str]], highlighted: str) -> None:
        super().__init__()
        self.choices = choices
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(id="add-box", classes="notebook-modal") as box:
            box.border_title = "Add"
            box.border_subtitle = "Enter chooses · Escape closes"
            yield OptionList(*(Option(render.content(label), id=kind) for kind, label in self.choices), id="add-kinds")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        kinds = [kind for kind, _ in self.choices]
        options.highlighted = kinds.index(self.highlighted) if self.highlighted in kinds else 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close_add(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """`D`'s question: what goes, named; `y` deletes, `n` or Escape keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("confirm")

    def __init__(self, question: str, *, undo: str | None = None) -> None:
        super().__init__()
        self.undo = undo
        """The command that undoes it (`dossier revert`), shown in bold after the question."""
        self.question = question if undo is None else f"{question} This is recorded, and {undo} undoes it."
        """The question as one line of plain text."""
        self._asked = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="notebook-modal") as box:
            box.border_title = "Delete"
            box.border_subtitle = "y deletes · n or Escape keeps it"
            yield Static(self._question_text(), id="confirm-question")

    def _question_text(self) -> Text:
        """The question as plain text (it names what goes: dossier text), the command that undoes it in bold."""
        text = render.paragraph(self._asked)
        if self.undo is not None:
            text.append(" This is recorded, and ")
            text.append(self.undo, style="bold")
            text.append(" undoes it.")
        return text

    def action_confirm_delete(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)

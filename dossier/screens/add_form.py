"""The form for a new statement: text, quote or paraphrase, date, speaker and role, via, source, measures and stances.

`AddStatementScreen(store, speaker_slug)` is a modal screen that dismisses
with a bundle document, `{"statements": [{...}]}`, in exactly the shape
`dossier import` reads (docs/bundles.md), or with None when the user closes
it. It writes nothing: whoever opened it writes the bundle (the importer's
one transaction) and may give the statement its slug first, with
`new_statement_slug`; a bundle without a slug is not yet importable.

Given `save(form, bundle)` (the browser's `a`, `dossier.screens.capture_keys`),
`Ctrl+S` hands the bundle to it instead and the form stays open while it is
written: the caller then calls `dismiss` with what was written, or `refused`
with a one-line reason, and the fields are kept for another try.

Completion: the speaker, the source and each measure complete from the
dossier as they are typed (`Store.complete`, bounded index queries, in a
thread), shown two ways: Textual's inline suggestion (the rest of a slug or a
name that starts with what was typed, greyed; `→` takes it) and a line of
matches under the fields (name and slug, words inside a name too), for a
slug to be typed. What is typed may be a slug or the exact name or title of
one entity; `Ctrl+S` turns it into the slug, or says which field names
nothing and puts the focus there. The form is checked as the importer
checks (a date is YYYY, YYYY-MM or YYYY-MM-DD and real, the text is not
empty and holds no NUL, a measure is named once), so what it gives imports.

Keys: `Ctrl+S` adds, `Escape` closes (a changed form asks first: `Escape`
again throws it away). Tab and Shift+Tab move between fields; the text box,
the inputs and the drop-downs keep their own keys.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from .. import keys
from ..rows import DATE_PATTERN, Completion, CompletionKind
from ..slugs import unique_slug
from ..store import Store, StoreError
from ..widgets import render

KINDS = ("quote", "paraphrase")
STANCES = ("comments", "announces", "justifies", "condemns", "threatens", "demands")
"""The stances a statement takes on a measure (`dossier.rows.Stance`); the first is the default."""
MATCHES = 5
"""Matches shown under the fields for what is being typed."""
DATE_SHAPE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")
"""The shape of a date, real or not (as `dossier.models.DATE_SHAPE`, which the browser does not import: pydantic)."""


def new_statement_slug(store: Store, text: str, speaker: str | None = None) -> str:
    """A slug for a new statement, made from its speaker's slug and the first words of its text, unique in `store`.

    `zakharova` and "We regard the US demand as an expulsion…" give
    `zakharova-we-regard-the-us-demand-as-an-expulsion-and-will`; when that is
    taken, `…-2`, `…-3`: each try is one lookup of the slug index.
    """
    return unique_slug(text, lambda slug: store.find("statement", slug) is not None, prefix=speaker or "")


def check_date(value: str) -> str | None:
    """Why `value` is not a date the importer takes (None: it is, or it is empty)."""
    if not value or re.match(DATE_PATTERN, value):
        return None
    if DATE_SHAPE.match(value):
        return f"{value!r} is not a real date"
    return f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"


class StoreSuggester(Suggester):
    """Completes a slug or name of one kind from the store, in a thread; tells the form every match found."""

    def __init__(self, form: AddStatementScreen, kind: CompletionKind) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.form = form
        self.kind = kind

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            self.form.show_matches(self.kind, value, [])
            return None
        try:
            found = await asyncio.to_thread(self.form.store.complete, self.kind, value, MATCHES)
        except StoreError as exc:
            self.form.say(str(exc))
            return None
        self.form.show_matches(self.kind, value, found)
        for match in found:
            for word in (match.slug, match.label):
                if len(word) > len(value) and word.casefold().startswith(value.casefold()):
                    return value + word[len(value) :]
        return None


@dataclass(frozen=True)
class Problem:
    """A field the form cannot take: the widget to focus, and why (one line)."""

    widget: Widget
    reason: str


SaveForm = Callable[["AddStatementScreen", dict[str, Any]], None]
"""Starts writing the form's bundle; then calls the form's `dismiss` (written) or `refused` (a reason)."""


class AddStatementScreen(ModalScreen[object]):
    """A new statement by the actor at hand, as a bundle (`Ctrl+S`), or nothing (`Escape`).

    Without `save` it dismisses with the bundle; with it, with what `save`'s
    caller dismisses it with once the bundle is written.
    """

    DEFAULT_CSS: ClassVar[str] = """
    AddStatementScreen {
        align: center middle;
    }

    #add-form {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 95%;
        border: round $accent;
        border-title-color: $accent;
        background: $surface;
        padding: 0 1;
    }

    #add-text {
        height: 6;
    }

    #add-form .add-row {
        height: auto;
    }

    #add-kind {
        width: 20;
    }

    #add-said {
        width: 1fr;
    }

    #add-form .about-measure {
        width: 1fr;
    }

    #add-form .about-stance {
        width: 20;
    }

    #add-about {
        height: auto;
    }

    #add-matches {
        color: $text-muted;
        height: auto;
    }

    #add-status {
        color: $warning;
        height: auto;
    }
    """
    """Parsed when the screen is first shown, not with `dossier.tcss` before the browser's first frame."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("statement-form")

    def __init__(
        self, store: Store, speaker_slug: str | None, *, role: str | None = None, save: SaveForm | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.speaker_slug = speaker_slug
        self.role = role
        """The speaker's role, filled in (the actor's role in the dossier): the role that day may differ."""
        self._save = save
        self._rows: list[tuple[Input, Select[str]]] = []
        self.saving = False
        """The bundle is being written: Ctrl+S and Escape wait for it."""
        self._asked = False
        """Escape was pressed once on a changed form: the next Escape throws it away."""
        self._start: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="add-form") as box:
            box.border_title = "New statement"
            box.border_subtitle = "Ctrl+S adds · Escape closes"
            box.can_focus = False  # Tab goes from field to field, never to the box around them
            yield Label("Text")
            yield TextArea(id="add-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="add-row"):
                yield Select([(kind, kind) for kind in KINDS], value="quote", allow_blank=False, id="add-kind")
                yield Input(placeholder="said: YYYY, YYYY-MM or YYYY-MM-DD", id="add-said")
            yield Input(self.speaker_slug or "", placeholder="speaker: a name or slug",
                        suggester=StoreSuggester(self, "actor"), id="add-speaker")
            yield Input(self.role or "", placeholder="the speaker's role that day", id="add-role")
            yield Input(placeholder="via: the outlet or venue", id="add-via")
            yield Input(placeholder="source: a title or slug", suggester=StoreSuggester(self, "source"),
                        id="add-source")
            yield Label("About (a measure and the stance taken on it; a new row opens as one is filled)")
            with Vertical(id="add-about"):
                yield self._about_row()
            yield Static(id="add-matches")
            yield Static(id="add-status")

    def _about_row(self) -> Horizontal:
        measure = Input(placeholder="measure: a title or slug", suggester=StoreSuggester(self, "measure"),
                        classes="about-measure")
        stance: Select[str] = Select([(stance, stance) for stance in STANCES], value=STANCES[0], allow_blank=False,
                                     classes="about-stance")
        self._rows.append((measure, stance))
        return Horizontal(measure, stance, classes="add-row about-row")

    def on_mount(self) -> None:
        self.query_one("#add-text", TextArea).focus()
        self._start = self._values()

    # ----------------------------------------------------------------- what the form holds

    def _input(self, name: str) -> Input:
        return self.query_one(f"#add-{name}", Input)

    def _values(self) -> tuple[object, ...]:
        inputs = tuple(widget.value for widget in self.query(Input))
        selects = tuple(widget.value for widget in self.query(Select))
        return (self.query_one("#add-text", TextArea).text, inputs, selects)

    @property
    def changed(self) -> bool:
        return self._start is not None and self._values() != self._start

    def about_rows(self) -> list[tuple[Input, Select[str]]]:
        """Each measure row's field and stance, in order: kept as they are made, not queried, so a row still
        being mounted (keys typed faster than it is) is one of them already and is never opened twice."""
        return list(self._rows)

    def say(self, line: str) -> None:
        """One line under the form (a reason, a question); dossier text in it is shown as text."""
        if self.is_attached:  # a completion may answer after the form has closed
            self.query_one("#add-status", Static).update(render.content(line))

    def show_matches(self, kind: CompletionKind, typed: str, found: list[Completion]) -> None:
        """The matches for what is being typed, under the fields: name and slug each."""
        if not self.is_attached:
            return
        if not found:
            text = f"No {kind} starts with {typed.strip()!r}" if typed.strip() else ""
        else:
            text = f"{kind.capitalize()}s: " + " · ".join(f"{match.label} ({match.slug})" for match in found)
        self.query_one("#add-matches", Static).update(render.content(text))

    @on(Input.Changed, ".about-measure")
    def _open_another_about_row(self, event: Input.Changed) -> None:
        rows = self._rows
        if event.value.strip() and rows and rows[-1][0] is event.input:
            self.query_one("#add-about", Vertical).mount(self._about_row())

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _edited(self) -> None:
        if self._asked:
            self._asked = False
            self.say("")

    # ----------------------------------------------------------------- keys

    def action_add_statement(self) -> None:
        """Check every field; dismiss with the bundle (or hand it to `save`), or say what is wrong and focus it."""
        if self.saving:
            return
        try:
            bundle = self._bundle()
        except StoreError as exc:
            self.say(str(exc))
            return
        if isinstance(bundle, Problem):
            self.say(bundle.reason)
            bundle.widget.focus()
            return
        if self._save is None:
            self.dismiss(bundle)
            return
        self.saving = True
        self.say("Adding…")
        self._save(self, bundle)

    def refused(self, reason: str) -> None:
        """The write did not happen: the reason in one line, every field as it was for another try."""
        self.saving = False
        self.say(f"Not added: {reason}")

    def action_close_form(self) -> None:
        if self.saving:
            return  # the write lands in a moment: then the form closes, or says why not
        if self.changed and not self._asked:
            self._asked = True
            self.say("The form has changed: Escape again throws it away, Ctrl+S adds the statement.")
            return
        self.dismiss(None)

    # ----------------------------------------------------------------- checking

    def _bundle(self) -> dict[str, Any] | Problem:
        area = self.query_one("#add-text", TextArea)
        text = area.text.strip()
        if not text:
            return Problem(area, "The statement has no text: type what was said.")
        if "\0" in text:
            return Problem(area, "The text holds a NUL character, which a dossier cannot keep.")
        speaker_input = self._input("speaker")
        speaker = self.store.completed_slug("actor", speaker_input.value)
        if speaker is None:
            typed = speaker_input.value.strip()
            reason = (f"No actor is {typed!r}: type a slug, or a name and take a match" if typed
                      else "Who said it? Type the speaker's name or slug.")
            return Problem(speaker_input, reason)
        statement: dict[str, Any] = {"speaker": speaker}
        role = self._input("role").value.strip()
        if role:
            statement["speaker_role"] = role
        statement["kind"] = str(self.query_one("#add-kind", Select).value)
        statement["text"] = text
        said_input = self._input("said")
        said = said_input.value.strip()
        wrong = check_date(said)
        if wrong:
            return Problem(said_input, f"The date {wrong}.")
        if said:
            statement["said"] = said
        via = self._input("via").value.strip()
        if via:
            statement["via"] = via
        source_input = self._input("source")
        if source_input.value.strip():
            source = self.store.completed_slug("source", source_input.value)
            if source is None:
                return Problem(source_input, f"No source is {source_input.value.strip()!r}: type its slug or title.")
            statement["source"] = source
        about: list[dict[str, str]] = []
        for measure_input, stance in self.about_rows():
            if not measure_input.value.strip():
                continue
            measure = self.store.completed_slug("measure", measure_input.value)
            if measure is None:
                return Problem(measure_input, f"No measure is {measure_input.value.strip()!r}: type its slug or title.")
            if any(item["measure"] == measure for item in about):
                return Problem(measure_input, f"The measure {measure!r} is named twice: keep one.")
            about.append({"measure": measure, "stance": str(stance.value)})
        if about:
            statement["about"] = about
        return {"statements": [statement]}

"""The review screen of a draft (`dossier draft`): each drafted statement with its sentence and confidence.

A key accepts, edits or rejects the highlighted item; finishing hands the
accepted items, as one bundle document (a dict in the bundle format, the same
one `dossier import` reads), to the callback the screen was given. The screen
writes nothing itself: whoever opens it connects the callback to the one
validated write path (an import recorded as one edit), so accepting a draft is
checked exactly like any other edit. The browser does
(`dossier browse PATH --write --review DRAFT.yaml`,
`dossier.screens.capture_keys`).

Finishing waits for the callback's owner: it closes the screen (`dismiss`)
once the bundle is written, or calls `refused` with a one-line reason, which
the screen shows with every decision and edit kept, to fix and finish again.
Finishing with nothing accepted says so and hands nothing over.

The keys are in `dossier.keys` (owners `review` and `review-item`):

| key | does |
|---|---|
| `a` | accept the item (and move to the next) |
| `r` | reject the item (and move to the next) |
| `u` | undecide the item |
| `e` | edit the item's YAML (Ctrl+S keeps the edit, Escape drops it) |
| `f` | finish: the accepted items go to the callback |
| Escape, `q` | close without handing anything over (asking first once something was decided) |

The bundle holds the draft's sources, the accepted statements, and the new
actors those statements need (their speakers and the organisations or states
those belong to); actors the dossier already has are referenced by slug.
Article text, quotes and notes reach the screen through the rendering door
(`dossier.widgets.render`): they are data, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from .. import keys
from ..draft.build import Draft, DraftActor
from ..draft.render import actor_data, statement_data
from ..widgets.render import paragraph, plain

Bundle = dict[str, Any]
"""A bundle document: `sources`, `actors`, `statements`, as `dossier import` reads it."""

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
_MARKS = {PENDING: "·", ACCEPTED: "✓", REJECTED: "✗"}
HELP = "a accept · r reject · u undecide · e edit · f finish · Escape close"


@dataclass
class ReviewItem:
    """One drafted statement under review: its bundle data (edited or not), its notes, and the decision."""

    data: dict[str, Any]
    sentence: str
    reasons: list[str]
    speaker_name: str
    state: str = PENDING
    edited: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> str:
        return "low" if self.reasons else "high"


def review_items(draft: Draft, known: dict[str, str] | None = None) -> list[ReviewItem]:
    """The draft's statements as items to review, in article order (`known`: names of the dossier's actors, by slug)."""
    names = {**(known or {}), **{actor.slug: actor.name for actor in draft.actors}}
    return [
        ReviewItem(
            statement_data(item),
            item.sentence,
            list(item.reasons),
            names.get(item.speaker, item.speaker),
            notes=[f"said: {item.said_note}"] if item.said_note else [],
        )
        for item in draft.statements
    ]


def accepted_bundle(draft: Draft, items: list[ReviewItem]) -> Bundle:
    """One bundle document of the accepted items, with the sources and the new actors they need."""
    statements = [dict(item.data) for item in items if item.state == ACCEPTED]
    new_actors = {actor.slug: actor for actor in draft.actors}
    wanted: list[str] = []

    def want(slug: str | None) -> None:
        actor: DraftActor | None = new_actors.get(slug or "")
        if actor is None or actor.slug in wanted:
            return
        wanted.append(actor.slug)
        want(actor.affiliation)

    for statement in statements:
        want(statement.get("speaker"))
    used_sources = {statement.get("source") for statement in statements}
    return {
        "sources": [dict(source.data) for source in draft.sources if source.slug in used_sources],
        "actors": [actor_data(new_actors[slug]) for slug in wanted],
        "statements": statements,
    }


class DraftReviewScreen(Screen[Bundle | None]):
    """A draft's statements, one row each; the highlighted one's sentence, confidence and reasons below."""

    DEFAULT_CSS = """
    DraftReviewScreen { layout: vertical; }
    DraftReviewScreen #review-items { height: 1fr; }
    DraftReviewScreen #review-detail { height: auto; max-height: 12; border-top: solid $primary; padding: 0 1; }
    DraftReviewScreen #review-status { height: auto; padding: 0 1; color: $warning; }
    DraftReviewScreen #review-help { height: 1; color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("review")

    def __init__(
        self, draft: Draft, on_accept: Callable[[Bundle], object], known: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.draft = draft
        self.items = review_items(draft, known)
        """`known`: the names of the dossier's actors the draft refers to, by slug (else their slugs are shown)."""
        self.on_accept = on_accept
        self.saving = False
        """The accepted items are being written: the keys wait for the callback's owner to answer."""
        self._asked = False
        """Escape was pressed once with decisions made: the next one closes."""

    def compose(self) -> ComposeResult:
        options = OptionList(*(Option(self._row(item)) for item in self.items), id="review-items")
        options.border_title = Content(f"Draft: {len(self.items)} statements to review")
        yield options
        yield Static(id="review-detail")
        yield Static(id="review-status")
        yield Static(HELP, id="review-help", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#review-items", OptionList)
        if self.items:
            options.highlighted = 0
        options.focus()
        self._show_detail()

    # ----------------------------------------------------------------- drawing

    @staticmethod
    def _row(item: ReviewItem) -> Text:
        row = Text(no_wrap=True, end="")
        row.append(f"{_MARKS[item.state]} ", style="bold")
        row.append(f"{item.confidence:<4} ", style="green" if item.confidence == "high" else "yellow")
        row.append(f"{item.data.get('kind', '')[:5]:<5} ", style="dim")
        row.append_text(plain(str(item.speaker_name), style="bold"))
        row.append(": ")
        row.append_text(plain(str(item.data.get("text", ""))))
        if item.edited:
            row.append(" (edited)", style="italic")
        return row

    def _show_detail(self) -> None:
        self.query_one("#review-detail", Static).update(self._detail(self.current))

    @staticmethod
    def _detail(item: ReviewItem | None) -> Text:
        """The item's sentence, confidence, reasons, notes and decision."""
        if item is None:
            return Text("Nothing was drafted.")
        text = Text(end="")
        text.append("From: ", style="bold")
        text.append_text(paragraph(item.sentence))
        text.append("\nConfidence: ", style="bold")
        text.append(item.confidence)
        for reason in item.reasons:
            text.append("\n  - ")
            text.append_text(plain(reason))
        for note in item.notes:
            text.append("\n")
            text.append_text(plain(note, style="dim"))
        text.append(f"\nDecision: {item.state}", style="bold")
        return text

    def _refresh_row(self, index: int) -> None:
        options = self.query_one("#review-items", OptionList)
        options.replace_option_prompt_at_index(index, self._row(self.items[index]))
        self._show_detail()

    @property
    def index(self) -> int | None:
        return self.query_one("#review-items", OptionList).highlighted

    @property
    def current(self) -> ReviewItem | None:
        index = self.index
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    # ----------------------------------------------------------------- keys

    def say(self, line: str) -> None:
        """One line above the keys (a reason, a question); draft text in it is shown as text."""
        self.query_one("#review-status", Static).update(plain(line))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.saving  # while the accepted items are written, every key waits

    def action_accept(self) -> None:
        self.decide(ACCEPTED)

    def action_reject(self) -> None:
        self.decide(REJECTED)

    def action_undecide(self) -> None:
        self.decide(PENDING, advance=False)

    def action_edit_item(self) -> None:
        self.edit()

    def action_finish(self) -> None:
        self.finish()

    def action_close_review(self) -> None:
        decided = any(item.state != PENDING or item.edited for item in self.items)
        if decided and not self._asked:
            self._asked = True
            self.say("Escape again closes, and drops every decision; f finishes (the accepted items are written).")
            return
        self.close()

    def decide(self, state: str, advance: bool = True) -> None:
        index = self.index
        if index is None or not self.items:
            return
        self._asked = False
        self.say("")
        self.items[index].state = state
        self._refresh_row(index)
        if advance and index + 1 < len(self.items):
            self.query_one("#review-items", OptionList).highlighted = index + 1

    def edit(self) -> None:
        index = self.index
        if index is None or not self.items:
            return

        def done(data: dict[str, Any] | None) -> None:
            if data is None:
                return
            item = self.items[index]
            item.data = data
            item.edited = True
            self._refresh_row(index)

        self.app.push_screen(EditItemScreen(self.items[index].data), done)

    def close(self) -> None:
        """Close without handing anything over: the draft stays a file to review later."""
        self.dismiss(None)

    def finish(self) -> None:
        """Hand the accepted items over as one bundle; the callback's owner answers with `dismiss` or `refused`."""
        if not any(item.state == ACCEPTED for item in self.items):
            self.say("Nothing is accepted yet: a accepts the highlighted item (Escape closes, writing nothing).")
            return
        bundle = accepted_bundle(self.draft, self.items)
        self.saving = True
        self.say("Writing the accepted items…")
        self.on_accept(bundle)

    def refused(self, reason: str) -> None:
        """The accepted items were not written: the reason in one line, every decision and edit kept."""
        self.saving = False
        self.say(f"Not written: {reason}")


class EditItemScreen(ModalScreen[dict[str, Any] | None]):
    """One item's YAML in an editor: Ctrl+S keeps it when it is a valid statement, Escape drops the edit."""

    DEFAULT_CSS = """
    EditItemScreen { align: center middle; }
    EditItemScreen > Vertical { width: 90%; height: 80%; border: solid $primary; }
    EditItemScreen TextArea { height: 1fr; }
    EditItemScreen #edit-help { height: 1; color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("review-item")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self.original = data

    def compose(self) -> ComposeResult:
        with Vertical():
            text = yaml.safe_dump(self.original, allow_unicode=True, sort_keys=False, width=10_000)
            yield TextArea(text, id="edit-yaml")
            yield Static("Ctrl+S keep the edit · Escape drop it", id="edit-help", markup=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_drop_edit(self) -> None:
        self.dismiss(None)

    def action_keep_edit(self) -> None:
        self.save()

    def save(self) -> None:
        from pydantic import ValidationError

        from ..models import Statement

        text = self.query_one(TextArea).text
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            self.notify(f"Not YAML: {str(error).splitlines()[0]}", severity="error", markup=False)
            return
        if not isinstance(data, dict):
            self.notify("An item is one mapping of fields (slug, speaker, kind, text, …)", severity="error")
            return
        try:
            Statement.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "item"
            self.notify(f"Not a valid statement: {where}: {first['msg']}", severity="error", markup=False)
            return
        self.dismiss(data)

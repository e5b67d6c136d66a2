"""The notebook in the browser: `m` mark, `n` note, `#` tags, `b` the notebook screen, `y`/`Y` a citation.

`NotebookKeys` is the browse screen's notebook controller: a plain object
holding what the notebook says about this dossier (`NotebookState`), the
screen it serves, and the work of each key. `NotebookActions` is the mixin
that gives the browse screen its `action_*` methods, each one line into the
controller, so `browse.py` only wires it in.

The row at hand is the focused list's highlighted row (its slug and label
come with it, no query), or what the Detail pane shows when it has the focus.

Start-up does not wait for the notebook: `load` runs once the first frame is
drawn, in a thread worker (sqlite-utils is imported there). Until then, and
when the notebook is off (a served session), damaged, locked, newer or not a
notebook, the keys say so in one line and the dossier is browsed as always.
A notebook file is made only by the first save.

`m` draws its mark at once (the lists' `notebook_marks`) and saves in a
worker; a save that fails takes the mark back and says why. A note or tags
are saved naming the entry's version when they were opened: a save refused
as changed elsewhere (`Conflict`) shows both sides and the user chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from rich.text import Text

from ..errors import StoreError
from ..rows import (
    ActorDetail,
    ActorItem,
    ConsequenceItem,
    EventItem,
    MeasureDetail,
    MeasureItem,
    StatementDetail,
    StatementItem,
)
from ..widgets import render
from ..widgets.detail import Block, DetailStyles
from ..widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget
    from textual.worker import Worker

    from ..citation import Style
    from ..history import Ref
    from ..notebook import Conflict, Entry, Notebook
    from ..store import Store


class Browser(Protocol):
    """What the controller needs of the browse screen (which imports this module, not the other way round)."""

    store: Store
    actors: VirtualList[Any]
    statements: VirtualList[Any]
    measures: VirtualList[Any]
    consequences: VirtualList[Any]

    @property
    def app(self) -> App[Any]: ...
    @property
    def focused(self) -> Widget | None: ...
    @property
    def detail_ref(self) -> Ref | None: ...
    def refresh_detail(self) -> None: ...
    def open_ref(self, kind: str, entity_id: int) -> None: ...
    def run_worker(
        self, work: Any, *, thread: bool = ..., group: str = ..., exclusive: bool = ..., exit_on_error: bool = ...
    ) -> Worker[Any]: ...


LABEL_CHARS = 200
"""Characters of an entity's label kept with its entry (a statement's text is cut there)."""


class Subject(NamedTuple):
    """The row at hand: what a key acts on (a named tuple: cheaper to define than a dataclass)."""

    kind: str
    entity_id: int
    slug: str
    label: str


def subject_of_item(kind: str, item: object) -> Subject | None:
    """The subject for a list row (the models carry their slug and what they are called)."""
    if isinstance(item, ActorItem):
        return Subject("actor", item.id, item.slug, item.name)
    if isinstance(item, StatementItem):
        return Subject("statement", item.id, item.slug, item.text[:LABEL_CHARS])
    if isinstance(item, MeasureItem):
        return Subject("measure", item.id, item.slug, item.title)
    if isinstance(item, ConsequenceItem):
        return Subject("consequence", item.id, item.slug, item.description[:LABEL_CHARS])
    if isinstance(item, EventItem):
        return Subject("event", item.id, item.slug, item.title)
    return None


def subject_of_model(model: object) -> Subject | None:
    """The subject for what the Detail pane shows."""
    if isinstance(model, ActorDetail):
        return subject_of_item("actor", model.actor)
    if isinstance(model, StatementDetail):
        return subject_of_item("statement", model.statement)
    if isinstance(model, MeasureDetail):
        return subject_of_item("measure", model.measure)
    return subject_of_item("", model)


class NotebookState:
    """What the notebook holds on this dossier, kept on the UI thread once loaded."""

    def __init__(self, path: Path | None, off: str | None) -> None:
        self.path = path
        self.off = off if path is None else None
        """Why the notebook is off (a served session), or None."""
        self.failed: str | None = None
        """Why the notebook could not be opened (damaged, locked, newer, not a notebook), or None."""
        self.loaded = False
        self.identity = ""
        self.book: Notebook | None = None
        """Opened in a worker; None until the first save when there is no notebook file yet."""
        self.entries: dict[tuple[str, str], Entry] = {}
        """This dossier's entries by (kind, slug)."""
        self.other_tags: list[str] = []
        """Tags used anywhere in the notebook when it was loaded (for completion)."""

    def entry(self, subject: Subject) -> Entry:
        from ..notebook import Entry

        found = self.entries.get((subject.kind, subject.slug))
        return found or Entry(self.identity, subject.kind, subject.slug, label=subject.label)

    def put(self, entry: Entry) -> None:
        if entry.empty:
            self.entries.pop((entry.kind, entry.slug), None)
        else:
            self.entries[(entry.kind, entry.slug)] = entry

    def marks(self, kind: str) -> frozenset[str]:
        return frozenset(slug for (k, slug), entry in self.entries.items() if k == kind and entry.marked)

    def marked_refs(self) -> frozenset[str]:
        """Every marked entity as `kind/slug` (for a list of several kinds: the search results)."""
        return frozenset(entry.ref for entry in self.entries.values() if entry.marked)

    def used_tags(self) -> list[str]:
        """Tags for completion: this dossier's most used first, then the rest of the notebook's."""
        counts: dict[str, int] = {}
        for entry in self.entries.values():
            for tag in entry.tags:
                counts[tag] = counts.get(tag, 0) + 1
        ordered = sorted(counts, key=lambda tag: (-counts[tag], tag.casefold()))
        return ordered + [tag for tag in self.other_tags if tag not in counts]


class NotebookKeys:
    """The notebook's side of the browse screen (see the module docstring)."""

    def __init__(self, screen: Browser, path: Path | None, off: str | None) -> None:
        self.screen = screen
        self.state = NotebookState(path, off)
        self.detail_subject: Subject | None = None
        """What the Detail pane shows, as a subject (set as it is shown)."""
        self._watchers: list[Callable[[], None]] = []
        """Called whenever the marks change: the chain, timeline and relations views draw them too."""

    # --------------------------------------------------------------------- loading

    def load(self) -> None:
        """Open the notebook and read this dossier's entries, in a worker (after the first frame)."""
        if self.state.path is None:
            return
        self.screen.run_worker(self._load, thread=True, group="notebook-load", exit_on_error=False)

    def _load(self) -> None:
        from ..notebook import Notebook, NotebookError

        state, app = self.state, self.screen.app
        try:
            identity = self.screen.store.identity()
            book = None
            entries: list[Entry] = []
            tags: list[str] = []
            assert state.path is not None
            if state.path.exists():
                book = Notebook.open(state.path)
                entries = book.entries(identity)
                tags = book.used_tags()
        except (NotebookError, StoreError) as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        app.call_from_thread(self._loaded, identity, book, entries, tags)

    def _failed(self, reason: str) -> None:
        self.state.failed = f"The notebook cannot be used: {reason} (the dossier is browsed without notes)"
        render.notify(self.screen.app, self.state.failed, severity="error")

    def _loaded(self, identity: str, book: Notebook | None, entries: list[Entry], tags: list[str]) -> None:
        state = self.state
        state.identity, state.book, state.other_tags, state.loaded = identity, book, tags, True
        state.entries = {(entry.kind, entry.slug): entry for entry in entries}
        self.redraw_marks()
        self.screen.refresh_detail()

    def redraw_marks(self) -> None:
        for pane in self.lists():
            pane.set_notebook_marks(self.state.marks(pane.kind))
        for watcher in list(self._watchers):
            watcher()

    # --------------------------------------------------------------------- the views' marks (ViewMarks)

    def marked_refs(self) -> frozenset[str]:
        """Every marked entity as `kind/slug`, from the entries in memory (no query)."""
        return self.state.marked_refs()

    def watch_marks(self, redraw: Callable[[], None]) -> Callable[[], None]:
        """Call `redraw` whenever the marks change, until the function returned is called."""
        self._watchers.append(redraw)
        return lambda: self._watchers.remove(redraw) if redraw in self._watchers else None

    def toggle_mark_of(self, kind: str, entity_id: int, slug: str, label: str) -> None:
        """`m` on a row of a view: the same mark, saved the same way, drawn in every list."""
        if self._usable(Subject(kind, entity_id, slug, label[:LABEL_CHARS])) is not None:
            self._toggle(Subject(kind, entity_id, slug, label[:LABEL_CHARS]))

    def lists(self) -> list[VirtualList[Any]]:
        screen = self.screen
        return [screen.actors, screen.statements, screen.measures, screen.consequences]

    def mark_results(self, results: VirtualList[Any]) -> None:
        """Draw the marks in a list of several kinds (the search results), by `kind/slug`."""
        results.set_notebook_marks(self.state.marked_refs())

    def close(self) -> None:
        if self.state.book is not None:
            self.state.book.close()

    # --------------------------------------------------------------------- the row at hand

    def subject(self) -> Subject | None:
        focused = self.screen.focused
        if isinstance(focused, VirtualList):
            item = focused.highlighted
            return None if item is None else subject_of_item(focused.kind, item)
        if self.detail_subject is not None and self.screen.detail_ref == (
            self.detail_subject.kind,
            self.detail_subject.entity_id,
        ):
            return self.detail_subject
        return None

    def _usable(self, given: Subject | None = None) -> Subject | None:
        """The row at hand (or `given`) when the notebook can take it; else says why not, in one line."""
        state, app = self.state, self.screen.app
        if state.off is not None or state.path is None:
            render.notify(app, state.off or "The notebook is off.", severity="warning")
            return None
        if state.failed is not None:
            render.notify(app, state.failed, severity="error")
            return None
        if not state.loaded:
            render.notify(app, "The notebook is still opening; try again in a moment.", severity="warning")
            return None
        subject = given or self.subject()
        if subject is None:
            render.notify(app, "Nothing here to note: highlight a row first.", severity="warning")
        return subject

    # --------------------------------------------------------------------- m

    def toggle_mark(self) -> None:
        subject = self._usable()
        if subject is not None:
            self._toggle(subject)

    def _toggle(self, subject: Subject) -> None:
        before = self.state.entry(subject)
        marked = not before.marked
        self.state.put(replace(before, marked=marked, version=before.version))
        self.redraw_marks()
        self.screen.run_worker(
            lambda: self._save(
                subject,
                lambda book: book.set_mark(
                    self.state.identity, subject.kind, subject.slug, marked, label=subject.label
                ),
                undo=before,
            ),
            thread=True,
            group="notebook-save",
            exit_on_error=False,
        )

    def _book(self) -> Notebook:
        """The notebook to save in (in a worker): made by the first save when there was no file."""
        from ..notebook import Notebook

        state = self.state
        if state.book is None:
            assert state.path is not None
            state.book = Notebook.open(state.path)
        return state.book

    def _save(self, subject: Subject, write: Any, *, undo: Entry | None = None, after: Any = None) -> None:
        """Run `write(book)` in this worker; hand the entry saved (or the failure) to the UI thread."""
        from ..notebook import Conflict, NotebookError

        app = self.screen.app
        try:
            saved = write(self._book())
        except Conflict as conflict:
            app.call_from_thread(after or self._conflict_default, conflict)
            return
        except NotebookError as exc:
            app.call_from_thread(self._save_failed, str(exc), undo)
            return
        app.call_from_thread(self._saved, saved)

    def _saved(self, entry: Entry) -> None:
        before = self.state.entries.get((entry.kind, entry.slug))
        self.state.put(entry)
        self.redraw_marks()
        shown = (before.note, before.tags) if before is not None else ("", ())
        if shown == (entry.note, entry.tags):
            return  # a mark: drawn in the lists already, and the Detail pane does not show it
        if self.detail_subject is not None and (entry.kind, entry.slug) == (
            self.detail_subject.kind,
            self.detail_subject.slug,
        ):
            self.screen.refresh_detail()

    def _save_failed(self, reason: str, undo: Entry | None) -> None:
        if undo is not None:
            self.state.put(undo)
            self.redraw_marks()
        render.notify(self.screen.app, f"Not saved: {reason}", severity="error")

    def _conflict_default(self, conflict: Conflict) -> None:
        self._saved(conflict.current)
        render.notify(
            self.screen.app,
            f"{conflict}: it is shown as it is now; make the change again if you still want it.",
            severity="warning",
        )

    # --------------------------------------------------------------------- n

    def edit_note(self, text: str | None = None, expected: int | None = None) -> None:
        subject = self._usable()
        if subject is None:
            return
        self.open_note_editor(subject, text, expected)

    def open_note_editor(self, subject: Subject, text: str | None = None, expected: int | None = None) -> None:
        from .notebook import NoteScreen

        entry = self.state.entry(subject)
        version = entry.version if expected is None else expected

        def done(result: str | None) -> None:
            if result is not None and (result != entry.note or expected is not None):
                self.save_note(subject, result, version)

        self.screen.app.push_screen(NoteScreen(subject.label, entry.note if text is None else text), done)

    def save_note(self, subject: Subject, text: str, expected: int) -> None:
        identity = self.state.identity

        def write(book: Notebook) -> Entry:
            return book.save_note(identity, subject.kind, subject.slug, text, expected=expected, label=subject.label)

        def conflict(found: Conflict) -> None:
            from .notebook import ConflictScreen

            def chosen(choice: str | None) -> None:
                current = found.current
                if choice == "mine":
                    self.save_note(subject, text, current.version)
                elif choice == "theirs":
                    self._saved(current)
                else:  # back to the editor, with the note as it is elsewhere now known
                    self.open_note_editor(subject, text, current.version)

            self.screen.app.push_screen(ConflictScreen(subject.label, text, found.current.note), chosen)

        self.screen.run_worker(
            lambda: self._save(subject, write, after=conflict), thread=True, group="notebook-save", exit_on_error=False
        )

    # --------------------------------------------------------------------- #

    def edit_tags(self) -> None:
        subject = self._usable()
        if subject is not None:
            self.open_tags_editor(subject)

    def open_tags_editor(
        self, subject: Subject, tags: tuple[str, ...] | None = None, expected: int | None = None
    ) -> None:
        """The tags box, with `tags` typed already (after a conflict) and saved against version `expected`."""
        from .notebook import TagsScreen

        entry = self.state.entry(subject)
        version = entry.version if expected is None else expected

        def done(result: tuple[str, ...] | None) -> None:
            if result is not None and (result != entry.tags or expected is not None):
                self.save_tags(subject, result, version)

        shown = entry.tags if tags is None else tags
        self.screen.app.push_screen(TagsScreen(subject.label, shown, self.state.used_tags()), done)

    def save_tags(self, subject: Subject, tags: tuple[str, ...], expected: int) -> None:
        """Save tags as of version `expected`; tags saved elsewhere meanwhile are shown beside these to choose."""
        identity = self.state.identity

        def write(book: Notebook) -> Entry:
            return book.save_tags(identity, subject.kind, subject.slug, tags, expected=expected, label=subject.label)

        def conflict(found: Conflict) -> None:
            from .notebook import ConflictScreen, tags_text

            def chosen(choice: str | None) -> None:
                current = found.current
                if choice == "mine":
                    self.save_tags(subject, tags, current.version)
                elif choice == "theirs":
                    self._saved(current)
                else:  # back to the tags box, with the tags as they are elsewhere now known
                    self._saved(current)
                    self.open_tags_editor(subject, tags, current.version)

            screen = ConflictScreen(subject.label, tags_text(tags), tags_text(found.current.tags), what="tags")
            self.screen.app.push_screen(screen, chosen)

        self.screen.run_worker(
            lambda: self._save(subject, write, after=conflict), thread=True, group="notebook-save", exit_on_error=False
        )

    # --------------------------------------------------------------------- b

    def open_notebook(self, narrow: str = "") -> None:
        """The notebook screen, narrowed by `narrow` (the palette's `Tag: NAME` gives `#NAME`)."""
        state, app = self.state, self.screen.app
        if state.off is not None or state.path is None:
            render.notify(app, state.off or "The notebook is off.", severity="warning")
            return
        if state.failed is not None:
            render.notify(app, state.failed, severity="error")
            return
        from .notebook import NotebookScreen

        app.push_screen(
            NotebookScreen(self.screen.store, list(state.entries.values()), narrow=narrow), self._open_chosen
        )

    def _open_chosen(self, ref: Ref | None) -> None:
        """What the notebook screen was closed with: open it in the browser, as a history step."""
        if ref is not None:
            self.screen.open_ref(*ref)

    # --------------------------------------------------------------------- y, Y

    def copy_citation(self, style: Style) -> None:
        subject = self.subject()
        screen, app = self.screen, self.screen.app
        if subject is None:
            ref: Ref | None = screen.detail_ref
            if ref is None:
                render.notify(app, "Nothing here to cite: highlight a row first.", severity="warning")
                return
            kind, entity_id = ref
        else:
            kind, entity_id = subject.kind, subject.entity_id

        def work() -> None:
            from ..citation import load_and_cite

            try:
                text = load_and_cite(screen.store, kind, entity_id, style)
            except StoreError as exc:
                app.call_from_thread(render.notify, app, str(exc), severity="error")
                return
            app.call_from_thread(self._copied, kind, text, style)

        screen.run_worker(work, thread=True, group="citation", exclusive=True, exit_on_error=False)

    def _copied(self, kind: str, text: str, style: Style) -> None:
        app = self.screen.app
        app.copy_to_clipboard(text)
        shown = text if len(text) <= 70 else text[:69] + "…"
        how = "as Markdown" if style == "markdown" else "plain"
        render.notify(app, f"Copied a citation of this {kind} ({how}): {shown}")

    # --------------------------------------------------------------------- the Detail pane

    def detail_blocks(self, model: object, styles: DetailStyles) -> list[Block]:
        """The note and tags of what the Detail pane shows, as blocks after its own (none when it has none)."""
        subject = subject_of_model(model)
        self.detail_subject = subject
        if subject is None:
            return []
        entry = self.state.entries.get((subject.kind, subject.slug))
        if entry is None:
            return []
        blocks: list[Block] = []
        if entry.tags:
            tags = render.join(
                Text("Tags  ", style=styles.heading), render.plain(" ".join(f"#{t}" for t in entry.tags), styles.accent)
            )
            blocks.append(Block(tags, gap=True))
        if entry.note:
            blocks.append(Block(Text("Your note", style=styles.heading), gap=True))
            blocks.append(Block(render.paragraph(entry.note)))
        return blocks


class NotebookActions:
    """The browse screen's notebook keys (bound in `dossier.keys`), each handed to its `NotebookKeys`."""

    notebook: NotebookKeys

    def action_toggle_mark(self) -> None:
        self.notebook.toggle_mark()

    def action_edit_note(self) -> None:
        self.notebook.edit_note()

    def action_edit_tags(self) -> None:
        self.notebook.edit_tags()

    def action_open_notebook(self) -> None:
        self.notebook.open_notebook()

    def action_copy_citation(self, style: str) -> None:
        self.notebook.copy_citation("markdown" if style == "markdown" else "plain")

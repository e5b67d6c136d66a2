"""Capture in the browser: `e` edits the row at hand, `a` adds, `D` deletes; only with `--write`.

`CaptureKeys` is the browse screen's capture controller (as `NotebookKeys` is
its notebook's); `CaptureActions` gives the screen its three `action_*`
methods. The writing is `dossier.capture`'s: each save opens its own
short-lived write connection in a thread worker, waits at most
`BROWSER_BUSY_SECONDS` for another writer, and is one transaction recorded in
the audit trail. The browser's own connection stays read-only.

The editor is `$VISUAL`, else `$EDITOR`, run with the terminal handed over
(`App.suspend()`, as git and kubectl do) and taken back when it exits; where
neither is set, or the terminal cannot be handed over, the in-app
`EditorScreen`. A refused document opens again with its problems on top.
A statement is added through its form (`AddStatementScreen`), which stays
open while its bundle is saved the same way and says in one line why not.
Read-only (no `--write`), each key says so in one line.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BundleError, StoreError
from ..text import printable
from ..widgets import render

if TYPE_CHECKING:
    from ..capture import Saved
    from ..draft.build import Draft
    from ..history import Ref
    from .capture import EditorScreen
    from .notebook_keys import Browser, Subject

def _reason(error: Exception) -> str:
    """One line for a save that failed: the store's reason (busy, read-only, a full disk), else what happened."""
    from ..errors import unexpected

    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.filename + ': ' if error.filename else ''}{error.strerror or error}"
    return unexpected(error)


def problem_line(error: BundleError) -> str:
    """A refused bundle in one line: its first problem's field and message, and how many more there are."""
    if not error.problems:
        return "refused by the dossier's checks"
    first = error.problems[0]
    line = f"{first.path}: {first.message}" if first.path else first.message
    more = len(error.problems) - 1
    return printable(line) + (f" (and {more} more problem{'s' if more != 1 else ''})" if more else "")


READ_ONLY = "This dossier is open read-only: to edit it, open it with `dossier browse PATH --write`."
SERVED = "This dossier is served read-only: nothing can be written here."


class CaptureKeys:
    """The capture's side of the browse screen (see the module docstring)."""

    def __init__(self, screen: Browser, path: Path | None) -> None:
        self.screen = screen
        self.path = path
        """The dossier file to write, or None: opened read-only."""
        self.last: Saved | None = None
        """What the last save did (the tests and the walk read it)."""

    # --------------------------------------------------------------------- the row at hand

    def _subject(self) -> Subject | None:
        subject: Subject | None = self.screen.notebook.subject()  # type: ignore[attr-defined]
        return subject

    def _writable(self) -> bool:
        if self.path is None:
            import os

            served = bool(os.environ.get("DOSSIER_READ_ONLY"))  # `dossier.opening.READ_ONLY_ENV`
            render.notify(self.screen.app, SERVED if served else READ_ONLY, severity="warning")
            return False
        return True

    def _notify(self, line: str, severity: str = "information") -> None:
        render.notify(self.screen.app, line, severity=severity)  # type: ignore[arg-type]

    # --------------------------------------------------------------------- e

    def edit(self) -> None:
        if not self._writable():
            return
        subject = self._subject()
        if subject is None:
            self._notify("Nothing here to edit: highlight a row first.", "warning")
            return
        from ..capture import document_text

        screen, app = self.screen, self.screen.app

        def work() -> None:
            try:
                kind, slug, text = document_text(screen.store, subject.kind, subject.entity_id)
            except StoreError as exc:
                app.call_from_thread(self._notify, str(exc), "error")
                return
            app.call_from_thread(self.open_editor, f"Edit · {kind}/{slug}", text, "edit", (kind, slug))

        screen.run_worker(work, thread=True, group="capture-read", exclusive=True, exit_on_error=False)

    # --------------------------------------------------------------------- a

    def add(self) -> None:
        if not self._writable():
            return
        from .capture import AddScreen

        screen: Any = self.screen
        actor = screen.actors.highlighted
        measure = screen.measures.highlighted
        choices: list[tuple[str, str]] = []
        if actor is not None:
            choices.append(("statement", f"A statement by {actor.name}"))
        choices.append(("actor", "An actor"))
        choices.append(("measure", f"A measure imposed by {actor.name}" if actor is not None else "A measure"))
        if measure is not None:
            choices.append(("consequence", f"A consequence of {measure.title}"))
        choices += [("event", "An event"), ("source", "A source")]
        pane = screen.focused_pane
        default = {"actors": "actor", "statements": "statement", "measures": "measure", "consequences": "consequence"}
        self.screen.app.push_screen(AddScreen(choices, default.get(pane, "statement")), self._add_chosen)

    def _add_chosen(self, kind: str | None) -> None:
        if kind is None:
            return
        from ..capture import template

        screen: Any = self.screen
        actor = screen.actors.highlighted
        if kind == "statement" and actor is not None:
            self._add_statement(actor.slug)
        elif kind == "consequence" and screen.measures.highlighted is not None:
            self._add_consequence(screen.measures.highlighted.id)
        else:
            slug = actor.slug if actor is not None and kind in ("measure", "event") else None
            self.open_editor(f"Add · {kind}", template(kind, actor=slug), "add", None)

    def _add_statement(self, speaker_slug: str) -> None:
        """A new statement by `speaker_slug`: the form (`AddStatementScreen`), its bundle saved as an addition.

        The form stays open while the bundle is written; a refusal (a problem the
        importer finds, a busy or read-only file) is one line under its fields,
        which are kept for another try.
        """
        from .add_form import AddStatementScreen

        screen: Any = self.screen
        actor = screen.actors.highlighted
        role = actor.role if actor is not None and actor.slug == speaker_slug else None

        def save(form: AddStatementScreen, bundle: dict[str, Any]) -> None:
            def refused(error: BundleError) -> None:
                form.refused(problem_line(error))

            def done(result: Saved) -> None:
                form.dismiss(result)

            self._save_data(bundle, "new-statement", "add", refused=refused, failed=form.refused, done=done)

        def closed(result: object) -> None:
            from ..capture import Saved

            if isinstance(result, Saved):
                self._saved(result)
            else:
                self._notify("Cancelled: nothing was written.")

        self.screen.app.push_screen(AddStatementScreen(screen.store, speaker_slug, role=role, save=save), closed)

    def _add_consequence(self, measure_id: int) -> None:
        """A new consequence: the measure's document, a consequence to fill in at its end."""
        from ..capture import consequence_template

        screen, app = self.screen, self.screen.app

        def work() -> None:
            try:
                kind, slug, text = consequence_template(screen.store, measure_id)
            except StoreError as exc:
                app.call_from_thread(self._notify, str(exc), "error")
                return
            app.call_from_thread(self.open_editor, f"Add a consequence · {kind}/{slug}", text, "edit", (kind, slug))

        screen.run_worker(work, thread=True, group="capture-read", exclusive=True, exit_on_error=False)

    # --------------------------------------------------------------------- the editor

    def open_editor(self, title: str, text: str, mode: str, expect: tuple[str, str] | None) -> None:
        """The outside editor when one is set and the terminal can be handed over, else the in-app one."""
        from ..editing import EditorFailed, editor_command

        try:
            found = editor_command()
        except EditorFailed as exc:
            self._notify(str(exc), "error")
            return
        if found is None:
            self._in_app(title, text, mode, expect)
            return
        variable, command = found
        folder = Path(tempfile.mkdtemp(prefix="dossier-edit-"))
        name = f"{expect[0]}-{expect[1]}.yaml" if expect else f"new-{title.rsplit(' ', 1)[-1]}.yaml"
        self._outside_round(variable, command, folder, name, text, mode, expect)

    def _outside_round(
        self, variable: str, command: list[str], folder: Path, name: str, shown: str, mode: str,
        expect: tuple[str, str] | None,
    ) -> None:
        from ..editing import EditorFailed, cancelled, edit_in_file

        try:
            saved = self._handed_over(lambda: edit_in_file(variable, command, folder, name)(shown))
        except EditorFailed as exc:
            shutil.rmtree(folder, ignore_errors=True)
            self._notify(str(exc), "error")
            return
        if saved is None or cancelled(shown, saved):
            shutil.rmtree(folder, ignore_errors=True)
            self._notify("Cancelled: nothing was written.")
            return

        def refused(error: BundleError) -> None:
            from ..editing import with_problems

            again = with_problems(saved, error.problems)
            self._outside_round(variable, command, folder, name, again, mode, expect)

        def failed(reason: str) -> None:
            self._notify(f"Not saved: {reason}; your text is kept in {folder / name}", "error")

        def done(result: Saved) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            self._saved(result)

        self._save(saved, name, mode, expect, refused=refused, failed=failed, done=done)

    def _handed_over(self, run: Any) -> Any:
        """Run the editor with the terminal handed over; where it cannot be (headless, served), as it is."""
        from textual.app import SuspendNotSupported

        app = self.screen.app
        try:
            with app.suspend():
                return run()
        except SuspendNotSupported:
            return run()

    def _in_app(self, title: str, text: str, mode: str, expect: tuple[str, str] | None) -> None:
        from .capture import EditorScreen

        name = f"{expect[0]}-{expect[1]}.yaml" if expect else "new.yaml"

        def save(editor: EditorScreen, written: str) -> None:
            from ..editing import with_problems

            def refused(error: BundleError) -> None:
                editor.refused(with_problems(written, error.problems), len(error.problems))

            def done(result: Saved) -> None:
                editor.dismiss(result)

            self._save(written, name, mode, expect, refused=refused, failed=editor.failed, done=done)

        def closed(result: object) -> None:
            from ..capture import Saved

            if isinstance(result, Saved):
                self._saved(result)
            else:
                self._notify("Cancelled: nothing was written.")

        self.screen.app.push_screen(EditorScreen(title, text, save), closed)

    def _save(
        self, text: str, name: str, mode: str, expect: tuple[str, str] | None, *, refused: Any, failed: Any, done: Any,
        note: str | None = None,
    ) -> None:
        """Save in a worker; the outcome is handed back on the UI thread."""
        from ..capture import BROWSER_BUSY_SECONDS, apply_text

        path, app = self.path, self.screen.app
        assert path is not None

        def work() -> None:
            try:
                result = apply_text(
                    path, text, origin="browser", mode=mode, expect=expect, file=name,  # type: ignore[arg-type]
                    busy_seconds=BROWSER_BUSY_SECONDS, note=note,
                )
            except BundleError as exc:
                app.call_from_thread(refused, exc)
                return
            except Exception as exc:  # busy, read-only, a full disk: one line, nothing written
                app.call_from_thread(failed, _reason(exc))
                return
            app.call_from_thread(done, result)

        self.screen.run_worker(work, thread=True, group="capture-save", exit_on_error=False)

    def _save_data(
        self, data: dict[str, Any], name: str, mode: str, *, refused: Any, failed: Any, done: Any,
        note: str | None = None,
    ) -> None:
        """Save a bundle document given as data (the form's, a reviewed draft's), as `_save` saves text."""
        import json

        text = json.dumps(data, ensure_ascii=False, indent=1)  # a JSON document is a YAML one: read as any
        self._save(text, name, mode, None, refused=refused, failed=failed, done=done, note=note)

    def _saved(self, result: Saved) -> None:
        self.last = result
        self._notify(result.summary()[0].upper() + result.summary()[1:])
        if result.changed:
            self._show_written(result.kind, result.slug)

    def _show_written(self, kind: str | None, slug: str | None) -> None:
        """Read the panes again, and show what was written (it may be new, or have moved)."""
        screen: Any = self.screen
        store, app = screen.store, screen.app

        def work() -> None:
            ref: Ref | None = None
            if kind is not None and slug is not None and kind != "source":
                try:
                    ref = store.resolve(f"{kind}/{slug}")
                except StoreError:
                    ref = None  # deleted
            app.call_from_thread(screen.reload_after_write, ref)

        screen.run_worker(work, thread=True, group="capture-show", exclusive=True, exit_on_error=False)

    # --------------------------------------------------------------------- a draft's review

    def review(self, draft: Draft) -> None:
        """The review screen over `draft` (`dossier browse PATH --write --review DRAFT.yaml`).

        Finishing writes the accepted items as one bundle through the same door
        as an edit (`import_as_edit`: validated, one transaction, one row of the
        audit trail); the browser then shows the first statement written. A
        refusal, or a busy, read-only or full file, is one line on the review
        screen, which stays open with every decision kept.
        """
        if not self._writable():
            return
        from .draft_review import Bundle, DraftReviewScreen

        name = draft.names[0] if draft.names else "draft"

        def accept(bundle: Bundle) -> None:
            def refused(error: BundleError) -> None:
                review.refused(problem_line(error))

            def done(result: Saved) -> None:
                review.dismiss(bundle)
                self._reviewed(result, bundle)

            statements = len(bundle.get("statements") or ())
            note = f"reviewed draft {name}: {statements} statement{'s' if statements != 1 else ''} accepted"
            self._save_data(bundle, name, "bundle", refused=refused, failed=review.refused, done=done, note=note)

        review = DraftReviewScreen(draft, accept, self._speaker_names(draft))
        self.screen.app.push_screen(review)

    def _speaker_names(self, draft: Draft) -> dict[str, str]:
        """The names of the dossier's actors the draft's statements name as speakers (a lookup each, by slug)."""
        store: Any = self.screen.store
        new = {actor.slug for actor in draft.actors}
        names: dict[str, str] = {}
        for slug in dict.fromkeys(item.speaker for item in draft.statements):
            if slug in new:
                continue
            try:
                found = store.find("actor", slug)
                if found is not None:
                    names[slug] = store.actor(found).name
            except StoreError:
                break  # the slugs are shown instead: the review does not need the names
        return names

    def _reviewed(self, result: Saved, bundle: dict[str, Any]) -> None:
        """Say what a reviewed draft wrote, and show its first statement in the browser."""
        self.last = result
        if not result.changed:
            self._notify("The accepted items are in the dossier already: nothing was written.")
            return
        counts = [
            f"{len(items)} {noun if len(items) == 1 else noun + 's'}"
            for noun, items in (
                ("statement", bundle.get("statements") or ()),
                ("actor", bundle.get("actors") or ()),
                ("source", bundle.get("sources") or ()),
            )
            if items
        ]
        self._notify(f"Written from the draft: {', '.join(counts)} (edit {result.edit_id})")
        first = (bundle.get("statements") or [{}])[0].get("slug")
        self._show_written("statement" if first else None, first)

    # --------------------------------------------------------------------- D

    def delete(self) -> None:
        if not self._writable():
            return
        subject = self._subject()
        if subject is None:
            self._notify("Nothing here to delete: highlight a row first.", "warning")
            return
        from ..capture import delete_plan

        path, app = self.path, self.screen.app
        assert path is not None

        def work() -> None:
            try:
                what, referrers = delete_plan(path, subject.kind, subject.entity_id)
            except StoreError as exc:
                app.call_from_thread(self._notify, str(exc), "error")
                return
            if referrers:
                line = f"{subject.kind}/{subject.slug} cannot be deleted: {'; '.join(referrers)} refer to it"
                app.call_from_thread(self._notify, line, "error")
                return
            app.call_from_thread(self._confirm, subject, what)

        self.screen.run_worker(work, thread=True, group="capture-read", exclusive=True, exit_on_error=False)

    def _confirm(self, subject: Subject, what: str) -> None:
        from .capture import ConfirmScreen

        def chosen(yes: bool | None) -> None:
            if yes:
                self._delete(subject)
            else:
                self._notify("Kept: nothing was deleted.")

        self.screen.app.push_screen(ConfirmScreen(f"Delete {what}?", undo="dossier revert"), chosen)

    def _delete(self, subject: Subject) -> None:
        from ..capture import BROWSER_BUSY_SECONDS, delete_entity

        path, app = self.path, self.screen.app
        assert path is not None

        def work() -> None:
            try:
                result = delete_entity(
                    path, subject.kind, subject.slug, origin="browser", busy_seconds=BROWSER_BUSY_SECONDS
                )
            except Exception as exc:
                app.call_from_thread(self._notify, f"Not deleted: {_reason(exc)}", "error")
                return
            app.call_from_thread(self._saved, result)

        self.screen.run_worker(work, thread=True, group="capture-save", exit_on_error=False)

    # --------------------------------------------------------------------- the Detail pane

    @staticmethod
    def edited_line(edited: str | None) -> str | None:
        """The Detail pane's last line: when the entity was last edited (UTC), or None."""
        if not edited:
            return None
        return f"Edited {edited.replace('T', ' ').removesuffix('Z')} UTC"


class CaptureActions:
    """The browse screen's capture keys (bound in `dossier.keys`), each handed to its `CaptureKeys`."""

    capture: CaptureKeys

    def action_edit_entity(self) -> None:
        self.capture.edit()

    def action_add_entity(self) -> None:
        self.capture.add()

    def action_delete_entity(self) -> None:
        self.capture.delete()

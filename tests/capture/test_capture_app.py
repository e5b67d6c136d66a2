"""`e`, `a` and `D` in the running browser (Pilot), on a real dossier, with stand-in editors named in $EDITOR."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from dossier import capture
from dossier.app import DossierApp
from dossier.errors import LaunchError
from dossier.opening import READ_ONLY_ENV, open_browser
from dossier.screens.add_form import AddStatementScreen
from dossier.screens.capture import AddScreen, ConfirmScreen, EditorScreen
from dossier.screens.capture_keys import READ_ONLY, SERVED
from dossier.serve.child import browse_argv, child_env
from dossier.store import Store
from tests.capture.editors import FAILING, broken_then, replacing, runs, seen, write_editor
from tests.conftest import file_hash, read_rows
from tests.pilot_helpers import notifications, settle, shown, subtitle

SIZE = (120, 40)
STATEMENT = "ryabkov-language-of-ultimatums"
OLD_ROLE = "speaker_role: Russia's Deputy Foreign Minister"
NEW_ROLE = "speaker_role: Deputy Minister of Foreign Affairs"


@pytest.fixture(autouse=True)
def _no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def _app(store: Store, db: Path | None, ref: str | None = STATEMENT) -> DossierApp:
    return DossierApp(store, ref=ref, write=db)


def _notices(app: DossierApp) -> list[str]:
    return [str(n.message) for n in notifications(app)]


def _detail(app: DossierApp) -> str:
    """Everything the Detail pane holds, shown or scrolled out of sight."""
    return "\n".join(block.text.plain for block in app.browser.detail._blocks)


def _role(db: Path) -> object:
    return read_rows(db, f"SELECT speaker_role FROM statements WHERE slug = '{STATEMENT}'")[0][0]


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_read_only_the_keys_say_so_in_one_line(store: Store, seed_db: Path) -> None:
    before = file_hash(seed_db)
    app = _app(store, None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("e", "a", "D"):
            await _press(pilot, key)
            assert _notices(app)[-1] == READ_ONLY
            assert not isinstance(app.screen, (EditorScreen, AddScreen, ConfirmScreen))
    assert file_hash(seed_db) == before


async def test_e_with_an_editor_that_writes_a_change(
    store: Store, seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = write_editor(tmp_path, "ed", replacing(OLD_ROLE, NEW_ROLE))
    monkeypatch.setenv("EDITOR", str(editor))
    app = _app(store, seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.browser.statements.highlighted.slug == STATEMENT  # type: ignore[union-attr]
        assert "Edited" not in _detail(app)
        await _press(pilot, "e")
        assert runs(editor) == 1
        assert f"slug: {STATEMENT}" in seen(editor)[0] and "about:" in seen(editor)[0]
        assert _role(seed_db) == "Deputy Minister of Foreign Affairs"
        assert f"Saved statement/{STATEMENT} (edit 1)" in _notices(app)
        detail = _detail(app)
        assert "Deputy Minister of Foreign Affairs" in detail  # the pane shows the change
        assert "Edited 20" in detail and "UTC" in detail  # and when it was made
        assert subtitle(app.browser.statements) == "Sergei Ryabkov"  # the panes read again, as they were
        await _press(pilot, "5", "G")
        assert "Edited 20" in shown(app.browser.detail)
    assert read_rows(seed_db, "SELECT origin, action, kind, slug FROM edits") == [
        ("browser", "change", "statement", STATEMENT)
    ]


async def test_e_with_an_editor_that_first_saves_a_broken_file(
    store: Store, seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = write_editor(tmp_path, "ed", broken_then("said: '2021-12-01'", "said: 2021-12", "said: '2021-13-01'"))
    monkeypatch.setenv("EDITOR", str(editor))
    app = _app(store, seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "e")
        await settle(pilot)
        assert runs(editor) == 2
        again = seen(editor)[1].splitlines()
        assert again[0].startswith("# --- not saved")
        assert "statements.0.said: '2021-13-01' is not a real date" in again[1]
        assert read_rows(seed_db, f"SELECT said FROM statements WHERE slug = '{STATEMENT}'") == [("2021-12",)]
        assert app.is_running


async def test_e_with_an_editor_that_exits_non_zero_writes_nothing(
    store: Store, seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", str(write_editor(tmp_path, "ed", FAILING)))
    before = file_hash(seed_db)
    app = _app(store, seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "e")
        assert "exited with status 3; nothing was written" in _notices(app)[-1]
        monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
        await _press(pilot, "e")
        assert "was not found; nothing was written" in _notices(app)[-1]
        assert app.is_running
    assert file_hash(seed_db) == before


async def test_the_in_app_editor_saves_and_shows_problems_on_top(store: Store, seed_db: Path) -> None:
    app = _app(store, seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "e")
        assert isinstance(app.screen, EditorScreen)
        area = app.screen.query_one(TextArea)
        assert area.language == "yaml"  # highlighted (tree-sitter and its YAML grammar are dependencies)
        area.load_text(area.text.replace("said: '2021-12-01'", "said: '2021-13-01'").replace(
            "speaker: ryabkov", "speaker: ryabkov"))
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, EditorScreen)  # refused: still open, the problems on top
        text = app.screen.query_one(TextArea).text
        assert text.startswith("# --- not saved") and "'2021-13-01' is not a real date" in text
        app.screen.query_one(TextArea).load_text(text.replace("'2021-13-01'", "'2021-12'"))
        await _press(pilot, "ctrl+s")
        assert not isinstance(app.screen, EditorScreen)
        assert read_rows(seed_db, f"SELECT said FROM statements WHERE slug = '{STATEMENT}'") == [("2021-12",)]
        # Unchanged: nothing written. A changed text asks before Escape throws it away.
        await _press(pilot, "e")
        await _press(pilot, "ctrl+s")
        assert _notices(app)[-1] == "Cancelled: nothing was written."
        await _press(pilot, "e")
        app.screen.query_one(TextArea).load_text("statements: []\n")
        await _press(pilot, "escape")
        assert isinstance(app.screen, EditorScreen)
        await _press(pilot, "escape")
        assert not isinstance(app.screen, EditorScreen)
    assert read_rows(seed_db, "SELECT count(*) FROM edits") == [(1,)]


async def test_a_busy_file_is_one_line_and_the_text_stays(
    store: Store, seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(capture, "BROWSER_BUSY_SECONDS", 0.2)
    app = _app(store, seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "e")
        area = app.screen.query_one(TextArea)
        changed = area.text.replace(OLD_ROLE, NEW_ROLE)
        area.load_text(changed)
        other = sqlite3.connect(seed_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            await _press(pilot, "ctrl+s")
            assert isinstance(app.screen, EditorScreen)
            status = str(app.screen.query_one("#editor-status").render())
            assert "is locked by another program" in status
            assert app.screen.query_one(TextArea).text == changed
        finally:
            other.execute("ROLLBACK")
            other.close()
        await _press(pilot, "ctrl+s")  # the other writer is done: saved now
        assert not isinstance(app.screen, EditorScreen)
    assert _role(seed_db) == "Deputy Minister of Foreign Affairs"


async def _statement_form(pilot: Pilot[Any], app: DossierApp) -> AddStatementScreen:
    """`a`, then the chooser's first line (a statement by the actor at hand): the form."""
    await _press(pilot, "a")
    assert isinstance(app.screen, AddScreen)
    app.screen.query_one(OptionList).highlighted = 0
    await _press(pilot, "enter")
    assert isinstance(app.screen, AddStatementScreen)
    return app.screen


async def test_a_adds_a_statement_by_the_actor_at_hand_through_the_form(store: Store, seed_db: Path) -> None:
    app = _app(store, seed_db, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "a")
        assert isinstance(app.screen, AddScreen)
        options = app.screen.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt) == "A statement by Maria Zakharova"
        options.highlighted = 0
        await _press(pilot, "enter")
        form = app.screen
        assert isinstance(form, AddStatementScreen)
        assert form.query_one("#add-speaker", Input).value == "zakharova"
        assert form.query_one("#add-role", Input).value == "Russian Foreign Ministry spokesperson"
        await pilot.press(*"We will answer in kind.")
        await _press(pilot, "ctrl+s")
        assert not isinstance(app.screen, AddStatementScreen)
        rows = read_rows(seed_db, "SELECT slug, speaker_role FROM statements WHERE text = 'We will answer in kind.'")
        assert rows == [("zakharova-we-will-answer-in-kind", "Russian Foreign Ministry spokesperson")]
        assert "Added statement/zakharova-we-will-answer-in-kind (edit 1)" in _notices(app)
        assert app.browser.statements.highlighted.slug == "zakharova-we-will-answer-in-kind"  # type: ignore[union-attr]
        assert "We will answer in kind." in _detail(app)
        # Escape closes the chooser with nothing added.
        await _press(pilot, "a")
        await _press(pilot, "escape")
        assert not isinstance(app.screen, AddScreen)
    ((origin, action, kind, slug, after),) = read_rows(seed_db, "SELECT origin, action, kind, slug, after FROM edits")
    assert (origin, action, kind, slug) == ("browser", "add", "statement", "zakharova-we-will-answer-in-kind")
    assert json.loads(str(after))["statements"][0]["text"] == "We will answer in kind."


async def test_a_refused_or_unwritable_form_says_why_in_one_line_and_keeps_its_fields(
    store: Store, seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(capture, "BROWSER_BUSY_SECONDS", 0.2)
    before = file_hash(seed_db)
    app = _app(store, seed_db, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await _statement_form(pilot, app)
        await pilot.press(*"We will answer in kind.")
        # A NUL in the venue: the form does not look for one there, the importer's checks refuse it.
        form.query_one("#add-via", Input).value = "RIA\0"
        await _press(pilot, "ctrl+s")
        assert app.screen is form
        status = str(form.query_one("#add-status", Static).render())
        assert status == "Not added: statements.0.via: contains a NUL character"
        assert form.query_one("#add-text", TextArea).text == "We will answer in kind."
        form.query_one("#add-via", Input).value = "RIA"
        other = sqlite3.connect(seed_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            await _press(pilot, "ctrl+s")
            assert app.screen is form
            status = str(form.query_one("#add-status", Static).render())
            assert status.startswith("Not added: ") and "is locked by another program" in status
            assert "\n" not in status
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert file_hash(seed_db) == before  # nothing written by either
        await _press(pilot, "ctrl+s")  # the other writer is done: added now
        assert not isinstance(app.screen, AddStatementScreen)
        assert app.browser.statements.highlighted.slug == "zakharova-we-will-answer-in-kind"  # type: ignore[union-attr]
        # Escape on an untouched form closes it; nothing is written.
        await _statement_form(pilot, app)
        await _press(pilot, "escape")
        assert not isinstance(app.screen, AddStatementScreen)
        assert _notices(app)[-1] == "Cancelled: nothing was written."
    assert read_rows(seed_db, "SELECT via FROM statements WHERE slug = 'zakharova-we-will-answer-in-kind'") == [
        ("RIA",)
    ]
    assert read_rows(seed_db, "SELECT count(*) FROM edits") == [(1,)]


async def test_a_adds_an_actor_from_the_template_with_a_slug_made_from_its_name(store: Store, seed_db: Path) -> None:
    app = _app(store, seed_db, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "a")
        options = app.screen.query_one(OptionList)
        options.highlighted = [o.id for o in options.options].index("actor")
        await _press(pilot, "enter")
        assert isinstance(app.screen, EditorScreen)
        area = app.screen.query_one(TextArea)
        area.load_text(area.text.replace("    name:\n", "    name: Maria Zakharova\n"))
        await _press(pilot, "ctrl+s")
        assert not isinstance(app.screen, EditorScreen)
    # The name is taken by another actor's slug already: the new one is kept unique.
    assert read_rows(seed_db, "SELECT slug FROM actors WHERE name = 'Maria Zakharova' ORDER BY id") == [
        ("zakharova",), ("maria-zakharova",)
    ]


async def test_D_deletes_after_a_confirmation_naming_what_goes(store: Store, seed_db: Path) -> None:
    app = _app(store, seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "D")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith(f"Delete statement/{STATEMENT} with its 2 links to measures?")
        # The command that undoes it is named as a command, in bold: no Markdown backticks on screen.
        drawn = app.screen.query_one("#confirm-question", Static).content
        assert isinstance(drawn, Text)
        assert "`" not in drawn.plain and drawn.plain.endswith("This is recorded, and dossier revert undoes it.")
        start = drawn.plain.index("dossier revert")
        assert any(
            span.start == start and span.end == start + len("dossier revert") and "bold" in str(span.style)
            for span in drawn.spans
        )
        await _press(pilot, "n")
        assert _notices(app)[-1] == "Kept: nothing was deleted."
        await _press(pilot, "D", "escape")
        assert read_rows(seed_db, f"SELECT count(*) FROM statements WHERE slug = '{STATEMENT}'") == [(1,)]
        await _press(pilot, "D", "y")
        assert read_rows(seed_db, f"SELECT count(*) FROM statements WHERE slug = '{STATEMENT}'") == [(0,)]
        assert f"Deleted statement/{STATEMENT} (edit 1)" in _notices(app)
        assert STATEMENT not in {getattr(app.browser.statements.highlighted, "slug", None)}


async def test_D_is_refused_naming_what_still_refers_to_the_row(store: Store, seed_db: Path) -> None:
    before = file_hash(seed_db)
    app = _app(store, seed_db, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "D")
        assert not isinstance(app.screen, ConfirmScreen)
        notice = _notices(app)[-1]
        assert notice.startswith("actor/zakharova cannot be deleted: 3 statements (")
        assert "refer to it" in notice
    assert file_hash(seed_db) == before


async def test_a_served_browser_says_so(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    app = _app(store, None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _press(pilot, "e")
        assert _notices(app)[-1] == SERVED


def test_served_browsers_never_write(seed_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert "--write" not in browse_argv(seed_db)
    env = child_env(seed_db, tmp_path)
    assert env[READ_ONLY_ENV] == "1"
    monkeypatch.setenv(READ_ONLY_ENV, env[READ_ONLY_ENV])
    before = file_hash(seed_db)
    with pytest.raises(LaunchError, match="served read-only: --write is refused"):
        open_browser(seed_db, None, write=True)
    assert file_hash(seed_db) == before

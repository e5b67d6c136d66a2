"""The notebook's keys in the running browser (Pilot): m, n, #, b, y, Y, the palette, conflicts, bad files, served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from dossier.app import DossierApp
from dossier.notebook import OFF_MESSAGE, Notebook
from dossier.screens.notebook import ConflictScreen, NotebookScreen, NoteScreen, TagsScreen
from dossier.store import Store
from tests.conftest import read_rows
from tests.pilot_helpers import border_text, each_frame, no_cursor_blink, notifications, settle, shown

SIZE = (120, 40)


def make_app(store: Store, notebook: Path | None) -> DossierApp:
    return DossierApp(store, notebook=notebook, notebook_off=OFF_MESSAGE)


async def at_statements(pilot: Pilot[Any], app: DossierApp) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def last_notice(app: DossierApp) -> str:
    return str(notifications(app)[-1].message)


async def test_m_draws_a_mark_at_once_and_saves_it(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        browser = app.browser
        assert not notebook.exists()  # opening never makes a notebook
        item = browser.statements.highlighted
        assert item is not None
        await pilot.press("m")
        assert item.slug in browser.statements.notebook_marks  # drawn before the save is done
        await settle(pilot)
        first, second = shown(browser.statements).splitlines()[:2]  # the mark in the row's hanging indent
        assert "● " not in first and second.lstrip().startswith("● ")
        await pilot.press("j", "m")
        await settle(pilot)
        with Notebook.open(notebook) as book:
            entries = book.entries(store.identity())
        assert [e.slug for e in entries if e.marked] == sorted([item.slug, browser.statements.highlighted.slug])  # type: ignore[union-attr]
        await pilot.press("m")  # unmark
        await settle(pilot)
        with Notebook.open(notebook) as book:
            assert len(book.entries(store.identity())) == 1


async def test_n_writes_a_note_of_several_lines_shown_in_the_detail_pane(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path / "nb.db")
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"first [bold]x[/]", "enter", *"second")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        detail = shown(app.browser.detail)
        assert "Your note" in detail and "first [bold]x[/]" in detail and "second" in detail


async def test_escape_asks_before_it_throws_away_a_changed_note(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path / "nb.db")
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # unchanged: closes at once
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"draft")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        assert "Escape again throws the change away" in str(app.screen.query_one("#note-status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        assert "Your note" not in shown(app.browser.detail)


async def test_a_note_over_100_kb_is_refused_and_the_editor_keeps_it(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path / "nb.db")
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one(TextArea).text = "x" * (100 * 1024 + 1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        assert "a note holds at most" in str(app.screen.query_one("#note-status").render())


async def test_hash_sets_tags_completing_the_used_ones(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    with Notebook.open(notebook) as book:
        book.save_tags(store.identity(), "actor", "lavrov", ["response-to-us"], expected=0)
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        await pilot.press("number_sign")
        await settle(pilot)
        assert isinstance(app.screen, TagsScreen)
        await pilot.press(*"key, resp")
        await settle(pilot)
        await pilot.press("right")  # take the completion
        assert app.screen.query_one(Input).value == "key, response-to-us"
        await pilot.press("enter")
        await settle(pilot)
        assert "#key #response-to-us" in shown(app.browser.detail)
        await pilot.press("number_sign")
        await settle(pilot)
        app.screen.query_one(Input).value = "t" * 65
        await pilot.press("enter")
        await settle(pilot)
        assert "a tag holds at most 64" in str(app.screen.query_one("#tags-status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TagsScreen)


async def test_b_opens_the_notebook_by_tag_narrowed_by_typing_and_enter_is_a_history_step(
    store: Store, tmp_path: Path
) -> None:
    notebook = tmp_path / "nb.db"
    identity = store.identity()
    with Notebook.open(notebook) as book:
        book.save_tags(identity, "actor", "lavrov", ["russia"], expected=0)
        book.save_note(
            identity, "measure", "us-expels-27-russian-diplomats", "the first move", expected=0, label="US expels 27"
        )
        book.set_mark(identity, "actor", "gone", True, label="Someone removed")
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotebookScreen)
        text = shown(screen.list)
        assert "#russia · 1" in text and "Untagged · 2" in text
        assert border_text(screen.list) == "Notebook · 3"
        assert "orphaned" in text  # the removed actor, kept
        await pilot.press(*"first move")
        await settle(pilot)
        assert shown(screen.list).count("measure") == 1 and "lavrov" not in shown(screen.list)
        await pilot.press("down", "up")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.browser
        assert app.browser.measures.highlighted.slug == "us-expels-27-russian-diplomats"  # type: ignore[union-attr]
        assert app.browser.can_go_back
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.browser


async def test_the_palette_offers_the_notebook_and_each_tag(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    with Notebook.open(notebook) as book:
        book.save_tags(store.identity(), "actor", "lavrov", ["russia"], expected=0)
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Tag: russia")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotebookScreen)
        assert app.screen.query_one(Input).value == "#russia"


async def test_y_and_shift_y_copy_a_citation_and_say_what(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path / "nb.db")
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        await pilot.press("y")
        await settle(pilot)
        assert " — " in app.clipboard and "**" not in app.clipboard
        assert last_notice(app).startswith("Copied a citation of this statement (plain): ")
        await pilot.press("Y")
        await settle(pilot)
        assert "**" in app.clipboard
        assert "(as Markdown)" in last_notice(app)


async def test_a_note_changed_in_another_browser_is_shown_and_the_user_chooses(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    for choice, expected in (("k", "mine"), ("t", "theirs")):
        notebook.unlink(missing_ok=True)
        app = make_app(store, notebook)
        async with app.run_test(size=SIZE) as pilot:
            await at_statements(pilot, app)
            slug = app.browser.statements.highlighted.slug  # type: ignore[union-attr]
            await pilot.press("n")
            await settle(pilot)
            other = make_app(store, notebook)  # the second browser saves first
            async with other.run_test(size=SIZE) as other_pilot:
                await at_statements(other_pilot, other)
                await other_pilot.press("n")
                await settle(other_pilot)
                await other_pilot.press(*"theirs", "ctrl+s")
                await settle(other_pilot)
            await pilot.press(*"mine", "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ConflictScreen)
            assert "theirs" in str(app.screen.query_one("#conflict-theirs").render())
            await pilot.press(choice)
            await settle(pilot)
            with Notebook.open(notebook) as book:
                assert book.entry(store.identity(), "statement", slug).note == expected  # type: ignore[union-attr]
            assert expected in shown(app.browser.detail)


async def test_escape_on_a_conflict_goes_back_to_editing(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        slug = app.browser.statements.highlighted.slug  # type: ignore[union-attr]
        await pilot.press("n")
        await settle(pilot)
        with Notebook.open(notebook) as book:
            book.save_note(store.identity(), "statement", slug, "theirs", expected=0)
        await pilot.press(*"mine", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen) and app.screen.text == "mine"
        await pilot.press("ctrl+s")  # now saved over theirs, which the user has seen
        await settle(pilot)
        with Notebook.open(notebook) as book:
            assert book.entry(store.identity(), "statement", slug).note == "mine"  # type: ignore[union-attr]


@pytest.mark.parametrize("content", [b"garbage, not a notebook\n" * 5, b"SQLite format 3\x00" + b"\xff" * 2000])
async def test_a_bad_notebook_gets_one_line_and_the_dossier_still_opens(
    store: Store, tmp_path: Path, content: bytes
) -> None:
    notebook = tmp_path / "nb.db"
    notebook.write_bytes(content)
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        assert app.browser.statements.count
        assert last_notice(app).startswith("The notebook cannot be used: ")
        assert "\n" not in last_notice(app)
        await pilot.press("m")
        await settle(pilot)
        assert last_notice(app).startswith("The notebook cannot be used: ")
    assert notebook.read_bytes() == content


async def test_a_served_session_writes_no_notebook_and_y_still_copies(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.notebook import default_path
    from dossier.serve.child import child_env, make_home, remove_home

    home = make_home()
    try:
        env = child_env(tmp_path / "served.db", home)
    finally:
        remove_home(home)
    assert env["DOSSIER_NOTEBOOK"] == "off"
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("DOSSIER_NOTEBOOK", env["DOSSIER_NOTEBOOK"])
    assert default_path() is None
    app = make_app(store, default_path())
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        for key in ("m", "n", "number_sign", "b"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is app.browser
            assert last_notice(app) == OFF_MESSAGE
        await pilot.press("y")
        await settle(pilot)
        assert " — " in app.clipboard
    assert not data.exists()


async def test_a_save_refused_by_a_locked_notebook_takes_the_mark_back_and_says_why(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from dossier import notebook as nb

    notebook = tmp_path / "nb.db"
    Notebook.open(notebook).close()
    monkeypatch.setattr(nb, "LOCK_SECONDS", 0.1)
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await at_statements(pilot, app)
        holder = sqlite3.connect(notebook, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await pilot.press("m")
            await settle(pilot)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert app.browser.statements.notebook_marks == frozenset()
        assert last_notice(app).startswith("Not saved: ") and "locked" in last_notice(app)


async def test_tags_changed_in_another_browser_are_shown_and_the_user_chooses(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    for choice, expected in (("k", ("mine",)), ("t", ("theirs",)), ("escape", ("mine", "again"))):
        notebook.unlink(missing_ok=True)
        app = make_app(store, notebook)
        async with app.run_test(size=SIZE) as pilot:
            await at_statements(pilot, app)
            slug = app.browser.statements.highlighted.slug  # type: ignore[union-attr]
            await pilot.press("number_sign")
            await settle(pilot)
            other = make_app(store, notebook)  # the second browser saves its tags first
            async with other.run_test(size=SIZE) as other_pilot:
                await at_statements(other_pilot, other)
                await other_pilot.press("number_sign")
                await settle(other_pilot)
                await other_pilot.press(*"theirs", "enter")
                await settle(other_pilot)
            await pilot.press(*"mine", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ConflictScreen)
            assert "#theirs" in str(app.screen.query_one("#conflict-theirs").render())
            assert "#mine" in str(app.screen.query_one("#conflict-mine").render())
            await pilot.press(choice)
            await settle(pilot)
            if choice == "escape":  # back in the tags box with mine, saved over theirs once seen
                assert isinstance(app.screen, TagsScreen)
                assert app.screen.query_one(Input).value == "mine"
                await pilot.press("end", *", again", "enter")
                await settle(pilot)
            with Notebook.open(notebook) as book:
                assert book.entry(store.identity(), "statement", slug).tags == expected  # type: ignore[union-attr]
            assert all(f"#{tag}" in shown(app.browser.detail) for tag in expected)


async def test_hostile_notes_labels_and_tags_are_shown_literally_in_the_notebook(store: Store, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    with Notebook.open(notebook) as book:
        book.save_note(
            store.identity(),
            "actor",
            "lavrov",
            "[@click=app.quit]quit[/] \x1b[2J\u202ereversed",
            expected=0,
            label="[bold]Lavrov[/]",
        )
        book.save_tags(store.identity(), "actor", "lavrov", ["[red]x[/]"], expected=1)
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        text = shown(app.screen.query_one("#notebook-list"))  # type: ignore[arg-type]
        assert "#[red]x[/] · 1" in text and "[bold]Lavrov[/]" in text and "[@click=app.quit]quit[/]" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert app.is_running


async def test_the_dossier_file_is_never_written_by_the_notebook(seed_db: Path, tmp_path: Path) -> None:
    from tests.conftest import file_hash

    before = file_hash(seed_db)
    with Store.open(seed_db) as store:
        app = make_app(store, tmp_path / "nb.db")
        async with app.run_test(size=SIZE) as pilot:
            await at_statements(pilot, app)
            await pilot.press("m", "n", *"a note", "ctrl+s")
            await settle(pilot)
            await pilot.press("number_sign", *"tag", "enter")
            await settle(pilot)
            assert "#tag" in shown(app.browser.detail)
    assert file_hash(seed_db) == before


async def test_a_mark_is_drawn_in_the_search_results_too(store: Store, tmp_path: Path) -> None:
    from dossier.screens.search import SearchScreen

    app = make_app(store, tmp_path / "nb.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        actor = app.browser.actors.highlighted
        assert actor is not None
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*actor.name.split()[-1])
        await pilot.pause(0.3)
        await settle(pilot)
        rows = shown(app.screen.results).splitlines()
        assert any(row.startswith("●") and actor.name in row for row in rows), rows
        assert sum(row.startswith("●") for row in rows) == 1


async def test_b_draws_the_notebook_in_one_frame_and_the_browser_stays_as_it_was(
    store: Store, seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One frame for `b`, whatever Textual would draw again after it (a second layout for its scroll bar,
    its own Resize, the repaints asked as its widgets mounted), and nothing from the browser underneath:
    its footer is not rebuilt for the notebook, nor again on the way back."""
    notebook = tmp_path / "nb.db"
    identity = store.identity()
    refs = read_rows(seed_db, "SELECT 'actor', slug FROM actors UNION ALL SELECT 'statement', slug FROM statements")
    with Notebook.open(notebook) as book:
        for n, (kind, slug) in enumerate(refs):  # more rows than the screen has lines: a scroll bar
            book.save_tags(identity, str(kind), str(slug), [f"group-{n % 3}", "all"], expected=0, label=str(slug))
    no_cursor_blink(monkeypatch)
    app = make_app(store, notebook)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer_keys = list(app.browser.query("FooterKey"))
        frames: list[object] = []
        with each_frame(app, lambda screen, renderable: frames.append(screen) if renderable is not None else None):
            await pilot.press("b")
            await settle(pilot)
            await pilot.pause(0.2)  # a late frame, had there been one (the footer's came ~100 ms after)
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotebookScreen)
        assert screen.list.show_vertical_scrollbar
        assert frames == [screen]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.browser
        assert list(app.browser.query("FooterKey")) == footer_keys

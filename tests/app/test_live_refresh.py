"""Live refresh: another process changes the open file, and the browser shows it (docs/browser.md).

A real `dossier import` process writes into the file an open browser reads;
the browser finds the commit (`PRAGMA data_version`) within its poll and
reads every pane again in one read transaction, keeping each pane's row by
its slug. The waits poll the app's state in a bounded loop: nothing here
asserts how long anything took.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot

from dossier import messages
from dossier.app import DossierApp
from dossier.screens.browse import BrowseScreen
from dossier.store import Store
from tests.pilot_helpers import notifications, rows_shown, settle, shown, title

SIZE = (120, 40)
WAIT_SECONDS = 30.0
"""The longest a test waits for the browser to show a change (a loaded machine; it takes well under a second)."""


@pytest.fixture(autouse=True)
def _fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_LIVE_SECONDS", "0.1")


async def wait_until(pilot: Pilot[Any], done: Callable[[], bool], what: str) -> None:
    """Let the app run until `done()` holds; fail naming `what` after `WAIT_SECONDS`."""
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if done():
            await settle(pilot)
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the browser did not show {what} within {WAIT_SECONDS:g} s")


def import_in_another_process(db: Path, bundle: dict[str, Any], tmp_path: Path) -> None:
    """`dossier import` as a process of its own, as another terminal would run it."""
    path = tmp_path / "more.yaml"
    path.write_text(yaml.safe_dump(bundle, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dossier", "import", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DOSSIER_LIVE_SECONDS": "0"},
    )
    assert done.returncode == 0, done.stderr


NEW_ACTOR = {"slug": "aardvark-analyst", "name": "Aardvark Analyst", "kind": "person", "role": "analyst"}


async def test_an_import_by_another_process_shows_in_an_open_browser(seed_db: Path, tmp_path: Path) -> None:
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            await pilot.press("j", "j")  # the third actor, not the first: kept by its slug
            await settle(pilot)
            actor = browser.actors.highlighted
            assert actor is not None
            actors_before = browser.actors.count or 0
            statements_before = browser.statements.count or 0
            await pilot.press("2", "j")
            await settle(pilot)
            statement = browser.statements.highlighted
            assert statement is not None
            import_in_another_process(
                seed_db,
                {
                    "actors": [NEW_ACTOR],
                    "statements": [
                        {
                            "slug": "newest-word",
                            "speaker": actor.slug,
                            "text": "A brand new statement from the other terminal.",
                            "said": "2099-01-01",
                        }
                    ],
                },
                tmp_path,
            )
            await wait_until(pilot, lambda: browser.actors.count == actors_before + 1, "the new actor")
            assert browser.statements.count == statements_before + 1
            # The same actor and statement stay selected, though a row came before each.
            assert browser.actors.highlighted is not None and browser.actors.highlighted.slug == actor.slug
            kept = browser.statements.highlighted
            assert kept is not None and kept.slug == statement.slug
            assert browser.focused is browser.statements
            assert "A brand new statement from the other terminal." in " ".join(rows_shown(browser.statements))
            assert title(browser.actors).startswith(f"Actors · {actors_before + 1}")
            # The new actor is there to go to.
            await pilot.press("1", "home")
            await settle(pilot)
            assert browser.actors.highlighted is not None and browser.actors.highlighted.slug == "aardvark-analyst"


async def test_the_first_rows_of_an_empty_dossier_arrive_with_their_panes(empty_db: Path, tmp_path: Path) -> None:
    with Store.open(empty_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            assert browser.actors.count == 0
            import_in_another_process(
                empty_db,
                {
                    "actors": [NEW_ACTOR, {"slug": "target-state", "name": "Target State", "kind": "state"}],
                    "measures": [
                        {
                            "slug": "a-measure",
                            "title": "A measure from nowhere",
                            "kind": "sanction",
                            "imposed_by": "aardvark-analyst",
                            "target": "target-state",
                            "consequences": [{"description": "Something follows"}],
                        }
                    ],
                    "statements": [{"slug": "first-words", "speaker": "aardvark-analyst", "text": "First words."}],
                },
                tmp_path,
            )
            await wait_until(pilot, lambda: browser.actors.count == 2, "the new actors")
            assert browser.statements.count == 1 and browser.measures.count == 1
            assert browser.consequences.count == 1
            assert "First words." in shown(browser.statements)
            assert "Aardvark Analyst" in shown(browser.detail)


def delete_statement(db: Path, slug: str) -> None:
    """Remove one statement as another program would (the importer never deletes)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM statement_measures WHERE statement_id = (SELECT id FROM statements WHERE slug = ?)",
                     (slug,))
        conn.execute("DELETE FROM statements WHERE slug = ?", (slug,))
        conn.execute("COMMIT")
    finally:
        conn.close()


async def test_a_deleted_highlighted_row_leaves_the_cursor_at_its_place(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            await pilot.press("2", "j")
            await settle(pilot)
            count = browser.statements.count or 0
            assert count >= 3
            gone = browser.statements.highlighted
            after = browser.statements.item_at(2)
            assert gone is not None and after is not None
            assert browser.detail.subject == ("statement", gone.id)
            delete_statement(seed_db, gone.slug)
            await wait_until(pilot, lambda: browser.statements.count == count - 1, "the statement gone")
            # The cursor stays at its place, on the row that followed the one deleted, and the
            # Detail pane follows it.
            assert browser.statements.cursor == 1
            now = browser.statements.highlighted
            assert now is not None and now.slug == after.slug
            await wait_until(pilot, lambda: browser.detail.subject == ("statement", after.id), "the next statement")
            assert gone.text[:30] not in shown(browser.statements)
            await pilot.press("k")  # keys still work
            await settle(pilot)
            assert browser.statements.cursor == 0


async def test_refresh_data_reads_again_at_once_without_waiting_for_the_poll(
    seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOSSIER_LIVE_SECONDS", "0")  # no timer: only the message reads again
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            count = browser.statements.count or 0
            first = browser.statements.item_at(0)
            assert first is not None
            delete_statement(seed_db, first.slug)
            await pilot.pause(0.3)
            await settle(pilot)
            assert browser.statements.count == count  # nothing polls the file
            app.post_message(messages.DossierChanged())
            await wait_until(pilot, lambda: browser.statements.count == count - 1, "the change asked for")


async def test_a_view_open_over_the_browser_is_told_it_was_read_before(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            count = browser.statements.count or 0
            await pilot.press("r")  # the relations view
            await settle(pilot)
            assert not isinstance(app.screen, BrowseScreen)
            first = browser.statements.item_at(0)
            assert first is not None
            delete_statement(seed_db, first.slug)
            await wait_until(pilot, lambda: browser.statements.count == count - 1, "the change under the view")
            told = [n.message for n in notifications(app)]
            assert any("close it and open it again" in message for message in told), told


async def test_a_file_deleted_or_damaged_under_the_browser_is_one_notice_never_a_crash(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            seed_db.rename(seed_db.with_suffix(".moved"))
            await wait_until(
                pilot, lambda: any("was deleted or moved" in n.message for n in notifications(app)), "a notice"
            )
            await pilot.press("j", "tab", "j")  # the browser reads on, from the file it opened
            await settle(pilot)
            assert browser.actors.cursor == 1 and browser.statements.count is not None
            # Now the file itself is overwritten with what is not a database.
            moved = seed_db.with_suffix(".moved")
            with moved.open("r+b") as handle:
                handle.write(b"\0" * 4096)
            await wait_until(
                pilot, lambda: any("damaged" in n.message or "not a database" in n.message
                                   for n in notifications(app)), "the damage told"
            )
            await pilot.press("k", "1", "j")
            await settle(pilot)
            assert app.is_running and app.failure is None
            told = [n.message for n in notifications(app)]
            assert all("\n" not in message for message in told)
            assert len([m for m in told if "was deleted or moved" in m]) == 1  # each problem told once


async def test_an_import_killed_before_commit_shows_nothing_and_the_next_one_shows_whole(
    seed_db: Path, tmp_path: Path
) -> None:
    from tests.faults.killing import import_argv

    bundle = {
        "actors": [NEW_ACTOR],
        "statements": [
            {"slug": f"killed-{n}", "speaker": "aardvark-analyst", "text": f"Statement {n} of a killed import."}
            for n in range(300)
        ],
    }
    path = tmp_path / "killed.yaml"
    path.write_text(yaml.safe_dump(bundle, sort_keys=False), encoding="utf-8")
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            actors = browser.actors.count
            # Every row written with a small page cache (changed pages in the file), then SIGKILL before COMMIT:
            # a hot journal the next read rolls back.
            done = subprocess.run(import_argv(seed_db, path, "small-cache", "precommit"), capture_output=True,
                                  timeout=120, env={**os.environ, "DOSSIER_LIVE_SECONDS": "0"})
            assert done.returncode < 0, done.stderr
            for _ in range(10):  # several polls
                await pilot.pause(0.1)
            await settle(pilot)
            assert browser.actors.count == actors
            journal = Path(f"{seed_db}-journal")
            assert not journal.exists() or journal.read_bytes()[:1] in (b"", b"\0")  # rolled back by a read
            assert not [n for n in notifications(app) if n.severity == "error"]
            import_in_another_process(seed_db, bundle, tmp_path)
            await wait_until(pilot, lambda: browser.actors.count == (actors or 0) + 1, "the finished import")
            await pilot.press("home")
            await settle(pilot)
            assert browser.actors.highlighted is not None and browser.actors.highlighted.slug == "aardvark-analyst"
            assert browser.statements.count == 300


async def test_a_read_again_asked_while_a_link_is_followed_comes_once_it_has_landed(
    seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOSSIER_LIVE_SECONDS", "0")  # no watching thread: only the retry can read again
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            count = browser.statements.count or 0
            first = browser.statements.item_at(0)
            actor = browser.actor_id
            assert first is not None and actor is not None
            delete_statement(seed_db, first.slug)
            browser.open_ref("actor", actor)  # the same actor: its lists are not loaded again
            assert browser.keys_pending()
            browser.refresh_data()  # put off: a link is being followed
            await wait_until(pilot, lambda: browser.statements.count == count - 1, "the read put off")
            assert app.focused is browser.actors

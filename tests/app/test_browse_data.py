"""The browser on data built for the purpose: markup-like text shown literally, and an actor with thousands of rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dossier.app import DossierApp
from dossier.importer import import_files, init_database
from dossier.store import Store
from dossier.widgets.virtual_list import CACHE_PAGES, PAGE_SIZE
from tests.pilot_helpers import lines, settle, shown, subtitle, title

SIZE = (120, 40)
TRICKY = "[bold]x[/] [@click=app.quit]click me[/] stray [/] close [sic]"
"""Text that Rich or Textual markup would read as styles, an action link and bad closing tags."""


def build(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    db = tmp_path / "made.db"
    init_database(db, empty=True)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    import_files(db, [path])
    return db


@pytest.fixture
def tricky_db(tmp_path: Path) -> Path:
    return build(
        tmp_path,
        {
            "actors": [
                {"slug": "evil", "name": "[red]Evil[/red] [@click=app.quit]", "kind": "person", "role": "[b]role"},
                {"slug": "target", "name": "Target", "kind": "state"},
            ],
            "measures": [
                {
                    "slug": "m1",
                    "title": "[@click=app.bell]Measure[/]",
                    "kind": "other",
                    "imposed_by": "evil",
                    "target": "target",
                    "consequences": [{"description": "[link=http://x]due[/link] " + "W" * 300, "due": "2022-01"}],
                }
            ],
            "statements": [
                {
                    "slug": "tricky-quote",
                    "speaker": "evil",
                    "kind": "quote",
                    "text": TRICKY + " \x1b[31mred\x1b[0m " + "longword" * 60,
                    "said": "2021-12-01",
                    "about": [{"measure": "m1", "stance": "condemns"}],
                }
            ],
        },
    )


async def test_markup_in_dossier_text_is_shown_literally_and_does_nothing(tricky_db: Path) -> None:
    with Store.open(tricky_db) as store:
        app = DossierApp(store, ref="statement/tricky-quote")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            assert app.focused is browser.statements
            assert "person [red]Evil[/red]" in shown(browser.actors)
            assert "[@click=app.quit]" in shown(browser.actors)
            assert subtitle(browser.statements) == "[red]Evil[/red] [@click=app.quit]"
            assert "“[bold]x[/] [@click=app.quit]c" in shown(browser.statements)
            detail = " ".join(shown(browser.detail).split())
            assert TRICKY in detail
            assert "\x1b" not in detail and " red " in detail  # the escape sequence is removed, the word kept
            # a very long word is folded inside the pane, never wider than it
            width = browser.detail.scrollable_content_region.width
            assert all(len(line) <= width for line in lines(browser.detail))
            assert "◆ [@click=app.bell]Measure" in shown(browser.measures)

            # clicking the text that looks like an action link does nothing but move the cursor
            row = next(y for y, line in enumerate(lines(browser.detail)) if "@click" in line)
            column = lines(browser.detail)[row].index("@click")
            await pilot.click(browser.detail, offset=(column + 2, row + 1))
            await pilot.click(browser.statements, offset=(30, 1))
            await pilot.click(browser.actors, offset=(20, 1))
            await settle(pilot)
            assert app.is_running
            assert app.check_action("quit", ()) is True
            assert app.check_action("push_screen", ()) is False
            assert app.check_action("add_class", ()) is False

            await pilot.press("3")
            await settle(pilot)
            assert "2022-01" in shown(browser.consequences)
            assert "[link=http://x]due[/link" in shown(browser.consequences)

            await pilot.press("slash", *"sic")
            await pilot.pause(0.3)
            await settle(pilot)
            assert "[sic]" in shown(app.screen.results)  # type: ignore[attr-defined]
            await pilot.press("escape")
            await settle(pilot)
            assert app.is_running


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    """One actor with 2,500 statements (the last 5 undated) and 150 actors of three kinds."""
    statements = [
        {
            "slug": f"s{n}",
            "speaker": "talker",
            "kind": "quote" if n % 2 else "paraphrase",
            "text": f"Statement number {n}",
            **({"said": f"20{10 + n // 365:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"} if n >= 5 else {}),
        }
        for n in range(2500)
    ]
    actors = [{"slug": "talker", "name": "Talker", "kind": "person"}] + [
        {"slug": f"a{n}", "name": f"Actor {n:03d}", "kind": ("person", "state", "media")[n % 3]} for n in range(150)
    ]
    return build(tmp_path, {"actors": actors, "statements": statements})


async def test_an_actor_with_thousands_of_statements_pages_by_keyset(big_db: Path) -> None:
    with Store.open(big_db) as store:
        app = DossierApp(store, ref="actor/talker")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            statements = browser.statements
            assert title(statements) == "Statements · 2,500"
            assert title(browser.actors) == "Actors · 151"
            assert len(statements._pages) == 1  # one page, not 2,500 models
            await pilot.press("2", "end")
            await settle(pilot)
            assert statements.cursor == 2499
            last = statements.highlighted
            assert last is not None and last.said is None and last.slug == "s0"  # undated sort last
            assert "Statement number 0" in shown(statements)
            await pilot.press("home")
            await settle(pilot)
            first = statements.highlighted
            assert first is not None
            assert first.said == max(s.said or "" for s in store.statements_page(first.speaker.id, limit=1000))
            for _ in range(4):
                await pilot.press("pagedown")
            await settle(pilot)
            page = statements.scrollable_content_region.height // statements.line_height - 1
            assert statements.cursor == 4 * page
            assert browser.detail.subject == ("statement", statements.highlighted_id)
            for _ in range(2 * PAGE_SIZE // 10):
                await pilot.press("pagedown")
            await settle(pilot)
            assert len(statements._pages) <= CACHE_PAGES
            loaded = sum(len(page) for page in statements._pages.values())
            assert loaded < 2500
            # every row the screen shows is real, none is a placeholder
            assert "…" not in "".join(line[:12] for line in lines(statements))

            # a deep link into the middle selects that row; Back returns to the end
            _, middle = store.resolve("s1234")
            browser.open_ref("statement", middle)
            await settle(pilot)
            assert statements.highlighted_id == middle
            assert statements.cursor == store.statement_position(store.resolve("talker")[1], middle)


async def test_holding_down_on_the_actors_keeps_the_panes_in_step(big_db: Path) -> None:
    with Store.open(big_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            await pilot.press(*["j"] * 25)
            await settle(pilot)
            actor = browser.actors.highlighted
            assert browser.actors.cursor == 25 and actor is not None
            assert browser.actor_id == actor.id
            assert browser.statements.subject == actor.name
            assert browser.detail.subject == ("actor", actor.id)

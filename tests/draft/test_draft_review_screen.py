"""The review screen of a draft: accept, edit and reject items, and hand the accepted ones over as one bundle.

The bundle it hands over goes through the real importer (`dossier import`) into a
dossier built from the seed, and the rows are read back from the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from textual.app import App
from textual.widgets import OptionList, Static, TextArea

from dossier.cli import main
from dossier.draft import draft_files
from dossier.screens.draft_review import DraftReviewScreen, EditItemScreen
from tests.conftest import read_rows
from tests.pilot_helpers import notifications

ARTICLE = """Envoys expelled
date 2022-03-24

Norway expelled two Finnish diplomats on Wednesday, the Norwegian Foreign Ministry said.

“We will not accept interference in our internal affairs from any country,” Norwegian Foreign Minister
Kari Nordmann told reporters.

“The decision was taken after long and careful consideration of the facts,” she added.

“Finland reserves the right to respond to this unfriendly step,” Finnish Foreign Minister Anna Virtanen said.
"""


class Host(App[None]):
    """A bare app that opens the review screen (the browser's: tests/draft/test_draft_review_write.py)."""

    def __init__(self, screen: DraftReviewScreen) -> None:
        super().__init__()
        self.review = screen

    def on_mount(self) -> None:
        self.push_screen(self.review)


async def test_accepted_and_edited_items_reach_the_dossier_and_rejected_ones_do_not(
    seed_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    draft, _ = draft_files([article], seed_db)
    quotes = [s for s in draft.statements if s.kind == "quote"]
    assert [s.text[:20] for s in quotes] == ["We will not accept i", "The decision was tak", "Finland reserves the"]
    handed: list[dict[str, Any]] = []
    screen = DraftReviewScreen(draft, handed.append)
    order = [s.slug for s in draft.statements]
    first, second, third = (order.index(s.slug) for s in quotes)
    async with Host(screen).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = screen.query_one("#review-items", OptionList)
        assert options.option_count == len(draft.statements)
        detail = str(screen.query_one("#review-detail", Static).render())
        assert "From: " in detail and "Confidence: " in detail
        # Everything else is rejected; the three quotes are decided one by one.
        for index in range(len(order)):
            options.highlighted = index
            await pilot.press("r")
        options.highlighted = first
        await pilot.press("a")
        options.highlighted = second
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EditItemScreen)
        editor = pilot.app.screen.query_one(TextArea)
        editor.text = editor.text.replace("long and careful consideration", "careful study")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("a")
        options.highlighted = third
        await pilot.press("r")
        await pilot.press("f")
        await pilot.pause()
    [bundle] = handed
    assert [s["slug"] for s in bundle["statements"]] == [quotes[0].slug, quotes[1].slug]
    assert "careful study" in bundle["statements"][1]["text"]
    bundle_file = tmp_path / "accepted.yaml"
    bundle_file.write_text(yaml.safe_dump(bundle, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = runner.invoke(main, ["import", str(bundle_file), "--db", str(seed_db)])
    assert result.exit_code == 0, result.output + result.stderr
    rows = dict(read_rows(seed_db, "SELECT slug, text FROM statements"))
    assert rows[quotes[0].slug] == quotes[0].text
    assert "careful study" in str(rows[quotes[1].slug])
    assert quotes[2].slug not in rows
    speakers = read_rows(
        seed_db,
        f"SELECT a.name FROM statements s JOIN actors a ON a.id = s.speaker_id WHERE s.slug = '{quotes[0].slug}'",
    )
    assert speakers == [("Kari Nordmann",)]


async def test_an_edit_that_is_not_a_statement_is_refused_with_a_reason_and_escape_drops_it(
    seed_db: Path, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    draft, _ = draft_files([article], seed_db)
    handed: list[dict[str, Any]] = []
    screen = DraftReviewScreen(draft, handed.append)
    async with Host(screen).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = dict(screen.items[0].data)
        await pilot.press("e")
        await pilot.pause()
        edit = pilot.app.screen
        assert isinstance(edit, EditItemScreen)
        edit.query_one(TextArea).text = "slug: x\nspeaker: y\ntext: z\nmood: angry\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is edit  # refused: an unknown field
        assert any("mood" in n.message for n in notifications(pilot.app))
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert screen.items[0].data == before and not screen.items[0].edited
        await pilot.press("escape")
        await pilot.pause()
    assert handed == []  # closed without finishing: nothing handed over

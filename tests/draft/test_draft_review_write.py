"""`dossier browse PATH --write --review DRAFT.yaml`: a real draft reviewed over the browser, and written as one edit.

The draft is made by the real `dossier draft` (CliRunner) from an article
against a dossier built from the seed; the browser is opened on that file as
`dossier.opening.open_browser` opens it, and driven with Pilot. What is
written is read back from the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import OptionList, Static, TextArea

from dossier.app import DossierApp
from dossier.cli import main
from dossier.draft import read_draft
from dossier.keys import keys_of
from dossier.opening import READ_ONLY_ENV
from dossier.screens.draft_review import DraftReviewScreen, EditItemScreen
from dossier.store import Store
from tests.conftest import file_hash, read_rows
from tests.draft.test_draft_review_screen import ARTICLE
from tests.pilot_helpers import lines, notifications, settle

SIZE = (120, 40)


@pytest.fixture
def draft_file(seed_db: Path, tmp_path: Path, runner: CliRunner) -> Path:
    """The article drafted by `dossier draft` against the seed dossier."""
    article = tmp_path / "envoys.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = runner.invoke(main, ["draft", str(article), "-o", str(out), "--db", str(seed_db)])
    assert result.exit_code == 0, result.output + result.stderr
    return out


def _quotes(draft_file: Path) -> list[int]:
    """The positions of the draft's three quotes among its statements."""
    statements = read_draft(draft_file).statements
    quotes = [index for index, item in enumerate(statements) if item.kind == "quote"]
    assert [statements[i].text[:20] for i in quotes] == [
        "We will not accept i", "The decision was tak", "Finland reserves the"
    ]
    return quotes


async def _review(pilot: Pilot[Any], app: DossierApp) -> DraftReviewScreen:
    await settle(pilot)
    assert isinstance(app.screen, DraftReviewScreen)
    return app.screen


async def _at(pilot: Pilot[Any], review: DraftReviewScreen, index: int, *keys: str) -> None:
    review.query_one("#review-items", OptionList).highlighted = index
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def _status(review: DraftReviewScreen) -> str:
    return str(review.query_one("#review-status", Static).render())


async def test_accepting_two_and_rejecting_one_writes_one_edit_and_the_browser_shows_it(
    store: Store, seed_db: Path, draft_file: Path
) -> None:
    draft = read_draft(draft_file)
    first, second, third = _quotes(draft_file)
    app = DossierApp(store, write=seed_db, review=draft)
    async with app.run_test(size=SIZE) as pilot:
        review = await _review(pilot, app)
        assert "From: " in str(review.query_one("#review-detail", Static).render())
        await _at(pilot, review, first, "a")
        await _at(pilot, review, second, "a")
        await _at(pilot, review, third, "a", "u", "r")  # accepted, undecided, then rejected
        assert [item.state for item in review.items][third] == "rejected"
        await pilot.press("f")
        await settle(pilot)
        assert app.screen is app.browser  # written: the review closed
        accepted = [draft.statements[first].slug, draft.statements[second].slug]
        notice = str(notifications(app)[-1].message)
        assert notice.startswith("Written from the draft: 2 statements, ") and notice.endswith("(edit 1)")
        # The browser shows the first statement written, its speaker (a new actor) in the Actors pane.
        assert app.browser.statements.highlighted.slug == accepted[0]  # type: ignore[union-attr]
        assert app.browser.actors.highlighted.name == "Kari Nordmann"  # type: ignore[union-attr]
        shown = "\n".join(lines(app.browser.statements))
        assert "We will not accept" in shown and "The decision was taken" in shown  # both hers
    texts = dict(read_rows(seed_db, "SELECT slug, text FROM statements"))
    assert texts[accepted[0]] == draft.statements[first].text
    assert texts[accepted[1]] == draft.statements[second].text
    assert draft.statements[third].slug not in texts
    ((origin, action, kind, after, note),) = read_rows(seed_db, "SELECT origin, action, kind, after, note FROM edits")
    assert (origin, action, kind) == ("browser", "change", None)
    assert note == "reviewed draft draft.yaml: 2 statements accepted"
    written = json.loads(str(after))
    assert [s["slug"] for s in written["statements"]] == accepted
    assert written["sources"][0]["slug"] == draft.statements[first].source


async def test_a_refused_accept_is_one_line_writes_nothing_and_keeps_the_decisions(
    store: Store, seed_db: Path, draft_file: Path
) -> None:
    first, second, _ = _quotes(draft_file)
    before = file_hash(seed_db)
    app = DossierApp(store, write=seed_db, review=read_draft(draft_file))
    pressed: set[str] = set()

    async def press(*keys: str, at: int | None = None) -> None:
        if at is not None:
            review.query_one("#review-items", OptionList).highlighted = at
        for key in keys:
            pressed.add(key)
            await pilot.press(key)
            await settle(pilot)

    async with app.run_test(size=SIZE) as pilot:
        review = await _review(pilot, app)
        await press("f")  # nothing accepted yet: said, nothing handed over
        assert _status(review).startswith("Nothing is accepted yet")
        # An item edited into what is not YAML is refused by the item's editor, in one line.
        await press("e", at=first)
        editor = app.screen
        assert isinstance(editor, EditItemScreen)
        original = editor.query_one(TextArea).text
        editor.query_one(TextArea).text = "text: [not closed\n"
        await press("ctrl+s")
        assert app.screen is editor
        assert str(notifications(app)[-1].message).startswith("Not YAML: ")
        await press("escape")  # the edit dropped
        assert app.screen is review and not review.items[first].edited
        # An item edited to name a speaker the dossier does not have is a valid statement, refused on writing.
        await press("e", at=first)
        area = app.screen.query_one(TextArea)
        area.text = original.replace(f"speaker: {review.items[first].data['speaker']}", "speaker: no-such-actor")
        await press("ctrl+s")
        assert app.screen is review and review.items[first].edited
        await press("a", at=first)
        await press("r", at=second)
        assert review.items[second].state == "rejected"
        await press("u", at=second)
        assert review.items[second].state == "pending" and review.index == second  # undecided, not moved on
        await press("a")
        await press("f")
        assert app.screen is review  # still open, every decision kept
        status = _status(review)
        assert status.startswith("Not written: ") and "no-such-actor" in status and "\n" not in status
        assert [review.items[i].state for i in (first, second)] == ["accepted", "accepted"]
        assert file_hash(seed_db) == before
        # Escape asks first once something was decided; q then closes, writing nothing.
        await press("escape")
        assert app.screen is review and _status(review).startswith("Escape again closes")
        await press("q")
        assert app.screen is app.browser
    assert file_hash(seed_db) == before
    # Every key of the review and of its item editor was pressed here (the browser's keys: tests/app/test_app.py).
    assert {name for key in (*keys_of("review"), *keys_of("review-item")) for name in key.key_list} <= pressed


def test_review_is_refused_in_one_line_without_write_served_or_with_a_bad_draft(
    seed_db: Path, draft_file: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = file_hash(seed_db)

    def refused(*args: str) -> str:
        result = runner.invoke(main, ["browse", str(seed_db), *args])
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and "Traceback" not in result.output
        return lines[0]

    assert "open the dossier with `--write`" in refused("--review", str(draft_file))
    not_yaml = tmp_path / "broken.yaml"
    not_yaml.write_text("statements: [\n", encoding="utf-8")
    assert "not a draft to review: broken.yaml:" in refused("--write", "--review", str(not_yaml))
    assert "no such file" in refused("--write", "--review", str(tmp_path / "missing.yaml"))
    measures = tmp_path / "measures.yaml"
    measures.write_text(
        draft_file.read_text(encoding="utf-8")
        + "measures:\n  - {slug: m, title: A measure, kind: other, imposed_by: zakharova}\n",
        encoding="utf-8",
    )
    assert "holds measures" in refused("--write", "--review", str(measures))
    empty = tmp_path / "empty.yaml"
    empty.write_text("statements: []\n", encoding="utf-8")
    assert "no statements to review" in refused("--write", "--review", str(empty))
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    assert "served read-only: --review is refused" in refused("--write", "--review", str(draft_file))
    assert file_hash(seed_db) == before


async def test_speakers_the_dossier_has_are_shown_by_their_names(
    store: Store, seed_db: Path, runner: CliRunner
) -> None:
    article = Path(__file__).parent / "articles" / "h18-reuters-moscow-mirrored-us-move.txt"
    out = seed_db.with_name("h18.yaml")
    result = runner.invoke(main, ["draft", str(article), "-o", str(out), "--db", str(seed_db)])
    assert result.exit_code == 0, result.output + result.stderr
    draft = read_draft(out)
    assert "russia" in {item.speaker for item in draft.statements}  # an actor of the dossier, not a new one
    app = DossierApp(store, write=seed_db, review=draft)
    async with app.run_test(size=SIZE) as pilot:
        review = await _review(pilot, app)
        names = {item.data["speaker"]: item.speaker_name for item in review.items}
        assert names["russia"] == "Russia"

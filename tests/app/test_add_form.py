"""The new-statement form: typed into with Pilot, completed from the dossier, checked, and what it gives imports.

Each test pushes the form over the browser on its own, as the browser's `a`
does, and reads what it is dismissed with; `a` itself, writing what the form
gives, is tested in tests/capture/test_capture_app.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from dossier.app import DossierApp
from dossier.cli import main
from dossier.screens.add_form import AddStatementScreen, new_statement_slug
from dossier.store import Store
from tests.pilot_helpers import burst, settle

SIZE = (120, 40)


async def open_form(pilot: Pilot[Any], app: DossierApp, speaker: str | None) -> tuple[AddStatementScreen, list[Any]]:
    """Push the form as the browser's `a` does, without its save; the list receives what it is dismissed with."""
    results: list[Any] = []
    form = AddStatementScreen(app.store, speaker)
    app.push_screen(form, results.append)
    await settle(pilot)
    assert app.screen is form
    return form, results


async def wait_for_suggestion(pilot: Pilot[Any], field: Input) -> None:
    """The completion is read in a thread: wait (bounded) until the field shows one."""
    for _ in range(400):
        await settle(pilot)
        if field._suggestion:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"no completion came for {field.value!r}")


def status(form: AddStatementScreen) -> str:
    return str(form.query_one("#add-status", Static).render())


async def test_a_filled_form_gives_the_statement_as_a_bundle(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, results = await open_form(pilot, app, "zakharova")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"We will respond.", "enter", *"Soon.")
        await pilot.press("tab", "enter", "down", "enter")  # the kind: paraphrase
        await settle(pilot)
        assert form.query_one("#add-kind", Select).value == "paraphrase"
        await pilot.press("tab", *"2021-12")
        await pilot.press("tab")  # the speaker, the actor at hand already
        assert app.focused is form.query_one("#add-speaker", Input) and app.focused.value == "zakharova"
        await pilot.press("tab", *"spokesperson", "tab", *"RIA")
        await pilot.press("tab", *"artic")
        source = form.query_one("#add-source", Input)
        await wait_for_suggestion(pilot, source)
        assert "article-2021-12-01" in str(form.query_one("#add-matches", Static).render())
        await pilot.press("right")  # take the completion
        assert source.value == "article-2021-12-01"
        await pilot.press("tab", *"us-exp")
        measure = form.about_rows()[0][0]
        await wait_for_suggestion(pilot, measure)
        await pilot.press("right")
        assert measure.value == "us-expels-27-russian-diplomats"
        assert len(form.about_rows()) == 2  # a filled row opens another
        await pilot.press("tab", "enter", "down", "down", "down", "enter")  # comments → condemns
        await settle(pilot)
        # A second measure by words of its title, not its start: the matches show its slug.
        await pilot.press("tab", *"three years")
        second = form.about_rows()[1][0]
        for _ in range(400):
            await settle(pilot)
            if "russia-orders-us-diplomats-out" in str(form.query_one("#add-matches", Static).render()):
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the matches never named the measure")
        second.value = ""
        await pilot.press(*"russia-orders-us-diplomats-out")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.browser
    assert results == [
        {
            "statements": [
                {
                    "speaker": "zakharova",
                    "speaker_role": "spokesperson",
                    "kind": "paraphrase",
                    "text": "We will respond.\nSoon.",
                    "said": "2021-12",
                    "via": "RIA",
                    "source": "article-2021-12-01",
                    "about": [
                        {"measure": "us-expels-27-russian-diplomats", "stance": "condemns"},
                        {"measure": "russia-orders-us-diplomats-out", "stance": "comments"},
                    ],
                }
            ]
        }
    ]


async def test_a_name_typed_for_the_speaker_is_completed_and_becomes_its_slug(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, results = await open_form(pilot, app, None)
        await pilot.press(*"Talks are over.")
        speaker = form.query_one("#add-speaker", Input)
        speaker.focus()
        await pilot.press(*"Sergei R")
        await wait_for_suggestion(pilot, speaker)
        await pilot.press("right")
        assert speaker.value == "Sergei Ryabkov"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert results == [{"statements": [{"speaker": "ryabkov", "kind": "quote", "text": "Talks are over."}]}]


async def test_bad_fields_are_refused_one_line_each_and_the_form_is_kept(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, results = await open_form(pilot, app, "zakharova")
        await pilot.press("ctrl+s")  # no text
        await settle(pilot)
        assert app.screen is form and "no text" in status(form)
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"A statement.")
        said = form.query_one("#add-said", Input)
        for bad, reason in (("2021-02-30", "is not a real date"), ("Dec 2021", "is not an ISO date")):
            said.value = bad
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form, bad
            assert reason in status(form) and "\n" not in status(form)
            assert app.focused is said
        said.value = "2021-12-01"
        speaker = form.query_one("#add-speaker", Input)
        speaker.value = "nobody-at-all"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No actor is 'nobody-at-all'" in status(form) and app.focused is speaker
        speaker.value = "zakharova"
        form.about_rows()[0][0].value = "no-such-measure"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No measure is 'no-such-measure'" in status(form)
        rows = form.about_rows()
        rows[0][0].value = "us-expels-27-russian-diplomats"
        await settle(pilot)
        form.about_rows()[1][0].value = "us-expels-27-russian-diplomats"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "named twice" in status(form) and app.screen is form
        assert form.query_one("#add-text", TextArea).text == "A statement."  # everything typed is still there
        assert results == []


async def test_escape_asks_before_a_changed_form_is_thrown_away(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, results = await open_form(pilot, app, "zakharova")
        await pilot.press("escape")  # nothing changed: it closes at once
        await settle(pilot)
        assert app.screen is app.browser and results == [None]
        form, results = await open_form(pilot, app, "zakharova")
        await pilot.press(*"Half a thought")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and "Escape again throws it away" in status(form)
        await pilot.press("x")  # typing on takes the question back
        await settle(pilot)
        assert status(form) == ""
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is app.browser and results == [None]


async def test_what_the_form_gives_imports_with_a_slug_made_from_its_text(seed_db: Path, tmp_path: Path) -> None:
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            form, results = await open_form(pilot, app, "zakharova")
            await pilot.press(*"We regard the US demand as an expulsion.")
            form.query_one("#add-said", Input).value = "2021-12-02"
            form.query_one("#add-source", Input).value = "article-2021-12-01"
            form.about_rows()[0][0].value = "us-expels-27-russian-diplomats"
            await pilot.press("ctrl+s")
            await settle(pilot)
        bundle = results[0]
        statement = bundle["statements"][0]
        assert "slug" not in statement
        slug = new_statement_slug(store, statement["text"], statement["speaker"])
    assert slug == "zakharova-we-regard-the-us-demand-as-an-expulsion"
    statement["slug"] = slug
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(bundle, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = CliRunner().invoke(main, ["import", str(path), "--db", str(seed_db)])
    assert done.exit_code == 0, done.output
    with Store.open(seed_db) as store:
        found = store.find("statement", slug)
        assert found is not None
        detail = store.statement_detail(found)
        assert detail.statement.text == "We regard the US demand as an expulsion."
        assert detail.statement.said == "2021-12-02" and detail.statement.speaker.slug == "zakharova"
        assert [(about.measure.slug, about.stance) for about in detail.about] == [
            ("us-expels-27-russian-diplomats", "comments")
        ]
        # The same text again gets the next free slug.
        assert new_statement_slug(store, statement["text"], "zakharova") == f"{slug}-2"


async def test_a_measure_typed_faster_than_its_new_row_mounts_opens_one_row(store: Store) -> None:
    """Keys from a terminal arrive faster than a new row is mounted: each change is handled before it is."""
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, _ = await open_form(pilot, app, "zakharova")
        measure = form.about_rows()[0][0]
        for typed in ("u", "us", "us-", "us-e"):  # four changes queued at once, as a fast typist's keys are
            measure.value = typed
        await settle(pilot)
        assert app.is_running and app.screen is form
        assert len(form.about_rows()) == 2 and len(form.query(".about-row")) == 2


async def test_keys_typed_in_a_burst_land_in_the_fields_in_the_order_typed(store: Store) -> None:
    """Tab then text in one write (as keys over SSH often come): the text lands in the field Tab moved to.

    Textual runs Tab's binding once the key has gone up from the focused field to
    the app, by which time the letters after it, sent to the field that had the
    focus as they arrived, were typed into it.
    """
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, _ = await open_form(pilot, app, None)
        said = form.query_one("#add-said", Input)
        said.focus()
        await settle(pilot)
        burst(app, *"2021", "tab", *"lavrov", "tab", *"minister", "shift+tab", "shift+tab", *"2022")
        await settle(pilot)
        assert said.value == "2022"  # a field's text is selected as Tab reaches it: typing replaces it
        assert form.query_one("#add-speaker", Input).value == "lavrov"
        assert form.query_one("#add-role", Input).value == "minister"
        assert app.focused is said
        # Keys a field takes as bindings (End, Backspace: they go up to the app) and letters after them.
        burst(app, "tab", "end", "backspace", "backspace", *"ry")
        await settle(pilot)
        assert form.query_one("#add-speaker", Input).value == "lavrry"
        assert said.value == "2022"

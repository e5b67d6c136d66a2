"""Issue 13, actors of the same name told apart (lists, palette); slugs seen and copied in the Detail pane."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from dossier.app import DossierApp
from dossier.importer import import_files
from dossier.store import Store
from tests.pilot_helpers import row_text, settle, shown

TWINS = """\
actors:
  - {slug: volkova-press, name: Yelena Volkova, kind: person, role: Press secretary, country: LV}
  - {slug: volkova-ambassador, name: Yelena Volkova, kind: person, role: Ambassador, country: LV}
  - {slug: volkova-analyst, name: Yelena Volkova, kind: person, country: LV}
"""


def twins_db(tmp_path: Path, empty_db: Path) -> Path:
    bundle = tmp_path / "twins.yaml"
    bundle.write_text(TWINS, encoding="utf-8")
    import_files(empty_db, [bundle])
    return empty_db


async def test_actors_of_one_name_are_told_apart_in_the_list_and_the_palette(tmp_path: Path, empty_db: Path) -> None:
    with Store.open(twins_db(tmp_path, empty_db)) as store:
        app = DossierApp(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            actors = app.browser.actors
            rows = [row_text(actors, index) for index in range(3)]
            assert all("Yelena Volkova" in row for row in rows)
            assert len(set(rows)) == 3  # no two rows read the same
            assert any("LV · volkova-ambassador" in row for row in rows)  # the role gives way, the slug stays whole
            assert any("LV · volkova-analyst" in row for row in rows)
            await pilot.resize_terminal(120, 40)
            await settle(pilot)
            assert len({row_text(actors, index) for index in range(3)}) == 3

            await pilot.press("ctrl+p", *"volkova")
            await pilot.pause(0.5)
            await settle(pilot)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            from textual.command import CommandList

            shown_hits = [str(option.prompt) for option in palette.query_one(CommandList).options]
            volkovas = [hit for hit in shown_hits if "Yelena Volkova" in hit]
            assert len(volkovas) == 3 and len(set(volkovas)) == 3, shown_hits
            assert any("Press secretary · LV · volkova-press" in hit for hit in volkovas)


async def test_the_detail_pane_shows_the_slug_and_s_copies_it(store: Store) -> None:
    app = DossierApp(store, ref="statement/zakharova-respond-accordingly")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        browser = app.browser
        assert "statement/zakharova-respond-accordingly" in "".join(shown(browser.detail).split())
        await pilot.press("5", "s")
        await settle(pilot)
        assert app.clipboard == "statement/zakharova-respond-accordingly"
        await pilot.press("1", "5", "s")
        await settle(pilot)
        assert app.clipboard == "actor/zakharova"
        assert "actor/zakharova" in "".join(shown(browser.detail).split())

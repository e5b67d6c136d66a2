"""Issue 13, facets: each pane's facets with counts, kept filters in the title, x clears them, Back and Forward."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from dossier import generate
from dossier.app import DossierApp
from dossier.filters import filter_note, toggled
from dossier.screens.facets import FacetScreen
from dossier.store import Store
from tests.pilot_helpers import settle, title


def test_toggling_keeps_one_value_a_facet_and_lets_it_go() -> None:
    kept = toggled((), "kind", "quote")
    assert kept == (("kind", "quote"),)
    assert toggled(kept, "kind", "paraphrase") == (("kind", "paraphrase"),)
    assert toggled(toggled(kept, "year", "2021"), "kind", "quote") == (("year", "2021"),)
    assert filter_note((("kind", "quote"), ("source", "3")), {("source", "3"): "RIA"}) == "kind=quote · source=RIA"


def test_the_store_counts_and_filters_each_facet(store: Store) -> None:
    ryabkov = store.resolve("ryabkov")[1]
    facets = {(v.facet, v.value): v.rows for v in store.statement_facets(ryabkov)}
    assert facets[("kind", "quote")] == 3 and facets[("kind", "paraphrase")] == 2
    assert facets[("year", "2021")] == 5
    kept = (("stance", "condemns"),)
    assert store.statement_count(ryabkov, filters=kept) == facets[("stance", "condemns")]
    rows = store.statements_page(ryabkov, filters=kept)
    assert len(rows) == facets[("stance", "condemns")]
    assert store.statement_position(ryabkov, rows[-1].id, filters=kept) == len(rows) - 1
    countries = {v.value: v.rows for v in store.actor_facets() if v.facet == "country"}
    assert countries["RU"] == store.actor_count(country="RU") and store.actor_count(country="none") == countries["none"]
    measures = {(v.facet, v.value): v.rows for v in store.measure_facets(ryabkov)}
    assert sum(n for (facet, _), n in measures.items() if facet == "kind") == store.measures_for_count(ryabkov)


async def choose(pilot, facet: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """In the facet screen, move to `facet`'s `value` and press Enter."""
    screen = pilot.app.screen
    assert isinstance(screen, FacetScreen)
    rows = screen.query_one(OptionList)
    for index in range(rows.option_count):
        found = screen._values.get(rows.get_option_at_index(index).id or "")
        if found is not None and (found.facet, found.value) == (facet, value):
            rows.highlighted = index
            break
    else:
        raise AssertionError(f"{facet}={value} not offered")
    await pilot.press("enter")
    await settle(pilot)


async def test_facets_narrow_a_pane_show_in_its_title_clear_with_x_and_travel_with_back(store: Store) -> None:
    app = DossierApp(store, ref="actor/ryabkov")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        browser = app.browser
        await pilot.press("2", "f")
        await settle(pilot)
        assert isinstance(app.screen, FacetScreen)
        await choose(pilot, "stance", "condemns")
        assert app.screen is browser
        assert title(browser.statements) == "Statements · 4 · stance=condemns"
        await pilot.press("f")
        await settle(pilot)
        await choose(pilot, "kind", "quote")
        assert title(browser.statements).endswith("stance=condemns · kind=quote")
        await pilot.press("backspace")  # Back: one filter fewer
        await settle(pilot)
        assert title(browser.statements) == "Statements · 4 · stance=condemns"
        await pilot.press("alt+right")  # Forward: both again
        await settle(pilot)
        assert "kind=quote" in title(browser.statements)
        await pilot.press("x")  # clears them
        await settle(pilot)
        assert title(browser.statements) == "Statements · 5"
        await pilot.press("backspace")
        await settle(pilot)
        assert "kind=quote" in title(browser.statements)

        await pilot.press("1", "f")  # the Actors pane: kind and country
        await settle(pilot)
        await choose(pilot, "country", "US")
        assert title(browser.actors).startswith("Actors · 3 · country=US")
        await pilot.press("f", "q")  # q closes the facets, nothing changed
        await settle(pilot)
        assert app.screen is browser and app.is_running
        await pilot.press("3", "f")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is browser


async def test_facet_counts_arrive_in_a_worker_on_a_big_dossier(tmp_path: Path) -> None:
    made = generate.generate(tmp_path / "g.db", statements=20_000, seed=4)
    assert made.heaviest is not None
    with Store.open(made.path) as store:
        app = DossierApp(store, ref=f"actor/{made.heaviest.slug}")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("2", "f", "j", "j")  # keys go on while the counts are read
            screen = app.screen
            assert isinstance(screen, FacetScreen)
            await settle(pilot)
            assert any(value.facet == "source" for value in screen._values.values())
            assert sum(v.rows for v in screen._values.values() if v.facet == "kind") == made.heaviest.statements


async def test_a_date_range_narrows_the_statements(tmp_path: Path) -> None:
    made = generate.generate(tmp_path / "g.db", statements=3000, seed=5)
    assert made.heaviest is not None
    with Store.open(made.path) as store:
        actor = store.resolve(made.heaviest.slug)[1]
        app = DossierApp(store, ref=f"actor/{made.heaviest.slug}")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            browser = app.browser
            await pilot.press("2", "f", "d")
            await settle(pilot)
            await pilot.press(*"2019 2020-06", "enter")
            await settle(pilot)
            assert app.screen is browser
            kept = (("from", "2019"), ("to", "2020-06"))
            assert title(browser.statements).endswith("from=2019 · to=2020-06")
            assert browser.statements.count == store.statement_count(actor, filters=kept)
            rows = store.statements_page(actor, filters=kept, limit=1000)
            assert rows and all("2019" <= (row.said or "") < "2020-06~" for row in rows)
            await pilot.press("f", "d", "escape", "escape")  # Escape closes the box, then the facets
            await settle(pilot)
            assert app.screen is browser
            await pilot.press("backspace")
            await settle(pilot)
            assert "from=" not in title(browser.statements)

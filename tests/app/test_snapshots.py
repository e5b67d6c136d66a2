"""Screens compared with committed SVG snapshots (pytest-textual-snapshot).

The first screen, a statement and the chain view at 80×24, 120×40 and 200×50
(issue 13: every quote readable at every size), a measure with its
consequences and the help screen at 120×40, search results at 80×24 and 200×50.

Regenerate after a deliberate change with `pytest tests/app/test_snapshots.py --snapshot-update`,
then read the new SVGs before committing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from dossier.app import DossierApp
from dossier.store import Store
from tests.pilot_helpers import settle

SIZE = (120, 40)
SIZES = [(80, 24), (120, 40), (200, 50)]


async def settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_first_screen(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(DossierApp(store), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_a_statement(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Ryabkov's longest quote highlighted in the Statements pane, the Detail pane beside or under it."""
    app = DossierApp(store, ref="statement/ryabkov-language-of-ultimatums")
    assert snap_compare(app, terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_chain_view(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    async def open_chain(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    app = DossierApp(store, ref="measure/russia-orders-us-diplomats-out")
    assert snap_compare(app, terminal_size=size, run_before=open_chain)


def test_a_measure_with_its_consequences(snap_compare: Any, store: Store) -> None:
    app = DossierApp(store, ref="measure/us-expels-27-russian-diplomats")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_search_results(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Every kind's share: each title whole when there is room, drawn once, its matched words marked."""

    async def search(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"diplomats")
        await pilot.pause(0.3)  # the screen's wait for the next key
        await settle(pilot)

    assert snap_compare(DossierApp(store), terminal_size=size, run_before=search)


def test_help_screen(snap_compare: Any, store: Store) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(DossierApp(store), terminal_size=SIZE, run_before=open_help)

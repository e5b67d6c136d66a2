"""Three screens compared with committed SVG snapshots (pytest-textual-snapshot), at 120×40.

Regenerate after a deliberate change with `pytest tests/app/test_snapshots.py --snapshot-update`,
then read the new SVGs before committing them.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from dossier.app import DossierApp
from dossier.store import Store
from tests.pilot_helpers import settle

SIZE = (120, 40)


async def settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


def test_first_screen(snap_compare: Any, store: Store) -> None:
    assert snap_compare(DossierApp(store), terminal_size=SIZE, run_before=settled)


def test_a_measure_with_its_consequences(snap_compare: Any, store: Store) -> None:
    app = DossierApp(store, ref="measure/us-expels-27-russian-diplomats")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled)


def test_help_screen(snap_compare: Any, store: Store) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(DossierApp(store), terminal_size=SIZE, run_before=open_help)

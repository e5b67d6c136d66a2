"""`m` repaints the line its mark is drawn on, also when a row takes several lines (the mark sits on the second)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dossier.app import DossierApp
from dossier.notebook import OFF_MESSAGE
from dossier.store import Store
from tests.pilot_helpers import settle, shown

SIZE = (80, 24)  # the seed's statements wrap to two lines a row here


async def test_m_repaints_the_line_that_holds_the_mark(store: Store, tmp_path: Path) -> None:
    app = DossierApp(store, notebook=tmp_path / "nb.db", notebook_off=OFF_MESSAGE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "j")
        await settle(pilot)
        pane = app.browser.statements
        height = pane.line_height
        assert height >= 2  # otherwise this test would not test a mark below a row's first line
        repainted: list[int] = []
        plain_refresh_lines = pane.refresh_lines
        plain_refresh_line = pane.refresh_line

        def refresh_lines(y_start: int, line_count: int = 1) -> Any:
            repainted.extend(range(y_start, y_start + line_count))
            return plain_refresh_lines(y_start, line_count)

        def refresh_line(y: int) -> Any:
            repainted.append(y)
            return plain_refresh_line(y)

        pane.refresh_lines = refresh_lines  # type: ignore[method-assign]
        pane.refresh_line = refresh_line  # type: ignore[method-assign]
        await pilot.press("m")
        await settle(pilot)
        row = pane.cursor
        lines = shown(pane).splitlines()
        mark_line = next(i for i in range(row * height, row * height + height) if lines[i].lstrip().startswith("● "))
        assert mark_line in repainted, (mark_line, repainted)
        repainted.clear()
        await pilot.press("m")  # unmarked: the same line again
        await settle(pilot)
        assert mark_line in repainted, (mark_line, repainted)
        assert "● " not in shown(pane)

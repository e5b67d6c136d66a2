"""The first screen does not wait for the notebook: sqlite-utils is loaded, and the notebook read, after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dossier.notebook import Notebook
from dossier.store import Store

_SCRIPT = """
import asyncio, sys
from pathlib import Path
from dossier.app import DossierApp
from dossier.store import Store
from tests.pilot_helpers import settle

seen = {}
def first_frame():
    seen["first"] = "sqlite_utils" in sys.modules
    seen["marks"] = bool(app.browser.actors.notebook_marks)

app = DossierApp(Store.open(Path(sys.argv[1])), notebook=Path(sys.argv[2]), on_first_frame=first_frame)

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        print(seen["first"], seen["marks"], "sqlite_utils" in sys.modules, sorted(app.browser.actors.notebook_marks))

asyncio.run(main())
"""


def test_the_notebook_is_read_after_the_first_frame(seed_db: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "nb.db"
    with Store.open(seed_db) as store, Notebook.open(notebook) as book:
        book.set_mark(store.identity(), "actor", "lavrov", True)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(seed_db), str(notebook)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
        check=True,
    )
    assert result.stdout.split() == ["False", "False", "True", "['lavrov']"]

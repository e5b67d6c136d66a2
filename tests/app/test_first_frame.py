"""The browser's first frame: drawn without what browsing does not need yet, and the rest follows it.

Start-up is measured in `tests/bench` (process start to the first screen with
rows, against an empty Textual app); here only what it must and must not do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from textual.app import App, ComposeResult

from dossier.rows import ActorItem
from dossier.store import Store
from dossier.widgets.panes import ActorList
from dossier.widgets.virtual_list import Pager
from tests.bench.terminal import Terminal
from tests.pilot_helpers import settle

NOT_AT_START = (
    "click",
    "pydantic",
    "yaml",
    "sqlite_utils",
    "json",
    "dossier.cli",
    "dossier.models",
    "dossier.bundle",
    "dossier.importer",
    "dossier.capture",
    "dossier.draft",
    "dossier.notebook",
    "dossier.citation",
    "dossier.commands",
    "dossier.screens.search",
    "dossier.store.search_run",
    "dossier.screens.help",
    "dossier.screens.notebook",
    "dossier.screens.too_small",
)
"""What the first frame of `dossier browse` must not wait for: the parser, JSON, the bundle and its models, the
importer, the writers, the notebook and citations (loaded once the frame is drawn), the other screens, the queries
of a search run (loaded by the first search)."""


def at_first_frame(seed_db: Path, tmp_path: Path, setup: str, seen: str, *wait_for: str) -> list[str]:
    """Run `dossier browse` on the seed in a terminal, `setup` (Python) first; what `seen` (an expression giving
    a list of words) holds as the first frame is drawn, once `wait_for` and the footer are on screen."""
    record = tmp_path / "at-first-frame.txt"
    code = (
        f"{setup}"
        "import dossier.opening as opening\n"
        "then = opening.collector_after_first_frame\n"
        "def drawn():\n"
        f"    out = open({str(record)!r}, 'w')\n"
        f"    out.write(' '.join(['drawn', *{seen}]))\n"
        "    out.close()\n"
        "    then()\n"
        "opening.collector_after_first_frame = drawn\n"
        "import runpy\n"
        "runpy.run_module('dossier', run_name='__main__', alter_sys=True)\n"
    )
    env = {**os.environ, "DOSSIER_NOTEBOOK": str(tmp_path / "notebook.db")}
    with Terminal([sys.executable, "-c", code, "browse", str(seed_db)], size=(120, 40), env=env) as term:
        for text in ("Maria Zakharova", *wait_for, "Help"):  # Help: the footer's keys, drawn after the first frame
            assert term.wait_for_text(text, 60) is not None, term.screen_text()[-500:]
        assert term.quit(timeout=20) is not None
        assert term.process.returncode == 0
    drawn, *words = record.read_text().split()
    assert drawn == "drawn"
    return words


def test_the_first_frame_is_drawn_before_the_modules_browsing_does_not_need_yet(seed_db: Path, tmp_path: Path) -> None:
    # What the first frame did not wait for comes after it: the Detail pane's actor, the footer's keys.
    loaded = at_first_frame(
        seed_db, tmp_path, "import sys\n", f"[m for m in {NOT_AT_START!r} if m in sys.modules]", "Detail · actor"
    )
    assert loaded == []


DATACLASSES_AT_START = frozenset({"PendingRows", "Kept"})
"""The dataclasses of Dossier's own that the first frame still waits for; no other may join them: a dataclass
costs ~0.3 ms to define, a frozen one ~0.8 ms (its methods are compiled from source as the class is made), a
named tuple ~0.06 ms and a plain class ~0.01 ms (docs/performance.md)."""


def test_the_first_frame_waits_for_no_other_dataclass_of_dossier(seed_db: Path, tmp_path: Path) -> None:
    setup = (
        "import dataclasses\n"
        "made = []\n"
        "process = dataclasses._process_class\n"
        "def record(cls, *args):\n"
        "    if cls.__module__.startswith('dossier'):\n"
        "        made.append(cls.__qualname__.rsplit('.', 1)[-1])\n"
        "    return process(cls, *args)\n"
        "dataclasses._process_class = record\n"
        "probe = type('Probe', (), {'__module__': 'dossier.probe'})\n"
        "dataclasses.dataclass(probe)  # the check sees a dataclass made as Dossier's\n"
    )
    probe, *classes = at_first_frame(seed_db, tmp_path, setup, "made")
    assert probe == "Probe"
    assert set(classes) <= DATACLASSES_AT_START, sorted(set(classes) - DATACLASSES_AT_START)


class _Listed(App[None]):
    def compose(self) -> ComposeResult:
        yield ActorList(id="actors")


async def test_a_list_holds_its_reads_until_told_and_skips_those_of_a_selection_left(store: Store) -> None:
    asked: list[str] = []

    def pager(name: str, kind: str | None) -> Pager[ActorItem]:
        def count() -> int:
            asked.append(name)
            return store.actor_count(kind)

        return Pager(
            count=count,
            page=lambda _after, start, limit: store.actors_grouped(kind=kind, offset=start, limit=limit),
            ident=lambda item: item.id,
        )

    app = _Listed()
    async with app.run_test(size=(60, 20)) as pilot:
        actors = app.query_one(ActorList)
        actors.held = []
        actors.load(pager("every kind", None))
        actors.load(pager("people", "person"))
        await settle(pilot)
        assert asked == [] and actors.count is None and len(actors.held) == 2
        actors.start_held()
        await settle(pilot)
        assert asked == ["people"]  # the first selection was left before its read started: never read
        assert actors.count == store.actor_count("person") and actors.highlighted is not None
        assert actors.highlighted.kind == "person"
        actors.load(pager("again", None))  # no longer held: read at once
        await settle(pilot)
        assert asked == ["people", "again"] and actors.count == store.actor_count(None)


async def test_the_first_screen_is_styled_as_a_full_restyle_would_style_it(store: Store) -> None:
    """Shown for the first time, the browser is not styled again (its widgets were, as they mounted): the same."""
    from dossier.app import DossierApp

    app = DossierApp(store, ref="actor/zakharova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.browser
        nodes = [screen, *screen.walk_children(with_self=False)]

        def looks() -> list[tuple[str, dict[str, object], dict[str, object]]]:
            return [(repr(node), node.styles.base.get_rules(), node.styles.inline.get_rules()) for node in nodes]

        styled = looks()
        screen.update_node_styles(animate=False)
        assert looks() == styled

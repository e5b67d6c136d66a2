"""The browser on a dossier of 1M statements: what each pane's queries and a first screen cost.

The dossier is written the way the importer's bulk path writes (raw
`executemany` in one transaction, then one FTS rebuild): 1,000 actors, one of
whom (`actor-1`) has 20,000 statements and another (`actor-2`) 100,000, 2,000
measures and a statement_measures link for every 50th statement. It is kept in
the temporary directory between runs (delete `dossier-bench-browse.db` to
rebuild). Figures are medians of several runs, in milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dossier import importer
from dossier.store import Store

STATEMENTS = 1_000_000
BIG_ACTORS = {1: 20_000, 2: 100_000}
"""Actors with many statements: id -> how many."""


def build(path: Path, statements: int = STATEMENTS, seed: int = 3) -> float:
    """Write the benchmark dossier; returns the seconds it took."""
    rng = random.Random(seed)
    start = time.perf_counter()
    importer.init_database(path, empty=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        kinds = ("person", "organization", "state", "media", "group")
        conn.executemany(
            "INSERT INTO actors (id, slug, name, kind, role) VALUES (?, ?, ?, ?, ?)",
            [(i, f"actor-{i}", f"Actor {i:04d}", kinds[i % 5], "official") for i in range(1, 1001)],
        )
        conn.executemany(
            "INSERT INTO measures (id, slug, title, kind, imposed_by_id, target_id, announced)"
            " VALUES (?, ?, ?, 'expulsion', ?, ?, ?)",
            [
                (
                    i,
                    f"measure-{i}",
                    f"Measure {i}",
                    rng.randint(1, 1000),
                    rng.randint(1, 1000),
                    f"2021-{1 + i % 12:02d}",
                )
                for i in range(1, 2001)
            ],
        )
        conn.executemany(
            "INSERT INTO consequences (slug, measure_id, position, description, due)"
            " VALUES (?, ?, ?, 'Consequence', '2022-01-31')",
            [(f"measure-{m}-c{p}", m, p) for m in range(1, 2001) for p in range(1, 4)],
        )
        triggers = importer._drop_statement_triggers(conn)
        owners = [a for a, n in BIG_ACTORS.items() for _ in range(n)]
        rest = statements - len(owners)

        def speaker(i: int) -> int:
            return owners[i] if i < len(owners) else rng.randint(3, 1000)

        conn.executemany(
            "INSERT INTO statements (id, slug, speaker_id, text, kind, said) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    i + 1,
                    f"s{i + 1}",
                    speaker(i),
                    f"Statement {i + 1} about measure {1 + i % 2000}",
                    "quote" if i % 3 else "paraphrase",
                    None if i % 97 == 0 else f"20{10 + i * 12 // statements:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                )
                for i in range(statements)
            ),
        )
        conn.executemany(
            "INSERT INTO statement_measures (statement_id, measure_id, stance) VALUES (?, ?, 'comments')",
            ((i + 1, 1 + i % 2000) for i in range(0, statements, 50)),
        )
        conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
        importer.refresh_entity_index(conn, {"actor": set(range(1, 1001)), "measure": set(range(1, 2001))})
        for sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
        del rest
    finally:
        conn.close()
    return time.perf_counter() - start


def _ms(call: Callable[[], object], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def store_figures(store: Store) -> list[tuple[str, float]]:
    figures = []
    for actor, count in BIG_ACTORS.items():
        first = store.statements_page(actor, limit=100)
        last_page_start = count - 100
        tail = store.statements_page(actor, offset=last_page_start, limit=100)
        middle = store.statements_page(actor, offset=count // 2, limit=1)[0]
        figures += [
            (f"{count:,}-statement actor: count", _ms(lambda a=actor: store.statement_count(a))),
            (f"{count:,}-statement actor: first page of 100", _ms(lambda a=actor: store.statements_page(a))),
            (
                f"{count:,}-statement actor: next page by keyset",
                _ms(lambda a=actor, f=first: store.statements_page(a, after=f[-1])),
            ),
            (
                f"{count:,}-statement actor: last page by offset (End)",
                _ms(lambda a=actor, s=last_page_start: store.statements_page(a, offset=s)),
            ),
            (
                f"{count:,}-statement actor: position of a middle row",
                _ms(lambda a=actor, m=middle: store.statement_position(a, m.id)),
            ),
            (
                f"{count:,}-statement actor: measures count + first page",
                _ms(lambda a=actor: (store.measures_for_count(a), store.measures_page(a))),
            ),
        ]
        assert tail and first
    figures += [
        ("actors: count + first page (grouped by kind)", _ms(lambda: (store.actor_count(), store.actors_grouped()))),
        ("actors: position of the last actor", _ms(lambda: store.actor_position(1000))),
        (
            "consequences of a measure: count + page",
            _ms(lambda: (store.consequence_count(7), store.consequences_of(7))),
        ),
        ("detail of a statement", _ms(lambda: store.statement_detail(500_000))),
        ("detail of a measure", _ms(lambda: store.measure_detail(7))),
    ]
    return figures


async def app_figures(path: Path) -> list[tuple[str, float]]:
    """Headless: the first screen with every pane filled, and the render cost of a full pane."""
    from dossier.app import DossierApp
    from tests.pilot_helpers import settle

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Store.open(path) as store:
        start = time.perf_counter()
        app = DossierApp(store, ref="actor/actor-2")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            first = (time.perf_counter() - start) * 1000
            statements = app.browser.statements
            assert statements.count == BIG_ACTORS[2]
            height = statements.scrollable_content_region.height
            render = _ms(lambda: [statements.render_line(y) for y in range(height)], runs=50)
            start = time.perf_counter()
            await pilot.press("2", "end")
            await settle(pilot)
            end = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            for _ in range(30):
                await pilot.press("k")
            await settle(pilot)
            keys = (time.perf_counter() - start) * 1000 / 30
            cached = sum(len(page) for page in statements._pages.values())
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return [
        ("first screen, 100,000-statement actor selected (headless, incl. Pilot)", first),
        ("repaint a full Statements pane (render_line × height)", render),
        ("End on 100,000 statements, until the last page is shown (incl. Pilot)", end),
        ("↑ in Statements, per key, incl. Pilot's own ~80 ms", keys),
        ("statement models held by the pane after all that", float(cached)),
        ("peak RSS growth during the app run, MiB", (rss_after - rss_before) / 1024),
    ]


def run(statements: int = STATEMENTS) -> None:
    path = Path(tempfile.gettempdir()) / "dossier-bench-browse.db"
    if not path.exists() or os.environ.get("DOSSIER_BENCH_REBUILD"):
        path.unlink(missing_ok=True)
        print(f"building {statements:,} statements: {build(path, statements):.1f} s", flush=True)
    with Store.open(path) as store:
        for name, ms in store_figures(store):
            print(f"  {name:<62} {ms:8.2f} ms")
    for name, value in asyncio.run(app_figures(path)):
        print(f"  {name:<62} {value:8.2f}")


if __name__ == "__main__":
    run()

"""Benchmark: the first screen of the chain, timeline and relations views on a big dossier.

`run(db_path)` times each view's first screen (the store query a screen
makes when it opens, plus building its rows) and returns
`(name, median_ms, p95_ms)` rows, for a bench runner to print. The budget is
100 ms per first screen on a 1M-statement dossier. The relations screen
counts replies in a second worker after its first screen; that is timed
separately.

    python -m tests.bench.bench_views PATH            # time the views on PATH
    python -m tests.bench.bench_views PATH --build    # first build a synthetic PATH (1M statements)

`--build` writes a synthetic dossier straight into a file made by
`init_database(empty=True)`: measures in response chains (one of them a
cycle), dated and partially dated statements, consequences and events. It
exists so the views can be measured without `dossier generate`.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dossier.importer import init_database
from dossier.store import Store

REPEAT = 30
"""Timed runs per view (after one warm-up run)."""


def _time(call: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, float]:
    call()
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def _chain_root(store: Store) -> int:
    """A measure in the middle of the response links: one with rungs both ways on a ladder."""
    row = store.conn.execute(
        "SELECT measure_id FROM measure_links ORDER BY measure_id LIMIT 1"
        " OFFSET (SELECT count(*) / 2 FROM measure_links)"
    ).fetchone()
    return int(row[0]) if row else 1


def _busiest_actor(store: Store) -> int:
    row = store.conn.execute(
        "SELECT imposed_by_id FROM measures WHERE imposed_by_id IS NOT NULL"
        " GROUP BY imposed_by_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return int(row[0]) if row else 1


def run(db_path: Path) -> list[tuple[str, float, float]]:
    """Median and p95 (ms) of each view's first screen on the dossier at `db_path`.

    A first screen is what a screen does before it can paint: the store query
    for its first page plus turning every row into `Content`.
    """
    from dossier.screens._view import content
    from dossier.views import chain_step_lines, relation_rows, timeline_line

    def chain_screen(measure_id: int, depth: int) -> int:
        chain = store.chain(measure_id, depth=depth, limit=200)
        return len([content(chain_step_lines(step)) for step in chain.steps])

    def timeline_screen(**filters: Any) -> int:
        return len([content([timeline_line(item)]) for item in store.timeline(limit=100, **filters)])

    def relations_screen(**filters: Any) -> int:
        pairs = store.relations(limit=10, replies=False, **filters)
        return len([content([line]) for pair in pairs for line, _ in relation_rows(pair)])

    results: list[tuple[str, float, float]] = []
    with Store.open(db_path) as store:
        root = _chain_root(store)
        actor = _busiest_actor(store)
        middle = store.timeline(limit=1, date_from="2015")
        cursor = middle[0].cursor if middle else None
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("views: chain, first screen (depth 12)", lambda: chain_screen(root, 12)),
            ("views: chain through a cycle (depth 100)", lambda: chain_screen(1, Store.CHAIN_MAX_DEPTH)),
            ("views: timeline, first screen (100 items)", lambda: timeline_screen()),
            ("views: timeline, a page from the middle", lambda: timeline_screen(after=cursor)),
            ("views: timeline of the busiest actor", lambda: timeline_screen(actor_id=actor)),
            ("views: timeline, statements only", lambda: timeline_screen(kinds=["statement"])),
            ("views: relations, first screen (10 pairs)", lambda: relations_screen()),
            ("views: relations of the busiest actor", lambda: relations_screen(actor_id=actor)),
            ("views: relations, replies of 10 pairs (worker)", lambda: store.relations(limit=10)),
        ]
        for name, call in cases:
            median, p95 = _time(call)
            results.append((name, median, p95))
    return results


# --------------------------------------------------------------------------- a synthetic dossier


def _date(rng: random.Random) -> str | None:
    """Mostly full dates 2000-2024, some partial ('2014', '2014-03'), a few undated."""
    roll = rng.random()
    year = rng.randint(2000, 2024)
    if roll < 0.02:
        return None
    if roll < 0.04:
        return str(year)
    if roll < 0.08:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def build_database(
    path: Path, *, statements: int = 1_000_000, actors: int = 2_000, measures: int = 20_000, seed: int = 1
) -> None:
    """A synthetic dossier for the benchmarks, written with executemany in one transaction."""
    rng = random.Random(seed)
    init_database(path, empty=True, force=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'statements'")
    saved = triggers.fetchall()
    for name, _ in saved:
        conn.execute(f'DROP TRIGGER "{name}"')
    states = max(2, actors // 40)
    conn.executemany(
        "INSERT INTO actors (id, slug, name, kind, affiliation_id) VALUES (?, ?, ?, ?, ?)",
        [
            (
                i,
                f"actor-{i}",
                f"Actor {i}",
                "state" if i <= states else "person",
                None if i <= states else 1 + i % states,
            )
            for i in range(1, actors + 1)
        ],
    )
    conn.execute("INSERT INTO sources (id, slug, title) VALUES (1, 'synthetic', 'Synthetic source')")
    measure_rows = []
    links = []
    chain_length = 50
    for i in range(1, measures + 1):
        # Chains of 50 measures: two states answering each other, rung after rung.
        chain = (i - 1) // chain_length
        a, b = 1 + chain % states, 1 + (chain * 7 + 1) % states
        if a == b:
            b = 1 + b % states
        imposer, target = (a, b) if i % 2 else (b, a)
        measure_rows.append(
            (
                i,
                f"measure-{i}",
                f"Measure {i}",
                "expulsion",
                imposer,
                target,
                f"{rng.randint(1, 60)} diplomats",
                _date(rng),
                _date(rng) if rng.random() < 0.3 else None,
                "announced",
                1,
            )
        )
        if (i - 1) % chain_length:
            links.append((i, i - 1, imposer))
    links.append((1, chain_length, 2))  # the first chain closes on itself: a cycle
    conn.executemany(
        "INSERT INTO measures (id, slug, title, kind, imposed_by_id, target_id, quantity, announced, effective,"
        " status, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        measure_rows,
    )
    conn.executemany("INSERT INTO measure_links (measure_id, responds_to_id, asserted_by_id) VALUES (?, ?, ?)", links)
    conn.executemany(
        "INSERT INTO consequences (slug, measure_id, position, description, affects_id, due) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (f"measure-{m}-c{p}", m, p, f"Consequence {p} of measure {m}", 1 + m % states, _date(rng))
            for m in range(1, measures + 1)
            for p in (1, 2)
        ],
    )
    words = "diplomats expulsion respond measure embassy visa consulate staff answer sanction".split()
    insert_statement = (
        "INSERT INTO statements (id, slug, speaker_id, text, kind, said, source_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    batch: list[tuple[Any, ...]] = []
    about: list[tuple[int, int, str]] = []
    for i in range(1, statements + 1):
        text = " ".join(rng.choices(words, k=12))
        batch.append((i, f"statement-{i}", 1 + rng.randrange(actors), text, "quote", _date(rng), 1))
        if i % 3 == 0:
            about.append((i, 1 + rng.randrange(measures), "condemns" if i % 2 else "comments"))
        if len(batch) == 50_000:
            conn.executemany(
                insert_statement,
                batch,
            )
            batch.clear()
    if batch:
        conn.executemany(
            insert_statement,
            batch,
        )
    conn.executemany("INSERT INTO statement_measures (statement_id, measure_id, stance) VALUES (?, ?, ?)", about)
    conn.executemany(
        "INSERT INTO events (id, slug, title, date) VALUES (?, ?, ?, ?)",
        [(i, f"event-{i}", f"Event {i}", _date(rng)) for i in range(1, 5_001)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO event_actors (event_id, actor_id) VALUES (?, ?)",
        [(i, 1 + rng.randrange(actors)) for i in range(1, 5_001) for _ in range(3)],
    )
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    for _, sql in saved:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_views", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="a dossier database")
    parser.add_argument("--build", action="store_true", help="first build a synthetic dossier at DB (replaces it)")
    parser.add_argument("--statements", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    if args.build:
        start = time.perf_counter()
        build_database(args.db, statements=args.statements)
        print(f"built {args.db} in {time.perf_counter() - start:.1f} s")
    if not args.db.exists():
        print(f"{args.db}: no such file (use --build to make one)", file=sys.stderr)
        return 1
    for name, median, p95 in run(args.db):
        print(f"{name:<46} median {median:8.2f} ms   p95 {p95:8.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

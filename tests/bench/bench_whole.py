"""Benchmark: the questions whose answer once grew with the whole dossier, in process and as commands.

In process (`Store`, what a screen asks before it paints): End in the
heaviest speaker's statements, that speaker's facets (no filter), its
timeline and relations, the relations' first 20 pairs with their replies,
the Actors facets. As whole processes (start-up included, as a user runs
them): `dossier relations --limit 20`, `dossier timeline --actor HEAVIEST
--limit 50`, `dossier search WORD` for a common, a mid and a rare word, and
`dossier chain REF` from the middle of the response links. Part "whole" of
`python -m tests.bench` (`--sizes 1m,10m` puts 10M beside 1M); alone:

    python -m tests.bench.bench_whole PATH HEAVIEST_SLUG
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dossier import generate
from dossier.store import Store

from .bench_views import _chain_root


def _timed(call: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """First run, then the median and p95 of `runs` more (milliseconds)."""
    started = time.perf_counter()
    call()
    first = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return first, statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


def in_process(db: Path, heaviest_slug: str, runs: int = 20) -> list[tuple[str, float, float, float]]:
    """(question, first ms, median ms, p95 ms) for each question a screen asks of the store."""
    out = []
    with Store.open(db) as store:
        _, heaviest = store.resolve(f"actor/{heaviest_slug}")

        def end() -> None:
            count = store.statement_count(heaviest)
            store.statements_page(heaviest, offset=max(0, count - 100), limit=100)

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("End in the heaviest speaker's statements (count + last page)", end),
            ("facets of the heaviest speaker's statements (all four)", lambda: store.statement_facets(heaviest)),
            ("facets of the Actors pane", store.actor_facets),
            ("timeline of the heaviest speaker, first 100", lambda: store.timeline(actor_id=heaviest, limit=100)),
            ("relations of the heaviest speaker", lambda: store.relations(actor_id=heaviest, limit=10)),
            ("relations, first 20 pairs with their replies", lambda: store.relations(limit=20)),
        ]
        for label, call in cases:
            out.append((label, *_timed(call, runs)))
    return out


def commands(db: Path, heaviest_slug: str, runs: int = 3) -> list[tuple[str, float, float]]:
    """(command, first s, median s) of each command as a whole process, run `runs` more times after the first."""
    with Store.open(db) as store:
        root = store.measure(_chain_root(store)).slug
    asked = [
        ("relations --limit 20", ["relations", "--limit", "20"]),
        (f"timeline --actor {heaviest_slug} --limit 50", ["timeline", "--actor", heaviest_slug, "--limit", "50"]),
        (f"search {generate.COMMON_WORD} (common)", ["search", generate.COMMON_WORD]),
        (f"search {generate.MID_WORD} (mid)", ["search", generate.MID_WORD]),
        (f"search {generate.RARE_WORDS[0]} (rare)", ["search", generate.RARE_WORDS[0]]),
        (f"chain {root}", ["chain", f"measure/{root}"]),
    ]
    out = []
    for label, argv in asked:
        times = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "dossier", *argv, "--db", str(db)],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - started)
        out.append((label, times[0], statistics.median(times[1:])))
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__)
        return 1
    db, slug = Path(args[0]), args[1]
    for label, first, median, p95 in in_process(db, slug):
        print(f"{label:70s} first {first:8.1f} ms  median {median:8.1f} ms  p95 {p95:8.1f} ms")
    for label, first, median in commands(db, slug):
        print(f"dossier {label:62s} first {first:6.2f} s  median {median:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

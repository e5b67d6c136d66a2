"""Search latency on a generated 1M-statement dossier (`make bench`; not part of `make test`).

The dossier is written the way the importer's bulk path writes: the schema of
`dossier init --empty`, one `executemany` per table in one transaction with
the statement triggers dropped, then one rebuild of the indexes
(`importer.rebuild_search_index`). It is kept in the temporary directory
(or $DOSSIER_BENCH_DIR) and reused by later runs with the same size.

Vocabulary, so that word frequencies look like a real dossier's: every
statement has three of five common words (each in about 60% of statements),
four of fourteen English function words (`the`* expands to seven of them),
six mid-frequency words from 2,000 (Zipf-like: the bench's mid word is in
about 1%), two rare words from 200,000 (about 10 statements each), and every
200th statement is Chinese. Actors have Latin and Cyrillic names.

Figures: median and p95 of `Store.search_page(word, limit=50)` (the first page,
"recent" order, all kinds) over RUNS runs, for a rare, a mid and a common
word, plus prefixes, fragments, CJK and the ranked refinement.

    python -m tests.bench.bench_search               # 1M statements
    python -m tests.bench.bench_search 100000        # another size
"""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dossier import fts, importer
from dossier.store import Store

STATEMENTS = 1_000_000
RUNS = 30
COMMON = ("diplomats", "russia", "expulsion", "embassy", "ministry")
FUNCTION = ("the", "they", "their", "there", "these", "them", "then", "that", "this", "to", "of", "and", "in", "on")
SYLLABLES = ("ka", "lo", "mi", "ra", "to", "ve", "sa", "nu", "pe", "di", "go", "zu", "an", "er", "ol", "ik")
CJK_TEXTS = ("中国外交部发言人表示反对驱逐外交官", "ロシア外務省は対抗措置を発表した", "外交官の追放について懸念を表明")
NAMES = (("Maria", "Zakharova", "Мария", "Захарова"), ("Sergei", "Ryabkov", "Сергей", "Рябков"))


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def _vocabulary(seed: int = 7) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    mid = sorted({_word(rng, 3) for _ in range(4000)})[:2000]
    rare = sorted({_word(rng, 6) + str(i % 10) for i in range(200_000)})
    return mid, rare


def build(path: Path, statements: int = STATEMENTS, seed: int = 1) -> dict[str, float]:
    """Write a dossier of `statements` statements to `path`; returns the seconds each step took."""
    rng = random.Random(seed)
    mid, rare = _vocabulary()
    mid_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(mid))))
    importer.init_database(path, empty=True)
    conn = sqlite3.connect(path, isolation_level=None)
    timings: dict[str, float] = {}
    try:
        conn.execute("BEGIN IMMEDIATE")
        actors = []
        for i in range(1, 1001):
            first, last, first_ru, last_ru = NAMES[i % len(NAMES)] if i <= 2 else (_word(rng, 2).title(),) * 4
            if i > 2:
                last = _word(rng, 3).title()
                name = f"{first} {last}" if i % 2 else f"{first_ru} {last}"
            else:
                name = f"{first} {last}"
            actors.append((i, f"actor-{i}", name, "person", "official"))
        conn.executemany("INSERT INTO actors (id, slug, name, kind, role) VALUES (?, ?, ?, ?, ?)", actors)
        conn.executemany(
            "INSERT INTO aliases (actor_id, name, lang) VALUES (?, ?, 'ru')",
            [(1, "Мария Захарова"), (2, "Сергей Рябков")],
        )
        conn.executemany(
            "INSERT INTO measures (id, slug, title, kind, announced) VALUES (?, ?, ?, 'expulsion', ?)",
            [
                (i, f"measure-{i}", f"{rng.choice(mid)} {rng.choice(COMMON)} measure {i}", "2021-12-01")
                for i in range(1, 2001)
            ],
        )
        triggers = importer._drop_statement_triggers(conn)

        def text(i: int) -> str:
            if i % 200 == 0:
                return rng.choice(CJK_TEXTS) + f" {i}"
            words = rng.sample(COMMON, 3) + rng.choices(FUNCTION, k=4) + rng.choices(mid, cum_weights=mid_weights, k=6)
            words += rng.choices(rare, k=2)
            rng.shuffle(words)
            return " ".join(words).capitalize() + "."

        start = time.perf_counter()
        rows = (
            (i, f"s{i}", rng.randint(1, 1000), text(i), "quote", f"20{10 + i * 12 // statements:02d}-01-01")
            for i in range(1, statements + 1)
        )
        conn.executemany(
            "INSERT INTO statements (id, slug, speaker_id, text, kind, said) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        timings["generate + insert statements"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
        timings["word index rebuild (statements_fts)"] = time.perf_counter() - start
        start = time.perf_counter()
        fts.rebuild_cjk_index(conn)
        timings["CJK trigram index (statements_cjk)"] = time.perf_counter() - start
        start = time.perf_counter()
        importer.refresh_entity_index(conn, {"actor": set(range(1, 1001)), "measure": set(range(1, 2001))})
        timings["entity indexes"] = time.perf_counter() - start
        for sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return timings


def _bench_words() -> dict[str, str]:
    mid, rare = _vocabulary()
    return {"rare": rare[12345], "mid": mid[20], "common": "diplomats"}


def _time(call: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    call()  # warm the page cache and the statement cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def measure(path: Path) -> list[tuple[str, str, int, float, float, bool]]:
    """(what, query, hits, median ms, p95 ms, complete) for each benchmark query."""
    words = _bench_words()
    cases: list[tuple[str, str, dict[str, object]]] = [(f"{label} word", word, {}) for label, word in words.items()]
    cases += [
        ("common, statements only", "diplomats", {"kind": "statement"}),
        ("common prefix", "dipl", {"kind": "statement"}),
        ("short prefix of 7 words", "the", {"kind": "statement"}),
        ("two common words", "the diplomats", {"kind": "statement"}),
        ("fragment inside words", "plomat", {}),
        ("CJK, 3+ characters", "外交官", {}),
        ("CJK, 2 characters", "外交", {}),
        ("transliterated name", "Захарова", {}),
        ("no match", "zzzzqqq", {}),
        ("hostile text", 'NEAR( "x* -- :^ 😀', {}),
        ("common prefix, full", "dipl", {"full_prefixes": True, "kind": "statement"}),
        ("ranked, rare word", words["rare"], {"order": "rank", "kind": "statement"}),
        ("ranked, mid word", words["mid"], {"order": "rank", "kind": "statement"}),
        ("ranked, common word", "diplomats", {"order": "rank", "kind": "statement"}),
    ]
    out = []
    with Store.open(path) as store:
        for what, query, options in cases:
            page = store.search_page(query, **options)  # type: ignore[arg-type]
            runs = RUNS if options.get("order") != "rank" else 5
            median, p95 = _time(lambda q=query, o=options: store.search_page(q, **o), runs)  # type: ignore[misc]
            out.append((what, query, len(page.hits), median, p95, page.complete))
    return out


def run(statements: int = STATEMENTS) -> None:
    base = Path(os.environ.get("DOSSIER_BENCH_DIR") or tempfile.gettempdir())
    path = base / f"dossier-bench-search-{statements}.db"
    if not path.exists():
        print(f"building {path} ({statements:,} statements) ...", flush=True)
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        for step, seconds in build(tmp, statements).items():
            print(f"  {step:<40} {seconds:7.2f} s")
        tmp.replace(path)
    print(f"search on {statements:,} statements, limit 50 ({RUNS} runs; ranked: 5 runs)")
    print(f"  {'query':<26} {'text':<16} {'hits':>4} {'median ms':>10} {'p95 ms':>8}  complete")
    for what, query, hits, median, p95, complete in measure(path):
        print(f"  {what:<26} {query[:16]:<16} {hits:>4} {median:>10.2f} {p95:>8.2f}  {complete}")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else STATEMENTS)

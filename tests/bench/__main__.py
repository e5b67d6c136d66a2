"""`make bench`: how Dossier holds up on 1k, 100k and 1M statements, against floors measured in the same run.

What is measured, per generated dossier (see `tests/bench/datasets.py`):

* **JSON Lines**: `dossier export --format jsonl` and `dossier import` of
  that file, time and peak memory, against their floors
  (`tests/bench/bench_jsonl.py`); with `--sizes 10m`, at ten million.
* **import**: `dossier import` of the dossier's JSON bundle into an empty
  file, as a process (start, validation, write, full-text index), against
  the floor: raw `sqlite3.executemany` of the same rows into the same schema
  in one transaction, plus one full-text rebuild; three of each, in turns,
  and their medians.
* **first screen**: process start to the first frame, and to the first
  screen with real rows (the heaviest actor's name on screen), for an empty
  Textual app (`tests/bench/empty_app.py`) and for `dossier browse`, driven
  in a real pseudo-terminal (`tests/bench/terminal.py`); the median of five
  launches each, made in rounds (each round launches every program once), so
  that the floor and the browser meet the same moments of a shared machine.
  **Memory**: the process's peak resident set (VmHWM) at the end.
* **key → repaint**: Down pressed 200 times on the heaviest actor's
  statements; each is timed from the write to the end of the last frame it
  caused (synchronized-output frames), median and p95.
* **hold then quit**: Down repeated 30 times a second for 5 s, then `q`:
  seconds until the process has exited.
* **notebook**: on the biggest dossier, `m` → its mark drawn, timed as Down
  is, and `b` → the notebook screen over 10,000 entries (`bench_notebook.py`).
* **live refresh**: on the biggest dossier, Down with the browser's poll of
  the file on and off, what one check costs, and how soon another
  connection's commit is on screen (`bench_live.py`, also runnable alone).
* **search screen** and **facet counts**: on the biggest dossier, in the
  browser in a real pty: `/` and a common, a mid and a rare word → the
  results drawn (after the screen's 150 ms wait for the next key), and `f`
  on the heaviest actor's statements → the first and all four facets'
  counts drawn (`bench_reading.py`).
* **search** and **panes**: `Store.search_page` for a common, a mid-frequency and
  a rare word, and each browser pane's first query, in process.
* **capture**: on the biggest dossier, a save of `e` on one statement, of
  `a` and of a revert, in process (`tests/bench/bench_capture.py`).
* **whole**: what once grew with the whole dossier (`bench_whole.py`): End
  in the heaviest speaker's statements, its facets, timeline and relations,
  the relations' first 20 pairs with their replies, in process; and
  `dossier relations`, `timeline --actor`, `search` and `chain` as whole
  processes. `--sizes 1m,10m` puts a 10M-statement dossier beside 1M (not
  part of the default sizes: generating it takes minutes and 3.4 GB).
* **draft**: precision and recall of the (speaker, quote) pairs `dossier draft`
  finds in the hand-labelled articles of `tests/draft/articles`, held-out and
  tuned apart, the seed article, and the time per 10 KB
  (`tests/bench/bench_draft.py`, also runnable alone).

Options let the harness follow the browser as it changes: `--marker`,
`--ref`, `--focus-keys`, `--key` (see `--help`). The table is printed and
written to `bench-results.md` (git-ignored) unless `--out` says otherwise.
Nothing here asserts: the "checks" lines compare the figures with the goals.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import textual

from dossier import generate, importer
from dossier.store import Store

from .datasets import SIZES, Dataset, cache_dir, dataset, json_bundle
from .empty_app import MARKER as EMPTY_MARKER
from .terminal import Terminal, key_bytes

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- figures


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.1f}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Screen:
    """One program in the terminal: first frame, first rows, memory, keys, quitting."""

    label: str
    first_frame: float | None = None
    first_rows: float | None = None
    peak_kib: int | None = None
    presses: list[float] = field(default_factory=list)
    missed: int = 0
    quit_after_hold: float | None = None
    note: str = ""
    launch_frames: list[float] = field(default_factory=list)
    """Seconds to the first frame, one per launch."""
    launch_rows: list[float] = field(default_factory=list)
    """Seconds to the first screen with rows, one per launch."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            self.lines.append(line)

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        self.add("| " + " | ".join(head) + " |", "|" + "---|" * len(head))
        for row in rows:
            self.add("| " + " | ".join(row) + " |")
        self.add("")


# --------------------------------------------------------------------------- import


def import_floor(source: Path, scratch: Path) -> tuple[float, int]:
    """Raw executemany of every row of `source` into a fresh schema, one transaction, one FTS rebuild."""
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    rows = {
        table: conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        for table, columns in importer.ROW_COLUMNS.items()
    }
    conn.close()
    target = scratch / "floor.db"
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.executescript(importer.schema_sql())
    conn.execute("PRAGMA foreign_keys = OFF")  # the floor checks nothing
    conn.execute(f"PRAGMA cache_size = {importer._BULK_CACHE}")  # the same page cache as the import
    conn.execute("DROP TRIGGER statements_fts_insert")  # the index is built once, below
    started = time.perf_counter()
    conn.execute("BEGIN")
    for table, columns in importer.ROW_COLUMNS.items():
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows[table])
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    target.unlink()
    return seconds, sum(len(r) for r in rows.values())


def timed_process(argv: list[str]) -> tuple[float, int | None, int]:
    """Run a command; (seconds, peak RSS in KiB, exit status).

    The peak is the child's VmHWM, read every 20 ms while it runs: the
    `ru_maxrss` of `wait4` would also count the memory of this process,
    which the child held between fork and exec.
    """
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak: int | None = None
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak or 0, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode:
        assert process.stderr is not None
        print(process.stderr.read().decode(errors="replace").strip(), file=sys.stderr)
    return seconds, peak, process.returncode


JSON_DOCUMENT_UP_TO = 1_000_000
"""Statements up to which the single-document JSON bundle is imported (1M peaks at ~1.8 GiB; 10M would need ~18)."""


def bench_import(
    report: Report, datasets: list[Dataset], scratch: Path, runs: int = 3
) -> dict[str, tuple[float, float]]:
    """Each dossier's import and its floor, `runs` times in turn (floor, import, floor, ...); medians.

    The floor of 1M rows took 12.0 to 15.3 s on this shared machine from one
    run to the next, so one of each could put the ratio anywhere between
    1.4× and 1.7×. In turns, both meet the same spells; the table gives the
    medians and the spread.
    """
    report.add("## Import", "")
    rows_out: list[list[str]] = []
    results: dict[str, tuple[float, float]] = {}
    for data in datasets:
        if data.statements > JSON_DOCUMENT_UP_TO:
            report.add(f"{data.name}: no single-document JSON import (its peak grows with it): see JSON Lines", "")
            continue
        bundle = json_bundle(data)
        floors: list[float] = []
        imports: list[float] = []
        peak: int | None = None
        status = 0
        for _ in range(runs):
            # Each timed write starts with the system's write-back done, so the last run's
            # file of a few hundred MiB, still being written out, cannot slow the next one
            # (the floor of 1M ranged 13.0-18.5 s in one run without this, 13.1-15.2 s with it).
            os.sync()
            floor, rows = import_floor(data.db, scratch)
            floors.append(floor)
            target = scratch / "import.db"
            target.unlink(missing_ok=True)
            importer.init_database(target, empty=True)
            os.sync()
            took, run_peak, run_status = timed_process(
                [sys.executable, "-m", "dossier", "import", str(bundle), "--db", str(target)]
            )
            target.unlink(missing_ok=True)
            imports.append(took)
            peak = max(peak or 0, run_peak or 0) or None
            status = status or run_status
        floor, seconds = statistics.median(floors), statistics.median(imports)
        results[data.name] = (seconds, floor)
        rows_out.append(
            [
                data.name,
                f"{data.generate_seconds:.1f}",
                f"{bundle.stat().st_size / 2**20:.0f}",
                f"{rows:,}",
                f"{floor:.2f} ({min(floors):.2f}-{max(floors):.2f})",
                f"{seconds:.2f} ({min(imports):.2f}-{max(imports):.2f})" + ("" if status == 0 else f" (exit {status})"),
                f"{seconds / floor:.2f}×",
                f"{rows / seconds:,.0f}",
                mib(peak),
            ]
        )
    report.table(
        [
            "size",
            "generate s",
            "bundle MiB",
            "rows",
            "floor s (executemany + FTS), median (range)",
            "dossier import s, median (range)",
            "÷ floor",
            "rows/s",
            "import peak MiB",
        ],
        rows_out,
    )
    return results


# --------------------------------------------------------------------------- the terminal


def launch_once(result: Screen, argv: list[str], marker: str, args: argparse.Namespace, *, keys: bool) -> None:
    """One launch of `argv`: the first frame and the first rows; with `keys`, also the keys, memory and quitting."""
    frames, rows = result.launch_frames, result.launch_rows
    with Terminal(argv, size=(args.columns, args.lines)) as term:
        frame = term.wait_for_frame(args.timeout)
        shown = term.wait_for_text(marker, args.timeout if frame is not None else 0.1)
        if frame is not None:
            frames.append(frame)
        if shown is not None:
            rows.append(shown)
        elif frame is not None:
            result.note = f"{marker!r} never shown"
        else:
            result.note = "no frame: " + term.screen_text()[-200:].strip().replace("\n", " ")
        if not keys or frame is None:
            if frame is not None:
                term.quit()
            return
        term.drain(quiet=0.2, limit=3.0)
        for name in args.focus_keys:
            term.press(key_bytes(name), settle=args.settle)
        for count in range(args.presses):
            press = term.press(key_bytes(args.key), settle=args.settle)
            if press.last_frame is None:
                result.missed += 1
                if count == 4 and result.missed == 5:
                    result.note += "; no repaint on key" if result.note else "no repaint on key"
                    break
            else:
                result.presses.append(press.last_frame)
        term.hold(key_bytes(args.key), args.hold)
        result.peak_kib = term.peak_rss_kib()
        result.quit_after_hold = term.quit()


def run_screens(programs: list[tuple[str, list[str], str]], args: argparse.Namespace) -> list[Screen]:
    """Launch every program `args.launches` times, in rounds: each round launches each program once.

    A shared machine changes speed from one second to the next (here the same
    import of Textual took 0.18 s or 0.29 s); in rounds, the empty app and the
    browser meet the same conditions, and a slow spell cannot fall on one of
    them only. The last round also takes the keys, memory and quitting.
    """
    results = [Screen(label) for label, _argv, _marker in programs]
    for launch in range(args.launches):
        last = launch == args.launches - 1
        for result, (_label, argv, marker) in zip(results, programs, strict=True):
            launch_once(result, argv, marker, args, keys=last)
    for result in results:
        result.first_frame = statistics.median(result.launch_frames) if result.launch_frames else None
        result.first_rows = statistics.median(result.launch_rows) if result.launch_rows else None
    return results


def bench_screens(report: Report, datasets: list[Dataset], args: argparse.Namespace) -> list[Screen]:
    report.add("## First screen, memory, keys", "")
    programs = [("empty Textual app", [sys.executable, "-m", "tests.bench.empty_app"], EMPTY_MARKER)]
    for data in datasets:
        ref = args.ref.format(slug=data.heaviest_slug)
        argv = [sys.executable, "-m", "dossier", "browse", str(data.db), *([ref] if ref else [])]
        marker = args.marker.format(name=data.heaviest_name, slug=data.heaviest_slug)
        programs.append((f"browse {data.name}", argv, marker))
    screens = run_screens(programs, args)
    floor = screens[0]
    rows = []
    for s in screens:
        ratio = (
            f"{s.first_rows / floor.first_rows:.2f}×"
            if s.first_rows is not None and floor.first_rows is not None
            else "—"
        )
        rows.append(
            [
                s.label,
                ms(s.first_frame),
                ms(s.first_rows),
                ratio,
                mib(s.peak_kib),
                ms(statistics.median(s.presses)) if s.presses else "—",
                ms(percentile(s.presses, 0.95)) if s.presses else "—",
                f"{len(s.presses)}/{len(s.presses) + s.missed}",
                ms(s.quit_after_hold),
                s.note,
            ]
        )
    report.table(
        [
            "program",
            "first frame ms",
            "first rows ms",
            "÷ empty",
            "peak MiB",
            "key median ms",
            "key p95 ms",
            "repainted",
            f"q after {args.hold:g} s held ms",
            "note",
        ],
        rows,
    )
    return screens


# --------------------------------------------------------------------------- the notebook


def bench_notebook_keys(report: Report, data: Dataset) -> dict[str, list[float]]:
    from .bench_notebook import ENTRIES, bench_notebook

    times = bench_notebook(data.db, data.heaviest_slug)
    report.add(f"## Notebook on {data.name}", "")
    report.table(
        ["key", "median ms", "p95 ms", "presses"],
        [
            [name, ms(statistics.median(values)), ms(percentile(values, 0.95)), str(len(values))]
            if values
            else [name, "—", "—", "0"]
            for name, values in (
                ("m → mark drawn, first frame", times["m first"]),
                ("m → mark drawn, last frame", times["m"]),
                (f"b → notebook of {ENTRIES:,}, first frame", times["b first"]),
                (f"b → notebook of {ENTRIES:,}, last frame", times["b last"]),
            )
        ],
    )
    return times


# --------------------------------------------------------------------------- search and facet screens


def bench_reading_screens(report: Report, data: Dataset, runs: int) -> dict[str, list[float]]:
    from .bench_reading import bench_reading

    words = {"common": generate.COMMON_WORD, "mid": generate.MID_WORD, "rare": generate.RARE_WORDS[0]}
    times = bench_reading(data.db, data.heaviest_slug, words, runs=runs)
    report.add(f"## Search and facet screens on {data.name} (pty)", "")
    labels = {
        **{f"search {label}": f"/ {word!r} → results drawn, after the 150 ms wait" for label, word in words.items()},
        **{f"counts {label}": f"/ {word!r} → statements' count drawn, after the wait" for label, word in words.items()},
        "facets first": f"f on {data.heaviest_slug}'s statements → first facet's counts drawn",
        "facets all": f"f on {data.heaviest_slug}'s statements → all four facets' counts drawn",
    }
    report.table(
        ["what", "median ms", "p95 ms", "runs"],
        [
            [labels[name], ms(statistics.median(values)), ms(percentile(values, 0.95)), str(len(values))]
            if values
            else [labels[name], "—", "—", "0"]
            for name, values in times.items()
        ],
    )
    return times


# --------------------------------------------------------------------------- the store


def timings(call: Callable[[], Any], runs: int) -> tuple[float, float, float, Any]:
    """(first call, median, p95) in seconds over `runs` more calls, and the first result."""
    started = time.perf_counter()
    result = call()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return first, statistics.median(times), percentile(times, 0.95), result


def bench_store(report: Report, datasets: list[Dataset], runs: int) -> None:
    report.add("## Search and panes (in process, `Store`)", "")
    rows = []
    for data in datasets:
        with Store.open(data.db) as store:
            _, heaviest = store.resolve(f"actor/{data.heaviest_slug}")
            measures = store.measures_page(heaviest, limit=100)
            with_consequences = next((m for m in measures if store.consequences_of(m.id, limit=1)), None)
            measure_id = with_consequences.id if with_consequences else (measures[0].id if measures else 1)

            def hits(word: str) -> tuple[Any, ...]:
                return store.search_page(word).hits

            cases: list[tuple[str, Callable[[], Any]]] = [
                (f"search common {generate.COMMON_WORD!r}", partial(hits, generate.COMMON_WORD)),
                (f"search mid {generate.MID_WORD!r}", partial(hits, generate.MID_WORD)),
                (f"search rare {generate.RARE_WORDS[0]!r}", partial(hits, generate.RARE_WORDS[0])),
                ("actors pane, first page", partial(store.actors_grouped, limit=100)),
                ("statements pane of the heaviest, first page", partial(store.statements_page, heaviest, limit=100)),
                ("statements pane of the heaviest, count", partial(lambda a: [store.statement_count(a)], heaviest)),
                ("measures pane of the heaviest, first page", partial(store.measures_page, heaviest, limit=100)),
                ("measures pane of the heaviest, count", partial(lambda a: [store.measures_for_count(a)], heaviest)),
                ("consequences of a measure", partial(store.consequences_of, measure_id)),
            ]
            for label, call in cases:
                first, median, p95, result = timings(call, runs)
                rows.append([data.name, label, str(len(result)), ms(first), ms(median), ms(p95)])
    report.table(["size", "query", "rows", "first ms", "median ms", "p95 ms"], rows)


def bench_views(report: Report, datasets: list[Dataset]) -> None:
    """The chain, timeline and relations screens' first screens (tests/bench/bench_views.py)."""
    from . import bench_views

    report.add("## Chain, timeline, relations: first screen (store query + rows)", "")
    rows = []
    for data in datasets:
        for label, median, p95 in bench_views.run(data.db):
            rows.append([data.name, label, f"{median:.1f}", f"{p95:.1f}"])  # run() gives milliseconds
    report.table(["size", "view", "median ms", "p95 ms"], rows)


def bench_whole(report: Report, datasets: list[Dataset], runs: int) -> None:
    """What once grew with the whole dossier: End, facets, one actor's views, and the commands (bench_whole.py)."""
    from . import bench_whole

    report.add("## Whole-dossier questions (in process, `Store`)", "")
    rows = []
    for data in datasets:
        for label, first, median, p95 in bench_whole.in_process(data.db, data.heaviest_slug, runs):
            rows.append([data.name, label, f"{first:.1f}", f"{median:.1f}", f"{p95:.1f}"])
    report.table(["size", "question", "first ms", "median ms", "p95 ms"], rows)
    report.add("## Commands as whole processes (`python -m dossier ...`, start-up included)", "")
    rows = []
    for data in datasets:
        for label, first, median in bench_whole.commands(data.db, data.heaviest_slug):
            rows.append([data.name, f"`dossier {label}`", f"{first:.2f}", f"{median:.2f}"])
    report.table(["size", "command", "first s", "median of 3 s"], rows)


# --------------------------------------------------------------------------- checks


def checks(
    report: Report, imports: dict[str, tuple[float, float]], screens: list[Screen], biggest: str, smallest: str
) -> None:
    """The goals, each with the figures it compares (no assertion: this is a report)."""
    report.add("## Checks", "")
    by_label = {s.label: s for s in screens}
    empty, big, small = (
        by_label.get("empty Textual app"),
        by_label.get(f"browse {biggest}"),
        by_label.get(f"browse {smallest}"),
    )

    def line(ok: bool | None, text: str) -> None:
        report.add(f"- {'PASS' if ok else 'n/a ' if ok is None else 'FAIL'} {text}")

    if empty and big:
        if big.first_rows is not None and empty.first_rows is not None:
            ratio = big.first_rows / empty.first_rows
            line(ratio <= 1.3, f"first screen with rows on {biggest}: {ratio:.2f}× the empty app (goal ≤ 1.3×)")
        else:
            line(None, f"first screen with rows on {biggest}: rows never shown ({big.note})")
        if big.peak_kib and empty.peak_kib:
            extra = (big.peak_kib - empty.peak_kib) / 1024
            line(extra <= 15, f"peak memory on {biggest}: empty app + {extra:.1f} MiB (goal ≤ +15 MiB)")
        if big.peak_kib and small and small.peak_kib:
            growth = big.peak_kib / small.peak_kib - 1
            line(growth <= 0.10, f"peak memory {biggest} vs {smallest}: {growth:+.1%} (goal within 10 %)")
        if big.presses:
            median, p95 = statistics.median(big.presses), percentile(big.presses, 0.95)
            line(
                median <= 0.016 and p95 <= 0.050,
                f"key → repaint on {biggest}: median {ms(median)} ms, p95 {ms(p95)} ms (goal ≤ 16 / ≤ 50 ms)",
            )
        else:
            line(None, f"key → repaint on {biggest}: no repaint measured ({big.note})")
        if big.quit_after_hold is not None:
            line(big.quit_after_hold <= 0.5, f"q after holding Down on {biggest}: {ms(big.quit_after_hold)} ms")
        else:
            line(False, f"q after holding Down on {biggest}: did not quit within 5 s")
    if biggest in imports:
        seconds, floor = imports[biggest]
        line(seconds <= 1.5 * floor, f"import of {biggest}: {seconds / floor:.2f}× the floor (goal ≤ 1.5×)")
    report.add("")


# --------------------------------------------------------------------------- main


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1k,100k,1m", help="comma-separated, of: " + ", ".join(SIZES) + " (10m: --sizes 1m,10m)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=None, help="where generated dossiers are kept")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.md", help="the report, as Markdown")
    parser.add_argument(
        "--skip",
        default="",
        help=(
            "comma-separated parts to skip: import, jsonl, screen, notebook, live, reading, store, views, whole,"
            " capture, draft"
        ),
    )
    parser.add_argument("--marker", default="{name}", help="text that means rows are on screen ({name}, {slug})")
    parser.add_argument("--ref", default="actor/{slug}", help="REF `dossier browse` opens at ('' for none)")
    parser.add_argument("--focus-keys", default="2", help="keys pressed before timing (default 2: the Statements pane)")
    parser.add_argument("--key", default="down", help="the key timed (down, up, tab, pagedown, or text)")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--settle", type=float, default=0.05, help="seconds without a frame that end a repaint")
    parser.add_argument("--hold", type=float, default=5.0, help="seconds Down is held before q")
    parser.add_argument("--import-runs", type=int, default=3, help="imports (and floors) per dossier, in turns")
    parser.add_argument("--launches", type=int, default=15, help="launches per program for the first screen, in rounds")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=20, help="repeats of each store query")
    parser.add_argument("--screen-runs", type=int, default=7, help="repeats of each search and of the facet screen")
    parser.add_argument("--columns", type=int, default=120)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args(argv)
    args.focus_keys = [k for k in args.focus_keys.split(",") if k]
    args.skip = {s for s in args.skip.split(",") if s}
    unknown = [s for s in args.sizes.split(",") if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r} (use {', '.join(SIZES)})")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    os.chdir(ROOT)  # `python -m tests.bench.empty_app` and `-m dossier` resolve from the checkout
    report = Report()
    cache = args.cache or cache_dir()
    names = args.sizes.split(",")
    load = os.getloadavg()
    report.add(
        "# Dossier benchmarks",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} CPUs · "
        f"load {load[0]:.2f} · Python {platform.python_version()} · SQLite {sqlite3.sqlite_version} · "
        f"Textual {textual.__version__} · terminal {args.columns}×{args.lines}",
        "",
    )
    datasets = []
    for name in names:
        started = time.perf_counter()
        data = dataset(name, args.seed, cache)
        where = "cached" if data.cached else f"generated in {time.perf_counter() - started:.1f} s"
        print(f"{name}: {data.db.name} ({where}); heaviest {data.heaviest_slug} ({data.heaviest_statements:,})")
        datasets.append(data)
    imports: dict[str, tuple[float, float]] = {}
    screens: list[Screen] = []
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as scratch:
        if "import" not in args.skip:
            imports = bench_import(report, datasets, Path(scratch), args.import_runs)
        if "jsonl" not in args.skip:
            from .bench_jsonl import bench_jsonl  # JSON Lines export and import, peak memory, floors

            bench_jsonl(report, datasets, Path(scratch), args.import_runs)
    if not {"import", "jsonl"} <= args.skip:
        # The imports above wrote gigabytes (10M: ~7 GB with their floors) that the kernel is
        # still writing back; launches timed meanwhile measured that writeback (1M's first
        # screen 1.57x just after the 10M import, 1.29x on its own). Opening a dossier does
        # not write: the screens are timed once the imports' writes are on the disk.
        os.sync()
    if "screen" not in args.skip:
        # An installed package has its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE
        # would compile dossier's modules (~50 ms) on every launch and time that instead.
        compileall.compile_dir(ROOT / "dossier", quiet=1)
        screens = bench_screens(report, datasets, args)
    notebook: dict[str, list[float]] = {}
    if "notebook" not in args.skip:
        notebook = bench_notebook_keys(report, datasets[-1])
    if "live" not in args.skip:
        from .bench_live import run as bench_live

        report.add(f"## Live refresh on {datasets[-1].name}", "", *bench_live(datasets[-1].db, args.presses), "")
    reading: dict[str, list[float]] = {}
    if "reading" not in args.skip:
        reading = bench_reading_screens(report, datasets[-1], args.screen_runs)
    if "store" not in args.skip:
        bench_store(report, datasets, args.runs)
    if "views" not in args.skip:
        bench_views(report, datasets)
    if "whole" not in args.skip:
        bench_whole(report, datasets, args.runs)
    if "capture" not in args.skip:
        from . import bench_capture  # a save of `e` on the biggest dossier (tests/bench/bench_capture.py)

        rows = bench_capture.run(datasets[-1].db)
        report.add(f"## Capture: saving an edit ({names[-1]})", "")
        report.table(
            ["save", "median ms", "p95 ms", "max ms"],
            [[what, f"{m:.1f}", f"{p:.1f}", f"{w:.1f}"] for what, m, p, w in rows],
        )
        edit = next(m for what, m, _, _ in rows if what.startswith("edit"))
        mark = "✓" if edit <= 200 else "✗"
        report.add(f"- {mark} an edit of one statement saved in ≤ 200 ms: {edit:.1f} ms median", "")
    if "draft" not in args.skip:
        from . import bench_draft  # quotes and speakers drafted from the labelled articles (tests/draft/articles)

        report.add(*bench_draft.report())
    checks(report, imports, screens, names[-1], names[0])
    if notebook:
        m, b = notebook["m"], notebook["b last"]
        report.add(
            f"- {'✓' if m and statistics.median(m) <= 0.016 else '✗'} notebook `m` on {names[-1]}: "
            f"{ms(statistics.median(m)) if m else '—'} ms median (goal ≤ 16)",
            f"- {'✓' if b and statistics.median(b) <= 0.2 else '✗'} notebook screen, 10,000 entries: "
            f"{ms(statistics.median(b)) if b else '—'} ms median (goal ≤ 200)",
            "",
        )
    if reading:
        searches = [(name, values) for name, values in reading.items() if name.startswith("search")]
        for name, values in searches:
            median = statistics.median(values) if values else None
            report.add(
                f"- {'✓' if median is not None and median <= 0.05 else '✗'} {name} screen on {names[-1]}: "
                f"{ms(median)} ms median after the wait (goal ≤ 50)"
            )
        counts = reading["facets all"]
        report.add(
            f"- facet counts of the heaviest actor's statements on {names[-1]}: "
            f"{ms(statistics.median(counts)) if counts else '—'} ms median (all four drawn)",
            "",
        )
    load = os.getloadavg()
    report.add(f"Load average at the end: {load[0]:.2f} (other processes share these CPUs).")
    args.out.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

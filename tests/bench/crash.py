"""kill -9 of `dossier import`, edit saves and notebook saves at 20+ random moments of each; how many files are intact.

`python -m tests.bench.crash [--points 24] [--seed 0] [--paths ...] ...`

Each path's import is first run to the end `--runs` times: its median time T
and the export after it are the references. Then, for each point, a fresh
copy of the file before is imported into and the process is sent SIGKILL at
a moment drawn uniformly from [0, T) (a seeded `random.Random`, so a run can
be repeated, or changed with `--seed`). Afterwards the file must open with
`dossier show` and the store with no step before, pass `PRAGMA
integrity_check` and the full-text indexes' check, and export exactly as
before or after the import (`tests/faults/killing.py`).

Paths:

* `bulk`: a generated dossier's JSON bundle (`--bulk-statements`) into a file
  made by `dossier init --empty`;
* `incremental`: `--incremental-statements` new statements, and a change to
  every actor and measure, into the default dossier (`dossier init`);
* `bulk-small-cache`, `incremental-small-cache`: the same imports with a 2 MiB
  page cache, so that changed pages reach the file all through the write
  rather than at COMMIT only: many more moments at which the file itself has
  been changed and must be rolled back from its journal.
* `edit`, `edit-small-cache`: the save of `e` (`dossier.capture.apply_text`,
  what the browser and `dossier edit` run once the editor is closed) of one
  statement of a generated dossier (`--edit-statements`), its text, role and
  stances changed. The save's transaction lasts milliseconds, so each kill
  is drawn from [0, 1.2 × its length) after the save's BEGIN (read from the
  process as it happens), not from the start of Python; with a 64 KiB page
  cache for the second, plus one kill instead of its COMMIT.
* `notebook-note`, `notebook-merge`, `notebook-merge-small-cache`: a notebook
  save killed (`tests/faults/notebook_killing.py`): one 90,000-character note
  saved over an older one, a merge of `--notebook-entries` entries in one
  transaction (`dossier notes import`), and the merge with a 64 KiB page
  cache. Kill moments are drawn from the save itself (from when the saving
  process has opened the notebook to the end of its save), plus one kill
  just before COMMIT for each. Each notebook must open with
  `Notebook.open` and no step before, pass `PRAGMA integrity_check`, and
  hold exactly the content before or after the save.

`--paths notebook` runs the three notebook paths only. The table counts, per
path: the points, the kills that came after the import had already exited,
the kills that left a hot journal (the file was being changed), the files
that held the old and the new dossier, and the files intact. Exit status 1
if any file was not intact, or a reader during an import broke, read no
round or did not see the new rows after it.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from dossier.generate import generate
from dossier.store import Store, StoreError
from tests.faults.killing import (
    Case,
    Point,
    bulk_case,
    dossier_argv,
    edit_case,
    incremental_case,
    kill_before_commit,
    run_edit_point,
    run_point,
    with_small_cache,
)
from tests.faults.notebook_killing import NotebookCase, NotebookPoint, kill_save, make_case

IMPORT_PATHS = ("bulk", "incremental", "bulk-small-cache", "incremental-small-cache")
EDIT_PATHS = ("edit", "edit-small-cache")
NOTEBOOK_PATHS = ("notebook-note", "notebook-merge", "notebook-merge-small-cache")
PATHS = IMPORT_PATHS + EDIT_PATHS + NOTEBOOK_PATHS


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.crash", description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=24, help="kills per path (default 24)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments (default 0)")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated, of: " + ", ".join(PATHS))
    parser.add_argument("--bulk-statements", type=int, default=100_000)
    parser.add_argument("--incremental-statements", type=int, default=4_000, help="stay ≤ 5,000: above, it is bulk")
    parser.add_argument("--edit-statements", type=int, default=20_000, help="the dossier an edit is saved into")
    parser.add_argument("--notebook-entries", type=int, default=4_000, help="entries a notebook merge saves")
    parser.add_argument("--runs", type=int, default=3, help="finished imports per path, to time it (the median)")
    parser.add_argument(
        "--window",
        choices=("run", "transaction"),
        default="run",
        help="draw kill moments from the whole run (default) or from BEGIN to the end of COMMIT only",
    )
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: kills, readers")
    parser.add_argument("--scratch", type=Path, default=None, help="where the files are made (default: a temp dir)")
    args = parser.parse_args(argv)
    args.paths = [p for part in args.paths.split(",") if part
                  for p in (NOTEBOOK_PATHS if part == "notebook" else (part,))]
    args.skip = {s for s in args.skip.split(",") if s}
    unknown = [p for p in args.paths if p not in PATHS]
    if unknown:
        parser.error(f"unknown path {unknown[0]!r} (use {', '.join(PATHS)})")
    return args


def run_notebook(args: argparse.Namespace, scratch: Path) -> list[tuple[NotebookCase, list[NotebookPoint]]]:
    """Each notebook path: a save timed `--runs` times, one kill just before COMMIT, `--points` random kills."""
    results: list[tuple[NotebookCase, list[NotebookPoint]]] = []
    folder = scratch / "notebook"
    for name in args.paths:
        if name not in NOTEBOOK_PATHS:
            continue
        mode = name.removeprefix("notebook-")
        case = make_case(folder, mode, runs=args.runs, entries=args.notebook_entries)
        print(f"{name}: a finished save takes {case.seconds:.3f} s (median of {args.runs})", flush=True)
        draw = random.Random(f"{args.seed}-{name}")
        points = [kill_save(case, -1.0, folder, precommit=True)]
        for index in range(0 if "kills" in args.skip else args.points):
            delay = draw.uniform(0.0, case.seconds)
            point = kill_save(case, delay, folder)
            points.append(point)
            flags = ("exited first " if point.exited_first else "") + ("hot journal " if point.journal_left else "")
            verdict = "intact" if point.intact else "NOT INTACT: " + "; ".join(point.problems)
            print(f"  {index + 1:2}/{args.points} kill at {delay:6.3f} s: {point.state:7} {flags}{verdict}", flush=True)
        results.append((case, points))
    return results


def notebook_table(results: list[tuple[NotebookCase, list[NotebookPoint]]]) -> list[str]:
    lines = [
        "| path | save s | points | exited before the kill | hot journal | old | new | intact |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case, points in results:
        lines.append(
            f"| notebook-{case.mode} | {case.seconds:.3f} | {len(points) - 1} (+1 just before COMMIT)"
            f" | {sum(p.exited_first for p in points)} | {sum(p.journal_left for p in points)}"
            f" | {sum(p.state == 'old' for p in points)} | {sum(p.state == 'new' for p in points)}"
            f" | {sum(p.intact for p in points)}/{len(points)} |"
        )
    total = sum(len(points) for _, points in results)
    intact = sum(p.intact for _, points in results for p in points)
    return [*lines, "", f"{intact} of {total} killed notebooks intact."]


def run(args: argparse.Namespace, scratch: Path) -> list[tuple[Any, list[Point]]]:
    results: list[tuple[Any, list[Point]]] = []
    base: dict[str, Case] = {}
    for name in args.paths:
        if name.startswith("edit"):
            results.append(run_edits(args, scratch, name))
            continue
        if name in NOTEBOOK_PATHS:
            continue
        kind = name.split("-")[0]
        folder = scratch / kind
        folder.mkdir(exist_ok=True)
        if kind not in base:
            started = time.perf_counter()
            if kind == "bulk":
                base[kind] = bulk_case(folder, args.bulk_statements, seed=args.seed, runs=args.runs)
            else:
                base[kind] = incremental_case(folder, args.incremental_statements, seed=args.seed + 1, runs=args.runs)
            print(
                f"{kind}: bundle {base[kind].bundle.stat().st_size / 2**20:.1f} MiB, "
                f"prepared in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        case = base[kind] if name == kind else with_small_cache(base[kind], folder, args.runs)
        began, committed = case.window
        print(
            f"{case.name}: a finished import takes {case.seconds:.2f} s (median of {args.runs});"
            f" its transaction ran from {began:.2f} s to {committed:.2f} s",
            flush=True,
        )
        draw = random.Random(f"{args.seed}-{name}-{args.window}")
        low, high = (began, committed) if args.window == "transaction" else (0.0, case.seconds)
        points = [kill_before_commit(case, folder)] if case.small_cache else []
        for index in range(0 if "kills" in args.skip else args.points):
            delay = draw.uniform(low, high)
            point = run_point(case, delay, folder)
            points.append(point)
            flags = "exited first " if point.exited_first else ""
            flags += "hot journal " if point.journal_left else "in the transaction " if point.in_transaction else ""
            verdict = "intact" if point.intact else "NOT INTACT: " + "; ".join(point.problems)
            print(f"  {index + 1:2}/{args.points} kill at {delay:6.3f} s: {point.state:7} {flags}{verdict}", flush=True)
        results.append((case, points))
    return results


def _read_until(opened: Store, stop: threading.Event, took: list[float], errors: list[str], broke: list[str]) -> None:
    """Read until `stop`; a round the store refuses is counted in `errors`, anything else ends the reader in `broke`."""
    try:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                opened.actors_grouped(limit=100)
                opened.search_page("embassy", limit=20)
                opened.summary()
            except StoreError as exc:
                errors.append(str(exc))
                continue
            took.append(time.perf_counter() - started)
    except Exception as exc:  # a reader that breaks is a failed measurement, said in the table
        broke.append(f"{type(exc).__name__}: {exc}")


def reader_figures(cases: list[Case], scratch: Path) -> tuple[list[str], bool]:
    """A store opened as the browser opens it, reading in a loop while a finished import runs into its file.

    Each round asks what a moving browser asks (the Actors pane, a search, the
    title bar's counts). Rounds are timed; a round that fails is counted. The
    lines, and whether every reader read through its import (at least one
    round, none broken) and then saw the new rows.
    """
    read_through = True
    lines = [
        "| path | import s | reader rounds | median ms | p95 ms | max ms | failed rounds | new rows seen after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        db = scratch / f"{case.name}-read.db"
        shutil.copyfile(case.base, db)
        took: list[float] = []
        errors: list[str] = []
        broke: list[str] = []
        stop = threading.Event()
        with Store.open(db, check_seconds=0) as opened:
            reader = threading.Thread(target=_read_until, args=(opened, stop, took, errors, broke))
            reader.start()
            started = time.perf_counter()
            try:
                done = subprocess.run(dossier_argv("import", str(case.bundle), "--db", str(db)), capture_output=True)
            finally:
                seconds = time.perf_counter() - started
                stop.set()
                reader.join()
            try:
                seen = done.returncode == 0 and bool(opened.resolve(case.show_ref))
            except StoreError:
                seen = False
        db.unlink()
        ordered = sorted(took) or [0.0]
        lines.append(
            f"| {case.name} | {seconds:.2f} | {len(took)} | {ordered[len(ordered) // 2] * 1000:.1f}"
            f" | {ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000:.1f}"
            f" | {ordered[-1] * 1000:.1f} | {len(errors)} | {'yes' if seen else 'NO'} |"
        )
        for error in sorted(set(errors))[:3]:
            lines.append(f"  failed: {error}")
        if broke or not took or not seen:
            read_through = False
            why = f"READER BROKE: {broke[0]}" if broke else "NO ROUND READ" if not took else "NEW ROWS NOT SEEN"
            lines.append(f"  {why}")
    return lines, read_through


def run_edits(args: argparse.Namespace, scratch: Path, name: str) -> tuple[Any, list[Point]]:
    """The kills of one edit path (see the module docstring)."""
    folder = scratch / name
    folder.mkdir(exist_ok=True)
    base = folder / "dossier.db"
    made = generate(base, statements=args.edit_statements, seed=args.seed, force=True)
    assert made.heaviest is not None
    conn = sqlite3.connect(base)
    (slug,) = conn.execute(
        "SELECT s.slug FROM statements s JOIN statement_measures m ON m.statement_id = s.id ORDER BY s.id LIMIT 1"
    ).fetchone()
    conn.close()
    case = edit_case(folder, base, f"statement/{slug}", runs=args.runs, small_cache=name.endswith("small-cache"))
    print(f"{name}: statement/{slug} of {args.edit_statements:,}; its save's transaction takes"
          f" {case.seconds * 1000:.1f} ms (median of {args.runs})", flush=True)
    draw = random.Random(f"{args.seed}-{name}")
    points = [run_edit_point(case, 0.0, folder, precommit=True)] if case.small_cache else []
    for index in range(0 if "kills" in args.skip else args.points):
        delay = draw.uniform(0.0, case.seconds * 1.2)
        point = run_edit_point(case, delay, folder)
        points.append(point)
        flags = "exited first " if point.exited_first else ""
        flags += "hot journal " if point.journal_left else "in the transaction " if point.in_transaction else ""
        verdict = "intact" if point.intact else "NOT INTACT: " + "; ".join(point.problems)
        at = f"{delay * 1000:6.1f} ms after BEGIN"
        print(f"  {index + 1:2}/{args.points} kill {at}: {point.state:7} {flags}{verdict}", flush=True)
    return case, points


def table(results: list[tuple[Any, list[Point]]]) -> list[str]:
    lines = [
        "| path | import s | transaction s | points | exited before the kill | killed in the transaction"
        " | of which hot journal | old | new | intact |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case, points in results:
        timed = [p for p in points if p.delay >= 0]
        extra = " (+1 just before COMMIT)" if len(timed) != len(points) else ""
        lines.append(
            f"| {case.name} | {case.seconds:.2f} | {_window(case)} | {len(timed)}{extra}"
            f" | {sum(p.exited_first for p in points)} | {sum(p.in_transaction for p in points)}"
            f" | {sum(p.journal_left for p in points)} | {sum(p.state == 'old' for p in points)}"
            f" | {sum(p.state == 'new' for p in points)} | {sum(p.intact for p in points)}/{len(points)} |"
        )
    total = sum(len(points) for _, points in results)
    intact = sum(p.intact for _, points in results for p in points)
    lines += ["", f"{intact} of {total} killed files intact."]
    return lines


def _window(case: Any) -> str:
    """The transaction's window in the import's run; an edit's save is timed from its BEGIN (its length)."""
    window = getattr(case, "window", None)
    return f"{window[0]:.2f}–{window[1]:.2f}" if window else f"0–{case.seconds:.3f} (after BEGIN)"


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    load = os.getloadavg()
    print(
        f"# kill -9 of dossier import, edits and notebook saves\n\n"
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · "
        f"{os.cpu_count()} CPUs · load {load[0]:.2f} · Python {platform.python_version()} · "
        f"SQLite {sqlite3.sqlite_version} · seed {args.seed} · kill moments drawn from the {args.window}\n",
        flush=True,
    )
    read_through = True
    with tempfile.TemporaryDirectory(prefix="dossier-crash-", dir=args.scratch) as scratch:
        results = run(args, Path(scratch))
        notebooks = run_notebook(args, Path(scratch))
        lines = table(results) if results else []
        if results and "readers" not in args.skip:
            plain = [case for case, _ in results if not case.small_cache and isinstance(case, Case)]
            reading, read_through = reader_figures(plain, Path(scratch))
            lines += ["", "## A reader during an import", "", *reading]
        if notebooks:
            lines += ["", "## Notebook saves", "", *notebook_table(notebooks)]
    print("\n" + "\n".join(lines))
    intact = all(p.intact for _, points in results for p in points)
    return 0 if intact and read_through and all(p.intact for _, points in notebooks for p in points) else 1


if __name__ == "__main__":
    sys.exit(main())

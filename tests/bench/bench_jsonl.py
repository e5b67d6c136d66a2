"""JSON Lines export and import at every size run (`make bench`; `--sizes 10m` for ten million statements).

Per generated dossier, in turns (floor, program, floor, program, ...), medians:

* **export**: `dossier export --format jsonl -o FILE` as a process, its time
  and peak resident set (VmHWM), against its floor: a bare `SELECT` of the
  same rows, table by table, each row written to a file as a JSON array by
  the same encoder (`export_floor`), no joins, no grouping, no escaping. Its
  columns are those the export writes (`EXPORT_FLOOR_COLUMNS`): a reference
  is the id stored (the export writes the slug, which needs a join), and a
  row's own id and a consequence's position, which the export does not
  write, are not read.
* **import**: `dossier import FILE.jsonl` into a file made by `dossier init
  --empty`, as a process, time and peak, against the import floor of
  `tests/bench/__main__.py` (raw `executemany` of the same rows plus one
  full-text rebuild). Above a million statements the floor reads its rows
  from the source file as it inserts them (holding ten million rows in
  Python would take ~4 GiB); `--floor-both` measures both floors at 1M, to
  show what the reading adds.

Also runnable alone: `python -m tests.bench.bench_jsonl --sizes 1m`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dossier import importer

from .datasets import SIZES, Dataset, cache_dir, dataset

STREAMED_FLOOR_ABOVE = 1_000_000
"""Statements above which the import floor streams its rows from the source instead of holding them."""


EXPORT_FLOOR_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(column for column in columns if column not in ("id", "position"))
    for table, columns in importer.ROW_COLUMNS.items()
}
"""What the export floor reads of each table: the columns of a row but its id and a consequence's position.

The export writes neither (a line has a slug, a consequence's place in its
measure is its order); reading them cost the floor ~15% more CPU at 1M.
"""


def export_floor(source: Path, target: Path) -> float:
    """A bare SELECT of every row of every table, each row written to `target` as a JSON array."""
    started = time.perf_counter()
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    # json's own C encoder, made once (`json.dumps` makes one a call): the cheapest JSON of a row there is.
    encode = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    with target.open("w", encoding="utf-8") as handle:
        write = handle.write
        for table, columns in EXPORT_FLOOR_COLUMNS.items():
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                write(encode(row, 0)[0])
                write("\n")
    conn.close()
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


def streamed_import_floor(source: Path, scratch: Path) -> float:
    """The import floor, its rows read from `source` as they are inserted (a cursor, not a list)."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    target = scratch / "floor.db"
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.executescript(importer.schema_sql())
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"PRAGMA cache_size = {importer._BULK_CACHE}")
    conn.execute("DROP TRIGGER statements_fts_insert")
    started = time.perf_counter()
    conn.execute("BEGIN")
    for table, columns in importer.ROW_COLUMNS.items():
        marks = ", ".join("?" * len(columns))
        rows = src.execute(f"SELECT {', '.join(columns)} FROM {table}")
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    src.close()
    target.unlink()
    return seconds


def _cpu(who: int) -> float:
    """User plus system CPU seconds of this process (`RUSAGE_SELF`) or of its waited-for children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _runs_for(data: Dataset, runs: int) -> int:
    return runs if data.statements <= STREAMED_FLOOR_ABOVE else 1


def bench_jsonl(
    report: Any,
    datasets: list[Dataset],
    scratch: Path,
    runs: int = 3,
    floor_both: bool = False,
    export_only: bool = False,
) -> dict[str, dict[str, float]]:
    """Export and import of each dossier as JSON Lines against their floors; the figures by size."""
    # `report` is the harness's Report (run as `python -m tests.bench` its class is `__main__.Report`).
    from .__main__ import import_floor, mib, timed_process

    report.add("## JSON Lines: export and import", "")
    rows_out: list[list[str]] = []
    results: dict[str, dict[str, float]] = {}
    for data in datasets:
        bundle = data.db.with_suffix(".bundle.jsonl")  # the first measured export makes it, if not cached
        count = runs if export_only else _runs_for(data, runs)
        streamed = data.statements > STREAMED_FLOOR_ABOVE
        export_floors, exports, import_floors, imports, held_floors = [], [], [], [], []
        floor_cpus, export_cpus = [], []
        export_peak = import_peak = 0
        status = 0
        for _ in range(count):
            os.sync()
            cpu = _cpu(resource.RUSAGE_SELF)
            export_floors.append(export_floor(data.db, scratch / "floor.jsonl"))
            floor_cpus.append(_cpu(resource.RUSAGE_SELF) - cpu)
            os.sync()
            cpu = _cpu(resource.RUSAGE_CHILDREN)
            took, peak, code = timed_process(
                [
                    sys.executable,
                    "-m",
                    "dossier",
                    "export",
                    "--db",
                    str(data.db),
                    "--format",
                    "jsonl",
                    "-o",
                    str(scratch / "out.jsonl"),
                ]  # fmt: skip
            )
            export_cpus.append(_cpu(resource.RUSAGE_CHILDREN) - cpu)
            if code == 0 and not bundle.exists():
                shutil.move(scratch / "out.jsonl", bundle)
            (scratch / "out.jsonl").unlink(missing_ok=True)
            exports.append(took)
            export_peak, status = max(export_peak, peak or 0), status or code
            if export_only:
                continue
            os.sync()
            if streamed or floor_both:
                import_floors.append(streamed_import_floor(data.db, scratch))
            if not streamed:
                held = import_floor(data.db, scratch)[0]
                (held_floors if floor_both else import_floors).append(held)
            target = scratch / "import.db"
            target.unlink(missing_ok=True)
            importer.init_database(target, empty=True)
            os.sync()
            took, peak, code = timed_process(
                [sys.executable, "-m", "dossier", "import", str(bundle), "--db", str(target)]
            )
            target.unlink(missing_ok=True)
            imports.append(took)
            import_peak, status = max(import_peak, peak or 0), status or code
        nan = float("nan")
        figures = {
            "export": statistics.median(exports),
            "export floor": statistics.median(export_floors),
            "export CPU": statistics.median(export_cpus),
            "export floor CPU": statistics.median(floor_cpus),
            "export peak MiB": export_peak / 1024,
            "import": statistics.median(imports) if imports else nan,
            "import floor": statistics.median(import_floors) if import_floors else nan,
            "import peak MiB": import_peak / 1024 if imports else nan,
        }
        if held_floors:
            figures["import floor held"] = statistics.median(held_floors)
        results[data.name] = figures
        floor_note = "streamed" if streamed or floor_both else "held"
        import_cells = (
            [
                f"{figures['import floor']:.1f} ({floor_note})"
                + (f", held {figures['import floor held']:.1f}" if held_floors else ""),
                f"{figures['import']:.1f} ({min(imports):.1f}-{max(imports):.1f})",
                f"{figures['import'] / figures['import floor']:.2f}×",
                mib(import_peak),
            ]
            if imports
            else ["-"] * 4
        )
        rows_out.append(
            [
                data.name,
                f"{bundle.stat().st_size / 2**20:,.0f}",
                str(count),
                f"{figures['export floor']:.1f} (CPU {figures['export floor CPU']:.1f})",
                f"{figures['export']:.1f} ({min(exports):.1f}-{max(exports):.1f}), CPU {figures['export CPU']:.1f}"
                + (f" (exit {status})" if status else ""),
                f"{figures['export'] / figures['export floor']:.2f}× (CPU"
                f" {figures['export CPU'] / figures['export floor CPU']:.2f}×)",
                mib(export_peak),
                *import_cells,
            ]
        )
    report.table(
        [
            "size",
            "bundle MiB",
            "runs",
            "export floor s (CPU)",
            "export s, median (range), CPU",
            "÷ floor (CPU)",
            "export peak MiB",
            "import floor s",
            "import s, median (range)",
            "÷ floor",
            "import peak MiB",
        ],
        rows_out,
    )
    for data in datasets:  # the goals are for big dossiers: at 1k the process's start is all there is
        name, f = data.name, results[data.name]
        if data.statements < 1_000_000:
            continue
        if not export_only:
            report.add(
                f"- {'PASS' if f['import'] <= 1.5 * f['import floor'] else 'FAIL'} JSON Lines import of {name}:"
                f" {f['import'] / f['import floor']:.2f}× the floor (goal ≤ 1.5×), peak {f['import peak MiB']:.0f} MiB"
                f" ({'PASS' if f['import peak MiB'] <= 400 else 'FAIL'}: goal ≤ 400 MiB)",
            )
        report.add(
            f"- {'PASS' if f['export'] <= 1.5 * f['export floor'] else 'FAIL'} JSON Lines export of {name}:"
            f" {f['export'] / f['export floor']:.2f}× the floor (goal ≤ 1.5×), peak {f['export peak MiB']:.0f} MiB"
            f" ({'PASS' if f['export peak MiB'] <= 200 else 'FAIL'}: goal ≤ 200 MiB)",
        )
    report.add("")
    return results


def main(argv: list[str] | None = None) -> int:
    from .__main__ import ROOT, Report

    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_jsonl", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m", help="comma-separated, of: " + ", ".join(SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="runs per size up to 1M (one above)")
    parser.add_argument("--floor-both", action="store_true", help="both import floors (held and streamed) up to 1M")
    parser.add_argument(
        "--export-only", action="store_true", help="only the export and its floor, --runs times at every size"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    report = Report()
    load = os.getloadavg()
    report.add(f"# JSON Lines benchmark ({time.strftime('%Y-%m-%d %H:%M')}, load {load[0]:.2f})", "")
    datasets = [dataset(name, args.seed, cache_dir()) for name in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="dossier-bench-", dir=cache_dir()) as scratch:
        bench_jsonl(report, datasets, Path(scratch), args.runs, args.floor_both, args.export_only)
    report.add(f"Load average at the end: {os.getloadavg()[0]:.2f}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

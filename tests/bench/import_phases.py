"""Where a JSON Lines import's memory goes: resident memory per phase of one `dossier import`.

    python -m tests.bench.import_phases BUNDLE.jsonl [--db TARGET.db]

Runs the import of `dossier import` in this process (into a new file made
as `dossier init --empty` makes it, unless `--db` names one) and marks its
phases by wrapping the importer's own steps: reading and validating lines,
writing batches, resolving references, building the statement indexes, the
full-text rebuild, the summaries' refill, the entity index, the foreign-key
check and the commit. A thread samples the resident set every 20 ms; at the
end of each phase the process's peak (VmHWM) and SQLite's own memory
(`sqlite3_memory_used`, `sqlite3_memory_highwater`, read through ctypes from
the library the `sqlite3` module uses) are read too, so the phase that
raised the peak is named whether or not a sample caught it.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dossier import importer, jsonl_import


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])  # KiB
    return out


class _Sqlite:
    """SQLite's own allocator counters, when the library can be found (else zeros)."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("sqlite3")
        self.lib = ctypes.CDLL(name) if name else None
        if self.lib is not None:
            self.lib.sqlite3_memory_used.restype = ctypes.c_int64
            self.lib.sqlite3_memory_highwater.restype = ctypes.c_int64
            self.lib.sqlite3_memory_highwater.argtypes = [ctypes.c_int]

    def used(self) -> int:
        return int(self.lib.sqlite3_memory_used()) if self.lib else 0

    def highwater(self) -> int:
        """The highest since the last call (which resets it)."""
        return int(self.lib.sqlite3_memory_highwater(1)) if self.lib else 0


class Phases:
    def __init__(self) -> None:
        self.sqlite = _Sqlite()
        self.started = time.perf_counter()
        self.rows: list[dict[str, Any]] = []
        self.name = "start"
        self.since = self.started
        self.rss_max = 0
        self.lock = threading.Lock()
        self.sqlite.highwater()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.02):
            rss = _status()["VmRSS"]
            with self.lock:
                self.rss_max = max(self.rss_max, rss)

    def mark(self, name: str) -> None:
        """End the current phase, begin `name` (a phase entered again adds to its row)."""
        if name == self.name:
            return
        now = time.perf_counter()
        status = _status()
        with self.lock:
            rss_max, self.rss_max = max(self.rss_max, status["VmRSS"]), status["VmRSS"]
        row = next((r for r in self.rows if r["phase"] == self.name), None)
        if row is None:
            row = {"phase": self.name, "seconds": 0.0, "rss_max": 0, "hwm": 0, "sqlite_high": 0, "sqlite_end": 0}
            self.rows.append(row)
        row["seconds"] += now - self.since
        row["rss_max"] = max(row["rss_max"], rss_max)
        row["hwm"] = status["VmHWM"]
        row["sqlite_high"] = max(row["sqlite_high"], self.sqlite.highwater() // 1024)
        row["sqlite_end"] = self.sqlite.used() // 1024
        self.name, self.since = name, now

    def table(self) -> str:
        lines = [
            "| phase | s | RSS max MiB | peak after MiB | SQLite high MiB | SQLite after MiB |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in self.rows:
            lines.append(
                f"| {r['phase']} | {r['seconds']:.1f} | {r['rss_max'] / 1024:.0f} | {r['hwm'] / 1024:.0f}"
                f" | {r['sqlite_high'] / 1024:.0f} | {r['sqlite_end'] / 1024:.0f} |"
            )
        return "\n".join(lines)


def _wrap(owner: Any, attr: str, phases: Phases, name: str, after: str | None = None) -> None:
    inner = getattr(owner, attr)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        before = phases.name
        phases.mark(name)
        try:
            return inner(*args, **kwargs)
        finally:
            phases.mark(after or before)

    setattr(owner, attr, wrapped)


def instrument(phases: Phases) -> None:
    """Wrap the importer's steps so each marks its phase (for this process only)."""
    reader = jsonl_import.LineReader
    batches = reader.batches

    def marked_batches(self: Any) -> Iterator[Any]:
        for batch in batches(self):
            phases.mark("parse+validate")  # the next batch is read while this mark holds
            yield batch
            phases.mark("parse+validate")

    def reading(self: Any) -> Iterator[Any]:
        phases.mark("parse+validate")
        return marked_batches(self)

    reader.batches = reading  # type: ignore[method-assign]
    _wrap(jsonl_import.StreamWriter, "take", phases, "insert", after="parse+validate")
    _wrap(jsonl_import.StreamWriter, "finish", phases, "references", after="fk check+record")
    defer = importer._defer_bulk_indexes

    def deferring(conn: Any, *args: Any) -> Callable[[], None]:
        finish = defer(conn, *args)

        def finishing() -> None:
            phases.mark("statement indexes")
            finish()
            phases.mark("entity index")

        return finishing

    importer._defer_bulk_indexes = deferring  # type: ignore[assignment]
    _wrap(importer, "rebuild_statement_index", phases, "fts rebuild", after="statement indexes")
    _wrap(importer, "refill", phases, "summaries refill", after="statement indexes")
    _wrap(importer, "record_import", phases, "fk check+record", after="commit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.import_phases", description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--db", type=Path, help="import into this file (default: a new empty dossier, removed after)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=INT",
        help="set a constant of dossier.jsonl_import or dossier.importer for this run (e.g. FINISH_CACHE_KIB=16384)",
    )
    args = parser.parse_args(argv)
    for setting in args.set:
        name, value = setting.split("=", 1)
        owner = jsonl_import if hasattr(jsonl_import, name) else importer
        if not hasattr(owner, name):
            parser.error(f"no constant {name!r}")
        setattr(owner, name, int(value))
        print(f"{owner.__name__}.{name} = {value}")
    phases = Phases()
    instrument(phases)
    with tempfile.TemporaryDirectory(prefix="dossier-phases-", dir=args.bundle.parent) as scratch:
        target = args.db or Path(scratch) / "import.db"
        if args.db is None:
            importer.init_database(target, empty=True)
        phases.mark("open")
        started = time.perf_counter()
        report = jsonl_import.import_paths(target, [args.bundle])
        phases.mark("done")
        seconds = time.perf_counter() - started
    phases.stop.set()
    print(phases.table())
    print(f"\n{report.summary()}; {seconds:.1f} s; peak {_status()['VmHWM'] / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

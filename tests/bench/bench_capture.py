"""Saving an edit on a big dossier: `e` on one statement, then save, timed in process.

What is timed is the save itself (`dossier.capture.apply_text`): its own
write connection, the document parsed and validated, the references looked
up, the entity and its children written and compared, the audit trail row,
COMMIT (synced to disk). The document is the statement's own, with its
speaker's role changed in turn to one of two values, so that every save
writes. The first save of the process is shown apart: it loads the
bundle models and the YAML reader, which the browser has not loaded before
(the median is of the saves after it). An addition (a new statement from
the template) and a revert are timed the same way. The dossier is a copy, migrated to the current schema
first (not timed).

    python -m tests.bench.bench_capture [--db PATH] [--runs N]

Without `--db`, the 1M dossier of `tests/bench/datasets.py` (generated once,
cached).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from dossier.capture import apply_text, document_text, prepare_for_write, revert_edit, template
from dossier.store import Store

ROLES = ("Deputy Minister (bench A)", "Deputy Minister (bench B)")


def _ms(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


def run(db: Path, runs: int = 30) -> list[tuple[str, float, float, float]]:
    """(what, median ms, p95 ms, max ms) for an edit, an addition and a revert on a copy of `db`."""
    with tempfile.TemporaryDirectory(prefix="dossier-bench-capture-") as scratch:
        copy = Path(scratch) / "dossier.db"
        shutil.copyfile(db, copy)
        prepare_for_write(copy)  # schema 3, after a backup copy: once, not timed
        for backup in Path(scratch).glob("*.bak"):
            backup.unlink()
        # The copy's pages on disk before timing: otherwise the first COMMIT's fsync writes the
        # whole fresh copy (measured: one save of 3-6 s among 30).
        with copy.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.sync()  # and the backup copy's pages, written and deleted, out of the way
        conn = sqlite3.connect(copy)
        (statement_id, speaker) = conn.execute(
            "SELECT s.id, a.slug FROM statements s JOIN actors a ON a.id = s.speaker_id"
            " WHERE s.id = (SELECT max(id) / 2 FROM statements)"
        ).fetchone()
        conn.close()
        with Store.open(copy, check_seconds=0) as store:
            kind, slug, text = document_text(store, "statement", statement_id)
        edits: list[float] = []
        for n in range(runs):
            role = ROLES[n % 2]
            lines = [line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("speaker_role:")]
            at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("speaker:")) + 1
            lines.insert(at, f"  speaker_role: {role}\n")
            started = time.perf_counter()
            saved = apply_text(copy, "".join(lines), expect=(kind, slug), file="bench.yaml")
            edits.append(time.perf_counter() - started)
            assert saved.changed
        adds: list[float] = []
        last_add = 0
        for n in range(max(runs // 3, 3)):
            doc = template("statement", actor=speaker).replace("    text:\n", f"    text: A bench quote, {n}.\n")
            started = time.perf_counter()
            saved = apply_text(copy, doc, mode="add", file="bench.yaml")
            adds.append(time.perf_counter() - started)
            last_add = saved.edit_id or 0
        reverts: list[float] = []
        for edit_id in range(last_add, last_add - max(runs // 3, 3), -1):
            started = time.perf_counter()
            revert_edit(copy, edit_id)
            reverts.append(time.perf_counter() - started)
    first = edits.pop(0) * 1000
    return [
        ("the first save of the process (modules loaded, caches cold)", first, first, first),
        ("edit one statement (e, save)", *_ms(edits)),
        ("add a statement (a, save)", *_ms(adds)),
        ("revert an addition", *_ms(reverts)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="the dossier (default: the bench's 1M, cached)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    db = args.db
    if db is None:
        from .datasets import cache_dir, dataset

        db = dataset("1m", 0, cache_dir()).db
    with Store.open(db, check_seconds=0) as store:
        statements = store.summary().counts["statements"]
    print(f"{db.name}: {statements:,} statements")
    print("| save | median ms | p95 ms | max ms |\n|---|---|---|---|")
    for what, median, p95, worst in run(db, args.runs):
        print(f"| {what} | {median:.1f} | {p95:.1f} | {worst:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

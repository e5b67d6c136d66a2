"""kill -9 of a notebook save at chosen moments, and what the notebook file holds afterwards.

Shared by the few points of `make test` (`test_kill_notebook.py`) and the full
run (`python -m tests.bench.crash --paths notebook-note,notebook-merge,...`).
A save is what the browser and `dossier notes import` do, run by the real
`dossier.notebook.Notebook` in a process of its own:

* **note**: one note of 90,000 characters saved over an entry's older note
  (`Notebook.save_note`, what `n` then `Ctrl+S` does);
* **merge**: 4,000 entries merged in one transaction, half of them newer
  versions of entries already there (`Notebook.merge`, what
  `dossier notes import` does);
* **merge-small-cache**: the same with a 64 KiB page cache, so that changed
  pages reach the file before COMMIT and a kill leaves a hot journal to roll back.

The saving process prints `ready` once it has opened the notebook, then saves
once and exits; kill moments are measured from `ready`, so they fall on the
save, not on Python starting. Its clock is fixed (`_now`), so the content
after a finished save is the same every time. After each kill the notebook
must open with `Notebook.open` and no step before (what the browser and
`dossier notes` do), pass `PRAGMA integrity_check`, and export exactly as
before or after the save.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.notebook import Notebook

DOSSIER = "0f0e0d0c-0000-4000-8000-00000000beef"
FIXED_NOW = "2026-12-06T00:00:00+00:00"
MODES = ("note", "merge", "merge-small-cache")

_SAVER = """
import json, os, signal, sqlite3, sys, time

path, mode, payload = sys.argv[1], sys.argv[2], sys.argv[3]

class Connection(sqlite3.Connection):
    def execute(self, sql, *args):
        if sql.strip().upper() == "COMMIT" and "precommit" in mode:
            os.kill(os.getpid(), signal.SIGKILL)  # every row written, the commit never comes
        return super().execute(sql, *args)

connect = sqlite3.connect
sqlite3.connect = lambda *args, **kwargs: connect(*args, factory=Connection, **kwargs)

from pathlib import Path
import dossier.notebook as nb
nb._now = lambda: FIXED_NOW  # the content after a save is the same every run
book = nb.Notebook.open(Path(path))
if "small-cache" in mode:
    book.conn.execute("PRAGMA cache_size = -64")
data = json.loads(Path(payload).read_text(encoding="utf-8"))
print("ready", flush=True)
if mode.startswith("note"):
    book.save_note(data["dossier"], data["kind"], data["slug"], data["note"], expected=data["expected"])
else:
    book.merge(data)
print("saved", flush=True)
""".replace("FIXED_NOW", repr(FIXED_NOW))


def _entry(n: int, note: str, updated: str) -> dict[str, Any]:
    return {
        "dossier": DOSSIER,
        "kind": "statement",
        "slug": f"statement-{n}",
        "label": f"Statement {n}",
        "marked": n % 3 == 0,
        "note": note,
        "tags": [f"tag-{n % 7}"],
        "version": 1,
        "updated": updated,
    }


@dataclass(frozen=True)
class NotebookCase:
    """One kind of save: the notebook before, what is saved, and the exports to compare with."""

    mode: str
    base: Path
    payload: Path
    before: str
    after: str
    seconds: float
    """The median time from `ready` to the end of the save (a finished run): kill moments are drawn from it."""


def export(path: Path) -> str:
    """The whole notebook as `dossier notes export --format json` writes an entry list (every dossier)."""
    with Notebook.open(path) as book:
        return json.dumps(book.export_json(), ensure_ascii=False, sort_keys=True)


def saver_argv(notebook: Path, mode: str, payload: Path) -> list[str]:
    return [sys.executable, "-c", _SAVER, str(notebook), mode, str(payload)]


def make_case(folder: Path, mode: str, runs: int = 3, entries: int = 4_000) -> NotebookCase:
    """The notebook before (300 entries with notes), the save's payload, and `runs` finished saves, timed."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"{mode}-before.db"
    base.unlink(missing_ok=True)
    with Notebook.open(base) as book:
        book.merge({"notebook": 2, "entries": [_entry(n, f"note {n} " * 20, "2026-01-01T00:00:00+00:00")
                                               for n in range(300)]})
    if mode.startswith("note"):
        data: dict[str, Any] = {"dossier": DOSSIER, "kind": "statement", "slug": "statement-7",
                                "note": "new words " * 9_000, "expected": 1}
    else:
        data = {"notebook": 2, "entries": [_entry(n, f"merged note {n} " * 30, "2026-06-01T00:00:00+00:00")
                                           for n in range(150, 150 + entries)]}
    payload = folder / f"{mode}-payload.json"
    payload.write_text(json.dumps(data), encoding="utf-8")
    before = export(base)
    times = []
    finished = folder / f"{mode}-finished.db"
    after = ""
    for _ in range(runs):
        shutil.copyfile(base, finished)
        process = subprocess.Popen(saver_argv(finished, mode, payload), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None
        if process.stdout.readline() != b"ready\n":
            raise AssertionError(f"the saver did not start: {process.communicate()[1].decode()[-300:]}")
        started = time.perf_counter()
        process.stdout.readline()
        times.append(time.perf_counter() - started)
        _, err = process.communicate()
        if process.returncode != 0:
            raise AssertionError(f"the save failed: {err.decode()[-300:]}")
        now = export(finished)
        if after and now != after:
            raise AssertionError("two finished saves left different notebooks: the comparison would mean nothing")
        after = now
    finished.unlink()
    if before == after:
        raise AssertionError(f"{mode}: the save changes nothing, so a kill could not be seen")
    return NotebookCase(mode, base, payload, before, after, statistics.median(times))


@dataclass
class NotebookPoint:
    """What one kill did and what the notebook held afterwards."""

    mode: str
    delay: float
    exited_first: bool = False
    journal_left: bool = False
    """A hot `-journal` was beside the file after the kill: the save had begun to change it."""
    state: str = "?"
    """"old", "new" or "neither"."""
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems and self.state in ("old", "new")


def _hot_journal(path: Path) -> bool:
    try:
        with open(f"{path}-journal", "rb") as journal:
            return journal.read(1) not in (b"", b"\0")
    except FileNotFoundError:
        return False


def check_notebook(case: NotebookCase, path: Path, point: NotebookPoint) -> None:
    """Open with no step before, integrity_check, and the export compared; what fails goes to `point.problems`."""
    point.journal_left = _hot_journal(path)
    try:
        exported = export(path)  # the first to open it: Notebook.open, as the browser and `dossier notes` do
    except Exception as exc:  # any failure to open is a finding, not a crash of the harness
        point.problems.append(f"Notebook.open: {exc}")
        return
    if _hot_journal(path):
        point.problems.append("a hot -journal is still beside the notebook after it was opened")
    conn = sqlite3.connect(path)
    try:
        (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            point.problems.append(f"integrity_check: {verdict}")
    except sqlite3.DatabaseError as exc:
        point.problems.append(f"integrity_check: {exc}")
    finally:
        conn.close()
    point.state = "old" if exported == case.before else "new" if exported == case.after else "neither"
    if point.state == "neither":
        point.problems.append("the notebook holds neither the content before the save nor the content after it")


def kill_save(case: NotebookCase, delay: float, scratch: Path, *, precommit: bool = False) -> NotebookPoint:
    """One save into a fresh copy of the notebook, SIGKILLed `delay` seconds after it began; then every check."""
    path = scratch / f"{case.mode}-killed.db"
    for leftover in (path, Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(case.base, path)
    point = NotebookPoint(case.mode, delay)
    mode = f"{case.mode},precommit" if precommit else case.mode
    process = subprocess.Popen(saver_argv(path, mode, case.payload), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    if process.stdout.readline() != b"ready\n":
        process.kill()
        point.problems.append(f"the saver did not start: {process.communicate()[1].decode()[-300:]}")
        return point
    if not precommit:
        time.sleep(delay)
        point.exited_first = process.poll() is not None
        if not point.exited_first:
            os.kill(process.pid, signal.SIGKILL)
    _, err = process.communicate()
    if precommit and process.returncode != -signal.SIGKILL:
        reason = f"exit {process.returncode}: {err.decode()[-300:]}"
        point.problems.append(f"the save was not killed before COMMIT ({reason})")
    if point.exited_first and process.returncode != 0:
        point.problems.append(f"the save exited {process.returncode} before the kill: {err.decode()[-300:]}")
    check_notebook(case, path, point)
    if point.exited_first and point.state != "new":
        point.problems.append("the save finished before the kill but the notebook does not hold it")
    for leftover in (path, Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    return point

"""The notebook on the biggest dossier: `m` → its mark on screen, and `b` with 10,000 entries → the notebook screen.

Measured as the Down key is (`tests/bench/terminal.py`): `dossier browse` in
a real pseudo-terminal, each key timed from its write to the end of the last
frame it caused. `m` is pressed on the heaviest actor's first statement,
marking and unmarking it in turn; `b` opens the notebook screen over a
notebook holding 10,000 entries on this dossier (marked, noted, tagged with
one of 20 tags), then Escape closes it. Medians of each.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from dossier.notebook import Notebook
from dossier.store import Store

from .terminal import Terminal, key_bytes

ENTRIES = 10_000
TAGS = 20
OPEN_SETTLE = 0.2
"""Seconds without a frame that end `b`'s press. A screen opening may draw again well after its first
frame (a second layout; the browser's footer rebuilt under it came ~100 ms later), which the keys'
50 ms would miss; the text box's cursor first blinks 0.5 s after the screen is up, which this stops
short of while the last frame comes within 0.3 s."""


def fill_notebook(path: Path, db: Path, entries: int = ENTRIES) -> None:
    """A notebook of `entries` entries on the dossier `db`: its first statements, each marked, noted and tagged."""
    with Store.open(db) as store:
        identity = store.identity()
    conn = sqlite3.connect(db)
    try:
        slugs = [row[0] for row in conn.execute("SELECT slug FROM statements ORDER BY id LIMIT ?", (entries,))]
    finally:
        conn.close()
    with Notebook.open(path) as book, book.lock:
        book.conn.execute("BEGIN IMMEDIATE")
        book.db.table("entries").insert_all(
            (
                {
                    "dossier": identity,
                    "kind": "statement",
                    "slug": slug,
                    "label": f"Statement {slug}",
                    "marked": 1,
                    "note": f"Note on {slug}: why it matters.",
                    "tags": f'["tag-{n % TAGS:02d}"]',
                    "version": 1,
                    "updated": "2026-01-01T00:00:00+00:00",
                }
                for n, slug in enumerate(slugs)
            ),
            batch_size=1000,
        )
        book.conn.execute("COMMIT")


def bench_notebook(
    db: Path, heaviest_slug: str, *, presses: int = 60, opens: int = 15, settle: float = 0.05
) -> dict[str, list[float]]:
    """Times in seconds: `m` (last frame), `b` (first and last frame) and Escape back."""
    times: dict[str, list[float]] = {"m first": [], "m": [], "b first": [], "b last": []}
    with tempfile.TemporaryDirectory(prefix="dossier-bench-notebook-") as scratch:
        notebook = Path(scratch) / "notebook.db"
        fill_notebook(notebook, db)
        env = dict(os.environ, DOSSIER_NOTEBOOK=str(notebook))
        argv = [sys.executable, "-m", "dossier", "browse", str(db), f"actor/{heaviest_slug}"]
        with Terminal(argv, size=(120, 40), env=env) as term:
            term.wait_for_frame(30)
            term.drain(quiet=0.5, limit=5.0)
            term.press(key_bytes("2"), settle=settle)
            term.drain(quiet=0.3, limit=3.0)
            for _ in range(presses):
                press = term.press(key_bytes("m"), settle=settle)
                if press.first_frame is not None and press.last_frame is not None:
                    times["m first"].append(press.first_frame)
                    times["m"].append(press.last_frame)
            term.drain(quiet=0.5, limit=5.0)  # the saves
            for _ in range(opens):
                press = term.press(key_bytes("b"), settle=OPEN_SETTLE)
                if press.first_frame is not None and press.last_frame is not None:
                    times["b first"].append(press.first_frame)
                    times["b last"].append(press.last_frame)
                term.press(key_bytes("escape"), settle=settle)
                term.drain(quiet=0.3, limit=3.0)  # the browser drawn again: none of its frames counted as b's
            term.quit()
    return times


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f}" if values else "—"


if __name__ == "__main__":  # python -m tests.bench.bench_notebook DB SLUG
    figures = bench_notebook(Path(sys.argv[1]), sys.argv[2])
    for name, values in figures.items():
        print(f"{name}: median {median_ms(values)} ms of {len(values)}")

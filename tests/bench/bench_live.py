"""Live refresh on a big dossier: what the poll costs a key, what one check costs, how soon a commit shows.

`python -m tests.bench.bench_live --db BIG.db [--presses 200] [--rounds 2]` (also a part of `make bench`)

The dossier is copied to a scratch folder first: the browser only reads it,
but the last figure commits a change into the copy. Figures:

* **key → repaint, poll on / off**: `dossier browse COPY actor/HEAVIEST` in a
  real pseudo-terminal (`terminal.py`), Down pressed `--presses` times in the
  Statements pane, each timed from the write to the end of the last frame it
  caused; the browser runs with `DOSSIER_LIVE_SECONDS` at 0.5 (the default)
  and at 0 (no poll), in alternating rounds so that both meet the same
  moments of a shared machine. Median and p95.
* **one check**: `Store.data_version()` and `Store.file_change()` in process,
  the work the poll's worker does every half second (median of 2,000).
* **commit → on screen**: a statement of the heaviest actor changed by
  another connection while the browser shows it; seconds from the COMMIT to
  the new text on the screen (the poll's half second included), median of 5.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from dossier.store import Store

from .terminal import Terminal, key_bytes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def heaviest(db: Path) -> tuple[str, str, int]:
    """The actor with the most statements: slug, name, count (one pass over the speaker index)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        speaker, count = conn.execute(
            "SELECT speaker_id, count(*) FROM statements GROUP BY speaker_id ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        slug, name = conn.execute("SELECT slug, name FROM actors WHERE id = ?", (speaker,)).fetchone()
    finally:
        conn.close()
    return str(slug), str(name), int(count)


def browse(db: Path, slug: str, seconds: str, size: tuple[int, int]) -> Terminal:
    env = {**os.environ, "DOSSIER_LIVE_SECONDS": seconds, "DOSSIER_NOTEBOOK": "off"}
    return Terminal([sys.executable, "-m", "dossier", "browse", str(db), f"actor/{slug}"], size=size, env=env)


def key_times(db: Path, slug: str, name: str, seconds: str, presses: int, size: tuple[int, int]) -> list[float]:
    """Down in the Statements pane, each press timed to its last frame."""
    times: list[float] = []
    with browse(db, slug, seconds, size) as term:
        if term.wait_for_text(name, 60.0) is None:
            raise RuntimeError(f"the browser never showed {name!r}: {term.screen_text()[-200:]!r}")
        term.drain(quiet=0.3, limit=5.0)
        term.press(key_bytes("2"))
        for _ in range(presses):
            press = term.press(key_bytes("down"))
            if press.last_frame is not None:
                times.append(press.last_frame)
        term.quit()
    return times


def check_cost(db: Path) -> tuple[float, float]:
    """Microseconds for one `data_version()` and one `file_change()`, medians of 2,000."""
    with Store.open(db, check_seconds=0) as store:
        out = []
        for call in (store.data_version, store.file_change):
            took = []
            for _ in range(2_000):
                started = time.perf_counter()
                call()
                took.append(time.perf_counter() - started)
            out.append(statistics.median(took) * 1e6)
    return out[0], out[1]


def commit_to_screen(db: Path, slug: str, name: str, size: tuple[int, int], runs: int = 5) -> list[float]:
    """Seconds from another connection's COMMIT to its new text on the browser's screen."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        (newest,) = conn.execute(
            "SELECT s.id FROM statements s JOIN actors a ON a.id = s.speaker_id WHERE a.slug = ?"
            " ORDER BY s.said DESC, s.id DESC LIMIT 1",
            (slug,),
        ).fetchone()
        took: list[float] = []
        with browse(db, slug, "0.5", size) as term:
            if term.wait_for_text(name, 60.0) is None:
                raise RuntimeError(f"the browser never showed {name!r}")
            term.drain(quiet=0.3, limit=5.0)
            for run in range(runs):
                marker = f"Live{run}x{time.time_ns() % 10**6}"  # short: the row must show it whole
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE statements SET text = ? WHERE id = ?", (marker, newest))
                conn.execute("COMMIT")
                committed = time.perf_counter()
                deadline = committed + 30.0
                while marker not in term.screen_text() and time.perf_counter() < deadline:
                    term.read(0.01)
                if marker in term.screen_text():
                    took.append(time.perf_counter() - committed)
            term.quit()
    finally:
        conn.close()
    return took


def run(db: Path, presses: int = 200, rounds: int = 2, size: tuple[int, int] = (120, 40)) -> list[str]:
    """Every figure, as Markdown lines; the dossier at `db` is copied, never changed."""
    with tempfile.TemporaryDirectory(prefix="dossier-live-") as scratch:
        copy = Path(scratch) / "live.db"
        shutil.copyfile(db, copy)
        slug, name, count = heaviest(copy)
        on: list[float] = []
        off: list[float] = []
        for _ in range(rounds):
            on += key_times(copy, slug, name, "0.5", presses, size)
            off += key_times(copy, slug, name, "0", presses, size)
        version_us, change_us = check_cost(copy)
        shown = commit_to_screen(copy, slug, name, size)
    def ms(values: list[float], share: float | None = None) -> str:
        if not values:
            return "—"
        value = statistics.median(values) if share is None else percentile(values, share)
        return f"{value * 1000:.1f}"

    return [
        f"Dossier: {db.name}, heaviest actor {slug} ({count:,} statements); terminal {size[0]}×{size[1]}",
        "",
        "| poll | key median ms | key p95 ms | repainted |",
        "|---|---|---|---|",
        f"| every 0.5 s (default) | {ms(on)} | {ms(on, 0.95)} | {len(on)}/{presses * rounds} |",
        f"| off (`DOSSIER_LIVE_SECONDS=0`) | {ms(off)} | {ms(off, 0.95)} | {len(off)}/{presses * rounds} |",
        "",
        f"One check in process: `data_version()` {version_us:.1f} µs, `file_change()` {change_us:.1f} µs (medians).",
        f"Commit → new text on screen: median {ms(shown)} ms, max {ms(shown, 1.0)} ms ({len(shown)}/5 seen).",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_live", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the dossier (copied first, never changed)")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    print("\n".join(run(args.db, args.presses, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

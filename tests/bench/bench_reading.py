"""The browser's search screen and facet screen on the biggest dossier, timed in a real pseudo-terminal.

Measured as the Down key is (`tests/bench/terminal.py`): one `dossier browse`
at the heaviest actor, keys written to its pty, each timed from its write to
the frame that shows what it asked for.

* **search**: `/`, then a word written at once (as a paste or a fast typist
  would), until the results' title says they are drawn ("every kind"). The
  screen waits `DEBOUNCE` (150 ms) after the last key before it searches, on
  purpose; the figure the budget speaks of is the time after that wait
  (typed → drawn, minus the wait). A kind with more hits than its share
  read is drawn with "… more" and no number, counted in a worker once the
  screen is drawn: `counts LABEL` is the time until the statements' count is
  drawn too (also less the wait). `Ctrl+U` then clears the query and Escape
  closes the screen, so the next `/` opens an empty one.
* **facets**: `2` (the Statements pane), then `f`, until the first facet's
  counts are drawn and until all four are ("Enter keeps a value"); Escape.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from dossier.screens.search import DEBOUNCE

from .terminal import Terminal, key_bytes

SEARCHED = "every kind"
"""The results' title once the hits of a search are drawn (`SearchScreen._show_hits`)."""
COUNTED_HITS = "Statements · "
"""The statements' heading once their count is drawn (`SearchScreen._show_counts`, or at once)."""
COUNTED = "Enter keeps a value"
"""The facet screen's status once every facet is counted (`FacetScreen.count_facets`)."""


def _wait_new(term: Terminal, since: int, text: str, sent: float, timeout: float) -> float | None:
    """Seconds from `sent` until `text` is in what was drawn after byte `since` of the output."""
    end = sent + timeout
    while True:
        drawn = term.output[since:].decode("utf-8", "replace")
        if text in _plain(drawn):
            return time.perf_counter() - sent
        if time.perf_counter() >= end or term.process.poll() is not None:
            return None
        term.read(min(0.02, max(0.0, end - time.perf_counter())))


def _plain(drawn: str) -> str:
    from .terminal import _ESCAPES

    return _ESCAPES.sub(b"", drawn.encode("utf-8", "replace")).decode("utf-8", "replace")


def bench_reading(
    db: Path, heaviest_slug: str, words: dict[str, str], *, runs: int = 7, timeout: float = 10.0
) -> dict[str, list[float]]:
    """Seconds per run: `search LABEL` (after the debounce) for each word, `facets first`, `facets all`."""
    times: dict[str, list[float]] = {f"search {label}": [] for label in words}
    times.update({f"counts {label}": [] for label in words})
    times.update({"facets first": [], "facets all": []})
    argv = [sys.executable, "-m", "dossier", "browse", str(db), f"actor/{heaviest_slug}"]
    with Terminal(argv, size=(120, 40)) as term:
        term.wait_for_frame(30)
        term.drain(quiet=0.5, limit=5.0)
        term.press(key_bytes("2"), settle=0.1)
        term.drain(quiet=0.5, limit=5.0)
        for _ in range(runs):
            for label, word in words.items():
                term.press(key_bytes("/"), settle=0.1)
                term.drain(quiet=0.2, limit=2.0)
                since = len(term.output)
                sent = time.perf_counter()
                term.write(word.encode())
                took = _wait_new(term, since, SEARCHED, sent, timeout)
                if took is not None:
                    times[f"search {label}"].append(max(0.0, took - DEBOUNCE))
                    counted = _wait_new(term, since, COUNTED_HITS, sent, timeout)
                    if counted is not None:
                        times[f"counts {label}"].append(max(0.0, counted - DEBOUNCE))
                term.drain(quiet=0.2, limit=2.0)
                term.press(b"\x15", settle=0.1)  # Ctrl+U: the next `/` opens an empty search
                term.drain(quiet=0.3, limit=2.0)
                term.press(key_bytes("escape"), settle=0.1)
                term.drain(quiet=0.2, limit=2.0)
            since = len(term.output)
            sent = time.perf_counter()
            term.write(b"f")
            first = _wait_new(term, since, "year", sent, timeout)
            every = _wait_new(term, since, COUNTED, sent, timeout)
            if first is not None and every is not None:
                times["facets first"].append(first)
                times["facets all"].append(every)
            term.drain(quiet=0.2, limit=2.0)
            term.press(key_bytes("escape"), settle=0.1)
            term.drain(quiet=0.3, limit=2.0)
        term.quit()
    return times


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f}" if values else "—"


if __name__ == "__main__":  # python -m tests.bench.bench_reading DB SLUG
    from dossier import generate

    figures = bench_reading(
        Path(sys.argv[1]),
        sys.argv[2],
        {"common": generate.COMMON_WORD, "mid": generate.MID_WORD, "rare": generate.RARE_WORDS[0]},
    )
    for name, values in figures.items():
        print(f"{name}: median {median_ms(values)} ms of {len(values)}")

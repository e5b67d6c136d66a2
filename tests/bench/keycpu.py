"""The CPU one browser spends on a key, as in the SSH lecture hall: `python -m tests.bench.keycpu`.

`python -m tests.bench.keycpu [--pattern hall|walk] [--presses 200] [--rounds 3] [--python PATH] [--side-by-side]`

One `dossier browse` of the seed dossier (made by `dossier init`) in a real
pty of 100x30, the hall's size. Keys are pressed every 100 ms, as a typist of
the hall does: `hall` is the hall's `j`/`k` between the first two actors,
`walk` ten actors down and ten up (a Statements pane whose scroll bar comes
and goes lays the screen out again). Reported per press: the CPU time (user +
system, all threads) of the browser's process, the frames and bytes it wrote,
and the first frame's p50; with the load average before and after.

The hall's own figure (`tests/bench/hall.py`) is the CPU of 48 browsers at
once on a loaded machine; this one is the same work in one browser, for
comparing code: `--python PATH` (a virtual environment of another checkout)
runs in turns with this interpreter, `--rounds` times. The browser runs as
`python -I` (as a served one does), so each interpreter imports its own
checkout, not the current directory's (a copy of `.venv` whose
`_editable_impl_dossier.pth` names the other checkout; a link to this
`.venv` would import this checkout twice). Nothing asserts.

Run one after the other, the same code varies by ±15 % from one minute to
the next on a shared machine. `--side-by-side` runs this interpreter and
the first `--python` at once, each in its pty, and presses each in turn
every 50 ms (each still every 100 ms), so both meet the same machine; it
reports each one's CPU a press (every thread's run time from
`/proc/PID/task/*/schedstat`, in nanoseconds) and their ratio, which
varies by ±1.5 % from round to round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.terminal import SYNC_END, Terminal

SIZE = (100, 30)
TITLE = "US-Russia"
INTERVAL = 0.1


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def key_for(pattern: str, count: int) -> bytes:
    if pattern == "hall":
        return b"j" if count % 2 == 0 else b"k"
    return b"j" if (count // 10) % 2 == 0 else b"k"


def run_once(python: str, db: Path, pattern: str, presses: int) -> str:
    load = os.getloadavg()[0]
    with Terminal([python, "-I", "-m", "dossier", "browse", str(db)], size=SIZE) as term:
        if term.wait_for_text(TITLE, 30) is None:
            return f"| {python} | no first screen |"
        term.drain(quiet=0.5, limit=3)
        start_bytes, start_frames = len(term.output), bytes(term.output).count(SYNC_END)
        start_cpu = cpu_seconds(term.process.pid)
        firsts: list[float] = []
        for count in range(presses):
            began = time.perf_counter()
            press = term.press(key_for(pattern, count), settle=0.0, timeout=0.5)
            if press.first_frame is not None:
                firsts.append(press.first_frame)
            while (left := INTERVAL - (time.perf_counter() - began)) > 0:
                term.read(left)
        term.drain(quiet=0.2, limit=3)
        used = cpu_seconds(term.process.pid) - start_cpu
        out = bytes(term.output)
        frames = out.count(SYNC_END) - start_frames
        term.quit()
    first = statistics.median(firsts) * 1000 if firsts else float("nan")
    return (
        f"| {python} | {pattern} | {presses} | {used * 1000 / presses:.2f} | {frames / presses:.2f} "
        f"| {(len(out) - start_bytes) / presses:.0f} | {first:.1f} | {load:.1f} → {os.getloadavg()[0]:.1f} |"
    )


def run_in_turns(pythons: list[str], db: Path, pattern: str, presses: int) -> str:
    """Both browsers at once, a press in each in turn: their CPU a press (schedstat) and the second's ratio."""
    terms = [Terminal([python, "-I", "-m", "dossier", "browse", str(db)], size=SIZE) for python in pythons]
    try:
        for term in terms:
            if term.wait_for_text(TITLE, 30) is None:
                return f"| {term.argv[0]} | no first screen |"
            term.drain(quiet=0.5, limit=3)
        start = [run_ns(term.process.pid) for term in terms]
        for count in range(presses):
            for term in terms:
                began = time.perf_counter()
                term.press(key_for(pattern, count), settle=0.0, timeout=0.5)
                while (left := INTERVAL / len(terms) - (time.perf_counter() - began)) > 0:
                    for each in terms:
                        each.read(left / len(terms))
        for term in terms:
            term.drain(quiet=0.2, limit=3)
        ends = [run_ns(term.process.pid) for term in terms]
        used = [(end - begin) / 1e6 / presses for begin, end in zip(start, ends, strict=True)]
    finally:
        for term in terms:
            term.quit()
            term.__exit__()
    ratio = used[1] / used[0]
    return f"| {pattern} | {presses} | {used[0]:.2f} | {used[1]:.2f} | {ratio:.3f} | {os.getloadavg()[0]:.1f} |"


def run_ns(pid: int) -> int:
    """Nanoseconds every thread of `pid` has run (`/proc/PID/task/*/schedstat`)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as f:
            total += int(f.read().split()[0])
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", choices=["hall", "walk"], default="hall")
    parser.add_argument("--presses", type=int, default=200, help="keys per run (at most 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each interpreter, in turn (at most 10)")
    parser.add_argument("--python", action="append", default=[], help="also run this interpreter, in turn")
    parser.add_argument("--side-by-side", action="store_true", help="run with the first --python at once, in turns")
    args = parser.parse_args(argv)
    presses = max(1, min(args.presses, 2000))
    rounds = max(1, min(args.rounds, 10))
    if args.side_by_side:
        if not args.python:
            parser.error("--side-by-side needs --python")
        print(f"| keys | presses | CPU ms a press: {sys.executable} | {args.python[0]} | ratio | load |")
        print("|---|---|---|---|---|---|")
        with tempfile.TemporaryDirectory(prefix="dossier-keycpu-") as tmp:
            db = Path(tmp) / "seed.db"
            subprocess.run([sys.executable, "-m", "dossier", "init", str(db)], check=True, capture_output=True)
            for _ in range(rounds):
                print(run_in_turns([sys.executable, args.python[0]], db, args.pattern, presses), flush=True)
        return
    print("| python | keys | presses | CPU ms a press | frames a press | bytes a press | first frame p50 ms | load |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="dossier-keycpu-") as tmp:
        db = Path(tmp) / "seed.db"
        subprocess.run([sys.executable, "-m", "dossier", "init", str(db)], check=True, capture_output=True)
        for _ in range(rounds):
            for python in [sys.executable, *args.python]:
                print(run_once(python, db, args.pattern, presses), flush=True)


if __name__ == "__main__":
    main()

"""A lecture hall over SSH: many real OpenSSH clients on one `dossier serve ssh`, some typing, timed.

`python -m tests.bench.hall [--sessions 48] [--typists 12] [--probes 20] [--seconds 300] [--mode fork|spawn|both]
[--python PATH] [--abuse]`

Everything runs on loopback and is bounded in count and time. The server is
`dossier serve ssh` as a process (its limits raised only where the hall needs
it: `--max-sessions`), the seed dossier made by `dossier init`; each viewer is
a stock `ssh -tt` in a pseudo-terminal of its own, connecting from a loopback
address of its own (127.0.1.K, so per-address limits stay at their defaults).
The harness reads every terminal all the time (a real terminal does), and
answers Textual's synchronized-output query, so each frame ends with
`CSI ? 2026 l`.

What is measured, per run:

* **connect → first screen**: `ssh` started to the dossier's title on
  screen; sessions are opened one after another (each waits for the one
  before), so the last one meets all the others; then once more while the
  typists type.
* **PSS per session**: with every session open and idle, the proportional
  set size of the server's whole process tree (server, its helper, every
  browser; shared pages counted once), less the tree's before any session,
  divided by the sessions; the server process's own RSS beside it.
* **key → screen**: the typists press `j`/`k` every 100 ms; meanwhile the
  idle sessions are probed in turn, one press at a time (the same keys, on
  the same screen): the write to the end of the last frame it caused (no
  frame for 50 ms after it), as `tests/bench/terminal.py` times a press.
  Every idle session is probed `--probes` times (20: its p95 is then the
  second slowest of 20, not the larger of the 2-3 presses a 20-second round
  gave it), the least probed first, for at most `--seconds`. A typist's
  presses are timed too, each to the first frame after it (frames matched to
  presses in order; a browser that draws one frame a press makes that the
  whole screen). Reported: p50/p95 over all probes; each session's p95 (the
  idle ones from their probes, the typists from their presses) as min /
  median / max; the worst is the goal's "in every session".
  `--probes 0` probes in turn for `--seconds` as the first hall did (each
  idle session a few presses), for figures comparable with those.
* **CPU per key**: the CPU time (user + system) of the server's tree while
  probing, divided by the presses made meanwhile (the typists' and the
  probes'); the browsers' share (the tree less the server process) and the
  `ssh` clients' beside it; and the frames the terminals got per press.

`--python PATH` runs the server (and so every browser) with another
interpreter, e.g. a virtual environment holding an older checkout: old and
new code then run in alternating rounds, in the same minutes.

`--abuse` then runs, with `--sessions`/`--typists` open, each misbehaving
client of docs/serving.md in turn (from 127.0.2.K), and reports the probes'
p95 and the tree's memory during each, the server's log lines for it, and
whether a new client still gets its first screen after it.

Nothing asserts; the figures go to stdout (a Markdown table) and to `--out`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dossier.serve import TreeMemory as Memory
from dossier.serve import tree_memory, tree_pids
from tests.serve.test_serve_ssh_hall import KNOWN_HOSTS, NO_CONFIG  # the clients' own files, not /dev/null

SYNC_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
TITLE = "US-Russia diplomat expulsions, 2021"
"""What the seed dossier's first screen shows."""
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_][^\x1b]*\x1b\\|\x1b.")
SIZE = (100, 30)
CONNECT_TIMEOUT = 20.0
SETTLE = 0.05


def ssh_argv(port: int, source: str) -> list[str]:
    return [
        "ssh",
        "-F",
        NO_CONFIG,
        "-tt",
        "-p",
        str(port),
        "-b",
        source,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        f"UserKnownHostsFile={KNOWN_HOSTS}",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentityAgent=none",
        "-o",
        "PubkeyAuthentication=no",
        "viewer@127.0.0.1",
    ]


# ------------------------------------------------------------------ memory of a process tree


def cpu_seconds(root: int) -> tuple[float, float]:
    """CPU time (user + system) used so far by `root` itself and by its whole tree, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    own = total = 0.0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / ticks
        total += used
        if pid == root:
            own = used
    return own, total


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


# ------------------------------------------------------------------ one viewer


@dataclass
class Viewer:
    """A stock `ssh -tt` client in a pty of its own, read all the time."""

    port: int
    source: str
    loop: asyncio.AbstractEventLoop
    reading: bool = True
    started: float = 0.0
    first_screen: float | None = None
    frames: int = 0
    last_frame: float = 0.0
    received: int = 0
    _tail: bytes = b""
    _plain: str = ""
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    typed: deque[float] = field(default_factory=deque)
    typed_latencies: list[float] = field(default_factory=list)
    presses: int = 0
    """Keys sent so far (typed or probed)."""
    probes: int = 0
    """Probe presses so far: they alternate j and k across rounds, so the cursor never runs off the list."""
    size: tuple[int, int] = SIZE

    def start(self) -> None:
        self.master, slave = os.openpty()
        columns, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color", "HOME": os.environ["HOME"]}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            ssh_argv(self.port, self.source),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        os.set_blocking(self.master, False)
        self.loop.add_reader(self.master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self.master, 1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.loop.remove_reader(self.master)
            self._changed.set()
            return
        now = time.perf_counter()
        self.received += len(data)
        joined = self._tail + data
        if SYNC_QUERY in joined:
            with contextlib.suppress(OSError):
                os.write(self.master, SYNC_REPLY)
        count = joined.count(SYNC_END) - self._tail.count(SYNC_END)
        if count:
            self.frames += count
            self.last_frame = now
            if self.typed:
                self.typed_latencies.append(now - self.typed.popleft())
                while len(self.typed) > 3:  # a press that drew nothing is not waited for
                    self.typed.popleft()
        if self.first_screen is None:
            self._plain = (self._plain + _ESCAPES.sub(b"", joined).decode("utf-8", "replace"))[-4000:]
            if TITLE in self._plain:
                self.first_screen = now - self.started
        self._tail = joined[-16:]
        self._changed.set()

    def stop_reading(self) -> None:
        if self.reading:
            self.loop.remove_reader(self.master)
            self.reading = False

    async def wait_first_screen(self, timeout: float = CONNECT_TIMEOUT) -> float | None:
        deadline = time.perf_counter() + timeout
        while self.first_screen is None and time.perf_counter() < deadline:
            if self.process.poll() is not None:
                return None
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), deadline - time.perf_counter())
        return self.first_screen

    def send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, data)

    async def probe(self, key: bytes, timeout: float = 2.0) -> float | None:
        """Write a key; seconds to the end of the last frame it caused (None: no frame within `timeout`)."""
        frames = self.frames
        sent = time.perf_counter()
        self.send(key)
        self.presses += 1
        deadline = sent + timeout
        while self.frames == frames:
            if time.perf_counter() > deadline:
                return None
            await asyncio.sleep(0.002)
        while time.perf_counter() - self.last_frame < SETTLE and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        return self.last_frame - sent

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.loop.remove_reader(self.master)
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        with contextlib.suppress(OSError):
            os.close(self.master)


# ------------------------------------------------------------------ the server


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    lines: list[str]
    loop: asyncio.AbstractEventLoop

    @classmethod
    async def start(cls, db: Path, state: Path, extra: list[str], python: str = sys.executable) -> Server:
        argv = [python, "-m", "dossier", "serve", "ssh", "--db", str(db), "--port", "0"]
        argv += ["--state-dir", str(state), *extra]
        # Started outside the checkout: `python -m` puts the working directory first on the import path, and the
        # dossier imported must be the interpreter's own (`--python`).
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, cwd=state.parent
        )
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        loop = asyncio.get_running_loop()
        server = cls(process, 0, [], loop)
        buffer = bytearray()

        def read() -> None:
            assert process.stdout is not None
            try:
                data = os.read(process.stdout.fileno(), 65536)
            except BlockingIOError:
                return
            if not data:
                loop.remove_reader(process.stdout.fileno())
                return
            buffer.extend(data)
            while b"\n" in buffer:
                line, _, rest = bytes(buffer).partition(b"\n")
                buffer[:] = rest
                server.lines.append(line.decode("utf-8", "replace"))

        loop.add_reader(process.stdout.fileno(), read)
        deadline = time.perf_counter() + 30
        while not server.port:
            for line in server.lines:
                if m := re.search(r" on 127\.0\.0\.1:(\d+)", line):
                    server.port = int(m[1])
            if process.poll() is not None or time.perf_counter() > deadline:
                raise SystemExit("the server did not start:\n" + "\n".join(server.lines))
            await asyncio.sleep(0.05)
        if "--no-prefork" not in extra:  # sessions are spawned until the helper has loaded the browser
            while not any("forks ready" in line for line in server.lines):
                if process.poll() is not None or time.perf_counter() > deadline + 30:
                    raise SystemExit("the helper did not get ready:\n" + "\n".join(server.lines))
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        return server

    def memory(self) -> Memory:
        return tree_memory(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ------------------------------------------------------------------ a run


@dataclass
class Hall:
    server: Server
    viewers: list[Viewer]
    typists: list[Viewer]
    idle: list[Viewer]


async def open_hall(server: Server, sessions: int, typists: int) -> tuple[Hall, list[float]]:
    loop = asyncio.get_running_loop()
    viewers: list[Viewer] = []
    connects: list[float] = []
    for k in range(sessions):
        viewer = Viewer(server.port, f"127.0.1.{k + 1}", loop)
        viewer.start()
        viewers.append(viewer)
        took = await viewer.wait_first_screen()
        if took is None:
            raise SystemExit(f"session {k + 1} got no first screen:\n" + "\n".join(server.lines[-5:]))
        connects.append(took)
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    return Hall(server, viewers, viewers[:typists], viewers[typists:]), connects


async def type_keys(typists: list[Viewer], stop: asyncio.Event) -> None:
    """Every typist presses j, then k, ... every 100 ms (staggered), until `stop`."""
    if not typists:
        await stop.wait()
        return
    step = 0.1 / len(typists)
    start = time.perf_counter()
    n = 0
    while not stop.is_set():
        viewer = typists[n % len(typists)]
        key = b"j" if (n // len(typists)) % 2 == 0 else b"k"
        viewer.typed.append(time.perf_counter())
        viewer.send(key)
        viewer.presses += 1
        n += 1
        delay = start + n * step - time.perf_counter()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)


async def probe_round(idle: list[Viewer], seconds: float) -> dict[int, list[float]]:
    """Press j/k in the idle sessions in turn, one at a time, for `seconds`; latencies per session."""
    return await probe_sessions(idle, 0, seconds)


async def probe_sessions(idle: list[Viewer], probes: int, seconds: float) -> dict[int, list[float]]:
    """Press j/k in the idle sessions in turn, one at a time, the least probed first: until each has had
    `probes` presses (0: no count) or `seconds` have passed. Latencies per session (2 s: no frame)."""
    samples: dict[int, list[float]] = {}
    end = time.perf_counter() + seconds
    n = 0
    order = sorted(range(len(idle)), key=lambda i: idle[i].probes)  # the least probed first, across rounds
    while time.perf_counter() < end and idle:
        if probes and n >= probes * len(order):
            break
        index = order[n % len(order)]
        viewer = idle[index]
        took = await viewer.probe(b"j" if viewer.probes % 2 == 0 else b"k")
        viewer.probes += 1
        samples.setdefault(index, []).append(took if took is not None else 2.0)
        n += 1
        await asyncio.sleep(0.02)
    return samples


def client_cpu_seconds(viewers: list[Viewer]) -> float:
    """CPU time (user + system) used so far by the viewers' `ssh` processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = 0.0
    for viewer in viewers:
        try:
            with open(f"/proc/{viewer.process.pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used += (int(fields[11]) + int(fields[12])) / ticks
    return used


@dataclass
class Figures:
    mode: str
    sessions: int
    typists: int
    load_before: str
    load_after: str = ""
    connect_last: float = 0.0
    connect_max: float = 0.0
    connect_median: float = 0.0
    connect_loaded: float | None = None
    pss_per_session_kib: float = 0.0
    pss_total_kib: int = 0
    rss_total_kib: int = 0
    server_rss_kib: int = 0
    base_pss_kib: int = 0
    p50: float = 0.0
    p95: float = 0.0
    worst_session_p95: float = 0.0
    """The largest of the sessions' p95s (idle sessions from their probes, typists from their presses)."""
    session_p95_min: float = 0.0
    session_p95_median: float = 0.0
    idle_worst_p95: float = 0.0
    """The largest p95 among the idle (probed) sessions alone: what the first hall called the worst session."""
    probes_per_session: int = 0
    """The fewest probes any idle session got."""
    probing_seconds: float = 0.0
    probes: int = 0
    typed_p50: float = 0.0
    typed_p95: float = 0.0
    server_cores: float = 0.0
    """CPU used by the server process itself while probing, in cores (1.0: one core all the time)."""
    tree_cores: float = 0.0
    presses: int = 0
    """Keys pressed while probing, typed and probed."""
    cpu_ms_per_key: float = 0.0
    """The server's tree's CPU time while probing, per key pressed."""
    browser_cpu_ms_per_key: float = 0.0
    """The same less the server process itself: the browsers (and the helper, idle)."""
    client_cpu_ms_per_key: float = 0.0
    """The `ssh` clients' CPU time per key pressed (on this machine too)."""
    frames_per_key: float = 0.0


async def run_load(
    db: Path, mode: str, sessions: int, typists: int, probes: int, seconds: float, python: str = sys.executable
) -> Figures:
    figures = Figures(mode, sessions, typists, load())
    with tempfile.TemporaryDirectory(prefix="hall-") as tmp:
        extra = ["--max-sessions", str(sessions + 4)]
        if mode == "spawn":
            extra.append("--no-prefork")
        server = await Server.start(db, Path(tmp) / "state", extra, python)
        hall: Hall | None = None
        try:
            base = server.memory()
            figures.base_pss_kib = base.pss_kib
            hall, connects = await open_hall(server, sessions, typists)
            figures.connect_last = connects[-1]
            figures.connect_max = max(connects)
            figures.connect_median = statistics.median(connects)
            memory = server.memory()
            figures.pss_total_kib = memory.pss_kib
            figures.rss_total_kib = memory.rss_kib
            figures.server_rss_kib = memory.own_rss_kib
            figures.pss_per_session_kib = (memory.pss_kib - base.pss_kib) / sessions
            stop = asyncio.Event()
            typing = asyncio.create_task(type_keys(hall.typists, stop))
            await asyncio.sleep(1.0)
            for viewer in hall.typists:
                viewer.typed_latencies.clear()
            presses_start = sum(v.presses for v in hall.viewers)
            frames_start = sum(v.frames for v in hall.viewers)
            clients_start = client_cpu_seconds(hall.viewers)
            cpu_start, window_start = cpu_seconds(server.process.pid), time.perf_counter()
            samples = await probe_sessions(hall.idle, probes, seconds)
            cpu_end, window = cpu_seconds(server.process.pid), time.perf_counter() - window_start
            clients_end = client_cpu_seconds(hall.viewers)
            presses = sum(v.presses for v in hall.viewers) - presses_start
            frames = sum(v.frames for v in hall.viewers) - frames_start
            typed_per_session = [list(v.typed_latencies) for v in hall.typists]
            figures.probing_seconds = window
            figures.server_cores = (cpu_end[0] - cpu_start[0]) / window
            figures.tree_cores = (cpu_end[1] - cpu_start[1]) / window
            figures.presses = presses
            if presses:
                figures.cpu_ms_per_key = 1000 * (cpu_end[1] - cpu_start[1]) / presses
                browsers = (cpu_end[1] - cpu_end[0]) - (cpu_start[1] - cpu_start[0])
                figures.browser_cpu_ms_per_key = 1000 * browsers / presses
                figures.client_cpu_ms_per_key = 1000 * (clients_end - clients_start) / presses
                figures.frames_per_key = frames / presses
            # One more viewer while the typists type: the connect time under load.
            late = Viewer(server.port, f"127.0.1.{sessions + 1}", asyncio.get_running_loop())
            late.start()
            figures.connect_loaded = await late.wait_first_screen()
            late.close()
            stop.set()
            await typing
            every = [s for v in samples.values() for s in v]
            figures.probes = len(every)
            figures.probes_per_session = min((len(v) for v in samples.values()), default=0)
            if len(samples) < len(hall.idle):
                figures.probes_per_session = 0
            figures.p50 = percentile(every, 0.5)
            figures.p95 = percentile(every, 0.95)
            idle_p95s = [percentile(v, 0.95) for v in samples.values()]
            figures.idle_worst_p95 = max(idle_p95s)
            session_p95s = sorted(idle_p95s + [percentile(v, 0.95) for v in typed_per_session if v])
            figures.worst_session_p95 = session_p95s[-1]
            figures.session_p95_min = session_p95s[0]
            figures.session_p95_median = statistics.median(session_p95s)
            typed = [s for v in typed_per_session for s in v]
            figures.typed_p50 = percentile(typed, 0.5)
            figures.typed_p95 = percentile(typed, 0.95)
            figures.load_after = load()
        finally:
            if hall is not None:
                for viewer in hall.viewers:
                    viewer.close()
            server.stop()
    return figures


LOAD_HEADER = (
    "| mode | sessions | typists | key → screen p50 / p95 ms (probes) | each session's p95 ms: min / median / max"
    " (the idle ones' max) | probes per idle session, s | typists' first frame p50 / p95 ms"
    " | CPU ms per key: server tree / browsers / ssh clients (frames per key)"
    " | connect → first screen: last / max / under load s | PSS per session MiB | tree PSS / RSS MiB"
    " | server RSS MiB | CPU while probing: server / whole tree, cores | load avg before → after |"
    "\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def load_row(f: Figures) -> str:
    loaded = f"{f.connect_loaded:.2f}" if f.connect_loaded is not None else "none"
    return (
        f"| {f.mode} | {f.sessions} | {f.typists} | {ms(f.p50)} / {ms(f.p95)} ({f.probes})"
        f" | {ms(f.session_p95_min)} / {ms(f.session_p95_median)} / {ms(f.worst_session_p95)} ({ms(f.idle_worst_p95)})"
        f" | {f.probes_per_session or 'fewer'}, {f.probing_seconds:.0f}"
        f" | {ms(f.typed_p50)} / {ms(f.typed_p95)}"
        f" | {f.cpu_ms_per_key:.1f} / {f.browser_cpu_ms_per_key:.1f} / {f.client_cpu_ms_per_key:.1f}"
        f" ({f.frames_per_key:.2f})"
        f" | {f.connect_last:.2f} / {f.connect_max:.2f} / {loaded}"
        f" | {mib(f.pss_per_session_kib)} | {mib(f.pss_total_kib)} / {mib(f.rss_total_kib)}"
        f" | {mib(f.server_rss_kib)} | {f.server_cores:.2f} / {f.tree_cores:.2f} | {f.load_before} → {f.load_after} |"
    )


# ------------------------------------------------------------------ abuse


@dataclass
class AbuseFigures:
    name: str
    p95_before: float
    p95_during: float
    probes: int
    pss_before_kib: int
    pss_peak_kib: int
    server_rss_peak_kib: int
    log_lines: int
    sample_line: str
    connect_after: float | None
    load: str


async def half_open(port: int, count: int, hold: float) -> None:
    loop = asyncio.get_running_loop()
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.setblocking(False)
            s.bind(("127.0.2.2", 0))
            with contextlib.suppress(OSError):
                await asyncio.wait_for(loop.sock_connect(s, ("127.0.0.1", port)), 2)
            socks.append(s)
        await asyncio.sleep(hold)
    finally:
        for s in socks:
            s.close()


async def connection_flood(port: int, count: int, seconds: float) -> None:
    """`count` ssh attempts from one address in `seconds`; each ends by itself (BatchMode, a short timeout)."""
    procs: list[subprocess.Popen[bytes]] = []
    step = seconds / count
    start = time.perf_counter()
    try:
        for n in range(count):
            argv = ssh_argv(port, "127.0.2.1")
            argv[argv.index("-tt")] = "-T"
            argv[1:1] = ["-o", "ConnectTimeout=5"]
            procs.append(
                subprocess.Popen(
                    [*argv, "true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            )
            procs = [p for p in procs if p.poll() is None]
            delay = start + (n + 1) * step - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        deadline = time.perf_counter() + 15
        while any(p.poll() is None for p in procs) and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


async def never_reads(port: int, seconds: float) -> None:
    """A client that stops reading its socket but keeps sending keys, each redrawing much of a 400x150 screen."""
    import asyncssh

    options = {"known_hosts": None, "username": "viewer", "client_keys": None, "agent_path": None}
    async with asyncssh.connect("127.0.0.1", port, local_addr=("127.0.2.3", 0), **options) as conn:
        process = await conn.create_process(term_type="xterm-256color", term_size=(400, 150), encoding=None)
        await asyncio.sleep(2)
        conn._transport.pause_reading()  # nothing more is read from the socket
        end = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < end and not process.is_closing():
            process.stdin.write(b"\t" if n % 3 == 0 else b"j")
            n += 1
            await asyncio.sleep(0.02)
        conn.abort()


def bytes_sent_to(port: int, address: str) -> int:
    """Bytes the server on `port` has sent so far on its TCP connection to `address` (`ss`'s `bytes_sent`; 0: none)."""
    try:
        out = subprocess.run(
            ["ss", "-tinH", "state", "established", f"( sport = :{port} and dst {address} )"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 0
    found = re.search(r"bytes_sent:(\d+)", out)
    return int(found[1]) if found else 0


NON_READER: dict[str, float] = {}
"""What the last `ssh_stops_reading` saw: bytes the server sent it, seconds until it was cut off."""


async def ssh_stops_reading(port: int, seconds: float) -> None:
    """A stock `ssh` whose terminal stops reading (a frozen terminal) while keys keep going, each redrawing a
    200x60 screen: ssh takes what its channel window lets through, then the server must stop and cut it."""
    viewer = Viewer(port, "127.0.2.6", asyncio.get_running_loop(), size=(200, 60))
    viewer.start()
    sent = 0
    cut_after = -1.0
    try:
        await viewer.wait_first_screen()
        viewer.stop_reading()
        start = time.perf_counter()
        n = 0
        while time.perf_counter() < start + seconds:
            viewer.send(b"\t" if n % 3 == 0 else b"j")
            n += 1
            await asyncio.sleep(0.02)
            if n % 10 == 0:
                now = bytes_sent_to(port, "127.0.2.6")
                if now == 0 and sent > 0:  # the server closed the connection (ssh itself may be stuck on its terminal)
                    cut_after = time.perf_counter() - start
                    break
                sent = max(sent, now)
        NON_READER.update(bytes=sent, cut_after=cut_after)
    finally:
        viewer.close()


async def resize_storm(port: int, changes: int, seconds: float) -> None:
    viewer = Viewer(port, "127.0.2.4", asyncio.get_running_loop())
    viewer.start()
    try:
        await viewer.wait_first_screen()
        end = time.perf_counter() + seconds
        for n in range(changes):
            rows, columns = (24, 80) if n % 2 == 0 else (40, 120)
            fcntl.ioctl(viewer.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            with contextlib.suppress(ProcessLookupError):
                os.kill(viewer.process.pid, signal.SIGWINCH)
            await asyncio.sleep(max(0.0, min(seconds / changes, end - time.perf_counter())))
            if time.perf_counter() > end:
                break
        await asyncio.sleep(2)
    finally:
        viewer.close()


async def key_dump(port: int, size: int) -> None:
    viewer = Viewer(port, "127.0.2.5", asyncio.get_running_loop())
    viewer.start()
    try:
        await viewer.wait_first_screen()
        data = memoryview(b"j" * size)
        deadline = time.perf_counter() + 30
        while data and time.perf_counter() < deadline:
            try:
                written = os.write(viewer.master, data[:4096])
                data = data[written:]
            except BlockingIOError:
                await asyncio.sleep(0.001)
        await asyncio.sleep(5)
    finally:
        viewer.close()


ABUSES = {
    "300 connection attempts in a minute": lambda port: connection_flood(port, 300, 60),
    "100 half-open TCP connections": lambda port: half_open(port, 100, 20),
    "a client that never reads (30 s, keys 50/s)": lambda port: never_reads(port, 30),
    "a stock ssh whose terminal stops reading (40 s, keys 50/s)": lambda port: ssh_stops_reading(port, 40),
    "window-size storm (2,000 changes in 10 s)": lambda port: resize_storm(port, 2000, 10),
    "1 MB of keys at once": lambda port: key_dump(port, 1 << 20),
}


async def watch_memory(server: Server, task: asyncio.Task[None], start: Memory) -> Memory:
    """The peak of the tree's PSS and of the server's RSS, once a second until `task` is done."""
    peak = start
    while not task.done():
        m = server.memory()
        peak = Memory(
            max(peak.processes, m.processes),
            max(peak.rss_kib, m.rss_kib),
            max(peak.pss_kib, m.pss_kib),
            max(peak.own_rss_kib, m.own_rss_kib),
        )
        await asyncio.sleep(1)
    return peak


async def run_abuse(db: Path, mode: str, sessions: int, typists: int, seconds: float, only: str) -> list[AbuseFigures]:
    results: list[AbuseFigures] = []
    with tempfile.TemporaryDirectory(prefix="hall-") as tmp:
        extra = ["--max-sessions", str(sessions + 4), "--status-interval", "10", "--stall-timeout", "10"]
        if mode == "spawn":
            extra.append("--no-prefork")
        server = await Server.start(db, Path(tmp) / "state", extra)
        hall: Hall | None = None
        try:
            hall, _ = await open_hall(server, sessions, typists)
            stop = asyncio.Event()
            typing = asyncio.create_task(type_keys(hall.typists, stop))
            for name, abuse in ABUSES.items():
                if only and only not in name:
                    continue
                before = await probe_round(hall.idle, seconds)
                memory = server.memory()
                lines_before = len(server.lines)
                task = asyncio.create_task(abuse(server.port))
                watcher = asyncio.create_task(watch_memory(server, task, memory))
                during: dict[int, list[float]] = {}
                while not task.done():
                    for k, v in (await probe_round(hall.idle, 3)).items():
                        during.setdefault(k, []).extend(v)
                await task
                peak = await watcher
                new_lines = [line for line in server.lines[lines_before:] if "status" not in line]
                await asyncio.sleep(1)
                after = Viewer(server.port, "127.0.3.1", asyncio.get_running_loop())
                after.start()
                took = await after.wait_first_screen()
                after.close()
                every_before = [s for v in before.values() for s in v]
                every_during = [s for v in during.values() for s in v]
                results.append(
                    AbuseFigures(
                        name,
                        percentile(every_before, 0.95),
                        percentile(every_during, 0.95),
                        len(every_during),
                        memory.pss_kib,
                        peak.pss_kib,
                        peak.own_rss_kib,
                        len(new_lines),
                        new_lines[0] if new_lines else "",
                        took,
                        load(),
                    )
                )
                print(abuse_row(results[-1]), flush=True)
                if "stops reading" in name and NON_READER:
                    cut = NON_READER["cut_after"]
                    print(
                        f"    the server sent that ssh {NON_READER['bytes'] / 1024:.0f} KiB;"
                        f" {'cut off after ' + format(cut, '.0f') + ' s' if cut >= 0 else 'not cut off'}",
                        flush=True,
                    )
                await asyncio.sleep(2)
            stop.set()
            await typing
        finally:
            if hall is not None:
                for viewer in hall.viewers:
                    viewer.close()
            server.stop()
            tail = [line for line in server.lines if "status" in line][-3:]
            for line in tail:
                print(f"    {line}")
    return results


ABUSE_HEADER = (
    "| abuse | probes' p95 before → during ms (probes) | tree PSS before → peak MiB | server RSS peak MiB"
    " | log lines | a new client after: first screen s | load avg |\n|---|---|---|---|---|---|---|"
)


def abuse_row(a: AbuseFigures) -> str:
    after = f"{a.connect_after:.2f}" if a.connect_after is not None else "none"
    return (
        f"| {a.name} | {ms(a.p95_before)} → {ms(a.p95_during)} ({a.probes}) | {mib(a.pss_before_kib)} → "
        f"{mib(a.pss_peak_kib)} | {mib(a.server_rss_peak_kib)} | {a.log_lines} | {after} | {a.load} |"
    )


# ------------------------------------------------------------------ main


@contextlib.contextmanager
def seed_dossier() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hall-db-") as tmp:
        db = Path(tmp) / "seed.db"
        subprocess.run([sys.executable, "-m", "dossier", "init", str(db)], check=True, capture_output=True)
        yield db


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.hall", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=48, help="SSH clients open at once (at most 200)")
    parser.add_argument("--typists", type=int, default=12, help="of them, pressing a key every 100 ms")
    parser.add_argument("--probes", type=int, default=20, help="presses per idle session (at most 200; 0: --seconds)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="the longest the probing lasts (300, at most 900; --abuse: 20, 120)"
    )
    parser.add_argument("--mode", choices=["fork", "spawn", "both", "default"], default="both")
    parser.add_argument("--rounds", type=int, default=1, help="run the modes (and --python's) this many times, in turn")
    parser.add_argument(
        "--python", action="append", default=[], help="run the server with this interpreter too (in turn with this one)"
    )
    parser.add_argument("--abuse", action="store_true", help="then the misbehaving clients, in turn")
    parser.add_argument("--only", default="", help="with --abuse: only the abuse whose name contains this")
    parser.add_argument("--out", type=Path, default=None, help="also write the tables to this file")
    args = parser.parse_args(argv)
    sessions = max(1, min(args.sessions, 200))
    typists = max(0, min(args.typists, sessions - 1))
    probes = max(0, min(args.probes, 200))
    seconds = args.seconds if args.seconds is not None else (20.0 if args.abuse else 300.0)
    seconds = max(1.0, min(seconds, 120.0 if args.abuse else 900.0))
    modes = ["spawn", "fork"] if args.mode == "both" else [args.mode]
    pythons = [sys.executable, *args.python]
    rounds = max(1, min(args.rounds, 10))
    out: list[str] = []

    async def run() -> None:
        with seed_dossier() as db:
            if not args.abuse:
                print(LOAD_HEADER, flush=True)
                out.append(LOAD_HEADER)
                for _ in range(rounds):
                    for mode in modes:
                        for python in pythons:
                            figures = await run_load(db, mode, sessions, typists, probes, seconds, python)
                            if python != sys.executable:
                                figures.mode += f" ({python})"
                            row = load_row(figures)
                            print(row, flush=True)
                            out.append(row)
            else:
                for mode in modes:
                    print(f"{mode}:\n{ABUSE_HEADER}", flush=True)
                    rows = await run_abuse(db, mode, sessions, typists, seconds, args.only)
                    out.append(f"{mode}:\n{ABUSE_HEADER}")
                    out.extend(abuse_row(r) for r in rows)

    asyncio.run(run())
    if args.out:
        args.out.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

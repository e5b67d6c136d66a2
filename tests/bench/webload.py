"""`python -m tests.bench.webload`: a room of visitors on `dossier serve web`, some typing, some misbehaving.

The server runs as a real process (`dossier serve web --port 0`) on a dossier
made by `dossier init`. The room is `--clients` tabs (24), each from its own
loopback address (127.0.0.11, 127.0.0.12, ...) as a room's laptops would be,
speaking textual-serve's protocol (`tests/bench/webclient.py`). Then, in
phases of `--seconds` each, `--typists` of them (8) type (`j`, `k`, ...)
every `--interval` s (0.1) while one kind of abuse runs alongside:

* **none**: the baseline;
* **non-readers**: two tabs that never read their websocket (a 4 KiB receive
  buffer) and keep asking for whole new 500x200 screens (resizes every 50 ms);
* **resize storm**: a tab sends 2,000 resizes as fast as it can;
* **1 MB of keys**: a tab sends 1 MiB of `j` in 64 KiB-sized messages;
* **connection flood**: 200 websocket attempts from one address (127.0.0.99);
* **half-open**: 100 TCP connections from one address (127.0.0.98) that
  send half a request and wait.

For each phase: the typists' key → screen (first output after the key,
p50/p95/max, and keys unanswered within 10 s), what happened to the abuser,
the server's log lines in the phase, and memory: the server's RSS and the
PSS of every process of its tree (`/proc/PID/smaps_rollup`). Also connect →
first screen for the whole room arriving at once, and the cap: one tab more
than `--max-sessions` is refused. The load average is printed with every
table. Bounded: every phase ends after `--seconds`, the whole run after a
few minutes; loopback addresses only. Nothing asserts: these are figures.

`--server CMD` runs another build's `dossier` (e.g. the main checkout's, to
compare before and after); options it does not know are left out with
`--old-server`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shlex
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from .webclient import NonReader, WebClient

TITLE = "US-Russia diplomat expulsions, 2021"
"""The seed dossier's title: on screen once the app has drawn."""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                with contextlib.suppress(OSError):
                    todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def kib(path: str, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


@dataclass
class Memory:
    server_rss: int
    server_pss: int
    children: list[int]
    """PSS of each child's tree, KiB."""
    fds: int

    @classmethod
    def of(cls, pid: int) -> Memory:
        kids = [p for p in tree(pid) if p != pid]
        direct = [p for p in kids if f" {pid} " in _stat_ppid(p)]
        per_child = [sum(kib(f"/proc/{q}/smaps_rollup", "Pss") for q in tree(c)) for c in direct]
        try:
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            fds = 0
        return cls(kib(f"/proc/{pid}/status", "VmRSS"), kib(f"/proc/{pid}/smaps_rollup", "Pss"), per_child, fds)

    def line(self) -> str:
        each = statistics.median(self.children) / 1024 if self.children else 0.0
        total = (self.server_pss + sum(self.children)) / 1024
        return (
            f"server RSS {self.server_rss / 1024:.1f} MiB, {len(self.children)} sessions, "
            f"PSS per session median {each:.1f} MiB, tree PSS {total:.0f} MiB, server fds {self.fds}"
        )


def _stat_ppid(pid: int) -> str:
    try:
        rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return ""
    return f" {rest[1]} "


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    abuser: str = ""
    log: list[str] = field(default_factory=list)
    memory: Memory | None = None
    load: str = ""

    def row(self) -> str:
        lat = self.latencies
        figures = (
            f"{statistics.median(lat) * 1000:.0f} | {percentile(lat, 0.95) * 1000:.0f} | {max(lat) * 1000:.0f}"
            if lat
            else "— | — | —"
        )
        refusals = sum(1 for line in self.log if "refused" in line or "dropped" in line)
        mem = self.memory
        rss = f"{mem.server_rss / 1024:.0f}" if mem else "—"
        tree_pss = f"{(mem.server_pss + sum(mem.children)) / 1024:.0f}" if mem else "—"
        return (
            f"| {self.name} | {len(lat)} | {figures} | {self.unanswered} | {self.abuser} | {refusals} | {rss} | "
            f"{tree_pss} | {self.load} |"
        )


class Server:
    """`dossier serve web` as a process; its output lines are collected."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.port = port
        self.lines: list[str] = []
        self._task = asyncio.create_task(self._collect())

    @classmethod
    async def start(cls, argv: list[str]) -> Server:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tempfile.gettempdir(),  # not a checkout: `-m dossier` is the one installed for that Python
        )
        assert process.stdout is not None
        seen = []
        while True:
            line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode(errors="replace")
            if not line:
                raise RuntimeError("the server ended: " + " | ".join(seen[-5:]))
            seen.append(line.rstrip())
            if found := re.search(r"http://127\.0\.0\.1:(\d+)", line):
                return cls(process, int(found.group(1)))

    async def _collect(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.lines.append(line.decode(errors="replace").rstrip())

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._task.cancel()
        with contextlib.suppress(BaseException):
            await self._task


def session_from(address: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0), limit=0))


PRESSED: dict[int, int] = {}
"""Keys each typist has pressed, across phases: j j j j k k k k keeps it on the first rows, where keys move it."""


async def type_for(typists: list[WebClient], seconds: float, interval: float, phase: Phase) -> None:
    """Each typist presses j (then k, ...) every `interval` s for `seconds`; the key → screen of each press."""
    keys = "jjjjkkkk"

    async def typist(client: WebClient, offset: float) -> None:
        await asyncio.sleep(offset)
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end and not client.closed.is_set():
            next_at = loop.time() + interval
            n = PRESSED.get(id(client), 0)
            took = await client.key_to_screen(keys[n % len(keys)])
            PRESSED[id(client)] = n + 1
            if took is None:
                phase.unanswered += 1
            else:
                phase.latencies.append(took)
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    await asyncio.gather(*(typist(c, i * interval / len(typists)) for i, c in enumerate(typists)))


Abuse = Callable[[int, Phase, asyncio.Event], Awaitable[None]]


async def no_abuse(port: int, phase: Phase, stop: asyncio.Event) -> None:
    await stop.wait()


NON_READER_BOUND = 90.0
"""Seconds the non-readers go on at most, waiting to be dropped (the server's --send-timeout is 10 s)."""


async def non_readers(port: int, phase: Phase, stop: asyncio.Event) -> None:
    readers = [await NonReader.connect(port, width=500, height=200, rcvbuf=4096) for _ in range(2)]
    sent = stalled = rounds = 0
    loop = asyncio.get_running_loop()
    began = loop.time()
    dropped_after: dict[int, float] = {}
    try:
        # While the typists type, and then on until both are dropped (or NON_READER_BOUND s have passed).
        while not (stop.is_set() and len(dropped_after) == 2) and loop.time() - began < NON_READER_BOUND:
            rounds += 1
            for n, reader in enumerate(readers):
                if n in dropped_after:
                    continue
                if reader.is_closed_by_server():
                    dropped_after[n] = loop.time() - began
                    continue
                # A new width each time: each resize is a whole new 500x200 screen for the server to send.
                ok = await reader.send("resize", {"width": 499 + rounds % 2, "height": 200}, timeout=0.05)
                sent += ok
                stalled += not ok
            await asyncio.sleep(0.05)
        drops = ", ".join(f"{at:.1f}" for at in sorted(dropped_after.values())) or "never"
        phase.abuser = f"{sent} resizes sent ({stalled} stalled); dropped by the server after {drops} s"
    finally:
        for reader in readers:
            reader.close()


async def resize_storm(port: int, phase: Phase, stop: asyncio.Event) -> None:
    async with session_from("127.0.0.97") as session:
        client = await WebClient.connect(session, port)
        await client.wait_for(TITLE)
        began = time.monotonic()
        for n in range(2000):
            await client.resize(80 + n % 100, 24 + n % 40)
        phase.abuser = f"2000 resizes in {time.monotonic() - began:.2f} s"
        await stop.wait()
        phase.abuser += f"; still open: {not client.closed.is_set()}"
        await client.close()


async def key_flood(port: int, phase: Phase, stop: asyncio.Event) -> None:
    async with session_from("127.0.0.96") as session:
        client = await WebClient.connect(session, port)
        await client.wait_for(TITLE)
        chunk = "j" * (64 * 1024 - 64)
        began = time.monotonic()
        sent = 0
        while sent < 1 << 20 and not client.closed.is_set():
            await client.keys(chunk)
            sent += len(chunk)
        phase.abuser = f"{sent // 1024} KiB of keys in {time.monotonic() - began:.2f} s"
        await stop.wait()
        phase.abuser += f"; still open: {not client.closed.is_set()}"
        await client.close()


async def connection_flood(port: int, phase: Phase, stop: asyncio.Event) -> None:
    opened = refused = failed = 0
    async with session_from("127.0.0.99") as session:
        for _ in range(200):
            if stop.is_set():
                break
            try:
                client = await WebClient.connect(session, port)
            except aiohttp.ClientError:
                failed += 1
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.closed.wait(), 0.2)
            if client.closed.is_set() and client.close_code == 1013:
                refused += 1
            else:
                opened += 1
            await client.close()
    phase.abuser = f"200 attempts: {opened} opened, {refused} refused (1013), {failed} failed"
    await stop.wait()


async def half_open(port: int, phase: Phase, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    socks = []
    for _ in range(100):
        sock = socket.socket()
        sock.setblocking(False)
        sock.bind(("127.0.0.98", 0))
        await loop.sock_connect(sock, ("127.0.0.1", port))
        await loop.sock_sendall(sock, f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: ".encode())
        socks.append(sock)
    await stop.wait()
    closed = 0
    for sock in socks:
        with contextlib.suppress(OSError):
            state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]  # tcpi_state; 1 is ESTABLISHED
            closed += state != 1
        sock.close()
    phase.abuser = f"100 half-open connections; {closed} closed by the server by the end of the phase"


PHASES: list[tuple[str, Abuse]] = [
    ("none", no_abuse),
    ("non-readers", non_readers),
    ("resize storm", resize_storm),
    ("1 MB of keys", key_flood),
    ("connection flood", connection_flood),
    ("half-open", half_open),
]


async def run(args: argparse.Namespace, db: Path) -> list[str]:
    room = args.clients
    argv = [
        *shlex.split(args.server),
        "serve",
        "web",
        "--db",
        str(db),
        "--port",
        "0",
        "--max-sessions",
        str(room + 4),
    ]
    if not args.old_server:
        argv += ["--status-interval", str(args.status_interval)]
    server = await Server.start(argv)
    out = [f"# serve web under load ({room} tabs, {args.typists} typing every {args.interval * 1000:.0f} ms)", ""]
    out.append(f"server: `{' '.join(argv[: len(shlex.split(args.server))])} serve web --max-sessions {room + 4}`")
    sessions: list[aiohttp.ClientSession] = []
    clients: list[WebClient] = []
    try:
        sessions = [session_from(f"127.0.0.{11 + i}") for i in range(room)]
        load_before = loadavg()
        began = time.monotonic()
        clients = list(await asyncio.gather(*(WebClient.connect(s, server.port) for s in sessions)))
        firsts = list(await asyncio.gather(*(c.wait_for(TITLE, timeout=120) for c in clients)))
        all_in = time.monotonic() - began
        out += [
            "",
            f"connect → first screen, {room} tabs at once: median {statistics.median(firsts):.2f} s, "
            f"p95 {percentile(firsts, 0.95):.2f} s, max {max(firsts):.2f} s; all drawn after {all_in:.2f} s "
            f"(load average before {load_before}, after {loadavg()})",
        ]
        # One tab alone, the room idle: connect → first screen.
        alone = []
        async with session_from("127.0.0.95") as session:
            for _ in range(3):
                client = await WebClient.connect(session, server.port)
                alone.append(await client.wait_for(TITLE, timeout=60))
                await client.close()
                await asyncio.sleep(1)
        out.append(
            f"connect → first screen, one more tab while {room} sit idle: median {statistics.median(alone):.2f} s "
            f"(load average {loadavg()})"
        )
        # The cap: tabs beyond --max-sessions are refused.
        extra: list[WebClient] = []
        async with session_from("127.0.0.94") as session:
            for _ in range(5):
                extra.append(await WebClient.connect(session, server.port))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*(c.closed.wait() for c in extra[4:])), 20)
            said = extra[-1].text().strip()
            out.append(f"tab {room + 5} (over the cap): close code {extra[-1].close_code}, said {said[:90]!r}")
            for client in extra:
                await client.close()
        await asyncio.sleep(2)
        out += [
            "",
            "| abuse | keys | key → screen p50 ms | p95 | max | unanswered | the abuser | refusal/drop lines "
            "| server RSS MiB | tree PSS MiB | load average |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        typists = clients[: args.typists]
        phases = []
        for name, abuse in PHASES:
            if args.only and name not in args.only:
                continue
            phase = Phase(name)
            mark = len(server.lines)
            stop = asyncio.Event()
            abuser = asyncio.create_task(abuse(server.port, phase, stop))
            await asyncio.sleep(0.5)
            await type_for(typists, args.seconds, args.interval, phase)
            phase.memory = Memory.of(server.process.pid)
            phase.load = loadavg()
            stop.set()
            try:
                await asyncio.wait_for(abuser, NON_READER_BOUND + 10)
            except Exception as exc:  # noqa: BLE001 - a figure, not a failure: say what happened
                phase.abuser = phase.abuser or f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(1.0)
            phase.log = server.lines[mark:]
            phases.append(phase)
            out.append(phase.row())
            print(out[-1], flush=True)
            await asyncio.sleep(2)
        out += ["", "memory at the end: " + Memory.of(server.process.pid).line(), "", "server log lines, by phase:"]
        for phase in phases:
            lines = phase.log
            more = [f"... {len(lines) - 6} more"] if len(lines) > 6 else []
            shown = lines[:3] + more + lines[max(3, len(lines) - 3) :]
            out += [f"- {phase.name}: {len(lines)} lines"] + [f"    {line[:160]}" for line in shown]
    finally:
        for client in clients:
            await client.close()
        for session in sessions:
            await session.close()
        await server.stop()
    return out


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.webload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=24, help="tabs in the room (default 24)")
    parser.add_argument("--typists", type=int, default=8, help="tabs of the room typing (default 8)")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between a typist's keys (0.1)")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of typing per phase (15)")
    parser.add_argument("--status-interval", type=float, default=10.0, help="the server's status line, s (10)")
    parser.add_argument("--server", default=f"{shlex.quote(sys.executable)} -m dossier", help="the dossier command")
    parser.add_argument("--old-server", action="store_true", help="pass no option older builds lack")
    parser.add_argument("--db", type=Path, help="the dossier to serve (default: a new `dossier init` one)")
    parser.add_argument("--only", nargs="*", help="run only these phases (names as in the table)")
    parser.add_argument("--out", type=Path, help="also write the figures to this Markdown file")
    args = parser.parse_args(argv)
    args.clients = max(1, min(args.clients, 64))
    args.typists = max(1, min(args.typists, args.clients))
    args.seconds = max(1.0, min(args.seconds, 120.0))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="webload-") as scratch:
        db = args.db
        if db is None:
            from dossier.importer import init_database

            db = Path(scratch) / "seed.db"
            init_database(db)
        lines = asyncio.run(run(args, db))
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Serving a dossier for demos: over SSH (`serve.ssh`) and in a browser (`serve.web`).

Both servers run the same read-only browser (`dossier browse PATH`) once per
client, in a child process with a minimal environment (`serve.child`), and
both are bounded by the same `Limits`: concurrent sessions, sessions per
address, connections per minute per address, idle time (and, for SSH,
connections not yet logged in, unread output, input per second). Both log
through an `EventLog`: one line per refusal, and every `status_interval`
seconds a `status_line` (sessions, the memory of the process tree, refusals
by reason). This module holds what they share and imports neither asyncssh
nor aiohttp, so the command line can check its options before paying for
either.

Security model, in one place (docs/serving.md says the same):
- nothing a client sends reaches a shell: the child is started with an
  argument vector, never a command line, and runs only the browser;
- the dossier is opened read-only by the browser; the server never writes it;
- an unauthenticated server listens only on a loopback address unless the
  operator says `--public`;
- every limit refuses with a one-line reason the client can read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

MAX_COLUMNS = 500
"""The widest terminal a client may ask for; wider requests are capped."""
MAX_ROWS = 200
"""The tallest terminal a client may ask for; taller requests are capped."""
DEFAULT_SIZE = (80, 24)
"""The size used when a client asks for none (or for 0x0)."""


class ServeError(Exception):
    """A server cannot start (bad option, unreadable key, port in use): one line for the operator."""


@dataclass(frozen=True)
class Limits:
    """What one server allows; the defaults are documented in docs/serving.md and in `--help`."""

    max_sessions: int = 8
    """Browsers running at once, across all clients."""
    per_ip: int = 3
    """Browsers running at once for one client address."""
    rate: int = 10
    """New connections per address per minute; the next one is refused until the minute has passed."""
    idle_timeout: float = 600.0
    """Seconds without a key press (or mouse event) after which a session is closed; 0 means never."""
    login_timeout: float = 30.0
    """Seconds a connection may take to authenticate and open a session (SSH)."""
    keepalive: float = 30.0
    """Seconds between keepalive probes; three unanswered probes close the connection (SSH)."""
    max_pending: int = 32
    """Connections not yet past authentication, in all; more are closed at once (half-open floods)."""
    pending_per_ip: int = 8
    """Connections not yet past authentication from one address."""
    stall_timeout: float = 60.0
    """Seconds a client may leave its output unread (the server holding it) before its session is closed."""
    input_rate: int = 4096
    """Bytes of input a session may send per second (a burst of as many at once); the rest is dropped."""
    status_interval: float = 60.0
    """Seconds between status lines in the log (sessions, memory, refusals); 0: none."""

    def __post_init__(self) -> None:
        for name in ("max_sessions", "per_ip", "rate", "max_pending", "pending_per_ip"):
            if getattr(self, name) < 1:
                raise ServeError(f"--{name.replace('_', '-')} must be at least 1")
        if self.input_rate < 64:
            raise ServeError("--input-rate must be at least 64 (bytes a second)")
        for name in ("idle_timeout", "login_timeout", "keepalive", "stall_timeout", "status_interval"):
            if getattr(self, name) < 0:
                raise ServeError(f"--{name.replace('_', '-')} must not be negative")


def clamp_size(columns: int, rows: int) -> tuple[int, int]:
    """A terminal size a child may be given: 0x0 means the default, else 1..MAX in each direction."""
    if columns <= 0 and rows <= 0:
        return DEFAULT_SIZE
    return max(1, min(columns, MAX_COLUMNS)), max(1, min(rows, MAX_ROWS))


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1); names other than localhost are not."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, *, authenticated: bool, public: bool) -> None:
    """Refuse to listen beyond this machine without authentication unless the operator said `--public`."""
    if authenticated or public or is_loopback(host):
        return
    raise ServeError(
        f"refusing to serve {host} without authentication: anyone who can reach it could connect; "
        "pass --public to allow that" + (", or --authorized-keys FILE to require a key" if not authenticated else "")
    )


def connect_host(host: str) -> str:
    """The host to print in `ssh -p PORT HOST` or a URL: a wildcard address is not one a client can use."""
    if host in ("", "0.0.0.0", "::"):
        return "<this machine's address>"
    return f"[{host}]" if ":" in host else host


class RateLimiter:
    """At most `rate` events per address in any `window` seconds; memory bounded by `max_addresses`."""

    def __init__(self, rate: int, window: float = 60.0, max_addresses: int = 10_000) -> None:
        self.rate = rate
        self.window = window
        self.max_addresses = max_addresses
        self._events: dict[str, deque[float]] = {}

    def allow(self, address: str, now: float | None = None) -> bool:
        """Record an attempt from `address`; False when it is over the rate (refused attempts count too)."""
        now = time.monotonic() if now is None else now
        events = self._events.get(address)
        if events is None:
            if len(self._events) >= self.max_addresses:
                self._forget_quiet(now)
            events = self._events.setdefault(address, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        events.append(now)
        # Keep at most rate + 1 stamps: enough to know the address is over, and bounded.
        while len(events) > self.rate + 1:
            events.popleft()
        return len(events) <= self.rate

    def _forget_quiet(self, now: float) -> None:
        """Drop addresses with no attempt in the window; if all are recent, drop the oldest half."""
        quiet = [a for a, ev in self._events.items() if not ev or now - ev[-1] >= self.window]
        for address in quiet:
            del self._events[address]
        if len(self._events) >= self.max_addresses:
            by_age = sorted(self._events, key=lambda a: self._events[a][-1])
            for address in by_age[: len(by_age) // 2]:
                del self._events[address]


class SessionSlots:
    """Counts running sessions, in all and per address, and says why a new one is refused."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._per_address: dict[str, int] = {}
        self.running = 0

    def acquire(self, address: str) -> str | None:
        """Take a slot for `address`; None when granted, else the reason it was refused."""
        if self.running >= self.limits.max_sessions:
            return f"server busy: {self.running} sessions running (the limit); try again later"
        if self._per_address.get(address, 0) >= self.limits.per_ip:
            return f"too many sessions from {address}: {self.limits.per_ip} running (the limit); close one first"
        self.running += 1
        self._per_address[address] = self._per_address.get(address, 0) + 1
        return None

    def release(self, address: str) -> None:
        left = self._per_address.get(address, 0) - 1
        if left <= 0:
            self._per_address.pop(address, None)
        else:
            self._per_address[address] = left
        self.running = max(0, self.running - 1)


def stamp(now: float | None = None) -> str:
    """The time at the start of every log line: UTC, to the second (`2026-12-06 04:31:12Z`)."""
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(time.time() if now is None else now))


class EventLog:
    """A server's log: one line per event, each `STAMP KIND WHAT: DETAIL`; refusals counted by reason.

    `refused(reason, address, detail)` is the one door for a refusal: it counts
    it (the minute's status line gives the counts by reason) and writes one
    line, unless `max_lines_per_minute` refusal lines were already written in
    this minute; the rest of that minute's refusals are counted, and the first
    one held back says so in a line. The last `keep` lines stay readable
    (`lines`), for the tests and for a status page.
    """

    def __init__(
        self,
        kind: str,
        echo: Callable[[str], None] | None = None,
        *,
        max_lines_per_minute: int = 120,
        keep: int = 500,
    ) -> None:
        self.kind = kind
        self.echo = echo
        self.max_lines_per_minute = max_lines_per_minute
        self.lines: deque[str] = deque(maxlen=keep)
        self.refusals: Counter[str] = Counter()
        """Refusals by reason since the last status line."""
        self.refusals_total: Counter[str] = Counter()
        """Refusals by reason since the server started."""
        self._minute = 0.0
        self._written = 0
        self._held = 0

    def __call__(self, line: str) -> None:
        self.write(line)

    def write(self, line: str) -> None:
        """One line of the log: stamped, kind-tagged, control characters removed."""
        text = "".join(ch if ch.isprintable() else "?" for ch in line)
        full = f"{stamp()} {self.kind} {text}"
        self.lines.append(full)
        if self.echo is not None:
            self.echo(full)

    def count(self, reason: str) -> None:
        """Count a refusal (or a drop) under `reason` without a line of its own (the status line gives it)."""
        self.refusals[reason] += 1
        self.refusals_total[reason] += 1

    def refused(self, reason: str, address: str, detail: str) -> None:
        """Count a refusal under `reason` (a short word: rate, sessions, pending, ...) and log it in one line."""
        self.refused_line(reason, f"refused {address} ({reason}): {detail}")

    def refused_line(self, reason: str, line: str) -> None:
        """Count a refusal (or a drop) under `reason` and log `line`, within the lines allowed a minute."""
        self.count(reason)
        now = time.monotonic()
        if now - self._minute >= 60:
            if self._held:
                self.write(f"refused: {self._held} more refusals in the last minute were counted, not logged")
            self._minute, self._written, self._held = now, 0, 0
        if self._written >= self.max_lines_per_minute:
            if self._held == 0:
                self.write(f"refused: over {self.max_lines_per_minute} refusals this minute; the rest are counted only")
            self._held += 1
            return
        self._written += 1
        self.write(line)


@dataclass(frozen=True)
class TreeMemory:
    """Memory of a process and all its descendants, in KiB: resident (RSS) and proportional (PSS)."""

    processes: int
    rss_kib: int
    pss_kib: int
    own_rss_kib: int
    """The root process's own RSS."""


def tree_memory(root: int | None = None) -> TreeMemory:
    """RSS and PSS summed over `root` (this process by default) and its descendants (Linux `/proc`; else zeros)."""
    root = os.getpid() if root is None else root
    pids = tree_pids(root)
    figures = [rollup(pid) for pid in pids]
    return TreeMemory(len(pids), sum(r for r, _ in figures), sum(p for _, p in figures), rollup(root)[0])


def tree_pids(root: int) -> list[int]:
    """`root` and every process descended from it (read from each process's /proc/PID/stat); none without /proc."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def rollup(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, from /proc/PID/smaps_rollup; (0, 0) when it has gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


def status_line(sessions: int, connections: int, memory: TreeMemory, log: EventLog) -> str:
    """The line a server logs every `status_interval`: sessions, memory of its process tree, refusals by reason.

    `status: 24 sessions, 25 connections; memory 402 MiB PSS, 812 MiB RSS in 26 processes (server 61 MiB);
    refused in the last minute: pending 90, rate 290 (since start 380)`. The one format of `serve ssh`
    and `serve web` (each logs it through its `EventLog`); the refusal counts are reset by each line.
    """
    refused = ", ".join(f"{reason} {count}" for reason, count in sorted(log.refusals.items())) or "none"
    total = sum(log.refusals_total.values())
    line = (
        f"status: {sessions} session{'s' if sessions != 1 else ''}, {connections} connection"
        f"{'s' if connections != 1 else ''}; memory {memory.pss_kib / 1024:.0f} MiB PSS, "
        f"{memory.rss_kib / 1024:.0f} MiB RSS in {memory.processes} processes "
        f"(server {memory.own_rss_kib / 1024:.0f} MiB); "
        f"refused in the last minute: {refused} (since start {total})"
    )
    log.refusals.clear()
    return line


async def log_status_every(
    interval: float, sessions: Callable[[], int], connections: Callable[[], int], log: EventLog
) -> None:
    """Write `status_line` every `interval` seconds until cancelled (0: never).

    The memory is read in a thread: ~50 `/proc/PID/smaps_rollup` of a full
    hall take milliseconds, and the event loop relays every session's bytes.
    """
    if interval <= 0:
        return
    while True:
        await asyncio.sleep(interval)
        memory = await asyncio.to_thread(tree_memory)
        log.write(status_line(sessions(), connections(), memory, log))


def checked_db(path: Path) -> tuple[Path, str]:
    """The served file as an absolute path, and its title; a missing or foreign file is refused now."""
    from ..store import read_title

    if not path.exists():
        raise ServeError(f"{path}: no such file (create one with `dossier init {path}`)")
    return path.resolve(), read_title(path)


class _Service(Protocol):
    async def close(self) -> None: ...


S = TypeVar("S", bound=_Service)


def serve_until_stopped(
    start: Callable[[], Awaitable[S]],
    banner: Callable[[S], list[str]],
    limits: Limits,
    sessions: Callable[[S], int],
    echo: Callable[[str], None],
) -> None:
    """Start a server, say where and with which limits, serve until Ctrl+C, SIGTERM or SIGHUP, then end every session.

    `banner` gives the lines about the started service (where to connect);
    `sessions` how many are running when it stops. What `dossier serve ssh`
    and `dossier serve web` both run.
    """

    async def main() -> None:
        service = await start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, stop.set)
        for line in banner(service):
            echo(line)
        echo(
            f"  limits:   {limits.max_sessions} sessions, {limits.per_ip} per address, "
            f"{limits.rate} connections/min per address, idle {limits.idle_timeout:g} s"
        )
        echo("Press Ctrl+C to stop.")
        try:
            await stop.wait()
        finally:
            running = sessions(service)
            await service.close()
            echo(f"Stopped; {running} session{'s' if running != 1 else ''} ended.")

    try:
        asyncio.run(main())
    except KeyboardInterrupt:  # pragma: no cover - a second Ctrl+C while stopping
        sys.exit(130)

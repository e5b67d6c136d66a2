"""`dossier serve ssh` for a hall: browsers forked from a pre-started helper, and misbehaving clients refused in a line.

A real OpenSSH client (`ssh -tt`, in a pseudo-terminal of its own) against the
real server on loopback; the abuse cases are made with real sockets and real
clients, each bounded in count and time. The load figures themselves are in
`tests/bench/hall.py`, not here.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import termios
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.serve import EventLog, Limits, TreeMemory, status_line, tree_memory
from dossier.serve.ssh import SSHConfig, SSHService, start_ssh
from tests.needs import missing
from tests.serve.test_serve_ssh import EXPECTED, TIMEOUT, alive, child_pids, connect, eventually, open_browser

_SYNC_QUERY = b"\x1b[?2026$p"
_SYNC_REPLY = b"\x1b[?2026;2$y"


def ssh_program() -> str:
    """The OpenSSH client (Debian's `openssh-client`; `.ci/run` installs it when missing)."""
    found = shutil.which("ssh")
    if found is None:
        missing("The OpenSSH client (ssh)", "the hall tests of serve ssh", "`apt-get install openssh-client`")
    return found


_CLIENT_FILES = Path(tempfile.mkdtemp(prefix="dossier-ssh-client-"))
(_CLIENT_FILES / "config").touch()
atexit.register(shutil.rmtree, _CLIENT_FILES, ignore_errors=True)
NO_CONFIG = str(_CLIENT_FILES / "config")
"""An empty client configuration (`ssh -F`), not `/dev/null`: on a machine where something has made
`/dev/null` a regular file, `ssh` read what others had written there as its configuration."""
KNOWN_HOSTS = str(_CLIENT_FILES / "known_hosts")
"""Where the clients may write the server's host key (with `StrictHostKeyChecking=no`), read by none."""


class OpenSSH:
    """A stock `ssh -tt` in a pseudo-terminal: what a viewer in the hall runs."""

    def __init__(self, port: int, source: str = "127.0.0.1", size: tuple[int, int] = (100, 30)) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        argv = [ssh_program(), "-F", NO_CONFIG, "-tt", "-p", str(port), "-b", source]
        for option in (
            "StrictHostKeyChecking=no",
            f"UserKnownHostsFile={KNOWN_HOSTS}",
            "LogLevel=ERROR",
            "BatchMode=yes",
            "IdentityAgent=none",
            "PubkeyAuthentication=no",
        ):
            argv += ["-o", option]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color", "HOME": str(Path.home())}
        self.process = subprocess.Popen(
            [*argv, "viewer@127.0.0.1"], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        os.set_blocking(self.master, False)
        self.output = bytearray()

    def _read(self) -> bool:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not data:
            return False
        if _SYNC_QUERY in data:
            os.write(self.master, _SYNC_REPLY)
        self.output += data
        return True

    async def read_until(self, text: str, timeout: float = TIMEOUT) -> None:
        from tests.serve.test_serve_ssh import screen_text

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while text not in (shown := screen_text(bytes(self.output))):
            if loop.time() > deadline:
                raise AssertionError(f"{text!r} not on screen in {timeout} s: {shown[-300:]!r}")
            if not self._read():
                raise AssertionError(f"ssh ended before {text!r}: {shown[-300:]!r}")
            await asyncio.sleep(0.01)

    async def frames_after(self, key: bytes, timeout: float = TIMEOUT) -> int:
        """Let the screen settle, send a key; the frames drawn in answer (waits for at least one)."""
        import select

        loop = asyncio.get_running_loop()
        settle = loop.time() + 5
        while loop.time() < settle and select.select([self.master], [], [], 0)[0] and self._read():
            await asyncio.sleep(0.3)
        before = self.output.count(b"\x1b[?2026l")
        os.write(self.master, key)
        deadline = loop.time() + timeout
        while self.output.count(b"\x1b[?2026l") == before:
            if loop.time() > deadline:
                raise AssertionError("no frame after the key")
            self._read()
            await asyncio.sleep(0.01)
        return self.output.count(b"\x1b[?2026l") - before

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        with contextlib.suppress(OSError):
            os.close(self.master)


@contextlib.contextmanager
def viewer(port: int, source: str = "127.0.0.1", size: tuple[int, int] = (100, 30)) -> Iterator[OpenSSH]:
    client = OpenSSH(port, source, size)
    try:
        yield client
    finally:
        client.close()


async def start(db: Path, tmp_path: Path, lines: list[str], **kwargs: Any) -> SSHService:
    limits = kwargs.pop("limits", Limits())
    config = SSHConfig(db=db, port=0, state_dir=tmp_path / "state", limits=limits, **kwargs)
    service = await start_ssh(config, lines.append)
    if service.forks is not None:  # sessions are spawned until the helper has loaded the browser
        assert await service.forks.wait_ready()
    return service


@pytest.fixture
async def hall(seed_db: Path, tmp_path: Path) -> AsyncIterator[tuple[SSHService, list[str]]]:
    lines: list[str] = []
    service = await start(seed_db, tmp_path, lines)
    yield service, lines
    await service.close()


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").decode().split("\0")


def ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def refusals(lines: list[str], reason: str) -> list[str]:
    return [line for line in lines if f"({reason}):" in line]


async def still_serves(service: SSHService) -> None:
    """Another client gets the browser, its first screen and an answer to a key: nothing needs a restart."""
    async with connect(service) as conn:
        process, _ = await open_browser(conn)
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait_closed(), TIMEOUT)
        assert process.exit_status == 0


# ---------------------------------------------------------------------------- prefork


async def test_openssh_gets_a_forked_browser_that_answers_keys(hall: tuple[SSHService, list[str]]) -> None:
    service, lines = hall
    assert service.forks is not None and service.forks.process is not None
    helper = service.forks.process.pid
    with viewer(service.port) as client:
        await client.read_until(EXPECTED)
        [pid] = child_pids(service)
        # A fork of the helper (the same program and arguments, never exec'd), adopted by the server.
        assert cmdline(pid) == cmdline(helper) and "dossier.serve.forkserver" in cmdline(pid)
        assert ppid(pid) == os.getpid() and ppid(helper) == os.getpid()
        assert os.getsid(pid) == pid  # the leader of its own session, on its PTY
        [session] = service.sessions
        assert session.child is not None and session.child.forked
        assert await client.frames_after(b"j") >= 1  # Down in the Actors pane: the screen answers
        client.write(b"q")
        await asyncio.wait_for(asyncio.to_thread(client.process.wait, TIMEOUT), TIMEOUT + 1)
        assert client.process.returncode == 0
    await eventually(lambda: not alive(pid) and not service.sessions)
    assert service.forks.forks == 1
    [said] = [line for line in lines if "prefork" in line]  # nothing went wrong: only that it was ready
    assert "forks ready" in said


async def test_a_dead_helper_is_started_again_and_sessions_go_on(hall: tuple[SSHService, list[str]]) -> None:
    service, lines = hall
    assert service.forks is not None and service.forks.process is not None
    async with connect(service) as conn:
        first, _ = await open_browser(conn)
        [browser] = child_pids(service)
        old = service.forks.process.pid
        os.kill(old, signal.SIGKILL)
        await eventually(lambda: any("the helper stopped" in line for line in lines))
        assert alive(browser)  # a running session does not depend on the helper
        assert await service.forks.wait_ready()
        assert service.forks.process is not None and service.forks.process.pid != old
        second, _ = await open_browser(conn)  # forked by the new helper
        assert all(s.child is not None and s.child.forked for s in service.sessions)
        first.close()
        second.close()
    [line] = [line for line in lines if "prefork: the helper stopped" in line]
    assert "starting it again" in line and line.count("\n") == 0
    assert len([line for line in lines if "forks ready" in line]) == 2


async def test_no_prefork_spawns_each_browser(seed_db: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    service = await start(seed_db, tmp_path, lines, prefork=False)
    try:
        assert service.forks is None
        async with connect(service) as conn:
            process, _ = await open_browser(conn)
            [pid] = child_pids(service)
            assert cmdline(pid)[1:] == ["-I", "-m", "dossier", "browse", str(seed_db.resolve())]
            process.close()
    finally:
        await service.close()


# ---------------------------------------------------------------------------- misbehaving clients


async def test_half_open_connections_are_capped_and_closed_at_once(seed_db: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    service = await start(seed_db, tmp_path, lines, limits=Limits(max_pending=6, pending_per_ip=4, login_timeout=3))
    loop = asyncio.get_running_loop()
    socks: list[socket.socket] = []
    try:
        for n in range(12):  # 5 from one address (4 may wait), then 7 from another (2 more may wait: 6 in all)
            s = socket.socket()
            s.setblocking(False)
            s.bind((f"127.0.4.{1 if n < 5 else 2}", 0))
            await loop.sock_connect(s, ("127.0.0.1", service.port))
            socks.append(s)
        await eventually(lambda: len(refusals(lines, "pending")) == 6)
        assert service.pending_total == 6
        said = refusals(lines, "pending")
        assert "127.0.4.1" in said[0] and "4 from this address" in said[0]
        assert all("127.0.4.2" in line and "6 in all" in line for line in said[1:])
        await still_serves_after_login_timeout(service)
        assert all(line.count("\n") == 0 and "Traceback" not in line for line in lines)
    finally:
        for s in socks:
            s.close()
        await service.close()


async def still_serves_after_login_timeout(service: SSHService) -> None:
    await eventually(lambda: service.pending_total == 0, timeout=15)  # the silent ones timed out
    await still_serves(service)


async def test_a_connection_flood_from_one_address_is_refused_line_by_line(seed_db: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    service = await start(seed_db, tmp_path, lines, limits=Limits(rate=3))
    try:
        ssh = ssh_program()
        argv = [ssh, "-F", NO_CONFIG, "-T", "-p", str(service.port), "-b", "127.0.5.1"]
        argv += ["-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={KNOWN_HOSTS}", "-o", "BatchMode=yes"]
        results = []
        for _ in range(8):
            done = await asyncio.to_thread(
                subprocess.run, [*argv, "viewer@127.0.0.1", "true"], capture_output=True, timeout=TIMEOUT
            )
            results.append(done)
        said = [r.stderr.decode() for r in results]
        assert all("runs no commands" in s for s in said[:3])
        assert all("too many connections from 127.0.5.1" in s for s in said[3:])
        assert len(refusals(lines, "rate")) == 5 and len(refusals(lines, "request")) == 3
        await still_serves(service)  # another address is not held back
    finally:
        await service.close()


async def test_a_client_that_never_reads_is_disconnected(seed_db: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    service = await start(seed_db, tmp_path, lines, limits=Limits(stall_timeout=2))
    try:
        async with connect(service) as conn:
            process, _ = await open_browser(conn, size=(400, 150))
            [pid] = child_pids(service)
            # The client stops reading its socket (a stuck terminal, a suspended laptop) but keeps sending
            # keys, each redrawing much of a big screen: the output piles up on the server's side.
            conn._transport.pause_reading()  # type: ignore[attr-defined]
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            n = 0
            while not refusals(lines, "stalled") and loop.time() < deadline:
                process.stdin.write(b"\t" if n % 3 == 0 else b"j")
                n += 1
                await asyncio.sleep(0.02)
            [line] = refusals(lines, "stalled")
            assert "127.0.0.1" in line and "2 s" in line
            await eventually(lambda: not alive(pid) and not service.sessions)
            conn.abort()
        await still_serves(service)
    finally:
        await service.close()


async def test_a_window_size_storm_is_coalesced(hall: tuple[SSHService, list[str]]) -> None:
    service, lines = hall
    async with connect(service) as conn:
        process, _ = await open_browser(conn)
        [session] = service.sessions
        assert session.child is not None and session.child.master is not None
        master = session.child.master
        from dossier.serve.child import get_pty_size

        sizes_seen: set[tuple[int, int]] = set()
        for n in range(400):
            process.change_terminal_size(80 + n % 50, 24 + n % 10)
            if n % 20 == 0:
                sizes_seen.add(get_pty_size(master))
            await asyncio.sleep(0)
        process.change_terminal_size(90, 33)
        await eventually(lambda: get_pty_size(master) == (90, 33))  # the last size wins
        assert len(sizes_seen) < 20  # not one change per request
        [line] = refusals(lines, "resize")
        assert "127.0.0.1" in line
        process.close()
    await still_serves(service)


async def test_a_megabyte_of_keys_is_cut_to_the_input_rate(hall: tuple[SSHService, list[str]]) -> None:
    service, lines = hall
    with viewer(service.port, "127.0.7.1") as client:
        await client.read_until(EXPECTED)
        data = memoryview(b"j" * (1 << 20))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while data and loop.time() < deadline:
            try:
                data = data[os.write(client.master, data[:4096]) :]
            except BlockingIOError:
                client._read()
                await asyncio.sleep(0.001)
        assert not data
        await eventually(lambda: bool(refusals(lines, "input")))
        [line] = refusals(lines, "input")
        assert "127.0.7.1" in line and "4096 bytes of input a second" in line
        await still_serves(service)  # the flood is not queued for the others
    assert len(refusals(lines, "input")) == 1  # one line a minute per session, however many bytes


# ---------------------------------------------------------------------------- status


async def test_the_status_line_comes_every_interval(seed_db: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    service = await start(seed_db, tmp_path, lines, limits=Limits(status_interval=0.5, rate=1))
    try:
        async with connect(service) as conn:
            process, _ = await open_browser(conn)
            with pytest.raises(asyncssh.DisconnectError):
                async with connect(service):
                    pass
            await eventually(lambda: any("rate 1" in line for line in lines if " status: " in line))
            process.close()
    finally:
        await service.close()
    status = [line for line in lines if " ssh status: " in line]
    first = next(line for line in status if "1 session," in line and "rate" in line)
    assert "rate 1" in first and "MiB PSS" in first and "processes" in first
    assert first[:4].isdigit() and first.count("\n") == 0


async def test_the_status_line_reads_the_memory_off_the_loop_that_relays_the_sessions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import threading

    import dossier.serve as serve

    readers: list[threading.Thread] = []

    def memory() -> TreeMemory:
        readers.append(threading.current_thread())
        return TreeMemory(processes=2, rss_kib=2048, pss_kib=1024, own_rss_kib=1024)

    monkeypatch.setattr(serve, "tree_memory", memory)
    log = EventLog("ssh")
    task = asyncio.create_task(serve.log_status_every(0.05, lambda: 3, lambda: 4, log))
    try:
        await eventually(lambda: len(log.lines) >= 2)
    finally:
        task.cancel()
    assert readers and all(reader is not threading.main_thread() for reader in readers)
    assert "status: 3 sessions, 4 connections; memory 1 MiB PSS, 2 MiB RSS in 2 processes" in log.lines[0]


def test_status_line_format() -> None:
    log = EventLog("ssh")
    log.refused("rate", "127.0.0.9", "more than 10 connections a minute")
    log.refused("pending", "127.0.0.9", "8 from this address not yet logged in")
    log.refused("pending", "127.0.0.9", "8 from this address not yet logged in")
    memory = TreeMemory(processes=3, rss_kib=300 * 1024, pss_kib=100 * 1024, own_rss_kib=50 * 1024)
    line = status_line(24, 25, memory, log)
    assert line == (
        "status: 24 sessions, 25 connections; memory 100 MiB PSS, 300 MiB RSS in 3 processes (server 50 MiB); "
        "refused in the last minute: pending 2, rate 1 (since start 3)"
    )
    assert "refused in the last minute: none (since start 3)" in status_line(1, 1, memory, log)
    assert [line.split(" ", 2)[2] for line in log.lines] == [
        "ssh refused 127.0.0.9 (rate): more than 10 connections a minute",
        "ssh refused 127.0.0.9 (pending): 8 from this address not yet logged in",
        "ssh refused 127.0.0.9 (pending): 8 from this address not yet logged in",
    ]


def test_refusal_lines_are_bounded_and_counted() -> None:
    log = EventLog("ssh", max_lines_per_minute=5)
    for n in range(50):
        log.refused("rate", f"127.0.0.{n}", "over")
    assert len(log.lines) == 6 and "the rest are counted only" in log.lines[-1]
    assert log.refusals["rate"] == 50


def test_tree_memory_counts_this_process_and_its_children() -> None:
    alone = tree_memory()
    child = subprocess.Popen(["sleep", "5"])
    try:
        with_child = tree_memory()
    finally:
        child.kill()
        child.wait()
    assert with_child.processes == alone.processes + 1 and with_child.rss_kib > alone.own_rss_kib > 0
    assert with_child.pss_kib > 0


def test_cli_limits_for_a_hall(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "ssh", "--help"])
    assert result.exit_code == 0
    for option in ("--max-pending", "--pending-per-ip", "--stall-timeout", "--input-rate", "--status-interval"):
        assert option in result.output
    assert "--no-prefork" in result.output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--max-pending", "0"], "--max-pending must be at least 1"),
        (["--input-rate", "10"], "--input-rate must be at least 64"),
        (["--stall-timeout", "-1"], "--stall-timeout must not be negative"),
    ],
)
def test_cli_refuses_bad_hall_limits(
    runner: CliRunner, seed_db: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    argv = ["serve", "ssh", "--db", str(seed_db), "--port", "0", "--state-dir", str(tmp_path / "st"), *args]
    result = runner.invoke(main, argv)
    assert result.exit_code == 1 and reason in result.output
    assert result.output.strip().count("\n") == 0


def test_a_counted_drop_and_a_refusal_line_of_its_own_meet_in_the_status_line() -> None:
    # What `serve web` logs through: its own wording per line, the one status line for both servers.
    log = EventLog("serve web:", max_lines_per_minute=2)
    log.count("idle")
    for n in range(3):
        log.refused_line("half-open", f"closed a connection from 127.0.0.{n}: no whole request in 10 s")
    assert [line.split(" ", 2)[2] for line in log.lines] == [
        "serve web: closed a connection from 127.0.0.0: no whole request in 10 s",
        "serve web: closed a connection from 127.0.0.1: no whole request in 10 s",
        "serve web: refused: over 2 refusals this minute; the rest are counted only",
    ]
    memory = TreeMemory(processes=2, rss_kib=2048, pss_kib=1024, own_rss_kib=1024)
    assert status_line(0, 3, memory, log).endswith("refused in the last minute: half-open 3, idle 1 (since start 4)")
    assert log.refusals_total == {"half-open": 3, "idle": 1} and not log.refusals


_SETTLE = r"""
import json, re, tempfile, os
from dossier.serve import forkserver

def free_chunks():
    libc = forkserver._libc()
    with tempfile.TemporaryFile() as out:
        stream = libc.fdopen(os.dup(out.fileno()), b"w")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        out.seek(0)
        heap = out.read().decode().split("</heap>", 1)[0]
    return sum(int(n) for n in re.findall(r'<(?:size|unsorted) from="\d+" to="\d+" total="\d+" count="(\d+)"', heap))

garbage = [bytes(n) for n in range(600, 4000, 7)]  # C-heap chunks
del garbage[::2]  # holes between live ones
before = free_chunks()
forkserver._settle_memory()
print(json.dumps([before, free_chunks(), len(forkserver._HELD_CHUNKS)]))
"""


def test_the_helper_takes_the_heap_holes_before_forking() -> None:
    # What the forks would otherwise allocate into, copying pages shared with live data (glibc, Linux).
    import json
    import sys

    out = subprocess.run([sys.executable, "-c", _SETTLE], capture_output=True, text=True, timeout=60, check=True)
    before, after, held = json.loads(out.stdout)
    assert before >= 100 and held >= before // 2 and after <= before // 4, out.stdout

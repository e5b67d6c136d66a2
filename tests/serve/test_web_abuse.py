"""`dossier serve web` against misbehaving tabs: caps, a tab that never reads, storms, half-open connections, the log.

A real server on 127.0.0.1, real children, clients speaking textual-serve's
protocol (`tests/bench/webclient.py`); the server's log is collected line by
line. Timings are never asserted: only what happened (who was dropped, who
still gets frames, which lines were logged).
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.serve import Limits, TreeMemory, status_line
from dossier.serve.web import MAX_CONNECTIONS_PER_ADDRESS, WebConfig, WebService, start_web
from tests.bench.webclient import NonReader, WebClient
from tests.serve.test_serve_ssh import EXPECTED, alive, eventually
from tests.serve.test_serve_web import run_command

TIMEOUT = 30.0


class Log(list[str]):
    def matching(self, pattern: str) -> list[str]:
        return [line for line in self if re.search(pattern, line)]


async def start(db: Path, log: Log, **kwargs: Any) -> WebService:
    return await start_web(WebConfig(db=db, port=0, log=log.append, **kwargs), EXPECTED)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


async def tab(session: aiohttp.ClientSession, service: WebService) -> WebClient:
    client = await WebClient.connect(session, service.port)
    await client.wait_for(EXPECTED, TIMEOUT)
    return client


async def refused(session: aiohttp.ClientSession, service: WebService) -> WebClient:
    client = await WebClient.connect(session, service.port)
    await asyncio.wait_for(client.closed.wait(), TIMEOUT)
    assert client.close_code == 1013
    return client


async def answers(client: WebClient, key: str = "j") -> bool:
    """The tab's app answers a key with output (it is alive and its output reaches the tab)."""
    return await client.key_to_screen(key, timeout=TIMEOUT) is not None


async def test_each_cap_refuses_with_one_log_line(seed_db: Path, session: aiohttp.ClientSession) -> None:
    log = Log()
    service = await start(seed_db, log, limits=Limits(max_sessions=2, per_ip=1, rate=3))
    try:
        first = await tab(session, service)
        over_per_ip = await refused(session, service)
        assert "too many sessions from 127.0.0.1: 1 running" in over_per_ip.text()
        assert len(log.matching(r"serve web: refused 127\.0\.0\.1: too many sessions from 127\.0\.0\.1")) == 1
        # The total cap: a second address (127.0.0.2 is loopback too) fills it, a third is refused.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))) as other:
            second = await tab(other, service)
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=("127.0.0.3", 0))) as third:
                busy = await refused(third, service)
            assert "server busy" in busy.text()
            assert len(log.matching(r"refused 127\.0\.0\.3: server busy: 2 sessions running")) == 1
            await second.close()
        # The rate: 127.0.0.1 has made 2 attempts this minute; the 3rd passes the rate (and the per-address
        # cap refuses it), the 4th is over the rate.
        await refused(session, service)
        over_rate = await refused(session, service)
        assert "more than 3 a minute" in over_rate.text()
        assert len(log.matching(r"refused 127\.0\.0\.1: too many connections from 127\.0\.0\.1: more than 3")) == 1
        assert len(log.matching("refused")) == 4  # one line per refusal, nothing else said about them
        assert not log.matching("Traceback")
        assert await answers(first)  # the session that was let in is untouched
        await first.close()
    finally:
        await service.close()


async def test_a_tab_that_never_reads_is_dropped_while_another_keeps_getting_frames(
    seed_db: Path, session: aiohttp.ClientSession
) -> None:
    log = Log()
    service = await start(seed_db, log, send_timeout=1.5, limits=Limits(per_ip=3))
    try:
        good = await tab(session, service)
        stuck = await NonReader.connect(service.port, width=500, height=200)
        await eventually(lambda: len(service.server.services) == 2, TIMEOUT)
        stuck_pid = list(service.server.tabs)[-1].pid  # the newest tab's app (tabs keep their opening order)
        assert stuck_pid is not None
        # The non-reader asks for whole new screens (500x200 each) and reads none of them; the good tab
        # keeps typing, and its app keeps answering, before and after the non-reader is dropped.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        answered = 0
        flip = 0
        while not log.matching("dropped"):
            assert loop.time() < deadline, f"the non-reader was never dropped: {log}"
            flip ^= 1
            await stuck.send("resize", {"width": 499 + flip, "height": 200}, timeout=0.05)
            answered += await answers(good, "jk"[flip])
        assert answered > 0
        [line] = log.matching("dropped")
        assert re.search(r"serve web: dropped 127\.0\.0\.1: not reading its websocket \(a write waited 1\.5 s\)$", line)
        await eventually(lambda: not alive(stuck_pid) and len(service.server.services) == 1, TIMEOUT)
        assert stuck.is_closed_by_server()
        for key in "jjkk":
            assert await answers(good, key)
        assert service.server.slots.running == 1
        assert service.server.counts["not-reading"] == 1
        stuck.close()
        await good.close()
    finally:
        await service.close()


async def test_a_resize_storm_and_a_megabyte_of_keys_leave_another_tab_alone(
    seed_db: Path, session: aiohttp.ClientSession
) -> None:
    log = Log()
    service = await start(seed_db, log)
    try:
        good = await tab(session, service)
        storm = await tab(session, service)
        for n in range(2000):
            await storm.resize(60 + n % 200, 20 + n % 50)
        await storm.resize(90, 28)
        assert await answers(good)
        chunk = "j" * (60 * 1024)
        for _ in range(18):  # a little over 1 MiB of keys, each message under the 64 KiB bound
            await storm.keys(chunk)
        assert await answers(good, "k")
        # Every message is over the burst, so every one is dropped: once the server has read all 18 of them,
        # which may come after the good tab's answer (the storm's megabyte is still on its way when loaded).
        await eventually(lambda: service.server.counts["input"] == 18, TIMEOUT)
        [line] = log.matching("dropping input")
        assert "serve web: dropping input from 127.0.0.1: over 2 KiB a second (8 KiB at once)" in line
        # The storming tab is still served: not dropped, its app alive and answering.
        assert not storm.closed.is_set() and len(service.server.services) == 2
        await asyncio.sleep(4.5)  # the input budget refills (2 KiB a second)
        assert await answers(storm, "k")
        assert not log.matching("dropped|Traceback")
        await storm.close()
        await good.close()
        await eventually(lambda: not service.server.services, TIMEOUT)  # both apps ended before the server stops
    finally:
        await service.close()


async def test_half_open_connections_are_closed_and_one_address_holds_few(seed_db: Path) -> None:
    log = Log()
    service = await start(seed_db, log, request_timeout=1.5)
    loop = asyncio.get_running_loop()
    socks = []
    try:
        for _ in range(MAX_CONNECTIONS_PER_ADDRESS + 6):
            sock = socket.socket()
            sock.setblocking(False)
            await loop.sock_connect(sock, ("127.0.0.1", service.port))
            await loop.sock_sendall(sock, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{service.port}\r\nAcc".encode())
            socks.append(sock)
        await eventually(lambda: len(log.matching("more than")) == 6, TIMEOUT)
        await eventually(lambda: all(state(sock) != 1 for sock in socks), TIMEOUT)
        assert len(log.matching(r"closed a connection from 127\.0\.0\.1: no whole request in 1\.5 s$")) == (
            MAX_CONNECTIONS_PER_ADDRESS
        )
        assert len(log.matching(rf"from 127\.0\.0\.1: more than {MAX_CONNECTIONS_PER_ADDRESS} open at once$")) == 6
        # The server still serves: a page, then a tab.
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{service.port}/") as response:
                assert response.status == 200
            client = await tab(session, service)
            await client.close()
    finally:
        for sock in socks:
            sock.close()
        await service.close()


def state(sock: socket.socket) -> int:
    """The TCP state of a socket (Linux `tcp_info.tcpi_state`: 1 is established)."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


async def test_the_status_line_gives_sessions_memory_and_refusals(
    seed_db: Path, session: aiohttp.ClientSession
) -> None:
    log = Log()
    service = await start(seed_db, log, status_interval=0.5, limits=Limits(max_sessions=1))
    try:
        client = await tab(session, service)
        await refused(session, service)
        # The one status line of both servers (`serve.status_line`): the tree is the server and the tab's app;
        # the first line after the refusal counts it (the line before it, if any, said none).
        await eventually(lambda: len(log.matching(r"status: .*\(since start 1\)$")) > 0, TIMEOUT)
        line = log.matching(r"status: .*\(since start 1\)$")[0]
        found = re.search(
            r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ serve web: status: 1 session, (\d+) connections?; "
            r"memory (\d+) MiB PSS, (\d+) MiB RSS in (\d+) processes \(server (\d+) MiB\); "
            r"refused in the last minute: busy 1 \(since start 1\)$",
            line,
        )
        assert found, log
        connections, pss_mib, rss_mib, processes, server_mib = (int(n) for n in found.groups())
        assert connections >= 1 and processes >= 2 and rss_mib > server_mib > 10 and pss_mib > 10
        assert status_line(1, connections, TreeMemory(2, 0, 0, 0), service.server.events).endswith(
            "refused in the last minute: none (since start 1)"
        )
        await client.close()
    finally:
        await service.close()


async def test_the_command_takes_the_web_limits_and_logs_its_status(seed_db: Path) -> None:
    process, port = await run_command(seed_db, "web", "--status-interval", "0.5", "--send-timeout", "3")
    try:
        assert process.stdout is not None
        said = []
        while not any("serve web: status:" in line for line in said):
            said.append((await asyncio.wait_for(process.stdout.readline(), TIMEOUT)).decode())
            assert said[-1], f"the server ended: {said}"
        found = re.search(
            r"status: 0 sessions, \d+ connections?; .* refused in the last minute: none \(since start 0\)$", said[-1]
        )
        assert found, said[-1]
        process.terminate()
        assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--send-timeout", "0", "--send-timeout must be positive"),
        ("--request-timeout", "-1", "--request-timeout must be positive"),
        ("--status-interval", "-1", "--status-interval must not be negative"),
    ],
)
def test_a_bad_web_limit_is_refused_in_one_line(seed_db: Path, option: str, value: str, said: str) -> None:
    result = CliRunner().invoke(main, ["serve", "web", "--db", str(seed_db), "--port", "0", option, value])
    assert result.exit_code == 1
    assert result.output.strip() == f"dossier: error: {said}"

"""`dossier serve web`: a real server on 127.0.0.1 (ephemeral port), an aiohttp client, real browsers behind it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from dossier.serve import Limits, ServeError
from dossier.serve.web import WebConfig, WebService, start_web
from tests import needs

from .test_serve_ssh import EXPECTED, alive, eventually, screen_text

TIMEOUT = 20.0
ENDED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR)


async def start(db: Path, **kwargs: Any) -> WebService:
    return await start_web(WebConfig(db=db, port=0, **kwargs), EXPECTED)


@pytest.fixture
async def server(seed_db: Path) -> AsyncIterator[WebService]:
    service = await start(seed_db)
    yield service
    await service.close()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def base(service: WebService) -> str:
    return f"http://127.0.0.1:{service.port}"


async def open_app(
    client: aiohttp.ClientSession, service: WebService, query: str = "?width=100&height=30"
) -> aiohttp.ClientWebSocketResponse:
    return await client.ws_connect(f"ws://127.0.0.1:{service.port}/ws{query}", origin=base(service))


async def read_until(ws: aiohttp.ClientWebSocketResponse, text: str, timeout: float = TIMEOUT) -> bytes:
    data = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while text not in screen_text(data):
        if loop.time() > deadline:  # the app may draw forever (a blinking cursor): a deadline, not a quiet spell
            raise AssertionError(f"{text!r} did not appear in {timeout} s: {screen_text(data)[-300:]!r}")
        message = await ws.receive(timeout=max(0.01, deadline - loop.time()))
        if message.type == aiohttp.WSMsgType.BINARY:
            data += message.data
        elif message.type in ENDED:
            raise AssertionError(f"closed before {text!r} appeared: {screen_text(data)[-300:]!r}")
    return data


async def until_closed(ws: aiohttp.ClientWebSocketResponse) -> bytes:
    data = b""
    while True:
        message = await ws.receive(timeout=TIMEOUT)
        if message.type == aiohttp.WSMsgType.BINARY:
            data += message.data
        elif message.type in ENDED:
            return data


def pids(service: WebService) -> list[int]:
    return [pid for s in service.server.services if (pid := s.pid) is not None]


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_text()
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


async def test_the_page_loads_and_pulls_nothing_from_outside(server: WebService, client: aiohttp.ClientSession) -> None:
    async with client.get(base(server) + "/") as response:
        assert response.status == 200
        page = await response.text()
        csp = response.headers["Content-Security-Policy"]
    assert f"<title>{EXPECTED}</title>" in page
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "googleapis" not in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in page
    for url in re.findall(r'(?:src|href)="([^"]+)"|url\("([^"]+)"\)', page):
        local = url[0] or url[1]
        async with client.get(base(server) + local) as asset:
            assert asset.status == 200, local
    # What textual-serve offers beyond the app is not served: downloads, directory listings.
    for path in ("/download/anything", "/static/", "/static/js/"):
        async with client.get(base(server) + path) as response:
            assert response.status in (403, 404), path


async def test_a_foreign_host_header_is_refused(server: WebService, client: aiohttp.ClientSession) -> None:
    async with client.get(base(server) + "/", headers={"Host": f"rebound.example:{server.port}"}) as response:
        assert response.status == 421
    async with client.get(f"http://localhost:{server.port}/") as response:
        assert response.status == 200  # another name for loopback is this server too


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "http://127.0.0.1:1", "null", "https://127.0.0.1:{port}", None]
)
async def test_a_websocket_from_a_foreign_origin_is_refused(
    server: WebService, client: aiohttp.ClientSession, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin.format(port=server.port)}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(f"ws://127.0.0.1:{server.port}/ws", headers=headers)
    assert refused.value.status == 403
    assert not server.server.services and server.server.slots.running == 0


async def test_a_tab_gets_the_dossier_in_a_minimal_environment_and_quits(
    server: WebService, client: aiohttp.ClientSession
) -> None:
    ws = await open_app(client, server)
    drawn = await read_until(ws, EXPECTED)
    assert EXPECTED in screen_text(drawn)
    [pid] = pids(server)
    env = environ(pid)
    assert set(env) == {
        "HOME",
        "PATH",
        "LANG",
        "LC_ALL",
        "DOSSIER_DB",
        "DOSSIER_NOTEBOOK",  # "off": a served session writes no notebook on the server
        "DOSSIER_READ_ONLY",  # "1": nor the dossier (`--write` is refused)
        "TEXTUAL_DRIVER",
        "TEXTUAL_FPS",
        "TEXTUAL_COLOR_SYSTEM",
        "TERM_PROGRAM",
        "COLUMNS",
        "ROWS",
    }
    assert (env["COLUMNS"], env["ROWS"]) == ("100", "30")
    # Malformed messages are ignored, not fatal.
    for junk in ("not json", "[]", '["stdin", 5]', '["resize", "big"]', '{"a": 1}', '["resize", {"width": "x"}]'):
        await ws.send_str(junk)
    await ws.send_json(["resize", {"width": 70, "height": 20}])
    await ws.send_json(["stdin", "q"])
    await until_closed(ws)
    await eventually(lambda: not alive(pid) and not server.server.services)
    assert not Path(env["HOME"]).exists()


async def test_sizes_are_bounded(server: WebService, client: aiohttp.ClientSession) -> None:
    ws = await open_app(client, server, "?width=99999&height=99999")
    await read_until(ws, EXPECTED)
    [pid] = pids(server)
    assert (environ(pid)["COLUMNS"], environ(pid)["ROWS"]) == ("500", "200")
    await ws.send_str("x" * (128 * 1024))  # over the message bound: the server closes the socket
    await until_closed(ws)
    assert ws.closed
    await eventually(lambda: not alive(pid))


async def test_the_cap_on_apps_refuses_with_a_reason(seed_db: Path, client: aiohttp.ClientSession) -> None:
    service = await start(seed_db, limits=Limits(max_sessions=1))
    try:
        first = await open_app(client, service)
        await read_until(first, EXPECTED)
        second = await open_app(client, service)
        said = await until_closed(second)
        assert b"dossier: server busy" in said and second.close_code == 1013
        assert len(service.server.services) == 1
        await first.close()
        await eventually(lambda: service.server.slots.running == 0)
        third = await open_app(client, service)
        await read_until(third, EXPECTED)
        await third.close()
    finally:
        await service.close()


async def test_an_idle_tab_is_closed(seed_db: Path, client: aiohttp.ClientSession) -> None:
    # 6 s: long enough for the app to draw first on a loaded machine (2 shared cores), short for a test.
    service = await start(seed_db, limits=Limits(idle_timeout=6))
    try:
        ws = await open_app(client, service)
        await read_until(ws, EXPECTED)
        [pid] = pids(service)
        said = await until_closed(ws)
        assert b"idle for 6 s" in said
        await eventually(lambda: not alive(pid))
    finally:
        await service.close()


async def test_stopping_the_server_ends_every_app(seed_db: Path, client: aiohttp.ClientSession) -> None:
    service = await start(seed_db)
    tabs = [await open_app(client, service) for _ in range(2)]
    for ws in tabs:
        await read_until(ws, EXPECTED)
    running = pids(service)
    assert len(running) == 2
    await service.close()
    assert not any(alive(pid) for pid in running)


async def test_no_authentication_means_loopback_unless_public(seed_db: Path) -> None:
    with pytest.raises(ServeError, match="--public"):
        await start(seed_db, host="0.0.0.0")


class DevTools:
    """Just enough of the Chrome DevTools protocol to open a page, evaluate JavaScript and take a screenshot."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ask: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            ask["sessionId"] = session
        await self.ws.send_json(ask)
        while True:
            answer = await self.ws.receive_json(timeout=TIMEOUT)
            if answer.get("id") == self.next_id:
                assert "error" not in answer, answer
                result: dict[str, Any] = answer["result"]
                return result


async def devtools_endpoint(process: asyncio.subprocess.Process) -> str:
    """The DevTools websocket address Chromium prints on stderr once it listens (its last lines if it ends first)."""
    assert process.stderr is not None
    said: list[str] = []
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), TIMEOUT)).decode(errors="replace")
        assert line, "chromium ended before it listened: " + " | ".join(said[-3:])
        said.append(line.strip())
        if line.startswith("DevTools listening on "):
            return line.split(" on ", 1)[1].strip()


def chromium_argv(chromium: Path, profile: str) -> list[str]:
    """Headless Chromium on a new empty profile (docs/serving.md, "The browser test").

    `--no-sandbox` is the one it cannot do without here: CI runs as root, and
    Chromium refuses to start as root with its sandbox. The profile directory
    is new and empty, so no earlier run's state counts. The rest keep the run
    to loopback as far as Chromium allows (`--disable-background-networking`,
    `--disable-component-update`, `--disable-sync`, `--disable-quic`); even
    with them it asks Google for the time, updates and accounts at start,
    which fails at once on a closed network without holding up the page.
    """
    return [
        str(chromium),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1200,800",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]


async def browse_in_chromium(
    url: str, shot: Path, client: aiohttp.ClientSession, chromium: Path, while_open: Callable[[], None] | None = None
) -> str:
    """Open `url` in headless Chromium, wait until the app has drawn, save a screenshot; body's classes.

    `while_open` is called after the screenshot, while the page (and so its session) is still open."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    argv = chromium_argv(chromium, profile)
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "HOME": profile}
    )
    try:
        endpoint = await devtools_endpoint(process)
        async with client.ws_connect(endpoint, max_msg_size=0) as ws:
            tools = DevTools(ws)
            target = (await tools.call("Target.createTarget", url=url))["targetId"]
            session = (await tools.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
            classes = ""
            loop = asyncio.get_running_loop()
            deadline = loop.time() + TIMEOUT
            while "-first-byte" not in classes and loop.time() < deadline:
                await asyncio.sleep(0.2)
                found = await tools.call("Runtime.evaluate", session, expression="document.body.className")
                classes = str(found["result"].get("value", ""))
            await asyncio.sleep(1.0)  # let the first frames settle before the picture
            picture = await tools.call("Page.captureScreenshot", session, format="png")
            shot.write_bytes(base64.b64decode(picture["data"]))
            if while_open is not None:
                while_open()
            return classes
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have ended by itself
            process.kill()
        await process.wait()
        shutil.rmtree(profile, ignore_errors=True)


async def test_headless_chromium_renders_the_app(
    server: WebService, client: aiohttp.ClientSession, tmp_path: Path
) -> None:
    """The real page in a real browser: it opens the websocket from its own origin and the app draws in it.

    Without Chromium this skips on a laptop and fails under CI=true (`tests/needs.py`).
    """
    chromium = needs.chromium("for the browser test of serve web")
    shot = Path(os.environ.get("DOSSIER_SCREENSHOT", tmp_path / "page.png"))
    sessions: list[int] = []
    classes = await browse_in_chromium(
        base(server) + "/", shot, client, chromium, lambda: sessions.append(len(server.server.services))
    )
    # The page marks its body "-first-byte" once the app's output has reached the terminal in the tab.
    assert "-first-byte" in classes and "-closed" not in classes
    assert sessions == [1]  # counted while the page was open: once Chromium is killed its session ends
    assert shot.stat().st_size > 10_000


def process_state(pid: int) -> str | None:
    """A process's state letter (R, S, Z, ...), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


async def run_command(seed_db: Path, kind: str, *extra: str) -> tuple[asyncio.subprocess.Process, int]:
    """`dossier serve KIND --port 0` as a real process; it and the port it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dossier",
        "serve",
        kind,
        "--db",
        str(seed_db),
        "--port",
        "0",
        *extra,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), TIMEOUT)).decode()
        assert line, "the server ended before it said where to connect"
        if found := re.search(r"(?:ssh -p |http://127\.0\.0\.1:)(\d+)", line):
            return process, int(found.group(1))


async def test_the_command_stops_on_sigterm_and_ends_its_apps(seed_db: Path, client: aiohttp.ClientSession) -> None:
    process, port = await run_command(seed_db, "web")
    try:
        ws = await client.ws_connect(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}")
        await read_until(ws, EXPECTED)
        [child] = children_of(process.pid)
        process.send_signal(signal.SIGTERM)
        await until_closed(ws)
        assert process.stdout is not None
        said = (await asyncio.wait_for(process.stdout.read(), TIMEOUT)).decode()
        assert await process.wait() == 0
        assert "Stopped; 1 session ended." in said and "Traceback" not in said
        assert process_state(child) is None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_apps_die_with_a_killed_server(seed_db: Path, client: aiohttp.ClientSession) -> None:
    process, port = await run_command(seed_db, "web")
    ws = await client.ws_connect(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}")
    await read_until(ws, EXPECTED)
    [child] = children_of(process.pid)
    home = Path(environ(child)["HOME"])
    process.kill()  # SIGKILL: the server cannot end its children itself
    await process.wait()
    try:
        await eventually(lambda: process_state(child) in (None, "Z"))  # dead (a zombie waits for init to reap it)
    finally:
        if process_state(child) not in (None, "Z"):
            os.kill(child, signal.SIGKILL)  # leave nothing behind even when the check fails
        shutil.rmtree(home, ignore_errors=True)  # a killed server cannot remove its children's homes

"""`dossier serve web`: each browser tab gets its own read-only browser on the dossier, via textual-serve.

textual-serve's `Server` and `AppService` are used for the protocol (the
page, the websocket, the packet format Textual's web driver speaks) but
several of their choices do not fit a server left running at a
conference, so this module subclasses both and replaces:
- the child: `AppService` runs its command through a shell with the
  server's whole environment; here it is an argument vector
  (`serve.child.browse_argv`) with the minimal environment of
  `serve.child.child_env`, in its own process group, killed and reaped
  if it does not quit within a grace period;
- the routes: no `/download` (a read-only server delivers no files), no
  directory listing under `/static`;
- the websocket: refused (403) unless its Origin is this server's own
  origin; a Host header that is not this server's address is refused too
  (DNS rebinding); sessions are capped in all and per address, connections
  rate-limited per address, sizes clamped (500x200), messages bounded
  (64 KiB), malformed messages ignored, idle sessions closed;
- the page: textual-serve's template loads Roboto Mono from Google Fonts;
  ours (`templates/app_index.html`) serves the copy textual-serve ships,
  and a Content-Security-Policy keeps the page to this server;
- links: the app may ask the tab to open a URL; only http(s) URLs pass;
- a slow tab: textual-serve awaits each write to the websocket, so a tab that
  never reads stalls its own app (and nothing else) forever; here a write
  that cannot complete within `send_timeout` s drops that tab (one log line);
- input: keys beyond a budget (INPUT_BURST bytes, refilled at INPUT_RATE a
  second) are dropped, a message over the budget whole, so a megabyte of
  keys pasted at once does not keep a child busy (120 KiB of `j` cost an app
  3 s of a core here, so 1 MB about 25 s); resizes are applied at most every
  RESIZE_EVERY s, the latest winning;
- connections: one that has not sent a whole request within
  `request_timeout` s (half-open) is closed, and an address holding more than
  MAX_CONNECTIONS_PER_ADDRESS connections loses the newest;
- the log: every refusal and drop is one line, and every `status_interval` s
  a status line gives the sessions, the memory and the refusals by reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from ..text import clean_text
from . import (
    EventLog,
    Limits,
    RateLimiter,
    ServeError,
    SessionSlots,
    TreeMemory,
    check_exposure,
    clamp_size,
    connect_host,
    is_loopback,
    serve_until_stopped,
    status_line,
    tree_memory,
)
from .child import browse_argv, child_env, child_setup, end_process_group, make_home, remove_home

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(textual_serve.__file__).resolve().parent / "static"
"""textual-serve's own static files: its JavaScript, CSS and the Roboto Mono font."""
MAX_MESSAGE = 64 * 1024
"""The largest websocket message a client may send (keys and resizes are a few bytes)."""
QUIT_GRACE = 3.0
"""Seconds an app has to quit when asked before its process group is killed."""
INPUT_BURST = 8 * 1024
"""Bytes of keys a tab may send at once (a pasted paragraph); see INPUT_RATE."""
INPUT_RATE = 2 * 1024
"""Bytes of keys a second a tab may send on average: typing is tens, mouse motion hundreds; beyond, dropped."""
MESSAGE_COST = 64
"""What a message other than keys and resizes (ping, focus, blur) counts against the input budget."""
RESIZE_EVERY = 0.1
"""Seconds between two resizes passed to an app; the latest size asked for wins."""
MAX_CONNECTIONS_PER_ADDRESS = 24
"""Connections (pages, assets, websockets, keep-alive) one address may hold open at once."""
CLOSE_WAIT = 2.0
"""Seconds a closing handshake may take before the connection is cut."""


@dataclass
class WebConfig:
    """Everything `dossier serve web` was asked for."""

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    public: bool = False
    limits: Limits = field(default_factory=Limits)
    send_timeout: float = 10.0
    """Seconds a write to a tab may wait (the tab not reading) before the tab is dropped."""
    request_timeout: float = 10.0
    """Seconds a new connection has to send a whole request before it is closed (half-open)."""
    status_interval: float = 60.0
    """Seconds between two status lines in the log (0: none)."""
    log: Callable[[str], None] | None = None
    """Where log lines go (each is one line); None: standard error."""

    def __post_init__(self) -> None:
        for name in ("send_timeout", "request_timeout"):
            if getattr(self, name) <= 0:
                raise ServeError(f"--{name.replace('_', '-')} must be positive")
        if self.status_interval < 0:
            raise ServeError("--status-interval must not be negative")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class InputBudget:
    """A token bucket of input bytes: `burst` at once, refilled at `rate` a second."""

    def __init__(self, burst: int = INPUT_BURST, rate: int = INPUT_RATE) -> None:
        self.burst = burst
        self.rate = rate
        self.tokens = float(burst)
        self.at = time.monotonic()

    def take(self, cost: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if cost > self.tokens:
            return False
        self.tokens -= cost
        return True


@dataclass
class Tab:
    """One websocket's session: its address, its app, its budget, its pending resize."""

    address: str
    websocket: web.WebSocketResponse
    transport: asyncio.BaseTransport | None
    budget: InputBudget = field(default_factory=InputBudget)
    size: tuple[int, int] = (80, 24)
    resizer: asyncio.Task[None] | None = None
    pump: asyncio.Task[None] | None = None
    input_dropped: bool = False
    dropped: bool = False


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host headers this server answers to; None (any) when it listens on every address."""
    if host in ("", "0.0.0.0", "::"):
        return None
    names = {host.lower(), f"[{host.lower()}]"}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    return frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else frozenset())


class DossierAppService(AppService):
    """One browser for one tab: the child as an argument vector, minimal environment, bounded stop."""

    def __init__(self, db: Path, **kwargs: Any) -> None:
        super().__init__(" ".join(browse_argv(db)), **kwargs)
        self.db = db
        self.home = make_home()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = child_env(self.db, self.home)
        env.update(
            TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
            TEXTUAL_FPS="60",
            TEXTUAL_COLOR_SYSTEM="truecolor",
            TERM_PROGRAM="textual",
            COLUMNS=str(width),
            ROWS=str(height),
        )
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *browse_argv(self.db),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            cwd=self.home,
            start_new_session=True,
            preexec_fn=child_setup(),
        )
        self._stdin = process.stdin
        return process

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*clamp_size(width, height))

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit; if it has not within QUIT_GRACE s, kill its group; reap; remove its home."""
        process = self._process
        task = self._task
        if task is not None:
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(super().stop()), QUIT_GRACE)
        if process is not None:
            await end_process_group(process.pid, lambda: process.returncode, grace=0.5)
        if task is not None and not task.done():
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(task, 2)
        if process is not None and (task is None or task.done()):
            await _wait_closed(process)
        self._task = None
        remove_home(self.home)

    async def on_meta(self, data: bytes) -> None:
        """Pass on only what a read-only tab needs: exit, and opening an http(s) link."""
        try:
            meta = json.loads(data)
        except ValueError:
            return
        kind = meta.get("type") if isinstance(meta, dict) else None
        if kind == "exit":
            await self.remote_close()
        elif kind == "open_url":
            url = clean_text(str(meta.get("url", "")), keep_newlines=False)
            if urlsplit(url).scheme in ("http", "https"):
                await self.remote_write_str(json.dumps(["open_url", {"url": url, "new_tab": True}]))
        # deliver_file_* and anything newer: a read-only demo server delivers no files.

    async def on_packed(self, payload: bytes) -> None:
        """Packed packets carry file chunks: not delivered (see on_meta)."""


class DossierWebServer(Server):
    """textual-serve's server with our routes, page, checks and limits."""

    def __init__(self, config: WebConfig, title: str) -> None:
        super().__init__(
            command=" ".join(browse_argv(config.db)),
            host=config.host,
            port=config.port,
            title=clean_text(title, keep_newlines=False),
            statics_path=STATIC,
            templates_path=TEMPLATES,
        )
        self.config = config
        self.limits = config.limits
        self.slots = SessionSlots(config.limits)
        self.rate = RateLimiter(config.limits.rate)
        self.services: set[DossierAppService] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self.tabs: dict[DossierAppService, Tab] = {}
        self.bound_port = config.port
        self.events = EventLog("serve web:", config.log or _stderr)
        """One line per refusal or drop (counted by reason), and the status line every `status_interval` s."""
        self.answered: set[object] = set()
        """Connections (their protocol objects) that have sent at least one whole request (pruned by `sweep`)."""
        self.first_seen: dict[object, float] = {}
        """When each open connection was first seen (pruned by `sweep`)."""

    @property
    def counts(self) -> Counter[str]:
        """Refusals and drops since the start, by reason."""
        return self.events.refusals_total

    def log(self, message: str) -> None:
        """One line in the server's log, stamped with the time (UTC)."""
        self.events.write(message)

    def refuse(self, reason: str, message: str) -> None:
        """Count a refusal (or a drop) under `reason` and say it in one line (at most 120 such lines a minute)."""
        self.events.refused_line(reason, message)

    # ------------------------------------------------------------ the app

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=MAX_MESSAGE)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Refuse a Host that is not this server (DNS rebinding); keep pages to this origin (CSP)."""
        self.answered.add(request.protocol)
        hosts = allowed_hosts(self.config.host, self.bound_port)
        if hosts is not None and request.host.lower() not in hosts:
            self.refuse("host", f"refused {request.remote}: a request for another host, {request.host[:80]!r}")
            return web.Response(status=421, text=f"dossier: this server does not answer for {request.host!r}\n")
        response = await handler(request)
        if not response.prepared:
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                f"img-src 'self' data:; font-src 'self'; connect-src 'self' ws://{request.host}; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
            )
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_index(self, request: web.Request) -> web.Response:
        font_size = max(6, min(_to_int(request.query.get("fontsize", "16"), 16), 64))
        context = {
            "font_size": font_size,
            "app_websocket_url": f"ws://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
            "ping_url": "",
        }
        response: web.Response = aiohttp_jinja2.render_template("app_index.html", request, context)
        return response

    def origin_refusal(self, request: web.Request) -> str | None:
        """Why a websocket request is refused for its origin, or None: only this server's own page may open one."""
        origin = request.headers.get("Origin")
        if not origin:
            return "a websocket needs an Origin header"
        if origin.lower() != f"http://{request.host}".lower():
            return f"websocket from a foreign origin refused: {origin[:80]!r}"
        return None

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        address = request.remote or "?"
        refusal = self.origin_refusal(request)
        if refusal is not None:
            self.refuse("origin", f"refused {address}: {refusal}")
            raise web.HTTPForbidden(text=f"dossier: {refusal}\n")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        refusal = None
        if not self.rate.allow(address):
            reason = "rate"
            refusal = f"too many connections from {address}: more than {self.limits.rate} a minute; try again later"
        else:
            refusal = self.slots.acquire(address)
            reason = "busy" if refusal and refusal.startswith("server busy") else "per-address"
        if refusal is not None:
            self.refuse(reason, f"refused {address}: {refusal}")
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_WAIT):
                    await websocket.send_bytes(f"dossier: {refusal}\r\n".encode())
                    await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=refusal[:120].encode())
            _cut(request.transport)
            return websocket
        width, height = clamp_size(
            _to_int(request.query.get("width", "80"), 80), _to_int(request.query.get("height", "24"), 24)
        )
        tab = Tab(address, websocket, request.transport, size=(width, height))

        async def write_bytes(data: bytes) -> None:
            await self._send(tab, websocket.send_bytes(data))

        async def write_str(data: str) -> None:
            await self._send(tab, websocket.send_str(data))

        service = DossierAppService(
            self.config.db,
            write_bytes=write_bytes,
            write_str=write_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.services.add(service)
        self.sockets.add(websocket)
        self.tabs[service] = tab
        try:
            await service.start(width, height)
            tab.pump = asyncio.create_task(self._pump(websocket, service, tab))
            with contextlib.suppress(asyncio.CancelledError):
                await tab.pump
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            if tab.resizer is not None:
                tab.resizer.cancel()
            await service.stop()
            self.services.discard(service)
            self.sockets.discard(websocket)
            self.tabs.pop(service, None)
            self.slots.release(address)
            if not websocket.closed and not tab.dropped:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(CLOSE_WAIT):
                        await websocket.close()
            _cut(request.transport)
        return websocket

    async def _send(self, tab: Tab, sending: Awaitable[None]) -> None:
        """Write to a tab; one that leaves a write waiting `send_timeout` s is not reading: it is dropped."""
        if tab.dropped:
            raise ConnectionResetError("the tab was dropped")
        try:
            async with asyncio.timeout(self.config.send_timeout):
                await sending
        except TimeoutError:
            self.drop(tab, f"not reading its websocket (a write waited {self.config.send_timeout:g} s)")
            raise ConnectionResetError("the tab was dropped") from None

    def drop(self, tab: Tab, why: str) -> None:
        """Cut a misbehaving tab's connection at once (its app is then ended), with one log line."""
        if tab.dropped:
            return
        tab.dropped = True
        self.refuse("not-reading", f"dropped {tab.address}: {why}")
        _cut(tab.transport, reset=True)
        if tab.pump is not None:
            tab.pump.cancel()

    async def _pump(self, websocket: web.WebSocketResponse, app_service: AppService, tab: Tab) -> None:
        """The tab's messages to the app; malformed ones are ignored, input over budget dropped, idle tabs closed."""
        loop = asyncio.get_running_loop()
        idle_limit = self.limits.idle_timeout
        last_input = loop.time()
        while True:
            timeout = max(0.0, last_input + idle_limit - loop.time()) if idle_limit > 0 else None
            try:
                message = await websocket.receive(timeout=timeout)
            except TimeoutError:
                reason = f"idle for {idle_limit:g} s; session closed"
                self.events.count("idle")
                self.log(f"closed {tab.address}: {reason}")
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(CLOSE_WAIT):
                        await websocket.send_bytes(f"\x1b[0m\r\ndossier: {reason}\r\n".encode())
                        await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=reason.encode())
                return
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                if message.type == WSMsgType.ERROR and isinstance(message.data, Exception):
                    self.log(f"closed {tab.address}: {clean_text(str(message.data), keep_newlines=False)[:120]}")
                return
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "resize" and isinstance(data, dict):
                # Never dropped (the last size must win) but applied at most every RESIZE_EVERY s.
                tab.size = clamp_size(_to_int(str(data.get("width")), 80), _to_int(str(data.get("height")), 24))
                if tab.resizer is None or tab.resizer.done():
                    tab.resizer = asyncio.create_task(self._resize(app_service, tab))
                continue
            cost = len(data) if kind == "stdin" and isinstance(data, str) else MESSAGE_COST
            if not tab.budget.take(cost):
                self.events.count("input")
                if not tab.input_dropped:
                    tab.input_dropped = True
                    self.log(
                        f"dropping input from {tab.address}: over {INPUT_RATE // 1024} KiB a second "
                        f"({INPUT_BURST // 1024} KiB at once); said once per session"
                    )
                continue
            if kind == "stdin" and isinstance(data, str):
                last_input = loop.time()
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "ping" and isinstance(data, str):
                await self._send(tab, websocket.send_json(["pong", data[:64]]))
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def _resize(self, app_service: AppService, tab: Tab) -> None:
        """Pass the tab's latest size to its app, then again each RESIZE_EVERY s while it keeps changing."""
        sent = None
        while tab.size != sent:
            sent = tab.size
            await app_service.set_terminal_size(*sent)
            await asyncio.sleep(RESIZE_EVERY)

    # ------------------------------------------------------------ watching

    async def watch(self, connections: Callable[[], list[Any]]) -> None:
        """Once a second: close half-open connections and an address's connections over the cap; log the status."""
        loop = asyncio.get_running_loop()
        interval = self.config.status_interval
        next_status = loop.time() + interval
        while True:
            await asyncio.sleep(min(1.0, interval) if interval > 0 else 1.0)
            self.sweep(connections(), loop.time())
            if interval > 0 and loop.time() >= next_status:
                next_status = loop.time() + interval
                memory = await asyncio.to_thread(tree_memory)  # off the loop that relays every tab (`log_status_every`)
                self.log(self.status(len(connections()), memory))

    def sweep(self, handlers: list[Any], now: float) -> None:
        open_now = set(handlers)
        self.answered &= open_now
        self.first_seen = {handler: at for handler, at in self.first_seen.items() if handler in open_now}
        per_address: dict[str, list[Any]] = {}
        for handler in handlers:
            transport = getattr(handler, "transport", None)
            if transport is None or transport.is_closing():
                continue
            seen = self.first_seen.setdefault(handler, now)
            peer = transport.get_extra_info("peername")
            address = str(peer[0]) if peer else "?"
            per_address.setdefault(address, []).append(handler)
            if handler not in self.answered and now - seen >= self.config.request_timeout:
                self.refuse(
                    "half-open",
                    f"closed a connection from {address}: no whole request in {self.config.request_timeout:g} s",
                )
                _cut(transport, reset=True)
        for address, held in per_address.items():
            if len(held) > MAX_CONNECTIONS_PER_ADDRESS:
                held.sort(key=lambda handler: self.first_seen.get(handler, now))
                for handler in held[MAX_CONNECTIONS_PER_ADDRESS:]:
                    self.refuse(
                        "connections",
                        f"closed a connection from {address}: more than {MAX_CONNECTIONS_PER_ADDRESS} open at once",
                    )
                    _cut(handler.transport, reset=True)

    def status(self, connections: int, memory: TreeMemory) -> str:
        """The status line (`serve.status_line`, the same as `serve ssh`'s); resets the refusals of the interval."""
        return status_line(len(self.services), connections, memory, self.events)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every app (children killed and reaped) and close every tab's websocket."""
        await asyncio.gather(*(service.stop() for service in list(self.services)), return_exceptions=True)
        for websocket in list(self.sockets):
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_WAIT):
                    await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"the server is stopping")


async def _wait_closed(process: asyncio.subprocess.Process) -> None:
    """Wait (bounded) until the reaped app's pipes are at their end and its subprocess transport has closed.

    The transport closes itself once the process has exited and every pipe has
    seen its end, which takes a few more turns of the loop after the process is
    reaped, and never if a pipe nobody reads any more has paused its reading:
    so what is left in the pipes is read out. A transport still open when the
    loop closes would try to close itself later, on a closed loop.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(QUIT_GRACE):
            if process.stdin is not None:
                process.stdin.close()
                with contextlib.suppress(OSError):  # a broken pipe: closed all the same
                    await process.stdin.wait_closed()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: a reader still waits on it
                        await stream.read()
            await process.wait()


def _cut(transport: asyncio.BaseTransport | None, reset: bool = False) -> None:
    """Close a connection now, whatever is still unsent; `reset`: with a TCP reset, so that the kernel too
    lets go of what a peer that does not read left in its buffers (a plain close would wait for it)."""
    if not isinstance(transport, asyncio.Transport):
        return
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _to_int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


class WebService:
    """A running web server (for the command and for tests): its port, and `close()`."""

    def __init__(self, server: DossierWebServer, runner: web.AppRunner, watcher: asyncio.Task[None]) -> None:
        self.server = server
        self.runner = runner
        self.watcher = watcher

    @property
    def port(self) -> int:
        return self.server.bound_port

    async def close(self) -> None:
        self.watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.watcher
        await self.runner.cleanup()


async def start_web(config: WebConfig, title: str) -> WebService:
    """Check the options and start listening; the caller must `close()` it."""
    check_exposure(config.host, authenticated=False, public=config.public)
    server = DossierWebServer(config, title)
    runner = web.AppRunner(await server._make_app(), handle_signals=False, access_log=None, keepalive_timeout=75)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise ServeError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from None
    for address in runner.addresses:
        server.bound_port = int(address[1])
        break
    low_level = runner.server
    assert low_level is not None
    return WebService(server, runner, asyncio.create_task(server.watch(lambda: low_level.connections)))


def run_web(config: WebConfig, title: str, echo: Callable[[str], None]) -> None:
    """Serve until Ctrl+C or SIGTERM, then end every app; what `dossier serve web` runs."""

    def banner(service: WebService) -> list[str]:
        return [
            f"Serving {title!r} read-only on the web on {config.host}:{service.port}",
            f"  open:     http://{connect_host(config.host)}:{service.port}/",
        ]

    serve_until_stopped(
        lambda: start_web(config, title), banner, config.limits, lambda service: len(service.server.services), echo
    )

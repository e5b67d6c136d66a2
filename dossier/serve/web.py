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
- links: the app may ask the tab to open a URL; only http(s) URLs pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
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
    Limits,
    RateLimiter,
    ServeError,
    SessionSlots,
    check_exposure,
    clamp_size,
    connect_host,
    is_loopback,
    serve_until_stopped,
)
from .child import browse_argv, child_env, child_setup, end_process_group, make_home, remove_home

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(textual_serve.__file__).resolve().parent / "static"
"""textual-serve's own static files: its JavaScript, CSS and the Roboto Mono font."""
MAX_MESSAGE = 64 * 1024
"""The largest websocket message a client may send (keys and resizes are a few bytes)."""
QUIT_GRACE = 3.0
"""Seconds an app has to quit when asked before its process group is killed."""


@dataclass
class WebConfig:
    """Everything `dossier serve web` was asked for."""

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    public: bool = False
    limits: Limits = field(default_factory=Limits)


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
        self.bound_port = config.port

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
        hosts = allowed_hosts(self.config.host, self.bound_port)
        if hosts is not None and request.host.lower() not in hosts:
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
            return f"websocket from a foreign origin refused: {origin!r}"
        return None

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        refusal = self.origin_refusal(request)
        if refusal is not None:
            raise web.HTTPForbidden(text=f"dossier: {refusal}\n")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        address = request.remote or "?"
        refusal = None
        if not self.rate.allow(address):
            refusal = f"too many connections from {address}: more than {self.limits.rate} a minute; try again later"
        else:
            refusal = self.slots.acquire(address)
        if refusal is not None:
            await websocket.send_bytes(f"dossier: {refusal}\r\n".encode())
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=refusal[:120].encode())
            return websocket
        width, height = clamp_size(
            _to_int(request.query.get("width", "80"), 80), _to_int(request.query.get("height", "24"), 24)
        )
        service = DossierAppService(
            self.config.db,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.services.add(service)
        self.sockets.add(websocket)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            await service.stop()
            self.services.discard(service)
            self.sockets.discard(websocket)
            self.slots.release(address)
            if not websocket.closed:
                with contextlib.suppress(Exception):
                    await websocket.close()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """The tab's messages to the app; malformed ones are ignored, an idle tab is closed."""
        loop = asyncio.get_running_loop()
        idle_limit = self.limits.idle_timeout
        last_input = loop.time()
        while True:
            timeout = max(0.0, last_input + idle_limit - loop.time()) if idle_limit > 0 else None
            try:
                message = await websocket.receive(timeout=timeout)
            except TimeoutError:
                reason = f"idle for {idle_limit:g} s; session closed"
                with contextlib.suppress(Exception):
                    await websocket.send_bytes(f"\x1b[0m\r\ndossier: {reason}\r\n".encode())
                    await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=reason.encode())
                return
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
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
            if kind == "stdin" and isinstance(data, str):
                last_input = loop.time()
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = _to_int(str(data.get("width")), 80), _to_int(str(data.get("height")), 24)
                await app_service.set_terminal_size(width, height)
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data[:64]])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def on_shutdown(self, app: web.Application) -> None:
        """End every app (children killed and reaped) and close every tab's websocket."""
        await asyncio.gather(*(service.stop() for service in list(self.services)), return_exceptions=True)
        for websocket in list(self.sockets):
            with contextlib.suppress(Exception):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"the server is stopping")


def _to_int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


class WebService:
    """A running web server (for the command and for tests): its port, and `close()`."""

    def __init__(self, server: DossierWebServer, runner: web.AppRunner) -> None:
        self.server = server
        self.runner = runner

    @property
    def port(self) -> int:
        return self.server.bound_port

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_web(config: WebConfig, title: str) -> WebService:
    """Check the options and start listening; the caller must `close()` it."""
    check_exposure(config.host, authenticated=False, public=config.public)
    server = DossierWebServer(config, title)
    runner = web.AppRunner(await server._make_app(), handle_signals=False, access_log=None)
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
    return WebService(server, runner)


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

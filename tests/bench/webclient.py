"""A client for `dossier serve web` that speaks textual-serve's websocket protocol, as its page does.

The page (textual-serve's `textual.js`) opens `ws://HOST:PORT/ws?width=W&height=H`
from the server's own origin and then sends JSON text messages:

* `["stdin", DATA]`: what the visitor typed, as terminal input bytes (a key,
  a pasted text, mouse reports);
* `["resize", {"width": W, "height": H}]`: the tab's terminal changed size;
* `["ping", DATA]`: the server answers `["pong", DATA]`;
* `["focus"]` / `["blur"]`.

The server sends the app's output as binary messages (terminal bytes for
xterm.js) and a few JSON text messages (`["pong", ...]`, `["open_url", ...]`).

`WebClient` reads everything in a task of its own and times what a visitor
sees: connect → first screen (a text on screen), key → screen (the first
output after a key). `NonReader` is the misbehaving one: a raw socket with a
small receive buffer that makes the websocket handshake by hand, can send
frames, and never reads what the server sends. Used by the load harness
(`tests/bench/webload.py`) and by the tests in `tests/serve/`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import socket
import struct
import time
from typing import Any

import aiohttp

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
TAIL = 256 * 1024
"""Bytes of output a client keeps (the newest): enough to find a text on the last screens, bounded."""


def screen_text(data: bytes) -> str:
    """What a terminal would show, roughly: the output without escape sequences."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


def ws_url(port: int, width: int = 100, height: int = 30, host: str = "127.0.0.1") -> str:
    return f"ws://{host}:{port}/ws?width={width}&height={height}"


class WebClient:
    """One tab: a websocket to the server, read all the time by a task of its own."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, started: float) -> None:
        self.ws = ws
        self.started = started
        self.output = bytearray()
        self.received = 0
        """Bytes of app output received in all."""
        self.texts: list[Any] = []
        """JSON text messages from the server (pong, open_url, ...), the newest 100."""
        self.closed = asyncio.Event()
        self._arrived = asyncio.Event()
        self._last_arrival = 0.0
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, port: int, width: int = 100, height: int = 30) -> WebClient:
        started = time.monotonic()
        ws = await session.ws_connect(ws_url(port, width, height), origin=f"http://127.0.0.1:{port}", max_msg_size=0)
        return cls(ws, started)

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.received += len(message.data)
                    self.output += message.data
                    if len(self.output) > TAIL:
                        del self.output[: len(self.output) - TAIL]
                    self._last_arrival = time.monotonic()
                    self._arrived.set()
                elif message.type == aiohttp.WSMsgType.TEXT:
                    with contextlib.suppress(ValueError):
                        self.texts.append(json.loads(message.data))
                        del self.texts[:-100]
        finally:
            self.closed.set()
            self._arrived.set()

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    def text(self) -> str:
        return screen_text(bytes(self.output))

    async def wait_for(self, text: str, timeout: float = 20.0) -> float:
        """Seconds from connecting until `text` was on screen (it may already be)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while text not in self.text():
            if self.closed.is_set():
                raise ConnectionError(f"closed before {text!r} appeared: {self.text()[-200:]!r}")
            if loop.time() > deadline:
                raise TimeoutError(f"{text!r} did not appear in {timeout:g} s: {self.text()[-200:]!r}")
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), max(0.01, deadline - loop.time()))
        return self._last_arrival - self.started

    async def send(self, kind: str, data: Any = None) -> None:
        await self.ws.send_str(json.dumps([kind] if data is None else [kind, data]))

    async def keys(self, data: str) -> None:
        await self.send("stdin", data)

    async def resize(self, width: int, height: int) -> None:
        await self.send("resize", {"width": width, "height": height})

    async def key_to_screen(self, key: str, timeout: float = 10.0) -> float | None:
        """Send `key`; seconds until the first output after it, or None if none came within `timeout`."""
        self._arrived.clear()
        sent = time.monotonic()
        await self.keys(key)
        try:
            await asyncio.wait_for(self._arrived.wait(), timeout)
        except TimeoutError:
            return None
        if self.closed.is_set() and self._last_arrival < sent:
            return None
        return self._last_arrival - sent

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 5)
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader


def _frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A masked websocket frame from a client (RFC 6455 §5.2)."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


class NonReader:
    """A client that opens the websocket and then never reads: its socket buffers fill, the server's writes stall.

    The receive buffer is made small (`SO_RCVBUF`) so that it fills after a few
    screens. It can still send (keys, resizes) to make the app draw more.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    @classmethod
    async def connect(cls, port: int, width: int = 100, height: int = 30, rcvbuf: int = 4096) -> NonReader:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /ws?width={width}&height={height} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        await loop.sock_sendall(sock, request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:  # read the handshake's answer only, byte by byte, and no further
            chunk = await asyncio.wait_for(loop.sock_recv(sock, 1), 20)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            answer += chunk
        if not answer.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(answer.split(b"\r\n", 1)[0].decode(errors="replace"))
        return cls(sock)

    async def send(self, kind: str, data: Any = None, timeout: float = 1.0) -> bool:
        """Send one message; False when it could not be sent within `timeout` (the server stopped reading)."""
        frame = _frame(json.dumps([kind] if data is None else [kind, data]).encode())
        try:
            await asyncio.wait_for(asyncio.get_running_loop().sock_sendall(self.sock, frame), timeout)
        except (TimeoutError, OSError):
            return False
        return True

    def is_closed_by_server(self) -> bool:
        """True once the server has dropped the connection (reset, or its end closed), without reading a byte."""
        try:
            state = self.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
        except OSError:
            return True
        return state != 1  # TCP_ESTABLISHED (Linux's tcp_info.tcpi_state)

    def close(self) -> None:
        self.sock.close()

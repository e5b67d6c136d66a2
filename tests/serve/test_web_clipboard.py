"""`y` under `dossier serve web` puts the citation on the visitor's clipboard: headless Chromium, end to end.

The app copies with OSC 52 (`App.copy_to_clipboard`); under textual-serve
that escape travels in the app's output to the page, where xterm.js's
clipboard add-on (loaded by textual-serve's `textual.js`) hands it to
`navigator.clipboard.writeText`. Here a real Chromium opens the page, the
test types Tab (to the Statements pane) and `y` as key events, and then
reads the page's clipboard with `navigator.clipboard.readText()` (clipboard
permissions granted over the DevTools protocol): it holds the citation of a
statement of the served dossier, exactly.

Without Chromium this skips on a laptop and fails under CI=true (`tests/needs.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from dossier.citation import load_and_cite
from dossier.serve.web import WebConfig, WebService, start_web
from dossier.store import Store
from tests import needs
from tests.serve.test_serve_ssh import EXPECTED
from tests.serve.test_serve_web import TIMEOUT, DevTools, chromium_argv, devtools_endpoint


@pytest.fixture
async def server(seed_db: Path) -> AsyncIterator[WebService]:
    service = await start_web(WebConfig(db=seed_db, port=0, log=lambda line: None), EXPECTED)
    yield service
    await service.close()


@contextlib.asynccontextmanager
async def chromium_page(
    url: str, client: aiohttp.ClientSession, *flags: str, window_is_secure: bool = True
) -> AsyncIterator[tuple[DevTools, str]]:
    """Headless Chromium showing `url` once the app has drawn in it: the DevTools client and the page's session."""
    chromium = needs.chromium("for the clipboard test of serve web")
    profile = tempfile.mkdtemp(prefix="chromium-")
    argv = chromium_argv(chromium, profile)
    process = await asyncio.create_subprocess_exec(
        *argv[:-1],
        *flags,
        argv[-1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "HOME": profile},
    )
    try:
        endpoint = await devtools_endpoint(process)
        async with client.ws_connect(endpoint, max_msg_size=0) as ws:
            tools = DevTools(ws)
            session = await open_page(tools, url, grant=window_is_secure)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + TIMEOUT
            while "-first-byte" not in await evaluate(tools, session, "document.body ? document.body.className : ''"):
                assert loop.time() < deadline, "the app never drew in the page"
                await asyncio.sleep(0.2)
            yield tools, session
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        shutil.rmtree(profile, ignore_errors=True)


async def open_page(tools: DevTools, url: str, grant: bool = True) -> str:
    """A new tab at `url`, seen as focused (and, with `grant`, allowed the clipboard API): its DevTools session."""
    if grant:  # only a secure context can be granted it
        await tools.call(
            "Browser.grantPermissions",
            permissions=["clipboardReadWrite", "clipboardSanitizedWrite"],
            origin="/".join(url.split("/", 3)[:3]),
        )
    target = (await tools.call("Target.createTarget", url=url))["targetId"]
    session = str((await tools.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"])
    # Headless, no window has the focus; the clipboard wants a focused document.
    await tools.call("Emulation.setFocusEmulationEnabled", session, enabled=True)
    return session


async def evaluate(tools: DevTools, session: str, expression: str, **options: Any) -> str:
    found = await tools.call("Runtime.evaluate", session, expression=expression, **options)
    assert "exceptionDetails" not in found, found
    return str(found["result"].get("value", ""))


async def press(tools: DevTools, session: str, key: str, code: str, text: str = "", key_code: int = 0) -> None:
    """A key as the visitor's keyboard gives it: down (with its text) and up, into the focused terminal."""
    common: dict[str, Any] = {"key": key, "code": code, "windowsVirtualKeyCode": key_code}
    await tools.call("Input.dispatchKeyEvent", session, type="keyDown", text=text, **common)
    await tools.call("Input.dispatchKeyEvent", session, type="keyUp", **common)


def statement_citations(db: Path) -> set[str]:
    """The plain citation of every statement of the dossier `db`, as `y` makes them."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        ids = [int(row[0]) for row in conn.execute("SELECT id FROM statements")]
    finally:
        conn.close()
    with Store.open(db) as store:
        return {load_and_cite(store, "statement", statement_id) for statement_id in ids}


async def copy_a_statement(tools: DevTools, session: str) -> None:
    """In the page: focus the terminal, Tab to the Statements pane, `y`."""
    await asyncio.sleep(1.0)  # the first frames settle
    # Keys go where the page's focus is: into the terminal (xterm.js's input element), as after a click on it.
    await evaluate(tools, session, "document.querySelector('.xterm-helper-textarea').focus()")
    await press(tools, session, "Tab", "Tab", "\t", key_code=9)  # Actors → Statements
    await asyncio.sleep(1.0)
    await press(tools, session, "y", "KeyY", "y", key_code=89)


async def read_clipboard(tools: DevTools, session: str, unless: str) -> str:
    """The clipboard's text, read in `session`'s page (a secure context), once it is no longer `unless`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    copied = unless
    while copied == unless and loop.time() < deadline:
        await asyncio.sleep(0.2)
        copied = await evaluate(tools, session, "navigator.clipboard.readText()", awaitPromise=True)
    return copied


async def test_y_copies_a_statements_citation_to_the_pages_clipboard(server: WebService, seed_db: Path) -> None:
    base = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession() as client, chromium_page(base + "/", client) as (tools, session):
        assert await evaluate(tools, session, "String(window.isSecureContext)") == "true"
        await evaluate(tools, session, "navigator.clipboard.writeText('nothing copied yet')", awaitPromise=True)
        await copy_a_statement(tools, session)
        copied = await read_clipboard(tools, session, unless="nothing copied yet")
    assert copied in statement_citations(seed_db), copied
    assert copied.startswith("“") or copied.endswith("(paraphrase)")


async def test_y_copies_from_a_plain_http_page_too(seed_db: Path) -> None:
    """A page that is not a secure context (a LAN address over http) has no navigator.clipboard: ours copies anyway.

    Chromium is told that `dossier.test` is 127.0.0.1, so the page's origin is
    `http://dossier.test:PORT` (not a secure context) while every byte stays on
    loopback; the server answers that name because it listens on every
    address (`--public`), as a server for a room does. The clipboard is read
    back in a second tab from `http://127.0.0.1:PORT` (a secure context).
    """
    service = await start_web(
        WebConfig(db=seed_db, host="0.0.0.0", port=0, public=True, log=lambda line: None), EXPECTED
    )
    try:
        url = f"http://dossier.test:{service.port}/"
        rule = "--host-resolver-rules=MAP dossier.test 127.0.0.1"
        async with (
            aiohttp.ClientSession() as client,
            chromium_page(url, client, rule, window_is_secure=False) as (
                tools,
                session,
            ),
        ):
            assert await evaluate(tools, session, "String(window.isSecureContext)") == "false"
            reader = await open_page(tools, f"http://127.0.0.1:{service.port}/static/css/xterm.css")
            await asyncio.sleep(0.5)
            await evaluate(tools, reader, "navigator.clipboard.writeText('nothing copied yet')", awaitPromise=True)
            await copy_a_statement(tools, session)
            copied = await read_clipboard(tools, reader, unless="nothing copied yet")
        assert copied in statement_citations(seed_db), copied
    finally:
        await service.close()

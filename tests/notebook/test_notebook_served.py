"""A served session (`dossier serve ssh`) writes no notebook on the server: m n # b say so, y still copies."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

from dossier.notebook import OFF_MESSAGE
from dossier.serve.ssh import SSHService
from tests.serve.test_serve_ssh import connect, open_browser, read_until, screen_text, start


async def test_served_keys_say_the_notebook_is_off_and_nothing_is_written(seed_db: Path, tmp_path: Path) -> None:
    service: SSHService = await start(seed_db, tmp_path)
    try:
        async with connect(service) as conn:
            process, _ = await open_browser(conn, size=(160, 40))
            (session,) = service.sessions
            assert session.child is not None
            home = session.child.home
            await asyncio.sleep(1.0)  # the notebook would be read now, after the first frame
            process.stdin.write(b"2")
            for key in (b"m", b"n", b"#", b"b"):
                process.stdin.write(key)
                await read_until(process.stdout, OFF_MESSAGE[:40])
            process.stdin.write(b"y")
            copied = await read_until(process.stdout, "Copied a citation")
            # OSC 52: the citation travels to the visitor's terminal, base64-encoded
            osc = copied.split(b"\x1b]52;c;")[-1].split(b"\x07")[0].split(b"\x1b\\")[0]
            assert " — " in base64.b64decode(osc).decode("utf-8")
            assert [path for path in home.rglob("*") if "notebook" in path.name] == []
            assert "Traceback" not in screen_text(copied)
            process.stdin.write(b"q")
            await process.wait_closed()
    finally:
        await service.close()
    assert not list(tmp_path.rglob("notebook.db"))

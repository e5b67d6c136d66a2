"""`dossier serve ssh`: a real server on 127.0.0.1 (ephemeral port), real asyncssh clients, real browsers."""

from __future__ import annotations

import asyncio
import os
import re
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.serve import Limits, ServeError
from dossier.serve.child import get_pty_size
from dossier.serve.ssh import HOST_KEY_NAME, SSHConfig, SSHService, fingerprint, start_ssh

EXPECTED = "US-Russia diplomat expulsions, 2021"
"""Text the browser shows for the seed dossier (its title); change it here if the screen changes."""
TIMEOUT = 20.0
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def screen_text(data: bytes) -> str:
    """What a terminal would show, roughly: the output without escape sequences."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


async def start(db: Path, tmp_path: Path, **kwargs: Any) -> SSHService:
    limits = kwargs.pop("limits", Limits())
    config = SSHConfig(db=db, port=0, state_dir=tmp_path / "state", limits=limits, **kwargs)
    service = await start_ssh(config)
    if service.forks is not None:  # sessions are spawned until the helper has loaded the browser
        assert await service.forks.wait_ready()
    return service


@pytest.fixture(params=[True, False], ids=["prefork", "spawn"])
async def server(seed_db: Path, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[SSHService]:
    """A server whose browsers are forked from its helper (the default), or spawned (`--no-prefork`)."""
    service = await start(seed_db, tmp_path, prefork=request.param)
    yield service
    await service.close()


def connect(service: SSHService, **kwargs: Any) -> asyncssh.connection._ConnectionWaiter:
    options: dict[str, Any] = {"known_hosts": None, "username": "demo", "client_keys": None, "agent_path": None}
    options.update(kwargs)
    return asyncssh.connect("127.0.0.1", service.port, **options)


async def open_browser(
    conn: asyncssh.SSHClientConnection, size: tuple[int, int] = (100, 30)
) -> tuple[asyncssh.SSHClientProcess[bytes], bytes]:
    """A PTY session, read until the dossier's title is on screen; the process and what it drew."""
    process = await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None)
    drawn = await read_until(process.stdout, EXPECTED)
    return process, drawn


async def read_until(stream: asyncssh.SSHReader[bytes], text: str, timeout: float = TIMEOUT) -> bytes:
    data = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while text not in screen_text(data):
        if loop.time() > deadline:  # the app may draw forever (a blinking cursor): a deadline, not a quiet spell
            raise AssertionError(f"{text!r} did not appear in {timeout} s: {screen_text(data)[-300:]!r}")
        chunk = await asyncio.wait_for(stream.read(65536), max(0.01, deadline - loop.time()))
        if not chunk:
            raise AssertionError(f"the session ended before {text!r} appeared: {screen_text(data)[-300:]!r}")
        data += chunk
    return data


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def alive(pid: int) -> bool:
    """True while a process with this id exists, zombies included (a zombie means nobody reaped it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def child_pids(service: SSHService) -> list[int]:
    """The browsers running (a forked one counts once the helper has answered)."""
    return [s.child.pid for s in service.sessions if s.child is not None and s.child.pid]


def environ(pid: int) -> dict[str, str]:
    """A process's environment as it was started (for a forked browser: its helper's)."""
    text = Path(f"/proc/{pid}/environ").read_text()
    return dict(line.split("=", 1) for line in text.split("\0") if "=" in line)


async def test_a_pty_session_renders_the_dossier_and_quits_with_q(server: SSHService) -> None:
    async with connect(server) as conn:
        process, drawn = await open_browser(conn)
        assert EXPECTED in screen_text(drawn)
        [pid] = child_pids(server)
        [session] = server.sessions
        assert session.child is not None and session.child.forked == server.config.prefork
        keys = {"HOME", "PATH", "LANG", "LC_ALL", "DOSSIER_DB", "DOSSIER_NOTEBOOK", "DOSSIER_READ_ONLY", "TERM"}
        # The environment the process was started with: nothing of the server's (no SSH_AUTH_SOCK,
        # DISPLAY, secrets). A forked browser shows its helper's, built the same way; the browser's
        # own replaces it after the fork (os.environ), and is the one handed over here.
        for env in (environ(pid), session.child.env):
            assert set(env) == keys
            assert env["DOSSIER_NOTEBOOK"] == "off"  # a served session writes no notebook on the server
            assert env["DOSSIER_READ_ONLY"] == "1"  # nor the dossier: --write is refused
            assert env["TERM"] == "xterm-256color" and env["DOSSIER_DB"] == str(server.config.db.resolve())
            assert os.listdir(env["PATH"]) == []  # nothing runnable by name, so no browser for a link
        home = Path(os.readlink(f"/proc/{pid}/cwd"))  # the browser runs in its session's private home
        assert home == session.child.home and str(home) == session.child.env["HOME"]
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait_closed(), TIMEOUT)
        assert process.exit_status == 0
    await eventually(lambda: not alive(pid) and not server.sessions)
    assert not home.exists()


async def test_window_change_resizes_the_child_within_the_caps(server: SSHService) -> None:
    async with connect(server) as conn:
        process, _ = await open_browser(conn, size=(100, 30))
        [session] = server.sessions
        assert session.child is not None and session.child.master is not None
        master = session.child.master
        assert get_pty_size(master) == (100, 30)
        process.change_terminal_size(60, 15)
        await eventually(lambda: get_pty_size(master) == (60, 15))
        # The browser redraws at the new size (the Actors pane's title is drawn again).
        redrawn = await read_until(process.stdout, "Actors")
        assert redrawn
        process.change_terminal_size(100_000, 100_000)
        await eventually(lambda: get_pty_size(master) == (500, 200))
        process.change_terminal_size(0, 0)
        await eventually(lambda: get_pty_size(master) == (80, 24))
        process.close()


async def test_a_huge_pty_request_is_capped(server: SSHService) -> None:
    async with connect(server) as conn:
        process = await conn.create_process(term_type="no-such-term", term_size=(9999, 9999), encoding=None)
        await eventually(lambda: bool(child_pids(server)))
        [session] = server.sessions
        assert session.child is not None and session.child.master is not None
        assert get_pty_size(session.child.master) == (500, 200)
        assert environ(session.child.pid)["TERM"] == "xterm-256color"
        assert session.child.env["TERM"] == "xterm-256color"  # an unknown terminal type is not passed through
        process.close()


async def test_exec_shell_without_pty_and_sftp_run_nothing(server: SSHService) -> None:
    async with connect(server) as conn:
        result = await conn.run("ls /", check=False)
        assert result.exit_status == 1 and result.stdout == ""
        assert "runs no commands" in str(result.stderr) and str(result.stderr).count("\n") == 1
        result = await conn.run(check=False)  # a shell without a PTY
        assert result.exit_status == 1 and "terminal is needed" in str(result.stderr)
        with pytest.raises((asyncssh.Error, OSError)):
            await conn.start_sftp_client()
        assert not server.sessions and server.slots.running == 0


async def test_forwarding_of_every_kind_is_refused(server: SSHService) -> None:
    async with connect(server) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/tmp/dossier-test.sock")
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_process(term_type="xterm", x11_forwarding=True, x11_display="localhost:10")


async def test_the_session_caps_refuse_with_a_reason(seed_db: Path, tmp_path: Path) -> None:
    service = await start(seed_db, tmp_path, limits=Limits(max_sessions=2, per_ip=1))
    try:
        async with connect(service) as conn:
            first, _ = await open_browser(conn)
            # Same address, second session: over the per-address cap.
            refused = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
            stderr = await asyncio.wait_for(refused.stderr.read(), TIMEOUT)
            await refused.wait_closed()
            assert refused.exit_status == 1 and b"too many sessions from 127.0.0.1" in stderr
            service.slots.limits = Limits(max_sessions=1, per_ip=5)  # now the total cap is the one reached
            refused = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
            stderr = await asyncio.wait_for(refused.stderr.read(), TIMEOUT)
            await refused.wait_closed()
            assert refused.exit_status == 1 and b"server busy" in stderr
            assert len(service.sessions) == 1
            first.stdin.write(b"q")
            await asyncio.wait_for(first.wait_closed(), TIMEOUT)
            await eventually(lambda: service.slots.running == 0)
            again, _ = await open_browser(conn)  # a freed slot is usable again
            again.close()
    finally:
        await service.close()


async def test_an_idle_session_is_closed_and_its_child_ended(seed_db: Path, tmp_path: Path) -> None:
    service = await start(seed_db, tmp_path, limits=Limits(idle_timeout=1.5))
    try:
        async with connect(service) as conn:
            process, _ = await open_browser(conn)
            [pid] = child_pids(service)
            process.stdin.write(b"j")  # input resets the clock
            stderr = await asyncio.wait_for(process.stderr.read(), TIMEOUT)
            await process.wait_closed()
            assert process.exit_status == 1 and b"idle for 1.5 s" in stderr
            await eventually(lambda: not alive(pid))
    finally:
        await service.close()


async def test_the_connection_rate_is_limited_per_address(seed_db: Path, tmp_path: Path) -> None:
    service = await start(seed_db, tmp_path, limits=Limits(rate=2))
    try:
        for _ in range(2):
            async with connect(service) as conn:
                assert (await conn.run("x", check=False)).exit_status == 1
        with pytest.raises(asyncssh.DisconnectError, match="too many connections from 127.0.0.1"):
            async with connect(service):
                pass
    finally:
        await service.close()


async def test_an_abrupt_disconnect_leaves_no_process(server: SSHService) -> None:
    conn = await connect(server)
    await open_browser(conn)
    [pid] = child_pids(server)
    home = next(iter(server.sessions)).child.home  # type: ignore[union-attr]
    conn.abort()  # the TCP connection drops: no EOF, no close, no exit
    await eventually(lambda: not alive(pid) and not server.sessions and server.slots.running == 0)
    assert not home.exists()


async def test_stopping_the_server_ends_every_child(seed_db: Path, tmp_path: Path) -> None:
    service = await start(seed_db, tmp_path)
    conn = await connect(service)
    try:
        first, _ = await open_browser(conn)
        await open_browser(conn)
        pids = child_pids(service)
        assert len(pids) == 2
        await service.close()
        assert not any(alive(pid) for pid in pids)
        said = await asyncio.wait_for(first.stderr.read(), TIMEOUT)
        assert b"the server is stopping" in said
    finally:
        conn.abort()


async def test_the_host_key_is_made_once_and_kept(seed_db: Path, tmp_path: Path) -> None:
    first = await start(seed_db, tmp_path)
    key_file = tmp_path / "state" / HOST_KEY_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = first.host_key.export_public_key().decode().strip()
    await first.close()
    second = await start(seed_db, tmp_path)
    try:
        assert fingerprint(second.host_key) == fingerprint(first.host_key)
        known_hosts = asyncssh.import_known_hosts(f"[127.0.0.1]:{second.port} {public}\n")
        async with connect(second, known_hosts=known_hosts) as conn:  # strict host key checking passes
            assert (await conn.run("true", check=False)).exit_status == 1
    finally:
        await second.close()


async def test_a_host_key_readable_by_others_is_refused(seed_db: Path, tmp_path: Path) -> None:
    (await start(seed_db, tmp_path)).acceptor.close()  # type: ignore[union-attr]
    (tmp_path / "state" / HOST_KEY_NAME).chmod(0o644)
    with pytest.raises(ServeError, match="readable by others"):
        await start(seed_db, tmp_path)


async def test_authorized_keys_allow_only_those_keys(seed_db: Path, tmp_path: Path) -> None:
    allowed = asyncssh.generate_private_key("ssh-ed25519")
    other = asyncssh.generate_private_key("ssh-ed25519")
    keys = tmp_path / "authorized_keys"
    keys.write_bytes(allowed.export_public_key())
    service = await start(seed_db, tmp_path, authorized_keys=keys)
    try:
        async with connect(service, client_keys=[allowed]) as conn:
            assert "runs no commands" in str((await conn.run("id", check=False)).stderr)
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(service, client_keys=[other]):
                pass
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(service, client_keys=None, password="guess"):
                pass
    finally:
        await service.close()


async def test_no_authentication_is_refused_beyond_loopback(seed_db: Path, tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="--public"):
        await start(seed_db, tmp_path, host="0.0.0.0")
    assert not (tmp_path / "state").exists()  # refused before anything was made


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--host", "0.0.0.0"], "refusing to serve 0.0.0.0 without authentication"),
        (["--host", "::"], "pass --public"),
        (["--max-sessions", "0"], "--max-sessions must be at least 1"),
        (["--authorized-keys", "{tmp}/missing"], "cannot read the authorized keys"),
    ],
)
def test_cli_refuses_bad_options_in_one_line(
    runner: CliRunner, seed_db: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    argv = ["serve", "ssh", "--db", str(seed_db), "--port", "0", "--state-dir", str(tmp_path / "st")]
    result = runner.invoke(main, argv + [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert reason in result.output and result.output.strip().count("\n") == 0
    assert "Traceback" not in result.output


def test_cli_refuses_a_missing_dossier(runner: CliRunner, tmp_path: Path) -> None:
    for kind in ("ssh", "web"):
        result = runner.invoke(main, ["serve", kind, "--db", str(tmp_path / "none.db"), "--port", "0"])
        assert result.exit_code == 1 and "no such file" in result.output
        assert not (tmp_path / "none.db").exists()


def test_serve_help_lists_both_servers_and_the_limits(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "ssh" in result.output and "web" in result.output
    for kind in ("ssh", "web"):
        result = runner.invoke(main, ["serve", kind, "--help"])
        assert result.exit_code == 0
        for option in ("--max-sessions", "--per-ip", "--rate", "--idle-timeout", "--public", "[default: 8]"):
            assert option in result.output, (kind, option)


@pytest.mark.parametrize("kind", ["ssh", "web"])
def test_a_port_in_use_is_one_line(runner: CliRunner, seed_db: Path, tmp_path: Path, kind: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["serve", kind, "--db", str(seed_db), "--port", str(port)]
        if kind == "ssh":
            argv += ["--state-dir", str(tmp_path / "st")]
        result = runner.invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output

"""`dossier serve ssh`: every SSH client gets its own read-only browser on a PTY, and nothing else.

Built on asyncssh. What a client may do: open a session with a PTY and a
shell request; it then talks to `dossier browse PATH` (see `serve.child`),
sized from its PTY request and resized on window-change (capped at
500x200). What it may not, each refused:
- exec requests (`ssh host 'ls /'`) and subsystems (`sftp`): the session
  is accepted only to write a one-line reason on stderr and exit 1, so a
  stock client shows why; nothing is run;
- a shell without a PTY: the same, with a hint to use `ssh -t`;
- port forwarding both ways, agent and X11 forwarding, SCP: the request
  is denied (the client prints its own "administratively prohibited" or
  "failed" line);
- going over a limit (`Limits`): a connection over the per-address rate is
  disconnected with the reason as the disconnect message; a session over
  the session caps gets the reason on stderr and exit 1; a session idle too
  long gets the reason and exit 1; a connection that authenticates but opens
  no session is closed after the login timeout.

The host key (Ed25519) is made once in the state directory (mode 0600) and
reused, so clients see the same fingerprint across restarts. Without
`--authorized-keys` any client is let in without authentication; that is
allowed only on a loopback address or with `--public` (`check_exposure`).
With it, only public-key authentication against that file is offered.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from . import (
    EventLog,
    Limits,
    RateLimiter,
    ServeError,
    SessionSlots,
    check_exposure,
    connect_host,
    log_status_every,
    serve_until_stopped,
)
from .child import PtyChild
from .forkserver import ForkServer

RESTORE_TERMINAL = (
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
    b"\x1b[?2004l\x1b[?1004l\x1b[?1049l\x1b[?25h\x1b[0m\r\n"  # paste, focus off; main screen, cursor, plain
)
"""What a killed browser leaves undone on the client's terminal (it cannot restore it itself)."""
HOST_KEY_NAME = "ssh_host_ed25519_key"
"""The host key's file name inside the state directory."""
RESIZE_INTERVAL = 0.1
"""A session's window size is changed at most once in this many seconds; the latest size wins."""
RESIZE_STORM = 30
OUTPUT_HIGH_WATER = 256 * 1024
"""Bytes of a session's output the server may hold for a slow client before it stops reading the browser."""
OUTPUT_LOW_WATER = 64 * 1024
"""...and resumes once the client has taken the held output down to this."""
"""Window changes in a second from one session that make a log line (once a minute per session)."""


def default_state_dir() -> Path:
    """`$XDG_STATE_HOME/dossier/ssh`, else `~/.local/state/dossier/ssh`."""
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "dossier" / "ssh"


def load_or_create_host_key(state_dir: Path) -> asyncssh.SSHKey:
    """The server's host key: read from the state directory, or made there once (mode 0600)."""
    try:
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ServeError(f"{state_dir}: cannot create the state directory: {exc.strerror or exc}") from None
    path = state_dir / HOST_KEY_NAME
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="dossier serve ssh")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(key.export_private_key())
                out.flush()
                os.fsync(out.fileno())
            # link, not replace: if another server made the key meanwhile, keep theirs.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        except OSError as exc:
            raise ServeError(f"{path}: cannot write the host key: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    mode = path.stat().st_mode
    if mode & 0o077:
        raise ServeError(f"{path}: the host key is readable by others (mode {stat.S_IMODE(mode):04o}); chmod 600 it")
    try:
        return asyncssh.read_private_key(path)
    except (OSError, asyncssh.KeyImportError, ValueError) as exc:
        raise ServeError(f"{path}: not a host key this server can read ({exc})") from None


def load_authorized_keys(path: Path) -> asyncssh.SSHAuthorizedKeys:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServeError(f"{path}: cannot read the authorized keys: {getattr(exc, 'strerror', None) or exc}") from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise ServeError(f"{path}: no keys in the authorized keys file")
    try:
        return asyncssh.import_authorized_keys(text)
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise ServeError(f"{path}: not an authorized keys file ({exc})") from None


def fingerprint(key: asyncssh.SSHKey) -> str:
    return str(key.get_fingerprint("sha256"))


@dataclass
class SSHConfig:
    """Everything `dossier serve ssh` was asked for."""

    db: Path
    host: str = "127.0.0.1"
    port: int = 2222
    state_dir: Path | None = None
    authorized_keys: Path | None = None
    public: bool = False
    limits: Limits = field(default_factory=Limits)
    prefork: bool = True
    """Fork each browser from a pre-started helper (`serve.forkserver`); False: spawn each (`--no-prefork`)."""


class SSHService:
    """A running SSH server: its sessions, limits and listener; `close()` ends every child."""

    def __init__(
        self, config: SSHConfig, host_key: asyncssh.SSHKey, echo: Callable[[str], None] | None = None
    ) -> None:
        self.config = config
        self.log = EventLog("ssh", echo)
        """One line per refusal, and the status line every `status_interval` seconds."""
        self.pending: dict[str, int] = {}
        """Connections not yet past authentication, per address."""
        self.pending_total = 0
        self._status_task: asyncio.Task[None] | None = None
        self.host_key = host_key
        self.limits = config.limits
        self.slots = SessionSlots(config.limits)
        self.rate = RateLimiter(config.limits.rate)
        self.sessions: set[BrowserSession] = set()
        self.connections: set[ConnectionGuard] = set()
        self.acceptor: asyncssh.SSHAcceptor | None = None
        self.port = config.port
        self.forks: ForkServer | None = None

    async def start(self) -> None:
        keys = load_authorized_keys(self.config.authorized_keys) if self.config.authorized_keys else None
        limits = self.limits
        try:
            self.acceptor = await asyncssh.create_server(
                lambda: ConnectionGuard(self),
                self.config.host,
                self.config.port,
                server_host_keys=[self.host_key],
                authorized_client_keys=keys,
                public_key_auth=keys is not None,
                password_auth=False,
                kbdint_auth=False,
                gss_host=None,
                host_based_auth=False,
                agent_forwarding=False,
                x11_forwarding=False,
                allow_scp=False,
                sftp_factory=None,
                allow_pty=True,
                line_editor=False,
                encoding=None,
                login_timeout=limits.login_timeout or None,
                keepalive_interval=limits.keepalive or None,
                keepalive_count_max=3,
                reuse_address=True,
            )
        except OSError as exc:
            raise ServeError(f"cannot listen on {self.config.host}:{self.config.port}: {exc.strerror or exc}") from None
        sockets = self.acceptor.sockets
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        if self.config.prefork:
            self.forks = ForkServer(self.config.db, self.log)
            self.forks.start()
        self._status_task = asyncio.get_running_loop().create_task(
            log_status_every(
                self.limits.status_interval, lambda: len(self.sessions), lambda: len(self.connections), self.log
            )
        )

    async def close(self) -> None:
        """Stop listening, end every session (children killed and reaped), close every connection."""
        if self._status_task is not None:
            self._status_task.cancel()
            self._status_task = None
        if self.acceptor is not None:
            self.acceptor.close()
        await asyncio.gather(*(session.stop_for_server() for session in list(self.sessions)), return_exceptions=True)
        for guard in list(self.connections):
            guard.close()
        if self.acceptor is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.acceptor.wait_closed(), 2)
            self.acceptor = None
        if self.forks is not None:
            self.forks.close()
            self.forks = None


class ConnectionGuard(asyncssh.SSHServer):
    """One client connection: rate limit, authentication policy, and only sessions (nothing forwarded)."""

    def __init__(self, service: SSHService) -> None:
        self.service = service
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.sessions = 0
        self.refusal: str | None = None
        self.pending = False
        """Counted among the connections not yet past authentication (`Limits.max_pending`)."""
        self._no_session_timer: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        service = self.service
        service.connections.add(self)
        limits = service.limits
        waiting = service.pending.get(self.address, 0)
        if service.pending_total >= limits.max_pending or waiting >= limits.pending_per_ip:
            # Closed before the key exchange, the costly part: a flood of silent connections costs little.
            over_address = waiting >= limits.pending_per_ip
            which = f"{waiting} from this address" if over_address else f"{service.pending_total} in all"
            service.log.refused("pending", self.address, f"{which} not yet logged in (the limit); closed at once")
            asyncio.get_running_loop().call_soon(conn.abort)
            return
        self.pending = True
        service.pending_total += 1
        service.pending[self.address] = waiting + 1
        if not service.rate.allow(self.address):
            # Said at the first authentication request: a disconnect sent before the key exchange
            # reaches OpenSSH as a garbled banner, not as a reason.
            self.refusal = (
                f"dossier: too many connections from {self.address}: "
                f"more than {limits.rate} a minute; try again in a minute"
            )

    def _leave_pending(self) -> None:
        if not self.pending:
            return
        self.pending = False
        service = self.service
        service.pending_total = max(0, service.pending_total - 1)
        left = service.pending.get(self.address, 0) - 1
        if left <= 0:
            service.pending.pop(self.address, None)
        else:
            service.pending[self.address] = left

    def connection_lost(self, exc: Exception | None) -> None:
        self._leave_pending()
        self.service.connections.discard(self)
        if self._no_session_timer is not None:
            self._no_session_timer.cancel()

    def begin_auth(self, username: str) -> bool:
        if self.refusal is not None and self.conn is not None:
            self.service.log.refused("rate", self.address, f"more than {self.service.limits.rate} connections a minute")
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, self.refusal)
            return True
        # No authorized keys: nothing to check (allowed only on loopback or with --public).
        return self.service.config.authorized_keys is not None

    def auth_completed(self) -> None:
        self._leave_pending()
        self._arm_no_session_timer()

    def _arm_no_session_timer(self) -> None:
        """Close a connection that holds no session for a login timeout (e.g. `ssh -N` to try forwarding)."""
        timeout = self.service.limits.login_timeout
        if not timeout:
            return
        if self._no_session_timer is not None:
            self._no_session_timer.cancel()
        self._no_session_timer = asyncio.get_running_loop().call_later(timeout, self._close_if_no_session)

    def _close_if_no_session(self) -> None:
        if self.sessions == 0 and self.conn is not None:
            self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, "dossier: no session opened; connection closed")

    def session_requested(self) -> BrowserSession:
        self.sessions += 1
        return BrowserSession(self)

    def session_ended(self) -> None:
        self.sessions -= 1
        if self.sessions == 0:
            self._arm_no_session_timer()

    # Forwarding of any kind is refused (asyncssh's defaults refuse too; being explicit keeps it so).
    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, "dossier: no port forwarding")

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, "dossier: no socket forwarding")

    def unix_server_requested(self, listen_path: str) -> bool:
        return False

    def tun_requested(self, unit: int | None) -> bool:
        return False

    def tap_requested(self, unit: int | None) -> bool:
        return False

    def close(self) -> None:
        if self.conn is not None:
            self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, "dossier: the server is stopping")


class BrowserSession(asyncssh.SSHServerSession[bytes]):
    """One session channel: a browser on a PTY, or a one-line refusal."""

    def __init__(self, guard: ConnectionGuard) -> None:
        self.guard = guard
        self.service = guard.service
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.refusal: str | None = None
        self.term_type: str | None = None
        self.size = (0, 0)
        self.child: PtyChild | None = None
        self.has_slot = False
        self.ended = False
        self.closed = False
        """The channel is gone: nothing more can be written to it."""
        self._last_input = 0.0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._ending: asyncio.Task[int] | None = None
        self._allowance = float(self.service.limits.input_rate)
        self._allowance_at = 0.0
        self._input_logged_at = -60.0
        self._resize_at = -1.0
        self._resize_timer: asyncio.TimerHandle | None = None
        self._resizes: list[float] = []
        self._storm_logged_at = -60.0
        self._stall_timer: asyncio.TimerHandle | None = None
        self._channel_paused = False
        """asyncssh said the client's window is full (`pause_writing`)."""
        self._held: asyncio.TimerHandle | None = None
        """Set while too much output waits in the connection's transport (the client is not reading TCP)."""

    # ------------------------------------------------------------ requests

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term_type = term_type
        self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        if self.term_type is None:
            self.refusal = "a terminal is needed to browse: connect with `ssh -t`"
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to say why nothing runs: a stock client then prints the reason, not a bare failure.
        self.refusal = "this server runs no commands; connect without one to browse the dossier"
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self.refusal = "this server offers no subsystems (no sftp); connect with plain ssh to browse"
        return True

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        """Signals from the client are ignored: the browser quits with its own key."""

    # ------------------------------------------------------------ lifecycle

    def session_started(self) -> None:
        if self.refusal is None:
            self.refusal = self.service.slots.acquire(self.guard.address)
            self.has_slot = self.refusal is None
            if self.refusal is not None:
                self.service.log.refused("sessions", self.guard.address, self.refusal)
        elif self.term_type is None or "commands" in self.refusal or "subsystems" in self.refusal:
            self.service.log.refused("request", self.guard.address, self.refusal)
        if self.refusal is not None:
            self._refuse(self.refusal)
            return
        assert self.chan is not None
        env = self.chan.get_environment()
        try:
            self.child = PtyChild(
                self.service.config.db,
                size=self.size,
                term=self.term_type,
                colorterm=env.get("COLORTERM"),
                on_output=self._child_output,
                on_exit=self._child_exited,
                forks=self.service.forks,
            )
        except OSError as exc:
            self._refuse(f"cannot start the browser: {exc.strerror or exc}")
            return
        self.service.sessions.add(self)
        self._last_input = asyncio.get_running_loop().time()
        self._arm_idle_timer(self.service.limits.idle_timeout)

    def _refuse(self, reason: str) -> None:
        assert self.chan is not None
        self.chan.write_stderr(f"dossier: {reason}\r\n".encode())
        self.chan.exit(1)

    def data_received(self, data: bytes, datatype: int | None) -> None:
        if self.child is None:
            return
        now = asyncio.get_running_loop().time()
        self._last_input = now
        data = self._within_input_rate(data, now)
        if data:
            self.child.write(data)

    def _within_input_rate(self, data: bytes, now: float) -> bytes:
        """What of `data` the session may send now: `input_rate` bytes a second, as a burst or spread out."""
        rate = self.service.limits.input_rate
        self._allowance = min(float(rate), self._allowance + (now - self._allowance_at) * rate)
        self._allowance_at = now
        if len(data) <= self._allowance:
            self._allowance -= len(data)
            return data
        kept = data[: int(self._allowance)]
        cut = kept.rfind(b"\x1b", max(0, len(kept) - 32))
        if cut >= 0:  # never hand the browser half an escape sequence
            kept = kept[:cut]
        self._allowance = 0.0
        if now - self._input_logged_at >= 60:
            self._input_logged_at = now
            self.service.log.refused(
                "input",
                self.guard.address,
                f"more than {rate} bytes of input a second; the rest is dropped ({len(data) - len(kept)} bytes now)",
            )
        return kept

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height)
        if self.child is None:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._count_resize(now)
        if self._resize_timer is not None:
            return  # a change is already due: it will take the newest size
        wait = self._resize_at + RESIZE_INTERVAL - now
        if wait <= 0:
            self._apply_resize()
        else:
            self._resize_timer = loop.call_later(wait, self._apply_resize)

    def _apply_resize(self) -> None:
        self._resize_timer = None
        self._resize_at = asyncio.get_running_loop().time()
        if self.child is not None:
            self.child.resize(*self.size)

    def _count_resize(self, now: float) -> None:
        self._resizes = [t for t in self._resizes[-RESIZE_STORM:] if now - t < 1.0]
        self._resizes.append(now)
        if len(self._resizes) > RESIZE_STORM and now - self._storm_logged_at >= 60:
            self._storm_logged_at = now
            self.service.log.refused(
                "resize",
                self.guard.address,
                f"over {RESIZE_STORM} window changes a second; applied at most {1 / RESIZE_INTERVAL:g} a second",
            )

    def eof_received(self) -> bool:
        return False  # the client will send no more keys: the session is over

    def pause_writing(self) -> None:
        """The client's window is full: stop reading the browser (it then waits); close the session if it lasts."""
        self._channel_paused = True
        self._output_held()

    def resume_writing(self) -> None:
        self._channel_paused = False
        self._output_flowing()

    def _output_held(self) -> None:
        if self.child is not None:
            self.child.pause_reading()
        timeout = self.service.limits.stall_timeout
        if timeout > 0 and self._stall_timer is None:
            self._stall_timer = asyncio.get_running_loop().call_later(timeout, self._stalled)

    def _output_flowing(self) -> None:
        if self._channel_paused or self._held is not None:
            return
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None
        if self.child is not None:
            self.child.resume_reading()

    def _transport_backlog(self) -> int:
        """Bytes written for this connection that the client has not taken yet (asyncssh ignores TCP backpressure).

        A client may announce a huge window and read nothing: without this the
        server would buffer the browser's output without bound.
        """
        transport = getattr(self.guard.conn, "_transport", None)  # asyncssh exports no accessor for it
        try:
            return int(transport.get_write_buffer_size()) if transport is not None else 0
        except Exception:  # a closing transport
            return 0

    def _check_backlog(self) -> None:
        self._held = None
        if self.ended:
            return
        if self._transport_backlog() > OUTPUT_LOW_WATER:
            self._held = asyncio.get_running_loop().call_later(0.1, self._check_backlog)
            return
        self._output_flowing()

    def _stalled(self) -> None:
        self._stall_timer = None
        timeout = self.service.limits.stall_timeout
        self.service.log.refused(
            "stalled", self.guard.address, f"read none of its screen for {timeout:g} s; connection closed"
        )
        asyncio.get_running_loop().create_task(self._close_stalled())

    async def _close_stalled(self) -> None:
        await self.end()
        if self.guard.conn is not None:
            self.guard.conn.abort()  # nothing more can reach a client that does not read

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._ending is None:
            self._ending = asyncio.get_running_loop().create_task(self.end())
        self.guard.session_ended()

    # ------------------------------------------------------------ the child

    def _child_output(self, data: bytes) -> None:
        if self.chan is not None and not self.ended:
            self.chan.write(data)
            if self._held is None and self._transport_backlog() > OUTPUT_HIGH_WATER:
                self._held = asyncio.get_running_loop().call_later(0.1, self._check_backlog)
                self._output_held()

    def _child_exited(self) -> None:
        asyncio.get_running_loop().create_task(self._finish_with_child_status())

    async def _finish_with_child_status(self) -> None:
        status = await self.end()
        if self.chan is not None:
            with contextlib.suppress(Exception):
                self.chan.exit(status if status >= 0 else 128 - status)

    def _arm_idle_timer(self, delay: float) -> None:
        if self.service.limits.idle_timeout > 0:
            self._idle_timer = asyncio.get_running_loop().call_later(delay, self._check_idle)

    def _check_idle(self) -> None:
        limit = self.service.limits.idle_timeout
        idle_for = asyncio.get_running_loop().time() - self._last_input
        if idle_for < limit:
            self._arm_idle_timer(limit - idle_for)
            return
        asyncio.get_running_loop().create_task(self._close_idle(limit))

    async def _close_idle(self, limit: float) -> None:
        await self.end()
        self._say_goodbye(f"idle for {limit:g} s; session closed")

    def _say_goodbye(self, reason: str) -> None:
        """After the server ended the browser: give the client its terminal back, then say why, exit 1."""
        if self.chan is not None and not self.closed:
            with contextlib.suppress(Exception):
                self.chan.write(RESTORE_TERMINAL)
                self._refuse(reason)

    async def stop_for_server(self) -> None:
        await self.end()
        self._say_goodbye("the server is stopping; session closed")

    async def end(self) -> int:
        """End the child (killed and reaped) and give back the session's slot; the child's status."""
        status = 0
        if not self.ended:
            self.ended = True
            for timer in (self._idle_timer, self._resize_timer, self._stall_timer, self._held):
                if timer is not None:
                    timer.cancel()
            if self.has_slot:
                self.has_slot = False
                self.service.slots.release(self.guard.address)
        if self.child is not None:
            status = await self.child.stop()
        self.service.sessions.discard(self)
        return status


async def start_ssh(config: SSHConfig, echo: Callable[[str], None] | None = None) -> SSHService:
    """Check the options, load or make the host key, and start listening; the caller must `close()` it.

    `echo` gets every log line (refusals, the status line); they are kept in `service.log.lines` too.
    """
    check_exposure(config.host, authenticated=config.authorized_keys is not None, public=config.public)
    host_key = load_or_create_host_key(config.state_dir or default_state_dir())
    service = SSHService(config, host_key, echo)
    await service.start()
    return service


def run_ssh(config: SSHConfig, title: str, echo: Callable[[str], None]) -> None:
    """Serve until Ctrl+C or SIGTERM, then end every session; what `dossier serve ssh` runs."""

    def banner(service: SSHService) -> list[str]:
        auth = f"public keys in {config.authorized_keys}" if config.authorized_keys else "none (any client)"
        return [
            f"Serving {title!r} read-only over SSH on {config.host}:{service.port}",
            f"  connect:  ssh -p {service.port} {connect_host(config.host)}",
            f"  host key: {fingerprint(service.host_key)}",
            f"  auth:     {auth}",
        ]

    # asyncssh logs every connection at INFO to the root logger's handlers; keep the console to our lines.
    import logging

    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    serve_until_stopped(
        lambda: start_ssh(config, echo), banner, config.limits, lambda service: len(service.sessions), echo
    )

"""The browser a client gets: `python -m dossier browse PATH` in its own session, with a minimal environment.

The child never sees the server's environment (no secrets, no `DISPLAY`, no
`SSH_AUTH_SOCK`): it gets a fresh `HOME` in a private temporary directory,
an empty directory as `PATH` (nothing can be run by name, so Python's
`webbrowser` finds no browser and a link never launches one), a UTF-8 locale,
`DOSSIER_DB` naming the served file, `DOSSIER_NOTEBOOK=off` (no notebook is
read or written on the server), `DOSSIER_READ_ONLY=1` (the dossier is never
opened for writing, even if asked: `--write` is refused), and the few
terminal variables below.
It runs with `python -I` (isolated: no `PYTHON*` variables, no user site, no
current directory on the import path).

`PtyChild` runs it on a pseudo-terminal for SSH: the child is the leader of
a new session whose controlling terminal is the PTY, so a window change set
on the PTY (TIOCSWINSZ) reaches it as SIGWINCH. `stop()` ends the whole
process group (SIGHUP, then SIGKILL after a grace period) and reaps the
child, so no process or zombie outlives a session.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from . import clamp_size

TERMS = frozenset(
    {
        "xterm",
        "xterm-256color",
        "xterm-color",
        "xterm-direct",
        "xterm-kitty",
        "screen",
        "screen-256color",
        "tmux",
        "tmux-256color",
        "vt100",
        "vt220",
        "linux",
        "rxvt",
        "rxvt-unicode",
        "rxvt-unicode-256color",
        "alacritty",
        "foot",
        "wezterm",
        "putty",
        "putty-256color",
        "ansi",
    }
)
"""Terminal types passed through from the client; anything else becomes `xterm-256color`."""
DEFAULT_TERM = "xterm-256color"
COLORTERMS = frozenset({"truecolor", "24bit"})
"""COLORTERM values passed through from the client (Textual then draws in 24-bit colour)."""
STOP_GRACE = 2.0
"""Seconds a child has to exit after SIGHUP before its process group is killed."""
MAX_PENDING_INPUT = 1 << 20
"""Bytes of client input held for a child that is not reading; beyond this, input is dropped."""


def browse_args(db: Path) -> list[str]:
    """What a served browser runs, spawned or forked: `dossier browse DB`, read-only (no option is ever added)."""
    return ["browse", str(db)]


def browse_argv(db: Path) -> list[str]:
    """The child's argument vector: the same interpreter, isolated, running `dossier browse DB`."""
    return [sys.executable, "-I", "-m", "dossier", *browse_args(db)]


def make_home() -> Path:
    """A private, empty home for one child (mode 0700), with an empty `bin` used as its PATH."""
    home = Path(tempfile.mkdtemp(prefix="dossier-serve-"))
    (home / "bin").mkdir(mode=0o700)
    return home


def remove_home(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)


def child_env(db: Path, home: Path, *, term: str | None = None, colorterm: str | None = None) -> dict[str, str]:
    """The whole environment of a child: nothing inherited from the server."""
    env = {
        "HOME": str(home),
        "PATH": str(home / "bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "DOSSIER_DB": str(db),
        # Served sessions write nothing on the server: the notebook is off (`m n # b` say so; `y` copies),
        # and the dossier is never opened for writing: `--write` is refused (`dossier.opening`).
        "DOSSIER_NOTEBOOK": "off",
        "DOSSIER_READ_ONLY": "1",
    }
    if term is not None:
        env["TERM"] = term if term in TERMS else DEFAULT_TERM
    if colorterm in COLORTERMS:
        env["COLORTERM"] = colorterm
    return env


def set_pty_size(fd: int, columns: int, rows: int) -> tuple[int, int]:
    """Set a PTY's window size (capped, see `clamp_size`); the kernel sends SIGWINCH to its foreground group."""
    columns, rows = clamp_size(columns, rows)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return columns, rows


def get_pty_size(fd: int) -> tuple[int, int]:
    rows, columns, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return columns, rows


# Loaded before any fork: the code that runs between fork and exec must not import or allocate much.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def die_with_server(server_pid: int) -> None:  # pragma: no cover - runs in the forked child, before exec
    """Linux: the child is killed if the server dies without ending it (SIGKILL, an out-of-memory kill)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != server_pid:  # the server died before the line above: do not run at all
            os._exit(1)


def child_setup() -> Callable[[], None]:
    """What a non-PTY child runs before exec (see `die_with_server`)."""
    return functools.partial(die_with_server, os.getpid())


def _pty_child_setup(server_pid: int) -> None:  # pragma: no cover - runs in the forked child, before exec
    # After setsid() (start_new_session) the child has no controlling terminal; make the PTY
    # on stdin its controlling terminal so window changes arrive as SIGWINCH and a hangup reaches it.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    die_with_server(server_pid)


async def end_process_group(pid: int, poll: Callable[[], int | None], grace: float = STOP_GRACE) -> int:
    """SIGHUP the group led by `pid`, wait up to `grace` s, then SIGKILL it; reap the leader; its status."""
    if poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGHUP)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while poll() is None and loop.time() < deadline:
            await asyncio.sleep(0.02)
    # The group may outlive its leader (a grandchild); killing it by id stays safe after the leader
    # is reaped because Linux does not reuse an id while a process group still holds it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    while (status := poll()) is None:
        await asyncio.sleep(0.01)
    return status


class BrowserProcess(Protocol):
    """A running browser: a spawned `subprocess.Popen`, or a forked one (`forkserver.ForkedProcess`)."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...


class Forker(Protocol):
    """What `PtyChild` asks of a fork server (`forkserver.ForkServer`)."""

    @property
    def ready(self) -> bool: ...

    async def fork(self, slave: int, env: dict[str, str], home: Path) -> BrowserProcess | None: ...


class PtyChild:
    """One browser on a pseudo-terminal, wired to the event loop; output goes to `on_output`.

    With `forks` (a running `ForkServer`) the browser is forked from the
    pre-started helper; without it, or when the helper cannot, it is spawned
    (`python -I -m dossier browse PATH`). Either way the PTY is opened here
    first, so input sent while the browser starts waits in it.
    """

    def __init__(
        self,
        db: Path,
        *,
        size: tuple[int, int],
        term: str | None,
        colorterm: str | None,
        on_output: Callable[[bytes], None],
        on_exit: Callable[[], None],
        forks: Forker | None = None,
    ) -> None:
        self.home = make_home()
        self.db = db
        self.on_output = on_output
        self.on_exit = on_exit
        self._pending = bytearray()
        self._reading = False
        self._exited = False
        self._status: int | None = None
        self._loop = asyncio.get_running_loop()
        self.process: BrowserProcess | None = None
        self.forked = False
        """True when the browser was forked from the pre-started helper (else spawned)."""
        self.env = child_env(db, self.home, term=term or DEFAULT_TERM, colorterm=colorterm)
        master, slave = os.openpty()
        self.started: asyncio.Future[None] | None = None
        """Done once the browser runs (at once when spawned; after the helper's answer when forked)."""
        try:
            set_pty_size(master, *size)
            if forks is not None and forks.ready:
                self.started = self._loop.create_task(self._fork(forks, slave))
            else:
                try:
                    self._spawn(slave)
                finally:
                    os.close(slave)
        except BaseException:
            os.close(master)
            remove_home(self.home)
            raise
        self.master: int | None = master
        os.set_blocking(master, False)
        self.resume_reading()

    def _spawn(self, slave: int) -> None:
        self.process = subprocess.Popen(
            browse_argv(self.db),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            cwd=self.home,
            start_new_session=True,
            preexec_fn=functools.partial(_pty_child_setup, os.getpid()),
            close_fds=True,
        )

    async def _fork(self, forks: Forker, slave: int) -> None:
        """Ask the helper for the browser; spawn it when the helper cannot. The PTY's slave end is closed after."""
        try:
            forked = await forks.fork(slave, self.env, self.home)
            if forked is not None:
                self.process = forked
                self.forked = True
            else:
                self._spawn(slave)
        except OSError:
            # Neither way could start a browser: closing the slave ends the session (its master reads EOF).
            pass
        finally:
            os.close(slave)

    @property
    def pid(self) -> int:
        """The browser's process id (0 while the helper has not yet answered)."""
        return self.process.pid if self.process is not None else 0

    def resize(self, columns: int, rows: int) -> tuple[int, int] | None:
        """Give the child a new window size (capped); None once it has gone."""
        if self.master is None:
            return None
        return set_pty_size(self.master, columns, rows)

    def write(self, data: bytes) -> None:
        """Send client input to the child; held (up to a bound) while the PTY is full."""
        if self.master is None:
            return
        if len(self._pending) + len(data) > MAX_PENDING_INPUT:
            return  # the child stopped reading: dropping keys beats growing without bound
        self._pending += data
        self._flush()

    def _flush(self) -> None:
        if self.master is None:
            return
        try:
            while self._pending:
                written = os.write(self.master, self._pending)
                del self._pending[:written]
        except BlockingIOError:
            self._loop.add_writer(self.master, self._flush)
            return
        except OSError:
            self._pending.clear()
        self._loop.remove_writer(self.master)

    def pause_reading(self) -> None:
        """Stop reading the child's output (the client is slow); the child then blocks on its writes."""
        if self._reading and self.master is not None:
            self._loop.remove_reader(self.master)
            self._reading = False

    def resume_reading(self) -> None:
        if not self._reading and self.master is not None:
            self._loop.add_reader(self.master, self._read)
            self._reading = True

    def _read(self) -> None:
        assert self.master is not None
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError as exc:
            # EIO: every holder of the PTY's other end has closed it, i.e. the child has exited.
            if exc.errno not in (errno.EIO, errno.EBADF):
                raise
            data = b""
        if data:
            self.on_output(data)
            return
        self._close_master()
        if not self._exited:
            self._exited = True
            self.on_exit()

    def _close_master(self) -> None:
        if self.master is None:
            return
        self._loop.remove_reader(self.master)
        self._loop.remove_writer(self.master)
        self._reading = False
        os.close(self.master)
        self.master = None

    async def stop(self) -> int:
        """End the child's whole process group, reap it, remove its home; its exit status (idempotent)."""
        if self._status is None:
            self._exited = True  # a stop asked for is not an exit to report
            self._close_master()
            if self.started is not None:
                await asyncio.shield(self.started)
            if self.process is None:  # no browser could be started
                self._status = 1
            else:
                self._status = await end_process_group(self.process.pid, self.process.poll)
            remove_home(self.home)
        return self._status

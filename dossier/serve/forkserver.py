"""A pre-started browser that forks one copy per session: the first screen without starting Python.

Starting `python -m dossier browse` costs every SSH session ~0.3 s of
imports on an idle machine and ~40 MiB of its own. Instead the server starts
this helper once (`ForkServer.start`), as it would start a child: from an
argument vector, in a session of its own, with the same minimal environment
(`child.child_env`), killed if the server dies. The helper imports the
browser (Textual, the app, its screens and widgets), draws the dossier once
off-screen, collects the garbage, settles the C heap (`_settle_memory`) and
calls `gc.freeze()` so the collector never writes to those objects' pages,
and waits. For each
session the server opens the PTY, sets its size and sends the PTY's other end
with the session's terminal type over a Unix socket (`socket.send_fds`); the
helper forks, and the fork forks again and exits, so the browser is
re-parented to the server (a Linux "child subreaper"), which waits for it,
ends its process group and reaps it exactly as a spawned child's.

In the browser, after the forks and before anything else: a new session
whose controlling terminal is the PTY (stdin, stdout, stderr), killed if the
server dies (`die_with_server`, once re-parented), every other descriptor
closed, its own private home as the working directory, its whole environment
replaced by the session's `child_env` (the same variables a spawned child
gets; `/proc/PID/environ` still shows the helper's, which are of the same
minimal kind), fresh standard streams on the PTY, and then the same read-only
`dossier browse PATH` a spawned child runs (`child.browse_args`).

What is safe across the fork, and why:
- no thread runs in the helper (Textual starts threads only when an app runs;
  the helper checks before each fork and refuses to fork otherwise);
- no asyncio loop exists in the helper; the browser makes its own;
- no SQLite connection is open in the helper: each browser opens the dossier
  itself, read-only, after the fork (the file's pages are shared anyway, in
  the system's page cache);
- `random` is re-seeded in every fork (Python does it); the hash seed and the
  address-space layout are the helper's, shared by every session (as in any
  pre-forking server): a session learns nothing from them about the server.

If the helper dies, the server starts it again (at most `MAX_RESTARTS` a
minute), and meanwhile each session is spawned as before; each is one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .child import DEFAULT_TERM, browse_args, child_env, die_with_server, make_home, remove_home

MAX_RESTARTS = 3
"""Restarts of the helper allowed in a minute; beyond that sessions are spawned (`--no-prefork`'s way)."""
REPLY_TIMEOUT = 10.0
"""Seconds the server waits for the helper to answer a fork; then the session is spawned instead."""
_MESSAGE = 4096


# ---------------------------------------------------------------------------- the server's side


class ForkedProcess:
    """A browser forked by the helper and re-parented to the server: `pid` and `poll()` as `subprocess.Popen`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # not (or no longer) ours: treat as gone
                self.returncode = -signal.SIGKILL
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def become_subreaper(on: bool = True) -> bool:
    """Linux: orphaned descendants of this process are re-parented to it (so it can reap the forked browsers)."""
    from .child import _prctl

    if _prctl is None:
        return False
    return bool(_prctl(36, 1 if on else 0, 0, 0, 0) == 0)  # PR_SET_CHILD_SUBREAPER


class ForkServer:
    """The server's handle on the helper: start it, ask it for a browser, restart it if it dies."""

    def __init__(self, db: Path, log: Callable[[str], None]) -> None:
        self.db = db
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.home: Path | None = None
        self._sock: socket.socket | None = None
        self._waiting: deque[asyncio.Future[int]] = deque()
        self._restarts: deque[float] = deque()
        self._closed = False
        self._loaded = asyncio.Event()
        self._started_at = 0.0
        self.forks = 0
        """Browsers forked so far."""

    @property
    def ready(self) -> bool:
        """The helper has loaded the browser and answers: new sessions are forked (until then, spawned)."""
        return self._sock is not None and self._loaded.is_set()

    async def wait_ready(self, timeout: float = 60.0) -> bool:
        """Wait until the helper is ready (or gone); whether it is."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._loaded.wait(), timeout)
        return self.ready

    def start(self) -> None:
        """Start the helper (or say in one line why sessions will be spawned instead)."""
        if not become_subreaper():
            self.log("prefork: not available here (needs Linux); each session starts its own Python")
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.home = make_home()
        try:
            from .child import child_setup

            self.process = subprocess.Popen(
                [sys.executable, "-I", "-m", "dossier.serve.forkserver", str(theirs.fileno()), str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=child_env(self.db, self.home, term=DEFAULT_TERM),
                cwd=self.home,
                start_new_session=True,
                preexec_fn=child_setup(),
                pass_fds=(theirs.fileno(),),
            )
        except OSError as exc:
            ours.close()
            remove_home(self.home)
            self.log(f"prefork: cannot start the helper ({exc.strerror or exc}); each session starts its own Python")
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._loaded.clear()
        self._started_at = time.monotonic()
        asyncio.get_running_loop().add_reader(ours.fileno(), self._answer)

    def _answer(self) -> None:
        assert self._sock is not None
        try:
            data = self._sock.recv(_MESSAGE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._helper_gone()
            return
        try:
            answer = json.loads(data)
            if answer.get("ready"):
                self._loaded.set()
                self.log(f"prefork: the browser is loaded, forks ready ({time.monotonic() - self._started_at:.1f} s)")
                return
            pid = int(answer["pid"])
        except (ValueError, KeyError, TypeError, AttributeError):
            pid = -1
        if self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(pid)

    def _helper_gone(self) -> None:
        self._loaded.clear()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(sock.fileno())
            sock.close()
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(-1)
        status = None
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                status = self.process.wait(1)
        if self.home is not None:
            remove_home(self.home)
            self.home = None
        if self._closed:
            return
        now = time.monotonic()
        while self._restarts and now - self._restarts[0] > 60:
            self._restarts.popleft()
        if len(self._restarts) >= MAX_RESTARTS:
            self.log(
                f"prefork: the helper stopped (status {status}) {MAX_RESTARTS} times in a minute; sessions are spawned"
            )
            return
        self._restarts.append(now)
        self.log(f"prefork: the helper stopped (status {status}); starting it again")
        self.start()

    async def fork(self, slave: int, env: dict[str, str], home: Path) -> ForkedProcess | None:
        """A browser on the PTY `slave`, or None (the helper is gone or did not answer: spawn instead)."""
        if not self.ready or self._sock is None:
            return None
        request = json.dumps({"env": env, "home": str(home)}).encode()
        if len(request) > _MESSAGE:
            return None
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        try:
            socket.send_fds(self._sock, [request], [slave])
        except OSError:
            return None
        self._waiting.append(future)
        try:
            pid = await asyncio.wait_for(asyncio.shield(future), REPLY_TIMEOUT)
        except TimeoutError:
            self.log("prefork: the helper did not answer in time; this session is spawned")
            return None
        if pid <= 0:
            return None
        self.forks += 1
        return ForkedProcess(pid)

    def close(self) -> None:
        """Stop the helper (the browsers it forked are the server's children and are ended with their sessions)."""
        self._closed = True
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(sock.fileno())
            sock.close()  # the helper reads end-of-file and exits
        if self.process is not None:
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.home is not None:
            remove_home(self.home)
            self.home = None
        become_subreaper(False)  # the server's sessions are over: orphans go to init again


# ---------------------------------------------------------------------------- the helper's side


def _warm(db: Path) -> None:
    """Import everything a browser imports, then draw the dossier once off-screen, so forks share all of it.

    The off-screen run (Textual's headless driver, no terminal) fills the
    caches every browser fills on its first screen (parsed stylesheets, layout
    and text-width caches) and imports what Textual imports lazily. It opens
    the dossier read-only and closes it before the first fork; its threads
    have ended when it returns (`_fork_browser` checks). A failure here only
    costs the warmth: the browsers still start.
    """
    import concurrent.futures.thread  # noqa: F401 - the browser's thread workers

    import textual.app  # noqa: F401
    import textual.drivers.linux_driver  # noqa: F401
    import textual.layouts.factory  # noqa: F401
    import textual.layouts.horizontal  # noqa: F401
    import textual.layouts.stream  # noqa: F401

    import dossier.app  # noqa: F401
    import dossier.notebook  # noqa: F401
    import dossier.opening  # noqa: F401
    import dossier.screens.too_small  # noqa: F401
    import dossier.store  # noqa: F401

    with contextlib.suppress(Exception):
        asyncio.run(_draw_once(db))


async def _draw_once(db: Path) -> None:
    from dossier.app import DossierApp
    from dossier.store import Store
    from dossier.widgets import reader

    store = Store.open(db, check_seconds=0)
    try:
        app = DossierApp(store, notebook=None, notebook_off="off")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "k")
            await pilot.pause()
    finally:
        store.close()
        reader.stop()  # the panes' reader thread: the helper forks only while it runs no thread


_HELD_CHUNKS: list[int] = []
"""Heap chunks taken by `_fill_heap_holes` in the helper and never freed (so no fork writes into their pages)."""
_M_ARENA_MAX = -8


def _libc() -> Any:
    import ctypes

    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
        libc.fdopen.restype = ctypes.c_void_p
        libc.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
        libc.malloc.restype = ctypes.c_void_p
        libc.malloc.argtypes = [ctypes.c_size_t]
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        return libc
    except (OSError, AttributeError):  # not glibc
        return None


def _settle_memory() -> None:
    """Last thing before the first fork: what the C heap does after a fork, so forks copy fewer pages.

    - One malloc arena (`M_ARENA_MAX` 1): a browser's threads (output, input,
      the live check, executor workers) allocate from the heap they share
      with it rather than each from an arena of its own.
    - The free chunks left between live ones by the warm-up are taken once, in
      the helper, and kept: otherwise each fork's first allocations (SQLite's,
      Python's larger objects) land in them and copy the pages they share with
      live data, in every browser; now they come from fresh pages.
    glibc only (elsewhere, or on any failure, nothing is done: forks only copy more).
    """
    import re
    import tempfile

    libc = _libc()
    if libc is None:
        return
    with contextlib.suppress(Exception):
        libc.mallopt(_M_ARENA_MAX, 1)
        for _ in range(3):  # later passes take what the per-thread cache held, and what splits left
            with tempfile.TemporaryFile() as out:
                stream = libc.fdopen(os.dup(out.fileno()), b"w")
                if not stream:
                    return
                libc.malloc_info(0, stream)
                libc.fclose(stream)
                out.seek(0)
                text = out.read().decode("ascii", "replace")
            main_heap = text.split("</heap>", 1)[0]  # heap 0: the main arena's, the one forks allocate from
            free = r'<(?:size|unsorted) from="(\d+)" to="\d+" total="\d+" count="(\d+)"'
            for found in re.finditer(free, main_heap):
                chunk, count = int(found[1]) & ~15, int(found[2])  # a chunk's size (less its flag bits)
                if chunk >= 32:
                    _HELD_CHUNKS.extend(libc.malloc(chunk - 8) for _ in range(count))


def _fork_browser(sock: socket.socket, server_pid: int, slave: int, env: dict[str, str], home: str) -> int:
    """Fork twice; the grandchild becomes the browser. Its pid, or -1."""
    import threading

    if threading.active_count() != 1:  # a fork would copy a thread's locks, not the thread
        return -1
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # pragma: no cover - runs in the fork
        try:
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                os.close(write_end)
                _become_browser(sock, server_pid, slave, env, home)
            os.write(write_end, str(pid).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        text = answer.read()
    os.waitpid(middle, 0)
    try:
        return int(text)
    except ValueError:
        return -1


def _become_browser(sock: socket.socket, server_pid: int, slave: int, env: dict[str, str], home: str) -> None:
    # pragma: no cover - runs in the fork (tests see it through the server)
    status = 1
    try:
        sock.close()
        os.setsid()
        deadline = time.monotonic() + 5
        while os.getppid() != server_pid:  # the middle process exits at once; then the server adopts us
            if time.monotonic() > deadline:
                os._exit(1)
            time.sleep(0.001)
        die_with_server(server_pid)
        import fcntl
        import termios

        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd > 2:
                with contextlib.suppress(OSError):
                    os.close(fd)
        os.chdir(home)
        os.environ.clear()
        for name, value in env.items():
            os.environ[name] = value
        _fresh_standard_streams()
        import gc

        gc.disable()  # as `dossier.launch` does: the app turns it back on after the first frame
        status = _browse(browse_args(Path(env["DOSSIER_DB"])))
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _browse(args: list[str]) -> int:
    """Run `dossier browse PATH` as `dossier.launch` runs it (the same one-line reasons); its exit status."""
    from dossier.errors import error_line
    from dossier.opening import open_browser, reason

    command, path = args  # `browse PATH`: the read-only browser, and nothing else
    assert command == "browse"
    sys.argv = ["dossier", *args]
    try:
        return open_browser(Path(path), None)
    except KeyboardInterrupt:
        print("Aborted!", file=sys.stderr)
        return 1
    except Exception as exc:
        print(error_line(reason(exc)), file=sys.stderr)
        return 1


def _fresh_standard_streams() -> None:
    """stdin, stdout and stderr as Python makes them on a terminal (the helper's were /dev/null)."""
    import io

    streams = {
        "stdin": io.TextIOWrapper(open(0, "rb", closefd=False), encoding="utf-8"),
        "stdout": io.TextIOWrapper(open(1, "wb", closefd=False), encoding="utf-8", line_buffering=True),
        "stderr": io.TextIOWrapper(
            open(2, "wb", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
        ),
    }
    for name, stream in streams.items():
        # Textual writes to sys.__stderr__ and reads sys.__stdin__: both must be the PTY's.
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def helper_main(fd: int, server_pid: int) -> None:
    """The helper: warm, freeze, then fork a browser for every request until the server closes the socket."""
    import gc

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server ends it; a stray Ctrl+C does not
    sock = socket.socket(fileno=fd)
    _warm(Path(os.environ["DOSSIER_DB"]))
    gc.collect()  # the warm-up's garbage is freed before the heap is settled and the rest frozen
    _settle_memory()
    gc.freeze()  # the collector never touches these objects again: their pages stay shared with every fork
    try:
        sock.send(json.dumps({"ready": True}).encode())
    except OSError:
        return
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, _MESSAGE, 1)
        except OSError:
            return
        if not message:
            return
        pid = -1
        try:
            request = json.loads(message)
            if fds:
                signal.signal(signal.SIGINT, signal.default_int_handler)  # the browser: Python's usual handling
                try:
                    pid = _fork_browser(sock, server_pid, fds[0], dict(request["env"]), str(request["home"]))
                finally:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
        except (ValueError, KeyError, TypeError, OSError):
            pid = -1
        finally:
            for received in fds:
                os.close(received)
        try:
            sock.send(json.dumps({"pid": pid}).encode())
        except OSError:
            return


if __name__ == "__main__":  # pragma: no cover - started by ForkServer
    helper_main(int(sys.argv[1]), int(sys.argv[2]))

"""Drive a program in a real pseudo-terminal, as a user's terminal would, and time what it draws.

The program gets a pty of a fixed size and answers to nothing but bytes, as
in a terminal emulator. Two things make the timing exact rather than guessed:

* Textual asks the terminal whether it supports synchronized output
  (`CSI ? 2026 $ p`); we answer yes, so every frame it draws ends with
  `CSI ? 2026 l`. A repaint is over when that sequence has been written.
* The output is read all the time, also while keys are held down, so the
  program never blocks on a full pty buffer.

Text is found on the screen by stripping escape sequences from the output
and searching what is left: a name drawn on one line is contiguous there.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

SYNC_END = b"\x1b[?2026l"
_SYNC_QUERY = b"\x1b[?2026$p"
_SYNC_REPLY = b"\x1b[?2026;2$y"  # "mode 2026 is known and reset": Textual then syncs every frame
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_][^\x1b]*\x1b\\|\x1b.")

KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "tab": b"\t",
    "enter": b"\r",
    "pagedown": b"\x1b[6~",
    "q": b"q",
    "escape": b"\x1b",
}
"""Key names the harness understands, as a terminal sends them; any other name is sent as its text."""


def key_bytes(name: str) -> bytes:
    return KEYS.get(name.lower(), name.encode())


@dataclass
class Press:
    """One key press and what it drew: times in seconds from the write."""

    first_frame: float | None
    last_frame: float | None
    frames: int


@dataclass
class Terminal:
    """A program running in a pty of `size` (columns, rows)."""

    argv: Sequence[str]
    size: tuple[int, int] = (120, 40)
    env: dict[str, str] | None = None
    output: bytearray = field(default_factory=bytearray, repr=False)
    started: float = 0.0

    def __post_init__(self) -> None:
        self._master, slave = os.openpty()
        columns, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("TERM", "xterm-256color")
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(self.argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self._plain = ""
        self._stripped_upto = 0

    # ----------------------------------------------------------------- reading

    def read(self, timeout: float) -> bytes:
        """What the program wrote within `timeout` seconds (b"" if nothing, or it has gone)."""
        ready, _, _ = select.select([self._master], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = os.read(self._master, 1 << 16)
        except OSError:  # EIO: the program closed the terminal
            return b""
        if _SYNC_QUERY in data:
            os.write(self._master, _SYNC_REPLY)
        self.output += data
        return data

    def drain(self, quiet: float = 0.05, limit: float = 2.0) -> None:
        """Read until the program has written nothing for `quiet` seconds (at most `limit`)."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end and self.read(quiet):
            pass

    def screen_text(self) -> str:
        """Everything drawn so far, without escape sequences."""
        if self._stripped_upto != len(self.output):
            self._plain = _ESCAPES.sub(b"", bytes(self.output)).decode("utf-8", "replace")
            self._stripped_upto = len(self.output)
        return self._plain

    def wait_for_text(self, text: str, timeout: float) -> float | None:
        """Seconds from the start until `text` is on the screen, or None if it did not appear."""
        end = self.started + timeout
        while True:
            if text in self.screen_text():
                return time.perf_counter() - self.started
            if time.perf_counter() >= end or self.process.poll() is not None:
                self.read(0)
                return time.perf_counter() - self.started if text in self.screen_text() else None
            self.read(min(0.05, end - time.perf_counter()))

    def wait_for_frame(self, timeout: float) -> float | None:
        """Seconds from the start until the first whole frame was written."""
        end = self.started + timeout
        while SYNC_END not in self.output:
            if time.perf_counter() >= end or self.process.poll() is not None:
                return None
            self.read(min(0.05, end - time.perf_counter()))
        return time.perf_counter() - self.started

    # ----------------------------------------------------------------- keys

    def press(self, key: bytes, *, settle: float = 0.05, timeout: float = 1.0) -> Press:
        """Send a key and time the frames it causes, until none has come for `settle` seconds."""
        self.drain(quiet=0.01, limit=0.5)
        os.write(self._master, key)
        sent = time.perf_counter()
        first = last = None
        frames = 0
        deadline = sent + timeout
        while True:
            wait = settle if frames else deadline - time.perf_counter()
            data = self.read(max(0.0, wait))
            if not data:
                if frames or time.perf_counter() >= deadline:
                    break
                continue
            count = data.count(SYNC_END)
            if count:
                now = time.perf_counter() - sent
                frames += count
                first = now if first is None else first
                last = now
        return Press(first, last, frames)

    def write(self, data: bytes) -> None:
        """Send bytes as typed or pasted, without waiting for what they draw."""
        os.write(self._master, data)

    def hold(self, key: bytes, seconds: float, rate: float = 30.0) -> int:
        """Send `key` `rate` times a second for `seconds`, as a held key repeats; returns how many."""
        sent = 0
        end = time.perf_counter() + seconds
        next_at = time.perf_counter()
        while time.perf_counter() < end:
            now = time.perf_counter()
            if now >= next_at:
                os.write(self._master, key)
                sent += 1
                next_at += 1.0 / rate
            self.read(max(0.0, min(next_at, end) - time.perf_counter()))
        return sent

    # ----------------------------------------------------------------- memory and exit

    def peak_rss_kib(self) -> int | None:
        """The program's peak resident memory so far (VmHWM), in KiB."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def quit(self, key: bytes = b"q", timeout: float = 5.0) -> float | None:
        """Send the quit key; seconds until the program has exited, or None if it did not."""
        os.write(self._master, key)
        sent = time.perf_counter()
        while self.process.poll() is None:
            if time.perf_counter() - sent > timeout:
                return None
            self.read(0.005)
        return time.perf_counter() - sent

    def hang_up(self, timeout: float = 10.0) -> float | None:
        """Close the terminal under the program (as a closed window does); seconds from then until it has exited,
        or None if it has not within `timeout`."""
        os.close(self._master)
        self._master = -1
        closed = time.perf_counter()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return time.perf_counter() - closed

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._master >= 0:
            os.close(self._master)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

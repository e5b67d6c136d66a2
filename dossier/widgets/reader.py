"""One reader thread for the reads a key press starts, in place of a Textual thread worker each.

A move between actors starts five reads (the Statements, Measures and
Consequences rows, the Detail pane, the measures a statement is about). As
Textual thread workers, each cost a worker object, a task, a hop to the
thread pool and three state changes, each a message bubbling to the screen:
about a dozen messages a key, in the SSH lecture hall where every browser's
CPU is shared (docs/serving.md). The store answers one read at a time anyway
(one connection under a lock), so nothing ran in parallel.

`read(owner, group, read)` queues `read` for the one reader thread of the
process. Like an exclusive worker, a newer read of the same owner and group
supersedes an older one: a read not yet started is skipped, and the messages
of one that finished after it was superseded are dropped. The thread runs
the reads in the order queued and hands each one's messages back to the
event loop as it ends, where they are posted to its owner. A read that
raises is reported as a failed worker is
(`App._handle_exception` with `WorkerFailed`: the app's one-line notice).

`stop()` ends the thread: the SSH server's fork helper draws the dossier
once before it forks, and a fork copies no thread (`serve/forkserver.py`).
`pending()` says whether a read is queued, running, or not yet handed back
(the tests' `settle` waits for it as for workers).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import WorkerFailed

Read = Callable[[], Iterable[Message]]
"""A read: run in the reader thread, it returns the messages to post to its owner."""


class _Job:
    """A queued read (a plain class: no dataclass is made before the first frame, `tests/app/test_first_frame.py`)."""

    __slots__ = ("serial", "key", "owner", "read", "loop", "messages", "error")

    def __init__(
        self, serial: int, key: tuple[int, str], owner: MessagePump, read: Read, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.serial = serial
        self.key = key
        self.owner = owner
        self.read = read
        self.loop = loop
        self.messages: list[Message] = []
        self.error: Exception | None = None


class _Reader:
    def __init__(self) -> None:
        self._jobs: deque[_Job] = deque()
        self._wake = threading.Condition(threading.Lock())
        self._latest: dict[tuple[int, str], int] = {}
        """The newest read of each (owner, group), by serial: older ones are superseded."""
        self._serial = 0
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._stopping = False

    def read(self, owner: MessagePump, group: str, read: Read) -> None:
        loop = asyncio.get_running_loop()
        self._serial += 1
        key = (id(owner), group)
        self._latest[key] = self._serial
        job = _Job(self._serial, key, owner, read, loop)
        with self._wake:
            self._pending += 1
            self._jobs.append(job)
            self._wake.notify()
        if self._thread is None or self._pid != os.getpid():  # a forked browser starts its own
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="dossier-reader", daemon=True)
            self._thread.start()

    def pending(self) -> bool:
        return self._pending > 0

    def stop(self, timeout: float) -> None:
        thread, self._thread = self._thread, None
        if thread is None or self._pid != os.getpid():
            return
        with self._wake:
            self._stopping = True
            self._wake.notify()
        thread.join(timeout)
        with self._wake:  # what was still queued is for an app that has ended
            self._stopping = False
            self._jobs.clear()
            self._pending = 0
        self._latest.clear()

    def _current(self, job: _Job) -> bool:
        return self._latest.get(job.key) == job.serial

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._jobs and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return  # a job queued meanwhile starts a new thread (`read`)
                jobs = list(self._jobs)
                self._jobs.clear()
            for job in jobs:
                if self._current(job):
                    try:
                        job.messages = list(job.read())
                    except Exception as exc:  # reported in the loop, as a failed worker is
                        job.error = exc
                # Each read's messages go as soon as it is done: the event loop handles one
                # pane's rows while the next is read (handing all over at the end was slower).
                try:
                    job.loop.call_soon_threadsafe(self._deliver, [job])
                except RuntimeError:  # that app's loop has closed: nobody is waiting
                    with self._wake:
                        self._pending -= 1

    def _deliver(self, jobs: list[_Job]) -> None:
        """In the event loop: post each current read's messages to its owner."""
        with self._wake:
            self._pending -= len(jobs)
        for job in jobs:
            if not self._current(job):
                continue  # superseded: a newer read of its group is on its way
            del self._latest[job.key]
            if job.error is not None:
                job.owner.app._handle_exception(WorkerFailed(job.error))
            else:
                for message in job.messages:
                    job.owner.post_message(message)


_READER = _Reader()


def read(owner: MessagePump, group: str, read: Read) -> None:
    """Queue `read` for the reader thread; its messages go to `owner`, unless a newer read of `group` came first."""
    _READER.read(owner, group, read)


def stop(timeout: float = 5.0) -> None:
    """End the reader thread (a later read starts another): before a fork, which copies no thread."""
    _READER.stop(timeout)


def pending() -> bool:
    """Whether a read is queued, running, or its messages not yet posted."""
    return _READER.pending()

"""The panes' reader thread (dossier/widgets/reader.py): one thread, newer reads supersede older, failures reported."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static

from dossier.app import DossierApp
from dossier.store import Store
from dossier.widgets import reader
from tests.pilot_helpers import notifications, settle


class Got(Message):
    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value


class Sink(Static):
    def __init__(self) -> None:
        super().__init__(id="sink")
        self.got: list[str] = []
        self.threads: set[str] = set()

    def on_got(self, message: Got) -> None:
        self.got.append(message.value)


class Small(App[None]):
    def compose(self) -> ComposeResult:
        yield Sink()


def reading(sink: Sink, value: str, gate: threading.Event | None = None) -> Any:
    def read() -> list[Message]:
        if gate is not None:
            assert gate.wait(10)
        sink.threads.add(threading.current_thread().name)
        return [Got(value)]

    return read


async def test_a_newer_read_of_a_group_supersedes_the_older_and_other_groups_all_arrive() -> None:
    app = Small()
    async with app.run_test() as pilot:
        sink = app.query_one(Sink)
        gate = threading.Event()
        reader.read(sink, "rows", reading(sink, "first", gate))  # running while the next ones are queued
        reader.read(sink, "rows", reading(sink, "second"))
        reader.read(sink, "rows", reading(sink, "third"))
        reader.read(sink, "detail", reading(sink, "detail"))
        assert reader.pending()
        gate.set()
        await settle(pilot)
        assert not reader.pending()
        # "first" finished after "third" was queued: dropped; "second" never ran.
        assert sorted(sink.got) == ["detail", "third"]
        assert sink.threads == {"dossier-reader"}  # one thread, not one a read


async def test_a_failing_read_is_the_apps_one_line_notice_and_browsing_goes_on(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        app = DossierApp(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)

            def fails() -> list[Message]:
                raise OSError("the disk went away")

            reader.read(app.browser, "probe", fails)
            await settle(pilot)
            assert any("the disk went away" in str(note.message) for note in notifications(app))
            before = app.browser.actors.cursor
            await pilot.press("j")
            await settle(pilot)
            assert app.browser.actors.cursor == before + 1
            await pilot.press("q")
        assert app.return_code == 0


async def test_stop_ends_the_thread_and_a_later_read_starts_another() -> None:
    app = Small()
    async with app.run_test() as pilot:
        sink = app.query_one(Sink)
        reader.read(sink, "rows", reading(sink, "one"))
        await settle(pilot)
        assert any(thread.name == "dossier-reader" for thread in threading.enumerate())
        reader.stop()
        assert not any(thread.name == "dossier-reader" for thread in threading.enumerate())
        reader.read(sink, "rows", reading(sink, "two"))
        await settle(pilot)
        assert sink.got == ["one", "two"]

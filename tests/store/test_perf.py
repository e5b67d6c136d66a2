"""What the speed work changed in behaviour: one query path for the CLI and the browser, rows built
without validation but still safe on odd files, the damage check after the first screen, and a key
press painted together with the panes that follow it."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dossier.app import DossierApp
from dossier.importer import seed_bundle_bytes
from dossier.rows import StatementItem
from dossier.store import Store, read_title
from dossier.widgets.frame_hold import FrameHold
from tests.conftest import page_of
from tests.pilot_helpers import batch_depth, each_frame, lines, notifications, settle, shown

SIZE = (120, 40)


# --------------------------------------------------------------------------- one path for CLI and browser


def test_statements_walked_page_by_page_are_the_rows_of_one_page(store: Store) -> None:
    actor = store.resolve("zakharova")[1]
    pages = store.statements_page(actor, limit=1000)
    assert len(pages) > 2
    walked: list[StatementItem] = []
    after: StatementItem | None = None
    while batch := store.statements_page(actor, after=after, limit=2):
        walked += batch
        after = batch[-1]
    assert walked == pages


def test_statement_pages_continue_past_the_dated_into_the_undated(tmp_path: Path, seed_db: Path) -> None:
    db = tmp_path / "undated.db"
    shutil.copy(seed_db, db)
    conn = sqlite3.connect(db)
    with conn:
        (actor,) = conn.execute("SELECT id FROM actors WHERE slug = 'zakharova'").fetchone()
        ids = [i for (i,) in conn.execute("SELECT id FROM statements WHERE speaker_id = ? ORDER BY id", (actor,))]
        conn.execute("UPDATE statements SET said = NULL WHERE id IN (?, ?)", ids[:2])
    conn.close()
    with Store.open(db) as opened:
        rows = opened.statements_page(actor, limit=1000)
        assert [s.said for s in rows[-2:]] == [None, None]
        assert [s.id for s in rows[-2:]] == sorted(ids[:2], reverse=True)
        rest = opened.statements_page(actor, after=rows[-3], limit=10)
        assert [s.id for s in rest] == [s.id for s in rows[-2:]]
        after_undated = opened.statements_page(actor, after=rows[-2], limit=10)
        assert [s.id for s in after_undated] == [rows[-1].id]


def test_an_actors_measures_are_those_it_imposed_was_targeted_by_or_spoke_of(store: Store) -> None:
    """The measures pane (and `dossier show`) against the same rule worked out from the exported bundle."""
    bundle = store.export_bundle()
    for slug in ("russia", "zakharova", "united-states"):
        expected: dict[str, str] = {}
        for measure in bundle.measures:
            if measure.imposed_by == slug:
                expected.setdefault(measure.slug, "imposed")
        for measure in bundle.measures:
            if measure.target == slug:
                expected.setdefault(measure.slug, "targeted")
        for statement in bundle.statements:
            if statement.speaker == slug:
                for about in statement.about:
                    expected.setdefault(about.measure, "mentioned")
        assert expected
        actor = store.resolve(slug)[1]
        page = store.measures_page(actor, limit=1000)
        assert {m.slug: m.relation for m in page} == expected
        dates = [m.announced or "" for m in page]
        assert dates == sorted(dates, reverse=True)
        assert store.measures_for_count(actor) == len(expected)


def test_the_title_is_the_bundles_title_or_the_files_name(store: Store, empty_db: Path) -> None:
    seed = yaml.safe_load(seed_bundle_bytes())
    assert store.title() == seed["dossier"]["title"] == store.summary().title
    assert read_title(store.path) == seed["dossier"]["title"]
    with Store.open(empty_db) as empty:  # no title: the file's name, without the expensive counts
        assert empty.title() == empty_db.stem == empty.summary().title


# --------------------------------------------------------------------------- rows from odd files


def test_a_blob_where_text_belongs_is_read_as_text(tmp_path: Path, seed_db: Path) -> None:
    db = tmp_path / "blob.db"
    shutil.copy(seed_db, db)
    conn = sqlite3.connect(db)
    with conn:
        (actor, statement) = conn.execute(
            "SELECT speaker_id, id FROM statements ORDER BY said DESC, id DESC LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE statements SET text = x'4f4b20ff', via = 42 WHERE id = ?", (statement,))
    conn.close()
    with Store.open(db) as opened:
        row = next(s for s in opened.statements_page(actor, limit=1000) if s.id == statement)
        assert row.text == "OK \ufffd"
        assert row.via == "42"


# --------------------------------------------------------------------------- damage check after the first screen


def _damage(path: Path, table: str) -> None:
    root, size = page_of(path, table)
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = bytes(range(256)) * (size // 256)
    path.write_bytes(bytes(data))


async def test_damage_found_after_the_first_screen_is_an_error_notice(tmp_path: Path, seed_db: Path) -> None:
    db = tmp_path / "damaged.db"
    shutil.copy(seed_db, db)
    _damage(db, "sources")
    store = Store.open(db, check_seconds=0)  # what `dossier browse` does for a big file
    try:
        app = DossierApp(store, check_seconds=5.0)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert any("Maria Zakharova" in line for line in lines(app.browser.actors)) or app.browser.actors.count
            messages = [str(n.message) for n in notifications(app)]
            assert any("is damaged" in m and m.startswith(str(db)) for m in messages), messages
            assert all(n.severity == "error" for n in notifications(app) if "is damaged" in str(n.message))
    finally:
        store.close()


async def test_a_healthy_file_checked_after_the_first_screen_says_nothing(seed_db: Path) -> None:
    store = Store.open(seed_db, check_seconds=0)
    try:
        assert store.check_damage(30.0) is True
        app = DossierApp(store, check_seconds=5.0)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert not notifications(app)
    finally:
        store.close()


# --------------------------------------------------------------------------- one frame per key press


async def test_a_press_and_the_panes_it_moves_are_painted_together(store: Store) -> None:
    app = DossierApp(store, ref="zakharova")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.browser
        await pilot.press("2")
        await settle(pilot)
        frames: list[tuple[int | None, object]] = []

        def record(screen: object, renderable: object) -> None:
            if renderable is not None:
                frames.append((browser.statements.highlighted_id, browser.detail.subject))

        with each_frame(app, record):
            for _ in range(3):
                await pilot.press("down")
                await settle(pilot)
        assert frames, "no frame was painted"
        # Every frame shows the Detail pane in step with the cursor: no frame with the
        # cursor moved and the previous statement's detail.
        assert all(detail == ("statement", cursor) for cursor, detail in frames), frames
        about = store.statement_detail(browser.statement_id or 0).about
        assert browser.measures.marked == frozenset(a.measure.id for a in about)


async def test_a_hold_never_outlasts_its_deadline(store: Store) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hold = FrameHold(app, seconds=0.02)
        hold.start()
        hold.start()  # a second start changes nothing: one batch, one deadline
        assert hold.active and batch_depth(app) == 1
        await asyncio.sleep(0.2)
        await pilot.pause()
        assert not hold.active and batch_depth(app) == 0
        hold.release()  # released twice: nothing happens
        assert batch_depth(app) == 0


@pytest.mark.parametrize("seconds", [0.0])
async def test_a_hold_of_zero_seconds_is_off(store: Store, seconds: float) -> None:
    app = DossierApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hold = FrameHold(app, seconds=seconds)
        hold.start()
        assert not hold.active and batch_depth(app) == 0


# --------------------------------------------------------------------------- the first frame


@pytest.mark.parametrize(("ref", "actor"), [(None, None), ("actor/ryabkov", "Sergei Ryabkov"), ("zakharova", None)])
async def test_the_first_frame_already_has_the_actors_and_their_statements(
    store: Store, ref: str | None, actor: str | None
) -> None:
    """Rows are read before the first frame, not in workers after it: nothing is awaited here."""
    painted: list[tuple[int | None, int | None, str]] = []
    app = DossierApp(store, ref=ref)

    def display(screen: Any, renderable: Any) -> None:
        if not painted and screen is app.screen and hasattr(screen, "actors"):
            browser = app.browser
            painted.append((browser.actors.count, browser.statements.count, shown(browser.actors)))

    with each_frame(app, display):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            browser = app.browser
            expected_name = actor or (browser.actors.highlighted.name if browser.actors.highlighted else "")
            assert painted, "no frame was drawn"
            actors_count, statements_count, actors_text = painted[0]
            assert actors_count == store.actor_count() and actors_count > 0
            assert statements_count == browser.statements.count and statements_count is not None
            assert statements_count == store.statement_count(browser.actor_id or 0)
            assert expected_name and expected_name in actors_text


async def test_on_first_frame_is_called_once_after_the_first_screen_is_drawn(store: Store) -> None:
    calls: list[tuple[int, int | None]] = []
    frames: list[int] = []
    app = DossierApp(store, on_first_frame=lambda: calls.append((len(frames), app.browser.actors.count)))

    def display(screen: Any, renderable: Any) -> None:
        frames.append(1)

    with each_frame(app, display):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("j", "j")
            await settle(pilot)
    assert len(calls) == 1
    drawn_before, actors = calls[0]
    assert drawn_before >= 1 and actors == store.actor_count()


def test_the_browser_turns_the_collector_back_on_after_the_first_frame(tmp_path: Path, seed_db: Path) -> None:
    """`dossier.launch` pauses the collector for the start only: the app `open_browser` runs turns it back on,
    with what start-up made frozen out of its reach (`collector_after_first_frame`)."""
    import gc

    from dossier import opening

    assert _app_as_launched(seed_db, lambda app: app.on_first_frame) is opening.collector_after_first_frame
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        opening.collector_after_first_frame()  # a local browser: on again, start-up frozen
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()


def test_a_served_browser_freezes_its_first_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Served (`DOSSIER_READ_ONLY`): the first screen's garbage is collected and the rest frozen, then the collector
    is on again; later full collections walk only what came after."""
    import gc
    import weakref

    from dossier import opening

    monkeypatch.setenv(opening.READ_ONLY_ENV, "1")
    cycle = _Box()
    cycle.append(cycle)  # garbage only the collector can free
    garbage = weakref.ref(cycle)
    del cycle
    gc.disable()
    try:
        opening.collector_after_first_frame()
        assert gc.isenabled() and gc.get_freeze_count() > 0 and garbage() is None
        assert not gc.get_objects(generation=2)  # all that was alive is frozen, out of the collector's walks
    finally:
        gc.unfreeze()
        gc.enable()


class _Box(list[Any]):
    """A list that a weak reference can point to."""


def test_the_browser_keeps_a_smaller_page_cache_than_a_command(seed_db: Path) -> None:
    """The browser's connection keeps `BROWSE_CACHE_KIB` of pages (its peak memory), a command's `READ_CACHE_KIB`."""
    from dossier import opening
    from dossier.store import BROWSE_CACHE_KIB
    from dossier.store.connection import CHECK_CACHE_KIB, READ_CACHE_KIB

    cache = _app_as_launched(seed_db, lambda app: app.store.conn.execute("PRAGMA cache_size").fetchone()[0])
    assert BROWSE_CACHE_KIB < READ_CACHE_KIB and CHECK_CACHE_KIB < BROWSE_CACHE_KIB
    assert cache == -BROWSE_CACHE_KIB
    with opening.open_to_read(seed_db) as store:
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -READ_CACHE_KIB


def _app_as_launched(seed_db: Path, look: Callable[[DossierApp], Any]) -> Any:
    """What `look` sees of the app `opening.open_browser` makes for `seed_db`, instead of running it."""
    from dossier import opening

    seen: list[Any] = []

    class Recorder(DossierApp):
        def run(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
            seen.append(look(self))

    original = sys.modules["dossier.app"].DossierApp
    sys.modules["dossier.app"].DossierApp = Recorder  # type: ignore[misc]
    try:
        assert opening.open_browser(seed_db, None) == 0
    finally:
        sys.modules["dossier.app"].DossierApp = original  # type: ignore[misc]
    return seen[0]

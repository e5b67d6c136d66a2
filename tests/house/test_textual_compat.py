"""The private parts of Textual that Dossier uses (`dossier/widgets/textual_compat.py`) are still there.

Each fails loudly, naming the name, when a Textual release renames, removes or
changes one: update the one function in `textual_compat.py`, not the app.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

import pytest
import textual
from textual import events, messages
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets._toast import ToastRack

from dossier.widgets import textual_compat
from dossier.widgets.textual_compat import GuardedApp, post_refresh_now, update_scrollbars
from dossier.widgets.virtual_list import set_virtual_size
from tests import pilot_helpers
from tests.pilot_helpers import settle

SIGNATURES: dict[str, list[str]] = {
    "_scroll_update": ["self", "virtual_size"],
    "_check_refresh": ["self"],
    "_broker_event": ["self", "event_name", "event", "default_namespace"],
    "_handle_exception": ["self", "error"],
    "_close_messages_no_wait": ["self"],
    "_check_bindings": ["self", "key", "priority"],
    "_regions_to_spans": ["regions"],
    "render_line": [  # StylesCache's: LineStylesCache takes Textual's arguments in Textual's order
        "self",
        "styles",
        "y",
        "size",
        "content_size",
        "padding",
        "base_background",
        "background",
        "render_content_line",
        "border_title",
        "border_subtitle",
        "opacity",
        "ansi_theme",
        "native_ansi",
    ],
}
"""The parameters `textual_compat` calls each private method with."""


def pinned_textual() -> str:
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    return pyproject.split('"textual==', 1)[1].split('"', 1)[0]


def test_the_installed_textual_is_the_pinned_one() -> None:
    assert textual.__version__ == pinned_textual(), "textual_compat.py is checked against the pinned release only"


PRIVATE = [(owner, name) for owner, names in textual_compat.PRIVATE_NAMES.items() for name in names]


@pytest.mark.parametrize(("owner", "name"), PRIVATE)
def test_each_private_name_is_still_there(owner: type[Any], name: str) -> None:
    assert hasattr(owner, name), f"Textual {textual.__version__} has no {owner.__name__}.{name}"
    if name in SIGNATURES:
        parameters = list(inspect.signature(getattr(owner, name)).parameters)
        assert parameters == SIGNATURES[name], f"{owner.__name__}.{name} now takes {parameters}"


def test_an_app_still_has_its_private_attributes() -> None:
    app = App[None]()
    for name in textual_compat.PRIVATE_ATTRIBUTES:
        assert hasattr(app, name), f"Textual {textual.__version__} apps have no {name}"
    assert app._return_code is None and app._exception is None
    assert textual_compat.GuardedApp._handle_exception is not App._handle_exception


class _Scrolled(App[None]):
    def compose(self) -> ComposeResult:
        from dossier.widgets.virtual_list import VirtualList

        yield VirtualList(id="list")


async def test_update_scrollbars_fits_the_scrollbar_without_a_layout() -> None:
    app = _Scrolled()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        widget = app.query_one("#list", textual.scroll_view.ScrollView)
        set_virtual_size(widget, Size(30, 500))
        await pilot.pause()
        assert widget.show_vertical_scrollbar
        assert widget.vertical_scrollbar.window_virtual_size == 500
        update_scrollbars(widget, Size(30, 900))  # the scrollbar follows the size handed in
        assert widget.vertical_scrollbar.window_virtual_size == 900


class _Labelled(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("before", id="label")


async def test_post_refresh_now_tells_the_screen_at_once() -> None:
    app = _Labelled()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        label = app.query_one("#label", Static)
        posted: list[object] = []
        original = app.screen.post_message

        def record(message: Any) -> bool:
            posted.append(message)
            return original(message)

        app.screen.post_message = record  # type: ignore[method-assign]
        label.update("after")
        post_refresh_now(label)
        assert any(isinstance(message, messages.Update) and message.widget is label for message in posted)
        app.screen.post_message = original  # type: ignore[method-assign]


class _Clickable(GuardedApp[None]):
    """A bare GuardedApp with text that names an action, and a switch for the firewall."""

    allow = True

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("[@click=app.quit]QUIT ME[/]"), id="leak")

    def drawn_action_allowed(self, event: Any, namespace: Any) -> bool:
        return self.allow


async def test_a_drawn_action_runs_only_when_allowed() -> None:
    allowed = _Clickable()
    async with allowed.run_test(size=(40, 5)) as pilot:
        await pilot.click("#leak", offset=(2, 0))
        await pilot.pause()
        assert not allowed.is_running  # the hook passes it on: Textual ran the action
    refused = _Clickable()
    refused.allow = False
    async with refused.run_test(size=(40, 5)) as pilot:
        await pilot.click("#leak", offset=(2, 0))
        await settle(pilot)
        assert refused.is_running


class _Broken(GuardedApp[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("b", "break", "Break")]
    quiet = True
    seen: ClassVar[list[Exception]] = []

    def compose(self) -> ComposeResult:
        yield Static("x")

    def unhandled_exception(self, error: Exception) -> None:
        self.seen.append(error)
        if self.quiet:
            self.end_without_traceback(error)
        else:
            self.textual_exception_handling(error)

    def action_break(self) -> None:
        raise RuntimeError("a bug")


@pytest.mark.parametrize("quiet", [True, False])
async def test_an_unhandled_exception_reaches_the_hook_and_ends_the_app(quiet: bool) -> None:
    app = _Broken()
    app.quiet = quiet
    app.seen.clear()
    with pytest.raises(RuntimeError, match="a bug"):  # run_test raises it again, as Textual does
        async with app.run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            await pilot.press("b")
            await pilot.pause()
    assert [str(error) for error in app.seen] == ["a bug"]
    assert app.return_code == 1
    assert not app.is_running


# --------------------------------------------------------------------------- what the tests read

TEST_PRIVATE = [(name, owner) for name, owners in pilot_helpers.PRIVATE_NAMES.items() for owner in owners]


@pytest.mark.parametrize(("name", "owner"), TEST_PRIVATE)
async def test_each_private_name_the_tests_read_is_still_there(name: str, owner: type[Any]) -> None:
    app = _Labelled()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        instance = {
            App: app,
            Screen: app.screen,
            DOMNode: app.screen,
            Widget: app.query_one("#label"),
            Input: Input(),
        }[owner]
        assert hasattr(instance, name), f"Textual {textual.__version__}: {owner.__name__} has no {name}"
        assert pilot_helpers.batch_depth(app) == 0
        assert pilot_helpers.border_text(app.query_one("#label")) is None
        assert pilot_helpers.screen_lines(app)[0].startswith("before")
        assert "before" in pilot_helpers.terminal_bytes(app)
        assert pilot_helpers.notifications(app) == []
        app.notify("hello", markup=False)
        await pilot.pause()
        assert [n.message for n in pilot_helpers.notifications(app)] == ["hello"]


def test_a_widget_still_has_its_private_attributes() -> None:
    widget = Static("x")
    for name in textual_compat.WIDGET_ATTRIBUTES:
        assert hasattr(widget, name), f"Textual {textual.__version__} widgets have no {name}"


class _Covered(GuardedApp[None]):
    def compose(self) -> ComposeResult:
        yield Static("under", id="under")


class _Opaque(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("over")


class _Modal(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("over")


async def test_a_screen_under_an_opaque_one_is_not_visible_and_under_a_modal_it_is() -> None:
    app = _Covered()
    async with app.run_test(size=(40, 5)) as pilot:
        base = app.screen
        await app.push_screen(_Opaque())
        await pilot.pause()
        assert app._background_screens == [] and not base.is_current
        app.pop_screen()
        await app.push_screen(_Modal())
        await pilot.pause()
        assert app._background_screens == [base] and base.is_current


async def test_no_notices_leave_a_new_screens_toast_rack_alone() -> None:
    app = _Covered()
    async with app.run_test(size=(40, 5), notifications=True) as pilot:
        shown: list[object] = []
        await app.push_screen(_Opaque())
        rack = app.screen.get_child_by_type(ToastRack)
        original = rack.show
        rack.show = lambda notifications: (shown.append(list(notifications)), original(notifications))  # type: ignore[method-assign]
        app.screen.post_message(events.ScreenResume())  # as the screen is shown again
        await pilot.pause()
        assert shown == [] and not rack.display  # Textual's `show` would set its display (a layout)
        app.notify("hello", markup=False)
        await pilot.pause()
        assert len(shown) == 1 and rack.display  # a notice is shown as always


def test_key_stopped_says_whether_a_widget_took_the_key() -> None:
    key = events.Key("a", "a")
    assert not textual_compat.key_stopped(key)
    key.stop()
    assert textual_compat.key_stopped(key)


async def test_a_key_the_app_posts_itself_is_not_taken_before_its_binding_runs() -> None:
    """Textual stops a message at the child of its sender; a routed key goes up to the app untaken, as typed."""
    key = events.Key("tab", None)
    app = App[None]()
    key.set_sender(app)
    assert textual_compat.as_typed(key) is key
    assert key._sender is None
    assert not textual_compat.key_stopped(key)


# --------------------------------------------------------------------------- the input thread and the panes


def _driver_on_a_pipe(monkeypatch: pytest.MonkeyPatch) -> tuple[textual_compat.QuietLinuxDriver, int, list[Any]]:
    """A `QuietLinuxDriver` whose input is a pipe; what it would post is kept in a list."""
    import os

    read_end, write_end = os.pipe()
    driver = textual_compat.QuietLinuxDriver(App[None]())
    driver.fileno = read_end
    seen: list[Any] = []
    monkeypatch.setattr(driver, "process_message", seen.append)
    return driver, write_end, seen


async def test_the_input_thread_sleeps_until_input_and_still_times_out_a_lone_escape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import selectors
    import threading
    import time

    timeouts: list[float | None] = []
    select = selectors.SelectSelector.select

    def recording(self: selectors.SelectSelector, timeout: float | None = None) -> Any:
        timeouts.append(timeout)
        return select(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", recording)
    driver, keys, seen = _driver_on_a_pipe(monkeypatch)
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 5
        while len(seen) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    try:
        os.write(keys, b"j")
        wait_for(1)
        time.sleep(0.3)
        assert [event.key for event in seen] == ["j"]
        assert len(timeouts) == 2 and timeouts == [None, None]  # one wait, the key, one wait: no wake in 0.3 s
        os.write(keys, b"\x1b")  # a lone Escape: the parser gives up waiting for a sequence after its own timeout
        wait_for(2)
        assert [event.key for event in seen] == ["j", "escape"]
        assert any(timeout is not None and 0 <= timeout <= 0.1 for timeout in timeouts[2:])
        time.sleep(0.2)
        assert timeouts[-1] is None  # the Escape given, it sleeps again
    finally:
        driver.exit_event.set()  # wakes the thread through its pipe
        thread.join(2)
    assert not thread.is_alive()
    driver.close()
    os.close(keys)


async def test_a_key_from_the_input_thread_is_posted_in_the_event_loop_without_a_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import threading

    app = App[None]()
    driver = textual_compat.QuietLinuxDriver(app)
    for name in textual_compat.DRIVER_ATTRIBUTES:
        assert hasattr(driver, name), f"Textual {textual.__version__} drivers have no {name}"
    posted: list[tuple[Any, int]] = []
    monkeypatch.setattr(app, "post_message", lambda message: posted.append((message, threading.get_ident())))

    def no_task(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a key must not be sent as a coroutine run in a task")

    monkeypatch.setattr(asyncio, "run_coroutine_threadsafe", no_task)
    key = events.Key("j", "j")
    thread = threading.Thread(target=driver.send_message, args=(key,))
    thread.start()
    thread.join(5)
    for _ in range(100):
        if posted:
            break
        await asyncio.sleep(0.01)
    assert posted == [(key, threading.get_ident())]  # in the loop's thread, once
    driver.close()


def test_a_pane_asks_its_inner_region_once_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.geometry import Region

    from dossier.widgets.paint_pass import PaintPass

    asked: list[int] = []

    class Pane(PaintPass, Static):
        @property
        def scrollable_content_region(self) -> Region:
            asked.append(1)
            return Region(0, 0, 7, 3)

    pane = Pane("x")
    assert pane.inner_region.width == 7 and len(asked) == 1
    with pane.paint_pass():
        assert [pane.inner_region.width for _ in range(10)] == [7] * 10
        with pane.paint_pass():
            assert pane.inner_region.height == 3
    assert len(asked) == 2


def test_a_screen_still_has_its_private_attributes() -> None:
    screen = Screen[None]()
    for name in textual_compat.SCREEN_ATTRIBUTES:
        assert hasattr(screen, name), f"Textual {textual.__version__} screens have no {name}"


def test_a_compositor_still_has_its_private_attributes_and_updates() -> None:
    from textual._compositor import Compositor, CompositorUpdate

    compositor = textual_compat.SpanCompositor()
    for name in textual_compat.COMPOSITOR_ATTRIBUTES:
        assert hasattr(compositor, name), f"Textual {textual.__version__} compositors have no {name}"
    assert isinstance(compositor, Compositor) and issubclass(textual_compat.SpanUpdate, CompositorUpdate)
    assert compositor.render_partial_update() is None  # nothing repainted, nothing drawn
    # one Region per line given, clipped and merged where they touch: (y, x1, x2)
    from textual.geometry import Region

    spans = list(Compositor._regions_to_spans([Region(0, 1, 3, 2), Region(3, 1, 2, 1)]))
    assert spans == [(1, 0, 5), (2, 0, 3)]


async def test_a_pane_repaint_goes_to_the_screen_at_once_without_messages() -> None:
    from textual.geometry import Region

    from dossier.widgets.virtual_list import VirtualList

    app = _Scrolled()  # one list pane
    async with app.run_test(size=(30, 8)) as pilot:
        await settle(pilot)
        pane = app.query_one("#list", VirtualList)
        posted: dict[str, list[str]] = {"pane": [], "screen": []}
        for name, node in (("pane", pane), ("screen", app.screen)):
            post = node.post_message

            def recording(message: Any, name: str = name, post: Any = post) -> bool:
                posted[name].append(type(message).__name__)
                return bool(post(message))

            node.post_message = recording  # type: ignore[method-assign]
        pane.refresh(Region(0, 1, 5, 1))
        assert pane in app.screen._dirty_widgets  # in the screen's set now, not after the pane's next idle
        assert posted == {"pane": [], "screen": ["Prompt"]}  # Textual's way: a Prompt to the pane, then an Update
        await settle(pilot)
        assert pane not in app.screen._dirty_widgets  # painted

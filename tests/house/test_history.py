"""`dossier.history`: the steps behind and ahead of the user, tested without a terminal."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dossier.history import HISTORY_LIMIT, History, Location


def test_a_new_history_goes_nowhere() -> None:
    history: History[str] = History()
    assert not history.can_go_back and not history.can_go_forward
    assert history.back("here") is None and history.forward("here") is None
    assert not history.can_go_back and not history.can_go_forward  # asking changed nothing


def test_back_and_forward_walk_the_links_followed() -> None:
    history: History[str] = History()
    history.leave("a")  # at a, follow a link to b
    history.leave("b")  # at b, follow a link to c
    assert history.back("c") == "b"
    assert history.back("b") == "a"
    assert history.back("a") is None
    assert history.forward("a") == "b"
    assert history.forward("b") == "c"
    assert history.forward("c") is None
    assert list(history.behind()) == ["b", "a"]


def test_following_a_link_forgets_what_was_ahead() -> None:
    history: History[str] = History()
    history.leave("a")
    history.leave("b")
    assert history.back("c") == "b"
    assert history.can_go_forward
    history.leave("b")  # at b again, follow another link
    assert not history.can_go_forward
    assert list(history.behind()) == ["b", "a"]


def test_back_remembers_where_the_user_was_not_where_they_left() -> None:
    """The place handed in is what Forward returns to (the user may have moved since the link)."""
    history: History[str] = History()
    history.leave("a")
    assert history.back("b, moved down three rows") == "a"
    assert history.forward("a, moved too") == "b, moved down three rows"
    assert history.back("b again") == "a, moved too"


def test_the_oldest_steps_go_first() -> None:
    history: History[int] = History(limit=3)
    for step in range(10):
        history.leave(step)
    assert list(history.behind()) == [9, 8, 7]
    for step in (9, 8, 7):
        assert history.back(step + 1) == step
    assert history.back(7) is None
    assert list(history.ahead()) == [8, 9, 10]


def test_each_direction_keeps_at_most_the_limit() -> None:
    history: History[int] = History()
    for step in range(HISTORY_LIMIT + 50):
        history.leave(step)
    assert len(list(history.behind())) == HISTORY_LIMIT
    while history.back(0) is not None:
        pass
    assert len(list(history.ahead())) == HISTORY_LIMIT


def test_a_history_keeps_at_least_one_step() -> None:
    with pytest.raises(ValueError):
        History(limit=0)


def test_locations_are_values() -> None:
    here = Location(3, statement_id=7, focus="statements")
    assert here == Location(3, statement_id=7, focus="statements")
    assert here != Location(3, statement_id=8, focus="statements")
    assert len({here, Location(3, statement_id=7, focus="statements")}) == 1
    with pytest.raises(AttributeError):
        here.actor_id = 4  # type: ignore[misc]


def test_the_history_needs_no_textual() -> None:
    code = "import sys, dossier.history; print(sorted(m for m in sys.modules if m.startswith(('textual', 'rich'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"

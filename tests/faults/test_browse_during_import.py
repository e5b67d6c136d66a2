"""A real `dossier browse` in a terminal keeps answering keys while an import writes its file, or is killed.

The browser is the one users run (a process in a pseudo-terminal, as in
`tests/bench/terminal.py`); the imports are `dossier import` processes. Every
key press must repaint (up and down in the Actors pane always move the
highlight), no error reason may appear on screen, and `q` must end it with
status 0. Nothing here is timed: a repaint may take up to 20 s on a busy machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bench.terminal import Terminal, key_bytes

from .killing import dossier_argv, hot_journal, import_argv
from .test_two_writers import _bundle, _count

ERRORS = ("locked by another program", "interrupted write", "read-only", "cannot be", "damaged", "unexpected")


def _keys_while(term: Terminal, process: subprocess.Popen[bytes], limit: int = 400) -> int:
    """Press Down and Up in turn until `process` ends (at most `limit` keys); each must repaint."""
    pressed = 0
    while process.poll() is None and pressed < limit:
        key = key_bytes("down" if pressed % 2 == 0 else "up")
        press = term.press(key, timeout=20)
        assert press.last_frame is not None, f"key {pressed + 1} was not repainted"
        pressed += 1
    process.wait(timeout=120)
    for extra in range(2):  # and after it
        assert term.press(key_bytes("down" if extra == 0 else "up"), timeout=20).last_frame is not None
    return pressed


def test_the_browser_answers_keys_while_an_import_runs_and_after_one_is_killed(seed_db: Path, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "browsed", 3000)
    with Terminal([sys.executable, "-m", "dossier", "browse", str(seed_db)], size=(120, 40)) as term:
        assert term.wait_for_text("Maria Zakharova", 60) is not None, term.screen_text()[-500:]
        term.drain(quiet=0.2, limit=3.0)

        importing = subprocess.Popen(dossier_argv("import", str(bundle), "--db", str(seed_db)))
        assert _keys_while(term, importing) > 0
        assert importing.returncode == 0
        assert _count(seed_db, "browsed") == 3000

        killed = subprocess.Popen(import_argv(seed_db, _bundle(tmp_path, "killed", 3000), "small-cache", "precommit"))
        assert _keys_while(term, killed) > 0
        assert killed.returncode < 0  # SIGKILL: changed pages were in the file

        shown = term.screen_text()
        assert not any(word in shown.lower() for word in ERRORS), shown[-2000:]
        assert term.quit(timeout=20) is not None
        assert term.process.returncode == 0
    assert not hot_journal(seed_db)
    assert _count(seed_db, "killed") == 0 and _count(seed_db, "browsed") == 3000

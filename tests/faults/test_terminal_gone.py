"""A browser whose terminal goes away (its window closed, the line hung up) ends, rather than running on.

Textual's input thread kept reading a terminal that had gone: each read
returned at once with nothing, and a browser left behind by a closed terminal
window spun at half a core until it was killed. Now the end of the
terminal's input ends the app (`QuietLinuxDriver._terminal_gone`).
"""

from __future__ import annotations

from pathlib import Path

from tests.bench.keycpu import cpu_seconds
from tests.bench.terminal import Terminal

from .killing import dossier_argv


def test_a_browser_whose_terminal_goes_away_ends(seed_db: Path) -> None:
    with Terminal(dossier_argv("browse", str(seed_db)), size=(100, 30)) as term:
        assert term.wait_for_text("Maria Zakharova", 60) is not None, term.screen_text()[-500:]
        term.drain(quiet=0.3, limit=5)
        pid = term.process.pid
        before = cpu_seconds(pid)
        exited = term.hang_up(timeout=10)
        if exited is None:  # say what it did meanwhile: a process that reads a gone terminal spins
            spent = cpu_seconds(pid) - before
            raise AssertionError(f"the browser outlived its terminal by 10 s, using {spent:.1f} s of CPU")
        assert term.process.returncode == 0
        assert exited < 10

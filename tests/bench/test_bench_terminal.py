"""The benchmark harness's terminal driver, on the empty app: it sees the screen, a repaint, and the exit."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.bench.empty_app import MARKER
from tests.bench.terminal import Terminal, key_bytes

ROOT = Path(__file__).resolve().parents[2]


def test_the_driver_sees_what_a_terminal_would() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with Terminal([sys.executable, "-m", "tests.bench.empty_app"], size=(80, 24), env=env) as term:
        assert term.wait_for_frame(30) is not None
        assert term.wait_for_text(MARKER, 30) is not None
        press = term.press(key_bytes("down"), timeout=10)
        assert press.frames >= 1 and press.last_frame is not None
        assert term.wait_for_text(f"{MARKER}: 1 presses", 10) is not None
        assert term.hold(key_bytes("down"), 0.3) >= 5
        peak = term.peak_rss_kib()
        assert peak is not None and peak > 1024
        assert term.quit(timeout=30) is not None
        assert term.process.returncode == 0

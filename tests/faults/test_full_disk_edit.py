"""`dossier edit` when the file cannot grow: a file-size limit (RLIMIT_FSIZE), as a full disk shows to SQLite.

The save fails in its journal or in the file; the reason is one line, the
file is byte for byte as it was, and the text written in the editor is kept.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.capture.editors import replacing, write_editor

from ..conftest import file_hash
from .killing import dossier_argv


def _limited(size: int) -> Callable[[], None]:
    def apply() -> None:  # pragma: no cover - runs in the child, before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not death
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    return apply


NO_LIMIT = "import resource\nresource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)\n"
"""The editor is not the one limited: it lifts its soft limit first."""


@pytest.mark.parametrize("limit", [2048, 0], ids=["journal", "file"])
def test_an_edit_that_cannot_be_written_is_one_line_and_the_file_as_it_was(
    seed_db: Path, tmp_path: Path, limit: int
) -> None:
    # A long new text: the save writes more pages than the limit lets through (2 KiB: not even the journal's
    # first page; 0: the file's own size, so it cannot grow).
    body = NO_LIMIT + replacing("text: We reject", "text: " + "Wombats. " * 2000 + "We reject")
    editor = write_editor(tmp_path, "ed", body)
    env = {**os.environ, "EDITOR": str(editor)}
    env.pop("VISUAL", None)
    before = file_hash(seed_db)
    size = seed_db.stat().st_size
    done = subprocess.run(
        dossier_argv("edit", "ryabkov-language-of-ultimatums", "--db", str(seed_db)),
        capture_output=True, text=True, env=env, preexec_fn=_limited(limit or size),
    )
    assert done.returncode == 1, done
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "cannot be written" in done.stderr or "the disk is full" in done.stderr, done.stderr
    assert "your text is kept in" in done.stderr
    kept = Path(done.stderr.strip().rsplit("your text is kept in ", 1)[1])
    assert "Wombats." in kept.read_text(encoding="utf-8")
    assert file_hash(seed_db) == before
    assert not Path(f"{seed_db}-journal").exists() or Path(f"{seed_db}-journal").stat().st_size == 0

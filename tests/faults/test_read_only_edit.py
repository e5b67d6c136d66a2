"""`dossier edit` on a dossier that cannot be written: a read-only mount, which holds even for root.

The file is bind-mounted read-only in a mount namespace of its own
(`unshare --user --map-root-user --mount`), so nothing stays mounted. Where
that cannot be done the test is skipped, except under CI=true, where it fails
(`tests.needs`). The reason is one line, the file is as it was, the text kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.capture.editors import replacing, write_editor
from tests.needs import missing

from ..conftest import file_hash

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
set -e
mount --bind "$1" "$1"
mount -o remount,bind,ro "$1"
shift
exec "$@"
"""


def test_an_edit_of_a_read_only_dossier_is_one_line_and_changes_nothing(seed_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "dossier.db"
    shutil.copyfile(seed_db, db)
    editor = write_editor(tmp_path, "ed", replacing("kind: person", "kind: group"))
    unshare = shutil.which("unshare")
    if unshare is None:
        missing("unshare", "a read-only mount in a namespace of its own", "install util-linux")
    env = {**os.environ, "EDITOR": str(editor), "PYTHONPATH": str(ROOT)}
    env.pop("VISUAL", None)
    before = file_hash(db)
    done = subprocess.run(
        [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", SCRIPT, "sh", str(folder),
         sys.executable, "-m", "dossier", "edit", "zakharova", "--db", str(db)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    if "mount" in done.stderr and "dossier:" not in done.stderr:
        missing("a mount namespace", "a read-only mount", f"let users make namespaces ({done.stderr.strip()[-200:]})")
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is read-only" in lines[0] and "your text is kept in" in lines[0], done.stderr
    assert "kind: group" in Path(lines[0].rsplit("your text is kept in ", 1)[1]).read_text(encoding="utf-8")
    assert file_hash(db) == before

"""Run `dossier` on a tmpfs of 2 MiB that fills up; print what happened as one JSON line.

Run by `test_full_disk.py` inside `unshare --user --map-root-user --mount`:
the tmpfs is mounted in that namespace only and is gone when it ends, so the
file is checked here, before the namespace goes away.

    python -m tests.faults.on_tmpfs import SEED_DB BUNDLE
    python -m tests.faults.on_tmpfs init-export SEED_DB
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .killing import dossier_argv, hot_journal

SIZE = "2m"


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(folder: Path, leave: int) -> None:
    """Fill the filesystem of `folder` until `leave` bytes are free (a file named `filler`)."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with open(folder / "filler", "ab") as filler:
        filler.write(b"\0" * max(free - leave, 0))


def _dossier(*args: str) -> dict[str, Any]:
    done = subprocess.run(dossier_argv(*args), capture_output=True, text=True)
    return {"status": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def import_onto_full(mount: Path, seed: Path, bundle: Path) -> dict[str, Any]:
    db = mount / "dossier.db"
    shutil.copyfile(seed, db)
    before = _hash(db)
    result = _dossier("import", str(bundle), "--db", str(db))
    result.update(db=str(db), hash_before=before, hot_journal=hot_journal(db))
    result["hash_after"] = _hash(db)
    conn = sqlite3.connect(db)
    try:
        result["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return result


def init_export_onto_full(mount: Path, seed: Path) -> dict[str, Any]:
    _fill(mount, leave=64 * 1024)  # the empty schema alone is bigger
    target = mount / "new.db"
    init = _dossier("init", str(target))
    init.update(target=str(target), left=sorted(p.name for p in mount.iterdir()))
    _fill(mount, leave=4096)  # the dossier's YAML is ~30 KiB
    out = mount / "dossier.yaml"
    export = _dossier("export", "--db", str(seed), "--format", "yaml", "-o", str(out))
    export.update(target=str(out), left=sorted(p.name for p in mount.iterdir()))
    return {"init": init, "export": export}


def main(argv: list[str]) -> int:
    mount = Path(tempfile.mkdtemp(prefix="dossier-tmpfs-"))
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)], check=True)
        try:
            if argv[0] == "import":
                result = import_onto_full(mount, Path(argv[1]), Path(argv[2]))
            else:
                result = init_export_onto_full(mount, Path(argv[1]))
        finally:
            subprocess.run(["umount", str(mount)], check=False)
    finally:
        mount.rmdir()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

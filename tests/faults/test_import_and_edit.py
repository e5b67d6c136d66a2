"""An import and an edit at once: one waits (bounded) or says "busy" in one line; no write is lost.

The edit is the real `dossier edit` with a stand-in editor (a script named in
$EDITOR), run as a process beside a real `dossier import`; then the same
save (`dossier.capture.apply_text`, what `e` runs) against another writer's
lock, waited out or timed out.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from dossier.capture import apply_text, document_text
from dossier.errors import StoreError
from dossier.store import Store
from tests.capture.editors import replacing, write_editor

from ..conftest import file_hash, read_rows
from .killing import dossier_argv

BUSY = "is locked by another program"
STATEMENT = "ryabkov-language-of-ultimatums"
CHANGE = replacing("speaker_role: Russia's Deputy Foreign Minister", "speaker_role: Edited while importing")


def _bundle(folder: Path, statements: int) -> Path:
    speakers = ["zakharova", "lavrov", "blinken", "ria"]
    bundle = {
        "statements": [
            {"slug": f"bulk-{n:05}", "speaker": speakers[n % 4], "text": f"Statement {n}: the embassy will answer.",
             "said": f"2022-02-{n % 28 + 1:02}"}
            for n in range(statements)
        ]
    }
    path = folder / "bulk.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _role(db: Path) -> object:
    return read_rows(db, f"SELECT speaker_role FROM statements WHERE slug = '{STATEMENT}'")[0][0]


def test_an_import_and_an_edit_at_once_both_land_or_the_edit_says_busy(seed_db: Path, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, 4000)
    env = {**os.environ, "EDITOR": str(write_editor(tmp_path, "ed", CHANGE))}
    env.pop("VISUAL", None)
    importing = subprocess.Popen(dossier_argv("import", str(bundle), "--db", str(seed_db)),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    editing = subprocess.Popen(dossier_argv("edit", STATEMENT, "--db", str(seed_db)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    imported = (importing.wait(timeout=120), *importing.communicate())
    edited = (editing.wait(timeout=120), *editing.communicate())
    assert imported[0] == 0, imported  # the import waits for the edit's short write at most
    assert read_rows(seed_db, "SELECT count(*) FROM statements WHERE slug LIKE 'bulk-%'") == [(4000,)]
    if edited[0] == 0:
        assert "saved statement/" in edited[1]
        assert _role(seed_db) == "Edited while importing"  # nothing the edit wrote was lost to the import
        origins = [row[0] for row in read_rows(seed_db, "SELECT origin FROM edits ORDER BY id")]
        assert sorted(origins) == ["edit", "import"]
    else:
        assert edited[0] == 1 and edited[2].count("\n") == 1 and BUSY in edited[2], edited
        assert _role(seed_db) == "Russia's Deputy Foreign Minister"
    assert read_rows(seed_db, "PRAGMA integrity_check") == [("ok",)]


def _edited_text(db: Path) -> tuple[tuple[str, str], str]:
    with Store.open(db) as store:
        kind, slug, text = document_text(store, *store.resolve(STATEMENT))
    return (kind, slug), text.replace("Russia's Deputy Foreign Minister", "Edited after waiting")


def test_a_save_waits_for_another_writer_then_writes(seed_db: Path) -> None:
    ref, text = _edited_text(seed_db)
    other = sqlite3.connect(seed_db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # an import in progress, say
    other.execute("INSERT INTO dossier_meta (key, value) VALUES ('other-writer', 'was here')")
    release = threading.Timer(0.5, other.execute, ("COMMIT",))
    release.start()
    try:
        saved = apply_text(seed_db, text, expect=ref, busy_seconds=5.0)
    finally:
        release.join()
        other.close()
    assert saved.changed
    assert _role(seed_db) == "Edited after waiting"
    assert read_rows(seed_db, "SELECT value FROM dossier_meta WHERE key = 'other-writer'") == [("was here",)]


def test_a_save_that_waits_too_long_says_busy_and_writes_nothing(seed_db: Path) -> None:
    ref, text = _edited_text(seed_db)
    before = file_hash(seed_db)
    other = sqlite3.connect(seed_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as refused:
            apply_text(seed_db, text, expect=ref, busy_seconds=0.2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert BUSY in str(refused.value) and "\n" not in str(refused.value)
    assert file_hash(seed_db) == before

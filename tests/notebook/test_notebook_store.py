"""The notebook file: saves, versions, conflicts, limits, bad files, schema steps and a kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dossier import notebook as nb
from dossier.notebook import Conflict, Notebook, NotebookError

DOSSIER = "0f0e0d0c-0000-4000-8000-000000000001"


def test_a_new_notebook_is_made_with_its_folder_and_marks_itself(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "notebook.db"
    with Notebook.open(path) as book:
        assert book.version == nb.NOTEBOOK_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == nb.APPLICATION_ID
    conn.close()


def test_mark_note_and_tags_are_kept_and_each_save_raises_the_version(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with Notebook.open(path) as book:
        marked = book.set_mark(DOSSIER, "statement", "a-quote", True, label="A quote")
        assert marked.version == 1 and marked.marked
        noted = book.save_note(DOSSIER, "statement", "a-quote", "line one\nline two", expected=1)
        assert noted.version == 2
        tagged = book.save_tags(DOSSIER, "statement", "a-quote", ["russia", " russia ", "#x".lstrip("#")], expected=2)
        assert tagged.tags == ("russia", "x")
    with Notebook.open(path) as book:
        entry = book.entry(DOSSIER, "statement", "a-quote")
        assert entry is not None
        assert (entry.marked, entry.note, entry.tags, entry.label, entry.version) == (
            True,
            "line one\nline two",
            ("russia", "x"),
            "A quote",
            3,
        )
        assert book.used_tags() == ["russia", "x"]


def test_an_entry_left_empty_is_removed(tmp_path: Path) -> None:
    with Notebook.open(tmp_path / "n.db") as book:
        book.set_mark(DOSSIER, "actor", "lavrov", True)
        book.set_mark(DOSSIER, "actor", "lavrov", False)
        assert book.entries(DOSSIER) == []


def test_a_note_changed_elsewhere_is_a_conflict_holding_the_other_note(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    first, second = Notebook.open(path), Notebook.open(path)
    try:
        opened_here = first.entry(DOSSIER, "measure", "m1")
        opened_there = second.entry(DOSSIER, "measure", "m1")
        assert opened_here is None and opened_there is None
        second.save_note(DOSSIER, "measure", "m1", "theirs", expected=0)
        with pytest.raises(Conflict) as caught:
            first.save_note(DOSSIER, "measure", "m1", "mine", expected=0)
        assert caught.value.current.note == "theirs"
        # The user chooses to keep theirs overwritten by mine: the save names the version seen.
        kept = first.save_note(DOSSIER, "measure", "m1", "mine", expected=caught.value.current.version)
        assert kept.note == "mine"
        assert second.entry(DOSSIER, "measure", "m1").note == "mine"  # type: ignore[union-attr]
    finally:
        first.close()
        second.close()


def test_a_note_over_100_kb_and_a_tag_over_64_characters_are_refused(tmp_path: Path) -> None:
    with Notebook.open(tmp_path / "n.db") as book:
        with pytest.raises(NotebookError, match="at most 102,400"):
            book.save_note(DOSSIER, "actor", "a", "x" * (100 * 1024 + 1), expected=0)
        with pytest.raises(NotebookError, match="at most 64"):
            book.save_tags(DOSSIER, "actor", "a", ["t" * 65], expected=0)
        assert book.entries() == []
        book.save_note(DOSSIER, "actor", "a", "x" * (100 * 1024), expected=0)


def test_hostile_text_is_kept_as_text_without_control_characters(tmp_path: Path) -> None:
    with Notebook.open(tmp_path / "n.db") as book:
        saved = book.save_note(DOSSIER, "actor", "a", "[bold]x[/] \x1b[31mred\u202e", expected=0)
        assert "\x1b" not in saved.note and "\u202e" not in saved.note
        assert "[bold]x[/]" in saved.note


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is a text file, not a database\n" * 10, "not a notebook (not a SQLite file)"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "damaged"),
    ],
)
def test_a_bad_file_is_refused_in_one_line_and_left_as_it_was(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "n.db"
    path.write_bytes(content)
    with pytest.raises(NotebookError) as caught:
        Notebook.open(path)
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    assert path.read_bytes() == content


def test_a_dossier_given_as_a_notebook_is_refused(seed_db: Path) -> None:
    before = seed_db.read_bytes()
    with pytest.raises(NotebookError, match="is not a notebook"):
        Notebook.open(seed_db)
    assert seed_db.read_bytes() == before


def test_a_newer_notebook_is_refused_naming_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    Notebook.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(NotebookError, match=r"version 99; this one reads up to 2"):
        Notebook.open(path)


def test_a_locked_notebook_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.db"
    Notebook.open(path).close()
    monkeypatch.setattr(nb, "LOCK_SECONDS", 0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(NotebookError, match="is locked"):
            Notebook.open(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_version_1_notebook_is_stepped_to_2_keeping_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with Notebook.open(path, upto=1) as book:
        assert book.version == 1
        book.conn.execute(
            "INSERT INTO entries (dossier, kind, slug, marked, note, tags, version, updated)"
            " VALUES (?, 'actor', 'lavrov', 1, 'old note', '[\"a\"]', 4, '2026-01-01')",
            (DOSSIER,),
        )
    with Notebook.open(path) as book:
        assert book.version == 2
        entry = book.entry(DOSSIER, "actor", "lavrov")
        assert entry is not None and (entry.note, entry.tags, entry.version, entry.label) == ("old note", ("a",), 4, "")


def test_merge_adds_takes_newer_and_reports_each_conflict_keeping_the_newer_note(tmp_path: Path) -> None:
    with Notebook.open(tmp_path / "here.db") as here, Notebook.open(tmp_path / "there.db") as there:
        there.save_note(DOSSIER, "actor", "only-there", "from there", expected=0)
        there.save_note(DOSSIER, "actor", "older-there", "old, from there", expected=0)
        here.save_note(DOSSIER, "actor", "newer-there", "old, here", expected=0)
        time.sleep(0.01)
        here.save_note(DOSSIER, "actor", "older-there", "newer, here", expected=0)
        there.save_note(DOSSIER, "actor", "newer-there", "newer, from there", expected=0)
        data = json.loads(json.dumps(there.export_json()))
        report = here.merge(data)
        assert (report.added, report.updated) == (1, 1)
        assert len(report.conflicts) == 1 and "actor/older-there" in report.conflicts[0]
        assert here.entry(DOSSIER, "actor", "older-there").note == "newer, here"  # type: ignore[union-attr]
        assert here.entry(DOSSIER, "actor", "newer-there").note == "newer, from there"  # type: ignore[union-attr]
        again = here.merge(data)
        assert (again.added, again.updated, len(again.conflicts)) == (0, 0, 1)


def test_merge_refuses_bad_data_as_a_whole(tmp_path: Path) -> None:
    with Notebook.open(tmp_path / "n.db") as book:
        good = {"dossier": DOSSIER, "kind": "actor", "slug": "a", "note": "fine"}
        bad = {"dossier": DOSSIER, "kind": "actor", "slug": "b", "tags": ["t" * 65]}
        with pytest.raises(NotebookError, match=r"entries\[1\]: the tag"):
            book.merge({"notebook": 2, "entries": [good, bad]})
        assert book.entries() == []


_SAVER = """
import sys
from pathlib import Path
from dossier.notebook import Notebook
book = Notebook.open(Path(sys.argv[1]))
version = book.entry("d", "statement", "s").version
n = 0
while True:
    n += 1
    note = str(n % 10) * 90000
    version = book.save_note("d", "statement", "s", note, expected=version).version
    if n == 3:
        print("saving", flush=True)
"""


def test_a_kill_9_while_saving_leaves_a_notebook_holding_a_whole_note(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with Notebook.open(path) as book:
        book.save_note("d", "statement", "s", "the first note", expected=0)
    for delay in (0.05, 0.13, 0.21):
        proc = subprocess.Popen([sys.executable, "-c", _SAVER, str(path)], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"saving\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Notebook.open(path) as book:
            note = book.entry("d", "statement", "s").note  # type: ignore[union-attr]
            assert len(note) == 90000 and len(set(note)) == 1

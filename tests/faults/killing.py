"""kill -9 of `dossier import` at chosen moments, and what the file holds afterwards.

Shared by the few points of `make test` (`test_kill_import.py`) and the full
run (`python -m tests.bench.crash`). Two paths of the importer are killed:

* **bulk**: a big JSON bundle (a generated dossier, exported) into a file
  made by `dossier init --empty`: the fast JSON reader, statements written
  straight from their rows, indexes and full-text index built once at the end;
* **incremental**: a bundle into the default dossier (`dossier init`):
  thousands of new statements kept in the index by triggers, and every actor
  and measure of the dossier changed (updates, replaced aliases and links).

Each point copies the file as it was before, starts `dossier import` as a
process, sends it SIGKILL after the chosen delay, then checks, in this order
(the first to open the file is the one that must cope with what the kill left):
`dossier show` prints what it prints on the file before or after a finished
import; the store opens it; `PRAGMA integrity_check` and the full-text
indexes' own check pass; `dossier export --format json` is exactly the
export before or after.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from dossier.cli import main
from dossier.generate import generate
from dossier.importer import init_database
from dossier.store import Store


def dossier_argv(*args: str) -> list[str]:
    """The real `dossier` command, as a process of its own (the one that gets killed)."""
    return [sys.executable, "-m", "dossier", *args]


_WRAPPED = """
import os, signal, sqlite3, sys, time

flags, db, bundle = sys.argv[1].split(","), sys.argv[2], sys.argv[3]

class Connection(sqlite3.Connection):
    def execute(self, sql, *args):
        word = sql.strip().upper()
        if word.startswith("PRAGMA CACHE_SIZE") and "=" in word and "small-cache" in flags:  # a setting, not a read
            sql = "PRAGMA cache_size = -%d" % (64 if "precommit" in flags else SMALL_CACHE_KIB)
        if word in ("COMMIT", "END") and "precommit" in flags:
            os.kill(os.getpid(), signal.SIGKILL)  # every row written, the commit never comes
        if word.startswith("BEGIN") and "trace" in flags:
            print("began", time.time(), file=sys.stderr, flush=True)
        result = super().execute(sql, *args)
        if word in ("COMMIT", "END") and "trace" in flags:
            print("committed", time.time(), file=sys.stderr, flush=True)
        return result

    def commit(self):
        if "precommit" in flags and self.in_transaction:
            os.kill(os.getpid(), signal.SIGKILL)
        super().commit()

connect = sqlite3.connect
sqlite3.connect = lambda *args, **kwargs: connect(*args, factory=Connection, **kwargs)
from dossier.cli import main
main(["import", bundle, "--db", db])
"""
"""`dossier import` with its connections wrapped, not the importer's functions, so that this holds however
the importer is arranged. Flags: `small-cache`, a 2 MiB page cache, so changed pages reach the file all
through the write (the importer's own 256 MiB keeps a load of 100k statements in memory until COMMIT);
`precommit`, a 64 KiB cache and a kill instead of the COMMIT; `trace`, the clock at BEGIN and after COMMIT
on stderr (the transaction's window, for the timed runs)."""

SMALL_CACHE_KIB = 2048


def import_argv(db: Path, bundle: Path, *flags: str) -> list[str]:
    """The import to kill: `dossier import` itself, or with `flags` the same through `_WRAPPED`."""
    if not flags:
        return dossier_argv("import", str(bundle), "--db", str(db))
    code = _WRAPPED.replace("SMALL_CACHE_KIB", str(SMALL_CACHE_KIB))
    return [sys.executable, "-c", code, ",".join(flags), str(db), str(bundle)]


def _run(*args: str) -> tuple[int, str, str]:
    """A `dossier` command in this process (click's runner): its exit status, stdout, and stderr.

    Warnings are left out of stderr: whether the damage check of a big file
    finishes in its 0.25 s (else a warning says so) depends on the machine's
    load, not on the file.
    """
    result = CliRunner().invoke(main, list(args))
    errors = "".join(line for line in result.stderr.splitlines(keepends=True) if "dossier: warning:" not in line)
    return result.exit_code, result.stdout, errors


def show(ref: str, db: Path) -> tuple[int, str]:
    """`dossier show REF`: its exit status and output, the file's name put as `DB` (copies have other names)."""
    status, out, err = _run("show", ref, "--db", str(db))
    return status, (out + err).replace(str(db), "DB").replace(db.name, "DB")


def export_json(db: Path) -> str:
    """`dossier export --format json`: what it writes on stdout."""
    status, out, err = _run("export", "--db", str(db), "--format", "json")
    if status != 0:
        raise AssertionError(f"export of {db.name} failed: {err.strip()[-300:]}")
    return out


@dataclass(frozen=True)
class Case:
    """One path of the importer: the file before, the bundle, and the references to compare with."""

    name: str
    base: Path
    bundle: Path
    show_ref: str
    before: str
    """`dossier export --format json` of the file before the import."""
    after: str
    """The same after a finished import."""
    show_before: tuple[int, str]
    show_after: tuple[int, str]
    seconds: float
    """How long a finished `dossier import` took, as a process: kill times are drawn from [0, seconds)."""
    small_cache: bool = False
    """Imports run with a small page cache (`import_argv`)."""
    window: tuple[float, float] = (0.0, 0.0)
    """When the write transaction ran in the timed run of median length: from BEGIN to the end of COMMIT."""


def bulk_bundle(folder: Path, statements: int, seed: int = 0) -> Path:
    """A generated dossier of `statements` exported as one JSON bundle (the bulk path's input)."""
    db = folder / "generated.db"
    generate(db, statements=statements, seed=seed, force=True)
    bundle = folder / "bulk.json"
    bundle.write_text(export_json(db), encoding="utf-8")
    db.unlink()
    return bundle


def incremental_bundle(folder: Path, seed_db: Path, statements: int, seed: int = 1) -> Path:
    """New statements, actors and measures for the default dossier, and a change to each of its own.

    Stays under the importer's bulk threshold, so the write is the incremental
    one: rows compared and upserted by slug, the full-text index kept by triggers.
    """
    db = folder / "more.db"
    generate(db, statements=statements, seed=seed, force=True)
    bundle = json.loads(export_json(db))
    db.unlink()
    bundle.pop("dossier", None)  # the dossier keeps its own title
    mine = json.loads(export_json(seed_db))
    taken = {section: {item["slug"] for item in mine.get(section, [])} for section in mine if section != "dossier"}
    for section, items in list(bundle.items()):
        bundle[section] = [item for item in items if item["slug"] not in taken.get(section, set())]
    for actor in mine["actors"]:
        actor["name"] += " (revised)"
        actor["aliases"] = [*actor.get("aliases", []), {"name": f"{actor['slug']} alias", "lang": "en"}]
    for measure in mine["measures"]:
        measure["title"] += " (revised)"
    bundle["actors"] = mine["actors"] + bundle["actors"]
    bundle["measures"] = mine["measures"] + bundle["measures"]
    bundle["sources"] = mine.get("sources", []) + bundle.get("sources", [])
    path = folder / "incremental.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def timed_import(db: Path, bundle: Path, small_cache: bool = False) -> tuple[float, float, float]:
    """Seconds from the start of the process to its end, to BEGIN, and to the end of COMMIT."""
    started = time.time()
    flags = ("trace", "small-cache") if small_cache else ("trace",)
    done = subprocess.run(import_argv(db, bundle, *flags), capture_output=True, text=True)
    seconds = time.time() - started
    if done.returncode != 0:
        raise AssertionError(f"dossier import failed: {done.stderr.strip()}")
    marks = dict(line.split() for line in done.stderr.splitlines() if line.startswith(("began ", "committed ")))
    return seconds, float(marks["began"]) - started, float(marks["committed"]) - started


def make_case(
    name: str, base: Path, bundle: Path, show_ref: str, folder: Path, runs: int = 1, small_cache: bool = False
) -> Case:
    """Import once (or `runs` times, keeping the median) without a kill: the time and the references."""
    before = export_json(base)
    show_before = show(show_ref, base)
    times = []
    finished = folder / f"{name}-finished.db"
    for _ in range(runs):
        shutil.copyfile(base, finished)
        times.append(timed_import(finished, bundle, small_cache))
    after = export_json(finished)
    show_after = show(show_ref, finished)
    finished.unlink()
    if before == after:
        raise AssertionError(f"{name}: the bundle changes nothing, so a kill could not be seen")
    seconds, began, committed = sorted(times)[len(times) // 2]
    return Case(
        name, base, bundle, show_ref, before, after, show_before, show_after, seconds, small_cache, (began, committed)
    )


def with_small_cache(case: Case, folder: Path, runs: int = 1) -> Case:
    """The same import with a small page cache (timed again: it is slower)."""
    return make_case(f"{case.name}-small-cache", case.base, case.bundle, case.show_ref, folder, runs, small_cache=True)


def bulk_case(folder: Path, statements: int, seed: int = 0, runs: int = 1) -> Case:
    base = folder / "empty.db"
    init_database(base, empty=True, force=True)
    bundle = bulk_bundle(folder, statements, seed)
    with bundle.open("rb") as handle:  # a slug the bundle defines: not in the empty file, then in it
        head = handle.read(1 << 16).decode("utf-8", errors="ignore")
    ref = head.split('"actors"', 1)[1].split('"slug": "', 1)[1].split('"', 1)[0]
    return make_case("bulk", base, bundle, f"actor/{ref}", folder, runs)


def incremental_case(folder: Path, statements: int, seed: int = 1, runs: int = 1) -> Case:
    base = folder / "seed.db"
    init_database(base, force=True)
    bundle = incremental_bundle(folder, base, statements, seed)
    return make_case("incremental", base, bundle, "zakharova", folder, runs)


# --------------------------------------------------------------------------- one point


@dataclass
class Point:
    """What one kill did and what the file held afterwards."""

    case: str
    delay: float
    exited_first: bool = False
    """The import finished before the kill came."""
    in_transaction: bool = False
    """The kill came inside the write transaction, after its first change: a `-journal` was beside the file."""
    journal_left: bool = False
    """... and after the journal's first sync (pages of the file may have changed): the journal was hot."""
    state: str = "?"
    """"old", "new" or "neither" (the export compared with the references)."""
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems and self.state in ("old", "new")


def kill_import(db: Path, bundle: Path, delay: float, small_cache: bool = False) -> tuple[bool, int, str]:
    """Start `dossier import`, SIGKILL it after `delay` seconds: had it exited, its status, its stderr."""
    argv = import_argv(db, bundle, *(("small-cache",) if small_cache else ()))
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(delay)
    exited = process.poll() is not None
    if not exited:
        os.kill(process.pid, signal.SIGKILL)
    _, err = process.communicate()
    return exited, process.returncode, err.decode(errors="replace")


def hot_journal(db: Path) -> bool:
    """A `-journal` that SQLite must roll back: it exists and its header was written (first byte not zero).

    A journal killed before its first sync has a zeroed header; SQLite
    ignores it, and no page of the file was changed before that sync.
    """
    try:
        with open(f"{db}-journal", "rb") as journal:
            return journal.read(1) not in (b"", b"\0")
    except FileNotFoundError:
        return False


def check_file(case: Case, db: Path, point: Point) -> None:
    """Every check of a file a kill left behind; what fails goes to `point.problems`."""
    point.in_transaction = Path(f"{db}-journal").exists()
    point.journal_left = hot_journal(db)
    shown = show(case.show_ref, db)  # the first to open it: no manual step before
    if shown not in (case.show_before, case.show_after):
        point.problems.append(f"dossier show: exit {shown[0]}: {shown[1].strip()[-300:]}")
    if hot_journal(db):
        point.problems.append("a hot -journal is still beside the file after it was opened")
    try:
        with Store.open(db) as opened:
            opened.summary()
    except Exception as exc:  # the store must open it: any failure is a finding, not a crash of the harness
        point.problems.append(f"Store.open: {exc}")
    conn = sqlite3.connect(db.as_uri() + "?mode=rw", uri=True)
    try:
        (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            point.problems.append(f"integrity_check: {verdict}")
        for index in ("statements_fts", "entities_fts"):
            conn.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        point.problems.append(f"integrity: {exc}")
    finally:
        conn.close()
    exported = export_json(db)
    point.state = "old" if exported == case.before else "new" if exported == case.after else "neither"
    if point.state == "neither":
        point.problems.append("the export is neither the one before nor the one after")


def run_point(case: Case, delay: float, scratch: Path) -> Point:
    """One kill at `delay` into a fresh copy of the case's file, then every check; the copy is removed."""
    db = scratch / f"{case.name}-killed.db"
    for leftover in (db, Path(f"{db}-journal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(case.base, db)
    point = Point(case.name, delay)
    point.exited_first, status, err = kill_import(db, case.bundle, delay, case.small_cache)
    check_file(case, db, point)
    if point.exited_first and status != 0:
        point.problems.append(f"the import exited {status} before the kill: {err.strip()[-300:]}")
    elif point.exited_first and point.state != "new":
        point.problems.append("the import exited 0 before the kill but its writes are not in the file")
    for leftover in (db, Path(f"{db}-journal")):
        leftover.unlink(missing_ok=True)
    return point


# --------------------------------------------------------------------------- a kill inside the transaction


def kill_before_commit(case: Case, scratch: Path, then: Callable[[Path], None] | None = None) -> Point:
    """Kill an import after its last write, just before COMMIT, with changed pages already in the file.

    The deterministic companion of the random points: the one moment that
    most needs the rollback journal, reached every time.
    """
    db = scratch / f"{case.name}-precommit.db"
    shutil.copyfile(case.base, db)
    done = subprocess.run(import_argv(db, case.bundle, "small-cache", "precommit"), capture_output=True)
    if then is not None:
        then(db)
    point = Point(case.name, -1.0)
    if done.returncode != -signal.SIGKILL:
        point.problems.append(f"the import was not killed (exit {done.returncode}): {done.stderr.decode()[-300:]}")
    check_file(case, db, point)
    return point


# --------------------------------------------------------------------------- kill -9 of an edit's save

_EDIT_WRAPPED = """
import os, signal, sqlite3, sys, time

flags, db, doc, kind, slug = sys.argv[1].split(","), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]

class Connection(sqlite3.Connection):
    def execute(self, sql, *args):
        word = sql.strip().upper()
        if word in ("COMMIT", "END") and "precommit" in flags:
            os.kill(os.getpid(), signal.SIGKILL)  # every row written, the commit never comes
        if word.startswith("BEGIN IMMEDIATE"):
            print("began", time.time(), file=sys.stderr, flush=True)
        result = super().execute(sql, *args)
        if word in ("COMMIT", "END"):
            print("committed", time.time(), file=sys.stderr, flush=True)
        return result

connect = sqlite3.connect

def connect_small(*args, **kwargs):
    conn = connect(*args, factory=Connection, **kwargs)
    if "small-cache" in flags:
        conn.execute("PRAGMA cache_size = -64")  # changed pages reach the file before COMMIT
    return conn

sqlite3.connect = connect_small
from dossier.capture import apply_text
with open(doc, encoding="utf-8") as handle:
    text = handle.read()
print(apply_text(db, text, expect=(kind, slug), file="edit.yaml").summary(), flush=True)
"""
"""The save of `e` (`dossier.capture.apply_text`, what the browser and `dossier edit` run once the editor is
closed) as a process of its own, its connections wrapped: the clock at BEGIN IMMEDIATE and after COMMIT on
stderr; `precommit`, a kill instead of the COMMIT; `small-cache`, a 64 KiB page cache."""


def edit_argv(db: Path, doc: Path, ref: tuple[str, str], *flags: str) -> list[str]:
    return [sys.executable, "-c", _EDIT_WRAPPED, ",".join(flags), str(db), str(doc), *ref]


def edited_document(db: Path, ref: str) -> tuple[tuple[str, str], str]:
    """The document of `ref` as `e` opens it, changed as a user would: its text, its role, its stances."""
    from dossier.capture import document_text

    with Store.open(db, check_seconds=0) as opened:
        kind, slug, text = document_text(opened, *opened.resolve(ref))
    lines = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith("text: "):
            line = line.replace("text: ", "text: (revised, kill -9 test) ", 1)
        elif stripped.startswith("speaker_role:"):
            continue
        elif stripped.startswith("stance: "):
            line = line[: len(line) - len(stripped)] + "stance: comments\n"
        lines.append(line)
        if stripped.startswith("speaker: "):
            lines.append(line[: len(line) - len(stripped)] + "speaker_role: Role revised by the kill -9 test\n")
    return (kind, slug), "".join(lines)


def timed_edit(db: Path, doc: Path, ref: tuple[str, str], small_cache: bool = False) -> tuple[float, float, float]:
    """A finished save: seconds from the start of its process to its end, to BEGIN and to the end of COMMIT."""
    started = time.time()
    done = subprocess.run(edit_argv(db, doc, ref, *(("small-cache",) if small_cache else ())),
                          capture_output=True, text=True)
    seconds = time.time() - started
    if done.returncode != 0 or "saved " not in done.stdout:
        raise AssertionError(f"the save failed: {done.stdout.strip()} {done.stderr.strip()[-300:]}")
    marks = dict(line.split() for line in done.stderr.splitlines() if line.startswith(("began ", "committed ")))
    return seconds, float(marks["began"]) - started, float(marks["committed"]) - started


@dataclass(frozen=True)
class EditCase:
    """An edit's save to kill: the file before (schema current), the document, the references to compare with."""

    name: str
    base: Path
    doc: Path
    ref: tuple[str, str]
    before: str
    after: str
    show_before: tuple[int, str]
    show_after: tuple[int, str]
    seconds: float
    """How long the save's transaction takes (BEGIN to the end of COMMIT): kills are drawn from [0, seconds)
    after BEGIN, so every one lands in the save, not in the start of Python."""
    small_cache: bool = False

    @property
    def show_ref(self) -> str:
        return f"{self.ref[0]}/{self.ref[1]}"


def edit_case(folder: Path, base: Path, ref: str, runs: int = 3, small_cache: bool = False) -> EditCase:
    """Prepare `base` for writing (schema current), make the edited document, save it `runs` times on copies."""
    from dossier.capture import prepare_for_write

    prepare_for_write(base)
    for backup in folder.glob("*.bak"):
        backup.unlink()
    entity, text = edited_document(base, ref)
    doc = folder / "edit.yaml"
    doc.write_text(text, encoding="utf-8")
    before, show_before = export_json(base), show(ref, base)
    finished = folder / "edit-finished.db"
    lengths = []
    for _ in range(runs):
        shutil.copyfile(base, finished)
        _, began, committed = timed_edit(finished, doc, entity, small_cache)
        lengths.append(committed - began)
    after, show_after = export_json(finished), show(ref, finished)
    finished.unlink()
    if before == after:
        raise AssertionError("the edit changes nothing, so a kill could not be seen")
    name = "edit-small-cache" if small_cache else "edit"
    return EditCase(name, base, doc, entity, before, after, show_before, show_after,
                    sorted(lengths)[len(lengths) // 2], small_cache)


def kill_edit(db: Path, case: EditCase, delay: float, *, precommit: bool = False) -> tuple[bool, int, str]:
    """Start the save; SIGKILL it `delay` seconds after its BEGIN: had it exited, its status, its stderr."""
    flags = (*(("small-cache",) if case.small_cache else ()), *(("precommit",) if precommit else ()))
    process = subprocess.Popen(edit_argv(db, case.doc, case.ref, *flags), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    seen = b""
    while not seen.startswith(b"began"):
        seen = process.stderr.readline()
        if not seen:  # the process ended before it began to write
            break
    if precommit:  # it kills itself instead of its COMMIT
        _, err = process.communicate()
        return False, process.returncode, err.decode(errors="replace")
    time.sleep(delay)
    exited = process.poll() is not None
    if not exited:
        os.kill(process.pid, signal.SIGKILL)
    _, err = process.communicate()
    return exited, process.returncode, err.decode(errors="replace")


def run_edit_point(case: EditCase, delay: float, scratch: Path, *, precommit: bool = False) -> Point:
    """One kill of the save `delay` seconds after its BEGIN, into a fresh copy, then every check of `check_file`."""
    db = scratch / f"{case.name}-killed.db"
    for leftover in (db, Path(f"{db}-journal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(case.base, db)
    point = Point(case.name, -1.0 if precommit else delay)
    point.exited_first, status, err = kill_edit(db, case, delay, precommit=precommit)
    check_file(case, db, point)  # type: ignore[arg-type]  # the same fields a Case has
    if point.exited_first and status != 0:
        point.problems.append(f"the save exited {status} before the kill: {err.strip()[-300:]}")
    elif point.exited_first and point.state != "new":
        point.problems.append("the save exited 0 before the kill but its writes are not in the file")
    if precommit and status != -signal.SIGKILL:
        point.problems.append(f"the save was not killed (exit {status}): {err.strip()[-300:]}")
    for leftover in (db, Path(f"{db}-journal")):
        leftover.unlink(missing_ok=True)
    return point

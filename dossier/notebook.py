"""The notebook: the researcher's own marks, notes and tags, in a SQLite file of their own.

The notebook is never the dossier. It lives in the user's data directory
(`$XDG_DATA_HOME/dossier/notebook.db`, or `--notebook PATH`), so a dossier on a
read-only disk can still be annotated, and it is written through sqlite-utils
(tables, upserts, `Table.transform`), each save in one `BEGIN IMMEDIATE`
transaction: a process killed while saving leaves the old or the new entry.

An entry is keyed by the dossier's identity (`Store.identity`: the UUID
written at `dossier init` and kept by export and import; a file made before
schema 2 has one derived from its title and first slugs), the entity's kind
and its slug, so it survives a re-import of the dossier. An entry whose
entity is gone is kept and shown as orphaned; only the user removes it (an
entry left with no mark, note or tag is removed by the save that emptied it).

Two browsers may share a notebook. Each entry carries a `version`, raised by
every save; a note or tag save names the version it started from and is
refused with `Conflict` (holding the entry as it now is) when someone else
saved in between, so the user chooses. A mark is a plain set to on or off.

The notebook's schema has its own versions (`PRAGMA user_version`) and steps
(`_STEPS`), and its files carry an `application_id` so a dossier or any other
SQLite file given as a notebook is refused, as is a damaged, locked or newer
one: `NotebookError` holds the one-line reason.

sqlite-utils is imported when a notebook is opened (in a worker in the
browser), never at start-up.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .notebook_path import NOTEBOOK_ENV as NOTEBOOK_ENV
from .notebook_path import OFF_MESSAGE as OFF_MESSAGE
from .notebook_path import default_path as default_path
from .text import clean_text

if TYPE_CHECKING:
    from sqlite_utils import Database

NOTEBOOK_VERSION = 2
"""The schema this code writes (`PRAGMA user_version`); `_STEPS` brings an older notebook here."""
APPLICATION_ID = 0x444E4F54
"""`PRAGMA application_id` of every notebook ("DNOT"): a SQLite file without it is not one."""
MAX_NOTE_BYTES = 100 * 1024
"""The longest note kept, in UTF-8 bytes."""
MAX_TAG_CHARS = 64
"""The longest tag, in characters."""
MAX_TAGS = 64
"""Tags on one entry."""
KINDS = ("actor", "statement", "measure", "consequence", "event")
"""What an entry can be about."""
LOCK_SECONDS = 2.0
"""How long a save waits for another writer before the notebook is called locked."""


class NotebookError(Exception):
    """A notebook that cannot be used, or a save refused: the message is the one-line reason."""


@dataclass(frozen=True)
class Entry:
    """What the researcher keeps about one entity of one dossier."""

    dossier: str
    kind: str
    slug: str
    marked: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()
    label: str = ""
    """What the entity was called when last saved: shown for an orphan and in the notebook screen."""
    version: int = 0
    """Raised by every save; 0 for an entry not yet saved."""
    updated: str = ""
    """When it was last saved (ISO 8601, UTC)."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.dossier, self.kind, self.slug)

    @property
    def ref(self) -> str:
        """`kind/slug`, as the command line and deep links write it."""
        return f"{self.kind}/{self.slug}"

    @property
    def empty(self) -> bool:
        return not self.marked and not self.note and not self.tags

    def same_content(self, other: Entry) -> bool:
        return (self.marked, self.note, self.tags) == (other.marked, other.note, other.tags)


class Conflict(NotebookError):
    """The entry was saved elsewhere since it was read: `current` is what is stored now."""

    def __init__(self, current: Entry) -> None:
        super().__init__(f"{current.ref} was changed elsewhere since it was opened")
        self.current = current


@dataclass
class MergeReport:
    """What `Notebook.merge` did: entries added and updated, and each conflict in one line."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- validation


def check_note(note: str) -> str:
    """A note as kept (cleaned of control characters, newlines kept), or NotebookError when too long."""
    size = len(note.encode("utf-8", "surrogatepass"))
    if size > MAX_NOTE_BYTES:
        raise NotebookError(f"the note is {size:,} bytes; a note holds at most {MAX_NOTE_BYTES:,} (100 KB)")
    return clean_text(note).strip("\n")


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as kept: cleaned, trimmed, without duplicates, in order; NotebookError for a tag too long."""
    kept: list[str] = []
    for raw in tags:
        tag = " ".join(clean_text(raw, keep_newlines=False).split())
        if len(tag) > MAX_TAG_CHARS:
            raise NotebookError(f"the tag {tag[:20]!r}… is {len(tag)} characters; a tag holds at most {MAX_TAG_CHARS}")
        if tag and tag not in kept:
            kept.append(tag)
    if len(kept) > MAX_TAGS:
        raise NotebookError(f"{len(kept)} tags; an entry holds at most {MAX_TAGS}")
    return tuple(kept)


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed: separated by commas (`#` before a tag is dropped)."""
    return check_tags(part.strip().lstrip("#") for part in text.split(","))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------- schema steps


def _step_1(db: Database) -> None:
    """Version 1: one table of entries, keyed by dossier, kind and slug."""
    db.table("entries").create(
        {
            "dossier": str,
            "kind": str,
            "slug": str,
            "marked": int,
            "note": str,
            "tags": str,
            "version": int,
            "updated": str,
        },
        pk=("dossier", "kind", "slug"),
        not_null={"dossier", "kind", "slug", "marked", "note", "tags", "version", "updated"},
        defaults={"marked": 0, "note": "", "tags": "[]", "version": 1},
    )


def _step_2(db: Database) -> None:
    """Version 2: each entry keeps its entity's label, for orphans and the notebook screen, beside its slug."""
    table = db.table("entries")
    table.add_column("label", str, not_null_default="")
    table.transform(column_order=["dossier", "kind", "slug", "label", "marked", "note", "tags", "version", "updated"])
    db.table("entries").create_index(["dossier", "marked"], if_not_exists=True)


_STEPS = {1: _step_1, 2: _step_2}
"""Schema steps: `_STEPS[n]` brings a notebook of version n - 1 to version n."""


# ----------------------------------------------------------------------------- the notebook


_HEADER = b"SQLite format 3\x00"


class Notebook:
    """One notebook file, open for reading and saving (use `Notebook.open`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        from sqlite_utils import Database

        self.path = path
        self.conn = conn
        self.db = Database(conn)
        self.lock = threading.RLock()
        """Held by every read and save: the browser saves from worker threads, one at a time."""

    # --------------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: Path, *, upto: int = NOTEBOOK_VERSION) -> Notebook:
        """Open the notebook at `path`, creating it (and its folder) when there is none.

        Raises NotebookError with a one-line reason for a file that is damaged,
        locked, newer than this code, or not a notebook; nothing is written then.
        `upto` stops the schema at an older version (for tests of the steps).
        """
        where = str(path)
        try:
            if path.exists():
                if path.is_dir():
                    raise NotebookError(f"{where}: is a folder, not a notebook")
                with path.open("rb") as handle:
                    head = handle.read(100)
                if head and not head.startswith(_HEADER):
                    raise NotebookError(f"{where}: is not a notebook (not a SQLite file)")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, timeout=LOCK_SECONDS, check_same_thread=False)
        except OSError as exc:
            raise NotebookError(f"{where}: cannot be opened: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise NotebookError(f"{where}: cannot be opened: {exc}") from None
        try:
            conn.execute("PRAGMA synchronous = FULL")
            notebook = cls(path, conn)
            notebook._prepare(upto)
        except NotebookError:
            conn.close()
            raise
        except sqlite3.OperationalError as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise NotebookError(f"{where}: is locked by another program; try again when it is done") from None
            raise NotebookError(f"{where}: cannot be read: {exc}") from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NotebookError(f"{where}: is damaged ({exc})") from None
        return notebook

    def _prepare(self, upto: int) -> None:
        conn = self.conn
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or version or app_id):
            raise NotebookError(f"{self.path}: is not a notebook (a SQLite file of something else)")
        if version > NOTEBOOK_VERSION:
            raise NotebookError(
                f"{self.path}: is a notebook of a newer Dossier (version {version}; this one reads up to "
                f"{NOTEBOOK_VERSION}): update Dossier to use it"
            )
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise NotebookError(f"{self.path}: is damaged ({check})")
        if version < upto:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for step in range(version + 1, upto + 1):
                    _STEPS[step](self.db)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {upto}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Notebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --------------------------------------------------------------------- reading

    def entry(self, dossier: str, kind: str, slug: str) -> Entry | None:
        with self.lock:
            row = self.conn.execute(
                f"SELECT {_COLUMNS} FROM entries WHERE dossier = ? AND kind = ? AND slug = ?", (dossier, kind, slug)
            ).fetchone()
        return None if row is None else _entry(row)

    def entries(self, dossier: str | None = None) -> list[Entry]:
        """Every entry of one dossier (None: of every dossier), by kind and slug."""
        with self.lock:
            if dossier is None:
                rows = self.conn.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY dossier, kind, slug").fetchall()
            else:
                rows = self.conn.execute(
                    f"SELECT {_COLUMNS} FROM entries WHERE dossier = ? ORDER BY kind, slug", (dossier,)
                ).fetchall()
        return [_entry(row) for row in rows]

    def used_tags(self) -> list[str]:
        """Every tag in the notebook, most used first, then by name (for completion)."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT value, count(*) AS n FROM entries, json_each(entries.tags)"
                " GROUP BY value ORDER BY n DESC, value"
            ).fetchall()
        return [str(row[0]) for row in rows]

    # --------------------------------------------------------------------- saving

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self.conn
        with self.lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise NotebookError(f"{self.path}: is locked by another program; nothing was saved ({exc})") from None
            except sqlite3.DatabaseError as exc:
                raise NotebookError(f"{self.path}: cannot be written ({exc}); nothing was saved") from None
            try:
                yield
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise NotebookError(f"{self.path}: cannot be written ({exc}); nothing was saved") from None
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _write(self, entry: Entry) -> Entry:
        """Store `entry` (inside a transaction) as its next version; an empty entry is removed."""
        if entry.empty:
            self.conn.execute(
                "DELETE FROM entries WHERE dossier = ? AND kind = ? AND slug = ?",
                (entry.dossier, entry.kind, entry.slug),
            )
            return replace(entry, version=0)
        saved = replace(entry, version=entry.version + 1, updated=entry.updated or _now())
        self.db.table("entries").upsert(_record(saved), pk=("dossier", "kind", "slug"))
        return saved

    def set_mark(self, dossier: str, kind: str, slug: str, marked: bool, *, label: str = "") -> Entry:
        """Mark or unmark an entity (whatever else changed elsewhere is kept)."""
        _check_kind(kind)
        with self._transaction():
            current = self.entry(dossier, kind, slug) or Entry(dossier, kind, slug)
            changed = replace(current, marked=marked, label=label or current.label, updated="")
            return self._write(changed)

    def save_note(self, dossier: str, kind: str, slug: str, note: str, *, expected: int, label: str = "") -> Entry:
        """Save a note, if the entry is still at version `expected` (else `Conflict`); returns the entry saved."""
        _check_kind(kind)
        kept = check_note(note)
        with self._transaction():
            current = self._expect(dossier, kind, slug, expected)
            return self._write(replace(current, note=kept, label=label or current.label, updated=""))

    def save_tags(
        self, dossier: str, kind: str, slug: str, tags: Iterable[str], *, expected: int, label: str = ""
    ) -> Entry:
        """Save an entry's tags, if it is still at version `expected` (else `Conflict`)."""
        _check_kind(kind)
        kept = check_tags(tags)
        with self._transaction():
            current = self._expect(dossier, kind, slug, expected)
            return self._write(replace(current, tags=kept, label=label or current.label, updated=""))

    def _expect(self, dossier: str, kind: str, slug: str, expected: int) -> Entry:
        current = self.entry(dossier, kind, slug) or Entry(dossier, kind, slug)
        if current.version != expected:
            raise Conflict(current)
        return current

    def remove(self, dossier: str, kind: str, slug: str) -> None:
        """Remove one entry (an orphan the user lets go)."""
        with self._transaction():
            self.conn.execute("DELETE FROM entries WHERE dossier = ? AND kind = ? AND slug = ?", (dossier, kind, slug))

    # --------------------------------------------------------------------- moving between machines

    def export_json(self, dossier: str | None = None) -> dict[str, Any]:
        """The notebook (one dossier's entries, or all) as JSON data for `merge` on another machine."""
        return {
            "notebook": NOTEBOOK_VERSION,
            "entries": [_record(entry) | {"tags": list(entry.tags)} for entry in self.entries(dossier)],
        }

    def merge(self, data: object) -> MergeReport:
        """Merge exported entries into this notebook, in one transaction: the newer side of each entry wins.

        An entry here that is newer than the incoming one, or as new but
        different, is kept and reported as a conflict: nothing newer is ever
        overwritten. Bad data is refused as a whole (NotebookError), nothing written.
        """
        incoming = _entries_of(data)
        report = MergeReport()
        with self._transaction():
            for entry in incoming:
                here = self.entry(*entry.key)
                if here is None:
                    self._write(replace(entry, version=0))
                    report.added += 1
                elif here.same_content(entry):
                    report.unchanged += 1
                elif entry.updated > here.updated:
                    self._write(replace(entry, version=here.version))
                    report.updated += 1
                else:
                    newer = "newer" if here.updated > entry.updated else "as new"
                    report.conflicts.append(
                        f"conflict: {entry.ref} ({entry.dossier[:8]}): the entry here is {newer} "
                        f"({here.updated or 'undated'} against {entry.updated or 'undated'}); kept it"
                    )
        return report


_COLUMNS = "dossier, kind, slug, label, marked, note, tags, version, updated"


def _entry(row: tuple[Any, ...]) -> Entry:
    dossier, kind, slug, label, marked, note, tags, version, updated = row
    try:
        tag_list = tuple(str(tag) for tag in json.loads(tags or "[]"))
    except (ValueError, TypeError):
        tag_list = ()
    return Entry(
        str(dossier),
        str(kind),
        str(slug),
        bool(marked),
        str(note or ""),
        tag_list,
        str(label or ""),
        int(version),
        str(updated or ""),
    )


def _record(entry: Entry) -> dict[str, Any]:
    return {
        "dossier": entry.dossier,
        "kind": entry.kind,
        "slug": entry.slug,
        "label": entry.label,
        "marked": int(entry.marked),
        "note": entry.note,
        "tags": json.dumps(list(entry.tags), ensure_ascii=False),
        "version": entry.version,
        "updated": entry.updated,
    }


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotebookError(f"{kind!r} cannot be noted; use one of {', '.join(KINDS)}")


def _entries_of(data: object) -> list[Entry]:
    """Entries from exported JSON data, each checked; NotebookError names the first bad one."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise NotebookError('not a notebook export: expected {"notebook": N, "entries": [...]}')
    version = data.get("notebook")
    if not isinstance(version, int) or version > NOTEBOOK_VERSION:
        raise NotebookError(f"a notebook export of version {version!r}; this Dossier reads up to {NOTEBOOK_VERSION}")
    entries: list[Entry] = []
    for index, item in enumerate(data["entries"]):
        where = f"entries[{index}]"
        if not isinstance(item, dict):
            raise NotebookError(f"{where}: not an object")
        try:
            text = {name: item.get(name, "") for name in ("dossier", "kind", "slug", "label", "note", "updated")}
            if not all(isinstance(value, str) for value in text.values()):
                raise NotebookError("dossier, kind, slug, label, note and updated must be text")
            if not text["dossier"] or not text["slug"]:
                raise NotebookError("dossier and slug are needed")
            _check_kind(text["kind"])
            tags = item.get("tags", [])
            if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                raise NotebookError("tags must be a list of text")
            entries.append(
                Entry(
                    dossier=text["dossier"],
                    kind=text["kind"],
                    slug=text["slug"],
                    marked=bool(item.get("marked", False)),
                    note=check_note(text["note"]),
                    tags=check_tags(tags),
                    label=clean_text(text["label"], keep_newlines=False),
                    updated=text["updated"],
                )
            )
        except NotebookError as exc:
            raise NotebookError(f"{where}: {exc}") from None
    return entries

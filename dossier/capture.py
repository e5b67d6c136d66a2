"""Capture: edit, add, delete and revert entities, each one transaction through the importer, each recorded.

The importer stays the one door that writes. An edit is a bundle document of
one entity with its children (`dossier.store.documents`): the text the user
saves is parsed and validated exactly as `dossier import` would (the same
`file:line: path: message` problems), then written with the importer's
`_write` in one `BEGIN IMMEDIATE` transaction that also records the edit in
the audit trail (`edits`): when, which entity, and the entity as a bundle in
JSON before and after. Nothing is written unless all of it is.

* `apply_text(path, text, ...)` saves a document: an edit of one entity
  (`expect=(kind, slug)`: the document must hold that entity and nothing else,
  and its slug cannot change), a new entity (`mode="add"`: a slug already
  taken is refused, a blank one is made from the name, title or text), or any
  bundle as one recorded edit (`mode="bundle"`, what a draft review needs).
* `delete_entity` deletes one entity and its children, refused with a line
  naming what still refers to it. A consequence is part of its measure: its
  deletion is an edit of the measure.
* `revert_edit` undoes edit N as a new edit, refused when an entity has
  changed since (revert the later edits first) or when N is an import (its
  entry keeps counts, not contents).

Every function opens its own short-lived write connection (`busy_seconds`
bounds the wait for another writer; then one line says the file is busy), and
brings an older file to the current schema first, after a backup copy
(`migrate_for_write`). Errors are `BundleError` (bad input, with problems) or
`StoreError` (one line).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .bundle import LoadedBundle, bundle_data, check_references, dump_bundle, parse_text, validate_data
from .errors import BundleError, Problem, StoreError
from .importer import _write, migrate_for_write, record_edit, refresh_entity_index
from .migrations import ensure_index_triggers
from .store.base import ENTITY_TABLES
from .store.connection import WRITE_BUSY_SECONDS, connect_existing, explain
from .store.documents import DOCUMENT_KINDS, SECTION_OF, document_kind, entity_document, entity_id_of

Mode = Literal["edit", "add", "bundle"]
Origin = Literal["browser", "edit", "revert"]

SECTIONS = ("sources", "actors", "measures", "statements", "events")
"""A bundle's entity sections, parents first (the order a bundle of several is written in)."""
KIND_OF = {section: kind for kind, section in SECTION_OF.items()}

BROWSER_BUSY_SECONDS = 2.0
"""How long a save from the browser waits for another writer before saying the file is busy."""

_SLUG_WORDS = 6
_SLUG_CHARS = 60


@dataclass(frozen=True)
class Saved:
    """What a save did."""

    changed: bool
    """False: the document was the entity as it was; nothing written, nothing recorded."""
    edit_id: int | None = None
    kind: str | None = None
    slug: str | None = None
    action: str = "change"
    migrated: str | None = None
    """The line saying the file was first brought to the current schema, after a backup copy (or None)."""

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.slug}" if self.kind else "the bundle"

    def summary(self) -> str:
        if not self.changed:
            return f"{self.ref}: nothing changed, nothing written"
        verb = {"add": "added", "change": "saved", "delete": "deleted"}.get(self.action, self.action)
        return f"{verb} {self.ref} (edit {self.edit_id})"


# ----------------------------------------------------------------------------- documents


def document_header(kind: str, slug: str | None) -> str:
    """The comment that opens a document in the editor (YAML comments: ignored when it is read back)."""
    what = f"{kind}/{slug}" if slug else f"a new {kind}"
    return (
        f"# Dossier: {what}. Save to write it to the dossier, all or nothing;\n"
        "# save it unchanged or empty to cancel.\n"
    )


def document_text(store: Any, kind: str, entity_id: int) -> tuple[str, str, str]:
    """(kind, slug, YAML text) of the document that holds an entity: what `e` opens (a consequence: its measure)."""
    bundle = store.entity_document(kind, entity_id)
    section = next(s for s in SECTIONS if getattr(bundle, s))
    entity = getattr(bundle, section)[0]
    doc_kind = KIND_OF[section]
    return doc_kind, entity.slug, document_header(doc_kind, entity.slug) + dump_bundle(bundle, "yaml")


TEMPLATES: dict[str, str] = {
    "actor": """\
actors:
  - slug:            # left blank: made from the name
    name:
    kind: person     # person, organization, state, media, group
    role:
    affiliation:     # an actor's slug
    country:         # ISO 3166 alpha-2: RU, US
    description:
""",
    "measure": """\
measures:
  - slug:            # left blank: made from the title
    title:
    kind: other      # expulsion, visa, travel-ban, sanction, closure, demand, other
    imposed_by: {actor}
    target:          # an actor's slug
    quantity:
    announced:       # a date: 2021-12-01, 2021-12 or 2021
    effective:
    status:          # announced, in-force, halted, lifted, threatened
    description:
    source:          # a source's slug
    in_response_to: []   # - {{measure: SLUG, asserted_by: ACTOR}}
""",
    "statement": """\
statements:
  - slug:            # left blank: made from the speaker and the text
    speaker: {actor}
    speaker_role: {role}
    kind: quote      # quote, paraphrase
    text:
    said:            # a date: 2021-12-01, 2021-12 or 2021
    via:             # outlet or venue
    source:          # a source's slug
    about: []        # - {{measure: SLUG, stance: comments}}  (announces, justifies, condemns, threatens, demands)
""",
    "event": """\
events:
  - slug:            # left blank: made from the title
    title:
    date:            # a date: 2021-12-01, 2021-12 or 2021
    place:
    description:
    source:          # a source's slug
    participants: [{actor}]
""",
    "source": """\
sources:
  - slug:            # left blank: made from the title
    title:
    outlet:
    url:
    published:       # a date: 2021-12-01, 2021-12 or 2021
    note:
""",
}
"""What `a` opens in the editor for a new entity ({actor}: the actor at hand's slug, {role}: its role)."""

CONSEQUENCE_TEMPLATE = """\
      - description:
        affects:       # an actor's slug
        due:           # a date
        certainty: stated   # stated, reported, conditional
"""


def template(kind: str, *, actor: str | None = None, role: str | None = None) -> str:
    """The editor's text for a new entity of `kind`, the actor at hand filled in where it fits."""
    body = TEMPLATES[kind].format(actor=actor or "", role=_yaml_scalar(role) if role else "")
    return document_header(kind, None) + body


def consequence_template(store: Any, measure_id: int) -> tuple[str, str, str]:
    """A measure's document with a new consequence to fill in at the end: how `a` adds a consequence."""
    kind, slug, text = document_text(store, "measure", measure_id)
    if "    consequences:\n" in text:
        text = text.rstrip("\n") + "\n" + CONSEQUENCE_TEMPLATE
    else:
        text = text.rstrip("\n") + "\n    consequences:\n" + CONSEQUENCE_TEMPLATE
    return kind, slug, text


def _yaml_scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar, whatever it holds


# ----------------------------------------------------------------------------- slugs


def make_slug(text: str, taken: Callable[[str], bool], *, fallback: str) -> str:
    """A slug from a name, title or text: its first words folded to Latin letters, unique (`-2`, `-3`, ...)."""
    words = _ascii_words(text)
    if not words:  # no Latin letters (Cyrillic, say): the search index's folding to Latin
        from .search import fold_name

        words = _ascii_words(fold_name(text))
    words = words[:_SLUG_WORDS]
    base = "-".join(words)[:_SLUG_CHARS].strip("-") or fallback
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _ascii_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def _fill_slugs(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Give every entity whose slug was left blank one made from its name, title or text (unique)."""
    used: dict[str, set[str]] = {s: set() for s in SECTIONS}
    for section in SECTIONS:
        for item in data.get(section) or ():
            if isinstance(item, dict) and isinstance(item.get("slug"), str) and item["slug"]:
                used[section].add(item["slug"])
    for section in SECTIONS:
        items = data.get(section)
        if not isinstance(items, list):
            continue
        table = section
        for item in items:
            if not isinstance(item, dict) or item.get("slug") not in (None, ""):
                continue
            if section == "statements":
                source = f"{item.get('speaker') or ''} {item.get('text') or ''}"
            else:
                source = str(item.get("name") or item.get("title") or "")
            if not source.strip() or not isinstance(source, str):
                continue  # nothing to make it from: validation names the missing field

            def taken(slug: str, section: str = section, table: str = table) -> bool:
                if slug in used[section]:
                    return True
                return conn.execute(f"SELECT 1 FROM {table} WHERE slug = ?", (slug,)).fetchone() is not None

            slug = make_slug(source, taken, fallback=KIND_OF[section])
            used[section].add(slug)
            item["slug"] = slug


# ----------------------------------------------------------------------------- reading what was saved


def read_document(
    conn: sqlite3.Connection, text: str, file: str, *, mode: Mode, expect: tuple[str, str] | None
) -> LoadedBundle:
    """Parse and validate a saved document (the importer's checks, the importer's messages), blank slugs filled."""
    if not text.endswith(("\n", "\r")):
        text += "\n"  # the in-app editor may leave the last line open; a file from an editor has it
    data, lines = parse_text(text, file, "yaml")
    if data is None:
        raise BundleError([Problem(file, 1, "", "the document is empty")])
    if not isinstance(data, dict):
        raise BundleError([Problem(file, 1, "", "a document must be a mapping of sections (actors, measures, ...)")])
    problems: list[Problem] = []
    if mode != "bundle":
        if "dossier" in data:
            problems.append(Problem(file, lines.get(("dossier",)), "dossier", "a document holds entities only"))
        entities = [(s, i) for s in SECTIONS if isinstance(data.get(s), list) for i in range(len(data[s]))]
        wanted = SECTION_OF[expect[0]] if expect else None
        if len(entities) != 1 or (wanted is not None and entities[0][0] != wanted):
            what = f"one {expect[0]}" if expect else "one entity"
            problems.append(Problem(file, 1, "", f"the document must hold {what}, and nothing else"))
    if problems:
        raise BundleError(problems)
    if mode != "edit":
        _fill_slugs(conn, data)
    loaded = validate_data(data, file, lines)
    if expect is not None:
        kind, slug = expect
        entity = getattr(loaded.bundle, SECTION_OF[kind])[0]
        if entity.slug != slug:
            path = (SECTION_OF[kind], 0, "slug")
            raise BundleError(
                [Problem(file, loaded.line_of(path), f"{SECTION_OF[kind]}.0.slug",
                         f"the slug cannot be changed by an edit (it is {slug!r}); add a new {kind} with `a` instead")]
            )
    return loaded


def _referenced(loaded: LoadedBundle) -> dict[str, set[str]]:
    """Every slug the bundle refers to, by section: the only ones looked up in the dossier."""
    refs: dict[str, set[str]] = {"actors": set(), "sources": set(), "measures": set()}
    b = loaded.bundle
    for a in b.actors:
        refs["actors"].add(a.affiliation or "")
    for m in b.measures:
        refs["actors"].update((m.imposed_by or "", m.target or ""))
        refs["sources"].add(m.source or "")
        for link in m.in_response_to:
            refs["measures"].add(link.measure)
            refs["actors"].add(link.asserted_by or "")
        refs["actors"].update(c.affects or "" for c in m.consequences)
    for s in b.statements:
        refs["actors"].add(s.speaker)
        refs["sources"].add(s.source or "")
        refs["measures"].update(a.measure for a in s.about)
    for e in b.events:
        refs["sources"].add(e.source or "")
        refs["actors"].update(e.participants)
    return {section: slugs - {""} for section, slugs in refs.items()}


def _known(conn: sqlite3.Connection, loaded: LoadedBundle) -> dict[str, set[str]]:
    """The referenced slugs the dossier holds (index lookups, not a walk of every slug: a million-row dossier)."""
    known: dict[str, set[str]] = {}
    for section, slugs in _referenced(loaded).items():
        found: set[str] = set()
        ordered = sorted(slugs)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(r[0] for r in conn.execute(f"SELECT slug FROM {section} WHERE slug IN ({marks})", chunk))
        known[section] = found
    return known


def _entities(loaded: LoadedBundle) -> list[tuple[str, str]]:
    b = loaded.bundle
    return [(KIND_OF[section], entity.slug) for section in SECTIONS for entity in getattr(b, section)]


# ----------------------------------------------------------------------------- the one transaction


def _document(conn: sqlite3.Connection, kind: str, slug: str) -> dict[str, Any] | None:
    entity_id = entity_id_of(conn, kind, slug)
    if entity_id is None:
        return None
    return bundle_data(entity_document(conn, kind, entity_id))


def _merged(docs: Iterable[dict[str, Any] | None]) -> dict[str, Any] | None:
    out: dict[str, list[Any]] = {}
    for doc in docs:
        for section, items in (doc or {}).items():
            out.setdefault(section, []).extend(items)
    if not out:
        return None
    return {section: out[section] for section in SECTIONS if section in out}


def _dumps(doc: dict[str, Any] | None) -> str | None:
    return None if doc is None else json.dumps(doc, ensure_ascii=False, sort_keys=False)


@dataclass
class _Change:
    """What one transaction writes: a bundle to import, entities to delete, and how to record it."""

    origin: str
    action: str
    loaded: LoadedBundle | None = None
    deletes: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    check: Callable[[sqlite3.Connection, dict[tuple[str, str], dict[str, Any] | None]], None] | None = None
    """Run under the write lock with the documents before: raises to refuse (a revert's conflicts)."""
    refuse_existing: bool = False
    """A new entity: a slug the dossier already holds is refused, not updated."""


def _open_for_write(path: Path, busy_seconds: float) -> sqlite3.Connection:
    conn = connect_existing(path, write=True, check_seconds=0)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
    return conn


def _commit(path: Path, change: _Change, busy_seconds: float) -> Saved:
    path = Path(path)
    conn = _open_for_write(path, busy_seconds)
    try:
        migration = migrate_for_write(conn, path)
        conn.execute("BEGIN IMMEDIATE")
        try:
            saved = _in_transaction(conn, change)
            if migration is not None:
                saved = replace(saved, migrated=migration.summary(path))
            if saved.changed:
                conn.execute("COMMIT")
            else:
                conn.execute("ROLLBACK")
            return saved
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.DatabaseError as exc:  # busy, read-only, a full disk: one line, the file as it was
        raise StoreError(explain(path, exc)) from None
    finally:
        conn.close()


def _in_transaction(conn: sqlite3.Connection, change: _Change) -> Saved:
    writes = _entities(change.loaded) if change.loaded is not None else []
    keys = list(dict.fromkeys([*writes, *change.deletes]))
    before = {key: _document(conn, *key) for key in keys}
    if change.refuse_existing:
        problems = [
            Problem(change.loaded.file if change.loaded else "", None, f"{SECTION_OF[k]}.slug",
                    f"duplicate slug {s!r}: the dossier has a {k} with it (edit that one with `e`)")
            for (k, s) in writes
            if before[(k, s)] is not None
        ]
        if problems:
            raise BundleError(problems)
    if change.check is not None:
        change.check(conn, before)
    touched: dict[str, set[int]] = {"actor": set(), "measure": set(), "consequence": set(), "event": set()}
    old_consequences = _consequence_ids(conn, [s for k, s in keys if k == "measure"])
    if change.loaded is not None:
        problems = check_references([change.loaded], _known(conn, change.loaded))
        if problems:
            raise BundleError(problems)
        ensure_index_triggers(conn)
        _write(conn, [change.loaded], check_all=False)
    for deleted_kind, deleted_slug in change.deletes:
        _delete(conn, deleted_kind, deleted_slug, touched)
    # Consequences an edit or a delete removed leave the entity index too (the importer keeps what it writes).
    gone = old_consequences - _consequence_ids(conn, [s for k, s in keys if k == "measure"])
    touched["consequence"] |= gone
    refresh_entity_index(conn, touched)
    after = {key: _document(conn, *key) for key in keys}
    kind: str | None = keys[0][0] if len(keys) == 1 else None
    slug: str | None = keys[0][1] if len(keys) == 1 else None
    if before == after:
        return Saved(changed=False, kind=kind, slug=slug)
    edit_id = record_edit(
        conn,
        origin=change.origin,
        action=change.action,
        kind=kind,
        slug=slug,
        before=_dumps(_merged(before[key] for key in keys)),
        after=_dumps(_merged(after[key] for key in keys)),
        note=change.note,
    )
    return Saved(changed=True, edit_id=edit_id, kind=kind, slug=slug, action=change.action)


def _consequence_ids(conn: sqlite3.Connection, measure_slugs: list[str]) -> set[int]:
    ids: set[int] = set()
    for slug in measure_slugs:
        ids.update(
            r[0]
            for r in conn.execute(
                "SELECT c.id FROM consequences c JOIN measures m ON m.id = c.measure_id WHERE m.slug = ?", (slug,)
            )
        )
    return ids


def prepare_for_write(path: Path) -> str | None:
    """Before a browser opens `path` for writing: an older schema is migrated after a backup copy.

    Returns the line saying so, or None (already current). A newer file, or
    one that is not a dossier, is a `StoreError`.
    """
    path = Path(path)
    conn = _open_for_write(path, WRITE_BUSY_SECONDS)
    try:
        migration = migrate_for_write(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    finally:
        conn.close()
    return None if migration is None else migration.summary(path)


# ----------------------------------------------------------------------------- save, add


def apply_text(
    path: Path,
    text: str,
    *,
    origin: Origin = "edit",
    mode: Mode = "edit",
    expect: tuple[str, str] | None = None,
    file: str = "document",
    busy_seconds: float = WRITE_BUSY_SECONDS,
    note: str | None = None,
) -> Saved:
    """Save a document the user wrote (see the module docstring); `BundleError` lists its problems.

    `note` is kept with the edit in the audit trail (`dossier history` shows it).
    """
    if mode == "edit" and expect is None:
        raise ValueError("an edit names the entity it edits (expect)")
    path = Path(path)
    conn = _open_for_write(path, busy_seconds)
    try:
        loaded = read_document(conn, text, file, mode=mode, expect=expect)  # slugs made before the write lock
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    finally:
        conn.close()
    action = "add" if mode == "add" else "change"
    change = _Change(origin=origin, action=action, loaded=loaded, refuse_existing=mode == "add", note=note)
    return _commit(path, change, busy_seconds)


def import_as_edit(
    path: Path,
    text: str,
    *,
    origin: Origin = "browser",
    file: str = "draft",
    busy_seconds: float = WRITE_BUSY_SECONDS,
    note: str | None = None,
) -> Saved:
    """Import any bundle document as one recorded edit (a reviewed draft): upserts by slug, like `dossier import`."""
    return apply_text(path, text, origin=origin, mode="bundle", file=file, busy_seconds=busy_seconds, note=note)


# ----------------------------------------------------------------------------- delete


_REFERRERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # kind: (table, column, what it is called)
    "actor": (
        ("statements", "speaker_id", "statement"),
        ("measures", "imposed_by_id", "measure"),
        ("measures", "target_id", "measure"),
        ("measure_links", "asserted_by_id", "response link"),
        ("consequences", "affects_id", "consequence"),
        ("actors", "affiliation_id", "actor"),
        ("event_actors", "actor_id", "event"),
    ),
    "measure": (
        ("statement_measures", "measure_id", "statement"),
        ("measure_links", "responds_to_id", "measure"),
    ),
    "source": (
        ("statements", "source_id", "statement"),
        ("measures", "source_id", "measure"),
        ("events", "source_id", "event"),
    ),
    "statement": (),
    "event": (),
}
"""What keeps an entity from being deleted: rows elsewhere that refer to it (its own children go with it)."""

_REFERRER_SLUG = {
    "statements": "SELECT slug FROM statements WHERE {col} = ? LIMIT 3",
    "measures": "SELECT slug FROM measures WHERE {col} = ? LIMIT 3",
    "measure_links": (
        "SELECT m.slug FROM measure_links l JOIN measures m ON m.id = l.measure_id WHERE l.{col} = ? LIMIT 3"
    ),
    "consequences": "SELECT slug FROM consequences WHERE {col} = ? LIMIT 3",
    "actors": "SELECT slug FROM actors WHERE {col} = ? LIMIT 3",
    "event_actors": "SELECT e.slug FROM event_actors a JOIN events e ON e.id = a.event_id WHERE a.{col} = ? LIMIT 3",
    "statement_measures": (
        "SELECT s.slug FROM statement_measures a JOIN statements s ON s.id = a.statement_id WHERE a.{col} = ? LIMIT 3"
    ),
    "events": "SELECT slug FROM events WHERE {col} = ? LIMIT 3",
}


def referrers(conn: sqlite3.Connection, kind: str, entity_id: int) -> list[str]:
    """What refers to the entity, one phrase per kind of reference (`2 statements (a, b)`); empty: none."""
    out: list[str] = []
    for table, column, noun in _REFERRERS[kind]:
        (count,) = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (entity_id,)).fetchone()
        if count:
            slugs = [r[0] for r in conn.execute(_REFERRER_SLUG[table].format(col=column), (entity_id,))]
            more = ", ..." if count > len(slugs) else ""
            how = {"imposed_by_id": " imposed by it", "target_id": " against it", "affiliation_id": " affiliated"}
            out.append(f"{count} {noun}{'s' if count != 1 else ''}{how.get(column, '')} ({', '.join(slugs)}{more})")
    return out


def _delete(conn: sqlite3.Connection, kind: str, slug: str, touched: dict[str, set[int]]) -> None:
    entity_id = entity_id_of(conn, kind, slug)
    if entity_id is None:
        raise StoreError(f"{kind}/{slug}: not in the dossier (deleted meanwhile?)")
    found = referrers(conn, kind, entity_id)
    if found:
        raise StoreError(f"{kind}/{slug} cannot be deleted: {'; '.join(found)} refer to it")
    if kind in touched:
        touched[kind].add(entity_id)
    conn.execute(f"DELETE FROM {ENTITY_TABLES[kind]} WHERE id = ?", (entity_id,))  # its children go by CASCADE


def delete_plan(path: Path, kind: str, entity_id: int) -> tuple[str, list[str]]:
    """What `D` would delete, in words (`statement/x with its 2 links to measures`), and what refers to it.

    Read on a read-only connection of its own: nothing is written. An empty
    list of referrers means the deletion can go ahead.
    """
    path = Path(path)
    conn = connect_existing(path, check_seconds=0)
    try:
        if kind == "consequence":
            row = conn.execute(
                "SELECT c.slug, m.slug FROM consequences c JOIN measures m ON m.id = c.measure_id WHERE c.id = ?",
                (entity_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"no consequence with id {entity_id}")
            return f"consequence/{row[0]} of measure/{row[1]}", []
        if kind not in DOCUMENT_KINDS:
            raise StoreError(f"a {kind} cannot be deleted")
        bundle = entity_document(conn, kind, entity_id)
        found = referrers(conn, kind, entity_id)
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    finally:
        conn.close()
    entity = getattr(bundle, SECTION_OF[kind])[0]
    counts = {
        "alias": len(getattr(entity, "aliases", ())),
        "response link": len(getattr(entity, "in_response_to", ())),
        "consequence": len(getattr(entity, "consequences", ())),
        "link to a measure": len(getattr(entity, "about", ())),
        "participant": len(getattr(entity, "participants", ())),
    }
    plural = {"alias": "aliases", "response link": "response links", "consequence": "consequences",
              "link to a measure": "links to measures", "participant": "participants"}
    children = [f"{n} {what if n == 1 else plural[what]}" for what, n in counts.items() if n]
    return f"{kind}/{entity.slug}" + (f" with its {', '.join(children)}" if children else ""), found


def delete_entity(
    path: Path, kind: str, slug: str, *, origin: Origin = "edit", busy_seconds: float = WRITE_BUSY_SECONDS
) -> Saved:
    """Delete one entity and its children as one recorded edit; refused (`StoreError`) when something refers to it."""
    path = Path(path)
    if kind == "consequence":
        return _delete_consequence(path, slug, origin=origin, busy_seconds=busy_seconds)
    if kind not in DOCUMENT_KINDS:
        raise StoreError(f"a {kind} cannot be deleted")
    return _commit(path, _Change(origin=origin, action="delete", deletes=((kind, slug),)), busy_seconds)


def _delete_consequence(path: Path, slug: str, *, origin: Origin, busy_seconds: float) -> Saved:
    """A consequence goes as an edit of its measure: the measure's document without it."""
    conn = _open_for_write(path, busy_seconds)
    try:
        row = conn.execute("SELECT id, position FROM consequences WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            raise StoreError(f"consequence/{slug}: not in the dossier (deleted meanwhile?)")
        kind, measure_id = document_kind(conn, "consequence", int(row[0]))
        bundle = entity_document(conn, kind, measure_id)
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    finally:
        conn.close()
    measure = bundle.measures[0]
    data = bundle_data(bundle)
    consequences = data["measures"][0]["consequences"]
    for item, model in zip(consequences, measure.consequences, strict=True):
        item["slug"] = model.slug  # every slug kept as it is: a default one would follow its new position
    del consequences[int(row[1]) - 1]
    if not consequences:
        del data["measures"][0]["consequences"]
    loaded = validate_data(data, f"measure/{measure.slug}", {})
    return _commit(
        path,
        _Change(origin=origin, action="change", loaded=loaded, note=f"deleted consequence {slug}"),
        busy_seconds,
    )


# ----------------------------------------------------------------------------- revert


def revert_edit(path: Path, edit_id: int, *, busy_seconds: float = WRITE_BUSY_SECONDS) -> Saved:
    """Undo edit `edit_id` as a new edit (origin `revert`): the entities it wrote go back to how they were."""
    path = Path(path)
    conn = _open_for_write(path, busy_seconds)
    try:
        has_trail = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'edits'").fetchone()
        row = (
            conn.execute("SELECT origin, before, after FROM edits WHERE id = ?", (edit_id,)).fetchone()
            if has_trail
            else None
        )
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    finally:
        conn.close()
    if row is None:
        raise StoreError(f"no edit {edit_id} in {path.name} (`dossier history` lists them)")
    origin, before_json, after_json = row
    if origin == "import":
        raise StoreError(f"edit {edit_id} is an import: its entry keeps counts, not contents, so it cannot be reverted")
    before: dict[str, Any] = json.loads(before_json) if before_json else {}
    after: dict[str, Any] = json.loads(after_json) if after_json else {}

    def keyed(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(KIND_OF[s], item["slug"]): {s: [item]} for s in SECTIONS for item in doc.get(s, [])}

    was, became = keyed(before), keyed(after)
    restore = {key: doc for key, doc in was.items()}
    deletes = tuple(reversed([key for key in became if key not in was]))  # what refers first, what it names after

    def check(conn: sqlite3.Connection, now: dict[tuple[str, str], dict[str, Any] | None]) -> None:
        changed = [f"{k}/{s}" for (k, s) in [*was, *became] if now.get((k, s)) != became.get((k, s))]
        if changed:
            raise StoreError(
                f"{', '.join(dict.fromkeys(changed))} changed after edit {edit_id}; revert the later edits first"
                " (`dossier history`)"
            )

    restored = _merged(restore.values())
    loaded = validate_data(restored, f"edit {edit_id}", {}) if restored is not None else None
    action = "add" if not became else "delete" if not was else "change"
    change = _Change(
        origin="revert", action=action, loaded=loaded, deletes=deletes, note=f"reverts edit {edit_id}", check=check
    )
    return _commit(path, change, busy_seconds)

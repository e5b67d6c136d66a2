"""One entity as a bundle, with its children: what `e` and `dossier edit` open, and what the audit trail keeps.

An actor comes with its aliases, a measure with its response links and
consequences, a statement with the measures it is about, an event with its
participants; a source is alone. A consequence is part of its measure, so its
document is the measure's. References are slugs, as in any bundle, and the
fields are those `dossier export` writes (`bundle_data`, `dump_bundle`), so the
document imports back to exactly the entity it came from.

Point queries by primary key and indexed slugs only: the cost does not grow
with the dossier. Like `export.py` it builds the pydantic models of
`dossier.models`, imported only when a document is asked for.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from .base import ENTITY_TABLES, StoreBase

if TYPE_CHECKING:
    from ..models import Bundle

DOCUMENT_KINDS = ("actor", "measure", "statement", "event", "source")
"""The kinds of entity a document holds (a consequence is edited as part of its measure)."""

SECTION_OF = {
    "actor": "actors", "measure": "measures", "statement": "statements", "event": "events", "source": "sources",
}
"""The bundle section each kind of document stands in."""


def _clean(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _slug(conn: sqlite3.Connection, table: str, row_id: int | None) -> str | None:
    if row_id is None:
        return None
    row = conn.execute(f"SELECT slug FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return None if row is None else str(row[0])


def document_kind(conn: sqlite3.Connection, kind: str, entity_id: int) -> tuple[str, int]:
    """The (kind, id) whose document holds this entity: a consequence's is its measure."""
    if kind == "consequence":
        row = conn.execute("SELECT measure_id FROM consequences WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise StoreError(f"no consequence with id {entity_id}")
        return "measure", int(row[0])
    if kind not in SECTION_OF:
        raise StoreError(f"a {kind} cannot be edited on its own")
    return kind, entity_id


def entity_id_of(conn: sqlite3.Connection, kind: str, slug: str) -> int | None:
    row = conn.execute(f"SELECT id FROM {ENTITY_TABLES[kind]} WHERE slug = ?", (slug,)).fetchone()
    return None if row is None else int(row[0])


def entity_document(conn: sqlite3.Connection, kind: str, entity_id: int) -> Bundle:
    """The entity (`DOCUMENT_KINDS`) as a bundle of one, with its children; a `StoreError` if it is not there."""
    from ..models import (  # the bundle models (pydantic) only when a document is asked for
        Actor,
        Alias,
        Bundle,
        Consequence,
        Event,
        Measure,
        ResponseLink,
        Source,
        Statement,
        StatementAbout,
    )

    table = ENTITY_TABLES[kind]
    if kind == "source":
        r = conn.execute("SELECT slug, title, outlet, url, published, note FROM sources WHERE id = ?", (entity_id,))
        row = r.fetchone()
        if row is None:
            raise StoreError(f"no {kind} with id {entity_id}")
        source = Source(**_clean(slug=row[0], title=row[1], outlet=row[2], url=row[3], published=row[4], note=row[5]))
        return Bundle(sources=(source,))
    if kind == "actor":
        row = conn.execute(
            "SELECT slug, name, kind, role, affiliation_id, country, description FROM actors WHERE id = ?", (entity_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with id {entity_id}")
        aliases = tuple(
            Alias(**_clean(name=name, lang=lang))
            for name, lang in conn.execute(
                "SELECT name, lang FROM aliases WHERE actor_id = ? ORDER BY id", (entity_id,)
            )
        )
        actor = Actor(
            **_clean(
                slug=row[0], name=row[1], kind=row[2], role=row[3], affiliation=_slug(conn, "actors", row[4]),
                country=row[5], description=row[6], aliases=aliases,
            )
        )
        return Bundle(actors=(actor,))
    if kind == "measure":
        row = conn.execute(
            "SELECT slug, title, kind, imposed_by_id, target_id, quantity, announced, effective, status,"
            " description, source_id FROM measures WHERE id = ?",
            (entity_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with id {entity_id}")
        links = tuple(
            ResponseLink(**_clean(measure=_slug(conn, "measures", to), asserted_by=_slug(conn, "actors", by)))
            for to, by in conn.execute(
                "SELECT responds_to_id, asserted_by_id FROM measure_links WHERE measure_id = ? ORDER BY id",
                (entity_id,),
            )
        )
        consequences = tuple(
            Consequence(**_clean(slug=c[0], description=c[1], affects=_slug(conn, "actors", c[2]), due=c[3],
                                 certainty=c[4]))
            for c in conn.execute(
                "SELECT slug, description, affects_id, due, certainty FROM consequences WHERE measure_id = ?"
                " ORDER BY position",
                (entity_id,),
            )
        )
        measure = Measure(
            **_clean(
                slug=row[0], title=row[1], kind=row[2], imposed_by=_slug(conn, "actors", row[3]),
                target=_slug(conn, "actors", row[4]), quantity=row[5], announced=row[6], effective=row[7],
                status=row[8], description=row[9], source=_slug(conn, "sources", row[10]),
                in_response_to=links, consequences=consequences,
            )
        )
        return Bundle(measures=(measure,))
    if kind == "statement":
        row = conn.execute(
            "SELECT slug, speaker_id, speaker_role, text, kind, lang, said, via, source_id"
            " FROM statements WHERE id = ?",
            (entity_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with id {entity_id}")
        about = tuple(
            StatementAbout(measure=str(_slug(conn, "measures", m)), stance=stance)
            for m, stance in conn.execute(
                "SELECT measure_id, stance FROM statement_measures WHERE statement_id = ? ORDER BY rowid", (entity_id,)
            )
        )
        statement = Statement(
            **_clean(
                slug=row[0], speaker=_slug(conn, "actors", row[1]), speaker_role=row[2], text=row[3], kind=row[4],
                lang=row[5], said=row[6], via=row[7], source=_slug(conn, "sources", row[8]), about=about,
            )
        )
        return Bundle(statements=(statement,))
    if kind == "event":
        row = conn.execute(
            f"SELECT slug, title, date, place, description, source_id FROM {table} WHERE id = ?", (entity_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with id {entity_id}")
        participants = tuple(
            str(_slug(conn, "actors", a))
            for (a,) in conn.execute(
                "SELECT actor_id FROM event_actors WHERE event_id = ? ORDER BY rowid", (entity_id,)
            )
        )
        event = Event(
            **_clean(
                slug=row[0], title=row[1], date=row[2], place=row[3], description=row[4],
                source=_slug(conn, "sources", row[5]), participants=participants,
            )
        )
        return Bundle(events=(event,))
    raise StoreError(f"a {kind} cannot be edited on its own")


class DocumentQueries(StoreBase):
    """`entity_document`: one entity as a bundle, for the editor."""

    def entity_document(self, kind: str, entity_id: int) -> Bundle:
        """The document that holds the entity (a consequence: its measure's), as a bundle of one."""
        with self._cursor() as conn:
            kind, entity_id = document_kind(conn, kind, entity_id)
            return entity_document(conn, kind, entity_id)

"""The whole dossier as a bundle (`dossier export`), in insertion order, ready to import elsewhere.

Export is the one read that walks whole tables: it is what the user asked
for. It builds the bundle models of `dossier.models` (pydantic), imported here
only when an export runs: the browser never needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import StoreBase
from .connection import dossier_identity

if TYPE_CHECKING:
    from ..models import Bundle


class ExportQueries(StoreBase):
    """`export_bundle`."""

    def export_bundle(self) -> Bundle:
        """The whole dossier as a bundle, in insertion order, ready to import elsewhere."""
        from ..models import (  # the bundle models (pydantic) only for export: the browser never needs them
            Actor,
            Alias,
            Bundle,
            Consequence,
            DossierInfo,
            Event,
            Measure,
            ResponseLink,
            Source,
            Statement,
            StatementAbout,
        )

        with self._cursor() as conn:
            meta = dict(conn.execute("SELECT key, value FROM dossier_meta").fetchall())
            meta["identity"] = dossier_identity(conn)  # a file made before schema 2: the derived one
            slug_of: dict[str, dict[int, str]] = {
                table: dict(conn.execute(f"SELECT id, slug FROM {table}").fetchall())
                for table in ("actors", "sources", "measures", "statements", "events")
            }
            actor, source, measure = slug_of["actors"], slug_of["sources"], slug_of["measures"]

            def opt(table: dict[int, str], key: int | None) -> str | None:
                return table[key] if key is not None else None

            def grouped(sql: str) -> dict[int, list[tuple[Any, ...]]]:
                out: dict[int, list[tuple[Any, ...]]] = {}
                for row in conn.execute(sql):
                    out.setdefault(row[0], []).append(tuple(row[1:]))
                return out

            aliases = grouped("SELECT actor_id, name, lang FROM aliases ORDER BY id")
            links = grouped("SELECT measure_id, responds_to_id, asserted_by_id FROM measure_links ORDER BY id")
            consequences = grouped(
                "SELECT measure_id, slug, description, affects_id, due, certainty FROM consequences"
                " ORDER BY measure_id, position"
            )
            abouts = grouped("SELECT statement_id, measure_id, stance FROM statement_measures ORDER BY rowid")
            participants = grouped("SELECT event_id, actor_id FROM event_actors ORDER BY rowid")

            def clean(**fields: Any) -> dict[str, Any]:
                return {k: v for k, v in fields.items() if v is not None}

            sources = [
                Source(**clean(slug=r[0], title=r[1], outlet=r[2], url=r[3], published=r[4], note=r[5]))
                for r in conn.execute("SELECT slug, title, outlet, url, published, note FROM sources ORDER BY id")
            ]
            actors = [
                Actor(
                    **clean(
                        slug=r[1],
                        name=r[2],
                        kind=r[3],
                        role=r[4],
                        affiliation=opt(actor, r[5]),
                        country=r[6],
                        description=r[7],
                        aliases=tuple(Alias(**clean(name=n, lang=lang)) for n, lang in aliases.get(r[0], [])),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, name, kind, role, affiliation_id, country, description FROM actors ORDER BY id"
                )
            ]
            measures = [
                Measure(
                    **clean(
                        slug=r[1],
                        title=r[2],
                        kind=r[3],
                        imposed_by=opt(actor, r[4]),
                        target=opt(actor, r[5]),
                        quantity=r[6],
                        announced=r[7],
                        effective=r[8],
                        status=r[9],
                        description=r[10],
                        source=opt(source, r[11]),
                        in_response_to=tuple(
                            ResponseLink(**clean(measure=measure[to], asserted_by=opt(actor, by)))
                            for to, by in links.get(r[0], [])
                        ),
                        consequences=tuple(
                            Consequence(
                                **clean(slug=c[0], description=c[1], affects=opt(actor, c[2]), due=c[3], certainty=c[4])
                            )
                            for c in consequences.get(r[0], [])
                        ),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, title, kind, imposed_by_id, target_id, quantity, announced, effective, status,"
                    " description, source_id FROM measures ORDER BY id"
                )
            ]
            statements = [
                Statement(
                    **clean(
                        slug=r[1],
                        speaker=actor[r[2]],
                        speaker_role=r[3],
                        text=r[4],
                        kind=r[5],
                        lang=r[6],
                        said=r[7],
                        via=r[8],
                        source=opt(source, r[9]),
                        about=tuple(
                            StatementAbout(measure=measure[m], stance=stance) for m, stance in abouts.get(r[0], [])
                        ),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, speaker_id, speaker_role, text, kind, lang, said, via, source_id"
                    " FROM statements ORDER BY id"
                )
            ]
            events = [
                Event(
                    **clean(
                        slug=r[1],
                        title=r[2],
                        date=r[3],
                        place=r[4],
                        description=r[5],
                        source=opt(source, r[6]),
                        participants=tuple(actor[a] for (a,) in participants.get(r[0], [])),
                    )
                )
                for r in conn.execute(
                    "SELECT id, slug, title, date, place, description, source_id FROM events ORDER BY id"
                )
            ]
        info = DossierInfo(
            **clean(identity=meta["identity"], title=meta.get("title"), description=meta.get("description"))
        )
        return Bundle(
            dossier=info,
            sources=tuple(sources),
            actors=tuple(actors),
            measures=tuple(measures),
            statements=tuple(statements),
            events=tuple(events),
        )

"""The one door to the data: opens dossier databases and runs every read query.

No Textual here. Every function returns models from `dossier.models`, never
rows or cursors, and raises `StoreError` with a one-line reason. Lists are
bounded: each takes a limit and a keyset cursor (or, for short lists, an
offset). The browser opens the file read-only (`mode=ro` URI built with
`Path.as_uri()`, so `?` and `#` in a path stay part of the name, plus
`PRAGMA query_only`), so browsing never changes a byte of it. Writes live in
`dossier.importer`.

`Store` is safe to share with thread workers: one connection, one lock, rows
materialised inside the lock.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from .models import (
    ACTOR_KINDS,
    Actor,
    ActorDetail,
    ActorItem,
    ActorRef,
    Alias,
    AliasItem,
    Bundle,
    Consequence,
    ConsequenceItem,
    DossierInfo,
    DossierSummary,
    Event,
    EventItem,
    LinkItem,
    Measure,
    MeasureDetail,
    MeasureItem,
    MeasureRef,
    ResponseLink,
    SearchHit,
    Source,
    SourceItem,
    StanceItem,
    Statement,
    StatementAbout,
    StatementAboutItem,
    StatementDetail,
    StatementItem,
)

SCHEMA_VERSION = 1
"""The schema this code reads and writes (PRAGMA user_version of db/schema.sql)."""

_SQLITE_HEADER = b"SQLite format 3\x00"
EntityKind = Literal["actor", "statement", "measure", "source", "event", "consequence"]
ENTITY_TABLES: dict[str, str] = {
    "actor": "actors",
    "statement": "statements",
    "measure": "measures",
    "source": "sources",
    "event": "events",
    "consequence": "consequences",
}


class StoreError(Exception):
    """A database that cannot be opened or read, with a one-line reason."""


# --------------------------------------------------------------------------- opening


def _check_file(path: Path) -> None:
    if not path.exists():
        raise StoreError(f"{path}: no such file (create one with `dossier init {path}`)")
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a dossier database")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if header != _SQLITE_HEADER:
        if not header:
            raise StoreError(f"{path}: is empty, not a dossier database")
        raise StoreError(f"{path}: is not an SQLite database")


def check_schema(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; a non-dossier or a newer schema is refused."""
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        (is_dossier,) = conn.execute(
            "SELECT count(*) FROM sqlite_master"
            " WHERE type = 'table' AND name IN ('actors', 'statements', 'dossier_meta')"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot be read as a database ({exc})") from None
    if is_dossier < 3 or version < 1:
        raise StoreError(f"{path}: is an SQLite database but not a dossier")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: has schema version {version}, newer than this Dossier reads ({SCHEMA_VERSION}); upgrade Dossier"
        )
    return int(version)


def connect_existing(path: Path, *, write: bool = False) -> sqlite3.Connection:
    """Open an existing dossier file; never creates one. Read-only unless `write`."""
    path = Path(path)
    _check_file(path)
    mode = "rw" if write else "ro"
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
        )
        if write:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
        else:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 2000")
        check_schema(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot be opened ({exc})") from None
    return conn


def known_slugs(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Slugs a bundle may reference without defining: actors, sources and measures already stored."""
    return {
        section: {slug for (slug,) in conn.execute(f"SELECT slug FROM {section}")}
        for section in ("actors", "sources", "measures")
    }


# --------------------------------------------------------------------------- search helpers

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """What a user typed, as a safe FTS5 query: every word a quoted prefix, all required.

    Nothing the user types reaches FTS5 as syntax: words are taken with `\\w+`
    and each is double-quoted, so `AND`, `NEAR(`, `*`, `"` and `-` are only text.
    """
    words = _WORD.findall(text.encode("utf-8", "replace").decode("utf-8"))[:32]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def _segments(snippet: str | None) -> tuple[tuple[str, bool], ...]:
    """Split an FTS snippet with U+E000/U+E001 markers into (text, matched) segments."""
    if not snippet:
        return ()
    out: list[tuple[str, bool]] = []
    for part in re.split("(\ue000[^\ue001]*\ue001)", snippet):
        if not part:
            continue
        if part.startswith("\ue000"):
            out.append((part[1:-1], True))
        else:
            out.append((part, False))
    return tuple(out)


# --------------------------------------------------------------------------- the store


def parse_ref(ref: str) -> tuple[str | None, str]:
    """`zakharova` -> (None, 'zakharova'); `actor/zakharova` -> ('actor', 'zakharova')."""
    kind, sep, slug = ref.strip().partition("/")
    if not sep:
        return None, kind
    kind = kind.lower().rstrip("s")
    if kind not in ENTITY_TABLES:
        raise StoreError(f"{ref!r}: unknown kind {kind!r} (use one of {', '.join(ENTITY_TABLES)})")
    return kind, slug


_ACTOR_REF = "{a}.id, {a}.slug, {a}.name"


def _actor_ref(row: Sequence[Any], start: int) -> ActorRef | None:
    if row[start] is None:
        return None
    return ActorRef(id=row[start], slug=row[start + 1], name=row[start + 2])


class Store:
    """Typed, bounded queries over one open dossier database."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | str, *, write: bool = False) -> Store:
        path = Path(path)
        return cls(connect_existing(path, write=write), path)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _cursor(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.conn
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: {exc}") from None

    def _all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as conn:
            return conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple[Any, ...] | None:
        with self._cursor() as conn:
            row: tuple[Any, ...] | None = conn.execute(sql, params).fetchone()
            return row

    # ----------------------------------------------------------------- summary

    def summary(self) -> DossierSummary:
        title = self._one("SELECT value FROM dossier_meta WHERE key = 'title'")
        counts = {}
        for table in ("actors", "statements", "measures", "consequences", "events", "sources"):
            row = self._one(f"SELECT count(*) FROM {table}")
            counts[table] = int(row[0]) if row else 0
        (version,) = self._one("PRAGMA user_version") or (0,)
        return DossierSummary(title=title[0] if title else self.path.stem, schema_version=version, counts=counts)

    def resolve(self, ref: str) -> tuple[str, int]:
        """A REF (`slug` or `kind/slug`) to (kind, id); bare slugs try actor, measure, statement, then the rest."""
        kind, slug = parse_ref(ref)
        kinds = [kind] if kind else ["actor", "measure", "statement", "event", "source", "consequence"]
        for k in kinds:
            row = self._one(f"SELECT id FROM {ENTITY_TABLES[k]} WHERE slug = ?", (slug,))
            if row:
                return k, int(row[0])
        raise StoreError(f"{ref!r}: nothing with that slug in {self.path.name}")

    # ----------------------------------------------------------------- actors

    _ACTOR_COLS = "id, slug, name, kind, role, country"

    @staticmethod
    def _actor_item(row: Sequence[Any]) -> ActorItem:
        return ActorItem(id=row[0], slug=row[1], name=row[2], kind=row[3], role=row[4], country=row[5])

    def actors(
        self, *, kind: str | None = None, after: tuple[str, int] | None = None, limit: int = 100
    ) -> list[ActorItem]:
        """Actors in name order, from just after the keyset `(name, id)`."""
        where: list[str] = []
        params: list[Any] = []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if after:
            where.append("(name, id) > (?, ?)")
            params.extend(after)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._all(f"SELECT {self._ACTOR_COLS} FROM actors {clause} ORDER BY name, id LIMIT ?", (*params, limit))
        return [self._actor_item(r) for r in rows]

    def actor_count(self, kind: str | None = None) -> int:
        row = self._one("SELECT count(*) FROM actors" + (" WHERE kind = ?" if kind else ""), (kind,) if kind else ())
        return int(row[0]) if row else 0

    def actor(self, actor_id: int) -> ActorItem:
        row = self._one(f"SELECT {self._ACTOR_COLS} FROM actors WHERE id = ?", (actor_id,))
        if row is None:
            raise StoreError(f"no actor with id {actor_id}")
        return self._actor_item(row)

    def actor_detail(self, actor_id: int) -> ActorDetail:
        item = self.actor(actor_id)
        row = self._one(
            "SELECT a.description, f.id, f.slug, f.name FROM actors a LEFT JOIN actors f ON f.id = a.affiliation_id"
            " WHERE a.id = ?",
            (actor_id,),
        )
        assert row is not None
        aliases = self._all("SELECT name, lang FROM aliases WHERE actor_id = ? ORDER BY id", (actor_id,))
        members = self._all(
            "SELECT id, slug, name FROM actors WHERE affiliation_id = ? ORDER BY name, id LIMIT 50", (actor_id,)
        )
        events = self._all(
            "SELECT e.id, e.slug, e.title, e.date, e.place, e.description FROM event_actors ea"
            " JOIN events e ON e.id = ea.event_id WHERE ea.actor_id = ? ORDER BY e.date DESC, e.id DESC LIMIT 20",
            (actor_id,),
        )
        return ActorDetail(
            actor=item,
            description=row[0],
            affiliation=_actor_ref(row, 1),
            aliases=tuple(AliasItem(name=n, lang=lang) for n, lang in aliases),
            members=tuple(ActorRef(id=r[0], slug=r[1], name=r[2]) for r in members),
            statement_count=self.statement_count(actor_id),
            events=tuple(self._event_item(r) for r in events),
        )

    # ----------------------------------------------------------------- statements

    _STATEMENT_COLS = "s.id, s.slug, a.id, a.slug, a.name, s.text, s.kind, s.said, s.via"
    _STATEMENT_FROM = "statements s JOIN actors a ON a.id = s.speaker_id"

    @staticmethod
    def _statement_item(row: Sequence[Any]) -> StatementItem:
        return StatementItem(
            id=row[0],
            slug=row[1],
            speaker=ActorRef(id=row[2], slug=row[3], name=row[4]),
            text=row[5],
            kind=row[6],
            said=row[7],
            via=row[8],
        )

    def statements_by(
        self, actor_id: int, *, before: tuple[str, int] | None = None, limit: int = 100
    ) -> list[StatementItem]:
        """An actor's statements, newest first, from just before the keyset `(said, id)`.

        Undated statements sort as the empty string, i.e. after every dated one.
        """
        params: list[Any] = [actor_id]
        clause = ""
        if before is not None:
            clause = "AND (coalesce(s.said, ''), s.id) < (?, ?)"
            params.extend(before)
        rows = self._all(
            f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM}"
            f" WHERE s.speaker_id = ? {clause} ORDER BY coalesce(s.said, '') DESC, s.id DESC LIMIT ?",
            (*params, limit),
        )
        return [self._statement_item(r) for r in rows]

    def statement_count(self, actor_id: int) -> int:
        row = self._one("SELECT count(*) FROM statements WHERE speaker_id = ?", (actor_id,))
        return int(row[0]) if row else 0

    def statement(self, statement_id: int) -> StatementItem:
        row = self._one(f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE s.id = ?", (statement_id,))
        if row is None:
            raise StoreError(f"no statement with id {statement_id}")
        return self._statement_item(row)

    def statement_detail(self, statement_id: int) -> StatementDetail:
        item = self.statement(statement_id)
        row = self._one("SELECT speaker_role, lang, source_id FROM statements WHERE id = ?", (statement_id,))
        assert row is not None
        about = self._all(
            "SELECT m.id, m.slug, m.title, sm.stance FROM statement_measures sm JOIN measures m ON m.id = sm.measure_id"
            " WHERE sm.statement_id = ? ORDER BY m.announced, m.id",
            (statement_id,),
        )
        return StatementDetail(
            statement=item,
            speaker_role=row[0],
            lang=row[1],
            source=self.source(row[2]) if row[2] is not None else None,
            about=tuple(StanceItem(measure=MeasureRef(id=r[0], slug=r[1], title=r[2]), stance=r[3]) for r in about),
        )

    # ----------------------------------------------------------------- measures

    _MEASURE_COLS = (
        "m.id, m.slug, m.title, m.kind, i.id, i.slug, i.name, t.id, t.slug, t.name, m.quantity, m.announced, m.status"
    )
    _MEASURE_FROM = "measures m LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id"

    @staticmethod
    def _measure_item(row: Sequence[Any], relation: str | None = None) -> MeasureItem:
        return MeasureItem(
            id=row[0],
            slug=row[1],
            title=row[2],
            kind=row[3],
            imposed_by=_actor_ref(row, 4),
            target=_actor_ref(row, 7),
            quantity=row[10],
            announced=row[11],
            status=row[12],
            relation=relation,
        )

    def measure(self, measure_id: int) -> MeasureItem:
        row = self._one(f"SELECT {self._MEASURE_COLS} FROM {self._MEASURE_FROM} WHERE m.id = ?", (measure_id,))
        if row is None:
            raise StoreError(f"no measure with id {measure_id}")
        return self._measure_item(row)

    def measures_for(self, actor_id: int, *, limit: int = 100, offset: int = 0) -> list[MeasureItem]:
        """Measures involving an actor: imposed by it, aimed at it, or named by its statements.

        Newest first; each marked with how it involves the actor (imposed wins over targeted
        over mentioned). "Mentioned" looks at the actor's newest 1,000 statements, so the
        query stays bounded for an actor with a million.
        """
        rows = self._all(
            f"""
            WITH involved(measure_id, relation, rank) AS (
                SELECT id, 'imposed', 1 FROM measures WHERE imposed_by_id = :actor
                UNION ALL
                SELECT id, 'targeted', 2 FROM measures WHERE target_id = :actor
                UNION ALL
                SELECT sm.measure_id, 'mentioned', 3 FROM (
                    SELECT id FROM statements WHERE speaker_id = :actor
                    ORDER BY coalesce(said, '') DESC, id DESC LIMIT 1000
                ) s JOIN statement_measures sm ON sm.statement_id = s.id
            ),
            best AS (
                SELECT measure_id, relation, min(rank) FROM involved GROUP BY measure_id
            )
            SELECT {self._MEASURE_COLS}, best.relation FROM best JOIN measures m ON m.id = best.measure_id
            LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id
            ORDER BY coalesce(m.announced, '') DESC, m.id DESC LIMIT :limit OFFSET :offset
            """,
            {"actor": actor_id, "limit": limit, "offset": offset},
        )
        return [self._measure_item(r, r[13]) for r in rows]

    def measures(self, *, after: tuple[str, int] | None = None, limit: int = 100) -> list[MeasureItem]:
        """All measures, newest first, from just before the keyset `(announced, id)`."""
        clause = ""
        params: list[Any] = []
        if after is not None:
            clause = "WHERE (coalesce(m.announced, ''), m.id) < (?, ?)"
            params.extend(after)
        rows = self._all(
            f"SELECT {self._MEASURE_COLS} FROM {self._MEASURE_FROM} {clause}"
            " ORDER BY coalesce(m.announced, '') DESC, m.id DESC LIMIT ?",
            (*params, limit),
        )
        return [self._measure_item(r) for r in rows]

    def measure_detail(self, measure_id: int) -> MeasureDetail:
        item = self.measure(measure_id)
        row = self._one("SELECT effective, description, source_id FROM measures WHERE id = ?", (measure_id,))
        assert row is not None

        def links(sql: str) -> tuple[LinkItem, ...]:
            return tuple(
                LinkItem(measure=MeasureRef(id=r[0], slug=r[1], title=r[2]), asserted_by=_actor_ref(r, 3))
                for r in self._all(sql, (measure_id,))
            )

        responds_to = links(
            "SELECT m.id, m.slug, m.title, a.id, a.slug, a.name FROM measure_links l"
            " JOIN measures m ON m.id = l.responds_to_id"
            " LEFT JOIN actors a ON a.id = l.asserted_by_id WHERE l.measure_id = ? ORDER BY l.id LIMIT 100"
        )
        answered_by = links(
            "SELECT m.id, m.slug, m.title, a.id, a.slug, a.name FROM measure_links l"
            " JOIN measures m ON m.id = l.measure_id"
            " LEFT JOIN actors a ON a.id = l.asserted_by_id WHERE l.responds_to_id = ? ORDER BY l.id LIMIT 100"
        )
        statements = self._all(
            f"SELECT {self._STATEMENT_COLS}, sm.stance FROM statement_measures sm"
            " JOIN statements s ON s.id = sm.statement_id JOIN actors a ON a.id = s.speaker_id"
            " WHERE sm.measure_id = ?"
            " ORDER BY coalesce(s.said, '') DESC, s.id DESC LIMIT 100",
            (measure_id,),
        )
        return MeasureDetail(
            measure=item,
            effective=row[0],
            description=row[1],
            source=self.source(row[2]) if row[2] is not None else None,
            responds_to=responds_to,
            answered_by=answered_by,
            consequences=tuple(self.consequences_of(measure_id)),
            statements=tuple(StatementAboutItem(statement=self._statement_item(r), stance=r[9]) for r in statements),
        )

    # ----------------------------------------------------------------- consequences, sources, events

    def consequence(self, consequence_id: int) -> ConsequenceItem:
        row = self._one("SELECT measure_id, position FROM consequences WHERE id = ?", (consequence_id,))
        if row is None:
            raise StoreError(f"no consequence with id {consequence_id}")
        return self.consequences_of(row[0], limit=1, offset=row[1] - 1)[0]

    def consequences_of(self, measure_id: int, *, limit: int = 200, offset: int = 0) -> list[ConsequenceItem]:
        rows = self._all(
            "SELECT c.id, c.slug, m.id, m.slug, m.title, c.description, a.id, a.slug, a.name, c.due, c.certainty"
            " FROM consequences c JOIN measures m ON m.id = c.measure_id LEFT JOIN actors a ON a.id = c.affects_id"
            " WHERE c.measure_id = ? ORDER BY c.position LIMIT ? OFFSET ?",
            (measure_id, limit, offset),
        )
        return [
            ConsequenceItem(
                id=r[0],
                slug=r[1],
                measure=MeasureRef(id=r[2], slug=r[3], title=r[4]),
                description=r[5],
                affects=_actor_ref(r, 6),
                due=r[9],
                certainty=r[10],
            )
            for r in rows
        ]

    def source(self, source_id: int) -> SourceItem:
        row = self._one("SELECT id, slug, title, outlet, url, published, note FROM sources WHERE id = ?", (source_id,))
        if row is None:
            raise StoreError(f"no source with id {source_id}")
        return SourceItem(
            id=row[0], slug=row[1], title=row[2], outlet=row[3], url=row[4], published=row[5], note=row[6]
        )

    def _event_item(self, row: Sequence[Any]) -> EventItem:
        people = self._all(
            "SELECT a.id, a.slug, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id"
            " WHERE ea.event_id = ? ORDER BY a.name LIMIT 50",
            (row[0],),
        )
        return EventItem(
            id=row[0],
            slug=row[1],
            title=row[2],
            date=row[3],
            place=row[4],
            description=row[5],
            participants=tuple(ActorRef(id=p[0], slug=p[1], name=p[2]) for p in people),
        )

    def event(self, event_id: int) -> EventItem:
        row = self._one("SELECT id, slug, title, date, place, description FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise StoreError(f"no event with id {event_id}")
        return self._event_item(row)

    # ----------------------------------------------------------------- names (palette)

    def find_by_name(self, text: str, *, limit: int = 20) -> list[tuple[str, int, str, str]]:
        """Actors, measures and statements whose name, title, slug or text contains `text`.

        Returns (kind, id, slug, label). A plain substring match (LIKE with escaped
        wildcards), bounded by `limit` per kind.
        """
        needle = text.strip()
        if not needle:
            return []
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found: list[tuple[str, int, str, str]] = []
        for kind, sql in (
            (
                "actor",
                "SELECT DISTINCT a.id, a.slug, a.name FROM actors a LEFT JOIN aliases al ON al.actor_id = a.id"
                " WHERE a.name LIKE :p ESCAPE '\\' OR a.slug LIKE :p ESCAPE '\\' OR al.name LIKE :p ESCAPE '\\'"
                " ORDER BY a.name LIMIT :n",
            ),
            (
                "measure",
                "SELECT id, slug, title FROM measures WHERE title LIKE :p ESCAPE '\\' OR slug LIKE :p ESCAPE '\\'"
                " ORDER BY title LIMIT :n",
            ),
            (
                "statement",
                "SELECT id, slug, text FROM statements WHERE slug LIKE :p ESCAPE '\\' OR text LIKE :p ESCAPE '\\'"
                " LIMIT :n",
            ),
        ):
            for row in self._all(sql, {"p": pattern, "n": limit}):
                found.append((kind, row[0], row[1], row[2]))
        return found

    # ----------------------------------------------------------------- full-text search

    def search(self, query: str, *, kind: str | None = None, limit: int = 50) -> list[SearchHit]:
        """Hits for what the user typed, as words (never FTS syntax), newest first per kind.

        Each word matches as a prefix; all words must match. An empty query has no hits.
        """
        fts = fts_query(query)
        if fts is None:
            return []
        hits: list[SearchHit] = []
        if kind in (None, "statement"):
            rows = self._all(
                "SELECT s.id, s.slug, a.name, snippet(statements_fts, 0, char(57344), char(57345), '…', 24), s.said"
                " FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid"
                " JOIN actors a ON a.id = s.speaker_id WHERE statements_fts MATCH ?"
                " ORDER BY statements_fts.rowid DESC LIMIT ?",
                (fts, limit),
            )
            hits += [
                SearchHit(kind="statement", id=r[0], slug=r[1], label=r[2], snippet=_segments(r[3]), said=r[4])
                for r in rows
            ]
        for entity in ("actor", "measure", "consequence", "event"):
            if kind not in (None, entity):
                continue
            table = ENTITY_TABLES[entity]
            label = {"actor": "e.name", "measure": "e.title", "event": "e.title", "consequence": "e.description"}[
                entity
            ]
            rows = self._all(
                f"SELECT e.id, e.slug, {label},"
                " snippet(entities_fts, -1, char(57344), char(57345), '…', 24)"
                f" FROM entities_fts JOIN {table} e ON e.id = entities_fts.entity_id"
                " WHERE entities_fts MATCH ? AND entities_fts.kind = ? LIMIT ?",
                (fts, entity, limit),
            )
            hits += [SearchHit(kind=entity, id=r[0], slug=r[1], label=r[2], snippet=_segments(r[3])) for r in rows]
        return hits

    # ----------------------------------------------------------------- browser paging
    # The browser's panes page through lists by keyset (the row just before the
    # page) or, for a jump (End, a deep link, a history step), by offset within
    # one actor's or measure's rows; each pane also asks for its count once per
    # selection and for the position of a row it must show selected.

    def actor_kind_counts(self) -> dict[str, int]:
        """How many actors of each kind (every kind present, in `ACTOR_KINDS` order)."""
        rows = dict(self._all("SELECT kind, count(*) FROM actors GROUP BY kind"))
        return {kind: int(rows.get(kind, 0)) for kind in ACTOR_KINDS}

    def actors_grouped(
        self,
        *,
        kind: str | None = None,
        after: tuple[str, str, int] | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[ActorItem]:
        """Actors grouped by kind (in `ACTOR_KINDS` order), by name within a kind.

        `after` is the keyset `(kind, name, id)` of the row just before the page;
        `offset` skips rows after that. `kind` keeps only actors of that kind.
        Each kind is one indexed range (actors_by_kind_name), so no page sorts the table.
        """
        kinds = [kind] if kind else list(ACTOR_KINDS)
        start = kinds.index(after[0]) if after and after[0] in kinds else 0
        key: tuple[str, int] | None = (after[1], after[2]) if after else None
        out: list[ActorItem] = []
        for current in kinds[start:]:
            if len(out) >= limit:
                break
            where = "kind = ?"
            params: list[Any] = [current]
            if key is not None:
                where += " AND (name, id) > (?, ?)"
                params.extend(key)
            if offset:
                row = self._one(f"SELECT count(*) FROM actors WHERE {where}", params)
                available = int(row[0]) if row else 0
                if offset >= available:
                    offset -= available
                    key = None
                    continue
            rows = self._all(
                f"SELECT {self._ACTOR_COLS} FROM actors WHERE {where} ORDER BY name, id LIMIT ? OFFSET ?",
                (*params, limit - len(out), offset),
            )
            out += [self._actor_item(r) for r in rows]
            offset, key = 0, None
        return out

    def actor_position(self, actor_id: int, *, kind: str | None = None) -> int | None:
        """Where an actor stands in `actors_grouped(kind=kind)`, or None if it is not there."""
        row = self._one("SELECT kind, name FROM actors WHERE id = ?", (actor_id,))
        if row is None or (kind and row[0] != kind):
            return None
        own_kind, name = row
        before = 0
        if not kind:
            for other in ACTOR_KINDS[: ACTOR_KINDS.index(own_kind)]:
                counted = self._one("SELECT count(*) FROM actors WHERE kind = ?", (other,))
                before += int(counted[0]) if counted else 0
        counted = self._one(
            "SELECT count(*) FROM actors WHERE kind = ? AND (name, id) < (?, ?)", (own_kind, name, actor_id)
        )
        return before + (int(counted[0]) if counted else 0)

    def statements_page(
        self, actor_id: int, *, after: StatementItem | None = None, offset: int = 0, limit: int = 100
    ) -> list[StatementItem]:
        """An actor's statements, newest first, undated last, from just after the row `after`.

        Two indexed ranges of statements_by_speaker, dated (said, id descending) then
        undated (id descending), so a page never sorts an actor's 20,000 statements.
        """
        out: list[StatementItem] = []
        if after is None or after.said is not None:
            where = "s.speaker_id = ? AND s.said IS NOT NULL"
            params: list[Any] = [actor_id]
            if after is not None:
                where += " AND (s.said, s.id) < (?, ?)"
                params += [after.said, after.id]
            rows = self._all(
                f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE {where}"
                " ORDER BY s.said DESC, s.id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            out = [self._statement_item(r) for r in rows]
            if len(out) >= limit:
                return out
            if out:
                offset = 0
            elif offset:
                counted = self._one(f"SELECT count(*) FROM statements s WHERE {where}", params)
                offset = max(0, offset - (int(counted[0]) if counted else 0))
        where, params = "s.speaker_id = ? AND s.said IS NULL", [actor_id]
        if after is not None and after.said is None:
            where += " AND s.id < ?"
            params.append(after.id)
        rows = self._all(
            f"SELECT {self._STATEMENT_COLS} FROM {self._STATEMENT_FROM} WHERE {where}"
            " ORDER BY s.id DESC LIMIT ? OFFSET ?",
            (*params, limit - len(out), offset),
        )
        return out + [self._statement_item(r) for r in rows]

    def statement_position(self, actor_id: int, statement_id: int) -> int | None:
        """Where a statement stands in `statements_page(actor_id)`, or None if the actor did not say it."""
        row = self._one("SELECT said FROM statements WHERE id = ? AND speaker_id = ?", (statement_id, actor_id))
        if row is None:
            return None
        (said,) = row
        if said is not None:
            counted = self._one(
                "SELECT count(*) FROM statements WHERE speaker_id = ? AND said IS NOT NULL AND (said, id) > (?, ?)",
                (actor_id, said, statement_id),
            )
            return int(counted[0]) if counted else 0
        counted = self._one(
            "SELECT (SELECT count(*) FROM statements WHERE speaker_id = :a AND said IS NOT NULL)"
            " + (SELECT count(*) FROM statements WHERE speaker_id = :a AND said IS NULL AND id > :s)",
            {"a": actor_id, "s": statement_id},
        )
        return int(counted[0]) if counted else 0

    _INVOLVED = """
        WITH involved(measure_id, relation, rank) AS (
            SELECT id, 'imposed', 1 FROM measures WHERE imposed_by_id = :actor
            UNION ALL
            SELECT id, 'targeted', 2 FROM measures WHERE target_id = :actor
            UNION ALL
            SELECT sm.measure_id, 'mentioned', 3 FROM (
                SELECT id FROM statements WHERE speaker_id = :actor
                ORDER BY said DESC, id DESC LIMIT 1000
            ) s JOIN statement_measures sm ON sm.statement_id = s.id
        ),
        best AS (SELECT measure_id, relation, min(rank) FROM involved GROUP BY measure_id)
    """
    """The measures `measures_for` lists for an actor (the same bounded rule). The newest 1,000
    statements are read in index order (`said DESC` puts NULL last, as `coalesce(said, '')` does),
    so an actor with 100,000 statements costs no sort."""

    def measures_page(self, actor_id: int, *, limit: int = 100, offset: int = 0) -> list[MeasureItem]:
        """The rows of `measures_for(actor_id)`, in its order, from the index (see `_INVOLVED`)."""
        rows = self._all(
            self._INVOLVED + f"SELECT {self._MEASURE_COLS}, best.relation FROM best"
            " JOIN measures m ON m.id = best.measure_id"
            " LEFT JOIN actors i ON i.id = m.imposed_by_id LEFT JOIN actors t ON t.id = m.target_id"
            " ORDER BY coalesce(m.announced, '') DESC, m.id DESC LIMIT :limit OFFSET :offset",
            {"actor": actor_id, "limit": limit, "offset": offset},
        )
        return [self._measure_item(r, r[13]) for r in rows]

    def measures_for_count(self, actor_id: int) -> int:
        """How many measures `measures_for(actor_id)` lists in all."""
        row = self._one(self._INVOLVED + "SELECT count(*) FROM best", {"actor": actor_id})
        return int(row[0]) if row else 0

    def measure_position(self, actor_id: int, measure_id: int) -> int | None:
        """Where a measure stands in `measures_for(actor_id)`, or None if it does not involve the actor."""
        row = self._one(
            self._INVOLVED + "SELECT coalesce(m.announced, ''), m.id FROM best"
            " JOIN measures m ON m.id = best.measure_id WHERE m.id = :measure",
            {"actor": actor_id, "measure": measure_id},
        )
        if row is None:
            return None
        counted = self._one(
            self._INVOLVED + "SELECT count(*) FROM best JOIN measures m ON m.id = best.measure_id"
            " WHERE (coalesce(m.announced, ''), m.id) > (:announced, :measure)",
            {"actor": actor_id, "announced": row[0], "measure": measure_id},
        )
        return int(counted[0]) if counted else 0

    def consequence_count(self, measure_id: int) -> int:
        row = self._one("SELECT count(*) FROM consequences WHERE measure_id = ?", (measure_id,))
        return int(row[0]) if row else 0

    def consequence_position(self, measure_id: int, consequence_id: int) -> int | None:
        """Where a consequence stands in `consequences_of(measure_id)`, or None if it is another's."""
        row = self._one(
            "SELECT count(*) FROM consequences c JOIN consequences own ON own.id = ? AND own.measure_id = ?"
            " WHERE c.measure_id = own.measure_id AND c.position < own.position",
            (consequence_id, measure_id),
        )
        exists = self._one("SELECT 1 FROM consequences WHERE id = ? AND measure_id = ?", (consequence_id, measure_id))
        if exists is None:
            return None
        return int(row[0]) if row else 0

    # ----------------------------------------------------------------- export

    def export_bundle(self) -> Bundle:
        """The whole dossier as a bundle, in insertion order, ready to import elsewhere.

        Export is the one read that walks whole tables: it is what the user asked for.
        """
        with self._cursor() as conn:
            meta = dict(conn.execute("SELECT key, value FROM dossier_meta").fetchall())
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
        info = None
        if "title" in meta:
            info = DossierInfo(**clean(title=meta["title"], description=meta.get("description")))
        return Bundle(
            dossier=info,
            sources=tuple(sources),
            actors=tuple(actors),
            measures=tuple(measures),
            statements=tuple(statements),
            events=tuple(events),
        )

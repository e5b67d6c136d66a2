-- Dossier schema. One SQLite file holds one dossier.
--
-- The schema version is PRAGMA user_version (see the last line); dossier/migrations.py
-- steps an older file forward, one step per version. Vocabularies
-- are CHECK constraints that mirror the Literal types in dossier/models.py.
-- Dates are ISO text and may be partial ('2022-01', '2022'); they sort as text.
-- Every lookup the browser makes has an index; see the comment on each.

PRAGMA foreign_keys = ON;

-- The dossier's own facts, one row each: `identity` (a UUID written at `dossier init`,
-- kept by export and import), `title`, `description`.
CREATE TABLE IF NOT EXISTS dossier_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS sources (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    outlet    TEXT,
    url       TEXT,
    published TEXT,
    note      TEXT
);

CREATE TABLE IF NOT EXISTS actors (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL
                   CHECK (kind IN ('person', 'organization', 'state', 'media', 'group')),
    role           TEXT,
    affiliation_id INTEGER REFERENCES actors(id),
    country        TEXT CHECK (country IS NULL OR (length(country) = 2 AND country GLOB '[A-Z][A-Z]')),
    description    TEXT
);
-- the actor list, in name order, optionally of one kind (keyset on name, id)
CREATE INDEX IF NOT EXISTS actors_by_name ON actors(name, id);
CREATE INDEX IF NOT EXISTS actors_by_kind_name ON actors(kind, name, id);
-- members of an organisation
CREATE INDEX IF NOT EXISTS actors_by_affiliation ON actors(affiliation_id);

CREATE TABLE IF NOT EXISTS aliases (
    id       INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    lang     TEXT,
    UNIQUE (actor_id, name)
);

CREATE TABLE IF NOT EXISTS measures (
    id            INTEGER PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('expulsion', 'visa', 'travel-ban', 'sanction', 'closure', 'demand', 'other')),
    imposed_by_id INTEGER REFERENCES actors(id),
    target_id     INTEGER REFERENCES actors(id),
    quantity      TEXT,
    announced     TEXT,
    effective     TEXT,
    status        TEXT CHECK (status IS NULL OR status IN ('announced', 'in-force', 'halted', 'lifted', 'threatened')),
    description   TEXT,
    source_id     INTEGER REFERENCES sources(id)
);
-- measures an actor imposed / was targeted by, newest first
CREATE INDEX IF NOT EXISTS measures_by_imposer ON measures(imposed_by_id, announced, id);
CREATE INDEX IF NOT EXISTS measures_by_target ON measures(target_id, announced, id);
-- the timeline
CREATE INDEX IF NOT EXISTS measures_by_announced ON measures(announced, id);

CREATE TABLE IF NOT EXISTS measure_links (
    id             INTEGER PRIMARY KEY,
    measure_id     INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    responds_to_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    asserted_by_id INTEGER REFERENCES actors(id),
    UNIQUE (measure_id, responds_to_id, asserted_by_id)
);
-- what answers a measure (the other direction is the UNIQUE index)
CREATE INDEX IF NOT EXISTS measure_links_by_responds_to ON measure_links(responds_to_id, measure_id);

CREATE TABLE IF NOT EXISTS consequences (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    measure_id  INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    description TEXT NOT NULL,
    affects_id  INTEGER REFERENCES actors(id),
    due         TEXT,
    certainty   TEXT NOT NULL DEFAULT 'stated'
                CHECK (certainty IN ('stated', 'reported', 'conditional')),
    UNIQUE (measure_id, position)
);
-- consequences that affect an actor; the timeline's due dates
CREATE INDEX IF NOT EXISTS consequences_by_affects ON consequences(affects_id);
CREATE INDEX IF NOT EXISTS consequences_by_due ON consequences(due, id);

CREATE TABLE IF NOT EXISTS statements (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    speaker_id   INTEGER NOT NULL REFERENCES actors(id),
    speaker_role TEXT,
    text         TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'quote' CHECK (kind IN ('quote', 'paraphrase')),
    lang         TEXT,
    said         TEXT,
    via          TEXT,
    source_id    INTEGER REFERENCES sources(id)
);
-- an actor's statements, newest first, keyset on (said, id)
CREATE INDEX IF NOT EXISTS statements_by_speaker ON statements(speaker_id, said, id);
-- the timeline
CREATE INDEX IF NOT EXISTS statements_by_said ON statements(said, id);

CREATE TABLE IF NOT EXISTS statement_measures (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    measure_id   INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    stance       TEXT NOT NULL DEFAULT 'comments'
                 CHECK (stance IN ('announces', 'justifies', 'condemns', 'threatens', 'demands', 'comments')),
    PRIMARY KEY (statement_id, measure_id)
);
-- the statements about a measure
CREATE INDEX IF NOT EXISTS statement_measures_by_measure ON statement_measures(measure_id, statement_id);

CREATE TABLE IF NOT EXISTS events (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    date        TEXT,
    place       TEXT,
    description TEXT,
    source_id   INTEGER REFERENCES sources(id)
);
CREATE INDEX IF NOT EXISTS events_by_date ON events(date, id);

CREATE TABLE IF NOT EXISTS event_actors (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, actor_id)
);
CREATE INDEX IF NOT EXISTS event_actors_by_actor ON event_actors(actor_id, event_id);

-- Chains, timeline, relations: the lookups these views make beyond the ones above.
-- the timeline's "takes effect" dates
CREATE INDEX IF NOT EXISTS measures_by_effective ON measures(effective, id);
-- relations: the measures one actor took against another, newest first; also
-- covers counting the measures of every pair
CREATE INDEX IF NOT EXISTS measures_by_pair ON measures(imposed_by_id, target_id, announced, id);

-- The audit trail: every write from the browser, `dossier edit` and `dossier revert`, and one
-- row for each import (with its counts, not its contents). `before` and `after` are the
-- entities written, as a bundle in JSON (null: the entity did not exist before, or was
-- deleted); `kind` and `slug` name the entity when the edit is of one (dossier/capture.py).
CREATE TABLE IF NOT EXISTS edits (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    origin  TEXT NOT NULL CHECK (origin IN ('browser', 'edit', 'import', 'revert')),
    action  TEXT NOT NULL CHECK (action IN ('add', 'change', 'delete', 'import')),
    kind    TEXT,
    slug    TEXT,
    before  TEXT,
    after   TEXT,
    counts  TEXT,
    note    TEXT
);
-- when an entity was last edited (the Detail pane), and its edits in `dossier history`
CREATE INDEX IF NOT EXISTS edits_by_entity ON edits(kind, slug, id);

-- Full-text search (the query side is dossier/search.py and Store.search_page).
-- statements_fts indexes statement text by words (external content: no second copy).
-- entities_fts indexes everything else a user searches by words: actor names
-- (title) with their aliases and role (body) and, in `names`, the names and
-- aliases folded to one Latin spelling (dossier.search.fold_name, computed by
-- the importer), so "Захарова", "Zakharova" and "Zaharova" meet; measure
-- titles and descriptions, consequence descriptions, event titles. It is
-- small, so it keeps its own copy. Its rowid is entity id * 8 + kind code.
-- statements_fts names its table as `content="statements"`, in double quotes and
-- without spaces: that is the form by which Datasette and sqlite-utils find a
-- table's full-text index (their detect_fts), so Datasette shows a search box
-- and `sqlite-utils search` works. statements_cjk below keeps single quotes on
-- purpose, so that neither takes the CJK index for the main one.
CREATE VIRTUAL TABLE IF NOT EXISTS statements_fts USING fts5(
    text,
    content="statements",
    content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS entities_fts USING fts5(
    kind UNINDEXED,
    entity_id UNINDEXED,
    title,
    body,
    names,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Substrings: fragments inside words, and Chinese or Japanese text, which has
-- no spaces between words. A trigram index over all statement text would cost
-- more than the word index itself on a bulk load, so:
-- * entities_trigram covers the entities (title and body of entities_fts,
--   same rowid): few rows, short texts;
-- * statements_cjk covers only the statements that contain a CJK character
--   (the GLOB below is dossier.search.CJK_GLOB; a test keeps them equal);
-- * other statements are searched for fragments by a bounded scan of the
--   newest ones (Store.search_page).
CREATE VIRTUAL TABLE IF NOT EXISTS entities_trigram USING fts5(
    text,
    tokenize = 'trigram'
);
CREATE VIRTUAL TABLE IF NOT EXISTS statements_cjk USING fts5(
    text,
    content = 'statements',
    content_rowid = 'id',
    tokenize = 'trigram'
);

-- Keep statements_fts and statements_cjk in step with statements. The importer
-- drops these triggers for a bulk load and rebuilds the indexes once instead
-- (see importer.py); every import and migration re-creates any that are missing
-- (dossier/migrations.py). A row is deleted from statements_cjk only if it is in it.
CREATE TRIGGER IF NOT EXISTS statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
    INSERT INTO statements_cjk(rowid, text) SELECT new.id, new.text WHERE new.text GLOB '*[⺀-⿟　-ヿ㄀-ㇿ㐀-䶿一-鿿가-힯豈-﫿＀-￯𠀀-𱍏]*';
END;
CREATE TRIGGER IF NOT EXISTS statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO statements_cjk(statements_cjk, rowid, text)
        SELECT 'delete', old.id, old.text WHERE old.text GLOB '*[⺀-⿟　-ヿ㄀-ㇿ㐀-䶿一-鿿가-힯豈-﫿＀-￯𠀀-𱍏]*';
END;
CREATE TRIGGER IF NOT EXISTS statements_fts_update AFTER UPDATE OF text ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
    INSERT INTO statements_cjk(statements_cjk, rowid, text)
        SELECT 'delete', old.id, old.text WHERE old.text GLOB '*[⺀-⿟　-ヿ㄀-ㇿ㐀-䶿一-鿿가-힯豈-﫿＀-￯𠀀-𱍏]*';
    INSERT INTO statements_cjk(rowid, text) SELECT new.id, new.text WHERE new.text GLOB '*[⺀-⿟　-ヿ㄀-ㇿ㐀-䶿一-鿿가-힯豈-﫿＀-￯𠀀-𱍏]*';
END;

PRAGMA user_version = 3;

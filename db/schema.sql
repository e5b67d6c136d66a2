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
-- the timeline of one actor: the measures it imposed or was aimed at, by the date they take effect (version 4)
CREATE INDEX IF NOT EXISTS measures_by_imposer_effective ON measures(imposed_by_id, effective, id);
CREATE INDEX IF NOT EXISTS measures_by_target_effective ON measures(target_id, effective, id);

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

-- Summaries (version 4): the counts the views and facets show, kept in step by the
-- triggers below on every write (an import, an edit, a delete of one row, with foreign
-- keys on as the importer has them), so no question a user asks counts rows of the
-- whole dossier. A bulk load drops the statement triggers and fills the summaries with
-- one aggregate pass instead (dossier/summaries.py `refill`), as it does the full-text
-- index. A count that falls to 0 keeps its row (n = 0): readers skip those.
--   summary_pairs: measures between two different actors, per unordered pair (lo < hi),
--     each way; `total` orders the relations view (busiest pair first).
--   summary_sides: what one actor did to another: its measures and their consequences.
--   summary_replies: one row per (statement, measure) link whose measure has two
--     different ends, keyed by (imposer, target, speaker): the relations view reads the
--     replies of the target's side from it, never the statements about a measure.
--   summary_statement_facets: an actor's statements counted by kind, year (first four
--     characters of `said`, '' undated), source (its id as text, '' none) and stance
--     (statements with at least one link of that stance).
--   summary_actors: actors counted by kind and country ('' none).
CREATE TABLE IF NOT EXISTS summary_pairs (
    lo       INTEGER NOT NULL,
    hi       INTEGER NOT NULL,
    lo_to_hi INTEGER NOT NULL,
    hi_to_lo INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    PRIMARY KEY (lo, hi)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS summary_pairs_by_total ON summary_pairs(total DESC, lo, hi);
CREATE INDEX IF NOT EXISTS summary_pairs_by_hi ON summary_pairs(hi, lo);

CREATE TABLE IF NOT EXISTS summary_sides (
    imposed_by_id INTEGER NOT NULL,
    target_id     INTEGER NOT NULL,
    measures      INTEGER NOT NULL,
    consequences  INTEGER NOT NULL,
    PRIMARY KEY (imposed_by_id, target_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS summary_replies (
    imposed_by_id INTEGER NOT NULL,
    target_id     INTEGER NOT NULL,
    speaker_id    INTEGER NOT NULL,
    said          TEXT NOT NULL,
    statement_id  INTEGER NOT NULL,
    measure_id    INTEGER NOT NULL,
    stance        TEXT NOT NULL,
    PRIMARY KEY (imposed_by_id, target_id, speaker_id, said, statement_id, measure_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS summary_replies_by_statement ON summary_replies(statement_id, measure_id);
CREATE INDEX IF NOT EXISTS summary_replies_by_measure ON summary_replies(measure_id);

CREATE TABLE IF NOT EXISTS summary_statement_facets (
    speaker_id INTEGER NOT NULL,
    facet      TEXT NOT NULL,
    value      TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, facet, value)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS summary_actors (
    kind    TEXT NOT NULL,
    country TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (kind, country)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS summary_measures_insert AFTER INSERT ON measures
WHEN new.imposed_by_id IS NOT NULL AND new.target_id IS NOT NULL AND new.imposed_by_id != new.target_id BEGIN
    INSERT INTO summary_pairs (lo, hi, lo_to_hi, hi_to_lo, total)
        VALUES (min(new.imposed_by_id, new.target_id), max(new.imposed_by_id, new.target_id),
                new.imposed_by_id < new.target_id, new.imposed_by_id > new.target_id, 1)
        ON CONFLICT (lo, hi) DO UPDATE SET lo_to_hi = lo_to_hi + excluded.lo_to_hi,
            hi_to_lo = hi_to_lo + excluded.hi_to_lo, total = total + 1;
    INSERT INTO summary_sides (imposed_by_id, target_id, measures, consequences)
        VALUES (new.imposed_by_id, new.target_id, 1, (SELECT count(*) FROM consequences WHERE measure_id = new.id))
        ON CONFLICT (imposed_by_id, target_id) DO UPDATE SET measures = measures + 1,
            consequences = consequences + excluded.consequences;
END;
-- A measure's consequences leave with it (ON DELETE CASCADE) after its row: BEFORE DELETE
-- counts them off its side while they are there; their own trigger then finds no measure.
CREATE TRIGGER IF NOT EXISTS summary_sides_measure_delete BEFORE DELETE ON measures
WHEN old.imposed_by_id IS NOT NULL AND old.target_id IS NOT NULL AND old.imposed_by_id != old.target_id BEGIN
    UPDATE summary_sides SET measures = measures - 1,
        consequences = consequences - (SELECT count(*) FROM consequences WHERE measure_id = old.id)
        WHERE imposed_by_id = old.imposed_by_id AND target_id = old.target_id;
END;
CREATE TRIGGER IF NOT EXISTS summary_measures_delete AFTER DELETE ON measures
WHEN old.imposed_by_id IS NOT NULL AND old.target_id IS NOT NULL AND old.imposed_by_id != old.target_id BEGIN
    UPDATE summary_pairs SET lo_to_hi = lo_to_hi - (old.imposed_by_id < old.target_id),
        hi_to_lo = hi_to_lo - (old.imposed_by_id > old.target_id), total = total - 1
        WHERE lo = min(old.imposed_by_id, old.target_id) AND hi = max(old.imposed_by_id, old.target_id);
END;
CREATE TRIGGER IF NOT EXISTS summary_measures_update AFTER UPDATE OF imposed_by_id, target_id ON measures
WHEN old.imposed_by_id IS NOT new.imposed_by_id OR old.target_id IS NOT new.target_id BEGIN
    UPDATE summary_pairs SET lo_to_hi = lo_to_hi - (old.imposed_by_id < old.target_id),
        hi_to_lo = hi_to_lo - (old.imposed_by_id > old.target_id), total = total - 1
        WHERE lo = min(old.imposed_by_id, old.target_id) AND hi = max(old.imposed_by_id, old.target_id)
        AND old.imposed_by_id != old.target_id;
    INSERT INTO summary_pairs (lo, hi, lo_to_hi, hi_to_lo, total)
        SELECT min(new.imposed_by_id, new.target_id), max(new.imposed_by_id, new.target_id),
               new.imposed_by_id < new.target_id, new.imposed_by_id > new.target_id, 1
        WHERE new.imposed_by_id IS NOT NULL AND new.target_id IS NOT NULL AND new.imposed_by_id != new.target_id
        ON CONFLICT (lo, hi) DO UPDATE SET lo_to_hi = lo_to_hi + excluded.lo_to_hi,
            hi_to_lo = hi_to_lo + excluded.hi_to_lo, total = total + 1;
    UPDATE summary_sides SET measures = measures - 1,
        consequences = consequences - (SELECT count(*) FROM consequences WHERE measure_id = old.id)
        WHERE imposed_by_id = old.imposed_by_id AND target_id = old.target_id AND old.imposed_by_id != old.target_id;
    INSERT INTO summary_sides (imposed_by_id, target_id, measures, consequences)
        SELECT new.imposed_by_id, new.target_id, 1, (SELECT count(*) FROM consequences WHERE measure_id = new.id)
        WHERE new.imposed_by_id IS NOT NULL AND new.target_id IS NOT NULL AND new.imposed_by_id != new.target_id
        ON CONFLICT (imposed_by_id, target_id) DO UPDATE SET measures = measures + 1,
            consequences = consequences + excluded.consequences;
    DELETE FROM summary_replies WHERE measure_id = old.id;
    INSERT INTO summary_replies (imposed_by_id, target_id, speaker_id, said, statement_id, measure_id, stance)
        SELECT new.imposed_by_id, new.target_id, s.speaker_id, coalesce(s.said, ''), sm.statement_id, new.id, sm.stance
        FROM statement_measures sm JOIN statements s ON s.id = sm.statement_id
        WHERE sm.measure_id = new.id AND new.imposed_by_id IS NOT NULL AND new.target_id IS NOT NULL
        AND new.imposed_by_id != new.target_id;
END;

-- Statements: their facets. BEFORE DELETE, because the links a statement loses with it
-- (ON DELETE CASCADE) are gone by the time an AFTER trigger runs; the links' own delete
-- trigger then finds no statement and leaves the stance counts alone.
CREATE TRIGGER IF NOT EXISTS summary_statements_insert AFTER INSERT ON statements BEGIN
    INSERT INTO summary_statement_facets (speaker_id, facet, value, n)
        VALUES (new.speaker_id, 'kind', new.kind, 1),
               (new.speaker_id, 'year', coalesce(substr(new.said, 1, 4), ''), 1),
               (new.speaker_id, 'source', coalesce(CAST(new.source_id AS TEXT), ''), 1)
        ON CONFLICT (speaker_id, facet, value) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS summary_statements_delete BEFORE DELETE ON statements BEGIN
    UPDATE summary_statement_facets SET n = n - 1 WHERE speaker_id = old.speaker_id AND facet = 'kind' AND value = old.kind;
    UPDATE summary_statement_facets SET n = n - 1
        WHERE speaker_id = old.speaker_id AND facet = 'year' AND value = coalesce(substr(old.said, 1, 4), '');
    UPDATE summary_statement_facets SET n = n - 1
        WHERE speaker_id = old.speaker_id AND facet = 'source' AND value = coalesce(CAST(old.source_id AS TEXT), '');
    UPDATE summary_statement_facets SET n = n - 1 WHERE speaker_id = old.speaker_id AND facet = 'stance'
        AND value IN (SELECT stance FROM statement_measures WHERE statement_id = old.id);
END;
CREATE TRIGGER IF NOT EXISTS summary_statements_update AFTER UPDATE OF speaker_id, kind, said, source_id ON statements
BEGIN
    UPDATE summary_statement_facets SET n = n - 1 WHERE speaker_id = old.speaker_id AND facet = 'kind' AND value = old.kind;
    UPDATE summary_statement_facets SET n = n - 1
        WHERE speaker_id = old.speaker_id AND facet = 'year' AND value = coalesce(substr(old.said, 1, 4), '');
    UPDATE summary_statement_facets SET n = n - 1
        WHERE speaker_id = old.speaker_id AND facet = 'source' AND value = coalesce(CAST(old.source_id AS TEXT), '');
    UPDATE summary_statement_facets SET n = n - 1 WHERE speaker_id = old.speaker_id AND facet = 'stance'
        AND value IN (SELECT stance FROM statement_measures WHERE statement_id = old.id);
    INSERT INTO summary_statement_facets (speaker_id, facet, value, n)
        VALUES (new.speaker_id, 'kind', new.kind, 1),
               (new.speaker_id, 'year', coalesce(substr(new.said, 1, 4), ''), 1),
               (new.speaker_id, 'source', coalesce(CAST(new.source_id AS TEXT), ''), 1)
        ON CONFLICT (speaker_id, facet, value) DO UPDATE SET n = n + 1;
    INSERT INTO summary_statement_facets (speaker_id, facet, value, n)
        SELECT DISTINCT new.speaker_id, 'stance', stance, 1 FROM statement_measures WHERE statement_id = new.id
        ON CONFLICT (speaker_id, facet, value) DO UPDATE SET n = n + 1;
    UPDATE summary_replies SET speaker_id = new.speaker_id, said = coalesce(new.said, '')
        WHERE statement_id = new.id AND (old.speaker_id != new.speaker_id OR old.said IS NOT new.said);
END;

-- Links between statements and measures: the stance counts and the replies.
CREATE TRIGGER IF NOT EXISTS summary_statement_measures_insert AFTER INSERT ON statement_measures BEGIN
    INSERT INTO summary_statement_facets (speaker_id, facet, value, n)
        SELECT s.speaker_id, 'stance', new.stance, 1 FROM statements s WHERE s.id = new.statement_id
        AND (SELECT count(*) FROM statement_measures o WHERE o.statement_id = new.statement_id AND o.stance = new.stance) = 1
        ON CONFLICT (speaker_id, facet, value) DO UPDATE SET n = n + 1;
    INSERT INTO summary_replies (imposed_by_id, target_id, speaker_id, said, statement_id, measure_id, stance)
        SELECT m.imposed_by_id, m.target_id, s.speaker_id, coalesce(s.said, ''), new.statement_id, new.measure_id, new.stance
        FROM measures m, statements s WHERE m.id = new.measure_id AND s.id = new.statement_id
        AND m.imposed_by_id IS NOT NULL AND m.target_id IS NOT NULL AND m.imposed_by_id != m.target_id;
END;
CREATE TRIGGER IF NOT EXISTS summary_statement_measures_delete AFTER DELETE ON statement_measures BEGIN
    UPDATE summary_statement_facets SET n = n - 1 WHERE facet = 'stance' AND value = old.stance
        AND speaker_id = (SELECT speaker_id FROM statements WHERE id = old.statement_id)
        AND NOT EXISTS (SELECT 1 FROM statement_measures o WHERE o.statement_id = old.statement_id AND o.stance = old.stance);
    DELETE FROM summary_replies WHERE statement_id = old.statement_id AND measure_id = old.measure_id;
END;
CREATE TRIGGER IF NOT EXISTS summary_statement_measures_update AFTER UPDATE ON statement_measures BEGIN
    UPDATE summary_statement_facets SET n = n - 1 WHERE facet = 'stance' AND value = old.stance
        AND (old.statement_id != new.statement_id OR old.stance != new.stance)
        AND speaker_id = (SELECT speaker_id FROM statements WHERE id = old.statement_id)
        AND NOT EXISTS (SELECT 1 FROM statement_measures o WHERE o.statement_id = old.statement_id AND o.stance = old.stance);
    INSERT INTO summary_statement_facets (speaker_id, facet, value, n)
        SELECT s.speaker_id, 'stance', new.stance, 1 FROM statements s WHERE s.id = new.statement_id
        AND (old.statement_id != new.statement_id OR old.stance != new.stance)
        AND (SELECT count(*) FROM statement_measures o WHERE o.statement_id = new.statement_id AND o.stance = new.stance) = 1
        ON CONFLICT (speaker_id, facet, value) DO UPDATE SET n = n + 1;
    DELETE FROM summary_replies WHERE statement_id = old.statement_id AND measure_id = old.measure_id;
    INSERT INTO summary_replies (imposed_by_id, target_id, speaker_id, said, statement_id, measure_id, stance)
        SELECT m.imposed_by_id, m.target_id, s.speaker_id, coalesce(s.said, ''), new.statement_id, new.measure_id, new.stance
        FROM measures m, statements s WHERE m.id = new.measure_id AND s.id = new.statement_id
        AND m.imposed_by_id IS NOT NULL AND m.target_id IS NOT NULL AND m.imposed_by_id != m.target_id;
END;

-- Consequences: counted on the side of the measure they belong to.
CREATE TRIGGER IF NOT EXISTS summary_consequences_insert AFTER INSERT ON consequences BEGIN
    UPDATE summary_sides SET consequences = consequences + 1 WHERE (imposed_by_id, target_id) =
        (SELECT imposed_by_id, target_id FROM measures WHERE id = new.measure_id);
END;
CREATE TRIGGER IF NOT EXISTS summary_consequences_delete AFTER DELETE ON consequences BEGIN
    UPDATE summary_sides SET consequences = consequences - 1 WHERE (imposed_by_id, target_id) =
        (SELECT imposed_by_id, target_id FROM measures WHERE id = old.measure_id);
END;
CREATE TRIGGER IF NOT EXISTS summary_consequences_update AFTER UPDATE OF measure_id ON consequences
WHEN old.measure_id != new.measure_id BEGIN
    UPDATE summary_sides SET consequences = consequences - 1 WHERE (imposed_by_id, target_id) =
        (SELECT imposed_by_id, target_id FROM measures WHERE id = old.measure_id);
    UPDATE summary_sides SET consequences = consequences + 1 WHERE (imposed_by_id, target_id) =
        (SELECT imposed_by_id, target_id FROM measures WHERE id = new.measure_id);
END;

-- Actors by kind and country.
CREATE TRIGGER IF NOT EXISTS summary_actors_insert AFTER INSERT ON actors BEGIN
    INSERT INTO summary_actors (kind, country, n) VALUES (new.kind, coalesce(new.country, ''), 1)
        ON CONFLICT (kind, country) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS summary_actors_delete AFTER DELETE ON actors BEGIN
    UPDATE summary_actors SET n = n - 1 WHERE kind = old.kind AND country = coalesce(old.country, '');
END;
CREATE TRIGGER IF NOT EXISTS summary_actors_update AFTER UPDATE OF kind, country ON actors
WHEN old.kind != new.kind OR old.country IS NOT new.country BEGIN
    UPDATE summary_actors SET n = n - 1 WHERE kind = old.kind AND country = coalesce(old.country, '');
    INSERT INTO summary_actors (kind, country, n) VALUES (new.kind, coalesce(new.country, ''), 1)
        ON CONFLICT (kind, country) DO UPDATE SET n = n + 1;
END;

PRAGMA user_version = 4;

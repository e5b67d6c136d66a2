"""Metadata that makes Datasette a companion of a dossier file: `dossier datasette-metadata`.

Datasette (0.65) reads the file as it is; this metadata adds what it cannot
guess: a label for statements and consequences (their slug, so a link from
`statement_measures` reads `ryabkov-language-of-ultimatums`, not `14`), the
facets worth having, newest-first order, the full-text table of statements
(named explicitly, so search works on a file of schema 1 too), and three
canned queries. Use it as

    dossier datasette-metadata --db my.db > metadata.json
    datasette serve --immutable my.db -m metadata.json

Dossier prints metadata rather than running Datasette itself: Datasette is a
web framework with its own dependencies, plugins and settings that a
researcher who uses it already has, and printed metadata fits however they
run it (`serve`, `publish`, with their plugins). docs/ecosystem.md says more.

The canned queries are SQL for Datasette to run, read-only, never run by
Dossier itself; each is bounded by a LIMIT or a depth.
"""

from __future__ import annotations

from typing import Any

SEARCH_NAMES_SQL = """\
select
  e.entity_id as actor_id,
  a.slug,
  a.name,
  a.kind,
  a.country,
  snippet(entities_fts, -1, '[', ']', '…', 12) as snippet
from entities_fts e
join actors a on a.id = e.entity_id
where entities_fts match '"' || replace(:name, '"', '""') || '"*'
  and e.rowid % 8 = 1
order by rank
limit 100"""
"""Actors by any name or alias, in any script: a prefix phrase, so any text typed is a valid query."""

ACTOR_STATEMENTS_SQL = """\
select
  s.said,
  s.slug,
  s.speaker_role,
  s.kind,
  s.text,
  s.via,
  src.title as source
from statements s
join actors a on a.id = s.speaker_id
left join sources src on src.id = s.source_id
where a.slug = :actor
order by s.said desc, s.id desc
limit 1000"""
"""An actor's statements, newest first (the index statements_by_speaker)."""

MEASURE_CHAIN_SQL = """\
with recursive
  earlier(id, depth) as (
    select id, 0 from measures where slug = :measure
    union
    select l.responds_to_id, e.depth - 1
    from earlier e join measure_links l on l.measure_id = e.id
    where e.depth > -50
  ),
  later(id, depth) as (
    select id, 0 from measures where slug = :measure
    union
    select l.measure_id, t.depth + 1
    from later t join measure_links l on l.responds_to_id = t.id
    where t.depth < 50
  ),
  chain(id, depth) as (
    select id, max(depth) from earlier group by id
    union all
    select id, min(depth) from later where depth > 0 group by id
  )
select
  c.depth,
  m.slug,
  m.title,
  m.kind,
  m.announced,
  imposer.name as imposed_by,
  target.name as target,
  (
    select group_concat(before.slug || coalesce(' (asserted by ' || claimant.name || ')', ''), '; ')
    from measure_links l
    join measures before on before.id = l.responds_to_id
    left join actors claimant on claimant.id = l.asserted_by_id
    where l.measure_id = m.id
  ) as responds_to
from chain c
join measures m on m.id = c.id
left join actors imposer on imposer.id = m.imposed_by_id
left join actors target on target.id = m.target_id
order by c.depth, m.announced, m.id
limit 500"""
"""A measure's response chain both ways: what it answers (depth < 0) and what answers it (depth > 0).
A measure reached along several paths is listed at its nearest distance; a cycle ends at 50 links."""


def metadata(database: str, *, title: str | None = None, description: str | None = None) -> dict[str, Any]:
    """Datasette 0.65 metadata for the dossier that Datasette names `database` (the file name without .db)."""
    tables: dict[str, Any] = {
        "statements": {
            "label_column": "slug",
            "sort_desc": "said",
            "facets": ["speaker_id", "kind", "lang", "via"],
            "fts_table": "statements_fts",
            "fts_pk": "id",
        },
        "consequences": {
            "label_column": "slug",
            "sort_desc": "due",
            "facets": ["certainty", "affects_id"],
        },
        "measures": {
            "sort_desc": "announced",
            "facets": ["kind", "status", "imposed_by_id", "target_id"],
        },
        "actors": {"facets": ["kind", "country", "affiliation_id"]},
        "statement_measures": {"facets": ["stance", "measure_id"]},
        "measure_links": {"facets": ["asserted_by_id"]},
        "events": {"sort_desc": "date"},
        "sources": {"sort_desc": "published"},
    }
    queries = {
        "search_names": {
            "title": "Search names in every script",
            "description": "Actors whose name or alias begins with what you type, in any script, with snippets.",
            "sql": SEARCH_NAMES_SQL,
        },
        "actor_statements": {
            "title": "An actor's statements",
            "description": "Everything an actor (by slug, e.g. zakharova) said, newest first.",
            "sql": ACTOR_STATEMENTS_SQL,
        },
        "measure_chain": {
            "title": "A measure's response chain",
            "description": "What a measure (by slug) answers, depth below 0, and what answers it, depth above 0.",
            "sql": MEASURE_CHAIN_SQL,
        },
    }
    data: dict[str, Any] = {}
    if title:
        data["title"] = title
    if description:
        data["description"] = description
    data["databases"] = {database: {"tables": tables, "queries": queries}}
    return data


def dump_yaml(data: dict[str, Any]) -> str:
    """The metadata as YAML, SQL as literal blocks, text that could act on a terminal escaped (as bundles are)."""
    import yaml

    from .bundle import _Dumper
    from .jsonl_write import escaped

    return escaped(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))

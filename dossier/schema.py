"""What the reading and the writing side agree on about `db/schema.sql`.

The store (`dossier.store`) reads what the importer (`dossier.importer`)
writes; the facts both must read alike live here, so neither imports the
other for them.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
"""The schema this code reads and writes (PRAGMA user_version of db/schema.sql)."""

ENTITY_KIND_CODES = {"actor": 1, "measure": 2, "consequence": 3, "event": 4}
"""entities_fts and entities_trigram rowid = entity id * 8 + kind code: a point lookup, never a scan."""

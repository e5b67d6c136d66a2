"""What the reading and the writing side agree on about `db/schema.sql`.

The store (`dossier.store`) reads what the importer (`dossier.importer`)
writes; the facts both must read alike live here, so neither imports the
other for them.
"""

from __future__ import annotations

from pathlib import Path

SCHEMA_VERSION = 4
"""The schema this code writes (PRAGMA user_version of db/schema.sql). It reads older files as they
are, read-only; `dossier.migrations` steps one forward, after a backup copy (`dossier migrate`, or any write
into it: an import, an edit, `dossier browse --write`)."""

DATA_TABLES = (
    "dossier_meta",
    "sources",
    "actors",
    "aliases",
    "measures",
    "measure_links",
    "consequences",
    "statements",
    "statement_measures",
    "events",
    "event_actors",
)
"""The tables that hold a dossier's data (not its indexes), parents before children."""

ENTITY_KIND_CODES = {"actor": 1, "measure": 2, "consequence": 3, "event": 4}
"""entities_fts and entities_trigram rowid = entity id * 8 + kind code: a point lookup, never a scan."""


def _data_file(name: str) -> bytes:
    """A file of `db/`: from the checkout when run from one, else as shipped inside the package.

    The wheel carries `db/` as `dossier/data/` (see pyproject.toml), so an
    installed `dossier` works outside the checkout.
    """
    checkout = Path(__file__).resolve().parent.parent / "db" / name
    if checkout.is_file():
        return checkout.read_bytes()
    from importlib import resources  # only when installed: it imports tempfile, shutil and the compressors

    return resources.files("dossier").joinpath("data", *name.split("/")).read_bytes()


def schema_sql() -> str:
    """The schema (db/schema.sql)."""
    return _data_file("schema.sql").decode("utf-8")


def seed_bundle_bytes() -> bytes:
    """The default dossier (db/seed/dossier.yaml), the source of truth for `dossier init`."""
    return _data_file("seed/dossier.yaml")

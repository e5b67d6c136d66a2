"""The one door to the data: `Store` opens a dossier database and runs every read query.

No Textual here. Every query returns the light rows of `dossier.rows` (named
tuples and frozen dataclasses; `export_bundle` alone builds the bundle models
of `dossier.models`), never cursors, and raises `StoreError` with a one-line
reason. Lists are bounded: each takes a limit and a keyset cursor (or, for
short lists, an offset). The browser opens the file read-only (a `mode=ro`
`file:` URI plus `PRAGMA query_only`), so browsing never changes a byte of
it. Writes live in `dossier.importer`.

`Store` is one class put together from one part per job, each in its own file:

* `connection.py`  opening files: what is refused, read-only URIs, the damage check
  (the importer opens its files with it too);
* `base.py`        the connection, its lock, and the rows built from its answers;
* `entities.py`    one entity by id, the summary, REFs;
* `paging.py`      the browser's panes: pages, counts and positions;
* `search.py`      full-text search under a deadline, on a second connection;
* `completion.py`  names and slugs completed as they are typed (the add-statement form);
* `chain.py`, `timeline.py`, `relations.py`  the three views;
* `export.py`      the whole dossier as a bundle;
* `documents.py`   one entity as a bundle with its children (what the editor opens);
* `edits.py`       the audit trail.

The screens, the command line and the reports use `Store` only; serving uses
`read_title`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from .chain import ChainQueries
from .completion import CompletionQueries
from .connection import BROWSE_CACHE_KIB, BROWSE_CHECK_BYTES, QUICK_CHECK_SECONDS
from .documents import DocumentQueries
from .edits import EditQueries
from .export import ExportQueries
from .paging import PagingQueries
from .relations import RelationQueries
from .search import SearchQueries
from .timeline import TimelineQueries

__all__ = ["BROWSE_CACHE_KIB", "BROWSE_CHECK_BYTES", "QUICK_CHECK_SECONDS", "Store", "StoreError", "read_title"]


class Store(
    CompletionQueries, ChainQueries, RelationQueries, TimelineQueries, SearchQueries, PagingQueries, ExportQueries,
    DocumentQueries, EditQueries,
):
    """Typed, bounded queries over one open dossier database.

    Safe to share with thread workers: one connection, one lock, rows
    materialised inside the lock (search has a connection and a lock of its own).
    """


def read_title(path: Path) -> str:
    """The title of the dossier at `path` (its file name when it has none); what is not a dossier is a `StoreError`."""
    with Store.open(path) as store:
        return store.title()

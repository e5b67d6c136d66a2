"""Where the notebook lives, and what its keys say when it is off: all the browser's start needs of it.

The notebook itself (`dossier.notebook`: its file format, sqlite-utils, its
entries) is imported once the first screen is drawn, when the notebook is
loaded in a worker; `dossier.opening` needs only the file's path and the
message, and reads them here.
"""

from __future__ import annotations

import os
from pathlib import Path

NOTEBOOK_ENV = "DOSSIER_NOTEBOOK"
"""Environment variable naming the notebook file; `off` turns the notebook off (served sessions)."""
OFF_MESSAGE = "The notebook is off here (a served session writes nothing on the server); y still copies."
"""What `m n # b` say when the notebook is off ($DOSSIER_NOTEBOOK=off, as `dossier serve` sets it)."""


def default_path() -> Path | None:
    """The notebook's file: $DOSSIER_NOTEBOOK, else $XDG_DATA_HOME/dossier/notebook.db; None when turned off."""
    named = os.environ.get(NOTEBOOK_ENV)
    if named:
        return None if named == "off" else Path(named).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "dossier" / "notebook.db"

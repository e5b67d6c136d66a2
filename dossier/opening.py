"""Opening a dossier: the default dossier's file, a path that must exist, and the browser's run.

Shared by the two ways in: `dossier.launch` (the entry point, which opens the
browser without loading the command-line parser) and `dossier.cli` (the
`dossier` command). Neither imports the other's module for these, so there
is no import circle between them; the one-line error format and the error
they raise for a bad path are in `dossier.errors`.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LaunchError, unexpected

if TYPE_CHECKING:
    from .store import Store

READ_ONLY_ENV = "DOSSIER_READ_ONLY"
"""Set (to anything but empty) in a served browser's environment: `--write` is refused, whatever asks for it."""
DB_ENV = "DOSSIER_DB"
"""Environment variable naming the default dossier's file (else the user's data directory)."""


def collector_after_first_frame() -> None:
    """Turn the collector back on once the first screen is drawn (it is off until then: `dossier.launch`).

    What start-up made (Textual, the app, its screens: hundreds of thousands of
    objects that stay alive) is frozen first, out of the collector's reach
    (`gc.freeze`): else each full collection walks all of it again, 60-170 ms
    at a time on a loaded machine, landing wherever it lands (one did in the
    middle of opening the notebook's 10,000 entries).

    A served browser (`READ_ONLY_ENV`) first collects the first screen's
    garbage, so it is freed before it spreads (about 0.8 MiB less per browser in
    the hall, `tests/bench/hall.py`); a forked browser's frozen objects join the
    helper's, which the collector already leaves alone. A local browser skips
    that collection, which would cost its first key press the same walk.
    """
    if os.environ.get(READ_ONLY_ENV):
        gc.collect()
    gc.freeze()
    gc.enable()


def default_db_path() -> Path:
    """The default dossier: $DOSSIER_DB, else $XDG_DATA_HOME/dossier/default.db (~/.local/share/...)."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "dossier" / "default.db"


def ensure_default_db() -> Path:
    """The default dossier's path, built from the seed the first time it is needed."""
    path = default_db_path()
    if not path.exists():
        from .importer import init_database

        path.parent.mkdir(parents=True, exist_ok=True)
        init_database(path)
    return path


def existing_db(path: Path | None) -> Path:
    """A dossier path that must exist (never created); None is the default dossier, built on first use."""
    if path is None:
        return ensure_default_db()
    if not path.exists():
        raise LaunchError(f"{path}: no such file (create one with `dossier init {path}`)")
    return path


def checked_before(db: Path) -> bool:
    """Whether a reader should look for damage in `db` before it answers: only a small file is.

    A file of up to `store.BROWSE_CHECK_BYTES` (8 MiB) is checked whole in a few
    milliseconds; on a bigger one the check would stop at its time limit
    (`store.QUICK_CHECK_SECONDS`, 0.25 s) having read a part of the file, which
    was half of what a command took on 10M statements. The browser checks such a
    file after its first screen; the commands that read a few pages (`show`,
    `chain`, `timeline`, `relations`, `search`, `history`) do not check it at all.
    Damage their queries meet is still a one-line error (docs/robustness.md).
    """
    from .store import BROWSE_CHECK_BYTES

    try:
        return db.stat().st_size <= BROWSE_CHECK_BYTES
    except OSError:
        return True  # Store.open names the problem


def open_to_read(path: Path | None) -> Store:
    """The store of a command that reads a few pages of the dossier: checked for damage first when small."""
    from .store import QUICK_CHECK_SECONDS, Store

    db = existing_db(path)
    return Store.open(db, check_seconds=QUICK_CHECK_SECONDS if checked_before(db) else 0)


def reason(error: Exception) -> str:
    """The one-line reason for an error of the browser's own (bad path, bad file, bad REF, I/O)."""
    from .errors import StoreError

    if isinstance(error, (LaunchError, StoreError)):
        return str(error)
    notebook = sys.modules.get("dossier.notebook")  # not imported: the error cannot be one of its own
    if notebook is not None and isinstance(error, notebook.NotebookError):
        return str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return unexpected(error)


def open_browser(
    path: Path | None,
    ref: str | None,
    *,
    debug: bool = False,
    notebook: Path | None = None,
    write: bool = False,
    review: Path | None = None,
) -> int:
    """Browse `path` (the default dossier when None), opened at `ref`; returns the exit status.

    With `write` the capture keys write the file (`e`, `a`, `D`); an older file
    is first migrated, after a backup copy, and a served browser
    (`READ_ONLY_ENV`) refuses it. With `review` (a draft file, `dossier draft`'s),
    which needs `write`, the draft's review screen opens over the browser; a
    file that cannot be reviewed is refused before anything else is done.

    Raises `LaunchError` or `StoreError` for bad input before the screen
    starts, and `LaunchError` when the app ended on an exception it could not
    handle (unless `debug`, which shows the traceback instead).
    """
    from .notebook_path import OFF_MESSAGE, default_path
    from .store import BROWSE_CACHE_KIB, QUICK_CHECK_SECONDS, Store

    db = existing_db(path)
    draft = None
    if review is not None:
        if os.environ.get(READ_ONLY_ENV):
            raise LaunchError("this browser is served read-only: --review is refused")
        if not write:
            raise LaunchError(f"--review writes what you accept: open the dossier with `--write` ({db} --write)")
        from .draft import DraftError, read_draft

        try:
            draft = read_draft(review)
        except DraftError as exc:
            raise LaunchError(f"--review: {exc}") from None
    if write:
        if os.environ.get(READ_ONLY_ENV):
            raise LaunchError("this browser is served read-only: --write is refused")
        from .capture import prepare_for_write

        migrated = prepare_for_write(db)
        if migrated is not None:
            print(f"dossier: {migrated}", file=sys.stderr)
    # A small file is checked for damage before the screen starts (and refused when
    # damaged); a big one after its first screen, in a thread (docs/robustness.md).
    later = not checked_before(db)
    store = Store.open(db, check_seconds=0 if later else QUICK_CHECK_SECONDS, cache_kib=BROWSE_CACHE_KIB)
    try:
        if ref:
            store.resolve(ref)  # a bad REF is refused before the screen starts
        from .app import DossierApp

        app = DossierApp(
            store,
            ref=ref,
            show_tracebacks=debug,
            check_seconds=QUICK_CHECK_SECONDS if later else 0,
            on_first_frame=collector_after_first_frame,
            # The notebook: --notebook, else $DOSSIER_NOTEBOOK, else the data directory's; `off` when served.
            notebook=notebook or default_path(),
            notebook_off=OFF_MESSAGE,
            write=db if write else None,
            review=draft,
        )
        app.run()
    finally:
        store.close()
    if app.failure is not None and not debug:
        # The app ended on an exception it could not handle: one line, as for every command.
        raise LaunchError(unexpected(app.failure))
    return app.return_code or 0

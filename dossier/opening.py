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
from pathlib import Path

from .errors import LaunchError, unexpected

READ_ONLY_ENV = "DOSSIER_READ_ONLY"
"""Set (to anything but empty) in a served browser's environment: `--write` is refused, whatever asks for it."""
DB_ENV = "DOSSIER_DB"
"""Environment variable naming the default dossier's file (else the user's data directory)."""


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


def reason(error: Exception) -> str:
    """The one-line reason for an error of the browser's own (bad path, bad file, bad REF, I/O)."""
    from .errors import StoreError
    from .notebook import NotebookError

    if isinstance(error, (LaunchError, StoreError, NotebookError)):
        return str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return unexpected(error)


def collect_from_now_on() -> None:
    """Turn the collector back on once the first screen is drawn (`dossier.launch` turned it off).

    What start-up made (Textual, the app, its screens: hundreds of thousands of
    objects that stay alive) is frozen first, out of the collector's reach: else
    each full collection walks all of it again, 60–170 ms at a time on a loaded
    machine, landing wherever it lands (one did in the middle of opening the
    notebook's 10,000 entries).
    """
    gc.freeze()
    gc.enable()


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
    from .notebook import OFF_MESSAGE, default_path
    from .store import BROWSE_CHECK_BYTES, QUICK_CHECK_SECONDS, Store

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
            import sys

            print(f"dossier: {migrated}", file=sys.stderr)
    # A small file is checked for damage before the screen starts (and refused when
    # damaged); a big one after its first screen, in a thread (docs/robustness.md).
    try:
        later = db.stat().st_size > BROWSE_CHECK_BYTES
    except OSError:
        later = False  # Store.open names the problem
    store = Store.open(db, check_seconds=0 if later else QUICK_CHECK_SECONDS)
    try:
        if ref:
            store.resolve(ref)  # a bad REF is refused before the screen starts
        from .app import DossierApp

        app = DossierApp(
            store,
            ref=ref,
            show_tracebacks=debug,
            check_seconds=QUICK_CHECK_SECONDS if later else 0,
            on_first_frame=collect_from_now_on,
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

"""The `dossier` entry point: the browser is opened without loading the command-line parser.

`dossier`, `dossier browse PATH` and `dossier browse PATH REF` (no options)
are by far the most common commands, and the one a user waits on: they go
straight to the browser here. Anything else (another command, an option,
`--help`, `--debug`) is handed to the click command line in `dossier.cli`,
which also runs `browse` the same way, through `open_browser`. Both print the
same one-line reasons and exit with the same status (tested side by side).
Skipping click saves ~15 ms of a ~0.4 s start.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

DB_ENV = "DOSSIER_DB"
"""Environment variable naming the default dossier's file (else the user's data directory)."""


class LaunchError(Exception):
    """Bad input for the browser (a path that does not exist), with a one-line reason."""


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


def open_browser(path: Path | None, ref: str | None, *, debug: bool = False) -> int:
    """Browse `path` (the default dossier when None), opened at `ref`; returns the exit status.

    Raises `LaunchError` or `StoreError` for bad input before the screen
    starts, and `LaunchError` when the app ended on an exception it could not
    handle (unless `debug`, which shows the traceback instead).
    """
    from .store import BROWSE_CHECK_BYTES, QUICK_CHECK_SECONDS, Store

    db = existing_db(path)
    # A small file is checked for damage before the screen starts (and refused when
    # damaged); a big one after its first screen, in a thread (README, Robustness).
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
            on_first_frame=gc.enable,
        )
        app.run()
    finally:
        store.close()
    if app.failure is not None and not debug:
        # The app ended on an exception it could not handle: one line, as for every command.
        raise LaunchError(unexpected(app.failure))
    return app.return_code or 0


def unexpected(error: BaseException) -> str:
    """The one line for an error nobody expected (the traceback is for `--debug`)."""
    text = str(error).strip()
    return f"unexpected {type(error).__name__}: {text.splitlines()[0] if text else ''} (run with --debug)"


def reason(error: Exception) -> str:
    """The one-line reason for an error of the browser's own (bad path, bad file, bad REF, I/O)."""
    from .store import StoreError

    if isinstance(error, (LaunchError, StoreError)):
        return str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return unexpected(error)


def error_line(reason: str) -> str:
    """How every command says it failed: one line, whatever the reason quotes (a path with a newline)."""
    from .text import printable

    return f"dossier: error: {printable(reason)}"


def _fast_browse(args: list[str]) -> tuple[Path | None, str | None] | None:
    """(path, ref) when `args` ask for nothing but the browser, else None (the full command line decides)."""
    if not args:
        return None, None
    if args[0] != "browse" or len(args) > 3 or any(arg.startswith("-") or not arg for arg in args[1:]):
        return None
    return (Path(args[1]) if len(args) > 1 else None), (args[2] if len(args) > 2 else None)


def main() -> None:
    """`dossier ...`: the browser directly when that is all that is asked, else the command line."""
    fast = _fast_browse(sys.argv[1:])
    if fast is None:
        from .cli import main as command_line

        command_line()
        return
    # Until the first frame, the collector only slows the start: importing Textual and
    # building the screen make hundreds of thousands of objects that all stay alive, and
    # the collector walks them again and again (~25 ms of ~0.2 s of imports, measured).
    # The app turns it back on once the first screen is drawn (`on_first_frame`).
    gc.disable()
    try:
        status = open_browser(*fast)
    except KeyboardInterrupt:  # Ctrl+C before the screen took the keyboard: as click says it
        print("Aborted!", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # every failure is one line here, as in `dossier.cli`
        print(error_line(reason(exc)), file=sys.stderr)
        sys.exit(1)
    sys.exit(status)

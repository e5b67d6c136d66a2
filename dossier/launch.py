"""The `dossier` entry point: the browser is opened without loading the command-line parser.

`dossier`, `dossier browse PATH` and `dossier browse PATH REF` (no options)
are by far the most common commands, and the one a user waits on: they go
straight to the browser here (`dossier.opening.open_browser`). Anything else
(another command, an option, `--help`, `--debug`) is handed to the click
command line in `dossier.cli`, which runs `browse` the same way. Both print
the same one-line reasons (`dossier.errors.error_line`) and exit with the
same status (tested side by side). Skipping click saves ~15 ms of a ~0.4 s
start. Nothing imports this module but `python -m dossier` and the
`dossier` script.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from .errors import error_line
from .opening import open_browser, reason


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

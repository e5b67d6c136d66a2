"""Stand-in editors: small scripts a test writes into its directory and names in $EDITOR.

Each is run as a real editor is, with the document's file as its one
argument; what it does to the file is what a user would have done.
"""

from __future__ import annotations

import sys
from pathlib import Path

PRELUDE = f"""#!{sys.executable}
import pathlib, sys
doc = pathlib.Path(sys.argv[1])
text = doc.read_text(encoding="utf-8")
here = pathlib.Path(__file__).parent
runs = here / (pathlib.Path(__file__).name + ".runs")
runs.write_text(str(int(runs.read_text()) + 1) if runs.exists() else "1")
(here / (pathlib.Path(__file__).name + ".seen")).open("a", encoding="utf-8").write(text + "\\f")
"""


def write_editor(folder: Path, name: str, body: str) -> Path:
    """An executable script `folder/name`: PRELUDE (doc, text, runs counted, each text seen kept), then `body`."""
    path = folder / name
    path.write_text(PRELUDE + body, encoding="utf-8")
    path.chmod(0o755)
    return path


def runs(editor: Path) -> int:
    """How many times the editor was run."""
    counter = editor.with_name(editor.name + ".runs")
    return int(counter.read_text()) if counter.exists() else 0


def seen(editor: Path) -> list[str]:
    """Every text the editor was given, in order."""
    kept = editor.with_name(editor.name + ".seen")
    return kept.read_text(encoding="utf-8").split("\f")[:-1] if kept.exists() else []


def replacing(old: str, new: str) -> str:
    """A body that replaces `old` by `new` in the document and saves it."""
    return f"doc.write_text(text.replace({old!r}, {new!r}), encoding='utf-8')\n"


def broken_then(old: str, new: str, broken: str) -> str:
    """A body that first saves `broken` in place of `old`, then, given it back with the problems on top, fixes
    `broken` into `new` and saves again (the problems' comments left in, as a user would)."""
    return (
        "first = not text.startswith('# --- not saved')\n"
        f"doc.write_text(text.replace({old!r}, {broken!r}) if first else text.replace({broken!r}, {new!r}),"
        " encoding='utf-8')\n"
    )


FAILING = "sys.exit(3)\n"
"""A body that exits non-zero without saving."""

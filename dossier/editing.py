"""An outside editor for a document: `$VISUAL`, then `$EDITOR`, run on a file, and the problems loop.

Shared by `dossier edit` and the browser's `e` and `a` (which hand the
terminal over with Textual's `App.suspend()` while it runs). No Textual and
no SQL here: the caller saves (`dossier.capture`).

A document that was refused comes back with each problem as a comment at
the top, in the `file:line: path: message` form of `dossier import`, the
line numbers counting those comment lines, so they point at the text as
shown. Comments are YAML comments: saving the document again reads them
as nothing. The header is replaced, not stacked, on each round.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .errors import BundleError, Problem

PROBLEMS_START = "# --- not saved: fix what is below, then save again (unchanged or empty: cancel) ---"
PROBLEMS_END = "# ---"

T = TypeVar("T")


class EditorFailed(Exception):
    """The editor could not be run, or exited with a failure: one line, nothing written."""


def editor_command(environ: dict[str, str] | None = None) -> tuple[str, list[str]] | None:
    """(which variable, the command as words) from $VISUAL, else $EDITOR; None when neither is set."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise EditorFailed(f"${name} cannot be read as a command ({exc}): {value!r}") from None
            if words:
                return name, words
    return None


def run_editor(variable: str, command: list[str], path: Path) -> None:
    """Run the editor on `path` and wait; `EditorFailed` if it is not found or exits non-zero."""
    try:
        status = subprocess.call([*command, str(path)])
    except FileNotFoundError:
        raise EditorFailed(f"the editor {command[0]!r} (${variable}) was not found; nothing was written") from None
    except PermissionError:
        raise EditorFailed(f"the editor {command[0]!r} (${variable}) cannot be run; nothing was written") from None
    if status != 0:
        why = f"was stopped by signal {-status}" if status < 0 else f"exited with status {status}"
        raise EditorFailed(f"the editor {command[0]!r} {why}; nothing was written")


def strip_problems(text: str) -> tuple[str, int]:
    """The text without a problems header this module put at its top, and how many lines that header had."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != PROBLEMS_START:
        return text, 0
    for index, line in enumerate(lines[1:], 1):
        if line.rstrip("\r\n") == PROBLEMS_END:
            return "".join(lines[index + 1 :]), index + 1
    return text, 0


def with_problems(text: str, problems: Iterable[Problem]) -> str:
    """The text with each problem as a comment at its top, the line numbers pointing into the text as shown."""
    body, old = strip_problems(text)
    problems = list(problems)
    added = len(problems) + 2
    shifted = [p._replace(line=p.line - old + added) if p.line and p.line > old else p for p in problems]
    header = [PROBLEMS_START, *(f"# {problem}" for problem in shifted), PROBLEMS_END]
    return "\n".join(header) + "\n" + body


@dataclass
class Round:
    """One save of the loop: the text the editor was given, and what came back."""

    shown: str
    saved: str | None
    """None: the editor was closed without a file (cancel)."""


def cancelled(shown: str, saved: str | None) -> bool:
    """Saving unchanged or empty text cancels."""
    return saved is None or not saved.strip() or saved == shown


def edit_until_saved(
    text: str, edit: Callable[[str], str | None], save: Callable[[str], T]
) -> T | None:
    """Edit, save; on a refusal edit again with the problems on top. None: cancelled (nothing written).

    `edit(shown)` returns the text saved (None: closed without saving) and may
    raise `EditorFailed`; `save(text)` raises `BundleError` to refuse, anything
    else to stop the loop.
    """
    shown = text
    while True:
        saved = edit(shown)
        if saved is None or cancelled(shown, saved):
            return None
        try:
            return save(saved)
        except BundleError as exc:
            shown = with_problems(saved, exc.problems)


def edit_in_file(variable: str, command: list[str], folder: Path, name: str) -> Callable[[str], str | None]:
    """An `edit` for `edit_until_saved`: write the text to `folder/name`, run the editor, read it back."""
    path = folder / name

    def edit(shown: str) -> str | None:
        path.write_text(shown, encoding="utf-8")
        run_editor(variable, command, path)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None  # the editor removed it: nothing to save
        except (OSError, UnicodeDecodeError) as exc:
            raise EditorFailed(f"{path.name}: cannot be read back ({exc}); nothing was written") from None

    return edit

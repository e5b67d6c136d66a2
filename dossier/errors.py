"""Every error the layers share, and the one-line way of saying it.

`StoreError` (a file or a REF the store cannot serve), `BundleError` (a
refused bundle, with its problems) and `LaunchError` (bad input for a command
or the browser) live here, apart from the code that raises them, so that the
command line, the browser and the servers can name them without importing the
store or the bundle reader (pydantic, YAML), which would cost the browser its
start. `error_line` is how every command says it failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .text import printable


class LaunchError(Exception):
    """Bad input for a command or the browser (a path that does not exist), with a one-line reason."""


def error_line(reason: str) -> str:
    """How every command says it failed: one line, whatever the reason quotes (a path with a newline)."""
    return f"dossier: error: {printable(reason)}"


def unexpected(error: BaseException) -> str:
    """The one line for an error nobody expected (the traceback is for `--debug`)."""
    text = str(error).strip()
    return f"unexpected {type(error).__name__}: {text.splitlines()[0] if text else ''} (run with --debug)"


class Problem(NamedTuple):
    """One thing wrong with a bundle, where it is and what is wrong.

    A named tuple (`_replace` makes a changed copy): a frozen dataclass costs ~0.8 ms
    to define, and this module is imported before the browser's first frame."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return printable(text)


class BundleError(Exception):
    """A bundle (or a set of bundles) was refused; `problems` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(Exception):
    """A database that cannot be opened or read, with a one-line reason."""

"""What a test needs from outside Python: found, or a skip on a laptop, or a failure in CI.

A test that needs a program pip cannot install (Chromium) skips where the
program is missing, with a line saying what to install, so `make test` runs
on any laptop. Under `CI=true` the same absence fails the test instead:
`.ci/run` installs what is needed, and a test that silently skips in CI
would never run anywhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM_NAMES = ("chromium",)
"""Debian's package installs `/usr/bin/chromium`; `.ci/run` installs that package when it is missing."""


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run is CI's (`CI=true`, as CI services set it; `1` and `yes` count too)."""
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what: str, why: str, how: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Fail under CI, else skip; both say what is missing, what needs it and how to get it."""
    if in_ci(environ):
        pytest.fail(f"{what} is missing and CI=true ({why}); {how}", pytrace=False)
    pytest.skip(f"{what} is missing ({why}); {how}. Under CI=true this test fails instead")


def chromium(why: str, environ: Mapping[str, str] = os.environ) -> Path:
    """The Chromium program on PATH, to run headless (Debian's is `/usr/bin/chromium`); `why` names the test."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name, path=environ.get("PATH", os.defpath))
        if found:
            return Path(found)
    missing("Chromium", why, "install Debian's package with `apt-get install chromium` (.ci/run does)", environ)

"""Run every benchmark in this package: each `bench_*.py` module's `run()` prints its figures.

`python -m tests.bench` runs them all; `python -m tests.bench search` only
those whose module name contains "search".
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    chosen = [n for n in names if not argv or any(a in n for a in argv)]
    for name in chosen:
        module = importlib.import_module(f"{__package__}.{name}")
        print(f"== {name}", flush=True)
        module.run()
    return 0 if chosen else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

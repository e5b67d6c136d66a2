"""The dossiers the benchmarks run on: generated once per size and seed, then reused from a cache.

The cache lives in `$DOSSIER_BENCH_CACHE`, else `$XDG_CACHE_HOME/dossier-bench`
(`~/.cache/dossier-bench`). A file's name carries the size, the seed and a
hash of the generator's source, so a changed generator builds new files
(and removes the old ones) instead of reusing stale ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from dossier import generate

SIZES = {"1k": 1_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
"""Statements per named size; actors and measures follow the generator's defaults (1/200, 1/100).
`make bench` runs 1k, 100k and 1m; 10m (3.4 GB, minutes to generate) only when asked (`--sizes 10m`)."""


@dataclass(frozen=True)
class Dataset:
    """One generated dossier and what the benchmarks need to know about it."""

    name: str
    statements: int
    seed: int
    db: Path
    heaviest_slug: str
    heaviest_name: str
    heaviest_statements: int
    generate_seconds: float
    """How long `generate` took when the file was made (it may come from the cache now)."""
    cached: bool


def cache_dir() -> Path:
    if os.environ.get("DOSSIER_BENCH_CACHE"):
        path = Path(os.environ["DOSSIER_BENCH_CACHE"])
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dossier-bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _generator_version() -> str:
    """Changes when the generator or the schema it writes into changes (a cached file would not match)."""
    from dossier.importer import schema_sql

    source = Path(generate.__file__).read_bytes() + schema_sql().encode("utf-8")
    return hashlib.sha256(source).hexdigest()[:10]


def dataset(name: str, seed: int, cache: Path) -> Dataset:
    """The dossier of size `name` for `seed`, generated unless the cache has it."""
    stem = f"{name}-seed{seed}-{_generator_version()}"
    db, manifest = cache / f"{stem}.db", cache / f"{stem}.json"
    if db.exists() and manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data.update(db=db, cached=True)
        return Dataset(**data)
    for stale in cache.glob(f"{name}-seed{seed}-*"):  # made by an older generator: never read again
        stale.unlink()
    made = generate.generate(db, statements=SIZES[name], seed=seed, force=True)
    assert made.heaviest is not None
    result = Dataset(
        name=name,
        statements=SIZES[name],
        seed=seed,
        db=db,
        heaviest_slug=made.heaviest.slug,
        heaviest_name=made.heaviest.name,
        heaviest_statements=made.heaviest.statements,
        generate_seconds=round(made.seconds, 2),
        cached=False,
    )
    record = asdict(result)
    del record["db"], record["cached"]
    manifest.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return result


def json_bundle(data: Dataset) -> Path:
    """The dossier exported as a JSON bundle (with `dossier export`, cached beside it)."""
    path = data.db.with_suffix(".bundle.json")
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        subprocess.run(
            [sys.executable, "-m", "dossier", "export", "--db", str(data.db), "--format", "json", "-o", str(tmp)],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        tmp.replace(path)
    return path


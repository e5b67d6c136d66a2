"""Shared fixtures: real SQLite files built by the same code as `dossier init`."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.importer import init_database
from dossier.store import Store

ARTICLE = Path(__file__).resolve().parent.parent / "db" / "seed" / "article-2021-12-01.txt"
"""The news story the default dossier is built from, kept beside the bundle."""


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """What `sql` reads from the file `db`, through a connection of its own."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def page_of(path: Path, table: str) -> tuple[int, int]:
    """The root page of `table` in the file `path`, and the file's page size (to damage that page)."""
    conn = sqlite3.connect(path)
    try:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    return root, size


@pytest.fixture(scope="session")
def _built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default and the empty dossier, built once per run by `dossier init`'s own code."""
    where = tmp_path_factory.mktemp("built")
    init_database(where / "seed.db")
    init_database(where / "empty.db", empty=True)
    return {"seed": where / "seed.db", "empty": where / "empty.db"}


@pytest.fixture
def seed_db(tmp_path: Path, _built: dict[str, Path]) -> Path:
    """A fresh copy of the default dossier, the test's own to change (a byte copy of `dossier init`'s file)."""
    path = tmp_path / "seed.db"
    shutil.copyfile(_built["seed"], path)
    return path


@pytest.fixture
def empty_db(tmp_path: Path, _built: dict[str, Path]) -> Path:
    """A fresh dossier with the schema only (`dossier init --empty`)."""
    path = tmp_path / "empty.db"
    shutil.copyfile(_built["empty"], path)
    return path


@pytest.fixture
def store(seed_db: Path) -> Iterator[Store]:
    with Store.open(seed_db) as opened:
        yield opened


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose default dossier lives in the test's own directory."""
    monkeypatch.setenv("DOSSIER_DB", str(tmp_path / "default" / "default.db"))
    return CliRunner()

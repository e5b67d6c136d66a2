"""The dossier file in the real Datasette (its test client) and the real sqlite-utils CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from datasette.app import Datasette
from sqlite_utils import Database
from sqlite_utils.cli import cli as sqlite_utils_cli

from dossier.cli import main
from dossier.store import Store
from tests.conftest import file_hash

RYABKOV = "ryabkov-language-of-ultimatums"


def _metadata(runner: CliRunner, db: Path, fmt: str = "json") -> dict[str, Any]:
    result = runner.invoke(main, ["datasette-metadata", "--db", str(db), "--format", fmt])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output) if fmt == "json" else yaml.safe_load(result.output)
    assert isinstance(data, dict)
    return data


def _datasette(db: Path, metadata: dict[str, Any] | None = None) -> Datasette:
    return Datasette(immutables=[str(db)], metadata=metadata)


async def _json(ds: Datasette, path: str) -> Any:
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_statements_page_has_a_search_box_even_without_metadata(seed_db: Path) -> None:
    page = await _datasette(seed_db).client.get("/seed/statements")
    assert page.status_code == 200
    assert '<input id="_search" type="search" name="_search"' in page.text


async def test_search_finds_exactly_ryabkovs_quote(seed_db: Path, runner: CliRunner) -> None:
    for metadata in (None, _metadata(runner, seed_db)):
        data = await _json(_datasette(seed_db, metadata), "/seed/statements.json?_search=ultimatums&_shape=objects")
        assert [row["slug"] for row in data["rows"]] == [RYABKOV]


async def test_the_page_with_metadata_shows_search_labels_facets_and_newest_first(
    seed_db: Path, runner: CliRunner
) -> None:
    ds = _datasette(seed_db, _metadata(runner, seed_db))
    page = await ds.client.get("/seed/statements?_search=ultimatums")
    assert page.status_code == 200
    assert 'type="search" name="_search" value="ultimatums"' in page.text
    data = await _json(ds, "/seed/statements.json?_shape=objects&_extra=facet_results&_size=100")
    said = [row["said"] for row in data["rows"]]
    dated = [day for day in said if day is not None]
    assert said[: len(dated)] == sorted(dated, reverse=True)  # newest first, undated last
    facets = data["facet_results"]
    speakers = {item["label"] for item in facets["speaker_id"]["results"]}
    assert {"Maria Zakharova", "Sergei Ryabkov"} <= speakers
    # statement_measures.statement_id shows the statement's slug, not a bare number.
    links = await _json(ds, "/seed/statement_measures.json?_labels=on&_shape=objects&statement_id=14")
    assert {row["statement_id"]["label"] for row in links["rows"]} == {RYABKOV}
    consequences = await _json(ds, "/seed/consequences.json?_labels=on&_shape=objects")
    assert all(row["slug"] for row in consequences["rows"])


async def test_the_chain_query_returns_the_seeds_chain(seed_db: Path, runner: CliRunner) -> None:
    ds = _datasette(seed_db, _metadata(runner, seed_db))
    with Store.open(seed_db) as store:
        _, root = store.resolve("measure/russia-orders-us-diplomats-out")
        chain = store.chain(root)
    expected = [step.measure.slug for step in chain.steps]
    assert len(expected) >= 2
    for start in expected:
        rows = (await _json(ds, f"/seed/measure_chain.json?measure={start}&_shape=objects"))["rows"]
        assert sorted(row["slug"] for row in rows) == sorted(expected)
        assert [row["depth"] for row in rows if row["slug"] == start] == [0]
    rows = (await _json(ds, "/seed/measure_chain.json?measure=russia-orders-us-diplomats-out&_shape=objects"))["rows"]
    assert [(row["depth"], row["slug"]) for row in rows] == [
        (-1, "us-expels-27-russian-diplomats"),
        (0, "russia-orders-us-diplomats-out"),
    ]
    assert rows[1]["responds_to"].startswith("us-expels-27-russian-diplomats")


async def test_the_name_search_finds_a_name_in_any_script_with_a_snippet(seed_db: Path, runner: CliRunner) -> None:
    ds = _datasette(seed_db, _metadata(runner, seed_db))
    for typed in ("Захарова", "Zakharova", "zakhar"):
        rows = (await _json(ds, f"/seed/search_names.json?name={typed}&_shape=objects"))["rows"]
        assert [row["slug"] for row in rows] == ["zakharova"], typed
        assert "[" in rows[0]["snippet"]
    # Text that is not FTS syntax is still a query, never an error.
    rows = (await _json(ds, '/seed/search_names.json?name=")(*&_shape=objects'))["rows"]
    assert rows == []


async def test_an_actors_statements_newest_first(seed_db: Path, runner: CliRunner) -> None:
    ds = _datasette(seed_db, _metadata(runner, seed_db))
    rows = (await _json(ds, "/seed/actor_statements.json?actor=ryabkov&_shape=objects"))["rows"]
    assert RYABKOV in [row["slug"] for row in rows]
    with Store.open(seed_db) as store:
        _, actor_id = store.resolve("actor/ryabkov")
        expected = [item.slug for item in store.statements_page(actor_id, limit=100)]
    assert [row["slug"] for row in rows] == expected


def test_the_metadata_is_also_yaml(seed_db: Path, runner: CliRunner) -> None:
    assert _metadata(runner, seed_db, "yaml") == _metadata(runner, seed_db)


def test_datasette_metadata_reads_without_writing(seed_db: Path, runner: CliRunner) -> None:
    before = file_hash(seed_db)
    data = _metadata(runner, seed_db)
    assert data["title"] == "US-Russia diplomat expulsions, 2021"
    assert set(data["databases"]["seed"]["queries"]) == {"search_names", "actor_statements", "measure_chain"}
    assert file_hash(seed_db) == before


@pytest.mark.parametrize("args", [["--db", "missing.db"], ["--db", "."]])
def test_datasette_metadata_refuses_a_bad_path_in_one_line(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, ["datasette-metadata", *args])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


# --------------------------------------------------------------------------- sqlite-utils


def test_sqlite_utils_search_finds_the_quote(seed_db: Path) -> None:
    result = CliRunner().invoke(sqlite_utils_cli, ["search", str(seed_db), "statements", "ultimatums"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["slug"] for row in rows] == [RYABKOV]


def test_sqlite_utils_rebuild_fts_finds_the_index(seed_db: Path) -> None:
    """`sqlite-utils rebuild-fts` finds statements_fts (not the CJK index) and the search still works after it."""
    result = CliRunner().invoke(sqlite_utils_cli, ["rebuild-fts", str(seed_db), "statements"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(seed_db)
    try:
        assert Database(conn).table("statements").detect_fts() == "statements_fts"
    finally:
        conn.close()
    result = CliRunner().invoke(sqlite_utils_cli, ["search", str(seed_db), "statements", "ultimatums", "-c", "slug"])
    assert json.loads(result.output) == [{"slug": RYABKOV}]


async def test_the_metadata_gives_a_schema_1_file_its_search_too(
    seed_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    from tests.ecosystem.old_files import build_v1

    old = build_v1(tmp_path / "old.db", seed_db)
    before = file_hash(old)
    page = await _datasette(old).client.get("/old/statements")
    assert 'type="search"' not in page.text  # Datasette cannot find a schema 1 index by itself
    data = await _json(
        _datasette(old, _metadata(runner, old)), "/old/statements.json?_search=ultimatums&_shape=objects"
    )
    assert [row["slug"] for row in data["rows"]] == [RYABKOV]
    assert file_hash(old) == before  # read-only: metadata and Datasette change nothing

"""`dossier search` through click's CliRunner: hits, JSON, kinds, odd queries, exit 0 on no match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.cli import main
from tests.conftest import file_hash
from tests.store.test_search import HOSTILE


def _search(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["search", "--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_hits_one_per_line_with_marked_words(runner: CliRunner, seed_db: Path) -> None:
    code, out, _ = _search(runner, seed_db, "ultimat")
    assert code == 0
    (line,) = out.splitlines()
    kind, slug, label, snippet = line.split("\t")
    assert (kind, slug, label) == ("statement", "ryabkov-language-of-ultimatums", "Sergei Ryabkov")
    assert "«ultimatums»" in snippet and "\x1b" not in snippet


def test_transliterated_names_on_the_command_line(runner: CliRunner, seed_db: Path) -> None:
    for query, slug in (("Захарова", "zakharova"), ("Riabkov", "ryabkov"), ("Lavrov", "lavrov")):
        code, out, _ = _search(runner, seed_db, query, "--kind", "actor")
        assert code == 0 and [line.split("\t")[1] for line in out.splitlines()] == [slug]


def test_json_kind_and_limit(runner: CliRunner, seed_db: Path) -> None:
    code, out, _ = _search(runner, seed_db, "diplomats", "--json", "--kind", "statement", "--limit", "2")
    assert code == 0
    hits = json.loads(out)
    assert len(hits) == 2 and {h["kind"] for h in hits} == {"statement"}
    assert all(set(h) == {"kind", "id", "slug", "label", "snippet", "matched", "date"} for h in hits)
    assert all("diplomats" in [m.lower() for m in h["matched"]] for h in hits)
    code, out, _ = _search(runner, seed_db, "diplomats", "--rank", "--limit", "3")
    assert code == 0 and len(out.splitlines()) == 3


def test_no_match_exits_0(runner: CliRunner, seed_db: Path) -> None:
    code, out, err = _search(runner, seed_db, "platypus")
    assert (code, out) == (0, "") and "no matches" in err
    code, out, _ = _search(runner, seed_db, "platypus", "--json")
    assert code == 0 and json.loads(out) == []


def test_a_query_starting_with_a_dash(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(main, ["search", "--db", str(seed_db), "--", "-ultimatums"])
    assert result.exit_code == 0 and "ryabkov-language-of-ultimatums" in result.stdout
    result = runner.invoke(main, ["search", "--db", str(seed_db), "--", "-x"])
    assert result.exit_code == 0


def test_bad_options_and_missing_database(runner: CliRunner, tmp_path: Path, seed_db: Path) -> None:
    assert runner.invoke(main, ["search", "x", "--db", str(tmp_path / "missing.db")]).exit_code == 1
    assert not (tmp_path / "missing.db").exists()
    assert runner.invoke(main, ["search", "x", "--db", str(seed_db), "--kind", "source"]).exit_code == 2
    assert runner.invoke(main, ["search", "x", "--db", str(seed_db), "--limit", "0"]).exit_code == 2


@pytest.mark.parametrize(
    "query", [q for q in HOSTILE if "\x00" not in q and not any(0xD800 <= ord(c) < 0xE000 for c in q)]
)
def test_hostile_queries_exit_0_and_change_nothing(runner: CliRunner, seed_db: Path, query: str) -> None:
    before = file_hash(seed_db)
    code, _, err = _search(runner, seed_db, "--", query)
    assert code == 0, err
    assert "Traceback" not in err
    assert file_hash(seed_db) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(codec=None, exclude_categories=("Cs",), exclude_characters="\x00"), max_size=80))
def test_any_text_on_the_command_line(runner: CliRunner, seed_db: Path, text: str) -> None:
    # (an OS argument cannot hold NUL or a lone surrogate; the store itself is tested with them)
    for extra in ([], ["--json"]):
        result = runner.invoke(main, ["search", "--db", str(seed_db), *extra, "--", text])
        assert result.exit_code == 0, (text, result.output)
        if extra:
            assert isinstance(json.loads(result.stdout), list)

"""`dossier generate`: synthetic dossiers that are deterministic, skewed, linked, and written all or nothing."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import generate, importer
from dossier.bundle import dump_bundle
from dossier.cli import main
from dossier.store import Store, StoreError
from dossier.summaries import SUMMARY_TRIGGERS
from tests.conftest import file_hash, read_rows


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dossier of 6,000 statements: above the importer's bulk threshold, small enough to be quick."""
    path = tmp_path_factory.mktemp("gen") / "synthetic.db"
    generate.generate(path, statements=6000, actors=200, measures=60, seed=7)
    return path


def _export(path: Path) -> str:
    with Store.open(path) as store:
        return dump_bundle(store.export_bundle(), "json")


def test_the_same_seed_gives_the_same_dossier(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    generate.generate(first, statements=800, seed=3)
    generate.generate(second, statements=800, seed=3)
    generate.generate(other, statements=800, seed=4)
    assert _export(first) == _export(second)
    assert _export(first) != _export(other)


def test_speakers_are_skewed(synthetic: Path) -> None:
    counts = sorted(
        (n for (n,) in read_rows(synthetic, "SELECT count(*) FROM statements GROUP BY speaker_id")), reverse=True
    )
    assert sum(counts) == 6000
    assert counts[0] >= 0.03 * 6000  # the heaviest says at least 3 %
    assert counts[0] >= 1.2 * counts[1]
    assert statistics.median(counts) <= 6000 / 200  # most say less than their even share


def test_the_heaviest_speaker_is_reported(tmp_path: Path) -> None:
    made = generate.generate(tmp_path / "h.db", statements=2000, seed=1)
    assert made.heaviest is not None
    ((slug, count),) = read_rows(
        tmp_path / "h.db",
        "SELECT a.slug, count(*) FROM statements s JOIN actors a ON a.id = s.speaker_id"
        " GROUP BY a.id ORDER BY count(*) DESC LIMIT 1",
    )
    assert (made.heaviest.slug, made.heaviest.statements) == (slug, count)


def test_aliases_come_in_other_scripts(synthetic: Path) -> None:
    names = [name for (name,) in read_rows(synthetic, "SELECT name FROM aliases")]
    assert any(re.search("[а-яА-Я]", str(n)) for n in names)  # Cyrillic
    assert any(not str(n).isascii() and not re.search("[а-яА-Я]", str(n)) for n in names)  # another script


def test_measures_answer_each_other_in_chains_and_a_cycle(synthetic: Path) -> None:
    links = set(read_rows(synthetic, "SELECT measure_id, responds_to_id FROM measure_links"))
    assert {(1, 3), (2, 1), (3, 2)} <= links  # the cycle
    chained = read_rows(
        synthetic,
        "SELECT count(*) FROM measure_links a JOIN measure_links b ON b.measure_id = a.responds_to_id"
        " WHERE a.measure_id > 3",
    )
    assert chained[0][0] > 0  # a measure answering a measure that answers another


def test_consequences_events_and_partial_dates(synthetic: Path) -> None:
    assert read_rows(synthetic, "SELECT count(*) FROM consequences WHERE due IS NOT NULL")[0][0] > 0
    assert read_rows(synthetic, "SELECT count(*) FROM event_actors")[0][0] > 0
    lengths = {
        n for (n,) in read_rows(synthetic, "SELECT DISTINCT length(said) FROM statements WHERE said IS NOT NULL")
    }
    assert lengths == {4, 7, 10}
    assert read_rows(synthetic, "SELECT count(*) FROM statements WHERE said IS NULL")[0][0] > 0
    assert read_rows(synthetic, "SELECT count(*) FROM statement_measures")[0][0] > 0


def test_the_generated_file_is_a_sound_dossier(synthetic: Path) -> None:
    assert read_rows(synthetic, "PRAGMA foreign_key_check") == []
    assert read_rows(synthetic, "PRAGMA integrity_check") == [("ok",)]
    assert read_rows(synthetic, "INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')") == []
    triggers = {n for (n,) in read_rows(synthetic, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"statements_fts_insert", "statements_fts_delete", "statements_fts_update", *SUMMARY_TRIGGERS}
    indexes = {n for (n,) in read_rows(synthetic, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"statements_by_speaker", "statements_by_said", "statement_measures_by_measure"} <= indexes
    with Store.open(synthetic) as store:
        assert store.search_page(generate.COMMON_WORD, kind="statement").hits
        assert store.search_page("Россия", kind="actor").hits  # an alias, in the entity index


def test_a_generated_dossier_round_trips_through_a_json_bundle(synthetic: Path, empty_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "synthetic.json"
    first = _export(synthetic)
    bundle.write_text(first, encoding="utf-8")
    report = importer.import_files(empty_db, [bundle])
    assert report.inserted["statements"] == 6000
    assert _export(empty_db) == first
    assert read_rows(empty_db, "INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')") == []


def test_broken_rows_leave_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "broken.db"
    rows = [(1, "s1", 99, None, "text", "quote", None, None, None, None)]  # speaker 99 does not exist
    with pytest.raises(StoreError, match="references"):
        importer.build_database(target, [("statements", rows)])
    assert list(tmp_path.iterdir()) == []


def test_cli_generate_writes_refuses_and_replaces(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    result = runner.invoke(main, ["generate", str(path), "--statements", "500", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"generated .*g\.db: 500 statements, 20 actors, .* in \d+\.\d s; heaviest speaker .*\n", result.output
    )
    before = file_hash(path)
    again = runner.invoke(main, ["generate", str(path), "--statements", "10"])
    assert again.exit_code == 1
    assert again.output.count("\n") == 1 and "already exists (use --force" in again.output
    assert file_hash(path) == before
    forced = runner.invoke(main, ["generate", str(path), "--statements", "10", "--actors", "3", "--force"])
    assert forced.exit_code == 0
    with Store.open(path) as store:
        assert store.summary().counts["statements"] == 10


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--statements", "-1"], "--statements must be between 0 and"),
        (["--actors", "0"], "--actors must be between 1 and"),
        (["--measures", "-5"], "--measures must be between 0 and"),
    ],
)
def test_cli_generate_refuses_bad_sizes(runner: CliRunner, tmp_path: Path, args: list[str], reason: str) -> None:
    result = runner.invoke(main, ["generate", str(tmp_path / "g.db"), *args])
    assert result.exit_code == 1
    assert reason in result.output and "Traceback" not in result.output
    assert not (tmp_path / "g.db").exists()


def test_cli_generate_refuses_a_missing_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["generate", str(tmp_path / "nowhere" / "g.db"), "--statements", "5"])
    assert result.exit_code == 1
    assert "is not a directory" in result.output

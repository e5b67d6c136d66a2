"""`dossier chain`, `timeline` and `relations` through click's CliRunner, on the seed and on a ladder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.store import Store
from tests.conftest import file_hash
from tests.views_bundle import import_ladder


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["chain", "timeline", "relations"])
def test_help(runner: CliRunner, command: str) -> None:
    code, out, _ = run(runner, command, "--help")
    assert code == 0 and "Usage:" in out and "--db" in out


def test_chain_from_russias_measure_reaches_the_us_measure_and_back(runner: CliRunner, seed_db: Path) -> None:
    code, out, _ = run(runner, "chain", "russia-orders-us-diplomats-out", "--db", str(seed_db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Response chain of US diplomats in Russia over three years")
    us = next(i for i, line in enumerate(lines) if line.strip().startswith("-1"))
    root = next(i for i, line in enumerate(lines) if line.strip().startswith("root"))
    assert us < root and "[measure/us-expels-27-russian-diplomats]" in lines[us]
    assert "United States → Russia · expulsion" in out and "Russia → United States · expulsion" in out
    assert "asserted by Maria Zakharova" in out and "consequence 2022-01-31" in out
    code, out, _ = run(runner, "chain", "measure/us-expels-27-russian-diplomats", "--db", str(seed_db))
    assert code == 0
    assert "+1  2021-12-01  US diplomats in Russia over three years must leave by January 31" in out
    assert "↳ answers 27 Russian diplomats" in out


def test_chain_from_a_statement_or_a_consequence(runner: CliRunner, seed_db: Path) -> None:
    # About both measures of one chain: printed once.
    code, out, _ = run(runner, "chain", "zakharova-move-in-response", "--db", str(seed_db))
    assert code == 0 and out.count("Response chain of") == 1
    code, out, _ = run(runner, "chain", "consequence/us-27-depart-by-2022-01-30", "--db", str(seed_db))
    assert code == 0 and out.startswith("Response chain of 27 Russian diplomats")


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("zakharova", "'zakharova' is an actor; a chain starts at a measure"),
        ("nobody", "'nobody': nothing with that slug"),
        ("osce", "'osce' is an actor"),
        ("source/article-2021-12-01", "is a source; a chain starts at a measure"),
    ],
)
def test_chain_refuses_what_is_not_a_measure(runner: CliRunner, seed_db: Path, ref: str, reason: str) -> None:
    code, out, err = run(runner, "chain", ref, "--db", str(seed_db))
    assert code == 1 and out == ""
    assert reason in err and err.count("\n") == 1 and "Traceback" not in err


def test_chain_with_a_cycle_terminates(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    import_ladder(seed_db, tmp_path)
    code, out, _ = run(runner, "chain", "cycle-2", "--db", str(seed_db), "--depth", "100")
    assert code == 0
    assert out.count("↺ links back to Cycle two: a cycle") == 2
    code, out, _ = run(runner, "chain", "cycle-2", "--db", str(seed_db), "--json")
    (chain,) = json.loads(out)
    assert [(s["depth"], s["measure"]["slug"]) for s in chain["steps"]] == [
        (-2, "cycle-3"),
        (-1, "cycle-1"),
        (0, "cycle-2"),
        (1, "cycle-3"),
        (2, "cycle-1"),
    ]


def test_timeline_puts_the_seed_dates_in_order(runner: CliRunner, seed_db: Path) -> None:
    code, out, err = run(runner, "timeline", "--db", str(seed_db))
    assert code == 0 and err == ""
    days = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert days == ["2014, year only", "2021-12-01", "2021-12-02", "2022, year only", "2022-01-30", "2022-01-31"]
    assert "  event      Blinken and Lavrov expected to meet" in out
    assert "  due        United States: U.S. diplomats who have been in Russia" in out


def test_timeline_filters(runner: CliRunner, seed_db: Path) -> None:
    code, out, _ = run(runner, "timeline", "--db", str(seed_db), "--kind", "consequence", "--from", "2022-01")
    assert code == 0
    assert [line for line in out.splitlines() if not line.startswith(" ")] == ["2022-01-30", "2022-01-31"]
    code, out, _ = run(runner, "timeline", "--db", str(seed_db), "--actor", "zakharova", "--to", "2021-12")
    assert code == 0 and out.count("  statement  Maria Zakharova: ") == 3 and "2022" not in out
    code, out, _ = run(runner, "timeline", "--db", str(seed_db), "--kind", "event", "--kind", "measure")
    assert "  announced  Russia → United States: " in out and out.count("  event ") == 2


def test_timeline_says_when_there_is_more(runner: CliRunner, seed_db: Path) -> None:
    code, out, err = run(runner, "timeline", "--db", str(seed_db), "--limit", "3")
    assert code == 0 and len([line for line in out.splitlines() if line.startswith("  ")]) == 3
    assert "more after 3 items" in err
    code, out, err = run(runner, "timeline", "--db", str(seed_db), "--from", "2030")
    assert code == 0 and out == "" and "nothing dated matches" in err


def test_timeline_json_has_every_dated_item_once(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    import_ladder(seed_db, tmp_path)
    with Store.open(seed_db) as store:
        expected = [(i.entity, i.slug, i.kind) for i in store.timeline(limit=10_000)]
    code, out, _ = run(runner, "timeline", "--db", str(seed_db), "--json", "--limit", "1000")
    items = json.loads(out)
    assert [(i["entity"], i["slug"], i["kind"]) for i in items] == expected
    assert len(set(expected)) == len(expected) > 20
    assert [i["date"] for i in items] == sorted(i["date"] for i in items)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--from", "2022-13"], "the from date '2022-13' is not a date"),
        (["--to", "soon"], "the to date 'soon' is not a date"),
        (["--actor", "nobody"], "nothing with that slug"),
        (["--kind", "gossip"], "Invalid value for '--kind'"),
    ],
)
def test_timeline_refuses_bad_input(runner: CliRunner, seed_db: Path, args: list[str], reason: str) -> None:
    before = file_hash(seed_db)
    code, _, err = run(runner, "timeline", "--db", str(seed_db), *args)
    assert code != 0 and reason in err and "Traceback" not in err
    assert file_hash(seed_db) == before


def test_relations_show_both_directions(runner: CliRunner, seed_db: Path) -> None:
    code, out, _ = run(runner, "relations", "--db", str(seed_db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "United States ⇄ Russia"
    assert lines[1].startswith("  United States → Russia: 2 measures — 27 diplomats and their families")
    assert lines[1].endswith("· 3 consequences")
    assert any(line.startswith("  Russia → United States: 1 measure — US diplomats who have been") for line in lines)
    assert "    replies from the Russia side: 10 statements (condemns 6, comments 2, demands 2)" in lines
    assert "    replies from the United States side: no statements" in lines
    code, out, _ = run(runner, "relations", "--db", str(seed_db), "--actor", "russia")
    assert out.splitlines()[0] == "Russia ⇄ United States"
    code, out, _ = run(runner, "relations", "--db", str(seed_db), "--json")
    (pair,) = json.loads(out)
    assert (pair["forward"]["measure_count"], pair["backward"]["measure_count"]) == (2, 1)


def test_relations_of_an_actor_without_measures(runner: CliRunner, seed_db: Path) -> None:
    code, out, err = run(runner, "relations", "--db", str(seed_db), "--actor", "ukraine")
    assert code == 0 and out == "" and "no measures between two actors" in err


def test_views_print_no_terminal_escapes(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evil.yaml"
    bundle.write_text(
        "statements:\n"
        '  - {slug: evil, speaker: lavrov, said: "2021-12-03", text: "a\\e]0;pwned\\abc\\e[31mred\\u009b2J\\u202eX",\n'
        "     about: [{measure: us-expels-27-russian-diplomats}]}\n",
        encoding="utf-8",
    )
    assert run(runner, "import", str(bundle), "--db", str(seed_db))[0] == 0
    for args in (["timeline"], ["relations"], ["chain", "evil"]):
        code, out, _ = run(runner, *args, "--db", str(seed_db))
        assert code == 0
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in out, (args, bad)
    code, out, _ = run(runner, "timeline", "--db", str(seed_db), "--json", "--from", "2021-12-03")
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    (item,) = [i for i in json.loads(out) if i["slug"] == "evil"]
    assert item["summary"] == "a\x1b]0;pwned\x07bc\x1b[31mred\x9b2J\u202eX"  # JSON keeps the text exact


def test_missing_database_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    for command in (["chain", "x"], ["timeline"], ["relations"]):
        code, _, err = run(runner, *command, "--db", str(tmp_path / "missing.db"))
        assert code == 1 and "no such file" in err
    assert not (tmp_path / "missing.db").exists()

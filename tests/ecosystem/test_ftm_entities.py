"""`dossier export --format ftm` and FtM JSON lines into `dossier import`, checked by the followthemoney library."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from followthemoney import model
from followthemoney.statement import Statement

from dossier.cli import main
from dossier.importer import init_database
from dossier.store import Store
from tests.conftest import file_hash, read_rows

RYABKOV = "ryabkov-language-of-ultimatums"


def _export(runner: CliRunner, db: Path, fmt: str = "ftm") -> list[dict[str, Any]]:
    result = runner.invoke(main, ["export", "--db", str(db), "--format", fmt])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def _by_id(entities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entity["id"]: entity for entity in entities}


def _one(entities: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    (found,) = [entity for entity in entities if entity["id"].startswith(prefix + ".")]
    return found


def test_every_entity_is_valid_and_no_reference_dangles(seed_db: Path, runner: CliRunner) -> None:
    entities = _export(runner, seed_db)
    ids = _by_id(entities)
    assert len(ids) == len(entities)  # no id twice
    counts = Counter(entity["schema"] for entity in entities)
    assert counts == {
        "Article": 1,
        "Person": 5,
        "Organization": 6,
        "PublicBody": 3,
        "Employment": 5,
        "Membership": 3,
        "Event": 25,
        "UnknownLink": 34,
    }
    for entity in entities:
        schema = model.get(entity["schema"])
        assert schema is not None
        proxy = model.get_proxy(entity, cleaned=False)
        schema.validate(proxy.to_dict())  # raises InvalidData
        for prop in proxy.iterprops():
            if prop.type.name == "entity":
                for target in proxy.get(prop):
                    assert target in ids, f"{entity['id']}.{prop.name} -> {target}"
                    assert model.get(ids[target]["schema"]).is_a(prop.range), f"{entity['id']}.{prop.name}"


def test_ftm_cleaning_changes_and_drops_nothing(seed_db: Path, runner: CliRunner) -> None:
    for entity in _export(runner, seed_db):
        cleaned = model.get_proxy(entity, cleaned=False).to_dict()
        assert cleaned["id"] == entity["id"]
        assert cleaned["schema"] == entity["schema"]
        before = {prop: sorted(values) for prop, values in entity["properties"].items()}
        after = {prop: sorted(values) for prop, values in cleaned["properties"].items()}
        assert after == before, entity["id"]


def test_ids_are_stable_across_exports_and_namespaced_by_the_dossier(
    seed_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    first = _export(runner, seed_db)
    rebuilt = tmp_path / "rebuilt.db"
    init_database(rebuilt)  # the seed names its identity: the same ids on every machine
    assert [e["id"] for e in _export(runner, rebuilt)] == [e["id"] for e in first]
    assert _export(runner, seed_db) == first
    # Another dossier holding the same slugs gets other ids.
    other = tmp_path / "other.db"
    init_database(other, empty=True)
    exported = tmp_path / "seed.yaml"
    assert runner.invoke(main, ["export", "--db", str(seed_db), "-o", str(exported)]).exit_code == 0
    text = exported.read_text(encoding="utf-8").replace(
        "63ffc967-4b9f-4ab9-b62f-3e350754de9f", "0" * 8 + "-0000-4000-8000-" + "0" * 12
    )
    exported.write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["import", str(exported), "--db", str(other)]).exit_code == 0
    theirs = {e["id"] for e in _export(runner, other)}
    assert not theirs & {e["id"] for e in first}
    assert {i.split(".")[0] for i in theirs} == {e["id"].split(".")[0] for e in first}


def test_what_ftm_can_hold_is_kept(seed_db: Path, runner: CliRunner) -> None:
    entities = _export(runner, seed_db)
    ryabkov = _one(entities, "actor-ryabkov")
    assert ryabkov["schema"] == "Person"
    quote = _one(entities, f"statement-{RYABKOV}")
    props = quote["properties"]
    assert props["description"] == [
        "We reject the American language of ultimatums, which they also employ in other areas of our relationship."
        " We shall return the favor."
    ]
    assert props["organizer"] == [ryabkov["id"]]
    assert props["keywords"] == ["quote"]  # quote or paraphrase
    assert props["date"] == ["2021-12-01"]
    source = _one(entities, "source-article-2021-12-01")
    assert props["proof"] == [source["id"]]  # the source as proof
    role = _one(entities, f"speaker-role-{RYABKOV}")["properties"]  # the role on that day
    assert role == {
        "subject": [ryabkov["id"]],
        "object": [quote["id"]],
        "role": ["Russia's Deputy Foreign Minister"],
        "date": ["2021-12-01"],
    }
    stance = _one(entities, f"stance-{RYABKOV}--russia-orders-us-diplomats-out")["properties"]
    assert stance["role"] == ["threatens"]  # the stance of a statement on a measure
    assert stance["object"] == [_one(entities, "measure-russia-orders-us-diplomats-out")["id"]]
    via = [e for e in entities if e["properties"].get("publisher") == ["RIA"]]
    assert via and all(e["schema"] == "Event" for e in via)
    paraphrases = [e for e in entities if e["properties"].get("keywords") == ["paraphrase"]]
    assert len(paraphrases) >= 2
    response = _one(entities, "response-russia-orders-us-diplomats-out--us-expels-27-russian-diplomats")["properties"]
    assert response["role"] == ["responds to"]


def test_alias_languages_are_kept_as_ftm_statements(seed_db: Path, runner: CliRunner) -> None:
    statements = [Statement.from_dict(data) for data in _export(runner, seed_db, "ftm-statements")]
    aliases = {
        (s.value, s.lang) for s in statements if s.prop == "alias" and s.entity_id.startswith("actor-zakharova.")
    }
    assert aliases == {("Мария Захарова", "rus")}
    entities = {s.entity_id for s in statements}
    assert len(entities) == len(_export(runner, seed_db))


def test_export_without_the_extra_says_so_in_one_line(
    seed_db: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dossier.ftm

    monkeypatch.setattr(dossier.ftm, "available", lambda: False)
    result = runner.invoke(main, ["export", "--db", str(seed_db), "--format", "ftm"])
    assert result.exit_code == 1
    assert result.output == "dossier: error: " + dossier.ftm.MISSING + "\n"


# --------------------------------------------------------------------------- import


def _lines(*entities: dict[str, Any]) -> str:
    return "".join(json.dumps(entity, ensure_ascii=False) + "\n" for entity in entities)


OPENSANCTIONS_LIKE = [
    {
        "id": "Q1234",
        "schema": "Person",
        "properties": {
            "name": ["Ivan Petrov"],
            "alias": ["Иван Петров"],
            "nationality": ["ru"],
            "position": ["Deputy Minister"],
            "notes": ["A made-up person."],
        },
    },
    {"id": "ofac-5678", "schema": "Organization", "properties": {"name": ["Acme Export"], "country": ["cy"]}},
    {
        "id": "gov-ministry",
        "schema": "PublicBody",
        "properties": {"name": ["Ministry of Things"], "jurisdiction": ["ru"]},
    },
    {"id": "le-1", "schema": "LegalEntity", "properties": {"name": ["Unknown Holder Ltd"]}},
    {
        "id": "sanction-ofac-1",
        "schema": "Sanction",
        "properties": {
            "entity": ["Q1234"],
            "authority": ["Office of Foreign Assets Control"],
            "program": ["RUSSIA-EO14024"],
            "startDate": ["2022-02-24"],
            "listingDate": ["2022-02-24"],
            "status": ["Active"],
        },
    },
    {"id": "ship-1", "schema": "Vessel", "properties": {"name": ["Sea Star"]}},
]


def test_import_reads_opensanctions_like_entities(empty_db: Path, tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(_lines(*OPENSANCTIONS_LIKE), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(empty_db)])
    assert result.exit_code == 0, result.output
    assert f"{path}:6: Vessel ship-1: left out: a dossier has no place for Vessel entities" in result.output
    rows = read_rows(empty_db, "SELECT slug, name, kind, country, role FROM actors ORDER BY id")
    assert rows == [
        ("q1234", "Ivan Petrov", "person", "RU", "Deputy Minister"),
        ("ofac-5678", "Acme Export", "organization", "CY", None),
        ("gov-ministry", "Ministry of Things", "organization", "RU", None),
        ("le-1", "Unknown Holder Ltd", "organization", None, None),
    ]
    assert read_rows(empty_db, "SELECT name FROM aliases") == [("Иван Петров",)]
    measure = read_rows(
        empty_db,
        "SELECT m.slug, m.title, m.kind, a.slug, m.announced, m.effective, m.status, m.description"
        " FROM measures m JOIN actors a ON a.id = m.target_id",
    )
    assert measure == [
        (
            "sanction-ofac-1",
            "RUSSIA-EO14024",
            "sanction",
            "q1234",
            "2022-02-24",
            "2022-02-24",
            "in-force",
            "Office of Foreign Assets Control",
        )
    ]
    again = runner.invoke(main, ["import", str(path), "--db", str(empty_db)])
    assert again.exit_code == 0
    assert "nothing changed" in again.output


def test_our_export_imports_back_with_its_slugs(
    seed_db: Path, empty_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "seed.ftm.json"
    assert runner.invoke(main, ["export", "--db", str(seed_db), "--format", "ftm", "-o", str(path)]).exit_code == 0
    result = runner.invoke(main, ["import", str(path), "--db", str(empty_db)])
    assert result.exit_code == 0, result.output
    assert "left out: a dossier has no place for Event entities" in result.output
    columns = "SELECT slug, name, kind, country FROM actors ORDER BY slug"
    assert read_rows(empty_db, columns) == read_rows(seed_db, columns)
    aliases = "SELECT a.slug, l.name FROM aliases l JOIN actors a ON a.id = l.actor_id ORDER BY 1, 2"
    assert read_rows(empty_db, aliases) == read_rows(seed_db, aliases)


@pytest.mark.parametrize(
    ("entity", "reason"),
    [
        ({"id": "p1", "schema": "Person", "properties": {"country": ["xx"]}}, ":1: not a valid FtM Person"),
        (
            {"id": "p1", "schema": "Starship", "properties": {"name": ["X"]}},
            ":1: schema: 'Starship' is not an FtM schema",
        ),
        (
            {"id": "p1", "schema": "Person", "properties": {"name": ["X"], "birthDate": ["yesterday"]}},
            ":1: not a valid",
        ),
    ],
)
def test_an_invalid_entity_refuses_the_file(
    seed_db: Path, tmp_path: Path, runner: CliRunner, entity: dict[str, Any], reason: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(_lines(entity, OPENSANCTIONS_LIKE[0]), encoding="utf-8")
    before = file_hash(seed_db)
    result = runner.invoke(main, ["import", str(path), "--db", str(seed_db)])
    assert result.exit_code == 1, result.output
    assert f"{path}{reason}" in result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    assert file_hash(seed_db) == before


def test_a_sanction_on_an_entity_not_in_the_file_is_left_out_with_a_reason(
    empty_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "s.json"
    path.write_text(_lines(OPENSANCTIONS_LIKE[1], {**OPENSANCTIONS_LIKE[4]}), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(empty_db)])
    assert result.exit_code == 0, result.output
    assert "Sanction sanction-ofac-1: left out: the entity it sanctions is not in the file" in result.output
    assert read_rows(empty_db, "SELECT count(*) FROM measures") == [(0,)]


def test_import_of_ftm_without_the_extra_says_so(
    empty_db: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dossier.ftm

    monkeypatch.setattr(dossier.ftm, "available", lambda: False)
    path = tmp_path / "e.json"
    path.write_text(_lines(OPENSANCTIONS_LIKE[0]), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(empty_db)])
    assert result.exit_code == 1
    assert dossier.ftm.MISSING in result.output


def test_the_store_identity_is_what_names_the_ids(seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        assert store.identity() == "63ffc967-4b9f-4ab9-b62f-3e350754de9f"


HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile.yaml"


def test_the_hostile_dossier_exports_valid_entities_and_says_what_it_left_out(
    empty_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    assert runner.invoke(main, ["import", str(HOSTILE), "--db", str(empty_db)]).exit_code == 0
    out = tmp_path / "hostile.ftm.json"
    result = runner.invoke(main, ["export", "--db", str(empty_db), "--format", "ftm", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "is not a valid FtM name; left out" in result.output  # a name longer than FtM takes
    text = out.read_text(encoding="utf-8")
    assert not any(0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066\u200f" for c in text)
    for line in text.splitlines():
        entity = json.loads(line)
        model.get(entity["schema"]).validate(entity)

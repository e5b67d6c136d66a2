"""Reading and writing bundles: plain data only, every problem with file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.bundle import BundleError, check_references, dump_bundle, load_bundles, read_bundle, read_bundle_bytes


def _problems(raw: bytes, fmt: str = "yaml") -> list[str]:
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(raw, "b.yaml" if fmt == "yaml" else "b.json", fmt)
    return [str(p) for p in caught.value.problems]


def test_yaml_scalars_stay_strings() -> None:
    loaded = read_bundle_bytes(
        b"actors:\n  - {slug: a, name: NO, kind: person, role: '012', description: yes}\n"
        b"statements:\n  - {slug: s, speaker: a, text: 012, said: 2021-12-01}\n",
        "b.yaml",
        "yaml",
    )
    actor = loaded.bundle.actors[0]
    assert (actor.name, actor.role, actor.description) == ("NO", "012", "yes")
    assert loaded.bundle.statements[0].text == "012"
    assert loaded.bundle.statements[0].said == "2021-12-01"


def test_field_problems_name_file_line_and_path() -> None:
    problems = _problems(
        b"actors:\n  - slug: a\n    name: A\n    kind: persn\n    colour: red\n"
        b"statements:\n  - {slug: s, speaker: a, text: t, said: 2021-13-01}\n"
    )
    assert "b.yaml:4: actors.0.kind: Input should be 'person', 'organization', 'state', 'media' or 'group'" in problems
    assert "b.yaml:5: actors.0.colour: unknown field" in problems
    assert "b.yaml:7: statements.0.said: '2021-13-01' is not a real date" in problems
    assert len(problems) == 3


def test_json_problems_have_lines_too() -> None:
    raw = json.dumps({"actors": [{"slug": "a", "name": "A", "kind": "person", "bogus": "x"}]}, indent=2).encode()
    assert _problems(raw, "json") == ["b.json:7: actors.0.bogus: unknown field"]


def test_anchors_and_aliases_are_refused_at_once() -> None:
    bomb = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for n in range(1, 12):
        bomb += f"{chr(97 + n)}: &{chr(97 + n)} [".encode() + b",".join([f"*{chr(96 + n)}".encode()] * 9) + b"]\n"
    problems = _problems(bomb)
    assert any("anchors and aliases are not allowed" in p for p in problems)


def test_tags_duplicate_keys_and_bad_text_are_refused() -> None:
    assert "not allowed" in _problems(b"actors: !!python/object:os.system {}\n")[0]
    assert _problems(b"actors: []\nactors: []\n") == ["b.yaml:2: actors: duplicate key"]
    assert "not UTF-8" in _problems(b"actors:\n  - {slug: a, name: \xff, kind: person}\n")[0]
    assert "NUL" in _problems(b"actors: []\x00\n")[0]
    assert "not valid YAML" in _problems(b"actors: [\n  {slug: a\n")[0]
    assert "not valid JSON" in _problems(b'{"actors": [', "json")[0]
    assert "duplicate key" in _problems(b'{"actors": [], "actors": []}', "json")[0]


def test_a_bundle_must_be_a_mapping() -> None:
    assert "must be a mapping" in _problems(b"- a\n- b\n")[0]
    assert "empty" in _problems(b"")[0]


def test_references_are_checked_across_bundles(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("actors:\n  - {slug: a, name: A, kind: person}\n")
    (tmp_path / "two.yaml").write_text(
        "statements:\n  - {slug: s, speaker: a, text: t}\n  - {slug: s2, speaker: ghost, text: t}\n"
        "measures:\n  - {slug: m, title: M, kind: other, in_response_to: [{measure: m}]}\n"
    )
    with pytest.raises(BundleError) as caught:
        load_bundles([tmp_path / "one.yaml", tmp_path / "two.yaml"])
    problems = [str(p) for p in caught.value.problems]
    assert f"{tmp_path / 'two.yaml'}:3: statements.1.speaker: unknown actor 'ghost'" in problems
    assert any("a measure cannot respond to itself" in p for p in problems)
    assert len(problems) == 2


def test_duplicate_slugs_are_found_across_files(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text("actors:\n  - {slug: a, name: A, kind: person}\n")
    with pytest.raises(BundleError, match="duplicate slug 'a'"):
        load_bundles([tmp_path / "one.yaml", tmp_path / "two.yaml"])


def test_references_may_name_what_the_database_has() -> None:
    loaded = read_bundle_bytes(b"statements:\n  - {slug: s, speaker: zakharova, text: t}\n", "b.yaml", "yaml")
    assert check_references([loaded], {"actors": {"zakharova"}}) == []
    assert len(check_references([loaded], {})) == 1


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_then_read_gives_the_same_bundle(tmp_path: Path, fmt: str) -> None:
    seed = read_bundle(Path(__file__).resolve().parents[2] / "db" / "seed" / "dossier.yaml").bundle
    path = tmp_path / f"out.{fmt}"
    path.write_text(dump_bundle(seed, fmt), encoding="utf-8")
    assert read_bundle(path).bundle == seed


def test_missing_and_directory_paths(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no such file"):
        read_bundle(tmp_path / "nope.yaml")
    with pytest.raises(BundleError, match="directory"):
        read_bundle(tmp_path)

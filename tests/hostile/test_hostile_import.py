"""Import refuses what SQLite or the screen cannot hold: one reason per problem, with file and line,
exit 1 through the CLI without a traceback, and the database byte for byte as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.bundle import BundleError, Problem, dump_bundle, read_bundle, read_bundle_bytes
from dossier.cli import main
from dossier.store import Store
from tests.conftest import file_hash

SEED = Path(__file__).resolve().parents[2] / "db" / "seed" / "dossier.yaml"


def _alias_bomb(levels: int = 12) -> bytes:
    """A "billion laughs": each level is nine aliases of the one before (9**12 strings if expanded)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _truncated_seed(fmt: str) -> bytes:
    """The seed cut inside a quoted string half way through, as an interrupted copy leaves it."""
    text = SEED.read_bytes() if fmt == "yaml" else dump_bundle(read_bundle(SEED).bundle, fmt).encode("utf-8")
    return text[: text.index(b': "', len(text) // 2) + 8]


REFUSED: list[tuple[str, bytes, list[str]]] = [
    # name, content, what the output must say (the file name is prefixed to each `:line` below)
    ("nul-raw.yaml", b'actors:\n  - {slug: a, name: "x\x00y", kind: person}\n', [":2: contains a NUL character"]),
    (
        "nul-escape.yaml",
        b'actors:\n  - {slug: a, name: "x\\0y", kind: person}\n',
        [":2: actors.0.name: contains a NUL"],
    ),
    (
        "nul.json",
        b'{"actors": [\n {"slug": "a", "name": "x\\u0000y", "kind": "person"}]}',
        [":2: actors.0.name: contains a NUL"],
    ),
    (
        "surrogate.json",
        b'{"actors": [\n {"slug": "a",\n  "name": "x\\ud800y", "kind": "person"}]}',
        [":3: actors.0.name: contains a lone surrogate"],
    ),
    (
        "surrogate-low.json",
        b'{"statements": [{"slug": "s", "speaker": "zakharova",\n "text": "\\udfff"}]}',
        [":2: statements.0.text: contains a lone surrogate"],
    ),
    (
        "surrogate-key.json",
        b'{"actors": [\n {"slug": "a", "name": "A", "kind": "person",\n  "\\ud800\\u001b]0;pwned\\u0007": 1}]}',
        [":2: actors.0: a key contains a lone surrogate"],
    ),
    ("surrogate.yaml", b'actors:\n  - {slug: a, name: "x\\ud800y", kind: person}\n', [":2: not valid YAML"]),
    (
        "bigint.json",
        b'{"actors": [\n {"slug": "a", "kind": "person",\n  "name": 1180591620717411303424}]}',
        [":3: actors.0.name: Input should be a valid string"],
    ),
    (
        "bigint-role.json",
        b'{"actors": [{"slug": "a", "kind": "person", "name": "A", "role": -1180591620717411303424}]}',
        [":1: actors.0.role: Input should be a valid string"],
    ),
    (
        "float.json",
        b'{"actors": [{"slug": "a", "kind": "person", "name": 1e999}]}',
        ["actors.0.name: Input should be a valid string"],
    ),
    (
        "nan.json",
        b'{"actors": [{"slug": "a", "kind": "person", "name": NaN}]}',
        ["not valid JSON: NaN is not a JSON number"],
    ),
    ("bomb.yaml", _alias_bomb(), ["a1.0: anchors and aliases are not allowed"]),
    (
        "tag.yaml",
        b'actors: !!python/object/apply:os.system ["echo pwned"]\n',
        [":1: actors: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"],
    ),
    (
        "tag-int.yaml",
        b"actors:\n  - {slug: a, name: !!int 12, kind: person}\n",
        [":2: actors.0.name: tag 'tag:yaml.org,2002:int' is not allowed"],
    ),
    (
        "tag-local.yaml",
        b"actors:\n  - !actor {slug: a, name: A, kind: person}\n",
        [":2: actors.0: tag '!actor' is not allowed"],
    ),
    (
        "latin1.yaml",
        "actors:\n  - {slug: a, name: José, kind: person}\n".encode("latin-1"),
        [":2: not UTF-8 text (byte 0xe9 at offset 31)"],
    ),
    ("utf16.yaml", "actors: []\n".encode("utf-16"), ["is UTF-16 text; save it as UTF-8"]),
    ("utf16.json", '{"actors": []}'.encode("utf-16-be").join([b"\xfe\xff", b""]), ["is UTF-16 text; save it as UTF-8"]),
    (
        "cut-char.yaml",
        "actors:\n  - {slug: a, name: 'Жу".encode()[:-1],
        [":2: ends in the middle of a UTF-8 character"],
    ),
    ("truncated.yaml", _truncated_seed("yaml"), ["does not end with a line break, so it may be cut short"]),
    (
        "truncated-quote.yaml",
        b'actors:\n  - {slug: a, name: "unfinished\n',
        [":3: not valid YAML", "unexpected end of stream"],
    ),
    ("truncated.json", _truncated_seed("json"), ["not valid JSON: Unterminated string"]),
    ("empty.yaml", b"", [":1: the bundle is empty"]),
    ("blank.json", b"  \n", ["not valid JSON"]),
    ("comments.yaml", b"# nothing but a comment\n\n", [":1: the bundle is empty"]),
    ("deep.yaml", b"actors: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", [":1: not valid YAML", "nesting depth"]),
    ("deep-block.yaml", "".join(" " * i + "-\n" for i in range(2_000)).encode(), ["not valid YAML", "nesting depth"]),
    ("deep.json", b'{"actors": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", ["not valid JSON: nested too deeply"]),
    ("deep-ok.json", b'{"actors": ' + b"[" * 500 + b"]" * 500 + b"}", ["actors.0: Input should be a valid dictionary"]),
    (
        "slug-newline.json",
        b'{"actors": [{"slug": "a\\n", "name": "A", "kind": "person"}]}',
        ["actors.0.slug: 'a\\n' is not a slug"],
    ),
    (
        "date-digits.yaml",
        "statements:\n  - {slug: s, speaker: zakharova, text: t, said: ٢٠٢١-١٢-٠١}\n".encode(),
        [":2: statements.0.said: '٢٠٢١-١٢-٠١' is not an ISO date"],
    ),
    ("sequence.yaml", b"- actors\n- measures\n", [":1: a bundle must be a mapping"]),
    ("scalar.json", b'"actors"', [":1: a bundle must be a mapping"]),
    ("key-not-string.yaml", b"? [a, b]\n: x\n", [":1: a key must be a plain string"]),
]


@pytest.mark.parametrize(("name", "content", "expected"), REFUSED, ids=[case[0] for case in REFUSED])
def test_refused_bundles_exit_1_with_reasons_and_change_nothing(
    runner: CliRunner, seed_db: Path, tmp_path: Path, name: str, content: bytes, expected: list[str]
) -> None:
    bundle = tmp_path / name
    bundle.write_bytes(content)
    before = file_hash(seed_db)
    result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # handled, not a crash
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[-1].startswith("dossier: error: refused: ") and lines[-1].endswith("nothing was written")
    for line in lines[:-1]:
        assert line.startswith(str(bundle)), line  # every problem names the file
        assert line.isprintable(), line  # and is one printable line
    for part in expected:
        wanted = f"{bundle}{part}" if part.startswith(":") else part
        assert wanted in result.output, result.output
    assert file_hash(seed_db) == before
    assert sorted(p.name for p in seed_db.parent.iterdir() if p.name.startswith("seed.db")) == ["seed.db"]


def test_a_directory_is_refused(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bundle.yaml"
    folder.mkdir()
    before = file_hash(seed_db)
    result = runner.invoke(main, ["import", str(folder), "--db", str(seed_db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{folder}: is a directory, not a bundle file" in result.output
    assert file_hash(seed_db) == before


def test_one_bad_file_among_good_ones_writes_nothing(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("actors:\n  - {slug: newcomer, name: New, kind: person}\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"statements": [{"slug": "s", "speaker": "newcomer", "text": "\\ud800"}]}')
    before = file_hash(seed_db)
    result = runner.invoke(main, ["import", str(good), str(bad), "--db", str(seed_db)])
    assert result.exit_code == 1 and f"{bad}:1: statements.0.text: contains a lone surrogate" in result.output
    assert file_hash(seed_db) == before


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    # 9**12 strings if expanded: refusal must come from the first alias, not from memory running out.
    with pytest.raises(BundleError, match="anchors and aliases are not allowed"):
        read_bundle_bytes(_alias_bomb(40), "bomb.yaml", "yaml")


def test_plain_scalars_stay_the_strings_they_look_like(runner: CliRunner, seed_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "scalars.yaml"
    bundle.write_text(
        "actors:\n"
        "  - {slug: norway, name: NO, kind: state, country: 'NO', role: yes, description: 012}\n"
        "  - {slug: hexa, name: 0x10, kind: person, role: 1e3, description: ~}\n"
        "  - {slug: truthy, name: true, kind: person, role: off, description: .inf}\n"
        "statements:\n"
        "  - {slug: nully, speaker: hexa, text: null, said: 2021-12-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(BundleError) as caught:
        read_bundle(bundle)
    # `null` is null, and a statement needs text: the only problem.
    assert [str(p) for p in caught.value.problems] == [f"{bundle}:6: statements.0.text: Input should be a valid string"]
    bundle.write_text(bundle.read_text(encoding="utf-8").replace("text: null", "text: 'null'"), encoding="utf-8")
    result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    with Store.open(seed_db) as store:
        exported = {a.slug: a for a in store.export_bundle().actors}
    assert (exported["norway"].name, exported["norway"].role, exported["norway"].description) == ("NO", "yes", "012")
    assert (exported["hexa"].name, exported["hexa"].role, exported["hexa"].description) == ("0x10", "1e3", None)
    assert (exported["truthy"].name, exported["truthy"].role, exported["truthy"].description) == ("true", "off", ".inf")


def test_json_escaped_surrogate_pairs_are_one_character(empty_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "emoji.json"
    bundle.write_text(json.dumps({"actors": [{"slug": "e", "name": "😀 [sic]", "kind": "person"}]}), encoding="ascii")
    assert "\\ud83d\\ude00" in bundle.read_text(encoding="ascii")
    assert read_bundle(bundle).bundle.actors[0].name == "😀 [sic]"


def test_problem_lines_escape_what_is_not_printable() -> None:
    problem = Problem("a\nb.yaml", 3, "actors.0.\ud800\x1b]0;x\x07", "bad")
    assert str(problem) == "a\\nb.yaml:3: actors.0.\\ud800\\x1b]0;x\\x07: bad"

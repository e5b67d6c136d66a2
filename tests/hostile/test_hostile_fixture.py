"""The hostile fixture: it imports, every view shows its text literally, nothing acts on the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.bundle import dump_bundle, read_bundle_bytes
from dossier.cli import main
from dossier.importer import import_files
from dossier.store import Store
from dossier.text import forbidden_chars
from tests.fixtures.hostile_expect import (
    HOSTILE_BUNDLE,
    LONG_WORD,
    NEVER_SHOWN,
    PROBES,
    VIA,
    field_values,
    hostile_bundle,
)

FORBIDDEN_CHARS = forbidden_chars()

HOSTILE_KINDS = {
    "markup": "[bold]x[/]",
    "action": "[@click=app.quit]",
    "spaced action": "[ @click=app.quit]",
    "unclosed": "x[/",
    "stray close": "stray [/] close",
    "sic": "He said [sic] that",
    "link": "[link=https://evil]",
    "OSC title": "\x1b]0;pwned\x07",
    "OSC 52 clipboard": "\x1b]52;c;aGk=\x07",
    "CSI": "\x1b[2J\x1b[31m",
    "8-bit CSI": "\x9b31m",
    "8-bit OSC": "\x9d0;pwned\x9c",
    "DCS": "\x1bP1$r0m\x1b\\",
    "bidi override": "\u202e",
    "bidi isolate": "\u2066",
    "Arabic": "زاخاروفا",
    "Hebrew": "זכרובה",
    "Chinese": "扎哈罗娃",
    "Japanese": "ザハロワ",
    "emoji ZWJ family": "👨\u200d👩\u200d👧\u200d👦",
    "flag": "🇺🇦",
    "combining marks": "\u0335\u0322",
    "3,000-character word": LONG_WORD,
    "SQL": "'; DROP TABLE",
    "placeholders": "%s %d {0} {} $HOME ${var}",
    "backslashes": "\\",
    "tab": "\t",
}


@pytest.fixture
def hostile_db(empty_db: Path) -> Path:
    import_files(empty_db, [HOSTILE_BUNDLE])
    return empty_db


def test_every_kind_of_hostile_text_is_in_the_fixture() -> None:
    raw = "\n".join(value for value, _ in field_values().values())
    missing = [kind for kind, needle in HOSTILE_KINDS.items() if needle not in raw]
    assert missing == []
    assert len(LONG_WORD) == 3000 and " " not in LONG_WORD
    assert max(len(value) for value, _ in field_values().values()) > 3000  # a very long line too


@pytest.mark.parametrize(
    "field",
    [
        "actors.name",
        "actors.role",
        "actors.aliases.name",
        "actors.description",
        "measures.title",
        "measures.quantity",
        "measures.consequences.description",
        "statements.text",
        "statements.via",
        "statements.speaker_role",
        "events.title",
        "events.place",
        "sources.title",
        "sources.outlet",
        "sources.note",
    ],
)
def test_every_shown_field_holds_hostile_text(field: str) -> None:
    section, *rest = field.split(".")
    values = [
        raw
        for path, (raw, _) in field_values().items()
        if path.startswith(f"bundle.{section}.") and [p for p in path.split(".")[3:] if not p.isdigit()] == rest
    ]
    assert values, field
    # markup-like text and text that cleaning must change (escapes, bidi, tabs) in every field kind
    assert any("[" in v or "{" in v or "%" in v for v in values) or any(
        any(ord(c) > 0x2FF for c in v) for v in values
    ), field
    assert any(v != v.encode("ascii", "ignore").decode() or "\\" in v or "[" in v for v in values), field


def test_probes_are_what_cleaning_shows() -> None:
    bundle = hostile_bundle()
    first: dict[str, str] = {}
    for actor in bundle.actors:
        first[actor.slug] = actor.name
    for measure in bundle.measures:
        first[measure.slug] = measure.title
        for n, consequence in enumerate(measure.consequences, 1):
            first[f"{measure.slug}-c{n}"] = consequence.description
    for statement in bundle.statements:
        first[statement.slug] = statement.text
    for event in bundle.events:
        first[event.slug] = event.title
    for source in bundle.sources:
        first[source.slug] = source.title
    from tests.fixtures.hostile_expect import shown

    for slug, probe in PROBES.items():
        assert shown(first[slug]).startswith(probe), slug
    vias = {s.slug: s.via for s in bundle.statements if s.via}
    for slug, via in VIA.items():
        assert shown(vias[slug]) == via, slug


def test_what_is_never_shown_is_in_the_bundle_but_not_on_screen() -> None:
    values = field_values().values()
    for needle in NEVER_SHOWN:
        assert any(needle in raw for raw, _ in values), needle
        assert not any(needle in shown for _, shown in values), needle
    assert not any(FORBIDDEN_CHARS.intersection(shown) for _, shown in values)


def test_the_fixture_imports_through_the_cli(runner: CliRunner, empty_db: Path) -> None:
    result = runner.invoke(main, ["import", str(HOSTILE_BUNDLE), "--db", str(empty_db)])
    assert result.exit_code == 0, result.output
    assert "actors +11" in result.output and "statements +13" in result.output
    with Store.open(empty_db) as store:
        bundle = store.export_bundle()
    assert dump_bundle(bundle, "json") == dump_bundle(hostile_bundle(), "json")  # stored exactly


def test_show_prints_every_entity_literally(runner: CliRunner, hostile_db: Path) -> None:
    for slug, probe in PROBES.items():
        ref = f"consequence/{slug}" if slug.startswith("m-markup-c") else slug
        result = runner.invoke(main, ["show", ref, "--db", str(hostile_db)])
        assert result.exit_code == 0, (slug, result.output)
        assert probe in result.output, slug
        for needle in NEVER_SHOWN:
            assert needle not in result.output, (slug, needle)
        assert not FORBIDDEN_CHARS.intersection(result.output.replace("\n", ""))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_escapes_what_would_act_on_a_terminal_and_round_trips(
    runner: CliRunner, hostile_db: Path, fmt: str
) -> None:
    result = runner.invoke(main, ["export", "--db", str(hostile_db), "--format", fmt])
    assert result.exit_code == 0
    # Text on a terminal: no raw escape, C1, bidi control or separator, yet the bundle is exact.
    assert not FORBIDDEN_CHARS.intersection(result.output.replace("\n", ""))
    assert read_bundle_bytes(result.output.encode("utf-8"), f"x.{fmt}", fmt).bundle == hostile_bundle()
    assert dump_bundle(hostile_bundle(), fmt) == result.output
    if fmt == "json":
        assert json.loads(result.output)["actors"][0]["name"] == "[bold]Bold[/] Actor"


def test_markdown_export_shows_text_without_escapes(runner: CliRunner, hostile_db: Path) -> None:
    result = runner.invoke(main, ["export", "--db", str(hostile_db), "--format", "markdown"])
    assert result.exit_code == 0
    assert not FORBIDDEN_CHARS.intersection(result.output.replace("\n", ""))
    for needle in NEVER_SHOWN:
        assert needle not in result.output


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "[bold]",
        "NEAR(",
        "a AND",
        "*",
        "'; DROP TABLE actors; --",
        "\x1b]0;x\x07",
        "\ud800",
        "%_\\",
        "",
        " ",
        "(",
        "^",
    ],
)
def test_hostile_search_strings_are_only_text(hostile_db: Path, query: str) -> None:
    with Store.open(hostile_db) as store:
        for kind in (None, "actor", "measure", "statement"):  # the search screen, then what the palette asks
            store.search_page(query, kind=kind)
        assert store.actor_count() == 11

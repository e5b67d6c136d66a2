"""The fast JSON path and the careful one agree on any bundle: they accept or refuse alike, and store the same rows.

The bundles are written as JSON text by hand, not by `json.dumps`, so that
they can give a key twice (written the same way or with escapes, `"r\\u006fle"`
is `"role"`), write any character as an escape (`\\u003a`, `\\"`, `\\\\`, `\\/`,
surrogate pairs, lone surrogates) and hold odd text (NUL, controls, bidi
marks, line separators, CJK, emoji). The careful path is the reader with the
fast path turned off.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dossier import bundle as bundle_module
from dossier import importer
from dossier.bundle import BundleError, read_bundle_bytes
from dossier.importer import import_files

_SPECIALS = [":", ":", '"', "\\", "/", "\n", "\t", "\x1b", "\x7f", "\u0085", "\u2028", "\u202e"]
_SPECIALS += ["é", "Ж", "中", "😀", " "]
_RARE = st.one_of(
    st.just("\x00"),  # refused in any text
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # a lone surrogate: only ever written as an escape
)
_CHAR = st.integers(0, 199).flatmap(
    lambda n: _RARE if n == 100 else st.sampled_from(_SPECIALS) if n % 2 else st.characters(codec="utf-8")
)
_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\n": "\\n", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\r": "\\r"}
_TABLES = (
    "dossier_meta",
    "sources",
    "actors",
    "aliases",
    "measures",
    "measure_links",
    "consequences",
    "statements",
    "statement_measures",
    "events",
    "event_actors",
)


def _literal(chars: list[tuple[str, int]]) -> str:
    """A JSON string literal for the characters, each written as itself (0), a \\u escape (1) or a short escape (2)."""
    out = ['"']
    for char, style in chars:
        code = ord(char)
        must = char in '"\\' or code < 0x20 or 0xD800 <= code <= 0xDFFF
        if style == 2 and char in _SHORT:
            out.append(_SHORT[char])
        elif style or must:
            if code > 0xFFFF:  # a surrogate pair
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04X}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_STYLES = st.integers(0, 2)


def _written(text: str) -> st.SearchStrategy[str]:
    """Known text (a key, a slug, a kind) written in any of the ways JSON allows."""
    return st.lists(_STYLES, min_size=len(text), max_size=len(text)).map(
        lambda styles: _literal(list(zip(text, styles, strict=True)))
    )


_ODD_TEXT = st.integers(0, 29).flatmap(
    lambda n: st.just('""') if n == 15 else st.lists(st.tuples(_CHAR, _STYLES), min_size=1, max_size=10).map(_literal)
)


def _mostly(common: list[str], rare: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of `common`, now and then one of `rare` (a value the bundle refuses), written any way."""
    return st.integers(0, 29).flatmap(lambda n: st.sampled_from(rare if n == 15 else common)).flatmap(_written)


@st.composite
def _object(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[str]], optional: set[str]) -> str:
    """A JSON object of the fields (some left out), perhaps with a key given twice, keys written any way."""
    names = [name for name in fields if name not in optional or draw(st.booleans())]
    if draw(st.integers(0, 29)) == 15:
        names.append("unknown")
    pairs = [(name, draw(fields.get(name, _ODD_TEXT))) for name in names]
    if pairs and draw(st.integers(0, 14)) == 7:  # a key given twice, with the same or another value
        name, value = draw(st.sampled_from(pairs))
        pairs.insert(draw(st.integers(0, len(pairs))), (name, draw(st.sampled_from([value, draw(_ODD_TEXT)]))))
    colon = draw(st.sampled_from([":", " : ", ":\n"]))
    return "{" + ", ".join(f"{draw(_written(name))}{colon}{value}" for name, value in pairs) + "}"


def _actor(slug: str) -> st.SearchStrategy[str]:
    return _object(
        {
            "slug": _mostly([slug], ["a"]),
            "name": _ODD_TEXT,
            "kind": _mostly(["person", "state", "organization", "media"], ["planet"]),
            "role": _ODD_TEXT,
            "description": _ODD_TEXT,
        },
        {"role", "description"},
    )


_ABOUT = _object({"measure": _mostly(["m"], ["nothing"]), "stance": _mostly(["condemns"], ["likes"])}, {"stance"})


def _statement(slug: str) -> st.SearchStrategy[str]:
    return _object(
        {
            "slug": _mostly([slug], ["Not A Slug"]),
            "speaker": _mostly(["a", "b"], ["nobody"]),
            "text": _ODD_TEXT,
            "speaker_role": _ODD_TEXT,
            "via": _ODD_TEXT,
            "said": _mostly(["2021-12-01", "2021-12", "2022"], ["2021-02-30"]),
            "about": st.lists(_ABOUT, max_size=2).map(lambda parts: "[" + ", ".join(parts) + "]"),
        },
        {"speaker_role", "via", "said", "about"},
    )


_MEASURE = '{"slug": "m", "title": "M: the measure", "kind": "other"}'


@st.composite
def _bundles(draw: st.DrawFn) -> bytes:
    """Two actors, a measure and up to four statements, as JSON text."""
    actors = [draw(_actor(slug)) for slug in ("a", "b")]
    statements = [draw(_statement(f"q{n}")) for n in range(draw(st.integers(0, 4)))]
    sections = {
        "actors": "[" + ",\n".join(actors) + "]",
        "measures": f"[{_MEASURE}]",
        "statements": "[" + ",\n".join(statements) + "]",
    }
    text = "{" + ",\n".join(f'"{name}": {value}' for name, value in sections.items()) + "}\n"
    return text.encode("utf-8")


def _read(raw: bytes) -> tuple[object, list[str]]:
    try:
        return read_bundle_bytes(raw, "b.json", "json").bundle, []
    except BundleError as exc:
        return None, [str(p) for p in exc.problems]


def _import(template: Path, folder: Path, name: str, raw: bytes) -> tuple[str, dict[str, list[tuple[object, ...]]]]:
    db = folder / f"{name}.db"
    shutil.copy(template, db)
    bundle = folder / "b.json"
    bundle.write_bytes(raw)
    try:
        report = import_files(db, [bundle]).summary()
    except BundleError as exc:  # a reference that does not resolve, a measure named twice: refused as a whole
        return "\n".join(str(p) for p in exc.problems), {}
    conn = sqlite3.connect(db)
    try:
        rows = {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in _TABLES}
    finally:
        conn.close()
    return report, rows


# The bundle of the colon-count bug: an escaped colon cancelled the duplicate key's colon.
_COLON_BUG = b'{"actors":[{"slug":"a","name":"first\\u003a","kind":"person","role":"r","role":"s"}]}'


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_bundles())
@example(raw=_COLON_BUG)
def test_the_fast_and_the_careful_path_agree(raw: bytes, empty_db: Path) -> None:
    fast, fast_problems = _read(raw)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bundle_module, "_read_json_fast", lambda raw, file, **_: None)
        careful, careful_problems = _read(raw)
    assert fast_problems == careful_problems
    assert fast == careful
    if fast is None:
        return
    with tempfile.TemporaryDirectory() as scratch, pytest.MonkeyPatch.context() as patch:
        folder = Path(scratch)
        patch.setattr(importer, "BULK_THRESHOLD", 0)  # the bulk load of a big bundle, for any size
        fast_import = _import(empty_db, folder, "fast", raw)
        patch.setattr(bundle_module, "_read_json_fast", lambda raw, file, **_: None)
        careful_import = _import(empty_db, folder, "careful", raw)
    assert fast_import == careful_import


def test_the_bundles_hold_what_the_property_is_about() -> None:
    """The generator writes duplicate keys, escapes and odd text, and some bundles pass: the property is not empty."""
    seen = {"duplicate": False, "escaped colon": False, "accepted": False, "refused": False}

    @settings(max_examples=200, deadline=None, database=None)
    @given(raw=_bundles())
    def look(raw: bytes) -> None:
        text = raw.decode("utf-8")
        seen["escaped colon"] |= "\\u003a" in text
        _, problems = _read(raw)
        seen["duplicate"] |= any(p.endswith("duplicate key") for p in problems)
        seen["accepted" if not problems else "refused"] = True

    look()
    assert all(seen.values()), seen

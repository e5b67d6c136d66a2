"""JSON Lines bundles written (`dossier export --format jsonl`): the light half of `dossier.jsonl`.

Writing needs neither pydantic nor the bundle models that reading validates
with (`dossier.jsonl`, `dossier.models`): an export imports only this module
and the store, ~0.2 s of CPU less at the start of every export than when
the writer lived beside the reader. Every line is what
`json.dumps(line, ensure_ascii=False, separators=(",", ":"))` writes for the
entity's dict, with the characters of `UNSAFE_IN_OUTPUT` escaped, as every
bundle writer does (`dossier.bundle` takes them from here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterable
from typing import Any

from .rows import CHILD_FIELDS, LINE_FIELDS

UNSAFE_IN_OUTPUT = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
"""Characters no bundle writes raw (controls, bidi marks and overrides, line separators): written as escapes."""


def escape_unsafe(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def escaped(text: str) -> str:
    """`text` with every character of `UNSAFE_IN_OUTPUT` written as an escape: what every bundle writer writes."""
    return UNSAFE_IN_OUTPUT.sub(escape_unsafe, text) if UNSAFE_IN_OUTPUT.search(text) else text


_QUOTE = json.encoder.encode_basestring
"""A str as JSON, non-ASCII kept (what `json.dumps(..., ensure_ascii=False)` writes for it); C when available."""

CHUNK_LINES = 1000
"""Lines joined into one piece of text before the hostile characters are looked for (one search a chunk)."""


def dump_rows(rows: Iterable[tuple[str, Any]]) -> Generator[bytes, None, None]:
    """`Store.export_rows` as JSON Lines, UTF-8, a chunk of lines at a time.

    Each line is what `json.dumps(line, ensure_ascii=False, separators=(",", ":"))`
    writes for the entity's dict (`Store.export_lines`), built directly from
    the values: no dict per entity. Statements given as lines written by
    SQLite (`export_rows(statement_lines=True)`, the fast way) are only
    escaped. Characters that could act on a terminal or reorder the text
    around them are escaped, as in a YAML or JSON export.
    """
    heads = {kind: f'{{"type":"{kind}"' for kind in LINE_FIELDS}
    prefixes = {kind: tuple(f',"{name}":' for name in names) for kind, names in LINE_FIELDS.items()}
    child_prefixes = {name: tuple(f'"{field}":' for field in fields) for name, fields in CHILD_FIELDS.items()}
    quote = _QUOTE
    chunk: list[str] = []
    about_prefixes = child_prefixes["about"]
    for kind, values in rows:
        if kind == "statements":  # lines written whole (`Store.export_rows(statement_lines=True)`): escaped here
            if chunk:
                yield escaped("".join(chunk)).encode("utf-8")
                chunk = []
            text, beyond_ascii = values
            if b"\x7f" in text or UNSAFE_IN_OUTPUT.search(beyond_ascii):
                text = UNSAFE_IN_OUTPUT.sub(escape_unsafe, text.decode("utf-8")).encode("utf-8")
            yield text
            continue
        if kind == "statement":  # the bulk of a dossier: its fields written out (LINE_FIELDS["statement"])
            slug, speaker, text, skind, role, lang, said, via, source, about = values
            line = f'{{"type":"statement","slug":{quote(slug)},"speaker":{quote(speaker)},"text":{quote(text)}'
            if skind is not None:
                line += ',"kind":' + quote(skind)
            if role is not None:
                line += ',"speaker_role":' + quote(role)
            if lang is not None:
                line += ',"lang":' + quote(lang)
            if said is not None:
                line += ',"said":' + quote(said)
            if via is not None:
                line += ',"via":' + quote(via)
            if source is not None:
                line += ',"source":' + quote(source)
            if about:
                line += ',"about":' + _children_text(about_prefixes, about)
            chunk.append(line + "}\n")
            if len(chunk) >= CHUNK_LINES:
                yield escaped("".join(chunk)).encode("utf-8")
                chunk = []
            continue
        parts = [heads[kind]]
        for prefix, value in zip(prefixes[kind], values, strict=True):
            if value is None:
                continue
            if type(value) is str:
                parts += (prefix, quote(value))
            elif value:  # a list of children, or of slugs
                parts.append(prefix)
                if type(value[0]) is str:
                    parts.append("[" + ",".join(map(quote, value)) + "]")
                else:
                    parts.append(_children_text(child_prefixes[prefix[2:-2]], value))
        parts.append("}\n")
        chunk.append("".join(parts))
        if len(chunk) >= CHUNK_LINES:
            yield escaped("".join(chunk)).encode("utf-8")
            chunk = []
    if chunk:
        yield escaped("".join(chunk)).encode("utf-8")


def _children_text(prefixes: tuple[str, ...], children: list[tuple[Any, ...]]) -> str:
    quote = _QUOTE
    return (
        "["
        + ",".join(
            "{"
            + ",".join(
                prefix + quote(value) for prefix, value in zip(prefixes, child, strict=True) if value is not None
            )
            + "}"
            for child in children
        )
        + "]"
    )


def dump_line(data: dict[str, Any]) -> str:
    """One entity (a dict, `type` first) as a line, written as `dump_rows` writes it."""
    return escaped(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")

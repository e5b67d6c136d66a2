"""clean_text: what could act on a terminal is removed, everything readable is kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.text import clean_text, forbidden_chars

FORBIDDEN_CHARS = forbidden_chars()

ESC = "\x1b"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        # CSI, 7-bit and 8-bit, with parameters, intermediates and final bytes
        ("a\x1b[2J\x1b[31mred\x1b[0m", "ared"),
        ("a\x1b[?1049h\x1b[38;2;255;0;0mb", "ab"),
        ("x\x9b31m rest of the text", "x rest of the text"),
        ("x\x9b", "x"),
        ("unfinished \x1b[12", "unfinished "),
        # OSC: BEL, 7-bit ST and 8-bit ST terminated; title and clipboard
        ("t\x1b]0;pwned\x07end", "tend"),
        ("t\x1b]52;c;aGk=\x07end", "tend"),
        ("t\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\", "tlink"),
        ("t\x9d0;pwned\x9cend", "tend"),
        ("t\x9d0;pwned\x07end", "tend"),
        # unterminated OSC loses its line only, never the rest of the text
        ("title \x1b]0;pwned\nnext line", "title \nnext line"),
        ("title \x9d0;pwned", "title "),
        # DCS, SOS, PM, APC (7-bit and 8-bit)
        ("d\x1bP1$r0m\x1b\\e", "de"),
        ("d\x90q#0;2;0;0;0\x9ce", "de"),
        ("s\x1bXsos\x1b\\p\x1b^pm\x1b\\a\x1b_apc\x1b\\!", "spa!"),
        ("s\x98sos\x9cp\x9epm\x9ca\x9fapc\x9c!", "spa!"),
        # other escapes: charset designation, save/restore cursor, full reset, lone ESC
        ("\x1b(0lqk\x1b(B", "lqk"),
        ("\x1b7x\x1b8\x1bc", "x"),
        ("lone \x1b", "lone "),
        ("lone \x1b\nthen", "lone \nthen"),
        ("nF \x1b F announcer", "nF  announcer"),
        # C0 and C1 controls, DEL
        ("bell\x07 back\x08space\x7f nul\x00", "bell backspace nul"),
        ("c1\x80\x84\x8d\x9c", "c1"),
        # line breaks: kept, normalised
        ("a\r\nb\rc\x85d\u2028e\u2029f", "a\nb\nc\nd\ne\nf"),
        ("tab\there\nnew", "tab\there\nnew"),
        # bidi overrides, embeddings, isolates, marks
        ("\u202eevil\u202c \u2066iso\u2069 \u202aemb\u202c \u200e\u200f\u061c", "evil iso emb "),
        # lone surrogates
        ("lone\ud800high \udfffend", "lonehigh end"),
    ],
)
def test_what_is_removed(raw: str, shown: str) -> None:
    assert clean_text(raw) == shown


@pytest.mark.parametrize(
    "kept",
    [
        "He said [sic] that",
        "[bold]x[/] [@click=app.quit] [ @click=app.quit] x[/ stray [/] close [link=https://evil]x[/link]",
        "'; DROP TABLE actors; -- %s %d {0} {} $HOME ${var} C:\\path\\n \\e[31m",
        "مرحبا بالعالم שלום עולם",
        "漢字かなカナ 한국어",
        "👨\u200d👩\u200d👧\u200d👦 🇺🇦 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f ❤\ufe0f",
        "Z\u0335\u0336\u0337a\u0338\u0321\u0322lgo e\u0301",
        "zero\u200bwidth\u00adsoft\ufeffbom",
        "x" * 3000,
    ],
)
def test_what_is_kept(kept: str) -> None:
    assert clean_text(kept) == kept


def test_one_line_views_fold_tabs_and_newlines() -> None:
    assert clean_text("a\tb\nc\r\nd", keep_newlines=False) == "a b c d"


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b]" * 50_000,
        "\x9d" * 100_000,
        "\x1b[" * 50_000,
        "\x1b[" + "1;" * 50_000,
        "\x9b" + "0" * 100_000,
        "\x1bP" + "a" * 100_000,
        "\x1b" + " " * 100_000,
        ("\x1b]0;" + "x" * 99 + "\n") * 1_000,
        "\u202e" * 100_000,
        "[" * 100_000,
    ],
)
def test_long_hostile_strings_are_cleaned_in_one_pass(hostile: str) -> None:
    # Not timed here (see tests/bench): a quadratic pattern would make this hang, not fail.
    cleaned = clean_text(hostile)
    assert not FORBIDDEN_CHARS.intersection(cleaned)
    assert len(cleaned) <= len(hostile)


_NASTY = st.sampled_from(
    [
        ESC,
        "\x1b[",
        "\x1b]",
        "\x1bP",
        "\x1b\\",
        "\x07",
        "\x9b",
        "\x9c",
        "\x9d",
        "\x90",
        "\r",
        "\n",
        "\t",
        "\x85",
        "\u2028",
        "\u202e",
        "\u2066",
        "\ud800",
        "\udc00",
        "\x00",
        "\x7f",
        "[",
        "]",
        "0;",
        "m",
        "\\",
        "\u200d",
    ]
)
_ANY_CHAR = st.characters()
_HOSTILE_TEXT = st.lists(st.one_of(_NASTY, _ANY_CHAR, st.text(max_size=5)), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(_HOSTILE_TEXT, st.booleans())
def test_output_is_safe_and_cleaning_is_idempotent(text: str, keep_newlines: bool) -> None:
    cleaned = clean_text(text, keep_newlines=keep_newlines)
    assert not FORBIDDEN_CHARS.intersection(cleaned)
    assert clean_text(cleaned, keep_newlines=keep_newlines) == cleaned
    if not keep_newlines:
        assert "\n" not in cleaned and "\t" not in cleaned
    cleaned.encode("utf-8")  # never a lone surrogate


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters=FORBIDDEN_CHARS, exclude_categories=("Cs",))))
def test_clean_text_is_the_identity_on_clean_text(text: str) -> None:
    assert clean_text(text) == text

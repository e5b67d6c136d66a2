"""Text from a dossier made safe to show: the one cleaning step every view uses.

A dossier holds text from the outside world. Before any of it reaches a
terminal (the CLI's output or a widget on screen) it loses what could act on
the terminal instead of being read:

* escape sequences, 7-bit (`ESC [`, `ESC ]`, `ESC P`, ...) and 8-bit (U+009B
  CSI, U+009D OSC, U+0090 DCS, ...): CSI with its parameters and final byte;
  OSC, DCS, SOS, PM and APC with their payload up to BEL or ST. An
  unterminated string sequence loses its payload up to the end of its line
  (or the next control character), never the rest of the text; an unfinished
  CSI loses only its introducer and parameter bytes;
* every other C0 and C1 control character and DEL;
* bidi embeddings, overrides, isolates and marks (U+202A-U+202E,
  U+2066-U+2069, U+200E, U+200F, U+061C), which can reorder what is shown
  around them;
* lone surrogates, which no terminal can encode.

Tabs and newlines are kept; CR LF, a lone CR, NEL (U+0085) and the Unicode
line and paragraph separators become a newline, since each of them means a
line break and a bare CR would let a line overwrite itself. With
`keep_newlines=False` tabs and newlines become spaces (one-line views).

Everything else is kept as it is: brackets (the cleaning is not markup
escaping, see the rendering helpers for that), RTL letters, CJK, emoji with
their zero-width joiners and variation selectors, combining marks.

The pattern is linear: every repetition is possessive and no two
alternatives can both consume the same run, so a 100,000-character string of
introducers costs one pass.
"""

from __future__ import annotations

import functools
import re

_STRING_END = r"(?:\x07|\x1b\\|\x9c)"
# A string sequence's payload stops at any control character or ESC, so an
# unterminated one cannot swallow the text that follows its line.
_PAYLOAD = r"[^\x00-\x1f\x7f-\x9f]*+"


@functools.cache
def _cleaners() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The escape sequences, the line breaks and the forbidden characters, as patterns.

    Compiled the first time text needs cleaning (most text never does: `_SUSPECT`), not
    as the module is imported, which every start of the browser and every command does.
    """
    sequences = re.compile(
        # CSI: ESC [ or U+009B, parameter bytes, intermediate bytes, final byte (may be missing).
        r"(?:\x1b\[|\x9b)[0-?]*+[ -/]*+[@-~]?"
        # OSC, DCS, SOS, PM, APC: 7-bit (ESC ] P X ^ _) or 8-bit introducer, payload, BEL or ST.
        rf"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]){_PAYLOAD}{_STRING_END}?"
        # Any other escape sequence (nF: ESC ( B; Fp/Fe/Fs: ESC 7, ESC c), or a lone ESC.
        r"|\x1b(?:[ -/]*+[0-~])?"
    )
    line_breaks = re.compile(r"\r\n?|[\x85\u2028\u2029]")
    forbidden = re.compile(
        r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0 except tab and newline, DEL, C1
        r"|[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"  # bidi embeddings, overrides, isolates, marks
        r"|[\ud800-\udfff]"  # lone surrogates
    )
    return sequences, line_breaks, forbidden


@functools.cache
def forbidden_chars() -> frozenset[str]:
    """Every character `clean_text` never returns (tests and other views check against it).

    Built when first asked, not as the module is imported: ~2,200 one-character
    strings, 0.3 MiB and 0.4 ms of every start of the browser, for the tests.
    """
    return frozenset(
        [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
        + [chr(c) for c in range(0x7F, 0xA0)]
        + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
        + [chr(c) for c in range(0xD800, 0xE000)]
        + ["\u2028", "\u2029"]
    )


_SUSPECT = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)


def clean_text(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe to print on a terminal: no controls, escapes, bidi overrides or lone surrogates."""
    if _SUSPECT.search(text) is not None:  # most text has nothing to remove: one scan, no copies
        sequences, line_breaks, forbidden = _cleaners()
        text = sequences.sub("", text)
        text = line_breaks.sub("\n", text)
        text = forbidden.sub("", text)
    if keep_newlines:
        return text
    return text.replace("\n", " ").replace("\t", " ")


def printable(text: str) -> str:
    """`text` on one line that cannot act on a terminal, for messages: what is not printable is escaped.

    Unlike `clean_text`, nothing is dropped: an error message that names a file,
    a field or a value must show exactly which (`a\\nb.yaml`, `\\x1b]0;`), yet a
    newline, an escape sequence or a lone surrogate in it must neither break the
    one-line report nor reach the terminal.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)

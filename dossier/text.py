"""Text from a dossier made safe to show: the one cleaning step every view uses.

A dossier holds text from the outside world. Before any of it reaches a
terminal (the CLI's output or a widget on screen) it loses what could act on
the terminal instead of being read: C0/C1 control characters, escape
sequences (CSI, OSC, DCS, SOS, PM, APC, 7-bit and 8-bit), bidi overrides and
isolates, and lone surrogates. Tabs and newlines are kept (or folded to spaces).
"""

from __future__ import annotations

import re

# C0/C1 controls except tab and newline, ESC-introduced sequences (CSI, OSC, DCS, ...),
# bidi overrides and isolates, and lone surrogates.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]?"  # other ESC sequences, or a lone ESC
    r"|[\x9b\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)?"  # 8-bit CSI/OSC/DCS/SOS/PM/APC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
    r"|[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
    r"|[\ud800-\udfff]"
)


def clean_text(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe to print on a terminal: no controls, escapes, bidi overrides or lone surrogates."""
    cleaned = _ESCAPES.sub("", text)
    return cleaned if keep_newlines else cleaned.replace("\n", " ").replace("\t", " ")

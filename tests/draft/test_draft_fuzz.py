"""Any text at all: drafting either refuses it in one line or writes a bundle the importer accepts, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.bundle import read_bundle_bytes
from dossier.draft import DraftError, draft_text
from dossier.draft.render import render

PIECES = [
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "''",
    "«",
    "»",
    "„",
    " ",
    "\n",
    "\n\n",
    ",",
    ".",
    ":",
    " – ",
    "\u2028",
    "\x85",
    "\x1b[31m",
    "\u202e",
    "\x00",
    "said",
    " he said. ",
    "Zakharova",
    "Maria Zakharova",
    "Russian Foreign Ministry",
    " spokesperson ",
    "according to TASS",
    " the ministry said",
    "RIA quoted ",
    " as saying ",
    "countries’ ",
    "date 2021-12-01 ",
    "on Wednesday",
    "Mr. ",
    "U.S.",
    "the",
    "We will respond",
    "#",
    "- ",
    "|",
    "{",
    "[",
    "&",
    "Sergei R. Ryabkov",
    "St. Petersburg",
    "<p>",
    "</p>",
    "<script>",
    "é",
    "Ж",
    "中",
    "🙂",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), min_size=0, max_size=60))
def test_any_text_drafts_to_a_valid_bundle_or_a_reason(pieces: list[str]) -> None:
    raw = ("The talks\n\nThe minister said the talks went on. " + "".join(pieces)).encode("utf-8", "surrogatepass")
    try:
        made = draft_text(raw, "fuzz.txt")
    except DraftError as exc:
        assert "\n" not in str(exc)
        return
    read_bundle_bytes(render(made).encode("utf-8"), "fuzz.yaml", "yaml")  # raises BundleError if invalid

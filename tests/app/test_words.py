"""One word for each relation and for a missing date, singular and plural right (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

from dossier.words import plural

SOURCES = Path(__file__).resolve().parents[2] / "dossier"
SYNONYMS = {
    "according to": "asserted by",
    "in response to": "answers",
    "no date": "undated",
    "About:": "Concerns:",
}
"""Words once used for the same thing as `dossier.words` says, in the Detail pane, the views, the CLI or the export."""


def shown_strings(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings or comments (roughly: quoted text on code lines)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        code = line.split("#", 1)[0]
        found += re.findall(r"\"([^\"]*)\"|'([^']*)'", code)
    return [a or b for a, b in found]


def test_no_module_uses_an_old_synonym() -> None:
    for path in SOURCES.rglob("*.py"):
        if path.name in ("generate.py", "words.py") or "draft" in path.relative_to(SOURCES).parts:
            continue  # synthetic dossier text, not labels; the words themselves; article language the drafter reads
        for text in shown_strings(path):
            for old, new in SYNONYMS.items():
                assert old.lower() not in text.lower(), f"{path.name}: {text!r} says {old!r}; the word is {new!r}"


def test_plural() -> None:
    assert plural(1, "pair") == "1 pair"
    assert plural(0, "statement") == "0 statements"
    assert plural(1, "statement") == "1 statement"
    assert plural(12_345, "item") == "12,345 items"


def test_the_screens_and_the_cli_say_the_same(store: object) -> None:
    from dossier.report import show_entity
    from dossier.rows import MeasureDetail
    from dossier.store import Store
    from dossier.views import chain_lines, plain
    from dossier.widgets.detail import DetailStyles, measure_blocks

    assert isinstance(store, Store)
    kind, measure_id = store.resolve("russia-orders-us-diplomats-out")
    detail: MeasureDetail = store.measure_detail(measure_id)
    from rich.style import Style

    styles = DetailStyles(Style(), Style(), Style(), Style())
    on_screen = "\n".join(block.text.plain for block in measure_blocks(detail, styles))
    cli = "\n".join(show_entity(store, kind, measure_id))
    chain = "\n".join(plain(line) for line in chain_lines(store.chain(measure_id)))
    for text in (on_screen, cli, chain):
        assert "asserted by" in text
        assert "In response to" not in text  # (dossier text itself may say "according to")
    assert "Answers" in on_screen and "Answers:" in cli and "answered by" in chain

"""README.md's key table and the app's bindings say the same, key for key."""

from __future__ import annotations

import re
from pathlib import Path

from dossier.keys import KeyRow, key_rows

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_key_rows() -> list[KeyRow]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("where", "---"):
            continue
        rows.append(KeyRow(cells[0], tuple(re.findall(r"`([^`]+)`", cells[1])), cells[2]))
    return rows


def test_the_front_door_reads_in_order() -> None:
    """Install, the two commands, a quick start, then the keys and the commands; the rest is in docs/."""
    headings = re.findall(r"^## (.+)$", README.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert headings[:6] == ["Install", "Two commands", "Quick start", "Keys", "Commands", "Documentation"]


def test_every_binding_is_in_the_readme_key_table_and_vice_versa() -> None:
    documented = readme_key_rows()
    bound = key_rows()
    assert len(bound) > 25
    assert [row for row in bound if row not in documented] == []
    assert [row for row in documented if row not in bound] == []

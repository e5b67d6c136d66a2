"""README.md is the front door: small, its command table true to the command line, its links and picture alive."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click
import pytest

from dossier.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
SCREEN = DOCS / "screen.svg"
README_LIMIT = 12_288
"""Bytes: the README says what Dossier is and how to start; everything else is in docs/."""
PAGES = [README, *sorted(DOCS.glob("*.md"))]


def section(text: str, heading: str) -> str:
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def anchors(markdown: str) -> set[str]:
    """The anchors a Markdown renderer gives the headings (GitHub's rule: lower case, no punctuation, - for space)."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE):
        text = heading.strip().lower()
        text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
        found.add(text.replace(" ", "-"))
    return found


# ----------------------------------------------------------------------------- size and links


def test_the_readme_stays_small() -> None:
    size = len(README.read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes (limit {README_LIMIT}): move detail into docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_reaches_a_file_and_heading(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue  # an outside address
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.is_file():
            broken.append(link)
        elif anchor and path.suffix == ".md" and anchor not in anchors(path.read_text(encoding="utf-8")):
            broken.append(link)
    assert broken == []


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = set(re.findall(r"\]\(docs/([^)#]+)", README.read_text(encoding="utf-8")))
    assert {page.name for page in DOCS.glob("*.md")} <= linked


def test_the_picture_is_the_first_screen_the_snapshot_test_draws() -> None:
    assert "](docs/screen.svg)" in README.read_text(encoding="utf-8")
    [snapshot] = (ROOT / "tests").glob("**/__snapshots__/*/test_first_screen[[]120x40].svg")
    assert SCREEN.read_bytes() == snapshot.read_bytes(), (
        f"the first screen changed: copy {snapshot.relative_to(ROOT)} to docs/screen.svg"
    )


# ----------------------------------------------------------------------------- the command table


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    """Every command a user can run, by its words after `dossier` (groups only through their commands)."""
    found: dict[tuple[str, ...], click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= commands(command, (*prefix, name))
        else:
            found[(*prefix, name)] = command
    return found


def option_names(command: click.Command) -> list[tuple[str, ...]]:
    """Each option's spellings (`-o`, `--output`), less --help."""
    return [tuple(p.opts) for p in command.params if isinstance(p, click.Option) and p.name != "help"]


def readme_rows() -> list[tuple[str, str]]:
    """(usage, does) for each row of the README's command table."""
    rows = []
    for line in section(README.read_text(encoding="utf-8"), "Commands").splitlines():
        match = re.match(r"\| `(dossier[^`]*)` \| (.*) \|$", line.strip())
        if match:
            rows.append((match.group(1).replace("\\|", "|"), match.group(2)))
    return rows


def row_commands(usage: str) -> list[tuple[str, ...]]:
    """The commands a usage names: `dossier serve ssh|web ...` names two."""
    words = usage.split()[1:]
    names: list[tuple[str, ...]] = [()]
    for word in words:
        if not re.fullmatch(r"[a-z][a-z-]*(\|[a-z][a-z-]*)*", word):
            break
        names = [(*name, part) for name in names for part in word.split("|")]
    return names


def table() -> dict[tuple[str, ...], tuple[str, str]]:
    found: dict[tuple[str, ...], tuple[str, str]] = {}
    for usage, does in readme_rows():
        for name in row_commands(usage):
            assert name not in found, f"`dossier {' '.join(name)}` has two rows"
            found[name] = (usage, does)
    return found


def test_every_command_has_a_row_and_every_row_a_command() -> None:
    documented = table()
    real = commands(main)
    assert len(real) >= 12
    assert sorted(" ".join(name) for name in real if name not in documented) == []
    assert sorted(" ".join(name) for name in documented if name and name not in real) == []
    assert () in documented  # `dossier` alone: the default dossier in the browser


def test_every_option_of_a_command_is_in_its_row_and_nothing_else() -> None:
    """A row lists every option, or says [OPTIONS] and links to the page that lists them."""
    real = commands(main)
    missing, invented = [], []
    for name, (usage, does) in table().items():
        if not name:
            continue
        command = real[name]
        spellings = option_names(command)
        written = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage))
        where = usage
        if "[OPTIONS]" in usage:
            pages = re.findall(r"\]\((docs/[^)#]+)", does)
            assert pages, f"`{usage}` says [OPTIONS] but links to no page listing them"
            where = " ".join((ROOT / page).read_text(encoding="utf-8") for page in pages)
        for spelling in spellings:
            if not any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", where) for s in spelling):
                missing.append(f"dossier {' '.join(name)} {'/'.join(spelling)}")
        known = {s for spelling in spellings for s in spelling}
        invented += [f"dossier {' '.join(name)} {w}" for w in sorted(written - known)]
    assert missing == []
    assert invented == []


def test_the_options_of_dossier_itself_are_named() -> None:
    text = section(README.read_text(encoding="utf-8"), "Commands")
    for spelling in option_names(main):
        assert any(f"`dossier {s}" in text or f"`{s}`" in text for s in spelling), spelling


def written_commands(markdown: str) -> list[str]:
    """Every command line the page writes out: code spans and code-block lines that start with `dossier `."""
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", markdown)
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    lines = [line.split(" #", 1)[0] for block in blocks for line in block.splitlines()]
    return [text.strip() for text in [*spans, *lines] if text.strip().startswith("dossier ")]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_the_pages_write_only_commands_that_exist(page: Path) -> None:
    real = commands(main)
    groups = {name[0] for name in real if len(name) > 1}
    unknown = []
    for line in written_commands(page.read_text(encoding="utf-8")):
        words = line.replace("\\|", "|").split()[1:]
        if not words or words[0].startswith("-") or not re.fullmatch(r"[a-z][a-z-]*(\|[a-z][a-z-]*)*", words[0]):
            continue  # `dossier --version`, `dossier COMMAND`
        first = words[0].split("|")
        if any(word in groups for word in first):
            second = words[1].split("|") if len(words) > 1 and not words[1].startswith("-") else []
            known = all((word, sub) in real for word in first for sub in second)  # `dossier serve` alone is fine
        else:
            known = all((word,) in real for word in first)
        if not known:
            unknown.append(line)
    assert unknown == []

"""No dossier text is ever read as markup: a scan of the sources (the hostile fixture drawn through every
pane and screen, the dynamic half, is `tests/hostile/test_hostile_app.py`).

Textual 8.2.8 reads a plain `str` given to Static, Label, OptionList's
Option, the palette's Hit/DiscoveryHit (prompt and help), `notify()` and
`border_title`/`border_subtitle` as markup. The scan below finds every such
call and assignment in `dossier/` and accepts an argument only when it cannot
be markup built from data:

* a string literal (our own words), or None;
* a `Text`/`Content` object: built by a call into the rendering door
  (`render.*`), by the views' `content()`, by a `Text(...)`/`Content(...)`
  constructor (plain text, never parsed), or by a function of ours annotated
  to return `Text` or `Content`;
* anything, when the call says `markup=False`.

Everything else must be on `ALLOWED`, with the reason. A second scan makes
sure nothing in `dossier/` parses markup at all (`from_markup`,
`markup=True`, `Text.from_ansi`, Rich/Textual markup helpers), so a
`Text`/`Content` returned by one of our functions was built from plain text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dossier"

SINK_CALLS: dict[str, slice] = {
    "Static": slice(0, 1),
    "Label": slice(0, 1),
    "notify": slice(0, 1),
    "update": slice(0, 1),
    "Option": slice(0, 1),
    "add_option": slice(0, 1),
    "Hit": slice(1, 2),  # Hit(score, match_display, command, text, help)
    "DiscoveryHit": slice(0, 1),  # DiscoveryHit(display, command, text, help)
    "Tree": slice(0, 1),
}
"""Calls whose text arguments Textual may read as markup, and which positional arguments are shown."""
SINK_KEYWORDS = {"help", "title", "message", "prompt", "renderable", "content", "label", "placeholder"}
"""Keyword arguments of those calls that are shown (`help=` of a palette hit is read as markup)."""
SINK_ATTRIBUTES = {"border_title", "border_subtitle", "title", "sub_title"}
"""Attributes that Textual draws (the border's and the header's titles)."""
SAFE_CONSTRUCTORS = {"Text", "Content", "Strip"}
"""Plain-text constructors: never parsed as markup (`Content.assemble` is plain too)."""
DOORS = {"render", "content"}
"""`widgets/render.py` (imported as `render`) and `screens/_view.py`'s `content()`."""

ALLOWED: dict[tuple[str, str], str] = {
    # (file relative to dossier/, source of the argument) -> why it is safe
    ("app.py", "render.content(self.store.title()).plain"): (
        "the header draws title and sub_title with Content(title) (App.format_title), never as markup; "
        "the text has been cleaned by render.content"
    ),
    ("commands.py", "f'Open this {kind} in the browser'"): (
        "`kind` is one of PALETTE_KINDS (our words), never dossier text"
    ),
    ("commands.py", "matcher.highlight(text)"): (
        "Matcher.highlight returns Content built from the candidate as plain text; the candidates are the key "
        "list's descriptions and key names (dossier.keys), our own words"
    ),
    ("commands.py", "matcher.highlight(name)"): (
        "Matcher.highlight returns Content built from the candidate as plain text; the candidates are our "
        "own 'Actors: show only ...' commands"
    ),
}

MARKUP_PARSERS = ("from_markup", "from_ansi", "render_markup", "Text.from_markup", "rich.markup", "textual.markup")
"""Names that parse markup or ANSI; none may appear in dossier/."""


@dataclass(frozen=True)
class Sink:
    file: str
    line: int
    what: str
    source: str
    safe: bool


def _sources() -> list[tuple[str, ast.Module, str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    return [
        (path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text("utf-8")), path.read_text("utf-8"))
        for path in files
    ]


def _uses_textual(tree: ast.Module) -> bool:
    """Modules that draw on screen import Textual; the rest (store, importer, cli) print no widgets."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
            return True
        if isinstance(node, ast.Import) and any(alias.name.startswith("textual") for alias in node.names):
            return True
    return False


def _text_functions(modules: list[tuple[str, ast.Module, str]]) -> set[str]:
    """Names of our functions and methods annotated to return Text or Content (or a list of Blocks of Text)."""
    names: set[str] = set()
    for _, tree, _ in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
                if ast.unparse(node.returns) in {"Text", "Content", "Option"}:
                    names.add(node.name)
    return names


def _callee(node: ast.Call) -> tuple[str | None, str]:
    """(object, name) of a call: `render.plain(...)` -> ("render", "plain"); `Text(...)` -> (None, "Text")."""
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name):
            return owner.id, func.attr
        if isinstance(owner, ast.Attribute):
            return owner.attr, func.attr
        return ast.unparse(owner), func.attr
    if isinstance(func, ast.Name):
        return None, func.id
    return None, ast.unparse(func)


def _safe(node: ast.expr, text_functions: set[str]) -> bool:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str | int | float)):
        return True
    if isinstance(node, ast.IfExp):
        return _safe(node.body, text_functions) and _safe(node.orelse, text_functions)
    if isinstance(node, ast.Call):
        owner, name = _callee(node)
        if owner in DOORS or (owner is None and name in DOORS):
            return True
        if owner is None and name in SAFE_CONSTRUCTORS:
            return True
        if owner in SAFE_CONSTRUCTORS and name == "assemble":
            return True
        return name in text_functions
    return False


def scan() -> list[Sink]:
    """Every place in dossier/ where text is handed to something Textual may read as markup."""
    modules = _sources()
    text_functions = _text_functions(modules)
    sinks: list[Sink] = []
    for file, tree, _ in modules:
        if not _uses_textual(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                owner, name = _callee(node)
                if name not in SINK_CALLS or owner in DOORS:
                    continue  # render.notify(app, text) is the door itself: it cleans and says markup=False
                markup_off = any(
                    kw.arg == "markup" and isinstance(kw.value, ast.Constant) and kw.value.value is False
                    for kw in node.keywords
                )
                shown = [*node.args[SINK_CALLS[name]], *(kw.value for kw in node.keywords if kw.arg in SINK_KEYWORDS)]
                for arg in shown:
                    safe = markup_off or _safe(arg, text_functions)
                    sinks.append(Sink(file, node.lineno, f"{name}(", ast.unparse(arg), safe))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr in SINK_ATTRIBUTES:
                        safe = _safe(node.value, text_functions)
                        sinks.append(Sink(file, node.lineno, f"{target.attr} =", ast.unparse(node.value), safe))
    return sinks


def test_the_scan_finds_the_places_text_reaches_the_screen() -> None:
    """The scan is not vacuous: it sees the sinks we know of, safe and unsafe examples alike."""
    sinks = scan()
    kinds = {sink.what for sink in sinks}
    assert {"Option(", "Hit(", "DiscoveryHit(", "notify(", "update(", "border_title =", "sub_title ="} <= kinds
    assert len(sinks) >= 15
    text_functions = _text_functions(_sources())
    unsafe = ast.parse('Static(f"[b]{actor.name}[/]")\nx.notify(message)\nOption(item.title)').body
    assert [_safe(call.value.args[0], text_functions) for call in unsafe if isinstance(call, ast.Expr)] == [  # type: ignore[attr-defined]
        False,
        False,
        False,
    ]
    safe = ast.parse("Static(render.plain(a.name))\nOption(content(lines))\nStatic(Content(text))").body
    assert all(_safe(call.value.args[0], text_functions) for call in safe if isinstance(call, ast.Expr))  # type: ignore[attr-defined]


def test_no_widget_is_given_a_data_string_as_markup() -> None:
    leaks = [
        f"{sink.file}:{sink.line}: {sink.what} {sink.source}"
        for sink in scan()
        if not sink.safe and (sink.file, sink.source) not in ALLOWED
    ]
    assert leaks == [], "text that Textual may read as markup:\n" + "\n".join(leaks)


def test_every_allowed_exception_is_still_there() -> None:
    """An allow-list entry whose code has gone would hide the next leak at the same place: keep it exact."""
    present = {(sink.file, sink.source) for sink in scan() if not sink.safe}
    assert set(ALLOWED) <= present, set(ALLOWED) - present


@pytest.mark.parametrize("name", MARKUP_PARSERS)
def test_nothing_in_the_package_parses_markup(name: str) -> None:
    users = [file for file, _, source in _sources() if name in source]
    assert users == [], f"{name} used in {users}"


def test_nothing_turns_markup_on() -> None:
    found = []
    for file, tree, _ in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "markup":
                if not (isinstance(node.value, ast.Constant) and node.value.value is False):
                    found.append(f"{file}: markup={ast.unparse(node.value)}")
    assert found == []

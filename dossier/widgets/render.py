"""The one rendering door: every string that came from a dossier reaches the screen through here.

Dossier text is data, never markup. The helpers below build `rich.text.Text`
or `textual.content.Content` from plain strings after `dossier.text.clean_text`
(no control characters, escape sequences or bidi overrides), and add styling
around the data, never by interpolating it into a markup string. A quote that
reads `[bold]x[/]` or `[@click=app.quit]` shows exactly those characters.

Long words (a URL, a word of 5,000 letters) are folded onto the next line when
wrapping and cut with an ellipsis in one-line rows, so no text can widen a pane.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from ..text import clean_text
from ..words import UNDATED

MISSING = UNDATED
"""What stands for a date the dossier does not have: the one word for it (`dossier.words`)."""

DATE_WIDTH = 10
"""Dates are ISO text (`2021-12-01`, `2022-01`, `2022`); padded to this width they line up."""

_console = Console(width=200, color_system=None, force_terminal=False, legacy_windows=False)
"""Only measures and wraps text (no output), so one shared console is enough."""


def plain(value: str | None, style: str | Style = "") -> Text:
    """One line of dossier text as `Text`: cleaned, newlines and tabs folded to spaces."""
    return Text(clean_text(value or "", keep_newlines=False), style=style, no_wrap=True, end="")


def paragraph(value: str | None, style: str | Style = "") -> Text:
    """Dossier text that may span lines (a quote, a description), cleaned, newlines kept."""
    return Text(clean_text(value or "").replace("\t", " "), style=style, end="")


def content(value: str | None) -> Content:
    """Dossier text as a `Content` (for titles and widgets that take Content), never parsed as markup."""
    return Content(clean_text(value or "", keep_newlines=False))


def actor_facts(role: str | None, country: str | None, slug: str | None) -> str:
    """What tells an actor from others of the same name, the same everywhere (lists, palette): `role · CC · slug`.

    Role and country alone do not: a generated dossier of 5,000 actors has
    979 names and 4,192 name, role and country triples. The slug always does.
    """
    return " · ".join(clean_text(value, keep_newlines=False) for value in (role, country, slug) if value)


def date(value: str | None, style: str | Style = "") -> Text:
    """A partial ISO date padded to `DATE_WIDTH`, so dates in a column line up."""
    return plain((value or MISSING).ljust(DATE_WIDTH)[: DATE_WIDTH + 2], style)


def join(*parts: Text | str, sep: str = "") -> Text:
    """Text parts joined; `str` parts are our own labels and are taken literally too."""
    out = Text(end="", no_wrap=True)
    for index, part in enumerate(parts):
        if index and sep:
            out.append(sep)
        out.append(part if isinstance(part, Text) else Text(part))
    return out


_FIT_MARGIN = 3
"""Cells a prefix must exceed a row by before `fit` cuts the prefix instead of the whole text.

Only the last grapheme of a prefix can differ from the same characters in the
whole text (a joiner or variation selector just past the cut widens it by a
cell at most), so with this margin every grapheme up to the cut and the one
after it are the same in both, and so is the cut."""


def fit(text: Text, width: int) -> Text:
    """One row: cut to `width` cells with an ellipsis, padded with spaces to exactly `width`.

    Rich measures and cuts the whole string, grapheme by grapheme, for any text
    that is not all single-cell characters (a quote in “…”, Chinese): ~100 µs a
    row for a long statement, of which only a row's width can ever show. So a
    long text is first cut to a prefix a few cells wider than the row, which
    gives exactly the same row; when no prefix is wide enough (zero-width
    characters, combining marks), the whole text is cut as before.
    """
    if width <= 0:
        return Text(end="")
    row = text.copy()
    row.no_wrap = True
    plain = row.plain
    size = width + _FIT_MARGIN + 1
    while size < len(plain):
        prefix = plain[:size]
        if cell_len(prefix) > width + _FIT_MARGIN:
            row.right_crop(len(plain) - size)
            break
        size *= 2
    row.truncate(width, overflow="ellipsis", pad=True)
    return row


def line_segments(text: Text, style: Style) -> list[Segment] | None:
    """One line of `text` as the segments `Text.render` makes, with `style` under each (`Strip.apply_style`).

    Rich's way sorts the ends of every span and combines the styles over them,
    a fair part of the time of drawing a list row. A row built by appending
    (spans in order, none overlapping or past the end, each a `Style`) is walked once here
    instead, giving the same segments. None for any other text: render it Rich's way.
    """
    plain = text.plain
    under = style.__add__ if style else None
    spans = text.spans
    if not spans:
        return [Segment(plain, under(None) if under else None)]
    own = text.style
    if isinstance(own, str):
        if own:
            return None
        own = Style.null()
    size = len(plain)
    segments: list[Segment] = []
    at = 0
    for start, end, span_style in spans:
        if not isinstance(span_style, Style) or start < at or end > size:
            return None
        if start >= end:
            continue
        if start > at:
            segments.append(Segment(plain[at:start], under(own) if under else own))
        combined = own + span_style
        segments.append(Segment(plain[start:end], under(combined) if under else combined))
        at = end
    if at < size:
        segments.append(Segment(plain[at:], under(own) if under else own))
    return segments


def wrap_row(text: Text, width: int, height: int, indent: int = 0) -> list[Text]:
    """A list row of `height` lines, each exactly `width` cells: `text` wrapped at words.

    The second and later lines are indented by `indent` cells (a hanging
    indent, so the columns of the first line stay clear); a word longer than
    a line is folded; the last line is cut with an ellipsis when text remains.
    Only a prefix a little longer than the row can show is measured, as `fit`
    does, so a 5,000-letter statement costs what a short one does.
    """
    if height <= 1 or width <= indent + 1:
        return [fit(text, width)]
    budget = width * height + _FIT_MARGIN + 1
    rest = text.copy()
    rest.no_wrap = True
    cut = len(rest.plain) > budget
    if cut:
        rest.right_crop(len(rest.plain) - budget)
    lines: list[Text] = []
    for number in range(height):
        room = width if number == 0 else width - indent
        if number == height - 1:
            if cut and cell_len(rest.plain) <= room:
                rest.append("…")  # the prefix ends here, the text does not
            line = fit(rest, room)
        else:
            breaks = divide_line(rest.plain, room, fold=True) if cell_len(rest.plain) > room else []
            if breaks:
                line, rest = rest.divide([breaks[0]])
                line.rstrip()
                rest = _lstrip(rest)
            else:
                line, rest = rest, Text(end="", no_wrap=True)
            line = fit(line, room)
        lines.append(line if number == 0 else join(" " * indent, line))
    return lines


def _lstrip(text: Text) -> Text:
    """`text` without its leading spaces, spans kept."""
    plain = text.plain
    drop = len(plain) - len(plain.lstrip(" "))
    if not drop:
        return text
    return text[drop:]


def wrap(text: Text, width: int) -> list[Text]:
    """Lines of at most `width` cells; words longer than a line are folded, never overflow."""
    if width <= 0:
        return []
    lines = text.wrap(_console, width, overflow="fold", no_wrap=False)
    return [line for line in lines] or [Text(end="")]


def snippet(segments: Iterable[tuple[str, bool]], match_style: str | Style) -> Text:
    """A search snippet from `SearchHit.snippet` segments: matched words get `match_style`."""
    out = Text(end="", no_wrap=True)
    for segment, matched in segments:
        out.append(clean_text(segment, keep_newlines=False), style=match_style if matched else "")
    return out


def pane_title(label: str, count: int | None, subject: str | None = None, *, at_least: bool = False) -> Content:
    """A pane's border title: `Statements · 19,784`, with what it is about when given (data, cleaned).

    `at_least`: the count is a lower bound (`Results · 153+`: a kind was counted only up to its limit)."""
    title = Content(label)
    if count is not None:
        title = title + Content(f" · {count:,}{'+' if at_least else ''}")
    if subject:
        title = title + Content(" · ") + content(subject)
    return title


def foreground(style: Style) -> Style:
    """A style's colour and attributes without its background, so a row's cursor shows through."""
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )


def notify(app: App[Any], message: str, *, severity: SeverityLevel = "information") -> None:
    """A notification whose text may hold dossier data: cleaned, and never read as markup."""
    app.notify(clean_text(message, keep_newlines=False), severity=severity, markup=False)


def failure(error: BaseException) -> str:
    """An exception as the one line of an error notice: the store's reasons as they are, anything else named.

    The line may quote dossier text (a slug, a path); `notify` cleans it.
    """
    from ..errors import StoreError

    lines = str(error).strip().splitlines()
    message = lines[0] if lines else ""
    if isinstance(error, StoreError):
        return message or "The dossier could not be read."
    return f"Unexpected {type(error).__name__}{': ' + message if message else ''} (the app goes on)"

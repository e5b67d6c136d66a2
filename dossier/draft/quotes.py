"""Quotation marks and sentences, by rules: where each quote starts and ends, and the sentence around it.

Double marks (“ ” „ « » and straight ") are the quotes of an article that has
them; single marks (‘ ’ and straight ') only of an article that has no double
ones (British style), and then with care: a right single mark after a letter
and before a letter is an apostrophe (`Russia’s`), and one after an `s` and
before a lower-case word (`the countries’ embassies`) is a possessive whenever a
later mark can close the quote instead. A right mark is never an opening one.

A quote left open at the end of a paragraph runs on when the next paragraph
opens with a quotation mark (the newspaper convention for long quotes); else it
ends with its paragraph and is marked as unclosed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»″"
"""Closing marks: `″` (a double prime) is a closing mark mistyped (`By 16:00″, he said`)."""
SINGLE_OPEN = "‘"
SINGLE_CLOSE = "’"


@dataclass
class Part:
    """One paragraph's piece of a quote: `open`/`close` are the marks' offsets (close None: no closing mark)."""

    para: int
    open: int
    close: int | None
    end: int
    """Offset just after the closing mark (or the paragraph's end)."""
    lost_open: bool = False
    """No opening mark: the quote starts with its paragraph (`open` is 0 and not a mark)."""

    @property
    def inner_start(self) -> int:
        return self.open if self.lost_open else self.open + 1


@dataclass
class QuoteSpan:
    """A quote, in one or more paragraphs."""

    parts: list[Part]

    def text(self, paragraphs: list[str]) -> str:
        pieces = []
        for part in self.parts:
            para = paragraphs[part.para]
            stop = part.close if part.close is not None else part.end
            pieces.append(para[part.inner_start : stop].strip())
        return " ".join(p for p in pieces if p)

    @property
    def closed(self) -> bool:
        return self.parts[-1].close is not None

    @property
    def opened(self) -> bool:
        return not self.parts[0].lost_open

    @property
    def first(self) -> Part:
        return self.parts[0]

    @property
    def last(self) -> Part:
        return self.parts[-1]


def quote_style(paragraphs: list[str]) -> str:
    """'double' when the article quotes with double marks, else 'single' (or 'none')."""
    text = "\n".join(paragraphs)
    doubles = sum(text.count(c) for c in DOUBLE_OPEN + DOUBLE_CLOSE + '"')
    if doubles:
        return "double"
    openers = len(re.findall(r"(?:^|[\s(\[—–-])[‘'][A-Za-z0-9]", text, re.MULTILINE))
    return "single" if openers else "none"


def _is_open_position(para: str, i: int) -> bool:
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    return (before.isspace() or before in "([{—–-/:") and not after.isspace()


def _is_close_position(para: str, i: int) -> bool:
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    return not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-…" or i + 1 == len(para))


def _stray_close(para: str, i: int) -> bool:
    """A straight mark typed with a space before it and a stop after it (`… cynicism ". According`): it closes
    (a quote never opens on a stop), even with no word against it."""
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1 : i + 3]
    return before.isspace() and re.match(r"[.,;:!?](?:\s|$)", after + " ") is not None and i > 0


def _marks(para: str, style: str) -> list[tuple[int, str]]:
    """(offset, 'open'|'close'|'either') for each quotation mark of the paragraph in this style."""
    found: list[tuple[int, str]] = []
    if style == "double":
        for i, ch in enumerate(para):
            if ch in DOUBLE_OPEN:
                found.append((i, "open"))
            elif ch in DOUBLE_CLOSE:
                # ” used for both marks by careless typing: an opener when it stands before a word.
                found.append((i, "open" if _is_open_position(para, i) and not _is_close_position(para, i) else "close"))
            elif ch == '"' and _stray_close(para, i):
                found.append((i, "close"))
            elif ch == '"':
                opening, closing = _is_open_position(para, i), _is_close_position(para, i)
                found.append((i, "either" if opening == closing else "open" if opening else "close"))
            elif ch == "’" and _is_close_position(para, i) and not (i + 1 < len(para) and para[i + 1].isalnum()):
                found.append((i, "single-close"))  # closes a double quote only when nothing else does
    elif style == "single":
        for i, ch in enumerate(para):
            if ch not in "‘’'":
                continue
            before = para[i - 1] if i > 0 else " "
            after = para[i + 1] if i + 1 < len(para) else " "
            if before.isalnum() and after.isalnum():
                continue  # an apostrophe inside a word
            if ch in "‘'" and _is_open_position(para, i) and after.isalnum():
                found.append((i, "open"))
            elif ch in "’'" and _is_close_position(para, i):
                if before.lower() == "s" and para[i + 1 : i + 3].strip()[:1].islower():
                    found.append((i, "possessive"))
                else:
                    found.append((i, "close"))
    return found


ATTRIBUTION_AFTER = re.compile(
    r"[\s,.—–-]*(?:[A-Za-z’'.-]+\s+){0,7}?(?:said|says|told|added|stated|noted|stressed|quoted|wrote|insisted|"
    r"warned|explained|declared|announced|according)\b"
)
"""An attribution right after a mark: `,” Lavrov told journalists`, `" the agency quoted X as saying`."""


def find_quotes(paragraphs: list[str]) -> list[QuoteSpan]:
    """Every quote of the article, in order."""
    style = quote_style(paragraphs)
    if style == "none":
        return []
    spans: list[QuoteSpan] = []
    running: QuoteSpan | None = None

    def finish(part: Part) -> None:
        """A quote ends with `part`: the one running on from earlier paragraphs, or a quote of its own."""
        nonlocal running
        if running is not None:
            running.parts.append(part)
            spans.append(running)
            running = None
        else:
            spans.append(QuoteSpan([part]))

    for p, para in enumerate(paragraphs):
        marks = _marks(para, style)
        open_at: int | None = None
        if running is not None:
            # A quote left open runs on only into a paragraph that opens with a quotation mark.
            if marks and marks[0][0] == 0 and marks[0][1] in ("open", "either"):
                open_at = 0
                marks = marks[1:]
            elif marks and marks[0][1] == "close":
                # No opening mark, but a closing one: the quote ran on without the convention's mark.
                running.parts.append(Part(p, 0, marks[0][0], marks[0][0] + 1, lost_open=True))
                spans.append(running)
                running = None
                marks = marks[1:]
            else:
                spans.append(running)
                running = None
        skip: set[int] = set()
        for index, (i, role) in enumerate(marks):
            if index in skip:
                continue
            if open_at is None:
                if role in ("open", "either"):
                    open_at = i
                elif role == "close" and index == 0 and ATTRIBUTION_AFTER.match(para, i + 1):
                    # A closing mark, then `X said`, with no opening mark before it in the paragraph:
                    # the opening mark was lost (a block quote on the page); the quote starts the paragraph,
                    # or the sentence before the mark when that one starts in lower case (words lost with the mark).
                    broken = list(re.finditer(r"[.!?]\s+(?=[a-z])", para[:i]))
                    start = broken[-1].end() if broken else 0
                    spans.append(QuoteSpan([Part(p, start, i, i + 1, lost_open=True)]))
                continue
            if role == "single-close" and para[i - 1 : i].lower() == "s" and para[i + 1 : i + 3].strip()[:1].islower():
                continue  # "countries’ embassies": a possessive
            if role == "single-close":
                if any(r in ("close", "either") for _, r in marks[index + 1 :]):
                    continue
                role = "close"
            if role == "possessive":
                later = any(r in ("close", "either") for _, r in marks[index + 1 :])
                if later:
                    continue
                role = "close"
            if role in ("close", "either"):
                finish(Part(p, open_at, i, i + 1))
                open_at = None
            elif role == "open" and sum(1 for _, r in marks[index + 1 :] if r in ("close", "either")) >= 2:
                # A quote inside the quote, in the same marks: its closing mark is not the outer one's.
                nested_close = next(
                    j for j, (_, r) in enumerate(marks[index + 1 :], start=index + 1) if r in ("close", "either")
                )
                skip.add(nested_close)
            elif (
                role == "open"
                and index == len(marks) - 1
                and i > open_at + 1
                and _is_close_position(para, i)
                or (role == "open" and index == len(marks) - 1 and ATTRIBUTION_AFTER.match(para, i + 1))
            ):
                # The paragraph's last mark, while a quote is open and nothing else closes it: a closing
                # mark typed the wrong way round (`steps “.`, `years, "the agency quoted …`).
                finish(Part(p, open_at, i, i + 1))
                open_at = None
            elif (
                role == "open"
                and re.search(r"[.!?]\s+$", para[open_at:i])
                and sum(1 for _, r in marks[index + 1 :] if r in ("close", "either")) == 1
            ):
                # `"Another … statement. Such statements are unacceptable. "Budapest continues …," he noted.`: a
                # stray mark opening a sentence of the quote, which the one closing mark left ends.
                continue
            elif role == "open" and i > open_at + 1:
                # A second opening mark: the first quote was never closed; it ends here.
                finish(Part(p, open_at, None, i))
                open_at = i
        if open_at is not None:
            part = Part(p, open_at, None, len(para))
            if running is None:
                running = QuoteSpan([part])
            else:
                running.parts.append(part)
    if running is not None:
        spans.append(running)
    return [s for s in spans if s.text(paragraphs)]


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr gen sen rep gov lt col maj capt st jr sr jan feb aug sep sept oct nov dec no vs etc inc corp ltd co
    prof gen adm sgt cmdr amb pres messrs mt ft approx dept est fig
    """.split()
)
_END = re.compile(r"[.!?…]+[”’\"»)]*(?=\s+[“‘\"«(]?[A-Z0-9])")
_STARTERS = frozenset("the a an he she it they we i in on but and this that his her its their there".split())


def sentence_bounds(para: str, protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph; never a break inside a protected span (a quote)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for found in _END.finditer(para):
        end = found.end()
        if any(a < found.end() < b for a, b in protected):
            continue
        word = re.search(r"(\S+)$", para[start : found.start()])
        token = word.group(1).lower().lstrip('“‘"«(') if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
            continue
        if "." in token and re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
            following = re.match(r"\s+[“‘\"«(]?(\w+)", para[end:])
            if not following or following.group(1).lower() not in _STARTERS:
                continue  # "U.S. Secretary": the periods are the abbreviation's
        bounds.append((start, end))
        start = end
        while start < len(para) and para[start].isspace():
            start += 1
    if start < len(para):
        bounds.append((start, len(para)))
    return bounds


def sentence_at(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= pos < end:
            return start, end
    return bounds[-1] if bounds else (0, 0)

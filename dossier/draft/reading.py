"""Reading an article: bytes to clean text in paragraphs, with its title, outlet and date where the text gives them.

Plain text and HTML are read. HTML is reduced to its text with the standard
library's `html.parser`: scripts, styles, navigation, headers, footers, asides,
forms and figure captions are dropped, and block elements end paragraphs.
Metadata comes from `<title>`/`<h1>`, `og:site_name` and
`article:published_time` (or a `<time datetime>`); in plain text, from the
first lines: a title line, a date line ("date 2021-12-01", "December 1, 2021",
"Published 1 Dec 2021"), a byline, and a dateline at the head of the first
paragraph ("MOSCOW (Reuters) -"). Photo captions and credit lines are dropped.

Anything that is not an article is refused with a one-line reason
(`DraftError`): a binary file, an empty one, one over `MAX_ARTICLE_BYTES`, text
that is not English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from ..text import clean_text
from .lexicon import ENGLISH_WORDS, MEDIA, MONTHS

MAX_ARTICLE_BYTES = 2_000_000
"""A news article is tens of kilobytes; a file over this is not one (and drafting it would take long)."""


class DraftError(Exception):
    """An article that cannot be drafted, with a one-line reason."""


@dataclass
class Article:
    """One article's text and what its head says about it."""

    name: str
    """Where it came from (a file name), for messages."""
    paragraphs: list[str]
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    """ISO date (YYYY-MM-DD) of the article, when the text gives it."""
    url: str | None = None
    dropped: list[str] = field(default_factory=list)
    """Lines left out as page clutter (captions, credits), for the draft's comments."""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def day(self) -> date | None:
        if not self.published:
            return None
        try:
            return date.fromisoformat(self.published[:10])
        except ValueError:
            return None


# --------------------------------------------------------------------------- bytes to text


def decode(raw: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else UTF-16 with a BOM, else Windows-1252; binary refused."""
    if not raw.strip():
        raise DraftError(f"{name}: empty file, nothing to draft")
    if len(raw) > MAX_ARTICLE_BYTES:
        raise DraftError(f"{name}: {len(raw):,} bytes is too big for a news article (at most {MAX_ARTICLE_BYTES:,})")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DraftError(f"{name}: not readable text (a broken UTF-16 file)") from None
    head = raw[:8192]
    if b"\x00" in head or _control_share(head) > 0.05:
        raise DraftError(f"{name}: a binary file, not an article's text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        if text.count("\ufffd") > len(text) // 100:
            raise DraftError(f"{name}: not readable text (neither UTF-8 nor Windows-1252)") from None
        return text


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _control_share(head: bytes) -> float:
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / max(1, len(head))


_DOUBLED_MARKS = re.compile(r"''|‘‘|’’|``")


def _doubled_mark(match: re.Match[str]) -> str:
    return {"''": '"', "‘‘": "“", "’’": "”", "``": "“"}[match.group()]


def read_article(raw: bytes, name: str) -> Article:
    """An article from a file's bytes (plain text or HTML); `DraftError` when it is not one."""
    # Two single marks typed for a double one (''like this'') are a double mark.
    text = _DOUBLED_MARKS.sub(_doubled_mark, decode(raw, name))
    if _looks_like_html(text):
        article = _from_html(text, name)
    else:
        article = _from_text(text, name)
    if not article.paragraphs:
        raise DraftError(f"{name}: no text in it, nothing to draft")
    if not is_english(article.text):
        raise DraftError(f"{name}: does not look like English text (drafting reads English news only)")
    return article


def is_english(text: str) -> bool:
    """Whether common English words make up a fair share of the text's words."""
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if len(words) < 8:
        return any(w in ENGLISH_WORDS for w in words)
    return sum(1 for w in words if w in ENGLISH_WORDS) / len(words) >= 0.08


# --------------------------------------------------------------------------- HTML


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(
        re.search(r"<(?:p|div|article|body|h1|head)\b[^>]*>", head)
    )


_SKIP = frozenset(
    "script style nav header footer aside form figcaption figure noscript svg button select template iframe".split()
)
_BLOCK = frozenset("p div article section h1 h2 h3 h4 h5 h6 li ul ol blockquote br tr table main dd dt pre".split())
_VOID = frozenset("br hr img meta link input area base col embed source track wbr".split())


class _TextParser(HTMLParser):
    """Collects the visible text of a page in paragraphs, and its metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []
        self.title: str | None = None
        self.h1: str | None = None
        self.in_title = False
        self.in_h1 = False
        self.h1_text: list[str] = []
        self.title_text: list[str] = []
        self.meta: dict[str, str] = {}
        self.time: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            if key and values.get("content"):
                self.meta.setdefault(key.lower(), values["content"])
            return
        if tag == "time" and values.get("datetime") and self.time is None:
            self.time = values["datetime"]
        if tag in _VOID:
            if tag == "br":
                self._end_paragraph()
            return
        self.stack.append(tag)
        if tag in _SKIP or values.get("aria-hidden") == "true" or "caption" in values.get("class", "").lower():
            self.skip_depth += 1
            self.stack[-1] = "\x00" + tag  # marks a skipped element, closed by its own end tag
            return
        if tag == "title":
            self.in_title = True
        if tag == "h1":
            self.in_h1 = True
        if tag in _BLOCK:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Close up to the matching start tag (HTML in the wild leaves tags open).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].lstrip("\x00") == tag:
                for closed in self.stack[index:]:
                    if closed.startswith("\x00"):
                        self.skip_depth -= 1
                del self.stack[index:]
                break
        else:
            return
        if tag == "title":
            self.in_title = False
        if tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_text.append(data)
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1_text.append(data)
        self.current.append(data)

    def _end_paragraph(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def _from_html(text: str, name: str) -> Article:
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    title = " ".join("".join(parser.h1_text).split()) or " ".join("".join(parser.title_text).split()) or None
    paragraphs = [clean_text(p, keep_newlines=False) for p in parser.paragraphs]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    meta = parser.meta
    published = _iso_date(meta.get("article:published_time") or meta.get("datepublished") or parser.time or "")
    outlet = meta.get("og:site_name") or None
    url = meta.get("og:url") or None
    article = _from_paragraphs(paragraphs, name, title=title, outlet=outlet, published=published)
    article.url = url
    return article


# --------------------------------------------------------------------------- plain text

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
_WRITTEN_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_WORDS})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_WRITTEN_MDY = re.compile(rf"\b({_MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"^\s*(?:date|published|posted|updated|last updated|first published)?\s*:?\s*(?:on\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*(?:by|written by|reporting by|story by)\s+[A-Z]", re.IGNORECASE)
_CAPTION = re.compile(
    r"(?:^\s*(?:photo|image|picture|file photo|caption|video|watch|read more|related|advertisement|"
    r"sign up|subscribe|share this|follow us)\b[:\s]?)|(?:getty images|/reuters$|reuters/|\bap photo\b|/afp\b|"
    r"\bphotograph:|\(photo:|image copyright|image caption|media caption)",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{2,40}?)(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?"
    r"\s*(?:\((?P<outlet>[A-Za-z][\w .&-]{1,40})\))?"
    r"\s*[-–—]{1,2}\s+"
)


def _iso_date(text: str) -> str | None:
    """The first date in `text` as ISO (YYYY-MM-DD), or None."""
    found = _ISO.search(text)
    if found:
        return _checked(int(found[1]), int(found[2]), int(found[3]))
    found = _WRITTEN_MDY.search(text)
    if found:
        return _checked(int(found[3]), MONTHS[found[1].lower()], int(found[2]))
    found = _WRITTEN_DMY.search(text)
    if found:
        return _checked(int(found[3]), MONTHS[found[2].lower()], int(found[1]))
    return None


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_span(line: str) -> tuple[str, int] | None:
    """A date at the head of `line` (after "date", "Published:", a weekday): (ISO date, where the rest starts)."""
    prefix = _DATE_LINE.match(line)
    start = prefix.end() if prefix else 0
    rest = line[start:]
    for pattern, order in ((_ISO, "ymd"), (_WRITTEN_MDY, "mdy"), (_WRITTEN_DMY, "dmy")):
        found = pattern.match(rest)
        if not found:
            continue
        if order == "ymd":
            iso = _checked(int(found[1]), int(found[2]), int(found[3]))
        elif order == "mdy":
            iso = _checked(int(found[3]), MONTHS[found[1].lower()], int(found[2]))
        else:
            iso = _checked(int(found[3]), MONTHS[found[2].lower()], int(found[1]))
        if iso:
            end = start + found.end()
            # A time and a zone after the date belong to the date line ("10:32 GMT", "| Updated ...").
            tail = re.match(
                r"(?:[\sT,|·-]*\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*(?:am|pm|[A-Z]{2,4}|Z|[+-]\d{2}:?\d{2}))?)?"
                r"[\s,|·]*",
                line[end:],
                re.IGNORECASE,
            )
            return iso, end + (tail.end() if tail else 0)
    return None


def _one_line_paragraphs(block: list[str]) -> bool:
    """Whether a block's lines are paragraphs of their own (a page copied one paragraph a line), not wrapped text.

    Wrapped lines end in the middle of sentences; a paragraph's line ends a sentence. A block of lines that
    (nearly) all end one is read a paragraph a line.
    """
    if len(block) < 2:
        return False
    ended = sum(1 for line in block[:-1] if re.search(r"[.!?…:”\"’»)]$", line))
    return ended >= max(1, round(0.8 * (len(block) - 1)))


def _head_lines(block: list[str]) -> bool:
    """Whether a block near the top is a page's heading lines (outlet, date line, byline), each its own paragraph.

    A title set apart by a blank line leaves the outlet and the date line in the
    next block ("Anadolu Agency" / "Published April 12, 2024"): joined, they
    read as one name and no date. Such a block has short lines that do not end
    sentences, and one of them is a date line or a byline.
    """
    if len(block) < 2 or any(len(line) >= 80 or re.search(r"[.!?”\"]$", line) for line in block):
        return False
    return any(_date_span(line) or _BYLINE.match(line) for line in block)


def _from_text(text: str, name: str) -> Article:
    text = clean_text(text).replace("\t", " ")
    lines = [line.strip() for line in text.split("\n")]
    blank_separated = any(not line for line in lines[1:-1]) and sum(1 for line in lines if line) > 1
    paragraphs: list[str] = []
    if blank_separated:
        current: list[str] = []
        for line in lines + [""]:
            if line:
                current.append(line)
            elif current:
                # The first block is the head's, split below by its own rule.
                split = bool(paragraphs) and (
                    _one_line_paragraphs(current) or (len(paragraphs) < 3 and _head_lines(current))
                )
                paragraphs.extend(current if split else [" ".join(current)])
                current = []
        # A heading block (title, date, byline on their own lines) is several one-line heads:
        # split the first block by lines when its lines are short.
        if paragraphs:
            first = [line for line in lines[: lines.index("") if "" in lines else len(lines)] if line]
            if len(first) > 1 and all(len(line) < 200 for line in first[:-1]):
                paragraphs = first + paragraphs[1:]
    else:
        paragraphs = [line for line in lines if line]
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    return _from_paragraphs([p for p in paragraphs if p], name)


def _from_paragraphs(
    paragraphs: list[str],
    name: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Article:
    """The head of the article (title, date line, byline, dateline) read off its first paragraphs; clutter dropped."""
    body: list[str] = []
    dropped: list[str] = []
    head = True
    for index, para in enumerate(paragraphs):
        if head and index < 6:
            dated = _date_span(para)
            if dated and (published is None or dated[0] == published):
                published = published or dated[0]
                rest = para[dated[1] :].strip()
                dropped.append(para[: dated[1]].strip())
                if not rest:
                    continue
                para = rest
                if title is None and len(rest) < 250:
                    title = rest
                    continue
            if _BYLINE.match(para) and len(para) < 120:
                dropped.append(para)
                continue
            if title is None and len(para) < 250 and not para.endswith((":",)) and index == 0 and len(paragraphs) > 1:
                title = para
                continue
            if outlet is None and para.lower().strip(" .") in MEDIA and len(para) < 40:
                outlet = MEDIA[para.lower().strip(" .")]
                dropped.append(para)
                continue
        if _CAPTION.search(para) and len(para) < 300:
            dropped.append(para)
            continue
        if head:
            dateline = _DATELINE.match(para)
            if dateline and dateline.group("place").strip().isupper():
                if dateline.group("outlet") and outlet is None:
                    outlet = dateline.group("outlet").strip()
                dropped.append(para[: dateline.end()].strip())
                para = para[dateline.end() :]
        if len(para.split()) >= 6 or para.endswith((".", "”", '"', "?", "!")):
            head = False
        body.append(para)
    return Article(name=name, paragraphs=body, title=title, outlet=outlet, published=published, dropped=dropped)


def read_capped(path: Path, limit: int, *, not_a: str, too_big_for: str) -> bytes:
    """The bytes of `path` if it is a file of at most `limit` bytes, else a one-line `DraftError`.

    `not_a` and `too_big_for` name what the file should be in those lines: an
    article (`dossier draft`), a draft (`dossier browse --review`).
    """
    try:
        if path.is_dir():
            raise DraftError(f"{path}: a directory, not {not_a}")
        size = path.stat().st_size
        if size > limit:
            raise DraftError(f"{path}: {size:,} bytes is too big for {too_big_for} (at most {limit:,})")
        return path.read_bytes()
    except FileNotFoundError:
        raise DraftError(f"{path}: no such file") from None
    except OSError as exc:
        raise DraftError(f"{path}: cannot be read: {exc.strerror or exc}") from None

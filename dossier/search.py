"""The search language: what a user types, turned into safe index queries. No SQL runs here, no Textual.

What the user types is words, never FTS5 syntax. `parse_query` reads any
string at all (quotes, `AND`, `NEAR(`, `*`, `:`, brackets, emoji, control
characters, lone surrogates, 10,000 characters, nothing) and returns a
`SearchQuery`; the functions below turn it into the expressions `Store` binds
as parameters. Every word reaches FTS5 inside double quotes (with `"` doubled),
so FTS5 only ever sees quoted strings joined by operators we chose.

The language (documented in docs/search.md):

* words: every word must match; a word of three or more characters also
  matches as a prefix (`ultimat` finds "ultimatums"). Case and diacritics
  are ignored (`cafe` finds "café"). Punctuation inside a word
  (`head-on`, `U.S.`) makes the parts one phrase.
* `"exact phrase"`: the words in that order, no prefix. A quote left open
  runs to the end of the query.
* `-word` or `-"a phrase"`: leave out what matches it. A query made only of
  exclusions searches for those words instead, so `-x` finds "x".
* names are matched across scripts: each word is also folded (`fold_name`)
  and compared with the folded names and aliases of actors.
* fragments: a word also matches inside longer words and in Chinese or
  Japanese text (`substring_terms`), through the trigram indexes and a
  bounded scan (see `Store.search_page`).

The transliteration itself is anyascii's; `fold_name` only folds the
romanisations that differ (я = ya/ia/ja, х = kh/h, й = y/i/j, ...) onto one
spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_QUERY_CHARS = 1000
"""Longer input is cut here: nobody types more, and FTS5 need not parse a novel."""
MAX_TERMS = 16
"""Words and phrases beyond this many are ignored (each one costs an index lookup)."""
MIN_PREFIX = 3
"""A word shorter than this matches whole words only: `a*` would merge half the index."""
MIN_TRIGRAM = 3
"""Trigram indexes find substrings of at least three characters; shorter ones are scanned."""

# Controls (C0, C1), lone surrogates, bidi controls and noncharacters: never searchable, dropped.
_UNSEARCHABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u200e\u200f\ufffe\uffff]")
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

# Han (with radicals, CJK symbols, extensions), kana, Hangul, half/full-width forms.
_CJK_RANGES = (
    ("\u2e80", "\u2fdf"),
    ("\u3000", "\u30ff"),
    ("\u3100", "\u31ff"),
    ("\u3400", "\u4dbf"),
    ("\u4e00", "\u9fff"),
    ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"),
    ("\uff00", "\uffef"),
    ("\U00020000", "\U0003134f"),
)
_CJK = re.compile("[" + "".join(f"{lo}-{hi}" for lo, hi in _CJK_RANGES) + "]")
CJK_GLOB = "*[" + "".join(f"{lo}-{hi}" for lo, hi in _CJK_RANGES) + "]*"
"""An SQLite GLOB pattern true for text with a CJK character (the same ranges as `has_cjk`)."""

_TRANSLITERATE = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff]")  # Greek and Cyrillic letters
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1")


def _is_token_char(char: str) -> bool:
    """What FTS5's unicode61 tokenizer keeps as part of a word: letters, numbers, private use."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query, as typed (cleaned)."""

    text: str
    phrase: bool = False
    """From a quoted phrase: matched exactly, never as a prefix."""

    @property
    def searchable(self) -> bool:
        """Whether the word index can match it (it has letters or digits, not only symbols)."""
        return any(_is_token_char(c) for c in self.text)

    @property
    def prefix(self) -> bool:
        return not self.phrase and sum(1 for c in self.text if _is_token_char(c)) >= MIN_PREFIX


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: terms that must all match, and terms that must not."""

    terms: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def cjk(self) -> bool:
        return any(has_cjk(t.text) for t in self.terms)


def clean_query(text: str) -> str:
    """The query without what can never be searched for: controls, lone surrogates, bidi marks; NFC."""
    text = _UNSEARCHABLE.sub(" ", text[: MAX_QUERY_CHARS * 2])
    return unicodedata.normalize("NFC", text)[:MAX_QUERY_CHARS]


def parse_query(text: str) -> SearchQuery:
    """Any string to a `SearchQuery`; never raises. See the module docstring for the language."""
    if not isinstance(text, str):  # a defensive guard for callers without type checking
        return SearchQuery()
    terms: list[Term] = []
    excluded: list[Term] = []
    for match in _CHUNK.finditer(clean_query(text)):
        if match.group(2) is not None:
            minus, body, phrase = match.group(1), " ".join(match.group(2).split()), True
        else:
            minus, body, phrase = match.group(3), match.group(4), False
        if not body or not any(not unicodedata.category(c).startswith(("P", "Z")) for c in body):
            continue  # only punctuation: `*`, `--`, `()`, `:`
        if minus and not phrase and body.startswith("-"):
            body = body.lstrip("-")  # `--x` is `-x`
        term = Term(text=body, phrase=phrase)
        target = excluded if minus else terms
        if term not in target:
            target.append(term)
    if not terms:  # only exclusions: `dossier search -- -x` looks for x
        terms, excluded = excluded, []
    if any(t.searchable for t in terms):
        # Symbols beside words (`diplomats +`) are noise; alone (`+`, an emoji) they are searched as text.
        terms = [t for t in terms if t.searchable]
        excluded = [t for t in excluded if t.searchable]
    return SearchQuery(terms=tuple(terms[:MAX_TERMS]), excluded=tuple(excluded[:MAX_TERMS]))


def has_cjk(text: str) -> bool:
    """Whether text has a Chinese, Japanese or Korean character (words without spaces between them)."""
    return _CJK.search(text) is not None


# --------------------------------------------------------------------------- transliteration


def _fold_word(word: str) -> str:
    """One romanised, lower-case word onto the spelling all its common romanisations share.

    The rules only merge variants; order matters: `kh` before `h`, `y`/`j` to `i`
    before `ie`, doubled letters last (`Mariya` -> `mariia` -> `maria`).
    """
    word = word.replace("kh", "h").replace("x", "ks").replace("w", "v").replace("tz", "ts")
    word = word.replace("y", "i").replace("j", "i").replace("ie", "e")
    return _DOUBLED.sub(r"\1", word)  # pairs only: `aaaa` must not fold to `a` and match every name


@lru_cache(maxsize=4096)
def _fold_token(token: str) -> str:
    if not token.isascii():  # anyascii is imported only here: it loads importlib.resources, tempfile and more
        from anyascii import anyascii

        token = anyascii(token)
    return _fold_word("".join(_LATIN_WORD.findall(token.lower())))


def fold_name(text: str) -> str:
    """Names in any script as folded Latin words, so that spellings of one name meet.

    "Мария Захарова", "Mariya Zakharova" and "Maria Zaharova" all give
    "maria zaharova"; "Рябков", "Ryabkov" and "Riabkov" give "riabkov". The
    transliteration is anyascii's; `_fold_word` merges я = ya/ia/ja, ю = yu/iu/ju,
    й = y/i/j, х = kh/h, е = ye/e, ks = x, v = w, ts = tz, and doubled letters.
    """
    words: list[str] = []
    for token in _tokens(text):
        folded = _fold_token(token)
        if folded:
            words.append(folded)
    return " ".join(words)


def _tokens(text: str) -> list[str]:
    """Runs of letters and digits, split as the unicode61 tokenizer splits them."""
    out: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_token_char(char) or (current and unicodedata.category(char).startswith("M")):
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


# --------------------------------------------------------------------------- FTS5 expressions


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


Expand = Callable[[str], Sequence[str] | None]
"""The words of an index that begin with a prefix (its last word as typed), or None to leave it a prefix.

FTS5 merges every word under a prefix on every query that names it, a lookup
by rowid included (a word in 50,000 statements: 2 ms each time); the same
words named one by one are read lazily and looked up in microseconds. `Store`
reads them from the index's vocabulary. A prefix becomes its words only when
every one is plain ASCII letters and digits, which the tokenizer reads back
unchanged; "head on"* becomes ("head one" OR "head ongoing"). The rows matched
are the same; FTS5's snippet and bm25 count phrases, so a caller that needs
them unchanged expands only the prefixes that stand for one word.
"""


def _plain_word(word: str) -> bool:
    """ASCII letters and digits only: what unicode61 keeps as one token and folds by lowering alone."""
    return word.isascii() and word.isalnum()


def _phrase(words: Sequence[str], prefix: bool, expand: Expand | None) -> str:
    """Words as one quoted phrase, the last one a prefix if `prefix` (its index words, when `expand` knows them)."""
    if prefix and expand is not None and words and _plain_word(words[-1]):
        found = expand(words[-1].lower())
        if found and all(_plain_word(w) for w in found):
            phrases = [_quoted(" ".join([*words[:-1], w])) for w in found]
            return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"
    return _quoted(" ".join(words)) + ("*" if prefix else "")


def _word_phrase(term: Term, prefix: bool, expand: Expand | None = None) -> str:
    """A term for a unicode61 index: a quoted string the tokenizer splits as it split the text."""
    return _phrase(_tokens(term.text), prefix, expand)


def _romanised(term: Term) -> str | None:
    """The anyascii spelling of a Cyrillic or Greek term, to find it in Latin text too."""
    if not _TRANSLITERATE.search(term.text):
        return None
    from anyascii import anyascii

    latin = " ".join(w for w in (anyascii(t) for t in _tokens(term.text)) if w)
    latin = "".join(c for c in latin if c.isalnum() or c == " ")
    return latin or None


def _term_expression(term: Term, whole: frozenset[Term], expand: Expand | None = None) -> str:
    prefix = term.prefix and term not in whole
    phrase = _word_phrase(term, prefix, expand)
    latin = _romanised(term)
    if latin is None:
        return phrase
    alternative = _phrase(latin.split(" "), prefix, expand)
    return f"({phrase} OR {alternative})"


def word_match(
    query: SearchQuery,
    columns: str | None = None,
    whole: frozenset[Term] = frozenset(),
    expand: Expand | None = None,
) -> str | None:
    """The FTS5 expression for a unicode61 word index, or None if no term has letters or digits.

    All terms are required; excluded terms are subtracted. `columns` restricts
    the match to those columns (`"title body"`). Terms in `whole` match whole
    words only, even when long enough to be prefixes: FTS5 merges every word
    under a prefix before it returns the first row, which for a common prefix
    of a big dossier takes far longer than a key press may (Store decides).
    `expand` names a prefix's words instead (`Expand`): the same rows.
    """
    if query.empty or not all(t.searchable for t in query.terms):
        return None
    expression = " AND ".join(_term_expression(t, whole, expand) for t in query.terms)
    excluded = [_term_expression(t, whole, expand) for t in query.excluded if t.searchable]
    scope = f"{{{columns}}} : " if columns else ""
    expression = f"{scope}({expression})"
    if excluded:
        expression += f" NOT {scope}({' OR '.join(excluded)})"
    return expression


def ascii_words(query: SearchQuery) -> tuple[str, ...] | None:
    """Words that the text of every ASCII row `word_match(query)` finds holds, case aside; None if unknown.

    In ASCII text unicode61 folds nothing but case, so a row that matches has
    each word of each term (a prefix: its beginning) inside its text: `text
    LIKE '%word%'` is true of it. Only for a query of ASCII letters and
    digits: `café` finds "cafe" (diacritics are folded), so its words say
    nothing about an ASCII text. Exclusions only leave rows out: not needed.
    """
    words: list[str] = []
    for term in query.terms:
        tokens = _tokens(term.text)
        if not tokens or not all(_plain_word(t) for t in tokens):
            return None
        words.extend(t.lower() for t in tokens)
    return tuple(dict.fromkeys(words)) or None


def names_match(
    query: SearchQuery, column: str = "names", exclude_columns: str = "title body", expand: Expand | None = None
) -> str | None:
    """The FTS5 expression matching folded names (actors' names and aliases in every script).

    None when a term folds to nothing (an emoji, a symbol): the folded column
    would then match on the other terms alone, which would be wrong. `expand`
    as for `word_match`.
    """
    if query.empty:
        return None
    folded = [fold_name(t.text) for t in query.terms]
    if not all(folded):
        return None
    parts = [_phrase(f.split(" "), t.prefix, expand) for f, t in zip(folded, query.terms, strict=True)]
    expression = f"{column} : ({' AND '.join(parts)})"
    excluded = [(fold_name(t.text), t) for t in query.excluded]
    not_parts = [_phrase(f.split(" "), t.prefix, expand) for f, t in excluded if f]
    if not_parts:
        expression += f" NOT {{{column} {exclude_columns}}} : ({' OR '.join(not_parts)})"
    return expression


@dataclass(frozen=True)
class SubstringPlan:
    """How to find the query's terms inside words: a trigram MATCH for the long ones, `instr` for the rest.

    `contains` and `lacks` are lower-cased the way SQLite's `lower()` lowers
    (ASCII only), to be tested as `instr(lower(text), ?)`.
    """

    match: str | None
    contains: tuple[str, ...]
    lacks: tuple[str, ...]
    candidates: str | None = None
    """A cheaper trigram MATCH than `match` that finds every row `contains` finds, and some more:
    pieces of three characters that cover each long term, in any order (`diplomats`: dip, lom,
    ats), where `match` asks FTS5 for every overlapping trigram in a row (seven, each with its
    positions). Only for a query that tests `contains` on every row it returns."""


def _covering_trigrams(text: str) -> list[str]:
    """Pieces of three characters that together cover `text`: every third one from the start, and the last."""
    starts = list(range(0, len(text) - 2, 3))
    if starts[-1] != len(text) - 3:
        starts.append(len(text) - 3)
    return [text[i : i + 3] for i in starts]


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def substring_plan(query: SearchQuery) -> SubstringPlan | None:
    """The substring search for the query: every term must occur in the text, no excluded term may.

    None unless every term is worth finding inside words: three characters or
    more, or CJK (words without spaces), or symbols the word index cannot see
    (`+`, an emoji). `us` inside "must" and "because" would only be noise.
    """
    if query.empty or not all(len(t.text) >= MIN_TRIGRAM or has_cjk(t.text) or not t.searchable for t in query.terms):
        return None
    long_terms = [t.text for t in query.terms if len(t.text) >= MIN_TRIGRAM]
    match = " AND ".join(_quoted(t) for t in long_terms) or None
    pieces = dict.fromkeys(piece for t in long_terms for piece in _covering_trigrams(t))
    candidates = " AND ".join(_quoted(piece) for piece in pieces) or None
    contains = tuple(_ascii_lower(t.text) for t in query.terms)
    lacks = tuple(_ascii_lower(t.text) for t in query.excluded)
    return SubstringPlan(match=match, contains=contains, lacks=lacks, candidates=candidates)


# --------------------------------------------------------------------------- snippets

MARK_START = "\ue000"
MARK_END = "\ue001"
"""Private-use characters around matched words in snippets; a dossier's text cannot hold a match marker."""


def segments(snippet: str | None) -> tuple[tuple[str, bool], ...]:
    """Split a snippet marked with MARK_START/MARK_END into (text, matched) segments."""
    if not snippet:
        return ()
    out: list[tuple[str, bool]] = []
    for part in re.split(f"({MARK_START}[^{MARK_END}]*{MARK_END}?)", snippet):
        if not part:
            continue
        if part.startswith(MARK_START):
            out.append((part[1:].rstrip(MARK_END), True))
        else:
            out.append((part.replace(MARK_END, ""), False))
    return tuple(out)


def mark_substrings(text: str, query: SearchQuery, width: int = 120) -> tuple[tuple[str, bool], ...]:
    """A snippet of `text` around the first occurrence of a term, with every occurrence marked.

    Used for hits found by substring (trigram or scan), where FTS5's own
    `snippet()` does not know what matched. Case is ignored as in `instr(lower())`.
    """
    needles = sorted({_ascii_lower(t.text) for t in query.terms if t.text}, key=len, reverse=True)
    lowered = _ascii_lower(text)
    first = min((i for i in (lowered.find(n) for n in needles) if i >= 0), default=0)
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    window, low = text[start:end], lowered[start:end]
    out: list[tuple[str, bool]] = []
    if start > 0:
        out.append(("…", False))
    pos = 0
    while pos < len(window):
        hit = min(
            ((i, n) for i, n in ((low.find(n, pos), n) for n in needles) if i >= 0),
            default=None,
            key=lambda found: (found[0], -len(found[1])),
        )
        if hit is None:
            break
        index, needle = hit
        if index > pos:
            out.append((window[pos:index], False))
        out.append((window[index : index + len(needle)], True))
        pos = index + len(needle)
    if pos < len(window):
        out.append((window[pos:], False))
    if end < len(text):
        out.append(("…", False))
    return tuple(out)


def mark_folded(text: str, query: SearchQuery) -> tuple[tuple[str, bool], ...]:
    """`text` with the words marked whose folded form (`fold_name`) a query term's folded form begins.

    Shows why "Zaharova" or "Захарова" found "Maria Zakharova".
    """
    wanted = [fold_name(t.text) for t in query.terms]
    wanted = [w for term in wanted for w in term.split()]
    out: list[tuple[str, bool]] = []
    pos = 0
    for token in _tokens(text):
        index = text.find(token, pos)
        if index < 0:
            continue
        folded = _fold_token(token)
        if folded and any(folded.startswith(w) for w in wanted):
            if index > pos:
                out.append((text[pos:index], False))
            out.append((token, True))
            pos = index + len(token)
    if pos < len(text):
        out.append((text[pos:], False))
    return tuple(out)

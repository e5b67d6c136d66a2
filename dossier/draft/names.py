"""Who is named in an article, by rules: people with their roles, organisations, states, news agencies, groups.

A capitalised phrase ("US Secretary of State Antony Blinken", "Russian Foreign
Ministry", "Al Jazeera") is split into a job title and a name, or taken as an
organisation, a state or an outlet by the word lists of `dossier.draft.lexicon`.
A job title is never a name: "Department spokesman" has no name in it, and a
phrase made only of lexicon words ("Cold War", "Foreign Minister") names nobody.
Later mentions by surname ("Zakharova") or by a short form ("the ministry") are
tied to the actor first named in full.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..search import fold_name
from .lexicon import (
    COMMON_CAPITALISED,
    DOMAIN_WORDS,
    GROUP_NOUNS,
    MEDIA,
    ORG_ACRONYMS,
    ORG_HEADS,
    PLACE_WORDS,
    ROLE_NOUNS,
    STATES,
)

_STATE_BY_NAME: dict[str, tuple[str, str]] = {}
"""Lower-case state name, other name or demonym -> (code, canonical name)."""
_DEMONYM: dict[str, str] = {}
"""Code -> demonym ("RU" -> "Russian")."""
for _code, _name, _others, _demonyms in STATES:
    for _written in (_name, *_others, *_demonyms):
        _STATE_BY_NAME.setdefault(_written.lower(), (_code, _name))
    if _demonyms:
        _DEMONYM[_code] = _demonyms[0]
_STATE_NAMES = {w.lower() for _c, n, others, _d in STATES for w in (n, *others)}
_DEMONYMS = {d.lower() for _c, _n, _o, ds in STATES for d in ds} - _STATE_NAMES
"""Words that only qualify ("Russian"), never name a state alone ("US" does both)."""
_CAPITALS = {w.lower() for _c, n, others, _d in STATES for w in others if " " not in w} - {
    n.lower() for _c, n, _o, _d in STATES
}
"""A state's other names of one word (capitals, short forms): "Sofia" may also be a first name."""
DESCRIBED_STATE = r"(?:[’']s)?\s+(?:country|nation|state|kingdom|neighbou?r)\b"
"""A state's word after a capitalised one that only describes it: "the Balkan country’s president", "the Nordic
nation" (the capitalised word names no one)."""

_ORG_COUNTRY = {
    "state department": "US",
    "white house": "US",
    "pentagon": "US",
    "kremlin": "RU",
    "duma": "RU",
    "foreign office": "GB",
    "downing street": "GB",
    "bundestag": "DE",
}
"""Organisations whose country goes without saying."""

_CONNECTORS = "of|for|and|the|on|in|de|van|von|der|da|di|du|bin|ibn|al|la|le"
UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
"""Upper-case Latin letters, with those of names written with accents ("Çelik", "Šefčovič", "Ólafsson")."""
LOWER = "a-zß-öø-ÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżž"
"""Lower-case Latin letters, with accented ones ("Itté", "Lipavský")."""
_CAP = (
    rf"(?:(?:[A-Z]\.){{2,}}|[A-Z]\.(?=\s+[A-Z][a-z])|[{UPPER}][{UPPER}{LOWER}0-9]*(?:[-][{UPPER}{LOWER}]+)*"
    rf"(?:['’][{UPPER}][{LOWER}]+)?)"
)
_NOT_AFTER_CONNECTOR = r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
PHRASE = re.compile(
    rf"(?<![\w.’'-]){_CAP}(?:\s+(?:(?:(?:{_CONNECTORS})\s+)+{_NOT_AFTER_CONNECTOR})?(?:(?:al|el)-(?=[{UPPER}]))?{_CAP})*"
)
"""A run of capitalised words, with the small words that join the parts of a name ("Ministry of Foreign Affairs"),
and an Arabic article joined to a surname ("Nuri al-Maliki").

A day after a small word is no part of the name: "the Foreign Ministry on Monday"."""

ARTICLE_WORDS = ("the ", "a ", "an ")


def state_of(word: str) -> tuple[str, str] | None:
    """(code, name) of a state named or qualified by `word` ("Russia", "Moscow", "Russian"), else None."""
    return _STATE_BY_NAME.get(word.lower().strip(".’'"))


def demonym(code: str) -> str | None:
    return _DEMONYM.get(code)


def is_role_word(word: str) -> bool:
    return word.lower().strip(".,’'") in ROLE_NOUNS


@dataclass
class Actor:
    """An actor the article names: one per person, organisation, state, outlet or group."""

    key: str
    """Identity within the draft: the folded name (with the country, for organisations)."""
    name: str
    kind: str
    role: str | None = None
    country: str | None = None
    affiliation: str | None = None
    """Key of the organisation or state it belongs to, when the article says."""
    aliases: list[str] = field(default_factory=list)
    sentence: str = ""
    """The sentence the actor is first named in."""
    reasons: list[str] = field(default_factory=list)
    """Why the actor is uncertain (empty: high confidence)."""
    speaks: bool = False


@dataclass
class Mention:
    """Where an actor is named (or a pronoun stands for one)."""

    para: int
    start: int
    end: int
    key: str
    kind: str
    quoted: bool = False
    """Named inside a quote: never what a pronoun or "the ministry" outside it stands for."""


class Registry:
    """The actors of one article, with every place each is named, in text order."""

    LOOKBACK = 30
    """Paragraphs searched back for what a pronoun or "the ministry" stands for: further back is no reference."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.mentions: list[Mention] = []
        self._surnames: dict[str, list[str]] = {}
        self._first_names: dict[str, list[str]] = {}
        """The first of a person's two names: a surname only when no one has it as a surname."""
        self._by_para: dict[int, list[Mention]] = {}
        """The mentions of each paragraph in order: lookups never walk the whole article (a long one is slow)."""
        self._last_seen: dict[str, tuple[int, int]] = {}

    # ----------------------------------------------------------------- adding

    def add(self, actor: Actor) -> Actor:
        known = self.actors.get(actor.key)
        if known is None:
            self.actors[actor.key] = actor
            if actor.kind == "person":
                surname = actor.key.split()[-1]
                self._surnames.setdefault(surname, []).append(actor.key)
                if len(actor.key.split()) == 2:
                    # "Mao Ning", then "Mao said": names written family name first.
                    self._first_names.setdefault(actor.key.split()[0], []).append(actor.key)
            return actor
        if actor.role and not known.role:
            known.role = actor.role
        if actor.country and not known.country:
            known.country = actor.country
        if actor.affiliation and not known.affiliation:
            known.affiliation = actor.affiliation
        if len(actor.name) > len(known.name) and known.kind != "person":
            if known.name not in known.aliases:
                known.aliases.append(known.name)
            known.name = actor.name
        elif actor.name != known.name and actor.name not in known.aliases:
            known.aliases.append(actor.name)
        return known

    def mention(self, para: int, start: int, end: int, key: str) -> None:
        mention = Mention(para, start, end, key, self.actors[key].kind)
        self.mentions.append(mention)
        bisect.insort(self._by_para.setdefault(para, []), mention, key=lambda m: m.start)
        self._last_seen[key] = max(self._last_seen.get(key, (-1, -1)), (para, start))

    # ----------------------------------------------------------------- looking up

    def by_surname(self, word: str) -> str | None:
        """The person last named in full with this surname."""
        word = re.sub(r"^(?:[Aa]l|[Ee]l)-", "", word)  # "Al-Nordi said": the surname of "Omar al-Nordi"
        keys = self._surnames.get(fold_name(word)) or self._first_names.get(fold_name(word))
        if not keys:
            return None
        if len(keys) == 1:
            return keys[0]
        return max(keys, key=lambda k: self._last_seen.get(k, (-1, -1)))

    def before(self, para: int, pos: int) -> Iterator[Mention]:
        """Mentions before (para, pos), nearest first, at most `LOOKBACK` paragraphs back."""
        for p in range(para, max(-1, para - self.LOOKBACK - 1), -1):
            for mention in reversed(self._by_para.get(p, ())):
                if p == para and mention.start >= pos:
                    continue
                yield mention

    def last_before(self, para: int, pos: int, kinds: tuple[str, ...], head: str | None = None) -> Mention | None:
        """The last mention before (para, pos) of an actor of one of `kinds` (whose name has `head`, if given)."""
        folded = fold_name(head) if head else None
        for mention in self.before(para, pos):
            if mention.kind not in kinds or mention.quoted:
                continue
            if folded and folded not in self.actors[mention.key].key:
                continue
            return mention
        return None

    def in_span(self, para: int, start: int, end: int) -> list[Mention]:
        return [m for m in self._by_para.get(para, ()) if m.start >= start and m.end <= end]


# --------------------------------------------------------------------------- phrases


def _words(phrase: str) -> list[str]:
    return phrase.split()


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


def _plausible_name(words: list[str]) -> bool:
    """Whether capitalised words can be a person's name: no lexicon word, no role, no state, no organisation."""
    if not 1 <= len(words) <= 4:
        return False
    for index, word in enumerate(words):
        low = word.lower().strip(".")
        if low in _CONNECTOR_SET:
            continue
        if index and low in _MONTH_SURNAMES:
            continue  # "Theresa May": a month after a first name is a surname
        if (
            low in COMMON_CAPITALISED
            or low in PLACE_WORDS
            or low in ROLE_NOUNS
            or low in ORG_HEADS
            or low in _STATE_BY_NAME
            or low in MEDIA
            or (word.isupper() and not re.fullmatch(r"[A-Z]\.", word))
            or not re.sub(r"^(?:al|el)-", "", word)[:1].isupper()
            or any(ch.isdigit() for ch in word)
        ):
            return False
    return words[0].lower() not in _CONNECTOR_SET and words[-1].lower() not in _CONNECTOR_SET


_CONNECTOR_SET = frozenset(_CONNECTORS.split("|"))
_MONTH_SURNAMES = frozenset({"may", "june", "april", "august"})
"""Months that are also surnames, taken for one after a first name."""


@dataclass
class Found:
    """One actor named at one place: what the phrase is, and the job title around it."""

    start: int
    end: int
    name: str
    kind: str
    role: str | None = None
    country: str | None = None
    org_role: str | None = None
    """The organisation a role names ("Russian Foreign Ministry" in its spokesperson's role)."""


def classify(para: str, match_start: int, phrase: str) -> list[Found]:
    """What a capitalised phrase found at `match_start` names: no actor, one, or two ("X and Y")."""
    words = _words(phrase)
    offsets: list[int] = []
    pos = 0
    for word in words:
        pos = phrase.index(word, pos)
        offsets.append(match_start + pos)
        pos += len(word)
    # Words capitalised only because they start the sentence or heading, and joining words left at the edges.
    while words and (words[0].lower() in COMMON_CAPITALISED or words[0] in _CONNECTOR_SET):
        if words[0].lower() in _STATE_BY_NAME or words[0] in ORG_ACRONYMS:
            break
        if any(_strip_possessive(" ".join(words[:n])).lower() in _STATE_BY_NAME for n in (2, 3)):
            break  # "South Africa’s government": a common word that opens a state's name
        if (
            len(words) > 1
            and words[1].lower() in ORG_HEADS
            and words[0].lower() not in ("the", "a", "an", "this", "that", "its", "his", "her", "their", "our")
        ):
            break  # "The European Union has announced": a common word that opens an organisation's name
        words, offsets = words[1:], offsets[1:]
    while words and words[-1] in _CONNECTOR_SET:
        words, offsets = words[:-1], offsets[:-1]
    if not words:
        return []
    # "Secretary of State Antony Blinken and Foreign Minister Sergey Lavrov", "Russia and China": two phrases,
    # but "Organization for Security and Cooperation in Europe" is one (an organisation's word comes first).
    if "and" in words[1:-1]:
        cut = words.index("and", 1)
        if not any(w.lower() in ORG_HEADS for w in words[:cut]):
            first = classify(para, offsets[0], para[offsets[0] : offsets[cut - 1] + len(words[cut - 1])])
            second = classify(para, offsets[cut + 1], para[offsets[cut + 1] : offsets[-1] + len(words[-1])])
            return first + second
    start = offsets[0]
    end = offsets[-1] + len(words[-1])
    text = para[start:end]
    low = text.lower()
    agency = re.match(r"\s+news\s+agency\b", para[end:])
    if (
        agency
        and low not in MEDIA
        and words[-1].lower() not in _STATE_BY_NAME
        and all(w.lower() in _STATE_BY_NAME for w in words[:-1])
    ):
        # "the Swedish TT news agency": a news agency the lists do not know, named by its word before "news agency".
        return [Found(offsets[-1], end + agency.end(), words[-1], "media")]
    if low in MEDIA or ("the " + low) in MEDIA:
        return [Found(start, end, MEDIA.get(low) or MEDIA["the " + low], "media")]
    if text in ORG_ACRONYMS and text not in ("WHO",):
        name = ORG_ACRONYMS[text]
        return [Found(start, end, name, "organization", country=_ORG_COUNTRY.get(name.lower()))]
    state = _STATE_BY_NAME.get(low)
    if state and low not in _DEMONYMS:
        return [Found(start, end, state[1], "state", country=state[0])]
    if low in _DEMONYMS:
        return []
    if len(words) == 1 and re.match(DESCRIBED_STATE, para[end:]):
        return []  # "the Balkan country’s president", "the Nordic nation": a region's word describes, names no one
    if (
        len(words) == 2
        and words[0].lower() in _CAPITALS
        and _plausible_name(words[1:])
        and re.search(r"\b(?:spokes\w+|minister|ambassador|envoy|official|diplomat|secretary|head)\s+$", para[:start])
    ):
        # "ministry spokeswoman Sofia Nahringbauer": a capital that is also a first name, after a role.
        return [Found(start, end, text, "person")]
    if len(words) >= 3 and words[0].lower() in _STATE_NAMES and _plausible_name(words[1:]):
        # "Ambassador to Ottawa Oleg Stepanov": a state (or its capital) runs into the name after it.
        state = _STATE_BY_NAME[words[0].lower()]
        place = Found(start, offsets[0] + len(words[0]), state[1], "state", country=state[0])
        return [place, Found(offsets[1], end, para[offsets[1] : end], "person")]
    lows = [w.lower().strip(".’'") for w in words]
    role_at = [i for i, w in enumerate(lows) if w in ROLE_NOUNS]
    if role_at:
        r = role_at[-1]
        tail_from = r + 1
        if tail_from < len(words) and lows[tail_from] in ("of", "for"):
            # "Secretary of State Antony Blinken", "Minister for Foreign Affairs Wang Yi": the role runs on
            # through the words that name a ministry's field; the name is what follows.
            tail_from += 1
            while tail_from < len(words) - 1 and (
                lows[tail_from] in DOMAIN_WORDS
                or lows[tail_from] in _STATE_BY_NAME
                or lows[tail_from] in _CONNECTOR_SET
            ):
                tail_from += 1
        tail = words[tail_from:]
        head_words = words[:tail_from]
        if tail and not _plausible_name(tail):
            # "Spokesman for the Ukrainian Ministry of Foreign Affairs Oleh Nikolenko": the role runs on through an
            # organisation's name; the name is the last words that can be one.
            for size in (4, 3, 2):
                if len(tail) > size and _plausible_name(tail[-size:]) and tail[-size - 1].lower() not in _CONNECTOR_SET:
                    tail_from = len(words) - size
                    tail, head_words = words[tail_from:], words[:tail_from]
                    break
        if tail and _plausible_name(tail):
            name_start = offsets[tail_from]
            role = " ".join(head_words)
            country = _country_in(head_words)
            org_role = _org_in(head_words)
            return [
                Found(name_start, end, para[name_start:end], "person", role=role, country=country, org_role=org_role)
            ]
        return []
    heads = [i for i, w in enumerate(lows) if w in ORG_HEADS]
    if heads and len(words) - heads[-1] - 1 >= 2 and _plausible_name(words[heads[-1] + 1 :]):
        # "the official representative of the Russian Foreign Ministry Maria Zakharova": the organisation, then
        # its person.
        cut = heads[-1] + 1
        org = classify(para, offsets[0], para[offsets[0] : offsets[cut - 1] + len(words[cut - 1])])
        person_start = offsets[cut]
        return [*org, Found(person_start, end, para[person_start:end], "person")]
    if any(w in ORG_HEADS for w in lows) or low in _ORG_COUNTRY:
        country = _country_in(words) or _ORG_COUNTRY.get(_core(words).lower())
        return [Found(start, end, text, "organization", country=country)]
    if re.match(r"\s+\d{1,2},", para[end:]):
        return []  # "Jumada Al-Awwal 02, 1432": a month the rules do not know, then its day: a date, no name
    if lows[-1] in _DEMONYMS:
        return []  # "Senior Palestinian figure Saeb Erekat": a name never ends with a nationality
    if _plausible_name(words) and len(words) >= 2:
        return [Found(start, end, text, "person")]
    plural = _STATE_BY_NAME.get(low[:-1]) if len(words) == 1 and low.endswith("s") else None
    if plural and low[:-1] in _DEMONYMS:
        # "The Iranians claimed …": a people named in the plural is its state.
        return [Found(start, end, plural[1], "state", country=plural[0])]
    if len(words) == 1 and _plausible_name(words):
        return [Found(start, end, text, "surname")]
    return []


def _country_in(words: list[str]) -> str | None:
    for word in words:
        state = _STATE_BY_NAME.get(_strip_possessive(word).lower())
        if state:
            return state[0]
    return None


def _org_in(words: list[str]) -> str | None:
    lows = [w.lower() for w in words]
    for i, w in enumerate(lows):
        if w in ORG_HEADS:
            return " ".join(words[: i + 1])
    return None


def _core(words: list[str]) -> str:
    """An organisation's name without its country words ("US State Department" -> "State Department")."""
    kept = [w for w in words if _strip_possessive(w).lower() not in _STATE_BY_NAME]
    return " ".join(kept) or " ".join(words)


def org_key(name: str, country: str | None) -> str:
    return f"{(country or '').lower()}:{fold_name(_core(name.split()))}"


_GROUP_NOUN = re.compile(r"\b(?:" + "|".join(sorted(GROUP_NOUNS)) + r")\b")
_BEFORE_NOUN = re.compile(r"(?:^|\s)((?:[A-Z][\w.]*\s){1,3})$")


def groups(para: str) -> list[tuple[int, int, str, str]]:
    """Nationality or state followed by a group noun ("Russian officials", "Washington officials").

    (start, end, who as written, noun) for each; the group noun is found first and
    the words before it are looked up, which is much faster than one pattern of every state.
    """
    found = []
    for noun in _GROUP_NOUN.finditer(para):
        before = _BEFORE_NOUN.search(para, max(0, noun.start() - 40), noun.start())
        if not before:
            continue
        words = before.group(1).split()
        for take in range(len(words), 0, -1):
            who = " ".join(words[-take:])
            if who.lower() in _STATE_BY_NAME:
                start = noun.start() - len(who) - 1
                found.append((start, noun.end(), who, noun.group()))
                break
    return found


def role_before(para: str, start: int) -> str | None:
    """The job title written just before a name ("Russian Foreign Ministry spokesperson Maria Zakharova")."""
    window = para[max(0, start - 120) : start]
    # Only the last clause: stop at punctuation.
    cut = max(window.rfind(ch) for ch in ',;:(“"—–')
    window = window[cut + 1 :]
    words = window.split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.strip(".’'")
        low = bare.lower()
        if low in ROLE_NOUNS or low.removesuffix("’s").removesuffix("'s") in _STATE_BY_NAME:
            kept.append(word)
            continue
        if word[:1].isupper() and low not in COMMON_CAPITALISED:
            kept.append(word)
            continue
        if low in ("of", "for") and kept:
            kept.append(word)
            continue
        if low in (
            "foreign",
            "deputy",
            "senior",
            "chief",
            "former",
            "acting",
            "vice",
            "defence",
            "defense",
            "press",
            "prime",
            "interior",
            "top",
            "junior",
            "first",
            "special",
            "permanent",
            "national",
            "security",
        ):
            kept.append(word)
            continue
        break
    kept.reverse()
    while kept and kept[0].lower() in ("of", "for"):
        kept = kept[1:]
    if not any(is_role_word(w) for w in kept):
        return None
    # A role ends with its job noun ("spokesperson"), not with a stray capitalised word before the name.
    return " ".join(kept) if kept else None


APPOSITIVE = re.compile(r"^,\s+(?P<role>(?:the |a |an )?[^,.;:“”\"]{3,90}?),")


def role_after(para: str, end: int) -> str | None:
    """The job title in commas just after a name ("Anatoly Antonov, the Russian ambassador to Washington,")."""
    found = APPOSITIVE.match(para[end : end + 120])
    if not found:
        return None
    role = found.group("role").strip()
    words = role.split()
    if not any(is_role_word(w) for w in words) or len(words) > 12:
        return None
    for article in ("the ", "a ", "an "):
        if role.lower().startswith(article):
            role = role[len(article) :]
            break
    return role

"""The rules that turn an article into drafted items: actors, quotes with their speakers, paraphrases, dates.

One pass names the actors (`dossier.draft.names`), in text order so that a
surname or a pronoun can be tied to the person named before it. Then each
quote (`dossier.draft.quotes`) gets its speaker from the words around it:

* after it: `“…,” Zakharova added.`, `“…,” said the ministry.`, `“…,” he told RIA.`;
* before it: `Ryabkov said: “…”`, `RIA quoted Zakharova as saying “…”`, and a
  quoted fragment's subject: `Ryabkov condemned it as “destruction …”`;
* else the speaker of the quote before it (a follow-on quote, `“…,” he added.
  “…”`), or of a paragraph that ends `said:`.

A pronoun is the last person named (he, she) or organisation (it) before it; an
unnamed spokesperson is their organisation; a news agency that relays the words
is the `via`, not the speaker. Clauses such as `X said that …`, `according to X,
…` are paraphrases. Every item keeps its sentence and the reasons it is
uncertain; an item with no reason is high confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..search import fold_name
from .lexicon import (
    COMMON_CAPITALISED,
    FRAGMENT_VERBS,
    MEDIA,
    MONTHS,
    NEWS_AGENCIES,
    ORG_ACRONYMS,
    PARAPHRASE_VERBS,
    PRONOUNS,
    ROLE_NOUNS,
    SPEECH_VERBS,
    STATES,
    WEEKDAYS,
)
from .names import (
    DESCRIBED_STATE,
    LOWER,
    PHRASE,
    UPPER,
    Actor,
    Found,
    Mention,
    Registry,
    classify,
    demonym,
    groups,
    org_key,
    role_after,
    role_before,
    state_of,
)
from .quotes import ATTRIBUTION_AFTER, QuoteSpan, find_quotes, sentence_at, sentence_bounds
from .reading import Article

SHORT_QUOTE_WORDS = 4
"""A quote of fewer words than this is kept only when a speaking verb stands right by it (else: a term in quotes)."""


@dataclass
class Item:
    """A drafted statement: a quote or a paraphrase, its speaker, and how sure the rules are."""

    kind: str
    text: str
    speaker: str | None
    """The speaker's actor key (None: no speaker found)."""
    sentence: str
    para: int
    pos: int
    speaker_role: str | None = None
    said: str | None = None
    via: str | None = None
    reasons: list[str] = field(default_factory=list)
    said_note: str | None = None
    """Why `said` is what it is, when the sentence does not say."""

    @property
    def confidence(self) -> str:
        return "low" if self.reasons else "high"


@dataclass
class Extraction:
    """What the rules found in one article."""

    article: Article
    registry: Registry
    items: list[Item]
    unattributed: list[Item]
    """Quotes whose speaker the rules could not find: listed in the draft for the researcher, not drafted."""


# --------------------------------------------------------------------------- actors


def _add_found(registry: Registry, found: Found, p: int, para: str, sentence: str) -> str | None:
    if found.kind == "surname":
        key = registry.by_surname(found.name)
        if key is None:
            # "spokeswoman Zakharova", "Mr Peskov": a job title or courtesy title before one word makes it a name.
            role = role_before(para, found.start)
            titled = re.search(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+$", para[max(0, found.start - 5) : found.start])
            if role is None and not titled:
                return None
            key = fold_name(found.name)
            registry.add(
                Actor(
                    key,
                    found.name,
                    "person",
                    role=role,
                    country=_country_of_role(role),
                    sentence=sentence,
                    reasons=["named by surname only"],
                )
            )
    elif found.kind == "person":
        name = re.sub(r"^(?:Mr|Mrs|Ms|Dr)\.?\s+", "", found.name)
        role = found.role
        before = role_before(para, found.start - (len(found.role) + 1 if found.role else 0))
        if before and role:
            role = f"{before} {role}" if not role.startswith(before) else role
        role = role or before or role_after(para, found.end)
        if role is not None and role.split()[-1].lower() in ("of", "for"):
            role = None
        country = found.country or _country_of_role(role)
        words = name.split()
        if len(words) == 1:
            misspelt = None if registry.by_surname(name) else _misspelt(registry, name)
            key = registry.by_surname(name) or misspelt or fold_name(name)
            if key not in registry.actors:
                registry.add(
                    Actor(
                        key,
                        name,
                        "person",
                        role=role,
                        country=country,
                        sentence=sentence,
                        reasons=["named by surname only"],
                    )
                )
        else:
            key = fold_name(name)
            known_key = registry.by_surname(words[-1])
            if known_key and known_key.split()[0][:1] == key.split()[0][:1]:
                key = known_key  # "Sergei Ryabkov" then "Sergey Ryabkov": one person
            actor = registry.add(Actor(key, name, "person", role=role, country=country, sentence=sentence))
            if role and not actor.role:
                actor.role = role
        affiliation = _affiliation_of_role(registry, role, country) if role else None
        if affiliation and not registry.actors[key].affiliation:
            registry.actors[key].affiliation = affiliation
    elif found.kind == "organization":
        name = found.name
        country = found.country
        # "Russia’s Foreign Ministry": the state before the possessive is the organisation's.
        possessive = re.search(r"([A-Z][\w.]+)['’]s\s+$", para[max(0, found.start - 40) : found.start])
        international = name in ORG_ACRONYMS.values()  # "Russia’s UN mission" is not a Russian UN
        if country is None and possessive and state_of(possessive.group(1)) and not international:
            code = state_of(possessive.group(1))[0]  # type: ignore[index]
            country = code
            adjective = demonym(code)
            if adjective:
                name = f"{adjective} {name}"
        if name.lower().startswith("the "):
            name = name[4:]
        first, _, rest = name.partition(" ")
        capital = state_of(first)
        if country and rest and capital and capital[0] == country and first not in (capital[1], "US", "UK"):
            adjective = demonym(country)
            if adjective and adjective != first:
                name = f"{adjective} {rest}"  # "the Berlin Foreign Office" is the German Foreign Office
        key = org_key(name, country)
        if country is None:
            # "the Foreign Ministry" after "the Russian Foreign Ministry": the one already named.
            same = [k for k in registry.actors if k.split(":", 1)[-1] == key.split(":", 1)[-1]]
            if len(same) == 1:
                key = same[0]
        registry.add(Actor(key, name, "organization", country=country, sentence=sentence))
        if country:
            state_key = _ensure_state(registry, country, sentence)
            if state_key and not registry.actors[key].affiliation:
                registry.actors[key].affiliation = state_key
    elif found.kind == "state":
        written = para[found.start : found.end]
        if (
            re.search(r"\b(?:in|at)\s+$", para[max(0, found.start - 4) : found.start])
            and written.lower() != _STATE_NAMES.get(found.country or "", "").lower()
            and not written.isupper()
            and written not in ("America", "Britain")
        ):
            return None  # "in Stockholm": a city where something happens, not the state speaking
        key = _ensure_state(registry, found.country or "", sentence) or ""
        if not key:
            return None
    elif found.kind == "media":
        key = "media:" + fold_name(found.name)
        registry.add(Actor(key, found.name, "media", sentence=sentence))
    else:
        return None
    registry.mention(p, found.start, found.end, key)
    return key


_STATE_NAMES = {code: name for code, name, _others, _demonyms in STATES}


def _ensure_state(registry: Registry, code: str, sentence: str) -> str | None:
    name = _STATE_NAMES.get(code)
    if name is None:
        return None
    key = "state:" + code
    if key not in registry.actors:
        registry.add(Actor(key, name, "state", country=code, sentence=sentence))
    return key


def _country_of_role(role: str | None) -> str | None:
    if not role:
        return None
    for word in role.split():
        state = state_of(re.sub(r"['’]s$", "", word))
        if state:
            return state[0]
    return None


def _affiliation_of_role(registry: Registry, role: str, country: str | None) -> str | None:
    """The organisation a role names ("Foreign Ministry spokesperson"), if it was named; else the state."""
    for key, actor in registry.actors.items():
        if actor.kind == "organization" and actor.name.lower() in role.lower():
            return key
    if country:
        return _ensure_state(registry, country, "")
    return None


def _name_actors(article: Article, registry: Registry, bounds: list[list[tuple[int, int]]]) -> None:
    for p, para in enumerate(article.paragraphs):
        found_spans: list[tuple[int, int]] = []
        for match in PHRASE.finditer(para):
            start, end = sentence_at(bounds[p], match.start())
            sentence = para[start:end]
            for found in classify(para, match.start(), match.group()):
                _add_found(registry, found, p, para, sentence)
                found_spans.append((found.start, found.end))
        for g_start, g_end, written, noun in groups(para):
            who = state_of(written)
            if who is None:
                continue
            code, _ = who
            if noun in ("government", "authorities"):
                # "the British government", "the Belarusian authorities" speak for the state.
                key = _ensure_state(registry, code, para[slice(*sentence_at(bounds[p], g_start))]) or ""
                if key:
                    registry.mention(p, g_start, g_end, key)
                continue
            name = f"{written} {noun}"
            key = "group:" + fold_name(name)
            start, end = sentence_at(bounds[p], g_start)
            registry.add(Actor(key, name, "group", country=code, sentence=para[start:end]))
            state_key = _ensure_state(registry, code, para[start:end])
            if state_key and not registry.actors[key].affiliation:
                registry.actors[key].affiliation = state_key
            registry.mention(p, g_start, g_end, key)
        _lower_case_ministries(registry, p, para, bounds[p])
    _acronyms(article, registry)
    registry.mentions.sort(key=lambda m: (m.para, m.start))


def _acronyms(article: Article, registry: Registry) -> None:
    """ "the Ministry of External Affairs (MEA)", "the TT news agency": later, "the MEA", "TT" are those."""
    defined: dict[str, str] = {}
    for mention in sorted(registry.mentions, key=lambda m: (m.para, m.start)):
        written = article.paragraphs[mention.para][mention.start : mention.end]
        if mention.kind == "media" and re.fullmatch(r"[A-Z]{2,6}\s+news\s+agency", written):
            # "the Swedish TT news agency": later, "according to TT" is that agency.
            defined.setdefault(written.split()[0], mention.key)
        if mention.kind != "organization":
            continue
        after = re.match(r"\s*\(([A-Z]{2,6})\)", article.paragraphs[mention.para][mention.end :])
        if after and after.group(1) not in defined:
            defined[after.group(1)] = mention.key
    if not defined:
        return
    pattern = re.compile(r"(?<![(\w])(" + "|".join(sorted(defined, key=len, reverse=True)) + r")\b(?!\))")
    for p, para in enumerate(article.paragraphs):
        for found in pattern.finditer(para):
            if not registry.in_span(p, found.start(), found.end()):
                registry.mention(p, found.start(), found.end(), defined[found.group(1)])


_LOWER_MINISTRY = re.compile(
    r"\b(?P<owner>its|the|an?|[A-Z][A-Za-z.]+(?:['’]s)?)\s+(?:(?P<adj>[A-Z][A-Za-z.]+)\s+)?"
    r"(?P<org>foreign ministry|ministry of foreign affairs|embassy|presidency|parliament|diplomatic agency|"
    r"state department|[Pp]resident(?:['’]s)? [Oo]ffice|security (?:services?|police)|intelligence services?|"
    r"ministry of external affairs|high commission)\b"
)
"""A foreign ministry or an embassy written in lower case, with whose it is: "the French foreign ministry", "its
foreign ministry", "China's embassy"."""


_HOSTED = re.compile(
    r"\b(?:summon\w*|call\w* in)\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s+){0,2}(?:ambassador|envoy|charg[eé] d[’']affaires)"
    r"\s+(?:in|to)\s+(?P<capital>[A-Z][a-z]+)\b"
)
"""An envoy summoned in (or to) a capital: the one summoning is that capital's state."""


def _lower_case_ministries(registry: Registry, p: int, para: str, bounds: list[tuple[int, int]]) -> None:
    for match in _LOWER_MINISTRY.finditer(para):
        owner, adjective = match.group("owner"), match.group("adj")
        who = state_of(re.sub(r"['’]s$", "", adjective or owner)) if (adjective or owner != "its") else None
        two_words = re.search(r"([A-Z][A-Za-z.]+)\s+$", para[: match.start()])
        if who is None and not adjective and owner.endswith(("'s", "’s")) and two_words:
            # "Burkina Faso's foreign ministry": a state's name of two words.
            who = state_of(f"{two_words.group(1)} {owner[:-2]}")
        s_start, s_end = sentence_at(bounds, match.start())
        org = match.group("org").lower()
        embassy = org == "embassy"
        guessed = False
        security = org.startswith(("security", "intelligence", "high commission", "ministry of external"))
        if security and who is None:
            continue  # "the security services": whose, only a state's word before them says
        if who is None and owner.lower() in ("its", "the", "a", "an") and not adjective and not embassy:
            # "Iran on Monday summoned …, its (the) foreign ministry said": the state the sentence opens with.
            first = next(
                (
                    m
                    for m in registry.in_span(p, s_start, match.start())
                    if m.kind == "state" and not para[m.start : m.end].isupper()  # not the dateline's "MOSCOW"
                ),
                None,
            )
            if first is None and org != "foreign ministry" and org != "ministry of foreign affairs":
                # "a statement of the President Office": the state the article is about, its first one named.
                first = next(
                    (m for m in registry.mentions if m.kind == "state" and not para[m.start : m.end].isupper()), None
                )
            guessed = org not in ("foreign ministry", "ministry of foreign affairs")
            code = registry.actors[first.key].country if first else None
            host = _HOSTED.search(para, match.end(), s_end)
            hosting = state_of(host.group("capital")) if host else None
            if code is None and hosting is not None and org != "embassy":
                # "The foreign ministry has summoned the Myanmar ambassador in Dhaka": the ministry of the state
                # that hosts the envoy it summons.
                code, guessed = hosting[0], True
            spoke_in = re.search(
                r"\b(?:told|said|says)\b[^.;“”\"]{0,40}?\bin\s+(?P<capital>[A-Z][a-z]+)\b", para[match.end() : s_end]
            )
            speaking = state_of(spoke_in.group("capital")) if spoke_in else None
            if code is None and speaking is not None and org != "embassy":
                # "“…,” a foreign ministry spokesperson told AFP in Paris": the ministry of the capital it speaks in.
                code, guessed = speaking[0], True
            who = (code, _STATE_NAMES.get(code, "")) if code else None
        if who is None or (org == "state department" and who[0] != "US"):
            continue  # "the US state department": the United States' only
        code = who[0]
        what = (
            "State Department"
            if org == "state department"
            else "Embassy"
            if embassy
            else "Presidency"
            if org == "presidency"
            else "Parliament"
            if org == "parliament"
            else "President's Office"
            if org.startswith("president")
            else org.title().replace(" Of ", " of ")
            if security
            else "Foreign Ministry"
        )
        name = what if what == "State Department" else f"{demonym(code) or _STATE_NAMES.get(code, code)} {what}"
        key = org_key(name, code)
        start = match.start("adj") if adjective else match.start("org")
        reasons = [f"{name}: whose it is taken from its sentence or the article, which do not say"] if guessed else []
        registry.add(Actor(key, name, "organization", country=code, sentence=para[s_start:s_end], reasons=reasons))
        state_key = _ensure_state(registry, code, para[s_start:s_end])
        if state_key and not registry.actors[key].affiliation:
            registry.actors[key].affiliation = state_key
        registry.mention(p, start, match.end(), key)


# --------------------------------------------------------------------------- speakers

_WORD = re.compile(rf"[{UPPER}{LOWER}][{UPPER}{LOWER}’'-]*")
_SKIPPABLE = frozenset("also then later further again previously had has have was is would had once repeatedly".split())
_NOUN_SPEAKERS = {
    "ministry": ("organization", "ministry"),
    "department": ("organization", "department"),
    "embassy": ("organization", "embassy"),
    "kremlin": ("organization", "kremlin"),
    "government": ("organization", "government"),
    "office": ("organization", "office"),
    "service": ("organization", "service"),
    "agency": ("media", None),
    "statement": ("document", None),
    "text": ("document", None),
    "note": ("document", None),
    "report": ("document", None),
    "communique": ("document", None),
    "diplomats": ("plural", None),
    "officials": ("plural", None),
    "spokesperson": ("spokes", None),
    "spokesman": ("spokes", None),
    "spokeswoman": ("spokes", None),
    "official": ("official", None),
    "diplomat": ("official", None),
    "ambassador": ("ambassador", None),
    "envoy": ("ambassador", None),
    "minister": ("minister", None),
    "bloc": ("bloc", None),
}


_APPOSITIVE_SUBJECT = re.compile(r"^(?P<name>\s*[A-Z][^,“”\"]{1,60}?),[^“”\"]{3,160},\s*$")
"""A speaker with an appositive, between a quote and its verb: `Name, who …, said`."""
_STATEMENT_BY = re.compile(
    r"\b(?:statement|report|note|communique)\s+(?:(?:issued|released|published)\s+(?:\w+\s+){0,2}?)?(?:by|of(?!\s+protest)|from)\s+"
    r"|\b(?:statement|report|note|communique)\s+(?:posted|published|put)\s+on\s+(?:the\s+)?(?=[^,;.“”\"]{0,60}?[’']s\s+website)"
)
"""Where an article says whose statement it quotes."""
_ISSUED = re.compile(
    r"\b(?:(?:said|announced|stated|added|wrote)\s+in\s+(?:a|an|its|his|her|their)\s+(?:\w+\s+)?(?:statement|note|report)"
    r"|(?:issued|released|published)\s+(?:a|an)\s+(?:\w+\s+)?statement|website\s+reported"
    r"|\b[Ii]n\s+(?:a|an|its|his|her|their)\s+(?:\w+\s+)?statement(?=\s*,))"
)
"""Where an article says that the one who spoke last spoke in a statement: "the statement" is theirs."""
_ROLE_APPOSITIVE = re.compile(
    r"\s*,\s*(?:the\s+|a\s+|an\s+)?(?:[\w’'.-]+\s+){0,3}?(?:"
    + "|".join(sorted(ROLE_NOUNS, key=len, reverse=True))
    + r")\b[^.;:“”\"()]{0,120}?\s*$",
    re.IGNORECASE,
)
"""An appositive role between a name and its verb: `Name, spokesperson of the Foreign Ministry, Pakistan said`."""
_CLAUSE_BREAK = re.compile(r"[,;:—–]|\b(?:in what|what|which|who|whom|when|while|after|because|as|but|that)\b")
"""Where a clause starts inside a sentence: the subject of a verb is in the verb's own clause."""
_BY_AS = re.compile(
    r"\b(?:described|called|branded|labell?ed|termed|denounced|condemned|critici[sz]ed|dubbed|slammed)\s+by\s+"
    r"(?P<who>[^,;“”\"]{2,60}?)\s+as\s+(?:an?\s+|the\s+)?$"
)
"""Passive attribution of a quoted fragment: "described by Russia as a “hostile action”"."""
_INSIDE = re.compile(
    r"[,.]?\s+[–—-]\s*(?P<who>[^–—“”\"]{1,40}?)\s+(?:said|added|stressed|noted|stated|continued|explained)[.,]?"
    r"\s*[–—-]\s+"
)
"""An attribution inside a quote, between dashes: "“I can confirm …, – he said. – As for …”"."""


_COURTESY_DOT = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sen|Rep|Gov|Prof|Amb)\.")
"""A title's period ("Mr. Peskov"): no sentence ends there."""
_VERB_FIRST_STOP = re.compile(
    r"[.;!?]|,\s+(?:the|a|an|who|adding|as|in|at|on|after|reports?|reported|according|citing)\b"
    r"|\s(?:on|in|at|during|after|when|to reporters|of)\s"
)
"""Where the speaker named after its verb ends (`said Zhao on Monday`, `said the ministry, adding`)."""
_VERB_FIRST_SPEAKER = re.compile(r"\s+(?:[A-Z]|(?:the|a|an|his|her|its|their|one|another)\s)")
"""What follows a verb that comes before its speaker (`,” said the ministry`, `,” added Peskov`)."""
_RELAYED = re.compile(
    r"\b(?:quoted|cited)\s+(?P<who>[^,;“”\"]{2,80}?)\s+as\s+(?:saying|telling|stating|describing|calling|adding)\b"
)
"""Relayed words: `the ministry quoted Gabriel as telling his counterpart that “…”`: the one quoted speaks."""


_MINISTRY_BY_NAME = re.compile(r"\b(?:foreign|home|defen[cs]e)\s+office\b|\bstate\s+department\b")
"""Ministries named otherwise (in an actor's lower-cased name): "the ministry" may stand for them."""


_ROLE_OF = re.compile(
    r"\bthe\s+(?:official\s+)?(?:representative|spokes(?:man|woman|person))\s+(?:of|for)\s+(?:the\s+)?", re.IGNORECASE
)
"""An organisation's unnamed representative ("the representative of the foreign ministry")."""


_UNNAMED_SOURCE = re.compile(
    r"\b(?:a|an)\s+(?:\w+\s+){0,2}?(?:source|official|spokes(?:man|woman|person)|representative|interlocutor)\b",
    re.IGNORECASE,
)
"""Someone speaking without a name: "a source in the foreign policy department", "an official"."""
_SAID_BEFORE_PARTICIPLE = re.compile(
    r",\s*(?:(?:said|says|added|stated|noted|stressed)\s+(?P<who1>[^,;“”\"]{2,60}?)"
    r"|(?P<who2>[^,;“”\"]{2,60}?)\s+(?:said|says|added|stated|noted|stressed)),\s*$"
)
"""An attribution right before a participle: `…, said Zhao, adding`, `…, the ministry said, noting`."""
_PROTEST = re.compile(
    r"\b(?:in\s+protest\s+(?:against|over|at)|to\s+protest(?:\s+against)?|protesting(?:\s+against)?)"
    r"\s+(?:(?:the|an?|its|their|his|her)\s+)?(?:[\w’'-]+\s+){0,3}$"
)
"""A protest just before a quote: "summoned the ambassador in protest against the “…”"."""
_REMARKS_BY = re.compile(
    r"\b(?:comments?|remarks?|statements?|words|accusations?|claims?|criticism)\s+(?:\w+\s+){0,2}?(?:by|from)\s+"
    r"|\b(?:comments?|remarks?|statements?)\s+of\s+(?!protest\b)(?=(?:the\s+)?[A-Z])"
)
"""Whose remarks a sentence reports: "comments Friday from French Foreign Minister Jean-Yves Le Drian that …"."""
_POSSESSED_WORDS = re.compile(
    r"[’']s\s+(?:\w+\s+)?(?P<noun>warnings?|remarks?|comments?|statements?|claims?|calls?|accusations?|assertions?|"
    r"insistence|demands?|threats?|pledges?|vows?|promises?|words|arguments?)\s+that\s"
)
"""Words a possessive owns, then their content: "following Takaichi’s warning that any … could be a “…”"."""
_TITLE_SUBJECT = re.compile(
    r"\bthe\s+(?:[A-Z][\w’'-]*\s+){0,2}?(?P<title>(?:Prime|Foreign|Deputy|Vice)\s+Minister|President|Chancellor|"
    r"Ambassador|Premier|(?:prime|foreign)\s+minister|president|chancellor|premier)\b(?!\s+[A-Z])"
)
"""A person named by a title alone: "the Prime Minister of Hungary", "the Hungarian president" (a name after the
title, "the Turkish President Abdullah Gül", is the person named)."""
_STATE_TITLE_SUBJECT = re.compile(
    rf"\b[{UPPER}][\w-]*(?:\s+[{UPPER}][\w-]*)?[’']s\s+(?P<title>(?:Prime|Foreign)\s+Minister|President|Chancellor|"
    r"Premier|(?:prime|foreign)\s+minister|president|chancellor|premier)\b(?![\s,]+[A-Z])"
)
"""A person named by a state's possessive and a title, no name after: "Albania's prime minister said"."""
_DIPLOMATIC_ROLE = re.compile(r"ambassador|envoy|minister|diplomat|spokes|consul|attach|secretary|charg|counsel")
"""The roles a later "the diplomat" may stand for."""
_BY_AGENT = re.compile(r"\s+by\s+(?P<who>[^,;:.!?“”\"«»]{2,90}?)\s*(?=[,;:.!?“”\"«»]|$|\s(?:on|in|at|during|to)\s)")
"""The one who spoke, after a passive verb: "This was stated by Russian Ambassador Anatoly Antonov"."""
_NAME_IN_MARKS = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}")
"""A title in quotation marks: every word capitalised, no stop ("Sloboden Pecat")."""
_REASON_AFTER_ACT = re.compile(
    r"\b(?P<act>(?:expel|declar|summon|recall|order|notif|ban|clos|suspend|sanction)\w*|decided)\b"
    r"[^“”\"«»;:]{0,160}?(?P<why>\b(?:for|because(?:\s+of)?|over|citing|due\s+to)\s*)?$"
)
"""An act, then the reason for it right before a quotation mark: "expelled them “because of …”"."""
_SUBORDINATE = re.compile(r"\b(?:when|while|since|because|which|whose|where|although|though)\b")
"""Words that open a clause of its own between a speaking verb and a quote."""
_CLOSING_MARK = re.compile(r"[”»″\"]")
_DAY_GAP = re.compile(
    r"\s*(?:,\s*)?(?:(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|today|yesterday)?(?:\s*,)?\s*",
    re.IGNORECASE,
)
"""Nothing, or a day alone, between a subject and the quote that is its verb (`Rwanda on Sunday “noted …”`)."""
_END_VERBS = (
    r"(?:said|says|stated|reported|added|announced|claimed|noted|stressed|insisted|warned|wrote|explained|told)"
)
_END_ATTRIBUTION = re.compile(r",\s+(?P<who>[^,;]{2,80}?)\s+" + _END_VERBS + r"\b")
"""An attribution that ends a sentence: `…, the ministry claimed.`"""


_PLAIN_SUBJECT_WORDS = frozenset(
    "the government authorities officials has have had also then later again on in late early".split()
) | frozenset(WEEKDAYS)


def _crowded(before: str, after: str) -> bool:
    """Whether a state named in a speaker phrase is not plainly its subject: words of their own before it ("severely
    violating China's interests", "over Moscow’s involvement"), or written as a possessive ("China's interests")."""
    words = [w.lower() for w in re.findall(r"[\w’'-]+", before)]
    words = [w for w in words if w not in _PLAIN_SUBJECT_WORDS]
    return bool(words) or bool(re.match(r"['’]s\b", after))


def _in_closed_relative(text: str, word: re.Match[str]) -> bool:
    """A verb inside a relative clause that closes before the quote: "described the move, which France said was
    …, as a “…”" (the quote is the main verb's)."""
    segment = text[: word.start()].rsplit(",", 1)
    return (
        len(segment) == 2
        and re.match(r"\s*(?:which|who|whom|that)\b", segment[1]) is not None
        and "," in text[word.end() :]
    )


def _adjectival(text: str, word: re.Match[str]) -> bool:
    """A verb's form used as a noun or an adjective after a determiner: "Moscow’s alleged involvement", "its stated
    aim", "Maduro's remarks", "the claims"."""
    return bool(
        re.search(r"(?:['’]s|\b(?:its|their|his|her|the|an?|our|this|these))\s+$", text[: word.start()], re.IGNORECASE)
    )


def _misspelt(registry: Registry, word: str) -> str | None:
    """The one person named before whose surname is one letter from `word` ("Kantz" for Katz), if only one."""
    if len(word) < 4:
        return None
    folded = fold_name(word)
    near = {
        key for key, actor in registry.actors.items() if actor.kind == "person" and _one_edit(key.split()[-1], folded)
    }
    return near.pop() if len(near) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one letter inserted, dropped or changed apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass
class Speaker:
    key: str
    reasons: list[str] = field(default_factory=list)
    role: str | None = None


class Attributor:
    """Finds the speaker of each quote and paraphrase of one article."""

    def __init__(self, article: Article, registry: Registry, bounds: list[list[tuple[int, int]]]) -> None:
        self.article = article
        self.paragraphs = article.paragraphs
        self.registry = registry
        self.bounds = bounds
        self.last_speaker: tuple[int, str, bool] | None = None
        self.last_speaker_low = False
        self.pronoun_hit = False
        """Whether the last speaker found stood for a pronoun."""
        """Whether the last quote's speaker was itself uncertain (a pronoun for it is no surer)."""
        self.verb_end: int | None = None
        """Where the speaking verb `_before` took its speaker from ends (its paragraph's offset)."""
        """(paragraph, actor key, an unnamed spokesperson) of the last quote's speaker."""

    # ----------------------------------------------------------------- resolving a phrase

    def resolve(self, p: int, start: int, end: int) -> Speaker | None:
        """The actor a speaker phrase at paragraph `p` [start, end) stands for."""
        para = self.paragraphs[p]
        phrase = para[start:end]
        mentions = self.registry.in_span(p, start, end)
        for wanted in (("person",), ("group",), ("organization",), ("state",), ("media",)):
            for mention in mentions:
                if mention.kind in wanted:
                    actor = self.registry.actors[mention.key]
                    reasons = list(actor.reasons)
                    written = para[mention.start : mention.end]
                    if mention.kind == "person" and " " not in written:
                        folded = fold_name(written)
                        if folded not in fold_name(" ".join([actor.name, *actor.aliases])).split():
                            reasons.append(f"{written!r} taken for {actor.name}, one letter apart")
                    role = role_after(para, mention.end)
                    if mention.kind == "person" and not role:
                        role = actor.role
                    spokes = re.search(r"\b(spokes\w+|official|representative)\b", phrase)
                    if wanted == ("organization",) and spokes:
                        # "the Foreign Ministry spokesperson stated" after "Foreign Ministry spokesperson Maria
                        # Zakharova": the definite article points back to the spokesperson named before.
                        if re.match(r"\s*the\b", phrase, re.IGNORECASE) and spokes.group(1).startswith("spokes"):
                            named = self._named_spokesperson(p, start, actor)
                            if named is not None:
                                return named
                        reasons.append("an unnamed spokesperson: their organisation is given as the speaker")
                    if mention.kind == "state" and _crowded(para[start : mention.start], para[mention.end : end]):
                        reasons.append(f"{actor.name} taken for the speaker among other words before the verb")
                    return Speaker(mention.key, reasons, role)
        words = [w.lower() for w in _WORD.findall(phrase)]
        for word in words:
            if word in PRONOUNS:
                return self._pronoun(p, start, word)
        if any(word in _NOUN_SPEAKERS for word in words):
            return self._noun_phrase(p, start, words)
        # A capitalised word the rules did not know: a surname named for the first time.
        bare = [
            word
            for word in re.findall(rf"\b[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?\b", phrase)
            if word.lower() not in COMMON_CAPITALISED  # "As Zakharova noted": "As" is no name
        ]
        if bare and re.search(rf"\b{re.escape(bare[0])}{DESCRIBED_STATE}", phrase):
            return None  # "the Balkan country’s president said": a word that describes a state, no one's surname
        if len(bare) == 1 and bare[0].lower() not in PRONOUNS:
            key = self.registry.by_surname(bare[0])
            if key:
                return Speaker(key, [], self.registry.actors[key].role)
            if bare[0].lower() not in COMMON_CAPITALISED:
                near = _misspelt(self.registry, bare[0])
                if near is not None:
                    actor = self.registry.actors[near]
                    return Speaker(near, [f"{bare[0]!r} taken for {actor.name}, one letter apart"], actor.role)
                key = fold_name(bare[0])
                self.registry.add(
                    Actor(key, bare[0], "person", sentence=self._sentence(p, start), reasons=["named by surname only"])
                )
                self.registry.mention(p, start, end, key)
                return Speaker(key, ["named by surname only"])
        return None

    def _by_agent(self, p: int, offset: int, text: str, verb: re.Match[str]) -> Speaker | None:
        """The speaker after a passive speaking verb (`this was stated by X`), if the verb is passive."""
        if not re.search(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$", text[: verb.start()]):
            return None
        by = _BY_AGENT.match(text, verb.end())
        if by is None:
            return None
        return self.resolve(p, offset + by.start("who"), offset + by.end("who"))

    def _noun_phrase(self, p: int, start: int, words: list[str]) -> Speaker | None:
        """A speaker named by nouns alone: "the ministry", "the press service", "ministry officials"."""
        for index in range(len(words) - 1, -1, -1):
            word = words[index]
            if word not in _NOUN_SPEAKERS:
                continue
            kind, head = _NOUN_SPEAKERS[word]
            before = words[index - 1] if index else ""
            if word in ("service", "office") and before == "press":
                # "the press service writes": the organisation that spoke last, else the last one named.
                return self._press_service(p, start)
            if (
                kind in ("plural", "spokes", "official", "document")
                and _NOUN_SPEAKERS.get(before, ("",))[0] == "organization"
            ):
                # "Russian ministry officials warned": the ministry's words, the ministry named before.
                org_kind, org_head = _NOUN_SPEAKERS[before]
                speaker = self._noun(p, start, before, org_kind, org_head)
                if speaker is not None:
                    speaker.reasons.append("an unnamed spokesperson: their organisation is given as the speaker")
                return speaker
            return self._noun(p, start, word, kind, head)
        return None

    def _press_service(self, p: int, pos: int) -> Speaker | None:
        if self.last_speaker is not None and p - self.last_speaker[0] <= 3:
            last = self.registry.actors[self.last_speaker[1]]
            if last.kind == "organization":
                return Speaker(self.last_speaker[1], ["'the press service' taken for the last speaker's"])
        org = self.registry.last_before(p, pos, ("organization",))
        if org is not None and p - org.para <= 3:
            name = self.registry.actors[org.key].name
            return Speaker(org.key, [f"'the press service' taken for {name}'s, the last organization named"])
        return None

    def _is_media(self, speaker: Speaker) -> bool:
        return self.registry.actors[speaker.key].kind == "media"

    def _titled_person(self, p: int, pos: int, title: str) -> Speaker | None:
        """The last person named (at most 3 paragraphs back) whose role has all the words of `title`."""
        wanted = title.lower().split()
        for mention in self.registry.before(p, pos):
            if p - mention.para > 3:
                break
            actor = self.registry.actors[mention.key]
            if mention.kind != "person" or mention.quoted or not actor.role:
                continue
            role = re.findall(r"[\w-]+", actor.role.lower())
            if all(word in role for word in wanted):
                reason = f"'the {title}' taken for {actor.name}, the last one named with that title"
                return Speaker(mention.key, [reason], actor.role)
        return None

    def _named_spokesperson(self, p: int, pos: int, org: Actor) -> Speaker | None:
        """The last person named before `pos` as a spokesperson of `org` (by affiliation, or the role naming it)."""
        head = org.name.lower().split()[-1]
        for mention in self.registry.before(p, pos):
            actor = self.registry.actors[mention.key]
            if mention.kind != "person" or mention.quoted or not actor.role:
                continue
            role = actor.role.lower()
            if "spokes" in role and (actor.affiliation == org.key or head in role):
                reason = f"'the spokesperson' taken for {actor.name}, the spokesperson of {org.name} named before"
                return Speaker(mention.key, [reason], actor.role)
        return None

    def _pronoun(self, p: int, pos: int, word: str) -> Speaker | None:
        self.pronoun_hit = True
        kind = PRONOUNS[word]
        if self.last_speaker is not None:
            last_para, last_key, unnamed = self.last_speaker
            last = self.registry.actors[last_key]
            if kind != "person" and last.kind in ("organization", "state", "group") and p - last_para <= 2:
                # "It added": the organisation that just spoke.
                far = [f"pronoun {word!r} taken for {last.name}, the last speaker"] if p - last_para > 1 else []
                if not far and self.last_speaker_low:
                    far = [f"pronoun {word!r} taken for {last.name}, the last speaker, itself uncertain"]
                return Speaker(last_key, far, last.role)
            if kind == "person" and unnamed:
                person = self.registry.last_before(p, pos, ("person",))
                if person is None or person.para < last_para:
                    return Speaker(last_key, [f"pronoun {word!r} taken for the unnamed spokesperson of {last.name}"])
        if kind == "organization":
            opened = self._subject_before(p, pos)
            if opened is not None:
                return opened
        kinds = (
            ("person",)
            if kind == "person"
            else ("organization", "state")
            if kind == "organization"
            else ("group", "organization", "state")
        )
        found = self.registry.last_before(p, pos, kinds)
        if found is None and kind == "person":
            # "This was reported by a source in the ministry. “…,” he said.": no one named, an unnamed source.
            for q in range(p, max(-1, p - 3), -1):
                text = self.paragraphs[q] if q < p else self.paragraphs[q][:pos]
                if _UNNAMED_SOURCE.search(text):
                    org = self.registry.last_before(p, pos, ("organization",))
                    if org is not None:
                        name = self.registry.actors[org.key].name
                        return Speaker(org.key, [f"pronoun {word!r} taken for the unnamed source of {name}"])
                    break
        if found is None:
            return None
        actor = self.registry.actors[found.key]
        if kind == "person":
            subject = self._person_subject_before(p, pos, found)
            if subject is not None:
                return subject
            if (
                self.last_speaker is not None
                and self.last_speaker[1] != found.key
                and p - self.last_speaker[0] <= 2
                and self.registry.actors[self.last_speaker[1]].kind == "person"
                and re.match(r"[’']s\b", self.paragraphs[found.para][found.end : found.end + 3])
            ):
                # "“We reciprocated …” … served a note on Novakovic’s expulsion … Serbia’s decision, he said, “…”":
                # the person who spoke last, when the one named since is named as a possessive.
                last = self.registry.actors[self.last_speaker[1]]
                reason = (
                    f"pronoun {word!r} taken for {last.name}, the last speaker, though {actor.name} was named since"
                )
                return Speaker(self.last_speaker[1], [reason], last.role)
        reasons: list[str] = []
        if kind != "person":
            reasons.append(f"pronoun {word!r} taken for {actor.name}, the last {actor.kind} named")
        elif p - found.para > 1 and not (
            self.last_speaker and self.last_speaker[1] == found.key and p - self.last_speaker[0] <= 1
        ):
            reasons.append(f"pronoun {word!r} taken for {actor.name}, last named {p - found.para} paragraphs before")
        elif self.last_speaker and self.last_speaker[1] != found.key and self.last_speaker[0] >= found.para:
            reasons.append(f"pronoun {word!r} taken for {actor.name}, the last person named, not the last speaker")
        return Speaker(found.key, reasons, actor.role)

    def _own_clause_subject(self, p: int, start: int, end: int, word: str) -> Speaker | None:
        """The speaker a verb's own clause names by a pronoun ("it" is the organisation or state its sentence opens
        with) or by a noun ("the minister"), uncertain either way."""
        if word not in PRONOUNS:
            return self.resolve(p, start, end)
        kind = PRONOUNS[word]
        if kind == "person":
            first_person = [m for m in self.registry.in_span(p, sentence_at(self.bounds[p], start)[0], start)]
            if not first_person or first_person[0].kind != "person":
                return self._pronoun(p, start, word)
        s_start, _ = sentence_at(self.bounds[p], start)
        kinds = ("person",) if kind == "person" else ("organization", "state", "group")
        first = [m for m in self.registry.in_span(p, s_start, start) if not m.quoted]
        if (
            first
            and first[0].kind in kinds
            and re.fullmatch(r"\s*(?:the\s+)?", self.paragraphs[p][s_start : first[0].start], re.IGNORECASE)
        ):
            name = self.registry.actors[first[0].key].name
            reason = f"pronoun {word!r} taken for {name}, the subject its sentence opens with"
            return Speaker(first[0].key, [reason], self.registry.actors[first[0].key].role)
        return None

    def _sentence_before(self, p: int, s_start: int, *, opening_paragraph: bool = False) -> tuple[int, int, int] | None:
        """The paragraph, start and end of the sentence before the one at `s_start`: the last of the paragraph
        before when it opens its paragraph (with `opening_paragraph`, only when nothing but blanks precedes it)."""
        index = next((i for i, (a, _b) in enumerate(self.bounds[p]) if a == s_start), None)
        if index:
            return p, *self.bounds[p][index - 1]
        if p > 0 and self.bounds[p - 1] and (not opening_paragraph or not self.paragraphs[p][:s_start].strip()):
            return p - 1, *self.bounds[p - 1][-1]
        return None

    def _person_subject_before(self, p: int, pos: int, found: Mention) -> Speaker | None:
        """`Grlic-Radman said today Croatia dismissed the grounds for expelling Snajder. “…,” he told the press.`:
        "he" after a sentence that opens with a person and a speaking verb is that person, not one named after it
        in that sentence (an object); uncertain, as a pronoun is."""
        s_start, _ = sentence_at(self.bounds[p], pos)
        before = self._sentence_before(p, s_start, opening_paragraph=True)
        if before is None:
            return None
        q, ps, pe = before
        if found.para != q or found.start < ps:
            return None  # the last person named is not in the sentence before
        opened = self._sentence_subject(q, pe - 1, "person")
        if opened is None or opened.key == found.key:
            return None
        name = self.registry.actors[opened.key].name
        other = self.registry.actors[found.key].name
        reason = f"pronoun 'he' taken for {name}, the subject of the sentence before, not {other} named after"
        return Speaker(opened.key, [reason], self.registry.actors[opened.key].role)

    def _subject_before(self, p: int, pos: int) -> Speaker | None:
        """`Russia’s foreign ministry has announced a ban … It said that …`: an "it" that opens its sentence is the
        organisation (else the state) that opens the sentence before, as its subject."""
        para = self.paragraphs[p]
        s_start, _ = sentence_at(self.bounds[p], pos)
        if not re.fullmatch(r"\s*(?:(?:But|And|Yet|However,?)\s+)?", para[s_start:pos]):
            return None
        before = self._sentence_before(p, s_start)
        if before is None:
            return None
        q, ps, pe = before
        prev = self.paragraphs[q]
        if re.search(r"[“”\"«»]", prev[ps:pe]):
            return None
        opening = [
            m
            for m in self.registry.in_span(q, ps, pe)
            if not m.quoted
            and m.kind in ("organization", "state")
            and re.fullmatch(r"\s*(?:(?:the|a|an)\s+)?(?:[\w’'-]+\s+){0,3}", prev[ps : m.start])
        ]
        if not opening:
            return None
        chosen = next((m for m in opening if m.kind == "organization"), opening[0])
        # The subject is followed by its verb: `… ministry has announced`, `… ministry said`.
        if not re.match(
            r"(?:’s|'s)?\s+(?:\w+\s+){0,2}?(?:has|have|had|is|was|will|said|\w+ed)\b", prev[chosen.end : pe]
        ):
            return None
        actor = self.registry.actors[chosen.key]
        return Speaker(chosen.key, [f"pronoun 'it' taken for {actor.name}, the subject of the sentence before"])

    def _bare_government(self, p: int, pos: int) -> Speaker | None:
        """ "The government decided …" with no government named: the state of the organisation that spoke last, else
        the state the article names first."""
        state: str | None = None
        reason = ""
        s_start, _ = sentence_at(self.bounds[p], pos)
        if s_start > 0:
            before_start, _ = sentence_at(self.bounds[p], s_start - 1)
            opening = (p, before_start)
        elif p > 0 and self.paragraphs[p - 1]:
            opening = (p - 1, sentence_at(self.bounds[p - 1], len(self.paragraphs[p - 1]) - 1)[0])
        else:
            opening = None
        if opening is not None:
            # "Maldives has suspended three ministers …. “…,” the government said": the state the sentence before
            # opens with.
            q, at = opening
            first_there = next((m for m in self.registry.in_span(q, at, at + 40) if not m.quoted), None)
            if (
                first_there is not None
                and first_there.kind == "state"
                and not self.paragraphs[q][at : first_there.start].strip()
            ):
                state = first_there.key
                name = self.registry.actors[state].name
                reason = f"'the government' taken for {name}, the state the sentence before opens with"
        if state is None and self.last_speaker is not None and p - self.last_speaker[0] <= 3:
            last = self.registry.actors[self.last_speaker[1]]
            if last.kind == "state":
                state, reason = last.key, f"'the government' taken for {last.name}, the last speaker"
            elif last.kind == "organization" and last.country:
                state = _ensure_state(self.registry, last.country, self._sentence(p, pos))
                reason = f"'the government' taken for the state of {last.name}, the last speaker"
        if state is None:
            first = next((m for m in self.registry.mentions if m.kind == "state"), None)
            if first is not None:
                state = first.key
                reason = f"'the government' taken for {self.registry.actors[first.key].name}, the state named first"
        return Speaker(state, [reason]) if state else None

    def _noun(self, p: int, pos: int, word: str, kind: str, head: str | None) -> Speaker | None:
        if kind == "media":
            # "the agency said": the last one written as an agency ("the Russian diplomatic agency told TASS", "the
            # Xinhua news agency"), else the last news agency named (not a newspaper), else the news outlet named
            # last (its own words), else an organisation.
            near = [m for m in self.registry.before(p, pos) if p - m.para <= 2 and not m.quoted]
            for mention in near:
                if mention.kind in ("media", "organization") and "agency" in (
                    self.paragraphs[mention.para][mention.start : mention.end].lower()
                ):
                    return Speaker(mention.key, [])
            written_as_agency = {
                m.key
                for m in self.registry.mentions
                if m.kind == "media" and "agency" in self.paragraphs[m.para][m.start : m.end].lower()
            }
            for mention in near:
                if mention.kind == "media" and (
                    self.registry.actors[mention.key].name.lower() in NEWS_AGENCIES
                    or mention.key in written_as_agency  # "the Swedish TT news agency", later "TT"
                ):
                    return Speaker(mention.key, [])
            agency = self.registry.last_before(p, pos, ("media",)) or self.registry.last_before(
                p, pos, ("organization",), head="agency"
            )
            return Speaker(agency.key, []) if agency else None
        if kind == "document":
            return self._document(p, pos, word)
        if kind == "bloc":
            # "the bloc said in its statement": the union of states named last (the EU, NATO, ASEAN, the AU).
            for mention in self.registry.before(p, pos):
                name = self.registry.actors[mention.key].name
                if p - mention.para > 3:
                    break
                if mention.kind == "organization" and re.search(
                    r"\bUnion\b|^(?:EU|NATO|ASEAN|AU)$|Alliance|League", name
                ):
                    return Speaker(mention.key, [])
            return None
        if kind == "plural" and self.last_speaker is not None:
            # "the diplomats said", "officials added": the organisation that spoke last, when one did.
            last_para, last_key, _ = self.last_speaker
            if self.registry.actors[last_key].kind in ("organization", "group", "state") and p - last_para <= 2:
                return Speaker(
                    last_key, [f"'the {word}' taken for {self.registry.actors[last_key].name}, the last speaker"]
                )
            return None
        if kind == "organization":
            found = self.registry.last_before(p, pos, ("organization",), head=head)
            if found is None and head == "ministry":
                # "the ministry" after "the Foreign Office" or "the State Department": a ministry by another name.
                found = next(
                    (
                        m
                        for m in self.registry.before(p, pos)
                        if m.kind == "organization"
                        and not m.quoted
                        and _MINISTRY_BY_NAME.search(self.registry.actors[m.key].name.lower())
                    ),
                    None,
                )
            if found is None and head == "department":
                # "the department demanded" with no department named: a ministry (a translation's word for it).
                ministry = self.registry.last_before(p, pos, ("organization",), head="ministry")
                if ministry is not None:
                    name = self.registry.actors[ministry.key].name
                    return Speaker(ministry.key, [f"'the department' taken for {name}, the last ministry named"])
            if found is None and head == "government":
                return self._bare_government(p, pos)
            if found is None:
                return None
            return Speaker(found.key, [])
        if kind in ("spokes", "official", "ambassador", "minister"):
            # "the spokeswoman": the last person whose role says so, else the last organisation.
            for mention in self.registry.before(p, pos):
                actor = self.registry.actors[mention.key]
                if actor.kind == "person" and actor.role and word[:6] in actor.role.lower():
                    return Speaker(mention.key, [f"{word!r} taken for {actor.name}, the last {word} named"], actor.role)
            if word in ("diplomat", "envoy"):
                # "the diplomat said" after "Russian Ambassador Anatoly Antonov": the last person of a diplomat's role.
                for mention in self.registry.before(p, pos):
                    actor = self.registry.actors[mention.key]
                    if p - mention.para > 2:
                        break
                    if actor.kind == "person" and actor.role and _DIPLOMATIC_ROLE.search(actor.role.lower()):
                        reason = f"'the {word}' taken for {actor.name}, the last diplomat named"
                        return Speaker(mention.key, [reason], actor.role)
            if kind in ("minister", "ambassador"):
                # "the home affairs minister told …" after "Peter Dutton has censured …": a minister is a person.
                person = self.registry.last_before(p, pos, ("person",))
                if person is not None and p - person.para <= 2:
                    actor = self.registry.actors[person.key]
                    reason = f"'the {word}' taken for {actor.name}, the last person named"
                    return Speaker(person.key, [reason], actor.role)
            org = self.registry.last_before(p, pos, ("organization",))
            if org is not None:
                return Speaker(org.key, ["an unnamed spokesperson: their organisation is given as the speaker"], None)
        return None

    def _document(self, p: int, pos: int, word: str) -> Speaker | None:
        """`the statement said`, `the report read`: whose statement (or report, note, text) the article named last."""
        for q in range(p, max(-1, p - 4), -1):
            text = self.paragraphs[q] if q < p else self.paragraphs[q][:pos]
            for by in reversed(list(_STATEMENT_BY.finditer(text))):
                for mention in self.registry.in_span(q, by.end(), by.end() + 80):
                    if mention.kind in ("organization", "state", "person", "group") and not mention.quoted:
                        return Speaker(mention.key, [], self.registry.actors[mention.key].role)
        if (
            self.last_speaker is not None
            and p - self.last_speaker[0] <= 3
            and self.registry.actors[self.last_speaker[1]].kind != "group"  # "Russian diplomats" issue no note
        ):
            last_para, last_key = self.last_speaker[0], self.last_speaker[1]
            # The last speaker spoke "in a statement" (or its website "reported"): the statement is theirs.
            issued = any(_ISSUED.search(self.paragraphs[q]) for q in range(max(0, last_para - 2), p + 1))
            reasons = [] if issued else [f"'the {word}' taken for the last speaker's"]
            return Speaker(last_key, reasons, self.registry.actors[last_key].role)
        org = self.registry.last_before(p, pos, ("organization",))
        if org is not None and p - org.para <= 3:
            name = self.registry.actors[org.key].name
            return Speaker(org.key, [f"'the {word}' taken for {name}'s, the last organization named"])
        return None

    def _sentence(self, p: int, pos: int) -> str:
        start, end = sentence_at(self.bounds[p], pos)
        return self.paragraphs[p][start:end]

    # ----------------------------------------------------------------- quotes

    def quote_speaker(self, quote: QuoteSpan, previous: Item | None) -> tuple[Speaker | None, str | None, bool]:
        """(speaker, via, next to a verb) for a quote."""
        last = quote.last
        para = self.paragraphs[last.para]
        s_start, s_end = sentence_at(self.bounds[last.para], last.end - 1)
        after_start = last.end
        post = para[after_start:s_end]
        via = self._via(last.para, s_start, s_end, quote)
        # 0. Inside it, between dashes: `“…, – he said. – …”`.
        for part in quote.parts:
            text = self.paragraphs[part.para]
            inside = _INSIDE.search(text, part.open, part.close or part.end)
            if inside:
                speaker = self.resolve(part.para, inside.start("who"), inside.end("who"))
                if speaker is not None:
                    return speaker, via, True
        # 1. After the quote: `,” X said` or `,” said X`.
        speaker = self._after(last.para, after_start, post)
        if speaker is not None and self._is_media(speaker):
            first = quote.first
            f_start, _ = sentence_at(self.bounds[first.para], first.open)
            pre = self.paragraphs[first.para][f_start : first.open]
            if re.search(r"\w", pre) and not _CLOSING_MARK.search(pre):
                # `The Turkish foreign ministry has told the consul to leave "for a period of time", the Anadolu news
                # agency said`: the fragment is the words of the sentence's subject, relayed by the agency.
                self.verb_end = None
                self.pronoun_hit = False
                own = self._before(first.para, f_start, pre)
                agency = self.registry.actors[speaker.key].name
                if own is not None and not self._is_media(own):
                    own.reasons.append(f"the words taken for the sentence's subject, relayed by {agency}")
                    return own, agency, True
                # `Russia will answer “hostile acts”, TASS said`: the agency's own sentence, or someone's words it
                # relays without saying whose.
                speaker.reasons.append(f"{agency} taken for the speaker of words quoted inside its sentence")
        if speaker is not None:
            return speaker, via, True
        # 2. Before it, in its sentence: `X said: “`, `X condemned it as “`.
        first = quote.first
        fpara = self.paragraphs[first.para]
        f_start, _ = sentence_at(self.bounds[first.para], first.open)
        pre = fpara[f_start : first.open]
        self.verb_end = None
        self.pronoun_hit = False
        speaker = self._before(first.para, f_start, pre)
        if speaker is not None and "the words of the protest taken for the one protesting" in speaker.reasons:
            # `… to protest “unacceptable” remarks …, a statement posted on the foreign ministry’s website said`:
            # the attribution that ends the sentence names whose words they are.
            named = self._end_attribution(last.para, after_start, s_end)
            if named is not None:
                speaker = named
        if speaker is not None and self.pronoun_hit:
            # `after what it called “irresponsible” comments …, Algeria’s presidency said`: the pronoun stands for
            # the speaker the sentence names at its end.
            named = self._end_attribution(last.para, after_start, s_end)
            if named is not None:
                speaker = named
        if speaker is not None and not speaker.reasons and self.verb_end is not None:
            # `She said the Cabinet noted the “…”`: a speaker inside another one's reported words; whose words the
            # quote is (the one relaying or the one relayed) is not sure.
            lead = fpara[f_start : self.verb_end]
            verbs = [w for w in _WORD.finditer(lead) if w.group() in ("said", "says", "told", "added", "stated")]
            chosen = self.registry.actors[speaker.key].name
            if (
                verbs
                and verbs[0].end() < len(lead) - len(lead.split()[-1])
                and speaker.key
                not in {m.key for m in self.registry.in_span(first.para, f_start, f_start + verbs[0].start())}
            ):
                relay = verbs[0].group()
                speaker.reasons.append(f"{chosen} is named inside words another speaker reports ('{relay}')")
        if speaker is not None and not speaker.reasons:
            # `According to Russian diplomats, the consequences “go far beyond …”, as well as “…,” says the note of
            # protest.`: the sentence ends with an attribution of its own to someone else; which one is meant is
            # not sure.
            other = self._later_attribution(last.para, after_start, s_end)
            if other is not None and other.key != speaker.key:
                name = self.registry.actors[other.key].name if other.key else other.reasons[0]
                speaker.reasons.append(f"the sentence also ends with an attribution to {name}")
        if speaker is not None and not speaker.reasons and self.verb_end is not None:
            # `Xue posted that he would “…”, following Takaichi’s warning that a blockade could be a “…”`: a person
            # or an organisation named between the verb and the quote may be the one whose words they are.
            between = [
                m
                for m in self.registry.in_span(first.para, self.verb_end, first.open)
                if m.kind in ("person", "organization") and m.key != speaker.key and not m.quoted
            ]
            if between:
                other_name = self.registry.actors[between[-1].key].name
                speaker.reasons.append(f"{other_name} is named between the verb and the quote")
        if speaker is not None:
            # `Peskov told a briefing when asked about … since Moscow’s “special military operation”`: a clause
            # of its own between the verb and the quote; the verb is not the quote's (a short one is a term).
            gap = fpara[self.verb_end : first.open] if self.verb_end is not None else ""
            clause = _SUBORDINATE.search(gap)
            own_clause = (
                clause is not None
                and not re.search(r"\bthat\b", gap[clause.end() :])
                and not _CLOSING_MARK.search(gap)  # `… an “official history” which had been “…”`: a chain
            )
            return speaker, via or self._via(first.para, f_start, first.open, quote), not own_clause
        # 2a. A quote that is its subject's verb: `the Algerian Foreign Ministry “strongly condemned” …`.
        opening = re.match(r"\s*(?:\w+ly\s+)?(\w+)", quote.text(self.paragraphs))
        listed = opening is not None and opening.group(1) in SPEECH_VERBS | FRAGMENT_VERBS
        if opening and not listed and re.fullmatch(r"[a-z]{3,}ed", opening.group(1)):
            # `The Kremlin “welcomed new U.S. Ambassador …”`: a verb the rules do not list, after an organisation
            # or a state right before it: its words, less surely.
            subject = [m for m in self.registry.in_span(first.para, f_start, first.open) if not m.quoted]
            if (
                subject
                and subject[-1].kind in ("organization", "state")
                and not fpara[subject[-1].end : first.open].strip()
            ):
                speaker = self.resolve(first.para, subject[-1].start, subject[-1].end)
                if speaker is not None:
                    name = self.registry.actors[speaker.key].name
                    speaker.reasons.append(f"the quote is {name}'s verb {opening.group(1)!r}, not a speaking one")
                    return speaker, via, True
        if opening and listed:
            subject = [m for m in self.registry.in_span(first.para, f_start, first.open) if not m.quoted]
            if subject and _DAY_GAP.fullmatch(fpara[subject[-1].end : first.open]):
                # `Rwanda on Sunday “noted with regret” the decision`: a day between the subject and its verb.
                speaker = self.resolve(first.para, subject[-1].start, subject[-1].end)
                if speaker is not None and self.registry.actors[speaker.key].kind == "person":
                    # `Abbawi “expressed hope that …”`: words that tell of a person in the third person are not
                    # the person's own but the text's that reports them: the statement quoted just before.
                    name = self.registry.actors[speaker.key].name
                    told = (
                        previous is not None
                        and previous.speaker is not None
                        and previous.kind == "quote"
                        and 0 <= first.para - previous.para <= 1
                        and self.registry.actors[previous.speaker].kind in ("organization", "state")
                    )
                    if told and previous is not None and previous.speaker is not None:
                        owner = self.registry.actors[previous.speaker]
                        reason = f"the quote tells of {name} in the third person: taken for {owner.name}, quoted before"
                        return Speaker(previous.speaker, [reason], previous.speaker_role), via, True
                    speaker.reasons.append(f"the quote tells of {name} in the third person: whose words is not said")
                if speaker is not None:
                    return speaker, via, True
        # 2b. The attribution that ends its sentence, after its last quote: `… caused by “rioters” and …, the
        # ministry said.`, `… an “illegal” rally, the ministry's website reported.`
        if not re.search(r"\bso-called\s+$", fpara[f_start : first.open]):
            speaker = self._end_attribution(last.para, after_start, s_end)
            if speaker is not None:
                if self._is_media(speaker) and re.search(r"\w", fpara[f_start : first.open]):
                    agency = self.registry.actors[speaker.key].name
                    speaker.reasons.append(f"{agency} taken for the speaker of words quoted inside its sentence")
                return speaker, via, True
        # 3. A paragraph that ends `said:` before a paragraph that is a quote.
        if first.open == 0 and first.para > 0 and self.paragraphs[first.para - 1].rstrip().endswith(":"):
            prev = self.paragraphs[first.para - 1]
            bounds = self.bounds[first.para - 1]
            ps, pe = bounds[-1]
            speaker = self._before(first.para - 1, ps, prev[ps:pe])
            if speaker is not None:
                return speaker, via, True
        if ATTRIBUTION_AFTER.match(para, after_start) and not re.match(r"[\s,]*(?:and|but|while)\b", post):
            # `“…,” said the government statement`: an attribution the rules could not resolve; not the speaker
            # of the quote before.
            return None, via, False
        # 4. A follow-on quote: the speaker of the quote before it.
        if previous is not None and previous.speaker is not None and previous.kind == "quote":
            if previous.para == first.para:
                between = [
                    self.registry.actors[m.key].name
                    for m in self.registry.in_span(first.para, previous.pos, first.open)
                    if m.kind in ("person", "organization", "group") and not m.quoted and m.key != previous.speaker
                ]
                reasons = (
                    [f"speaker carried over from the quote before, though {between[-1]} is named between them"]
                    if between
                    else []
                )
                lead = fpara[f_start : first.open]
                unknown = [
                    w
                    for w in re.findall(rf"\b[{UPPER}][{LOWER}]+\b", lead)
                    if w.lower() not in COMMON_CAPITALISED and w.lower() not in PRONOUNS
                ]
                if not reasons and f_start > previous.pos and unknown and not _CLOSING_MARK.search(lead):
                    # `The Kremlin “welcomed …”. Putin made it clear that …“…”`: a sentence of its own that names
                    # someone the rules do not know; the speaker before may not be this quote's.
                    reasons = [f"speaker carried over from the quote before, across a sentence naming {unknown[0]!r}"]
                return Speaker(previous.speaker, reasons, previous.speaker_role), via or previous.via, False
            if first.para - previous.para == 1 and first.open == 0:
                return (
                    Speaker(
                        previous.speaker,
                        ["speaker carried over from the quote in the paragraph before"],
                        previous.speaker_role,
                    ),
                    via or previous.via,
                    False,
                )
        # 5. A quote that is a paragraph of its own after one that ends with its speaker's verb, without quotes:
        # "Deputy Foreign Minister Sergey Ryabkov condemned the new sanctions." then "“By making this decision …"
        if first.open == 0 and first.para > 0:
            prev = self.paragraphs[first.para - 1]
            if prev.strip() and not re.search(r"[“”\"«»]", prev):
                ps, pe = self.bounds[first.para - 1][-1]
                speaker = self._before(first.para - 1, ps, prev[ps:pe])
                if speaker is not None:
                    speaker.reasons.append("speaker taken from the paragraph before, which introduces the quote")
                    return speaker, via, False
        return None, via, False

    def _later_attribution(self, p: int, after: int, s_end: int) -> Speaker | None:
        """The speaker of an attribution after a later quote of the sentence (`…,” says the note`), if any: an actor,
        or for a document (whose the rules do not look up here) a speaker with no key and the words as its reason."""
        para = self.paragraphs[p]
        marks = [m.end() for m in _CLOSING_MARK.finditer(para, after, s_end)] or [after]
        tail = para[marks[-1] : s_end]
        found = re.match(r"\s*,?\s*" + _END_VERBS + r"\s+(?P<who>[^,;.“”\"]{2,60}?)\s*[.!]?\s*$", tail) or re.match(
            r"\s*,?\s*(?P<who>[^,;.“”\"]{2,60}?)\s+" + _END_VERBS + r"\b[^,;“”\"]{0,40}[.!]?\s*$", tail
        )
        if found is None:
            return None
        start = marks[-1] + found.start("who")
        mentions = [
            m
            for m in self.registry.in_span(p, start, marks[-1] + found.end("who"))
            if m.kind in ("person", "organization", "state") and not m.quoted
        ]
        if mentions:
            return Speaker(mentions[-1].key, [])
        words = [w.lower() for w in _WORD.findall(found.group("who"))]
        if any(_NOUN_SPEAKERS.get(w, ("",))[0] == "document" for w in words):
            return Speaker("", [found.group("who").strip()])  # a document, whose the rules do not say here
        return None

    def _end_attribution(self, p: int, after: int, s_end: int) -> Speaker | None:
        """The speaker of an attribution that ends the sentence after its last quote (`…, X said.`)."""
        para = self.paragraphs[p]
        tail_marks = [m.end() for m in _CLOSING_MARK.finditer(para, after, s_end)]
        tail_at = tail_marks[-1] if tail_marks else after
        tail = para[tail_at:s_end]
        base = tail_at
        between = para[after : tail_at - 1]
        quoted_between = re.search(r"[“«„]", between) or (between.count('"') % 2 == 1 and '"' in between)
        if tail_marks and tail_at > after + 1 and para[tail_at - 2] == "," and quoted_between:
            # `… should “adopt …” toward …, instead of “encouraging …,” it added.`: the comma inside the last quote
            # is the one before the attribution.
            tail, base = "," + tail, tail_at - 1
        if not re.match(r"^[^,;:]{0,200},\s", tail):
            return None
        # The first comma after which an attribution ends the sentence: `…, and China urges it to withdraw the
        # decision, foreign ministry spokeswoman Hua Chunying told a regular briefing.`
        for found in re.finditer(r",", tail):
            comma = found.start()
            end_attribution = _END_ATTRIBUTION.match(tail[comma:])
            if end_attribution and re.match(r"[^.!?]*[.!?]?\s*$", tail[comma + end_attribution.end() :]):
                return self.resolve(
                    p, base + comma + end_attribution.start("who"), base + comma + end_attribution.end("who")
                )
        return None

    def _after(self, p: int, offset: int, post: str) -> Speaker | None:
        if re.match(r"[\s,]*(?:and|but|while|whereas)\s", post):
            return None  # `“…”, and China urges it to …`: a clause of its own, no attribution of the quote
        lead = re.match(r"^[\s,;—–-]*", post)
        begin = lead.end() if lead else 0
        rest = post[begin:]
        words = list(_WORD.finditer(rest))[:30]
        if not words:
            return None
        dash = re.match(r"\s*[—–-]+\s*(?P<who>[^.;:!?“”\"«»,]{2,100}?)\s*[.]?\s*$", post)
        if dash and not any(w.group().lower() in SPEECH_VERBS for w in _WORD.finditer(dash.group("who"))):
            # `“…” — Kremlin spokesman Dmitry Peskov.`: a name alone after a dash signs the quote.
            signed = self.registry.in_span(p, offset + dash.start("who"), offset + dash.end())
            if any(m.kind != "state" for m in signed):
                speaker = self.resolve(p, offset + dash.start("who"), offset + dash.end("who"))
                if speaker is not None:
                    return speaker
        for index, word in enumerate(words):
            low = word.group().lower()
            if not word.group()[0].islower():
                continue  # "the United States": a capitalised word is a name, not a verb
            made_remarks = low == "made" and re.match(
                r"\s+(?:the\s+|these\s+|those\s+)?(?:remarks|comments)\b", rest[word.end() :]
            )
            if (low in SPEECH_VERBS or low in ("according", "quoted", "cited") or made_remarks) and not _adjectival(
                rest, word
            ):
                # `“…,” spokesperson Mao Ning made the remarks when asked …`: "made the remarks" says them.
                if made_remarks and index == 0:
                    return None
                if index >= 12 and not _APPOSITIVE_SUBJECT.match(rest[: word.start()]):
                    return None  # too far from the quote to be its attribution
                passive = re.search(r"\s+(?:was|were|is|are|been)\s+$", rest[: word.start()])
                if low in ("quoted", "cited") and passive and index > 1:
                    # `“…,” Lavrov was quoted by TASS as saying`: the subject speaks, the agency relays.
                    return self.resolve(p, offset + begin, offset + begin + passive.start())
                if low in ("quoted", "cited"):
                    # `“…,” the agency quoted Zakharova as saying`: the one quoted speaks, the agency relays.
                    relayed = re.match(r"\s+(.{2,80}?)\s+as\s+(?:saying|telling|stating)\b", rest[word.end() :])
                    if relayed:
                        at = offset + begin + word.end()
                        return self.resolve(p, at + relayed.start(1), at + relayed.end(1))
                if index == 0 and low.endswith("ing") and low != "according":
                    return None  # `“…,” adding that …`: the subject before the quote speaks, not what follows
                if index == 0:
                    # `said X, the …` / `according to X`: the speaker follows the verb.
                    tail = rest[word.end() :]
                    if low != "according" and not _VERB_FIRST_SPEAKER.match(tail):
                        return None  # `“baseless” comments made by Gabriel`: a noun, not a verb before its speaker
                    stop = None
                    for found in _VERB_FIRST_STOP.finditer(tail):
                        role = re.search(r"([\w-]+)\s+of\s$", tail[: found.end()])
                        if role and (
                            role.group(1).lower() in ROLE_NOUNS
                            or role.group(1).lower()
                            in ("head", "statement", "statements", "report", "communique", "reaction", "response")
                        ):
                            # "said the head of the Russian Foreign Ministry Sergey Lavrov": a title; "according
                            # to a statement of the President Office": whose statement; "said the reaction of the
                            # embassy": whose answer.
                            continue
                        stop = found
                        break
                    cut = stop.start() if stop else len(tail)
                    relay = re.search(r",\s+[^,]*?\b(?:said|says|reported|reports|added|wrote|told)\b", tail)
                    if relay and relay.start() < cut:
                        cut = relay.start()  # `reads the statement of …, Russian news agency TASS reported`
                    span_end = word.end() + cut
                    span_start = word.end()
                    if low == "according":
                        to = re.match(r"\s+(?:to\s+)?", tail)  # "according a statement of …": "to" lost
                        if not to:
                            return None
                        span_start += to.end()
                    speaker = self.resolve(p, offset + begin + span_start, offset + begin + span_end)
                    if speaker is not None and low.startswith("report") and self._is_media(speaker):
                        return None  # `“…,” reports CNN`: the outlet relays the words (the via), it did not say them
                    return speaker
                # `X said`: the words before the verb are the speaker, if they are few.
                subject = rest[: word.start()]
                agent = self._by_agent(p, offset + begin, rest, word)
                if agent is not None:
                    return agent
                appositive = _APPOSITIVE_SUBJECT.match(subject)
                if appositive:
                    # `“…,” Sir Richard Dalton, who was ambassador to Tehran, said.`: the name before the commas.
                    return self.resolve(p, offset + begin, offset + begin + appositive.end("name"))
                core = subject.rstrip(" ,")
                if "," in core and not appositive:
                    # `“…,” severely violating China's interests, Mao said`: the clause right before the verb.
                    cut = core.rindex(",") + 1
                    subject, begin = subject[cut:], begin + cut
                    rest = rest[cut:]
                    word = next(w for w in _WORD.finditer(rest) if w.group().lower() == low)
                if re.match(r"\s*(?:in|of|on|at|for|with|to|from|by|over|against|and|but)\b", subject) or re.search(
                    r"\b(?:and|but)\s+$", subject
                ):
                    # `“…,” in violation of its powers and reiterated that …`: no subject of the quote's own.
                    return None
                bare_subject = _COURTESY_DOT.sub(" ", subject)
                if len(subject.split()) > 9 or re.search(r"(?<![A-Z])[.;!?]|[“”\"]", bare_subject):
                    return None
                speaker = self.resolve(p, offset + begin, offset + begin + word.start())
                if speaker is not None and low.startswith("report") and self._is_media(speaker):
                    return None  # `“…,” CNN reported`: relayed, not said, by the outlet
                return speaker
            if low in _SKIPPABLE:
                continue
            if index >= 12:
                break
        return None

    def _before(self, p: int, offset: int, pre: str) -> Speaker | None:
        passive = _BY_AS.search(pre)
        if passive:
            return self.resolve(p, offset + passive.start("who"), offset + passive.end("who"))
        relayed = list(_RELAYED.finditer(pre))
        if relayed:
            speaker = self.resolve(p, offset + relayed[-1].start("who"), offset + relayed[-1].end("who"))
            if speaker is not None:
                return speaker
        opening = re.match(r"\s*([A-Z][a-z]+ing)\b", pre)
        if (
            opening
            and opening.group(1).lower() in SPEECH_VERBS
            and self.last_speaker is not None
            and p - self.last_speaker[0] <= 1
        ):
            # "Adding that Russia expelled them after “spotting them red-handed,”": a sentence that opens with the
            # participle goes on from the last speaker's words.
            self.verb_end = offset + opening.end()
            last = self.registry.actors[self.last_speaker[1]]
            return Speaker(self.last_speaker[1], [f"taken for {last.name}, who spoke last"], last.role)
        named = re.fullmatch(r"\s*(?P<who>[^:,;.“”\"«»]{2,80}?)\s*:\s*", pre)
        if (
            named
            and len(named.group("who").split()) <= 9
            and not any(w.group().lower() in SPEECH_VERBS for w in _WORD.finditer(named.group("who")))
        ):
            # `Zakharova: “…”`: a name and a colon introduce the words.
            mentions = self.registry.in_span(p, offset + named.start("who"), offset + named.end("who"))
            if mentions and mentions[-1].kind in ("person", "organization", "group"):
                self.verb_end = offset + named.end()
                return self.resolve(p, offset + named.start("who"), offset + named.end("who"))
        remarks = list(_REMARKS_BY.finditer(pre))
        if remarks and not any(w.group().lower() in SPEECH_VERBS for w in _WORD.finditer(pre, remarks[-1].end())):
            # "after comments Friday from French Foreign Minister Jean-Yves Le Drian that the junta was “…”".
            found = remarks[-1]
            mentions = [
                m
                for m in self.registry.in_span(p, offset + found.end(), offset + found.end() + 90)
                if m.kind in ("person", "organization", "group") and not m.quoted
            ]
            if mentions:
                self.verb_end = offset + found.end()
                speaker = self.resolve(p, mentions[0].start, mentions[0].end)
                if speaker is not None:
                    speaker.reasons.append("the words taken for the one whose remarks the sentence reports")
                    return speaker
        owned = list(_POSSESSED_WORDS.finditer(pre))
        if owned and not any(w.group().lower() in SPEECH_VERBS for w in _WORD.finditer(pre, owned[-1].end())):
            # "Xue had posted that he would “…”, following Takaichi’s warning that any blockade could be a “…”": the
            # words are those of the one whose warning the clause gives, not of the sentence's subject.
            found = owned[-1]
            owners = [
                m
                for m in self.registry.in_span(p, offset, offset + found.start())
                if m.end == offset + found.start() and m.kind in ("person", "organization", "group") and not m.quoted
            ]
            if owners and not _CLOSING_MARK.search(pre, found.end()):
                self.verb_end = offset + found.end()
                speaker = self.resolve(p, owners[-1].start, owners[-1].end)
                if speaker is not None:
                    name = self.registry.actors[speaker.key].name
                    noun = found.group("noun")
                    speaker.reasons.append(f"the words taken for {name}, whose {noun} the clause gives")
                    return speaker
        protest = _PROTEST.search(pre)
        if protest and not any(w.group().lower() in SPEECH_VERBS for w in _WORD.finditer(pre, protest.end())):
            # "The ministry summoned the ambassador in protest against the “aggressive … actions”": what the
            # one protesting objects to, in its own words.
            self.verb_end = offset + protest.end()
            para = self.paragraphs[p]
            opener = [
                m
                for m in self.registry.in_span(p, offset, offset + protest.start())
                if not m.quoted and re.fullmatch(r"\s*(?:(?:the|a|an)\s+)?", para[offset : m.start])
            ]
            # `Iraq has summoned Turkey’s ambassador, Yunus Demirer, to protest “…”`: the one protesting is the
            # sentence's subject, not the one summoned nearer the verb.
            speaker = (
                self.resolve(p, opener[0].start, opener[0].end)
                if opener
                else self._subject(p, offset, offset + protest.start())
            )
            if speaker is not None:
                speaker.reasons.append("the words of the protest taken for the one protesting")
                return speaker
        words = list(_WORD.finditer(pre))
        quoted_spans = [(m.start(), m.end()) for m in re.finditer(r"[“\"«][^“”\"«»]*[”\"»]", pre)]
        for word in reversed(words):
            low = word.group().lower()
            self.verb_end = offset + word.end()
            if not word.group()[0].islower() and low != "according":
                continue
            if any(a < word.start() < b for a, b in quoted_spans):
                # "… and “strongly protested” the “unjustified” expulsion": a verb quoted before is no attribution
                # of this quote; the sentence's own verb is further back.
                continue
            if (
                low in ("said", "says", "wrote", "writes")
                and re.search(r"\bwhat\s+(?:[\w’'.-]+\s+){1,4}$", pre[: word.start()])
                and re.fullmatch(r"\s*(?:(?:was|is|were|are)\s+)?(?:(?:an?|the)\s+)?", pre[word.end() :])
            ):
                # `…, adding that what Wehbe said “contradicts …”`: the quote says what X's words are; X's verb is in
                # a clause that is itself the object, the speaker is the one who says so.
                continue
            if low == "called" and re.match(r"\s+in\s", pre[word.end() :]):
                # `X called in the ambassador to deliver a “…”`: "called in" summons; the speaker is further back.
                continue
            # `Guaido declared himself “interim president”`: a title its subject gives itself is its word.
            self_titled = low in ("declared", "proclaimed") and re.match(
                r"\s+(?:himself|herself|itself|themselves)\s+(?:(?:an?|the)\s+)?$", pre[word.end() :]
            )
            # `Putin made it clear that relations are “below satisfactory”`: a phrase that says.
            # `the State Department declared that the ambassador was “persona non grata”`: declaring that says.
            declared_that = low in ("declared", "declares") and re.match(r"\s+that\s", pre[word.end() :])
            # `Sommertag began to use the term “political prisoners”`: a term its subject uses is its word.
            used_term = low in ("term", "word", "phrase", "expression") and re.search(
                r"\b(?:use[sd]?|using|coined)\s+(?:the|that|this)\s+$", pre[: word.start()]
            )
            made_clear = low == "clear" and re.search(r"\bma(?:de|kes?|king)\s+it\s+$", pre[: word.start()])
            if (
                (
                    low in SPEECH_VERBS
                    or low in FRAGMENT_VERBS
                    or low in ("saying", "quoted", "cited", "according")
                    or self_titled
                    or made_clear
                    or used_term
                    or declared_that
                )
                and (used_term or not _adjectival(pre, word))
                and not _in_closed_relative(pre, word)
            ):
                agent = self._by_agent(p, offset, pre, word)
                if agent is not None:
                    return agent
                if low == "according":
                    to = re.match(r"\s+to\s+([^,]+)", pre[word.end() :])
                    if to:
                        return self.resolve(p, offset + word.end() + to.start(1), offset + word.end() + to.end(1))
                    return None
                if low.endswith("ing"):
                    # `“…,” the ministry said, adding that this is a “…”`: the one who said the quote before.
                    closes = [m.end() for m in re.finditer(r"[”»″\"]", pre[: word.start()])]
                    if closes:
                        speaker = self._after(p, offset + closes[-1], pre[closes[-1] : word.start()])
                        if speaker is not None:
                            return speaker
                    # `…, said Zhao, adding that …“…”`: the one the attribution before the participle names.
                    said = _SAID_BEFORE_PARTICIPLE.search(pre, 0, word.start())
                    if said:
                        who = "who1" if said.group("who1") else "who2"
                        speaker = self.resolve(p, offset + said.start(who), offset + said.end(who))
                        if speaker is not None:
                            return speaker
                # The subject: the clause before the verb (after a fronted phrase, the part after its comma).
                subject_end = word.start()
                subject_start = 0
                if low == "saying":
                    quoted = re.search(r"\b(?:quoted|cited)\s+(.+?)\s+as\s*$", pre[:subject_end])
                    if quoted:
                        return self.resolve(p, offset + quoted.start(1), offset + quoted.end(1))
                    # `… responded with X, a spokeswoman for Y, saying “…”`: X speaks.
                    with_who = re.search(
                        r"\bwith\s+(?P<who>[A-Z][^,]{2,60}?)(?:,[^,“”\"]{3,120},)?\s*$", pre[:subject_end]
                    )
                    if with_who:
                        speaker = self.resolve(p, offset + with_who.start("who"), offset + with_who.end("who"))
                        if speaker is not None:
                            return speaker
                    # `Venezuela's decision came hours after the Panamanian government requested a review, saying
                    # “…”`: a sentence whose subject is a thing (a possessive), the subject of the clause after it.
                    after = list(
                        re.finditer(r"\b(?:after|when|as|because|since)\s+(?=(?:the\s+)?[A-Z])", pre[:subject_end])
                    )
                    opener = (
                        [m for m in self.registry.in_span(p, offset, offset + after[-1].start()) if not m.quoted][:1]
                        if after
                        else []
                    )
                    possessed = bool(opener) and re.match(r"[’']s\s", self.paragraphs[p][opener[0].end :]) is not None
                    if after and possessed and not _CLOSING_MARK.search(pre, after[-1].end(), subject_end):
                        clause = [
                            m
                            for m in self.registry.in_span(p, offset + after[-1].end(), offset + subject_end)
                            if not m.quoted
                        ]
                        if clause and clause[0].start - offset <= after[-1].end() + 4:
                            speaker = self.resolve(p, clause[0].start, clause[0].end)
                            if speaker is not None:
                                name = self.registry.actors[speaker.key].name
                                speaker.reasons.append(f"{name} taken for the subject of the clause before 'saying'")
                                return speaker
                    # `…, saying “…”`: the sentence's subject speaks.
                speaker = self._subject(p, offset + subject_start, offset + subject_end)
                if speaker is not None:
                    return speaker
                return None
        reason = _REASON_AFTER_ACT.search(pre)
        opens = self.paragraphs[p][offset + len(pre) + 1 : offset + len(pre) + 16]
        if (
            reason
            and (reason.group("why") or re.match(r"(?:for|because|over|due to)\s", opens))
            and not _CLOSING_MARK.search(pre, reason.end("act"))
        ):
            # `The ministry declared the diplomat persona non grata “for activities incompatible with …”`: the reason
            # given for an act, in quotation marks, is the words of the one who acts.
            self.verb_end = offset + reason.end("act")
            speaker = self._subject(p, offset, offset + reason.start("act"))
            if speaker is not None:
                name = self.registry.actors[speaker.key].name
                speaker.reasons.append(
                    f"the reason given for the act ('{reason.group('act')}') taken for {name}'s words"
                )
                return speaker
        return None

    def _subject(self, p: int, start: int, end: int) -> Speaker | None:
        """The speaker among the words before a verb: the person nearest the verb, else the nearest other actor."""
        para = self.paragraphs[p]
        if re.search(r",?\s\b(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$", para[start:end]):
            # "The ministry said …, and announced the “…”": a second verb of the sentence's subject.
            subject = self._sentence_subject(p, end, None)
            if subject is not None:
                return subject
        # In "X ordered … in what Beijing warned was “…”", the verb's own clause names its subject:
        # the words after the last clause break, when an actor is named there.
        for mention in self.registry.in_span(p, start, end):
            if mention.kind != "person" or mention.quoted:
                continue
            appositive = _ROLE_APPOSITIVE.match(para, mention.end, end)
            lead = para[start : mention.start]
            if appositive and appositive.end() == end and re.fullmatch(r"(?:.*[,;:]\s*)?(?:[A-Z][\w’'.-]*\s+)*", lead):
                # "Dr Mohammad Faisal, spokesperson of Ministry of Foreign Affairs, Pakistan tweeted": the name the
                # appositive follows is the subject, not the state that ends it.
                return self.resolve(p, mention.start, mention.end)
        breaks = list(_CLAUSE_BREAK.finditer(para, start, end))
        own = re.search(r"(?:^|[\s,])(he|she|it|they)\s+(?:\w+\s+)?$", para[start:end], re.IGNORECASE)
        if own and breaks and breaks[-1].end() <= start + own.start(1):
            # "The ministry said … over what it said were “…”": the pronoun of a clause within the sentence
            # is the sentence's own subject when that one is of the pronoun's kind.
            self.pronoun_hit = True
            subject = self._sentence_subject(p, start + own.start(1), PRONOUNS[own.group(1).lower()])
            if subject is not None:
                return subject
            if own.group(1).lower() in ("he", "she") and re.search(
                r"\b(?:in|of|by|for|to|with|during)?\s*(?:which|whom|who|what)\s+$", para[start : start + own.start(1)]
            ):
                # "remarks by U.S. diplomat Gregory May …, in which he alleged that … “eroded”": the pronoun of a
                # relative clause is the person named last before it in its sentence.
                s_start, _ = sentence_at(self.bounds[p], start + own.start(1))
                named_before = [
                    m
                    for m in self.registry.in_span(p, s_start, start + own.start(1))
                    if m.kind == "person" and not m.quoted
                ]
                if named_before:
                    named_person = self.registry.actors[named_before[-1].key]
                    pronoun = own.group(1).lower()
                    reason = f"pronoun {pronoun!r} taken for {named_person.name}, named before it in its sentence"
                    return Speaker(named_before[-1].key, [reason], named_person.role)
                # "May said she was “clear-eyed” about what she called “the threat”": the person last named, unless
                # the sentence opens with a name the rules do not know ("Erdogan will host … which he has said …").
                opening = re.match(rf"\s*([{UPPER}][{LOWER}]+)\b", para[s_start:])
                unknown_opening = (
                    opening is not None
                    and opening.group(1).lower() not in COMMON_CAPITALISED
                    and not opening.group(1).endswith("ing")
                    and not self.registry.in_span(p, s_start + opening.start(1), s_start + opening.end(1))
                )
                pronoun_speaker = (
                    None if unknown_opening else self._pronoun(p, start + own.start(1), own.group(1).lower())
                )
                if pronoun_speaker is not None:
                    name = self.registry.actors[pronoun_speaker.key].name
                    pronoun_speaker.reasons.append(f"pronoun {own.group(1).lower()!r} of a clause taken for {name}")
                    return pronoun_speaker
            if own.group(1).lower() == "it" and re.search(r"\b(?:which|what)\s+$", para[start : start + own.start(1)]):
                # "Safadi recalled the envoy in an expression of the Jordanian government's position against what
                # it calls “…”": a person is no "it"; the organisation or state named last before it in its sentence.
                s_start, _ = sentence_at(self.bounds[p], start + own.start(1))
                in_sentence = [m for m in self.registry.in_span(p, s_start, start + own.start(1)) if not m.quoted]
                named_before = [m for m in in_sentence if m.kind in ("organization", "state")]
                if named_before and in_sentence[0].kind == "person":
                    owner = self.registry.actors[named_before[-1].key]
                    reason = f"pronoun 'it' taken for {owner.name}, named before it in its sentence"
                    return Speaker(named_before[-1].key, [reason], None)
        if breaks and breaks[-1].group() == "that":
            # "Zhao said that Psaki said …": a person after "that" speaks; "… told the media that the US
            # demands are “…”" is still the teller's.
            if not any(m.kind == "person" for m in self.registry.in_span(p, breaks[-1].end(), end)):
                breaks = breaks[:-1]
        outside: str | None = None
        if breaks and self.registry.in_span(p, breaks[-1].end(), end):
            start = breaks[-1].end()
        elif breaks and breaks[-1].group() in (",", ";", "—", "–"):
            own_clause = para[breaks[-1].end() : end]
            bare = re.fullmatch(rf"\s*([{UPPER}][{LOWER}]+)\s*", own_clause)
            known = self.registry.by_surname(bare.group(1)) if bare else None
            if known is not None:
                # "Addressing a Gulf summit on Wednesday, May said": a surname of one named before, though it
                # is also a common word.
                return Speaker(known, [], self.registry.actors[known].role)
            if re.search(r"[A-Za-z]", own_clause):
                outside = own_clause.strip()
                own_words = [w.lower() for w in _WORD.findall(outside)]
                if 1 <= len(own_words) <= 3 and (own_words[-1] in PRONOUNS or own_words[-1] in _NOUN_SPEAKERS):
                    # "… persona non grata because, it said in a statement, he “…”", "…, the minister said “…”":
                    # the verb's own clause names its subject by a pronoun or a noun; that one speaks.
                    clause_at = breaks[-1].end() + (len(own_clause) - len(own_clause.lstrip()))
                    named = self._own_clause_subject(p, clause_at, end, own_words[-1])
                    if named is not None:
                        return named
        role_of = _ROLE_OF.search(para, start, end)
        if role_of:
            # "the representative of the Russian foreign ministry noted": its person named before, if one was.
            stop = min(end, role_of.end() + 60)
            orgs = [m.key for m in self.registry.in_span(p, role_of.end(), stop) if m.kind == "organization"]
            noun = re.match(r"(?:[\w’'-]+\s+){0,3}?(ministry|department|office|embassy)\b", para[role_of.end() : stop])
            if not orgs and noun:
                named = self._noun(p, role_of.start(), noun.group(1), *_NOUN_SPEAKERS[noun.group(1)])
                orgs = [named.key] if named else []
            person = self._person_of(p, role_of.start(), orgs[0]) if orgs else None
            if person is not None:
                return person
        mentions = self.registry.in_span(p, start, end)
        by = _STATEMENT_BY.search(para, start, end)
        if by and re.fullmatch(r"\s*(?:(?:an?|the)\s+)?(?:[\w-]+\s+)?", para[start : by.start()]):
            # "A statement from Japan’s Foreign Ministry said that …": the statement's author is the subject.
            authors = [
                m
                for m in mentions
                if by.end() <= m.start <= by.end() + 40
                and m.kind in ("organization", "state", "person", "group")
                and not m.quoted
            ]
            if authors:
                # "Japan’s Foreign Ministry": the ministry, not the state that qualifies it.
                first = next((m for m in authors if m.kind != "state"), authors[0])
                return self.resolve(p, first.start, first.end)
        # Mentions after "according to"/"told"/"quoted" are not the subject.
        clean = [
            m
            for m in mentions
            if not m.quoted
            and not re.search(
                r"\b(?:to|told|by|with|of|for|against|on|at|from)\s+(?:the\s+)?(?:\w+['’]s\s+)?$",
                para[max(start, m.start - 30) : m.start],
            )
        ]
        titled = _TITLE_SUBJECT.search(para, start, end) or _STATE_TITLE_SUBJECT.search(para, start, end)
        if titled and not any(m.start < titled.start() and m.kind == "person" for m in clean):
            # "the Prime Minister of Hungary compared Ukraine … and called it “…”": the one named before with
            # that title, not a state the clause names after its verb.
            person = self._titled_person(p, titled.start(), titled.group("title"))
            if person is not None:
                return person
        for kinds in (("person",), ("group", "organization"), ("state", "media")):
            chosen = [m for m in clean if m.kind in kinds]
            if chosen:
                # The first one is the sentence's subject; an appositive name later in it is the same actor.
                speaker = self.resolve(p, chosen[0].start, chosen[0].end)
                if (
                    speaker is not None
                    and chosen[0].kind == "state"
                    and _crowded(para[start : chosen[0].start], para[chosen[0].end : end])
                ):
                    # "… is a practice of “long-arm jurisdiction,” severely violating China's interests": a state
                    # the clause names is not sure to be the one speaking.
                    name = self.registry.actors[speaker.key].name
                    speaker.reasons.append(f"{name} taken for the speaker among other words of its clause")
                if speaker is not None and outside is not None:
                    name = self.registry.actors[speaker.key].name
                    speaker.reasons.append(f"{name} named before the verb's own clause ({outside!r})")
                if speaker is not None and kinds != ("person",):
                    if re.search(r"\b(?:spokes\w+|official|representative)\b", para[chosen[0].end : end]):
                        speaker.reasons.append("an unnamed spokesperson: their organisation is given as the speaker")
                if speaker is not None:
                    others = [m for m in mentions if m.kind in kinds and m.key != chosen[0].key and not m.quoted]
                    rivals = self._rivals(speaker.key, others)
                    if rivals:
                        name = self.registry.actors[speaker.key].name
                        speaker.reasons.append(
                            f"{name} taken for the speaker among others named before the verb ({', '.join(rivals)})"
                        )
                return speaker
        text = para[start:end]
        words = [w.lower() for w in _WORD.findall(text)]
        if words and words[0] in PRONOUNS:
            return self._pronoun(p, start, words[0])
        for pronoun in ("he", "she"):
            found = re.search(rf"(?:^|,\s*|\band\s+){pronoun}\b", text, re.IGNORECASE)
            if found:
                return self._pronoun(p, start + found.start(), pronoun)
        if any(word in _NOUN_SPEAKERS for word in words):
            return self._noun_phrase(p, start, words)
        # The sentence opens with a name the rules did not know ("Landsbergis called it …").
        opening = re.match(rf"\s*([{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?)\b", text)
        if opening and opening.group(1).lower() not in COMMON_CAPITALISED:
            return self.resolve(p, start + opening.start(1), start + opening.end(1))
        return None

    def _rivals(self, key: str, others: list[Mention]) -> list[str]:
        """Other actors of the speaker's kind the clause names, apart from its own organisation or state."""
        actor = self.registry.actors[key]
        names: list[str] = []
        for mention in others:
            other = self.registry.actors[mention.key]
            related = (
                mention.key == actor.affiliation
                or other.affiliation == key
                or (other.kind == "state" and other.country == actor.country)
            )
            if not related and other.name not in names:
                names.append(other.name)
        return names

    def _person_of(self, p: int, pos: int, org_key: str) -> Speaker | None:
        """The last person named before `pos` who speaks for the organisation (by affiliation or role)."""
        org = self.registry.actors[org_key]
        for mention in self.registry.before(p, pos):
            actor = self.registry.actors[mention.key]
            if mention.kind != "person" or mention.quoted:
                continue
            role = (actor.role or "").lower()
            if actor.affiliation == org_key or (role and org.name.lower().split()[-2:] == role.split()[-3:-1]):
                reasons = []
                if self.last_speaker is None or self.last_speaker[1] != mention.key:
                    reasons.append(f"'the representative of {org.name}' taken for {actor.name}, the last one named")
                return Speaker(mention.key, reasons, actor.role)
        return None

    def _sentence_subject(self, p: int, pos: int, kind: str | None) -> Speaker | None:
        """The subject opening the sentence around `pos` with a speaking verb, when it is of `kind`."""
        para = self.paragraphs[p]
        s_start, _ = sentence_at(self.bounds[p], pos)
        opening = re.match(
            r"\s*(?P<who>[^,;“”\"]{2,60}?)\s+(?:said|says|stated|added|noted|told|announced|confirmed|warned|insisted|"
            r"stressed|explained|claimed|denied|posted|tweeted|wrote)\b",
            para[s_start:pos],
        )
        if not opening:
            return None
        speaker = self.resolve(p, s_start + opening.start("who"), s_start + opening.end("who"))
        if speaker is None:
            return None
        actor_kind = self.registry.actors[speaker.key].kind
        if kind is not None and (kind == "person") != (actor_kind == "person"):
            return None
        return speaker

    def _via(self, p: int, start: int, end: int, quote: QuoteSpan | None) -> str | None:
        """A news agency named in the sentence but outside the quote: the words came through it."""
        for mention in self.registry.in_span(p, start, end):
            if mention.kind != "media":
                continue
            if quote is not None and any(
                part.para == p and part.open <= mention.start < (part.close or part.end) for part in quote.parts
            ):
                continue
            return self.registry.actors[mention.key].name
        return None


# --------------------------------------------------------------------------- dates


def resolve_day(sentence: str, article_day: date | None) -> tuple[str | None, str | None]:
    """(ISO date, None) from "on Wednesday", "yesterday", "on December 1" against the article's date.

    When the sentence names no day: (the article's date, a note saying so).
    """
    if article_day is None:
        return None, None
    low = sentence.lower()
    found = re.search(r"\b(?:on|last|this)\s+(" + "|".join(WEEKDAYS) + r")\b", low)
    if found:
        wanted = WEEKDAYS.index(found.group(1))
        back = (article_day.weekday() - wanted) % 7
        if found.group(0).startswith("last") and back == 0:
            back = 7
        return (article_day - timedelta(days=back)).isoformat(), None
    if re.search(r"\byesterday\b", low):
        return (article_day - timedelta(days=1)).isoformat(), None
    month_words = "|".join(sorted(MONTHS, key=len, reverse=True))
    found = re.search(rf"\bon\s+({month_words})\.?\s+(\d{{1,2}})\b|\bon\s+(\d{{1,2}})\s+({month_words})\b", low)
    if found:
        month = MONTHS[found.group(1) or found.group(4)]
        day = int(found.group(2) or found.group(3))
        year = article_day.year
        try:
            when = date(year, month, day)
            if when > article_day:
                when = date(year - 1, month, day)
            return when.isoformat(), None
        except ValueError:
            pass
    return article_day.isoformat(), "the article's date (the sentence gives no day)"


# --------------------------------------------------------------------------- paraphrases

_VERB_ALTERNATION = "|".join(sorted(PARAPHRASE_VERBS, key=len, reverse=True))
_P_ACCORDING_FIRST = re.compile(r"^According to (?P<spk>[^,]{2,90}), (?P<clause>.{15,})$", re.DOTALL)
_P_ACCORDING_INSIDE = re.compile(r"^(?P<a>.{3,}?), according to (?P<spk>[^,]{2,90}), (?P<b>.{3,})$", re.DOTALL)
_P_ACCORDING_LAST = re.compile(r"^(?P<clause>.{15,}?),? according to (?P<spk>[^,]{2,90}?)[.!]?$", re.DOTALL)
_P_THAT = re.compile(
    rf"^(?P<pre>[^“”\"]{{2,200}}?)\b(?P<verb>{_VERB_ALTERNATION})(?P<obj>\s+[^,.;“”\"]{{0,60}}?)??\s+that\s+(?P<clause>.{{10,}})$",
    re.DOTALL,
)
_P_SAID_LAST = re.compile(
    r"^(?P<clause>[^“”\"]{15,}?), (?P<pre>[^,“”\"]{2,80}?) (?:said|says|added|stated|told reporters|announced)"
    r"(?: on \w+| in a statement)?[.!]?$",
    re.DOTALL,
)
_P_SAID = re.compile(
    r"^(?P<pre>[^“”\",]{2,120}?) (?P<verb>said|says|announced|warned|claimed)(?: on \w+| in a statement| late on \w+)?"
    r" (?P<clause>(?:the|it|he|she|they|a|an|its|his|her|their|there|this|[A-Z][a-z]+)\b[^“”\"]{15,})$",
    re.DOTALL,
)


def quote_text(text: str) -> str:
    """A quote as a statement's text: a trailing comma (American punctuation before `he said`) becomes a period."""
    text = text.strip()
    if text.endswith((",", ";", ":")):
        text = text[:-1].rstrip() + ("." if len(text.split()) >= SHORT_QUOTE_WORDS else "")
    return text


_DATELINE = re.compile(r"^[A-Z][A-Z .,’'-]{2,40}(?:\([^()]{1,80}\))?\s*[-–—:]?\s+(?=[A-Z])")
"""A dateline that opens a paragraph ("MOSCOW (Sputnik) -", "BERLIN:"): where the story was filed, not what was said."""


def _clause_text(text: str) -> str:
    text = _DATELINE.sub("", text.strip()).rstrip(",;")
    text = re.sub(r"\s+on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?=[.”’\"]*$)", "", text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in '.!?”’"':
        text += "."
    return text


# --------------------------------------------------------------------------- the whole article


def extract(article: Article) -> Extraction:
    """Actors, quotes and paraphrases of one article."""
    paragraphs = article.paragraphs
    quotes = find_quotes(paragraphs)
    protected: dict[int, list[tuple[int, int]]] = {}
    for quote in quotes:
        for part in quote.parts:
            protected.setdefault(part.para, []).append((part.open, part.end))
    bounds = [sentence_bounds(para, protected.get(p, [])) for p, para in enumerate(paragraphs)]
    registry = Registry()
    _name_actors(article, registry, bounds)
    for mention in registry.mentions:
        mention.quoted = any(a < mention.start < b for a, b in protected.get(mention.para, ()))
    attributor = Attributor(article, registry, bounds)
    day = article.day
    items: list[Item] = []
    unattributed: list[Item] = []
    previous: Item | None = None
    for quote in quotes:
        text = quote_text(_INSIDE.sub(". ", quote.text(paragraphs)))
        first, last = quote.first, quote.last
        s_start, _ = sentence_at(bounds[first.para], first.open)
        _, s_end = sentence_at(bounds[last.para], max(last.open, last.end - 1))
        if first.para == last.para:
            sentence = paragraphs[first.para][s_start:s_end]
        else:
            sentence = paragraphs[first.para][s_start:] + " … " + paragraphs[last.para][:s_end]
        lead = paragraphs[first.para][max(0, first.open - 12) : first.open]
        if _NAME_IN_MARKS.fullmatch(text) and re.search(r"\b(?:told|newspaper|daily|magazine|portal)\s*$", lead):
            continue  # `sources told “Sloboden Pecat”`: a newspaper's name in quotation marks, not words said
        speaker, via, adjacent = attributor.quote_speaker(quote, previous)
        words = len(text.split())
        reasons: list[str] = []
        if words < SHORT_QUOTE_WORDS:
            if not adjacent:
                continue  # a term in quotation marks ("so-called “foreign agents”"), not speech
        if not quote.closed:
            reasons.append("no closing quotation mark: the quote may end elsewhere")
        if not quote.opened:
            where = "paragraph" if quote.first.open == 0 else "sentence"
            reasons.append(f"no opening quotation mark: the quote is taken to start with its {where}")
        if speaker is not None:
            actor = registry.actors[speaker.key]
            surname = fold_name(actor.name).split()[-1:] if actor.kind == "person" else []
            if surname and surname[0] in fold_name(text).split():
                # "“We consider that Ned Price’s approval … is contrary to …,” the text stated": one who speaks
                # of themselves by name is rare; the quote more likely answers them.
                reasons.append(f"{actor.name} is named in the quote itself")
        said, said_note = resolve_day(sentence, day)
        item = Item(
            "quote",
            text,
            None,
            sentence,
            first.para,
            first.open,
            said=said,
            via=via,
            reasons=reasons,
            said_note=said_note,
        )
        if speaker is None:
            item.reasons.append("no speaker found: no speaking verb or name by the quote")
            unattributed.append(item)
            continue
        actor = registry.actors[speaker.key]
        if via and actor.kind == "media" and actor.name == via:
            via = item.via = None
        item.speaker = speaker.key
        item.speaker_role = speaker.role or actor.role
        item.reasons.extend(speaker.reasons)
        actor.speaks = True
        items.append(item)
        previous = item
        unnamed = any("unnamed spokesperson" in reason for reason in speaker.reasons)
        attributor.last_speaker = (last.para, speaker.key, unnamed)
        attributor.last_speaker_low = bool(speaker.reasons)
    items.extend(_paraphrases(article, registry, attributor, bounds, protected, day, list(items)))
    items.sort(key=lambda i: (i.para, i.pos))
    return Extraction(article, registry, items, unattributed)


def _paraphrases(
    article: Article,
    registry: Registry,
    attributor: Attributor,
    bounds: list[list[tuple[int, int]]],
    protected: dict[int, list[tuple[int, int]]],
    day: date | None,
    quote_items: list[Item],
) -> list[Item]:
    found: list[Item] = []
    spoken = [q for q in quote_items if q.speaker]
    next_quote = 0
    for p, para in enumerate(article.paragraphs):
        for start, end in bounds[p]:
            # A pronoun here stands for whoever spoke last before this sentence.
            while next_quote < len(spoken) and (spoken[next_quote].para, spoken[next_quote].pos) < (p, start):
                next_quote += 1
            last = spoken[next_quote - 1] if next_quote else None
            attributor.last_speaker = (last.para, last.speaker, False) if last and last.speaker else None
            attributor.last_speaker_low = bool(last and last.reasons)
            sentence = para[start:end]
            quoted = sum(min(b, end) - max(a, start) for a, b in protected.get(p, []) if a < end and b > start)
            if quoted > (end - start) / 2:
                continue
            item = _paraphrase(p, start, sentence, registry, attributor)
            if item is None:
                continue
            item.said, item.said_note = resolve_day(sentence, day)
            found.append(item)
    return found


def _paraphrase(p: int, start: int, sentence: str, registry: Registry, attributor: Attributor) -> Item | None:
    def speaker_at(a: int, b: int) -> Speaker | None:
        return attributor._subject(p, start + a, start + b)

    def via_in(a: int, b: int) -> str | None:
        return attributor._via(p, start + a, start + b, None)

    text: str | None = None
    speaker: Speaker | None = None
    via: str | None = None
    match = _P_ACCORDING_FIRST.match(sentence)
    if match:
        speaker = attributor.resolve(p, start + match.start("spk"), start + match.end("spk"))
        text = match.group("clause")
    if speaker is None:
        match = _P_ACCORDING_INSIDE.match(sentence)
        if match:
            speaker = attributor.resolve(p, start + match.start("spk"), start + match.end("spk"))
            text = f"{match.group('a')} {match.group('b')}"
    if speaker is None:
        match = _P_ACCORDING_LAST.match(sentence)
        if match:
            speaker = attributor.resolve(p, start + match.start("spk"), start + match.end("spk"))
            text = match.group("clause")
    if speaker is None:
        match = _P_THAT.match(sentence)
        if match:
            speaker = speaker_at(0, match.start("verb"))
            text = match.group("clause")
            if match.group("obj"):
                via = via_in(match.start("obj"), match.end("obj"))
    if speaker is None:
        match = _P_SAID_LAST.match(sentence)
        if match:
            speaker = attributor.resolve(p, start + match.start("pre"), start + match.end("pre"))
            text = match.group("clause")
    if speaker is None:
        match = _P_SAID.match(sentence)
        if match:
            speaker = speaker_at(0, match.start("verb"))
            text = match.group("clause")
    if speaker is None or not text:
        return None
    actor = registry.actors[speaker.key]
    if via == actor.name:
        via = None
    if actor.kind == "media":
        via = actor.name
    actor.speaks = True
    return Item(
        "paraphrase",
        _clause_text(text),
        speaker.key,
        sentence,
        p,
        start,
        speaker_role=speaker.role or actor.role,
        via=via,
        reasons=list(speaker.reasons),
    )


__all__ = ["Extraction", "Item", "extract", "resolve_day", "MEDIA"]

"""Synthetic dossiers for benchmarks and demos: realistic in shape, deterministic for a seed.

`generate` writes a new dossier file through the importer's bulk path
(`importer.build_database`): rows are plain tuples streamed into one
`executemany` per table, in one transaction, with the full-text indexes built
once at the end. No model is built per row; the schema's constraints and one
foreign-key check at the end hold the rows to the same rules as an import.

What the data looks like, so that benchmarks meet what real dossiers hold:

* **Skew.** Speakers are drawn from a Zipf-Mandelbrot law (weight of rank r
  is 1 / (r + 25) ** 1.6): the heaviest actor, always the first person (a
  ministry spokesperson), says at least 3 % of everything (~35k of 1M
  statements with 5,000 actors), while most actors say a few dozen or less.
  The states that impose measures are skewed the same way.
* **Scripts.** Every person from a Russian-, Greek-, Chinese- or
  Arabic-speaking country has an alias in that script; some others have a
  Cyrillic transliteration, as Russian media write them. Russian speakers
  say a share of their statements in Russian.
* **Links.** Measures answer earlier measures between the same two parties
  (response chains, asserted by the responder's ministry), and the first
  three measures answer each other in a cycle, so cycle guards are
  exercised. Measures have consequences with due dates; statements are about
  measures with a stance; events gather a few actors.
* **Dates** span ten years; about 2 % are partial (`YYYY-MM` or `YYYY`) and
  0.5 % of statements are undated.
* **Words** for search benchmarks: `COMMON_WORD` appears in about a quarter
  of the statements, `MID_WORD` in about 0.5 %, each of `RARE_WORDS` in about
  one in 200,000.

Same seed and sizes, same rows, byte for byte (`random.Random(seed)`, no
clock, no hash order).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .importer import ImportReport, Rows, build_database
from .models import consequence_slug

COMMON_WORD = "diplomats"
"""A word in about a quarter of the statements."""
MID_WORD = "yekaterinburg"
"""A word in about 0.5 % of the statements."""
RARE_WORDS = tuple(
    f"{name}{number}"
    for name in ("kestrel", "marmot", "quokka", "tamarind", "zephyrine", "halyard", "obsidian", "pelorus")
    for number in range(1, 26)
)
"""Code names, each in about one statement in 200,000."""

MAX_ROWS = 100_000_000
"""The most statements, actors or measures one `generate` writes."""

_ZIPF_OFFSET = 25
_ZIPF_EXPONENT = 1.6
_FIRST_DAY = date(2014, 1, 1)
_DAYS = 3652  # ten years

# (ISO code, name, name in its own script or None, culture)
_COUNTRIES: tuple[tuple[str, str, str | None, str], ...] = (
    ("RU", "Russia", "Россия", "ru"),
    ("US", "United States", None, "en"),
    ("GB", "United Kingdom", None, "en"),
    ("DE", "Germany", None, "de"),
    ("FR", "France", None, "fr"),
    ("CN", "China", "中国", "zh"),
    ("UA", "Ukraine", "Україна", "ru"),
    ("PL", "Poland", None, "pl"),
    ("GR", "Greece", "Ελλάδα", "el"),
    ("EG", "Egypt", "مصر", "ar"),
    ("CZ", "Czech Republic", None, "pl"),
    ("LT", "Lithuania", None, "pl"),
    ("EE", "Estonia", None, "pl"),
    ("LV", "Latvia", None, "pl"),
    ("BG", "Bulgaria", "България", "ru"),
    ("RS", "Serbia", "Србија", "ru"),
    ("JP", "Japan", None, "en"),
    ("CA", "Canada", None, "en"),
    ("AU", "Australia", None, "en"),
    ("IT", "Italy", None, "fr"),
    ("ES", "Spain", None, "fr"),
    ("NL", "Netherlands", None, "de"),
    ("SE", "Sweden", None, "de"),
    ("NO", "Norway", None, "de"),
    ("FI", "Finland", None, "de"),
    ("SA", "Saudi Arabia", "السعودية", "ar"),
    ("AE", "United Arab Emirates", "الإمارات", "ar"),
    ("TR", "Turkey", None, "en"),
    ("IN", "India", None, "en"),
    ("BR", "Brazil", None, "fr"),
)

# Names per culture: (Latin spelling, own script or None).
_FIRST: dict[str, tuple[tuple[str, str | None], ...]] = {
    "ru": (
        ("Maria", "Мария"),
        ("Sergei", "Сергей"),
        ("Dmitry", "Дмитрий"),
        ("Anna", "Анна"),
        ("Alexei", "Алексей"),
        ("Olga", "Ольга"),
        ("Ivan", "Иван"),
        ("Yelena", "Елена"),
        ("Nikolai", "Николай"),
        ("Tatiana", "Татьяна"),
        ("Mikhail", "Михаил"),
        ("Irina", "Ирина"),
    ),
    "zh": (("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Zhao", "赵")),
    "el": (("Nikos", "Νίκος"), ("Eleni", "Ελένη"), ("Giorgos", "Γιώργος"), ("Katerina", "Κατερίνα")),
    "ar": (("Ahmed", "أحمد"), ("Fatima", "فاطمة"), ("Omar", "عمر"), ("Layla", "ليلى"), ("Khalid", "خالد")),
    "en": tuple(
        (n, None)
        for n in ("John", "Mary", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "James", "Ned", "Ann")
    ),
    "de": tuple((n, None) for n in ("Hans", "Ursula", "Klaus", "Annalena", "Jens", "Ingrid", "Olaf", "Sigrid")),
    "fr": tuple((n, None) for n in ("Jean", "Marie", "Pierre", "Sophie", "Luc", "Claire", "Paolo", "Lucia")),
    "pl": tuple((n, None) for n in ("Jan", "Agnieszka", "Tomas", "Kaja", "Piotr", "Ewa", "Marek", "Vaira")),
}
_LAST: dict[str, tuple[tuple[str, str | None], ...]] = {
    "ru": (
        ("Ivanova", "Иванова"),
        ("Petrov", "Петров"),
        ("Sokolov", "Соколов"),
        ("Volkova", "Волкова"),
        ("Morozov", "Морозов"),
        ("Lebedeva", "Лебедева"),
        ("Kozlov", "Козлов"),
        ("Novikova", "Новикова"),
        ("Orlov", "Орлов"),
        ("Zaitseva", "Зайцева"),
        ("Belov", "Белов"),
        ("Gromova", "Громова"),
        ("Ryabkov", "Рябков"),
        ("Antonov", "Антонов"),
    ),
    "zh": (("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"), ("Yang", "洋"), ("Jun", "军")),
    "el": (("Papadopoulos", "Παπαδόπουλος"), ("Georgiou", "Γεωργίου"), ("Dimitriou", "Δημητρίου")),
    "ar": (("Hassan", "حسن"), ("Mansour", "منصور"), ("Haddad", "حداد"), ("Nasser", "ناصر")),
    "en": tuple(
        (n, None) for n in ("Smith", "Price", "Johnson", "Miller", "Taylor", "Sullivan", "Brooks", "Carter", "Hayes")
    ),
    "de": tuple((n, None) for n in ("Schmidt", "Weber", "Fischer", "Becker", "Wagner", "Hoffmann", "Lindqvist")),
    "fr": tuple((n, None) for n in ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Rossi", "Garcia")),
    "pl": tuple((n, None) for n in ("Nowak", "Kowalski", "Novak", "Kazlauskas", "Tamm", "Berzins", "Wisniewski")),
}
_NATIVE_LANG = {"ru": "ru", "zh": "zh", "el": "el", "ar": "ar"}
_CYRILLIC_LOWER = dict(
    zip("abcdefghijklmnopqrstuvwxyz", "а б к д е ф г х и й к л м н о п к р с т у в в кс и з".split(), strict=True)
)
_CYRILLIC = _CYRILLIC_LOWER | {k.upper(): v.capitalize() for k, v in _CYRILLIC_LOWER.items()}
"""A rough Latin-to-Cyrillic transliteration, as Russian media spell foreign names."""
_ROLES = (
    "Foreign Ministry spokesperson",
    "Foreign Minister",
    "Deputy Foreign Minister",
    "Ambassador",
    "Press secretary",
    "Defence Minister",
    "Member of parliament",
    "Senator",
    "Head of the consular department",
    "Prime Minister",
    "President",
    "Analyst",
)
_ORG_KINDS = (
    "Foreign Ministry",
    "Embassy in Washington",
    "Embassy in Moscow",
    "Defence Ministry",
    "Parliament",
    "Security Council",
    "Consular Service",
    "Interior Ministry",
)
_MEDIA = ("RIA", "TASS", "Interfax", "Reuters", "AP", "AFP", "BBC", "Kommersant", "Xinhua", "Le Monde", "Politico")
_GROUPS = ("Human rights group", "Veterans' union", "Business council", "Diaspora association", "Think tank")
_PLACES = (
    "Moscow",
    "Washington",
    "Geneva",
    "Vienna",
    "Stockholm",
    "Brussels",
    "Helsinki",
    "Ankara",
    "Beijing",
    "New York",
    "Minsk",
    "Istanbul",
)

_MEASURE_KINDS = ("expulsion", "visa", "travel-ban", "sanction", "closure", "demand", "other")
_MEASURE_KIND_WEIGHTS = (30, 15, 12, 25, 6, 8, 4)
_MEASURE_TITLES = {
    "expulsion": "{by} expels {n} diplomats of {on}",
    "visa": "{by} stops issuing visas to staff of {on}",
    "travel-ban": "{by} bars officials of {on} from entry",
    "sanction": "{by} sanctions banks and officials of {on}",
    "closure": "{by} orders a consulate of {on} closed",
    "demand": "{by} demands that {on} reduce its mission",
    "other": "{by} restricts the movement of diplomats of {on}",
}
_STATUSES = ("announced", "in-force", "in-force", "in-force", "halted", "lifted", "threatened")
_CONSEQUENCES = (
    "Diplomats and their families must leave by the due date",
    "The consulate stops issuing visas",
    "Embassy staff is cut to the agreed ceiling",
    "Accounts of the named officials are frozen",
    "Flights for the expelled diplomats are arranged",
    "Reciprocal measures are expected if the order stands",
    "The mission's property is handed back to the host country",
    "Visa processing moves to a third country",
)
_CERTAINTIES = ("stated", "stated", "reported", "conditional")
_STANCES = ("announces", "justifies", "condemns", "threatens", "demands", "comments")

_SUBJECTS = (
    "The foreign ministry",
    "The ministry",
    "Our government",
    "Washington",
    "Moscow",
    "The embassy",
    "The alliance",
    "The other side",
    "The department",
    "This administration",
    "Our country",
    "The delegation",
    "The spokesperson",
    "The press office",
    "The government",
    "The mission",
)
_VERBS = (
    "will respond to",
    "condemns",
    "regrets",
    "rejects",
    "welcomes",
    "cannot accept",
    "is studying",
    "has noted",
    "will not tolerate",
    "demands an explanation of",
    "takes seriously",
    "does not comment on",
    "is ready to discuss",
    "protests against",
    "calls for a review of",
    "warned about",
)
_OBJECTS = (
    "the expulsion of our diplomats",
    "the new sanctions",
    "the visa restrictions",
    "the closure of the consulate",
    "these unfriendly steps",
    "the travel ban on our officials",
    "the order for diplomats to leave",
    "the ceiling on embassy staff",
    "the seizure of diplomatic property",
    "the decision to deny visas",
    "the treatment of our diplomats",
    "the latest round of measures",
    "the demand to cut the mission",
    "the harassment of embassy staff",
    "the refusal to extend the visas",
    "the reciprocal expulsions",
)
_TAILS = (
    "",
    "",
    "",
    "",
    "",
    " today",
    " for now",
    " accordingly",
    " in due course",
    " without delay",
    " and will take reciprocal measures",
    ", as we have said many times",
    " in the strongest terms",
    " at the next round of talks",
    " once the facts are clear",
    " as a matter of urgency",
)
_SECOND = (
    "",
    "",
    "",
    "",
    " This is a clear violation of the Vienna Convention.",
    " Dialogue remains possible.",
    " The diplomats have done nothing wrong.",
    " Nobody should be surprised by this.",
    " We will not be drawn into a spiral of escalation.",
    " The decision was taken at the highest level.",
    " It is a matter of principle.",
    " The families of the diplomats are also affected.",
    " Our door remains open.",
    " The timing is not accidental.",
    " There will be no exceptions.",
    " More details will follow.",
)
_SUBJECTS_RU = (
    "Правительство",
    "Министерство",
    "Москва",
    "Наша сторона",
    "Посольство",
    "Российская сторона",
    "МИД",
    "Делегация",
)
_VERBS_RU = (
    "ответит на",
    "осуждает",
    "отвергает",
    "не примет",
    "изучает",
    "протестует против",
    "сожалеет о",
    "предупреждает о",
)
_OBJECTS_RU = (
    "высылку наших дипломатов",
    "новые санкции",
    "визовые ограничения",
    "закрытие консульства",
    "эти недружественные шаги",
    "запрет на въезд",
    "требование сократить миссию",
    "арест дипломатической собственности",
)
_TAILS_RU = ("", "", "", " зеркально", " в надлежащее время", " без промедления", ", как мы уже говорили", " жёстко")
_MID_SENTENCES = (
    "The consulate in Yekaterinburg will close.",
    "Staff of the Yekaterinburg consulate are being recalled.",
    "Visa services in Yekaterinburg are suspended.",
)
_VIAS = (*_MEDIA, "RIA", "TASS", "Reuters", None, None)
"""Where a statement was reported: 16 choices, 1 in 8 none."""
_RARE_SENTENCE = "The file is known as {word}."


@dataclass(frozen=True)
class Heaviest:
    """The actor who says the most, which benchmarks walk."""

    slug: str
    name: str
    statements: int


@dataclass(frozen=True)
class Generated:
    """What `generate` wrote."""

    path: Path
    report: ImportReport
    heaviest: Heaviest | None
    seconds: float

    def summary(self) -> str:
        counts = self.report.inserted
        parts = [f"{counts.get(t, 0):,} {t}" for t in ("statements", "actors", "measures", "consequences", "events")]
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


def default_actors(statements: int) -> int:
    """Actors when none are asked for: one per 200 statements, at least 20."""
    return max(20, statements // 200)


def default_measures(statements: int) -> int:
    """Measures when none are asked for: one per 100 statements, at least 10."""
    return max(10, statements // 100)


def _check_size(name: str, value: int, least: int) -> None:
    from .errors import StoreError

    if not least <= value <= MAX_ROWS:
        raise StoreError(f"--{name} must be between {least:,} and {MAX_ROWS:,}, not {value:,}")


def generate(
    path: Path,
    *,
    statements: int,
    actors: int | None = None,
    measures: int | None = None,
    seed: int = 0,
    force: bool = False,
) -> Generated:
    """Write a synthetic dossier to a new file at `path` (refused if it exists, unless `force`)."""
    started = time.perf_counter()
    actors = default_actors(statements) if actors is None else actors
    measures = default_measures(statements) if measures is None else measures
    _check_size("statements", statements, 0)
    _check_size("actors", actors, 1)
    _check_size("measures", measures, 0)
    plan = _Plan(random.Random(seed), statements=statements, actors=actors, measures=measures, seed=seed)
    report = build_database(Path(path), plan.tables(), force=force)
    return Generated(Path(path), report, plan.heaviest(), time.perf_counter() - started)


def _day(offset: int) -> str:
    return (_FIRST_DAY + timedelta(days=offset)).isoformat()


class _Plan:
    """The rows of one synthetic dossier, made table by table as the importer asks for them."""

    def __init__(self, rng: random.Random, *, statements: int, actors: int, measures: int, seed: int) -> None:
        self.rng = rng
        self.n_statements, self.n_actors, self.n_measures, self.seed = statements, actors, measures, seed
        self.n_sources = max(3, statements // 1000)
        self.n_events = max(3, statements // 2000)
        self.days = [_day(d) for d in range(_DAYS)]
        # filled by the actor rows, read by the rest
        self.names: list[str] = [""]  # by id; 0 unused
        self.slugs: list[str] = [""]
        self.roles: list[str | None] = [None]
        self.cultures: list[str] = [""]
        self.states: list[int] = []
        self.ministry_of: dict[int, int] = {}  # state id -> its foreign ministry's id
        self.state_of: list[int] = [0]
        self.persons: list[int] = []
        self.speaker_counts: dict[int, int] = {}
        self.measure_dates: list[int] = [0]  # day offset by measure id

    def tables(self) -> Iterator[tuple[str, Rows]]:
        yield "dossier_meta", self._meta()
        yield "sources", self._sources()
        yield "actors", self._actors()
        yield "aliases", self._aliases
        yield "measures", self._measures()
        yield "measure_links", self._links
        yield "consequences", self._consequences
        yield "statements", self._statements()
        yield "statement_measures", self._abouts
        yield "events", self._events()
        yield "event_actors", self._participants

    def heaviest(self) -> Heaviest | None:
        if not self.speaker_counts:
            return None
        actor_id = max(self.speaker_counts, key=lambda a: (self.speaker_counts[a], -a))
        return Heaviest(self.slugs[actor_id], self.names[actor_id], self.speaker_counts[actor_id])

    # ----------------------------------------------------------------- small tables

    def _meta(self) -> Rows:
        title = f"Synthetic dossier: {self.n_statements:,} statements (seed {self.seed})"
        description = (
            f"Generated by `dossier generate` with {self.n_actors:,} actors, {self.n_measures:,} measures and"
            f" seed {self.seed}. Names, measures and quotes are invented."
        )
        return [("title", title), ("description", description)]

    def _sources(self) -> Rows:
        rand = self.rng.random
        for sid in range(1, self.n_sources + 1):
            outlet = _MEDIA[int(rand() * len(_MEDIA))]
            day = self.days[int(rand() * _DAYS)]
            slug = f"src-{sid:06d}"
            yield (sid, slug, f"{outlet} report {sid}", outlet, f"https://example.org/{slug}", day, None)

    def _actors(self) -> Rows:
        rng, rand = self.rng, self.rng.random
        n = self.n_actors
        n_states = min(len(_COUNTRIES), max(min(n, 3), n // 20))
        n_orgs = min(n - n_states, n_states * len(_ORG_KINDS), max(0, n // 8))
        n_media = min(n - n_states - n_orgs, max(0, n // 50))
        n_groups = min(n - n_states - n_orgs - n_media, max(0, n // 50))
        self._alias_rows: list[tuple[Any, ...]] = []
        aid = 0

        def add(slug: str, name: str, kind: str, role: str | None, state: int, culture: str) -> int:
            nonlocal aid
            aid += 1
            self.names.append(name)
            self.slugs.append(slug)
            self.roles.append(role)
            self.cultures.append(culture)
            self.state_of.append(state)
            return aid

        rows: list[tuple[Any, ...]] = []
        for code, name, native, culture in _COUNTRIES[:n_states]:
            sid = add(code.lower(), name, "state", None, 0, culture)
            self.states.append(sid)
            rows.append((sid, code.lower(), name, "state", None, None, code, f"The state of {name}."))
            if native:
                self._alias_rows.append((sid, native, _NATIVE_LANG[culture]))
        state_weights = _zipf(len(self.states), offset=1, exponent=1.2)
        orgs: list[int] = []
        for i in range(n_orgs):
            state = self.states[i % n_states]
            org_kind = _ORG_KINDS[i // n_states]
            country = self.names[state]
            name = f"{country} {org_kind}"
            slug = f"{self.slugs[state]}-{org_kind.lower().replace(' ', '-')}"
            oid = add(slug, name, "organization", None, state, self.cultures[state])
            orgs.append(oid)
            if org_kind == "Foreign Ministry":
                self.ministry_of[state] = oid
            code = _COUNTRIES[(state - 1)][0]
            rows.append((oid, slug, name, "organization", None, state, code, f"The {org_kind} of {country}."))
        for i in range(n_media):
            name = _MEDIA[i % len(_MEDIA)] + ("" if i < len(_MEDIA) else f" {i // len(_MEDIA) + 1}")
            slug = f"media-{i + 1:04d}"
            mid = add(slug, name, "media", None, 0, "en")
            rows.append((mid, slug, name, "media", None, None, None, "A news outlet."))
        for i in range(n_groups):
            name = f"{_GROUPS[i % len(_GROUPS)]} {i + 1}"
            slug = f"group-{i + 1:04d}"
            gid = add(slug, name, "group", None, 0, "en")
            rows.append((gid, slug, name, "group", None, None, None, None))
        for i in range(n - n_states - n_orgs - n_media - n_groups):
            if i == 0 and self.states:
                state = self.states[0]  # the heaviest speaker: a spokesperson of the busiest state
                role: str | None = _ROLES[0]
            else:
                state = rng.choices(self.states, cum_weights=state_weights)[0] if self.states else 0
                role = _ROLES[int(rand() * len(_ROLES))]
            culture = self.cultures[state] if state else "en"
            first, first_native = _pick(_FIRST[culture], rand)
            last, last_native = _pick(_LAST[culture], rand)
            name = f"{first} {last}"
            pid = aid + 1
            slug = f"{first}-{last}-{pid}".lower()
            add(slug, name, "person", role, state, culture)
            self.persons.append(pid)
            employer = self.ministry_of.get(state) if rand() < 0.7 else None
            iso = _COUNTRIES[state - 1][0] if state else None
            rows.append((pid, slug, name, "person", role, employer, iso, None))
            if first_native and last_native:
                native = f"{last_native}{first_native}" if culture == "zh" else f"{first_native} {last_native}"
                self._alias_rows.append((pid, native, _NATIVE_LANG[culture]))
            elif rand() < 0.25:
                self._alias_rows.append((pid, "".join(_CYRILLIC.get(c, c) for c in name), "ru"))
        yield from rows

    @property
    def _aliases(self) -> Rows:
        return self._alias_rows

    # ----------------------------------------------------------------- measures

    def _party(self, state_weights: list[float], exclude: int = 0) -> int:
        """A state (mostly) or one of its ministries, drawn with the states' skew."""
        rng = self.rng
        for _ in range(8):
            state = rng.choices(self.states, cum_weights=state_weights)[0]
            if state != exclude:
                break
        if rng.random() < 0.3 and state in self.ministry_of:
            return self.ministry_of[state]
        return state

    def _measures(self) -> Rows:
        rng, rand = self.rng, self.rng.random
        self._link_rows: list[tuple[Any, ...]] = []
        self._consequence_rows: list[tuple[Any, ...]] = []
        if not self.n_measures:
            return
        state_weights = _zipf(len(self.states), offset=1, exponent=1.2)
        kind_weights = _cumulative(_MEASURE_KIND_WEIGHTS)
        days = sorted(int(rand() * _DAYS) for _ in range(self.n_measures))
        between: dict[tuple[int, int], list[int]] = {}
        for mid in range(1, self.n_measures + 1):
            day = days[mid - 1]
            self.measure_dates.append(day)
            kind = rng.choices(_MEASURE_KINDS, cum_weights=kind_weights)[0]
            imposer = self._party(state_weights)
            imposer_state = self.state_of[imposer] or imposer
            target = self._party(state_weights, exclude=imposer_state)
            target_state = self.state_of[target] or target
            if kind in ("travel-ban", "sanction") and self.persons and rand() < 0.3:
                target = self.persons[int(rand() * len(self.persons))]
            slug = f"m{mid:06d}-{kind}"
            quantity = f"{int(rand() * 60) + 1} diplomats" if kind in ("expulsion", "demand") else None
            announced = self._maybe_partial(day)
            effective = self.days[min(_DAYS - 1, day + int(rand() * 60))] if rand() < 0.6 else None
            status = _STATUSES[int(rand() * len(_STATUSES))]
            title = _MEASURE_TITLES[kind].format(
                by=self.names[imposer], on=self.names[target_state], n=quantity.split()[0] if quantity else "some"
            )
            description = f"Announced in {_PLACES[int(rand() * len(_PLACES))]}; {_CONSEQUENCES[mid % 8].lower()}."
            source = int(rand() * self.n_sources) + 1 if rand() < 0.8 else None
            yield (mid, slug, title, kind, imposer, target, quantity, announced, effective, status, description, source)
            # in response to: the last measure the other side took against this one, now and then
            earlier = between.get((target_state, imposer_state))
            if mid > 3 and earlier and rand() < 0.6:
                asserter = self.ministry_of.get(imposer_state) if rand() < 0.8 else None
                self._link_rows.append((mid, earlier[-1], asserter))
                if len(earlier) > 1 and rand() < 0.1:
                    self._link_rows.append((mid, earlier[-2], None))
            between.setdefault((imposer_state, target_state), []).append(mid)
            for position in range(1, _consequence_count(rand()) + 1):
                due = self.days[min(_DAYS - 1, day + 30 + int(rand() * 335))] if rand() < 0.85 else None
                self._consequence_rows.append(
                    (
                        None,  # ids are given when the rows are written
                        consequence_slug(slug, position),
                        mid,
                        position,
                        _CONSEQUENCES[int(rand() * len(_CONSEQUENCES))],
                        target if rand() < 0.7 else imposer,
                        due,
                        _CERTAINTIES[int(rand() * len(_CERTAINTIES))],
                    )
                )
        if self.n_measures >= 3:  # a cycle: 1 answers 3, 2 answers 1, 3 answers 2
            self._link_rows += [(1, 3, None), (2, 1, None), (3, 2, None)]

    @property
    def _links(self) -> Rows:
        return self._link_rows

    @property
    def _consequences(self) -> Rows:
        return ((cid, *row[1:]) for cid, row in enumerate(self._consequence_rows, 1))

    def _maybe_partial(self, day: int) -> str:
        text = self.days[day]
        r = self.rng.random()
        if r < 0.015:
            return text[:7]
        if r < 0.02:
            return text[:4]
        return text

    # ----------------------------------------------------------------- statements

    def _statements(self) -> Rows:
        """A million statements must take seconds: two `getrandbits(64)` per row, sliced into choices.

        Every pool below has a power-of-two size so that a few bits pick from it.
        """
        rng = self.rng
        n = self.n_statements
        self._about_rows: list[tuple[Any, ...]] = []
        if not n:
            return
        ranked = list(range(1, self.n_actors + 1))
        rng.shuffle(ranked)
        if self.persons:  # the first person is the heaviest speaker
            ranked.remove(self.persons[0])
            ranked.insert(0, self.persons[0])
        speakers = rng.choices(ranked, cum_weights=_speaker_weights(len(ranked)), k=n)
        counts = self.speaker_counts
        for speaker in speakers:
            counts[speaker] = counts.get(speaker, 0) + 1
        days = [self.days[i * _DAYS // 4096] for i in range(4096)]
        roles, cultures = self.roles, self.cultures
        russian = [c == "ru" for c in cultures]
        n_measures, n_sources = self.n_measures, self.n_sources
        abouts = self._about_rows
        bits, rand = rng.getrandbits, rng.random
        subjects, verbs, objects, tails, second = _SUBJECTS, _VERBS, _OBJECTS, _TAILS, _SECOND
        subjects_ru, verbs_ru, objects_ru, tails_ru = _SUBJECTS_RU, _VERBS_RU, _OBJECTS_RU, _TAILS_RU
        vias, stances = _VIAS, _STANCES
        for sid in range(1, n + 1):
            speaker = speakers[sid - 1]
            r = bits(64)
            if russian[speaker] and r & 1023 < 307:  # 30 %
                lang = "ru"
                text = (
                    f"{subjects_ru[r >> 10 & 7]} {verbs_ru[r >> 14 & 7]}"
                    f" {objects_ru[r >> 18 & 7]}{tails_ru[r >> 22 & 7]}."
                )
            else:
                lang = "en"
                text = (
                    f"{subjects[r >> 10 & 15]} {verbs[r >> 14 & 15]} {objects[r >> 18 & 15]}{tails[r >> 22 & 15]}."
                    f"{second[r >> 26 & 15]}"
                )
            day = days[r >> 30 & 4095]
            kind = "quote" if r >> 42 & 1023 < 717 else "paraphrase"  # 70 %
            via = vias[r >> 52 & 15]
            r = bits(64)
            if r & 0xFFFFF < 5243:  # 0.5 %
                text += " " + _MID_SENTENCES[(r >> 20 & 0xFF) % 3]
                if r & 0xFFFFF < 1049:  # 0.1 %
                    text += " " + _RARE_SENTENCE.format(word=RARE_WORDS[(r >> 28 & 0xFF) % 200])
            partial = r >> 36 & 1023
            said: str | None = day
            if partial < 26:  # 2.5 %: 1.5 % month, 0.5 % year, 0.5 % undated
                said = day[:7] if partial < 15 else day[:4] if partial < 20 else None
            about = r >> 46 & 1023
            if about < 184 and n_measures:  # 18 % are about a measure, 3 % about two
                first = int(rand() * n_measures) + 1
                abouts.append((sid, first, stances[(r >> 56 & 7) % 6]))
                if about < 31 and n_measures > 1:
                    abouts.append((sid, first % n_measures + 1, "comments"))
            source = int(rand() * n_sources) + 1 if r >> 59 & 31 < 22 else None  # 70 %
            yield (sid, f"st-{sid:08d}", speaker, roles[speaker], text, kind, lang, said, via, source)

    @property
    def _abouts(self) -> Rows:
        return self._about_rows

    # ----------------------------------------------------------------- events

    def _events(self) -> Rows:
        rand = self.rng.random
        self._participant_rows: list[tuple[int, int]] = []
        for eid in range(1, self.n_events + 1):
            place = _PLACES[int(rand() * len(_PLACES))]
            day = int(rand() * _DAYS)
            people = sorted({int(rand() * self.n_actors) + 1 for _ in range(2 + int(rand() * 4))})
            self._participant_rows += [(eid, actor) for actor in people]
            title = f"Talks in {place} on the diplomatic missions"
            yield (eid, f"ev-{eid:06d}", title, self._maybe_partial(day), place, None, None)

    @property
    def _participants(self) -> Rows:
        return self._participant_rows


def _pick(pool: tuple[tuple[str, str | None], ...], rand: Any) -> tuple[str, str | None]:
    return pool[int(rand() * len(pool))]


def _consequence_count(r: float) -> int:
    """0 to 3 consequences per measure, most have one."""
    return 0 if r < 0.2 else 1 if r < 0.7 else 2 if r < 0.92 else 3


def _zipf(count: int, offset: int, exponent: float) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights for ranks 0..count-1."""
    return _cumulative([1.0 / (rank + offset) ** exponent for rank in range(count)])


def _speaker_weights(count: int) -> list[float]:
    """Cumulative weights of the speakers by rank: Zipf-Mandelbrot, with rank 0 clearly ahead.

    The offset flattens the head, so rank 0 gets at least 3 % of all
    statements and 1.5 times rank 1's share: the heaviest speaker is the
    same actor at every size.
    """
    weights = [1.0 / (rank + _ZIPF_OFFSET) ** _ZIPF_EXPONENT for rank in range(count)]
    if count > 1:
        rest = sum(weights[1:])
        weights[0] = max(0.03 * rest / 0.97, 1.5 * weights[1])
    return _cumulative(weights)


def _cumulative(weights: Any) -> list[float]:
    out: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out

"""Plain-text views of a dossier for the command line: `show` and the Markdown export.

Text from the dossier goes through `dossier.text.clean_text` first, which
drops control characters and escape sequences so a quote cannot retitle or
reprogram the terminal it is printed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .rows import MeasureDetail, StatementItem
from .text import clean_text
from .words import AFFECTS, ANSWERED_BY, ANSWERS, ASSERTED_BY, CONCERNS, UNDATED, capital

if TYPE_CHECKING:  # types only: `dossier show` does without pydantic (the models)
    from .models import Bundle, Measure
    from .store import Store


def _line(text: str | None) -> str:
    return clean_text(text or "", keep_newlines=False)


def _stmt_line(item: StatementItem) -> str:
    text = f"“{_line(item.text)}”" if item.kind == "quote" else f"≈ {_line(item.text)}"
    via = f" (via {_line(item.via)})" if item.via else ""
    return f"{item.said or UNDATED}  {text}{via}  [{item.slug}]"


def show_entity(store: Store, kind: str, entity_id: int) -> Iterator[str]:
    """Lines describing one entity with everything linked to it."""
    if kind == "actor":
        detail = store.actor_detail(entity_id)
        a = detail.actor
        yield f"{_line(a.name)}  [actor/{a.slug}]"
        yield f"  kind: {a.kind}" + (f"   country: {a.country}" if a.country else "")
        if a.role:
            yield f"  role: {_line(a.role)}"
        if detail.affiliation:
            yield f"  affiliation: {_line(detail.affiliation.name)} [actor/{detail.affiliation.slug}]"
        if detail.aliases:
            yield "  aliases: " + ", ".join(
                _line(al.name) + (f" ({al.lang})" if al.lang else "") for al in detail.aliases
            )
        if detail.description:
            yield f"  {_line(detail.description)}"
        if detail.members:
            yield "  members: " + ", ".join(f"{_line(m.name)} [{m.slug}]" for m in detail.members)
        yield ""
        yield f"Statements ({detail.statement_count}):"
        for s in store.statements_page(entity_id, limit=50):
            yield "  " + _stmt_line(s)
        if detail.statement_count > 50:
            yield f"  … and {detail.statement_count - 50} more"
        measures = store.measures_page(entity_id, limit=50)
        yield ""
        yield f"Measures ({len(measures)}{'+' if len(measures) == 50 else ''}):"
        for m in measures:
            yield f"  {m.announced or UNDATED}  {_line(m.title)}  ({m.relation})  [{m.slug}]"
        if detail.events:
            yield ""
            yield "Events:"
            for e in detail.events:
                yield f"  {e.date or UNDATED}  {_line(e.title)}  [{e.slug}]"
    elif kind == "statement":
        sd = store.statement_detail(entity_id)
        s = sd.statement
        yield f"{'Quote' if s.kind == 'quote' else 'Paraphrase'}  [statement/{s.slug}]"
        yield f"  “{_line(s.text)}”" if s.kind == "quote" else f"  {_line(s.text)}"
        role = f", {_line(sd.speaker_role)}" if sd.speaker_role else ""
        yield f"  — {_line(s.speaker.name)}{role} [actor/{s.speaker.slug}]"
        yield f"  said: {s.said or UNDATED}" + (f"   via: {_line(s.via)}" if s.via else "")
        if sd.lang:
            yield f"  language: {sd.lang}"
        if sd.source:
            src = sd.source
            outlet = f" ({_line(src.outlet)})" if src.outlet else ""
            yield f"  source: {_line(src.title)}{outlet} {src.published or ''} [source/{src.slug}]".rstrip()
        if sd.about:
            yield ""
            yield f"{capital(CONCERNS)}:"
            for about in sd.about:
                yield f"  {about.stance}: {_line(about.measure.title)} [measure/{about.measure.slug}]"
    elif kind == "measure":
        yield from _measure_lines(store.measure_detail(entity_id))
    elif kind == "event":
        e = store.event(entity_id)
        yield f"{_line(e.title)}  [event/{e.slug}]"
        yield f"  date: {e.date or UNDATED}" + (f"   place: {_line(e.place)}" if e.place else "")
        if e.participants:
            yield "  participants: " + ", ".join(f"{_line(p.name)} [{p.slug}]" for p in e.participants)
        if e.description:
            yield f"  {_line(e.description)}"
    elif kind == "source":
        src = store.source(entity_id)
        yield f"{_line(src.title)}  [source/{src.slug}]"
        for label, value in (
            ("outlet", src.outlet),
            ("published", src.published),
            ("url", src.url),
            ("note", src.note),
        ):
            if value:
                yield f"  {label}: {_line(value)}"
    else:  # consequence: show the measure it belongs to
        row = store.consequence(entity_id)
        yield from _measure_lines(store.measure_detail(row.measure.id))


def _measure_lines(md: MeasureDetail) -> Iterator[str]:
    m = md.measure
    yield f"{_line(m.title)}  [measure/{m.slug}]"
    yield f"  kind: {m.kind}" + (f"   status: {m.status}" if m.status else "")
    by = _line(m.imposed_by.name) if m.imposed_by else "?"
    on = _line(m.target.name) if m.target else "?"
    yield f"  {by} → {on}" + (f"   quantity: {_line(m.quantity)}" if m.quantity else "")
    yield f"  announced: {m.announced or UNDATED}" + (f"   effective: {md.effective}" if md.effective else "")
    if md.description:
        yield f"  {_line(md.description)}"
    if md.source:
        yield f"  source: {_line(md.source.title)} [source/{md.source.slug}]"
    for label, links in ((capital(ANSWERS), md.responds_to), (capital(ANSWERED_BY), md.answered_by)):
        if links:
            yield ""
            yield f"{label}:"
            for link in links:
                who = f" ({ASSERTED_BY} {_line(link.asserted_by.name)})" if link.asserted_by else ""
                yield f"  {_line(link.measure.title)} [measure/{link.measure.slug}]{who}"
    if md.consequences:
        yield ""
        yield "Consequences:"
        for c in md.consequences:
            due = c.due or UNDATED
            who = f", {AFFECTS} {_line(c.affects.name)}" if c.affects else ""
            yield f"  {due:<10}  {_line(c.description)}{who}  ({c.certainty})"
    if md.statements:
        yield ""
        yield "Statements about it:"
        for sa in md.statements:
            yield f"  {sa.stance}: {_line(sa.statement.speaker.name)}: {_stmt_line(sa.statement)}"


# --------------------------------------------------------------------------- markdown


def _md(text: str | None) -> str:
    """Text for Markdown: cleaned, with Markdown's active characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~])", r"\\\1", clean_text(text or "", keep_newlines=False))


def markdown(bundle: Bundle) -> Iterator[str]:
    """A readable dossier: actors with their quotes, measures with consequences and links, sources."""
    title = (bundle.dossier.title if bundle.dossier else None) or "Dossier"
    yield f"# {_md(title)}"
    yield ""
    if bundle.dossier and bundle.dossier.description:
        yield _md(bundle.dossier.description)
        yield ""
    names = {a.slug: a.name for a in bundle.actors}
    titles = {m.slug: m.title for m in bundle.measures}
    by_speaker: dict[str, list[int]] = {}
    for index, s in enumerate(bundle.statements):
        by_speaker.setdefault(s.speaker, []).append(index)

    yield "## Actors"
    yield ""
    for a in bundle.actors:
        role = f", {_md(a.role)}" if a.role else ""
        yield f"### {_md(a.name)}"
        yield ""
        yield (
            f"*{a.kind}{role}*"
            + (f" · {a.country}" if a.country else "")
            + (f" · member of {_md(names.get(a.affiliation, a.affiliation))}" if a.affiliation else "")
        )
        if a.aliases:
            yield ""
            yield "Also: " + ", ".join(_md(al.name) for al in a.aliases)
        if a.description:
            yield ""
            yield _md(a.description)
        said = by_speaker.get(a.slug, [])
        if said:
            yield ""
            for index in said:
                s = bundle.statements[index]
                text = f"“{_md(s.text)}”" if s.kind == "quote" else f"(paraphrase) {_md(s.text)}"
                via = f", via {_md(s.via)}" if s.via else ""
                yield f"- {s.said or UNDATED}{via}: {text}"
        yield ""

    yield "## Measures"
    yield ""
    for m in bundle.measures:
        yield from _md_measure(m, names, titles)

    if bundle.events:
        yield "## Events"
        yield ""
        for e in bundle.events:
            who = ", ".join(_md(names.get(p, p)) for p in e.participants)
            place = f", {_md(e.place)}" if e.place else ""
            yield f"- **{e.date or UNDATED}{place}**: {_md(e.title)}" + (f" ({who})" if who else "")
        yield ""

    if bundle.sources:
        yield "## Sources"
        yield ""
        for src in bundle.sources:
            outlet = f", {_md(src.outlet)}" if src.outlet else ""
            yield f"- {_md(src.title)}{outlet}, {src.published or UNDATED}" + (f" <{src.url}>" if src.url else "")
            if src.note:
                yield f"  {_md(src.note)}"
        yield ""


def _md_measure(m: Measure, names: dict[str, str], titles: dict[str, str]) -> Iterator[str]:
    by = _md(names.get(m.imposed_by or "", m.imposed_by or "?"))
    on = _md(names.get(m.target or "", m.target or "?"))
    yield f"### {_md(m.title)}"
    yield ""
    yield (
        f"*{m.kind}*, {by} → {on}, announced {m.announced or UNDATED}"
        + (f", status {m.status}" if m.status else "")
        + (f", {_md(m.quantity)}" if m.quantity else "")
    )
    if m.description:
        yield ""
        yield _md(m.description)
    for link in m.in_response_to:
        who = f" ({ASSERTED_BY} {_md(names.get(link.asserted_by, link.asserted_by))})" if link.asserted_by else ""
        yield ""
        yield f"{capital(ANSWERS)}: {_md(titles.get(link.measure, link.measure))}{who}"
    if m.consequences:
        yield ""
        yield "Consequences:"
        yield ""
        for c in m.consequences:
            who = f", {AFFECTS} {_md(names.get(c.affects, c.affects))}" if c.affects else ""
            yield f"- {c.due or UNDATED}: {_md(c.description)}{who}, {c.certainty}"
    yield ""

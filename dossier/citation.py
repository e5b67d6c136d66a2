"""Citations: the row at hand as one line a report can quote, plain or Markdown (`y`, `Y`, `dossier notes export`).

Pure functions of the store's detail models: no SQL, no Textual. Every piece
of dossier text is cleaned (`clean_text`: no control characters, escapes or
bidi overrides) and, in Markdown, its Markdown characters are escaped, so a
citation pasted into a report shows the dossier's text as it is.

A statement:   “text” — Speaker (role on that day), date, via, Source title (published)
A measure:     Title — imposed by A on B, announced date, status, quantity; Source title (published)
A consequence: Description — affects A, due date, certainty; of the measure Title; Source title (published)
An actor:      Name (role), kind, country; affiliation
An event:      Title — date, place; with A, B
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from .rows import ActorDetail, ConsequenceItem, EventItem, MeasureDetail, SourceItem, StatementDetail
from .text import clean_text

Style = Literal["plain", "markdown"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _t(value: str | None) -> str:
    return " ".join(clean_text(value or "", keep_newlines=False).split())


def _md(value: str | None) -> str:
    """Dossier text in Markdown: every character Markdown would read escaped with a backslash."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _t(value))


def _parts(values: Iterable[str | None]) -> str:
    return ", ".join(value for value in values if value)


def _source(source: SourceItem | None, style: Style) -> str:
    """A source as `Title (published)`, in Markdown a link when it has a URL."""
    if source is None:
        return ""
    title = _t(source.title) or source.slug
    if style == "markdown":
        url = _t(source.url)
        shown = f"*{_md(title)}*"
        if url.startswith(("http://", "https://")):
            shown = f"[{_md(title)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"
    else:
        shown = title
    extra = _parts([_t(source.outlet) if source.outlet and source.outlet not in title else None, _t(source.published)])
    return f"{shown} ({extra})" if extra else shown


def _name(value: str | None, style: Style) -> str:
    return f"**{_md(value)}**" if style == "markdown" else _t(value)


def statement(detail: StatementDetail, style: Style = "plain") -> str:
    item = detail.statement
    esc = _md if style == "markdown" else _t
    text = f"“{esc(item.text)}”" if item.kind == "quote" else f"{esc(item.text)} (paraphrase)"
    speaker = _name(item.speaker.name, style)
    if detail.speaker_role:
        speaker += f" ({esc(detail.speaker_role)})"
    tail = _parts([speaker, esc(item.said), esc(item.via), _source(detail.source, style)])
    return f"{text} — {tail}"


def measure(detail: MeasureDetail, style: Style = "plain") -> str:
    item = detail.measure
    esc = _md if style == "markdown" else _t
    who = []
    if item.imposed_by is not None:
        who.append(f"imposed by {esc(item.imposed_by.name)}")
    if item.target is not None:
        who.append(f"on {esc(item.target.name)}")
    facts = _parts(
        [
            " ".join(who),
            f"announced {esc(item.announced)}" if item.announced else None,
            f"effective {esc(detail.effective)}" if detail.effective else None,
            esc(item.status),
            esc(item.quantity),
        ]
    )
    line = _name(item.title, style) + (f" — {facts}" if facts else "")
    source = _source(detail.source, style)
    return f"{line}; {source}" if source else line


def consequence(item: ConsequenceItem, of: MeasureDetail | None = None, style: Style = "plain") -> str:
    esc = _md if style == "markdown" else _t
    facts = _parts(
        [
            f"affects {esc(item.affects.name)}" if item.affects is not None else None,
            f"due {esc(item.due)}" if item.due else None,
            esc(item.certainty),
        ]
    )
    line = esc(item.description) + (f" — {facts}" if facts else "")
    line += f"; of the measure {_name(item.measure.title, style)}"
    source = _source(of.source if of is not None else None, style)
    return f"{line}; {source}" if source else line


def actor(detail: ActorDetail, style: Style = "plain") -> str:
    item = detail.actor
    esc = _md if style == "markdown" else _t
    name = _name(item.name, style) + (f" ({esc(item.role)})" if item.role else "")
    facts = _parts([esc(item.kind), esc(item.country)])
    line = f"{name}, {facts}" if facts else name
    if detail.affiliation is not None:
        line += f"; of {esc(detail.affiliation.name)}"
    return line


def event(item: EventItem, style: Style = "plain") -> str:
    esc = _md if style == "markdown" else _t
    facts = _parts([esc(item.date), esc(item.place)])
    line = _name(item.title, style) + (f" — {facts}" if facts else "")
    if item.participants:
        line += "; with " + ", ".join(esc(actor.name) for actor in item.participants)
    return line


def cite(model: object, style: Style = "plain", *, measure_of: MeasureDetail | None = None) -> str:
    """The citation of any detail model the store returns (`measure_of`: a consequence's measure)."""
    if isinstance(model, StatementDetail):
        return statement(model, style)
    if isinstance(model, MeasureDetail):
        return measure(model, style)
    if isinstance(model, ConsequenceItem):
        return consequence(model, measure_of, style)
    if isinstance(model, ActorDetail):
        return actor(model, style)
    if isinstance(model, EventItem):
        return event(model, style)
    raise TypeError(f"no citation for {type(model).__name__}")


def load_and_cite(store: object, kind: str, entity_id: int, style: Style = "plain") -> str:
    """Read what a citation needs from `store` (a `dossier.store.Store`) and cite it. Queries: call in a worker."""
    from .store import Store

    assert isinstance(store, Store)
    if kind == "statement":
        return statement(store.statement_detail(entity_id), style)
    if kind == "measure":
        return measure(store.measure_detail(entity_id), style)
    if kind == "consequence":
        item = store.consequence(entity_id)
        return consequence(item, store.measure_detail(item.measure.id), style)
    if kind == "actor":
        return actor(store.actor_detail(entity_id), style)
    if kind == "event":
        return event(store.event(entity_id), style)
    raise ValueError(f"no citation for a {kind!r}")

"""The words of the chain, timeline and relations views, shared by the command line and the screens.

Each function turns store models into lines; a line is a list of
`(text, role)` segments. Every text that came from the dossier has been
through `dossier.text.clean_text` (one line, no controls or escapes), so
the command line prints `plain(line)` and a screen builds `Content` from the
segments, styling each by its role (`ROLES`). Nothing here is markup.
"""

from __future__ import annotations

from typing import Literal

from .rows import ActorRef, Chain, ChainStep, ConsequenceItem, Relation, RelationSide, StatementItem, TimelineItem
from .text import clean_text
from .words import AFFECTS, ANSWERED_BY, ANSWERS, ASSERTED_BY, UNDATED, plural

Role = Literal["", "date", "actor", "title", "muted", "kind", "ref", "warn"]
ROLES: tuple[Role, ...] = ("", "date", "actor", "title", "muted", "kind", "ref", "warn")
Segment = tuple[str, Role]
Line = list[Segment]
Target = tuple[str, int]
"""What Enter opens: (entity kind, id), e.g. ('measure', 12)."""

SUMMARY_WIDTH = 160
"""A one-line summary is cut (with an ellipsis) after this many characters."""


def one_line(text: str | None, width: int | None = None) -> str:
    """Dossier text as one safe line, cut at `width` characters."""
    line = " ".join(clean_text(text or "", keep_newlines=False).split())
    if width is not None and len(line) > width:
        return line[: width - 1].rstrip() + "…"
    return line


def plain(line: Line) -> str:
    """A line as plain text, for the command line.

    Each segment is cleaned again: dates and slugs are not `one_line`d where a
    line is built, and a database written by another program may hold anything
    in them.
    """
    return "".join(clean_text(text, keep_newlines=False) for text, _ in line)


def date_label(date: str | None) -> str:
    """A date as shown: a partial date says that it is one ('2022, year only')."""
    if not date:
        return UNDATED
    if len(date) == 4:
        return f"{date}, year only"
    if len(date) == 7:
        return f"{date}, month only"
    return date


def _names(actors: tuple[ActorRef, ...] | list[ActorRef]) -> str:
    return ", ".join(one_line(a.name) for a in actors)


def _plural(count: int, noun: str) -> str:
    return plural(count, noun)


# --------------------------------------------------------------------------- chain


def chain_title(chain: Chain) -> Line:
    return [
        ("Response chain of ", ""),
        (one_line(chain.root.title, SUMMARY_WIDTH), "title"),
        (f"  [measure/{chain.root.slug}]", "ref"),
    ]


def _depth_label(step: ChainStep) -> str:
    return "root" if step.depth == 0 else f"{step.depth:+d}"


def _attribution(step: ChainStep) -> str:
    names = _names(step.asserted_by)
    if names and step.unattributed:
        return f"{ASSERTED_BY} {names}, and without attribution"
    if names:
        return f"{ASSERTED_BY} {names}"
    return f"{ASSERTED_BY} no one named"


def consequence_line(c: ConsequenceItem) -> Line:
    line: Line = [("consequence ", "muted"), (f"{c.due or UNDATED:<10}", "date"), ("  ", "")]
    line.append((one_line(c.description, SUMMARY_WIDTH), ""))
    if c.affects:
        line += [(f" {AFFECTS} ", "muted"), (one_line(c.affects.name), "actor")]
    line.append((f" ({c.certainty})", "muted"))
    return line


def chain_step_lines(step: ChainStep) -> list[Line]:
    """One step of a chain: date, title; who on whom, quantity; consequences; the link and who asserts it."""
    m = step.measure
    head: Line = [
        (f"{_depth_label(step):>5}  ", "kind"),
        (f"{m.announced or UNDATED:<10}", "date"),
        ("  ", ""),
        (one_line(m.title, SUMMARY_WIDTH), "title"),
        (f"  [measure/{m.slug}]", "ref"),
    ]
    who: Line = [(" " * 7, "")]
    who.append((one_line(m.imposed_by.name) if m.imposed_by else "?", "actor"))
    who.append((" → ", "muted"))
    who.append((one_line(m.target.name) if m.target else "?", "actor"))
    who.append((f" · {m.kind}", "kind"))
    if m.status:
        who.append((f" · {m.status}", "muted"))
    if step.effective:
        who += [(" · effective ", "muted"), (step.effective, "date")]
    if m.quantity:
        who += [(" · ", "muted"), (one_line(m.quantity, SUMMARY_WIDTH), "")]
    lines = [head, who]
    lines += [[(" " * 7, ""), *consequence_line(c)] for c in step.consequences]
    if step.via is not None:
        verb = ANSWERS if step.direction == "answered-by" else ANSWERED_BY
        lines.append(
            [
                (" " * 7, ""),
                (f"↳ {verb} ", "muted"),
                (one_line(step.via.title, 80), "title"),
                (f", {_attribution(step)}", "muted"),
            ]
        )
    for loop in step.loops_to:
        lines.append(
            [(" " * 7, ""), ("↺ links back to ", "warn"), (one_line(loop.title, 80), "title"), (": a cycle", "warn")]
        )
    if step.more:
        lines.append([(" " * 7, ""), ("… the chain goes on beyond the depth limit", "warn")])
    return lines


def chain_lines(chain: Chain) -> list[Line]:
    """The whole chain for the command line: a title, then each step (oldest rung first)."""
    lines = [chain_title(chain), []]
    for step in chain.steps:
        lines += chain_step_lines(step)
    if chain.truncated:
        lines.append([("… more steps than shown (raise --limit)", "warn")])
    return lines


# --------------------------------------------------------------------------- timeline

KIND_LABELS = {
    "event": "event",
    "announced": "announced",
    "statement": "statement",
    "effective": "in effect",
    "due": "due",
}


def timeline_day(date: str) -> Line:
    """The heading of one day (or month, or year) of the timeline."""
    return [(date_label(date), "date")]


def timeline_line(item: TimelineItem) -> Line:
    """One item: kind, who, a one-line summary, and the reference to open it."""
    line: Line = [(f"  {KIND_LABELS[item.kind]:<10} ", "kind")]
    if item.kind in ("announced", "effective") and item.actors:
        line += [(one_line(item.actors[0].name), "actor"), (" → ", "muted")]
        line += [(one_line(item.actors[1].name) if len(item.actors) > 1 else "?", "actor"), (": ", "muted")]
    elif item.kind == "due" and item.actors:
        line += [(one_line(item.actors[0].name), "actor"), (": ", "muted")]
    elif item.kind == "statement" and item.actors:
        line += [(one_line(item.actors[0].name), "actor"), (": ", "muted")]
    summary = one_line(item.summary, SUMMARY_WIDTH)
    if item.kind == "statement" and item.statement_kind == "quote":
        summary = f"“{summary}”"
    line.append((summary, "title" if item.kind != "statement" else ""))
    if item.kind == "event":
        context = ", ".join(x for x in (one_line(item.detail), _names(item.actors)) if x)
        if context:
            line.append((f" ({context})", "muted"))
    elif item.kind == "statement" and item.detail:
        line.append((f" (via {one_line(item.detail)})", "muted"))
    elif item.kind == "due" and item.measure:
        line.append((f" (of: {one_line(item.measure.title, 60)})", "muted"))
    line.append((f"  [{item.entity}/{item.slug}]", "ref"))
    return line


# --------------------------------------------------------------------------- relations


def relation_header(relation: Relation) -> Line:
    return [
        (one_line(relation.first.name), "actor"),
        (" ⇄ ", "muted"),
        (one_line(relation.second.name), "actor"),
    ]


def side_line(side: RelationSide) -> Line:
    """'United States → Russia: 2 measures — 27 diplomats … + … · 3 consequences'."""
    line: Line = [
        ("  ", ""),
        (one_line(side.imposer.name), "actor"),
        (" → ", "muted"),
        (one_line(side.target.name), "actor"),
        (": ", "muted"),
    ]
    if not side.measure_count:
        line.append(("no measures", "muted"))
        return line
    line.append((_plural(side.measure_count, "measure"), "kind"))
    quantities = [one_line(m.quantity, 80) for m in side.measures if m.quantity]
    if quantities:
        line += [(" — ", "muted"), (" + ".join(quantities), "")]
        if side.measure_count > len(side.measures):
            line.append((" + …", "muted"))
    line.append((f" · {_plural(side.consequence_count, 'consequence')}", "muted"))
    return line


def replies_line(side: RelationSide) -> Line:
    """What the target's side said about the imposer's measures (counts by stance)."""
    line: Line = [("    ", ""), (f"replies from the {one_line(side.target.name)} side: ", "muted")]
    if not side.replies_counted:
        line.append(("counting…", "muted"))
    elif not side.reply_count:
        line.append(("no statements", "muted"))
    else:
        count = plural(side.reply_count, "statement").replace(" ", "+ " if side.reply_capped else " ", 1)
        stances = ", ".join(f"{stance} {n}" for stance, n in side.reply_stances)
        line += [(count, "kind"), (f" ({stances})", "muted")]
    return line


def statement_line(statement: StatementItem, indent: str = "      ") -> Line:
    text = one_line(statement.text, 120)
    return [
        (indent, ""),
        (f"{statement.said or UNDATED:<10}", "date"),
        ("  ", ""),
        (one_line(statement.speaker.name), "actor"),
        (": ", "muted"),
        (f"“{text}”" if statement.kind == "quote" else text, ""),
        (f"  [statement/{statement.slug}]", "ref"),
    ]


def relation_rows(relation: Relation) -> list[tuple[Line, Target | None]]:
    """A pair of actors as rows, each with what Enter on it opens (None: nothing to open)."""
    rows: list[tuple[Line, Target | None]] = [(relation_header(relation), ("actor", relation.first.id))]
    for side in (relation.forward, relation.backward):
        rows.append((side_line(side), ("actor", side.imposer.id)))
        for m in side.measures:
            line: Line = [
                ("    ", ""),
                (f"{m.announced or UNDATED:<10}", "date"),
                ("  ", ""),
                (one_line(m.measure.title, 100), "title"),
            ]
            if m.quantity:
                line.append((f" ({one_line(m.quantity, 80)})", ""))
            if m.consequence_count:
                line.append((f", {_plural(m.consequence_count, 'consequence')}", "muted"))
            line.append((f"  [measure/{m.measure.slug}]", "ref"))
            rows.append((line, ("measure", m.measure.id)))
        if side.measure_count > len(side.measures):
            rows.append(([("    ", ""), (f"… and {side.measure_count - len(side.measures)} more", "muted")], None))
        if side.measure_count:
            rows.append((replies_line(side), None))
            rows += [(statement_line(s), ("statement", s.id)) for s in side.replies]
    return rows

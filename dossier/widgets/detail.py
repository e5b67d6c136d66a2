"""The detail pane: everything about the highlighted item, with its references to follow.

The pane is a Line API widget over a list of blocks (a heading, a paragraph,
a reference). Blocks are wrapped to the pane's width (long words folded), so
a quote is shown whole. ↑↓ move between references (and scroll when there
are none in that direction); Enter on a reference posts `LinkFollowed`, which
the browse screen turns into a step in its history.

Moving to the next row repaints only the lines that look different (`show`);
drawn lines and wrapped blocks are kept by what they show.

The `*_blocks` functions turn store models into blocks; they take their styles
from the pane, which reads them from the theme.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import keys
from ..history import Ref
from ..rows import ActorDetail, ConsequenceItem, EventItem, LinkItem, MeasureDetail, SourceItem, StatementDetail
from ..words import (
    AFFECTS,
    AIMED_AT,
    ANSWERED_BY,
    ANSWERS,
    ASSERTED_BY,
    CONCERNS,
    IMPOSED_BY,
    SPEAKER,
    UNDATED,
    capital,
    plural,
)
from . import render
from .paint_pass import PaintPass
from .virtual_list import set_virtual_size

Look = tuple[object, ...]
"""What one line of the pane shows: its text, spans and style, and whether the cursor is on it."""

STRIP_CACHE = 2
"""Screens' worth of drawn lines kept by what they show (`Look`): the lines in view and those just
before them (the last row's); the least recently drawn goes first."""

WRAP_CACHE = 64
"""Blocks kept wrapped, by text and width: the speaker, the headings, a source, seen again on the next row."""


class Block(NamedTuple):
    """One paragraph of the detail pane; with `ref`, a reference Enter follows.

    A named tuple, as `DetailStyles`: a frozen dataclass costs ~0.8 ms to define,
    before the first frame (docs/performance.md)."""

    text: Text
    ref: Ref | None = None
    gap: bool = False
    """A blank line before it (between sections)."""


class DetailStyles(NamedTuple):
    heading: Style
    dim: Style
    link: Style
    accent: Style


class DetailPane(PaintPass, ScrollView, can_focus=True):
    """The selected item in full, its references followable with Enter."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("detail")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail--heading",
        "detail--dim",
        "detail--link",
        "detail--accent",
        "detail--cursor",
        "detail--cursor-blurred",
    }

    cursor: reactive[int] = reactive(-1, init=False)
    """Index into the pane's references (-1: none)."""

    class LinkFollowed(Message):
        """Enter on a reference: open `ref` in the browser."""

        def __init__(self, ref: Ref) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.subject: Ref | None = None
        """What the pane shows, as (kind, id)."""
        self._blocks: list[Block] = []
        self._links: list[int] = []
        self._lines: list[tuple[int, Text]] = []
        self._first_line: dict[int, int] = {}
        self._width = 0
        self._strip_width = 0
        self._empty = "Nothing selected"
        self._empty_wrapped: tuple[tuple[object, ...], list[Text]] | None = None
        """The empty message wrapped, with what decided it (the message, the width, the styles)."""
        self.slug: str | None = None
        """What is shown as `kind/slug`, the form `dossier show` takes (`s` copies it)."""
        self._title: str | None = None
        self._base: Style | None = None
        self._block_styles: DetailStyles | None = None
        self._strips: OrderedDict[Look, Strip] = OrderedDict()
        self._wraps: OrderedDict[tuple[object, ...], list[Text]] = OrderedDict()
        """Drawn lines by what they show, at the current width, base style and focus (see `render_line`)."""

    # ----------------------------------------------------------------- public

    @property
    def styles_for_blocks(self) -> DetailStyles:
        """The theme's styles for building blocks, kept until the styles change (~0.5 ms to work out)."""
        if self._block_styles is None:
            self._block_styles = DetailStyles(
                heading=render.foreground(self.get_component_rich_style("detail--heading")),
                dim=render.foreground(self.get_component_rich_style("detail--dim")),
                link=render.foreground(self.get_component_rich_style("detail--link")),
                accent=render.foreground(self.get_component_rich_style("detail--accent")),
            )
        return self._block_styles

    @property
    def ref(self) -> Ref | None:
        """The reference under the cursor, if any."""
        if 0 <= self.cursor < len(self._links):
            return self._blocks[self._links[self.cursor]].ref
        return None

    @property
    def references(self) -> list[Ref]:
        return [ref for block in self._blocks if (ref := block.ref) is not None]

    @property
    def text(self) -> str:
        """Everything the pane shows, as plain text (for tests and copying)."""
        return "\n".join(block.text.plain for block in self._blocks)

    def show(
        self,
        subject: Ref | None,
        blocks: list[Block],
        *,
        title: str,
        empty: str = "Nothing selected",
        slug: str | None = None,
    ) -> None:
        """Show these blocks from the top, without a cursor.

        Only the visible lines that look different from what the pane showed
        are drawn again: from one statement to the next, the blank lines, the
        headings and often the speaker stay, and each line drawn costs Textual
        as much again as it costs us. A changed title, width or scroll position,
        or the empty message on either side, draws the whole pane.
        """
        before, top = self._visible_looks(), int(self.scroll_y)
        self.subject = subject
        self.slug = f"{subject[0]}/{slug}" if subject is not None and slug else None
        self._blocks = blocks
        self._links = [index for index, block in enumerate(blocks) if block.ref is not None]
        self._empty = empty
        if title != self._title:
            self._title = title
            self.border_title = render.pane_title(title, None)  # repaints the whole pane
        self._width = -1
        self._layout(repaint=False)
        self.set_reactive(DetailPane.cursor, -1)
        self.scroll_to(y=0, animate=False, immediate=True)
        after = self._visible_looks()
        if before is None or after is None or int(self.scroll_y) != top or len(before) != len(after):
            self.refresh()
            return
        width = max(self.virtual_size.width, self.size.width)
        changed = [Region(0, y, width, 1) for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
        if changed:
            self.refresh(*changed)  # `refresh_line` each, in one call

    def select_ref(self, ref: Ref | None) -> None:
        """Put the cursor on this reference when the pane shows it."""
        for position, block_index in enumerate(self._links):
            if self._blocks[block_index].ref == ref:
                self.cursor = position
                return

    # ----------------------------------------------------------------- layout

    def _layout(self, *, repaint: bool = True) -> None:
        width = self.inner_region.width
        if width == self._width:
            return
        if width != self._strip_width:
            self._strip_width = width
            self._strips.clear()
        self._width = width
        self._lines = []
        self._first_line = {}
        for index, block in enumerate(self._blocks):
            if block.gap and self._lines:
                self._lines.append((-1, Text()))
            self._first_line[index] = len(self._lines)
            self._lines.extend((index, line) for line in self._wrap(block.text, max(1, width - 1)))
        set_virtual_size(self, Size(width, len(self._lines)), repaint=repaint)

    def _wrap(self, text: Text, width: int) -> list[Text]:
        """`render.wrap`, kept by what the text is: the lines are only read, never changed."""
        key = (width, text.plain, tuple(text.spans), text.style, text.justify)
        lines = self._wraps.get(key)
        if lines is None:
            lines = self._wraps[key] = render.wrap(text, width)
            while len(self._wraps) > WRAP_CACHE:
                self._wraps.popitem(last=False)
        else:
            self._wraps.move_to_end(key)
        return lines

    def _look(self, line_no: int) -> Look:
        """What line `line_no` shows, as a key: equal looks draw equal strips."""
        if line_no >= len(self._lines):
            return ()
        block, text = self._lines[line_no]
        on_cursor = block >= 0 and self.cursor >= 0 and bool(self._links) and self._links[self.cursor] == block
        return (text.plain, tuple(text.spans), text.style, (2 if self.has_focus else 1) if on_cursor else 0)

    def _visible_looks(self) -> list[Look] | None:
        """The looks of the visible lines, or None when the pane shows its empty message or is not laid out."""
        if not self._blocks or self._width != self.scrollable_content_region.width:
            return None
        top = int(self.scroll_y)
        return [self._look(line_no) for line_no in range(top, top + self.scrollable_content_region.height)]

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self.refresh()

    # ----------------------------------------------------------------- keys

    def watch_cursor(self, old: int, new: int) -> None:
        if 0 <= new < len(self._links):
            block = self._links[new]
            first = self._first_line.get(block, 0)
            last = first + sum(1 for index, _ in self._lines if index == block) - 1
            height = self.scrollable_content_region.height
            if first < self.scroll_y:
                self.scroll_to(y=first, animate=False, immediate=True)
            elif last >= self.scroll_y + height:
                # Just enough to show the whole reference at the bottom (its first lines, if it is taller than
                # the pane): the text above it, a quote most often, stays in view.
                self.scroll_to(y=min(first, last - height + 1), animate=False, immediate=True)
        self.refresh()

    def _visible_links(self) -> list[int]:
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        return [
            position
            for position, block in enumerate(self._links)
            if top <= self._first_line.get(block, 0) < top + height
        ]

    def action_cursor_down(self) -> None:
        if self.cursor + 1 < len(self._links):
            nxt = self._first_line.get(self._links[self.cursor + 1], 0)
            height = self.scrollable_content_region.height
            # Text between here and the next reference is scrolled through first.
            if nxt >= self.scroll_y + height and self.cursor >= 0:
                self.scroll_relative(y=1, animate=False, immediate=True)
                return
            self.cursor += 1
        else:
            self.scroll_relative(y=1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            previous = self._first_line.get(self._links[self.cursor - 1], 0)
            if previous < self.scroll_y - 1:
                self.scroll_relative(y=-1, animate=False, immediate=True)
                return
            self.cursor -= 1
        elif self.scroll_y > 0:
            self.scroll_relative(y=-1, animate=False, immediate=True)
        else:
            self.cursor = -1

    def action_page_down(self) -> None:
        self.scroll_relative(y=max(1, self.scrollable_content_region.height - 1), animate=False, immediate=True)
        self._cursor_into_view()

    def action_page_up(self) -> None:
        self.scroll_relative(y=-max(1, self.scrollable_content_region.height - 1), animate=False, immediate=True)
        self._cursor_into_view()

    def action_cursor_first(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = 0 if self._links else -1

    def action_cursor_last(self) -> None:
        self.scroll_end(animate=False, immediate=True)
        self.cursor = len(self._links) - 1

    def _cursor_into_view(self) -> None:
        visible = self._visible_links()
        if visible and self.cursor not in visible:
            self.cursor = visible[0]

    def action_copy_slug(self) -> None:
        """Copy `kind/slug` of what the pane shows to the clipboard (the terminal's, through OSC 52)."""
        if self.slug is None:
            return
        self.app.copy_to_clipboard(self.slug)
        self.notify(f"Copied {self.slug}", title="Slug", markup=False)

    def action_follow_link(self) -> None:
        ref = self.ref
        if ref is None and len(self._links) == 1:
            ref = self._blocks[self._links[0]].ref
        if ref is not None:
            self.post_message(self.LinkFollowed(ref))

    async def on_click(self, event: events.Click) -> None:
        event.prevent_default()  # Textual's own click (text selection, actions in the text) is not wanted here
        offset = event.get_content_offset(self)
        self.focus()
        if offset is None:
            return
        line = int(self.scroll_y) + offset.y
        if 0 <= line < len(self._lines):
            block = self._lines[line][0]
            if block in self._links:  # a reference: follow it, as Enter would
                self.cursor = self._links.index(block)
                self.action_follow_link()

    def on_focus(self) -> None:
        if self.cursor < 0 and self._links:
            visible = self._visible_links()
            self.cursor = visible[0] if visible else 0
        self._base = None
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._base = None
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._block_styles = None
        self._strips.clear()

    # ----------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        self._layout()
        width = self.inner_region.width
        if self._base is None:  # `rich_style` walks every ancestor: once per style change, not per line
            self._base = self.rich_style
        base = self._base
        if not self._blocks:
            # Wrapped, not cut: a reason such as "<path>: is damaged (...)" says what matters last.
            # Wrapped once for all the pane's lines (it is drawn as the first screen is), and blank below.
            styles = self.styles_for_blocks
            key: tuple[object, ...] = (self._empty, width, styles)
            kept = self._empty_wrapped
            if kept is None or kept[0] != key:
                lines = render.wrap(render.plain(self._empty, styles.dim), max(1, width - 1))
                kept = self._empty_wrapped = (key, lines)
            wrapped = kept[1]
            if y >= len(wrapped):
                return Strip.blank(width, base)
            text = render.join(" ", wrapped[y])
            return Strip(list(render.fit(text, width).render(self.app.console)), width).apply_style(base)
        line_no = int(self.scroll_y) + y
        if line_no >= len(self._lines):
            return Strip.blank(width, base)
        # Lines are kept by what they show, not where: the next statement's speaker
        # line or a heading one line lower is drawn from here. The cache is emptied
        # when the width, the base style or the focus changes.
        look = self._look(line_no)
        strips = self._strips
        strip = strips.get(look)
        if strip is not None:
            strips.move_to_end(look)
            return strip
        text = self._lines[line_no][1]
        style = base
        if look[-1]:
            cursor = "detail--cursor" if self.has_focus else "detail--cursor-blurred"
            style = base + self.get_component_rich_style(cursor)
        row = render.fit(render.join(" ", text), width)
        strip = Strip(list(row.render(self.app.console)), width).apply_style(style)
        strips[look] = strip
        while len(strips) > STRIP_CACHE * max(1, self.size.height):
            strips.popitem(last=False)
        return strip


# --------------------------------------------------------------------------- building blocks


def _label(text: str, styles: DetailStyles) -> Text:
    return Text(text, style=styles.dim)


def _field(label: str, value: str | None, styles: DetailStyles) -> Block | None:
    if not value:
        return None
    return Block(render.join(_label(f"{label}: ", styles), render.paragraph(value)))


def _link(label: str, name: str, ref: Ref, styles: DetailStyles, note: str | None = None) -> Block:
    text = render.join(_label(f"{label} " if label else "", styles), "→ ", render.plain(name, styles.link))
    if note:
        text.append(render.plain(f" ({note})", styles.dim))
    return Block(text, ref=ref)


def _slug(kind: str, slug: str, styles: DetailStyles) -> Block:
    """`kind/slug`, the name `dossier show` and deep links take; `s` copies it."""
    return Block(render.join(render.plain(f"{kind}/{slug}", styles.dim), Text("  s copies it", style=styles.dim)))


def _heading(text: str, styles: DetailStyles) -> Block:
    return Block(Text(text, style=styles.heading), gap=True)


def _source(source: SourceItem | None, styles: DetailStyles) -> list[Block]:
    if source is None:
        return []
    text = render.join(_label("Source: ", styles), render.paragraph(source.title))
    details = [value for value in (source.outlet, source.published) if value]
    if details:
        text.append(render.plain(" — " + ", ".join(details), styles.dim))
    blocks = [Block(text, gap=True)]
    if source.url:
        blocks.append(Block(render.join(_label("URL: ", styles), render.plain(source.url))))
    if source.note:
        blocks.append(Block(render.paragraph(source.note, styles.dim)))
    return blocks


def _blocks(*parts: Block | list[Block] | None) -> list[Block]:
    out: list[Block] = []
    for part in parts:
        if isinstance(part, list):
            out.extend(part)
        elif part is not None:
            out.append(part)
    return out


def actor_blocks(detail: ActorDetail, styles: DetailStyles) -> list[Block]:
    actor = detail.actor
    facts = " · ".join(value for value in (actor.kind, actor.country) if value)
    aliases = ", ".join(alias.name + (f" ({alias.lang})" if alias.lang else "") for alias in detail.aliases)
    return _blocks(
        Block(render.paragraph(actor.name, styles.heading)),
        Block(render.plain(facts, styles.dim)),
        _slug("actor", actor.slug, styles),
        _field("Role", actor.role, styles),
        _link("Affiliation", detail.affiliation.name, ("actor", detail.affiliation.id), styles)
        if detail.affiliation
        else None,
        _field("Also", aliases, styles),
        Block(render.paragraph(detail.description), gap=True) if detail.description else None,
        Block(Text(plural(detail.statement_count, "statement"), style=styles.dim), gap=True),
        _heading("Members", styles) if detail.members else None,
        [_link("", member.name, ("actor", member.id), styles) for member in detail.members],
        _heading("Events", styles) if detail.events else None,
        [_link("", event.title, ("event", event.id), styles, note=event.date or None) for event in detail.events],
    )


def statement_blocks(detail: StatementDetail, styles: DetailStyles) -> list[Block]:
    item = detail.statement
    quote = item.kind == "quote"
    text = render.paragraph(f"“{item.text}”" if quote else item.text)
    role = detail.speaker_role
    return _blocks(
        Block(
            render.join(
                Text("Quote" if quote else "Paraphrase", style=styles.heading),
                render.plain(f" · {item.said or UNDATED}", styles.dim),
            )
        ),
        _slug("statement", item.slug, styles),
        Block(text, gap=True),
        Block(Text(), gap=False),
        _link(capital(SPEAKER), item.speaker.name, ("actor", item.speaker.id), styles, note=role),
        _field("Via", item.via, styles),
        _field("Language", detail.lang, styles),
        _heading(capital(CONCERNS), styles) if detail.about else None,
        [
            _link("", about.measure.title, ("measure", about.measure.id), styles, note=about.stance)
            for about in detail.about
        ],
        _source(detail.source, styles),
    )


def _response_links(links: Sequence[LinkItem], styles: DetailStyles) -> list[Block]:
    """Measures on the other end of response links, each with who asserts the link (a claim)."""
    return [
        _link(
            "",
            link.measure.title,
            ("measure", link.measure.id),
            styles,
            note=f"{ASSERTED_BY} {link.asserted_by.name}" if link.asserted_by else None,
        )
        for link in links
    ]


def measure_blocks(detail: MeasureDetail, styles: DetailStyles) -> list[Block]:
    item = detail.measure
    facts = " · ".join(value for value in (item.kind, item.status) if value)
    dates = " → ".join(value for value in (item.announced, detail.effective) if value)
    return _blocks(
        Block(render.paragraph(item.title, styles.heading)),
        Block(render.plain(facts + (f" · {dates}" if dates else ""), styles.dim)),
        _slug("measure", item.slug, styles),
        _link(capital(IMPOSED_BY), item.imposed_by.name, ("actor", item.imposed_by.id), styles)
        if item.imposed_by
        else None,
        _link(capital(AIMED_AT), item.target.name, ("actor", item.target.id), styles) if item.target else None,
        _field("Quantity", item.quantity, styles),
        Block(render.paragraph(detail.description), gap=True) if detail.description else None,
        _source(detail.source, styles),
        _heading(capital(ANSWERS), styles) if detail.responds_to else None,
        _response_links(detail.responds_to, styles),
        _heading(capital(ANSWERED_BY), styles) if detail.answered_by else None,
        _response_links(detail.answered_by, styles),
        _heading(f"Consequences · {len(detail.consequences)}", styles) if detail.consequences else None,
        [
            Block(
                render.join(
                    render.date(consequence.due, styles.dim),
                    " ",
                    render.paragraph(consequence.description),
                    render.plain(f" ({consequence.certainty})", styles.dim),
                ),
                ref=("consequence", consequence.id),
            )
            for consequence in detail.consequences
        ],
        _heading("Statements about it", styles) if detail.statements else None,
        [
            _link(
                "",
                f"{about.statement.speaker.name}: {about.statement.text}",
                ("statement", about.statement.id),
                styles,
                note=about.stance,
            )
            for about in detail.statements
        ],
    )


def consequence_blocks(item: ConsequenceItem, styles: DetailStyles) -> list[Block]:
    return _blocks(
        Block(Text("Consequence", style=styles.heading)),
        _slug("consequence", item.slug, styles),
        Block(render.paragraph(item.description), gap=True),
        Block(Text(), gap=False),
        _field("Due", item.due or UNDATED, styles),
        _field("Certainty", item.certainty, styles),
        _link(capital(AFFECTS), item.affects.name, ("actor", item.affects.id), styles) if item.affects else None,
        _link("Of the measure", item.measure.title, ("measure", item.measure.id), styles),
    )


def event_blocks(item: EventItem, styles: DetailStyles) -> list[Block]:
    facts = " · ".join(value for value in (item.date, item.place) if value)
    return _blocks(
        Block(render.paragraph(item.title, styles.heading)),
        Block(render.plain(facts, styles.dim)) if facts else None,
        _slug("event", item.slug, styles),
        Block(render.paragraph(item.description), gap=True) if item.description else None,
        _heading("Participants", styles) if item.participants else None,
        [_link("", actor.name, ("actor", actor.id), styles) for actor in item.participants],
    )

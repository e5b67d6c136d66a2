"""Command palette (Ctrl+P) providers: jump to any actor, measure or statement; filter the actors.

`DossierCommands` asks `Store.search_page` (words as prefixes, in a thread, so a
big dossier never blocks typing) and also takes an exact slug or kind/slug
(`zakharova`, `measure/us-expels-27-russian-diplomats`). Choosing a hit opens
it in the browser as a history step. `ActorKindCommands` shows only actors
of one kind, or all of them again, in the Actors pane.

The providers know neither the App nor the browse screen: they read the
App's `store` (any App with one will do, `StoreHolder`) and post an intent
(`dossier.messages`) that the App carries out.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from typing import Protocol, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from .errors import StoreError
from .messages import OpenNotebook, OpenRef, RunKey, ShowActorKind
from .rows import ACTOR_KINDS, SearchHit
from .store import Store
from .widgets import render

PALETTE_KINDS = ("actor", "measure", "statement")
"""What the palette finds; consequences and events are for the search screen (`/`)."""
_KIND_RANK = {"actor": 0.3, "measure": 0.2, "statement": 0.1}
"""Added to the fuzzy score so that, at equal match, actors come before measures before statements."""
PER_KIND = 8


LABEL_WIDTH = 70
"""Cells of a hit's label and of its snippet (and characters matched against the query): the palette
wraps what it is given, and a 3,000-letter title would otherwise fill the whole list with one hit."""


class StoreHolder(Protocol):
    """What the providers need of the App: the dossier's store."""

    store: Store


def _display(kind: str, label: str, snippet: tuple[tuple[str, bool], ...] = (), facts: str = "") -> Text:
    """A hit as the palette shows it: Text from cleaned plain text (Textual reads a str prompt as markup).

    An actor's name is followed by what tells it from others of the same name
    (`render.actor_facts`: role · country · slug), as in the Actors pane.
    """
    name = render.plain(label)
    name.truncate(LABEL_WIDTH, overflow="ellipsis")
    text = render.join(Text(f"{kind:<10}", style="dim"), name)
    if facts:
        context = render.plain(f"  {facts}", "dim")
        context.truncate(LABEL_WIDTH, overflow="ellipsis")
        text.append(context)
    if kind == "statement" and snippet:
        context = render.snippet(snippet, "bold")
        context.truncate(LABEL_WIDTH, overflow="ellipsis")
        text.append("  ")
        text.append(context)
    return text


class DossierCommands(Provider):
    """Find actors, measures and statements by name, slug or words, and open them in the browser."""

    @property
    def _store(self) -> Store:
        return cast(StoreHolder, self.app).store

    def _open(self, kind: str, entity_id: int) -> None:
        self.app.post_message(OpenRef(kind, entity_id))

    def _find(self, query: str) -> list[tuple[str, int, str, tuple[tuple[str, bool], ...], str]]:
        store = self._store
        found: list[tuple[str, int, str, tuple[tuple[str, bool], ...], str]] = []
        try:
            kind, entity_id = store.resolve(query)
            if kind in PALETTE_KINDS:
                label = {
                    "actor": lambda: store.actor(entity_id).name,
                    "measure": lambda: store.measure(entity_id).title,
                    "statement": lambda: store.statement(entity_id).text,
                }[kind]()
                found.append((kind, entity_id, label, (), self._facts(kind, entity_id)))
        except StoreError:
            pass
        hits: list[SearchHit] = []
        for kind in PALETTE_KINDS:
            try:
                hits += store.search_page(query, kind=kind, limit=PER_KIND).hits
            except StoreError:
                continue
        found += [(hit.kind, hit.id, hit.label, hit.snippet, self._facts(hit.kind, hit.id)) for hit in hits]
        return found

    def _facts(self, kind: str, entity_id: int) -> str:
        """An actor's role · country · slug (read here, in the palette's thread); nothing for other kinds."""
        if kind != "actor":
            return ""
        try:
            actor = self._store.actor(entity_id)
        except StoreError:
            return ""
        return render.actor_facts(actor.role, actor.country, actor.slug)

    async def search(self, query: str) -> Hits:
        if not query.strip():
            return
        matcher = self.matcher(query)
        seen: set[tuple[str, int]] = set()
        for kind, entity_id, label, snippet, facts in await asyncio.to_thread(self._find, query):
            if (kind, entity_id) in seen:
                continue
            seen.add((kind, entity_id))
            # Matched on the label as shown (cut): Textual's fuzzy match costs more than the square of
            # the text's length, and a 3,000-letter title would take 20 s for a three-letter query.
            name = render.plain(label).plain[:LABEL_WIDTH]
            score = max(matcher.match(name), 0.1) + _KIND_RANK[kind]
            yield Hit(
                score,
                _display(kind, label, snippet, facts),
                partial(self._open, kind, entity_id),
                text=name,
                help=f"Open this {kind} in the browser",
            )


PALETTE_KEY_OWNERS = ("app", "browse", "detail")
"""Whose keys the palette offers: every view and command of the browser (moving is for the keys)."""
PALETTE_LEFT_OUT = frozenset({"command_palette", "cursor_up", "cursor_down", "page_up", "page_down",
                              "cursor_first", "cursor_last", "follow_link", "focus_previous_pane"})
"""Actions not worth a palette entry: the palette itself, and moving about."""


def key_commands() -> list[tuple[str, str, str, str]]:
    """Every view and command the browser has a key for, from the key list: (title, keys, owner, action)."""
    from .keys import KEYS, key_name

    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str, str, str]] = []
    for key in KEYS:
        if key.owner not in PALETTE_KEY_OWNERS or key.action.split("(")[0] in PALETTE_LEFT_OUT:
            continue
        if (key.owner, key.action) in seen:
            continue
        seen.add((key.owner, key.action))
        keys = " ".join(key_name(name) for k in KEYS if (k.owner, k.action) == (key.owner, key.action)
                        for name in k.key_list)
        out.append((key.description, keys, key.owner, key.action))
    return out


class KeyCommands(Provider):
    """Every view and command reachable by a key (`dossier.keys`), so the palette lists them with their keys."""

    def _run(self, owner: str, action: str) -> None:
        self.app.post_message(RunKey(owner, action))

    async def discover(self) -> Hits:
        for title, keys, owner, action in key_commands():
            yield DiscoveryHit(Content(f"{title}  ({keys})"), partial(self._run, owner, action), text=title,
                               help="What the key does in the browser")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, keys, owner, action in key_commands():
            text = f"{title}  ({keys})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, owner, action), text=text,
                          help="What the key does in the browser")


class ActorKindCommands(Provider):
    """Show only one kind of actor in the Actors pane, or all of them grouped by kind."""

    def _commands(self) -> list[tuple[str, str | None]]:
        return [(f"Actors: show only {kind}", kind) for kind in ACTOR_KINDS] + [("Actors: show every kind", None)]

    def _run(self, kind: str | None) -> None:
        self.app.post_message(ShowActorKind(kind))

    async def discover(self) -> Hits:
        for name, kind in self._commands():
            yield DiscoveryHit(Content(name), partial(self._run, kind), text=name, help="Filter the Actors pane")

    async def search(self, query: str) -> AsyncIterator[DiscoveryHit | Hit]:
        matcher = self.matcher(query)
        for name, kind in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, kind), help="Filter the Actors pane")


class NotebookCommands(Provider):
    """The notebook (`b`) and `Tag: NAME` for each tag used on this dossier: the notebook narrowed to it."""

    def _commands(self) -> list[tuple[str, str]]:
        browser = getattr(self.app, "browser", None)
        notebook = getattr(browser, "notebook", None)
        state = getattr(notebook, "state", None)
        if state is None or state.off is not None or state.path is None:
            return []
        tags = sorted({tag for entry in state.entries.values() for tag in entry.tags}, key=str.casefold)
        return [("Notebook: everything marked, noted or tagged", "")] + [(f"Tag: {tag}", f"#{tag}") for tag in tags]

    def _run(self, narrow: str) -> None:
        self.app.post_message(OpenNotebook(narrow))

    async def discover(self) -> Hits:
        for name, narrow in self._commands():
            yield DiscoveryHit(render.content(name), partial(self._run, narrow), text=name, help="Open the notebook")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, narrow in self._commands():
            shown = render.content(name).plain
            score = matcher.match(shown)
            if score > 0:
                yield Hit(
                    score, render.content(shown), partial(self._run, narrow), text=shown, help="Open the notebook"
                )

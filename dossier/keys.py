"""Every key of the browser in one list: which key, which action, what it says, and who owns it.

The App, the screens and the widgets build their `BINDINGS` from `KEYS`
(`bindings("browse")`), the help screen shows `key_rows()`, and a test checks
README.md's key table against `key_rows()` and presses every key here in the
running app: adding a key is one line in `KEYS`, and the four cannot drift.

This module imports nothing from the app, its screens or its widgets (only
`textual.binding`, when `bindings()` is called), so any of them can read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from textual.binding import BindingType

Owner = Literal[
    "app", "browse", "list", "detail", "search", "help", "view", "view-list", "timeline", "facets", "note", "tags",
    "conflict", "notebook", "editor", "add", "confirm", "statement-form", "review", "review-item",
]
"""Whose `BINDINGS` a key is in: the App, `BrowseScreen`, `VirtualList`, `DetailPane`, `SearchScreen`,
`HelpScreen`, `ViewScreen` (chain, timeline, relations), `ViewList` (their list), `TimelineScreen`, `FacetScreen`,
the notebook's `NoteScreen`, `TagsScreen`, `ConflictScreen` and `NotebookScreen`, the capture's
`EditorScreen`, `AddScreen` and `ConfirmScreen`, `AddStatementScreen`, and the draft review's `DraftReviewScreen`
and `EditItemScreen`."""

WHERE: dict[Owner, str] = {
    "app": "Anywhere",
    "browse": "Browser",
    "list": "Lists",
    "detail": "Detail pane",
    "search": "Search",
    "help": "Help",
    "view": "Chain, timeline, relations",
    "view-list": "Chain, timeline, relations",
    "timeline": "Timeline",
    "note": "Note editor",
    "tags": "Tags",
    "conflict": "Changed elsewhere",
    "notebook": "Notebook",
    "facets": "Facets",
    "editor": "Editor",
    "add": "Add",
    "confirm": "Delete?",
    "statement-form": "New statement",
    "review": "Draft review",
    "review-item": "Draft item",
}
"""Where an owner's keys work, as the help screen and README.md's key table name it (in this order)."""

OWNER_CLASSES: dict[Owner, str] = {
    "app": "dossier.app.DossierApp",
    "browse": "dossier.screens.browse.BrowseScreen",
    "list": "dossier.widgets.virtual_list.VirtualList",
    "detail": "dossier.widgets.detail.DetailPane",
    "search": "dossier.screens.search.SearchScreen",
    "help": "dossier.screens.help.HelpScreen",
    "view": "dossier.screens._view.ViewScreen",
    "view-list": "dossier.screens._view.ViewList",
    "timeline": "dossier.screens.timeline.TimelineScreen",
    "facets": "dossier.screens.facets.FacetScreen",
    "note": "dossier.screens.notebook.NoteScreen",
    "tags": "dossier.screens.notebook.TagsScreen",
    "conflict": "dossier.screens.notebook.ConflictScreen",
    "notebook": "dossier.screens.notebook.NotebookScreen",
    "editor": "dossier.screens.capture.EditorScreen",
    "add": "dossier.screens.capture.AddScreen",
    "confirm": "dossier.screens.capture.ConfirmScreen",
    "statement-form": "dossier.screens.add_form.AddStatementScreen",
    "review": "dossier.screens.draft_review.DraftReviewScreen",
    "review-item": "dossier.screens.draft_review.EditItemScreen",
}
"""The class whose `BINDINGS` each owner's keys are (named, not imported: any module can read this one)."""


class Key(NamedTuple):
    """One binding: `keys` as Textual writes them (`"up,k"`), the action, its description, its owner.

    A named tuple, as `KeyRow`: a frozen dataclass costs ~0.8 ms to define, and this
    module is imported before the browser's first frame (docs/performance.md)."""

    keys: str
    action: str
    description: str
    owner: Owner
    id: str
    """The binding's id, unique in the app."""
    show: bool = True
    """Shown in the footer."""
    priority: bool = False
    """Run as the key arrives, before the focused widget sees it (the list moves: see `VirtualList`)."""

    @property
    def key_list(self) -> tuple[str, ...]:
        """Each key of this binding, as Textual names it (`("up", "k")`)."""
        return tuple(key.strip() for key in self.keys.split(","))


KEYS: tuple[Key, ...] = (
    # The App: anywhere.
    Key("ctrl+p", "command_palette", "Palette", "app", "command-palette", priority=True),
    Key("question_mark", "show_help", "Help", "app", "show-help"),
    Key("q", "quit", "Quit", "app", "quit"),
    # The browse screen.
    Key("tab", "focus_next_pane", "Next pane", "browse", "next-pane"),
    Key("shift+tab", "focus_previous_pane", "Previous pane", "browse", "previous-pane", show=False),
    Key("1", "focus_pane('actors')", "Actors pane", "browse", "pane-actors", show=False),
    Key("2", "focus_pane('statements')", "Statements pane", "browse", "pane-statements", show=False),
    Key("3", "focus_pane('measures')", "Measures pane", "browse", "pane-measures", show=False),
    Key("4", "focus_pane('consequences')", "Consequences pane", "browse", "pane-consequences", show=False),
    Key("5", "focus_pane('detail')", "Detail pane", "browse", "pane-detail", show=False),
    Key("backspace", "go_back", "Back", "browse", "go-back"),
    Key("alt+left", "go_back", "Back", "browse", "go-back-alt", show=False),
    Key("alt+right", "go_forward", "Forward", "browse", "go-forward", show=False),
    Key("slash", "open_search", "Search", "browse", "open-search"),
    Key("c", "open_chain", "Chain", "browse", "open-chain"),
    Key("t", "open_timeline", "Timeline", "browse", "open-timeline"),
    Key("T", "open_actor_timeline", "Actor's timeline", "browse", "open-actor-timeline", show=False),
    Key("r", "open_relations", "Relations", "browse", "open-relations"),
    # The notebook (dossier/screens/notebook_keys.py): the row at hand is the focused list's row, or the Detail pane's.
    Key("m", "toggle_mark", "Mark", "browse", "toggle-mark", show=False),
    Key("n", "edit_note", "Note", "browse", "edit-note", show=False),
    Key("number_sign", "edit_tags", "Tags", "browse", "edit-tags", show=False),
    Key("b", "open_notebook", "Notebook", "browse", "open-notebook", show=False),
    Key("y", "copy_citation('plain')", "Copy citation", "browse", "copy-citation", show=False),
    Key("Y", "copy_citation('markdown')", "Copy as Markdown", "browse", "copy-citation-markdown", show=False),
    Key("f", "open_facets", "Facets", "browse", "open-facets"),
    Key("x", "clear_filters", "Clear filters", "browse", "clear-filters", show=False),
    # Capture (dossier/screens/capture_keys.py): only with `dossier browse PATH --write`.
    Key("e", "edit_entity", "Edit", "browse", "edit-entity", show=False),
    Key("a", "add_entity", "Add", "browse", "add-entity", show=False),
    Key("D", "delete_entity", "Delete", "browse", "delete-entity", show=False),
    # The four list panes. The moves are priority bindings: see `VirtualList`.
    Key("up,k", "cursor_up", "Previous row", "list", "cursor-up", show=False, priority=True),
    Key("down,j", "cursor_down", "Next row", "list", "cursor-down", show=False, priority=True),
    Key("pageup", "page_up", "Page up", "list", "page-up", show=False, priority=True),
    Key("pagedown", "page_down", "Page down", "list", "page-down", show=False, priority=True),
    Key("home,g", "cursor_first", "First row", "list", "cursor-first", show=False, priority=True),
    Key("end,G", "cursor_last", "Last row", "list", "cursor-last", show=False, priority=True),
    Key("enter", "select_row", "Open", "list", "select-row"),
    # The Detail pane.
    Key("up,k", "cursor_up", "Previous reference", "detail", "detail-up", show=False),
    Key("down,j", "cursor_down", "Next reference", "detail", "detail-down", show=False),
    Key("pageup", "page_up", "Page up", "detail", "detail-page-up", show=False),
    Key("pagedown", "page_down", "Page down", "detail", "detail-page-down", show=False),
    Key("home,g", "cursor_first", "Top", "detail", "detail-first", show=False),
    Key("end,G", "cursor_last", "Bottom", "detail", "detail-last", show=False),
    Key("enter", "follow_link", "Follow", "detail", "follow-link"),
    Key("s", "copy_slug", "Copy slug", "detail", "detail.copy-slug"),
    # The search screen.
    Key("escape,q", "close_search", "Back to browser", "search", "close-search"),
    Key("up", "previous_hit", "Previous hit", "search", "previous-hit", show=False),
    Key("down", "next_hit", "Next hit", "search", "next-hit", show=False),
    Key("enter", "open_hit", "Open hit", "search", "open-hit", priority=True),
    Key("tab", "next_kind", "One kind", "search", "search.next-kind", priority=True),
    Key("shift+tab", "previous_kind", "Previous kind", "search", "search.previous-kind", show=False, priority=True),
    # The help screen.
    Key("escape,q", "close_help", "Close help", "help", "close-help"),
    # The chain, timeline and relations screens, and their list (an OptionList: the arrows,
    # Home, End and Enter are its own).
    Key("escape,q", "close", "Close", "view", "view.close"),
    Key("m", "toggle_mark", "Mark", "view", "view.mark", show=False),
    Key("j", "cursor_down", "Down", "view-list", "view.down", show=False),
    Key("k", "cursor_up", "Up", "view-list", "view.up", show=False),
    Key("g", "first", "First", "view-list", "view.first", show=False),
    Key("G", "last", "Last", "view-list", "view.last", show=False),
    Key("f", "next_filter", "Filter kind", "timeline", "timeline.filter"),
    # The notebook's screens (dossier/screens/notebook.py).
    Key("ctrl+s", "save_note", "Save", "note", "note.save", priority=True),
    Key("escape", "close_note", "Close", "note", "note.close", priority=True),
    Key("escape", "close_tags", "Close", "tags", "tags.close"),
    Key("k", "keep_mine", "Keep mine", "conflict", "conflict.keep-mine"),
    Key("t", "take_theirs", "Take theirs", "conflict", "conflict.take-theirs"),
    Key("escape", "edit_again", "Back to editing", "conflict", "conflict.edit-again"),
    Key("escape", "close_notebook", "Close", "notebook", "notebook.close"),
    Key("up", "previous_entry", "Previous entry", "notebook", "notebook.up", show=False),
    Key("down", "next_entry", "Next entry", "notebook", "notebook.down", show=False),
    Key("enter", "open_entry", "Open", "notebook", "notebook.open", priority=True),
    Key("d", "go_to_date", "Go to date", "timeline", "timeline.date"),
    Key("escape,q", "close", "Close", "facets", "facets.close"),
    Key("d", "date_range", "Date range", "facets", "facets.dates"),
    # The capture's screens (dossier/screens/capture.py).
    Key("ctrl+s", "save_document", "Save", "editor", "editor.save", priority=True),
    Key("escape", "close_editor", "Close", "editor", "editor.close", priority=True),
    Key("escape", "close_add", "Close", "add", "add.close"),
    Key("y", "confirm_delete", "Delete", "confirm", "confirm.yes"),
    Key("escape,n", "keep", "Keep it", "confirm", "confirm.no"),
    # The new-statement form (dossier/screens/add_form.py): its fields keep their own keys.
    Key("ctrl+s", "add_statement", "Add", "statement-form", "statement-form.add", priority=True),
    Key("escape", "close_form", "Close", "statement-form", "statement-form.close"),
    # The draft review (dossier/screens/draft_review.py, `dossier browse PATH --write --review DRAFT.yaml`).
    Key("a", "accept", "Accept", "review", "review.accept"),
    Key("r", "reject", "Reject", "review", "review.reject"),
    Key("u", "undecide", "Undecide", "review", "review.undecide"),
    Key("e", "edit_item", "Edit item", "review", "review.edit"),
    Key("f", "finish", "Finish", "review", "review.finish"),
    Key("escape,q", "close_review", "Close", "review", "review.close"),
    Key("ctrl+s", "keep_edit", "Keep the edit", "review-item", "review-item.keep", priority=True),
    Key("escape", "drop_edit", "Drop the edit", "review-item", "review-item.drop", priority=True),
)
"""Every key, grouped by owner; within an owner, in the order the footer and the help screen show them."""


def keys_of(owner: Owner) -> list[Key]:
    """The keys one owner binds, in order."""
    return [key for key in KEYS if key.owner == owner]


def bindings(owner: Owner) -> list[BindingType]:
    """One owner's `BINDINGS`, built from `KEYS`."""
    from textual.binding import Binding

    return [
        Binding(key.keys, key.action, key.description, show=key.show, priority=key.priority, id=key.id)
        for key in keys_of(owner)
    ]


# ----------------------------------------------------------------- the key table (help screen, README.md)

KEY_NAMES: dict[str, str] = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Escape",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "alt+left": "Alt+←",
    "alt+right": "Alt+→",
    "slash": "/",
    "question_mark": "?",
    "ctrl+p": "Ctrl+P",
    "ctrl+s": "Ctrl+S",
    "number_sign": "#",
}
"""How a key is written for people (the help screen and README.md)."""


class KeyRow(NamedTuple):
    """One line of the key table: where it works, the keys, the binding's description."""

    where: str
    keys: tuple[str, ...]
    description: str


def key_name(key: str) -> str:
    return KEY_NAMES.get(key, key)


def key_rows() -> list[KeyRow]:
    """Every key, grouped by where it works; keys with one description in one place share a row."""
    merged: dict[tuple[str, str], list[str]] = {}
    for key in KEYS:
        names = merged.setdefault((WHERE[key.owner], key.description), [])
        names.extend(key_name(name) for name in key.key_list)
    return [KeyRow(where, tuple(names), description) for (where, description), names in merged.items()]

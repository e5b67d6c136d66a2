"""`dossier.keys` is the one list of keys: every binding of every screen and widget comes from it."""

from __future__ import annotations

import importlib
import pkgutil

import grimp
from textual.binding import Binding
from textual.dom import DOMNode

import dossier
from dossier import keys
from dossier.store import Store


def owner_class(owner: keys.Owner) -> type[DOMNode]:
    module, _, name = keys.OWNER_CLASSES[owner].rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, DOMNode)
    return cls


OWNERS: dict[keys.Owner, type[DOMNode]] = {owner: owner_class(owner) for owner in keys.OWNER_CLASSES}


def dossier_classes() -> set[type[DOMNode]]:
    """Every App, screen and widget class defined in `dossier`."""
    for module in pkgutil.walk_packages(dossier.__path__, "dossier."):
        if not module.name.startswith(("dossier.serve", "dossier.__main__")):
            importlib.import_module(module.name)
    found: set[type[DOMNode]] = set()
    todo = [DOMNode]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("dossier."):
                found.add(sub)
    return found


def test_each_owner_binds_exactly_its_keys_in_order() -> None:
    for owner, cls in OWNERS.items():
        bound = [binding for binding in cls.__dict__["BINDINGS"] if isinstance(binding, Binding)]
        assert [
            (binding.key, binding.action, binding.description, binding.show, binding.priority, binding.id)
            for binding in bound
        ] == [(k.keys, k.action, k.description, k.show, k.priority, k.id) for k in keys.keys_of(owner)], owner


def test_no_class_binds_a_key_outside_the_list() -> None:
    registered = {key.id for key in keys.KEYS}
    for cls in dossier_classes():
        own = cls.__dict__.get("BINDINGS", [])
        strays = [binding for binding in own if not isinstance(binding, Binding) or binding.id not in registered]
        assert strays == [], f"{cls.__qualname__} binds keys that are not in dossier.keys.KEYS"
        assert not own or cls in OWNERS.values(), f"{cls.__qualname__} has bindings but is no owner"


def test_ids_are_unique_and_every_owner_has_a_place() -> None:
    ids = [key.id for key in keys.KEYS]
    assert len(ids) == len(set(ids))
    assert {key.owner for key in keys.KEYS} == set(keys.OWNER_CLASSES) == set(keys.WHERE)


def test_the_key_table_merges_keys_that_do_the_same_in_one_place() -> None:
    rows = keys.key_rows()
    assert keys.KeyRow("Browser", ("Backspace", "Alt+←"), "Back") in rows
    assert keys.KeyRow("Lists", ("↑", "k"), "Previous row") in rows
    assert sum(len(row.keys) for row in rows) == sum(len(key.key_list) for key in keys.KEYS)


def test_the_help_screen_reads_the_list_not_the_app() -> None:
    imported = grimp.build_graph("dossier", cache_dir=None).find_modules_directly_imported_by("dossier.screens.help")
    assert "dossier.keys" in imported
    assert imported.isdisjoint({"dossier.app", "dossier.screens.browse", "dossier.screens.search"})


def test_the_key_list_needs_no_textual_until_bindings_are_built() -> None:
    import subprocess
    import sys

    code = (
        "import sys, dossier.keys as k; rows = k.key_rows(); "
        "print(len(rows), sorted(m for m in sys.modules if m.startswith(('textual', 'rich'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    count, loaded = result.stdout.split(" ", 1)
    assert int(count) == len(keys.key_rows()) and loaded.strip() == "[]"


def test_the_footer_shows_every_key_as_textual_shows_it(store: Store) -> None:
    """`DossierApp.get_key_display` skips Textual's lookup of Unicode names, and shows what Textual would."""
    from textual.app import App

    from dossier.app import DossierApp

    app = DossierApp(store)
    names = {name for key in keys.KEYS for name in key.key_list} | set(DossierApp.KEY_CHARACTERS)
    for name in sorted(names):
        binding = Binding(name, "quit", "Quit")
        assert app.get_key_display(binding) == App.get_key_display(app, binding), name
    assert app.get_key_display(Binding("question_mark", "show_help", "Help")) == "?"

"""dossier/capture.py on real files: each bad input refused with the importer's lines and nothing written;
additions, deletions and reverts recorded, the search index kept in step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dossier.capture import (
    apply_text,
    delete_entity,
    delete_plan,
    document_text,
    import_as_edit,
    make_slug,
    revert_edit,
    template,
)
from dossier.errors import BundleError, StoreError
from dossier.store import Store
from tests.conftest import file_hash, read_rows

STATEMENT = "ryabkov-language-of-ultimatums"


def _doc(db: Path, ref: str) -> tuple[tuple[str, str], str]:
    with Store.open(db) as store:
        kind, slug, text = document_text(store, *store.resolve(ref))
    return (kind, slug), text


def _refused(db: Path, text: str, expect: tuple[str, str] | None = None, mode: str = "edit") -> list[str]:
    before = file_hash(db)
    with pytest.raises(BundleError) as refused:
        apply_text(db, text, expect=expect, mode=mode, file="doc.yaml")  # type: ignore[arg-type]
    assert file_hash(db) == before  # nothing written
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("speaker: ryabkov", "speaker: [ryabkov", "doc.yaml:"),  # invalid YAML, with its line
        ("speaker: ryabkov", "speaker: nobody", "statements.0.speaker: unknown actor 'nobody'"),
        ("measure: us-expels-27-russian-diplomats", "measure: no-such-measure",
         "statements.0.about.0.measure: unknown measure 'no-such-measure'"),
        ("said: '2021-12-01'", "said: '2021-02-30'", "statements.0.said: '2021-02-30' is not a real date"),
        (f"slug: {STATEMENT}", "slug: another-slug", "statements.0.slug: the slug cannot be changed by an edit"),
        ("statements:", "dossier: {title: x}\nstatements:", "dossier: a document holds entities only"),
    ],
    ids=["yaml", "speaker", "measure", "date", "slug-changed", "dossier-section"],
)
def test_bad_input_is_refused_with_the_importers_lines(seed_db: Path, old: str, new: str, problem: str) -> None:
    ref, text = _doc(seed_db, STATEMENT)
    assert old in text
    problems = _refused(seed_db, text.replace(old, new, 1), expect=ref)
    assert any(problem in line for line in problems), problems
    assert all(line.startswith("doc.yaml") for line in problems)


def test_a_duplicate_slug_is_refused_when_adding(seed_db: Path) -> None:
    text = template("statement", actor="zakharova").replace("  - slug:  ", f"  - slug: {STATEMENT}  ")
    text = text.replace("    text:\n", "    text: A copy.\n")
    problems = _refused(seed_db, text, mode="add")
    assert problems == [f"doc.yaml: statements.slug: duplicate slug '{STATEMENT}': the dossier has a statement"
                        " with it (edit that one with `e`)"]


def test_a_blank_slug_is_made_from_the_text_and_kept_unique(seed_db: Path) -> None:
    text = template("statement", actor="zakharova").replace("    text:\n", "    text: «Мы ответим», she said.\n")
    first = apply_text(seed_db, text, mode="add")
    second = apply_text(seed_db, text, mode="add")
    assert (first.slug, second.slug) == ("zakharova-she-said", "zakharova-she-said-2")
    assert make_slug("Мария Захарова", lambda slug: False, fallback="actor") == "maria-zaharova"
    assert make_slug("!!!", lambda slug: False, fallback="actor") == "actor"


def test_an_edit_replaces_the_entitys_children_and_keeps_the_search_index(seed_db: Path) -> None:
    ref, text = _doc(seed_db, "russia-orders-us-diplomats-out")
    data = yaml.safe_load(text)
    consequences = data["measures"][0]["consequences"]
    del consequences[1]  # the second consequence goes, the first is reworded
    consequences[0]["description"] = "U.S. diplomats must depart Russia by the end of January (wombat)."
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    saved = apply_text(seed_db, text, expect=ref)
    assert saved.changed and saved.kind == "measure"
    gone = "SELECT count(*) FROM consequences WHERE slug = 'russia-plan-halted-if-us-follows-suit'"
    assert read_rows(seed_db, gone) == [(0,)]
    with Store.open(seed_db) as store:
        assert [hit.kind for hit in store.search_page("wombat", limit=5).hits] == ["consequence"]
        assert not store.search_page("halted suit", kind="consequence", limit=5).hits  # gone from the index too


def test_delete_is_refused_naming_referrers_and_a_statement_goes_with_its_links(seed_db: Path) -> None:
    before = file_hash(seed_db)
    with pytest.raises(StoreError, match=r"measure/us-expels-27-russian-diplomats cannot be deleted: \d+ statements"):
        delete_entity(seed_db, "measure", "us-expels-27-russian-diplomats")
    assert file_hash(seed_db) == before
    with Store.open(seed_db) as store:
        _, statement_id = store.resolve(STATEMENT)
    what, referrers = delete_plan(seed_db, "statement", statement_id)
    assert (what, referrers) == (f"statement/{STATEMENT} with its 2 links to measures", [])
    saved = delete_entity(seed_db, "statement", STATEMENT)
    assert saved.action == "delete" and saved.changed
    assert read_rows(seed_db, f"SELECT count(*) FROM statement_measures WHERE statement_id = {statement_id}") == [(0,)]
    with Store.open(seed_db) as store:
        assert not store.search_page("ultimatums", kind="statement", limit=5).hits
    # The revert brings it back with its children (a new id), as a new edit.
    restored = revert_edit(seed_db, saved.edit_id or 0)
    assert restored.action == "add"
    ref, text = _doc(seed_db, STATEMENT)
    assert text.count("- measure: ") == 2
    with Store.open(seed_db) as store:
        assert [hit.slug for hit in store.search_page("ultimatums", kind="statement", limit=5).hits] == [STATEMENT]


def test_a_consequence_is_deleted_as_an_edit_of_its_measure(seed_db: Path) -> None:
    saved = delete_entity(seed_db, "consequence", "us-equivalent-number-by-next-year")
    assert (saved.kind, saved.slug, saved.action) == ("measure", "us-expels-27-russian-diplomats", "change")
    slugs = read_rows(
        seed_db,
        "SELECT c.slug FROM consequences c JOIN measures m ON m.id = c.measure_id"
        " WHERE m.slug = 'us-expels-27-russian-diplomats' ORDER BY position",
    )
    assert slugs == [("us-27-depart-by-2022-01-30",), ("us-three-year-bar",)]
    (note,) = read_rows(seed_db, "SELECT note FROM edits")[0]
    assert note == "deleted consequence us-equivalent-number-by-next-year"


def test_a_bundle_saved_as_one_edit(seed_db: Path) -> None:
    text = (
        "actors:\n  - {slug: new-voice, name: A New Voice, kind: person}\n"
        "statements:\n  - {slug: new-voice-hello, speaker: new-voice, text: Hello., said: '2022'}\n"
    )
    saved = import_as_edit(seed_db, text)
    assert saved.changed and saved.kind is None
    (after,) = read_rows(seed_db, "SELECT after FROM edits")[0]
    assert sorted(json.loads(str(after))) == ["actors", "statements"]
    revert_edit(seed_db, saved.edit_id or 0)  # both go: the statement before its speaker
    assert read_rows(seed_db, "SELECT count(*) FROM actors WHERE slug = 'new-voice'") == [(0,)]

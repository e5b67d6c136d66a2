"""The search screen's fragments of actors and events, found in their texts held in memory.

Once the search screen has read them (`Store.prepare_search`), the
fragments of the small entity kinds (`HELD_KINDS`) are found in the text
the trigram index holds of them, kept while the file is unchanged; before,
and on the command line, by the trigram index. Both must find the same rows,
in the same order, for any query; and an entity changed by another program
must be found by its new text at the next search.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dossier import generate
from dossier.importer import refresh_entity_index
from dossier.rows import SearchKind
from dossier.schema import ENTITY_KIND_CODES
from dossier.screens.search import PROBE, shares
from dossier.store import Store

# Fragments inside actors' names (Latin and Cyrillic), roles and events' text; capitals (SQLite's `lower()`
# folds ASCII only, so `НОВ` finds nothing in `Новикова`), excluded fragments, a short term beside a long one,
# fragments that only a row's end and the next row's start would make, and ones no entity holds.
QUERIES = [
    "ova",
    "OVA",
    "kova",
    "Нов",
    "НОВ",
    "ова",
    "ikol",
    "spokes",
    "minister",
    "ova -anna",
    "ova -нов",
    "ova ik",
    "ent ova",
    "ayes sus",
    "hayessusan",
    "nister",
    "diplomats",
    "iplomat",
    "ssion -vienna",
    "STOCKH",
    "zzqx",
    "😀",
]


HELD: list[SearchKind] = ["actor", "event"]


@pytest.fixture(scope="module")
def dossier_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("held") / "held.db"
    generate.generate(path, statements=5_000, seed=5)
    return path


def _fragments(store: Store, text: str, kind: str, want: int, held: bool) -> list[int]:
    if held:
        store.prepare_search()
        assert set(store._held) == {ENTITY_KIND_CODES[k] for k in store.HELD_KINDS}
    else:
        store._held.clear()
    run = store._kinds_run(text, 60, None)
    assert run is not None
    return run._entity_fragments(ENTITY_KIND_CODES[kind], want)


@pytest.mark.parametrize("kind", ["actor", "event"])
def test_held_texts_find_the_rows_the_trigram_index_finds(dossier_file: Path, kind: str) -> None:
    with Store.open(dossier_file) as store:
        assert kind in store.HELD_KINDS
        some = 0
        for text in QUERIES:
            for want in (1, 3, 51, 10_000):
                by_index = _fragments(store, text, kind, want, held=False)
                assert _fragments(store, text, kind, want, held=True) == by_index, (text, want)
                some += bool(by_index)
        assert some  # the queries find some rows of the kind


def test_the_first_screen_s_actors_and_events_are_those_of_their_own_pages(dossier_file: Path) -> None:
    with Store.open(dossier_file) as store:
        store.SCAN_WINDOW = 300
        for text in QUERIES:
            pages = {kind: store.search_page(text, kind=kind, limit=PROBE, time_limit=60) for kind in HELD}
            assert not store._held  # by the trigram index
            counts = {kind: len(page.hits) for kind, page in pages.items() if page.hits}
            store.prepare_search()
            found = store.search_kinds(text, PROBE, lambda c: shares(c, 200), time_limit=60)
            for kind, page in pages.items():
                assert (found[kind].hits if kind in found else ()) == page.hits, (text, kind)
                assert (found[kind].found if kind in found else 0) == counts.get(kind, 0), (text, kind)
            later = store.search_counts(text, HELD, PROBE, time_limit=60)
            assert {kind: count for kind, (count, _) in later.items() if count} == counts, text
            store._held.clear()


def test_an_actor_renamed_by_another_program_is_found_by_its_new_name(dossier_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(dossier_file.read_bytes())
    with Store.open(copy) as store:
        store.prepare_search()
        assert "actor" not in store.search_kinds("ixotrelo", PROBE, lambda c: shares(c, 30))
        held = store._held[ENTITY_KIND_CODES["actor"]]
        writer = sqlite3.connect(copy)
        oldest = writer.execute("SELECT min(id) FROM actors").fetchone()[0]
        writer.execute("UPDATE actors SET name = 'Anna Quixotrelova' WHERE id = ?", (oldest,))
        refresh_entity_index(writer, {"actor": [oldest]})
        writer.commit()
        writer.close()
        found = store.search_kinds("ixotrelo", PROBE, lambda c: shares(c, 30))  # inside a word: only a fragment
        assert [hit.id for hit in found["actor"].hits] == [oldest]
        assert not store._held  # by the trigram index, until the search screen reads the texts again
        store.prepare_search()
        assert store._held[ENTITY_KIND_CODES["actor"]] is not held
        found = store.search_kinds("ixotrelo", PROBE, lambda c: shares(c, 30))
        assert [hit.id for hit in found["actor"].hits] == [oldest]
        assert [hit.id for hit in store.search_page("ixotrelo", kind="actor").hits] == [oldest]
